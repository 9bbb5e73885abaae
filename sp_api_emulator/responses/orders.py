"""Orders v0: getOrders, getOrder, getOrderItems, getOrderBuyerInfo, getOrderAddress (wire shapes + rules)."""

from __future__ import annotations

from typing import Any, Dict, List

from ..exceptions import InvalidInput, NotFound
from ..http_types import Request
from ..models import Order, OrderItem, SellerAccount
from ..timeutil import iso, parse_iso
from .common import TWO_MINUTES, date_param, enum_params, int_param, marketplace_ids, money, require_past

ORDER_STATUSES = ["PendingAvailability", "Pending", "Unshipped", "PartiallyShipped", "Shipped", "InvoiceUnconfirmed",
                  "Canceled", "Unfulfillable"]
SEARCH_FIELDS = {"PurchaseDate": "purchase_date", "LastUpdateDate": "last_update_date"}


# ---------------------------------------------------------------------------------------------
# Wire shapes
# ---------------------------------------------------------------------------------------------

def address_json(order: Order, pii: bool) -> Dict[str, Any]:
    a = order.address
    limited = {"City": a.city, "StateOrRegion": a.state, "PostalCode": a.postal_code, "CountryCode": a.country}
    if not pii:
        return limited
    return {"Name": a.name, "AddressLine1": a.line1, **limited, "Phone": a.phone, "AddressType": a.address_type}


def ship_from_json(order: Order) -> Dict[str, Any]:
    from ..catalog_text import WAREHOUSES

    city, state, postal, street = WAREHOUSES[order.market.code]
    return {"Name": "Emulator Seller Warehouse", "AddressLine1": street, "City": city, "StateOrRegion": state,
            "PostalCode": postal, "CountryCode": "GB" if order.market.code == "UK" else order.market.code,
            "AddressType": "Commercial"}


def order_json(order: Order, pii: bool) -> Dict[str, Any]:
    body: Dict[str, Any] = {
        "AmazonOrderId": order.amazon_order_id,
        "SellerOrderId": order.seller_order_id,
        "PurchaseDate": iso(order.purchase_date),
        "LastUpdateDate": iso(order.last_update_date),
        "OrderStatus": order.status,
        "FulfillmentChannel": order.fulfillment_channel,
        "SalesChannel": order.market.sales_channel,
        "ShipServiceLevel": order.ship_service_level,
    }
    if order.has_amounts:
        body["OrderTotal"] = money(order.total, order.market.currency)
    body.update({
        "NumberOfItemsShipped": order.quantity_shipped,
        "NumberOfItemsUnshipped": order.quantity_unshipped,
        "PaymentMethod": order.payment_method,
        "PaymentMethodDetails": list(order.payment_details),
        "MarketplaceId": order.market.id,
        "ShipmentServiceLevelCategory": order.ship_category,
        "OrderType": "StandardOrder",
        "EarliestShipDate": iso(order.earliest_ship),
        "LatestShipDate": iso(order.latest_ship),
        "EarliestDeliveryDate": iso(order.earliest_delivery),
        "LatestDeliveryDate": iso(order.latest_delivery),
        "IsBusinessOrder": order.is_business,
        "IsPrime": order.is_prime,
        "IsPremiumOrder": False,
        "IsGlobalExpressEnabled": False,
        "IsReplacementOrder": False,
        "IsSoldByAB": False,
        "IsIBA": False,
        "IsISPU": False,
        "IsAccessPointOrder": False,
        "HasRegulatedItems": False,
        "AutomatedShippingSettings": {"HasAutomatedShippingSettings": False},
    })
    if order.fulfillment_channel == "MFN":
        body["DefaultShipFromLocationAddress"] = ship_from_json(order)
    if order.status != "Pending":
        body["ShippingAddress"] = address_json(order, pii)
    if pii:
        body["BuyerInfo"] = buyer_info(order)
    return body


def buyer_info(order: Order) -> Dict[str, Any]:
    info: Dict[str, Any] = {"BuyerEmail": order.buyer_email, "BuyerName": order.buyer_name}
    if order.purchase_order_number:
        info["PurchaseOrderNumber"] = order.purchase_order_number
    return info


def order_item_json(order: Order, item: OrderItem) -> Dict[str, Any]:
    currency = order.market.currency
    body: Dict[str, Any] = {
        "ASIN": item.product.asin,
        "SellerSKU": item.product.sku,
        "OrderItemId": item.order_item_id,
        "Title": item.product.title(order.market),
        "QuantityOrdered": item.quantity,
        "QuantityShipped": item.quantity_shipped,
        "ProductInfo": {"NumberOfItems": "1"},
    }
    if order.has_amounts:
        body.update({
            "ItemPrice": money(item.item_price, currency),
            "ItemTax": money(item.item_tax, currency),
            "ShippingPrice": money(item.shipping_price, currency),
            "ShippingTax": money(item.shipping_tax, currency),
            "ShippingDiscount": money(0, currency),
            "ShippingDiscountTax": money(0, currency),
            "PromotionDiscount": money(item.promotion_discount, currency),
            "PromotionDiscountTax": money(0, currency),
        })
        if item.promotion_ids:
            body["PromotionIds"] = list(item.promotion_ids)
        if order.market.code == "JP":
            points = int(item.item_price / 100)
            body["PointsGranted"] = {"PointsNumber": points, "PointsMonetaryValue": money(points, currency)}
    body.update({"IsGift": "false", "ConditionId": "New", "ConditionSubtypeId": "New", "IsTransparency": False,
                 "SerialNumberRequired": False})
    if order.market.code == "US":
        body["TaxCollection"] = {"Model": "MarketplaceFacilitator", "ResponsibleParty": "Amazon Services, Inc."}
    return body


# ---------------------------------------------------------------------------------------------
# getOrders
# ---------------------------------------------------------------------------------------------

def _validate_order_statuses(statuses: List[str]) -> None:
    if ("Unshipped" in statuses) != ("PartiallyShipped" in statuses):
        raise InvalidInput("OrderStatuses: Unshipped and PartiallyShipped must be used together.")


def _search_state(req: Request, seller: SellerAccount) -> Dict[str, Any]:
    """Validate a first-page request and return the query it stands for."""
    markets = marketplace_ids(req, "MarketplaceIds", seller, required=True)
    order_ids = req.params("AmazonOrderIds")
    if len(order_ids) > 50:
        raise InvalidInput("AmazonOrderIds accepts at most 50 values.")
    created_after = date_param(req, "CreatedAfter")
    created_before = date_param(req, "CreatedBefore")
    updated_after = date_param(req, "LastUpdatedAfter")
    updated_before = date_param(req, "LastUpdatedBefore")
    if not order_ids:
        if (created_after is None) == (updated_after is None):
            raise InvalidInput("Exactly one of CreatedAfter and LastUpdatedAfter must be specified.")
    if created_after is not None and updated_before is not None:
        raise InvalidInput("LastUpdatedBefore cannot be specified with CreatedAfter.")
    if updated_after is not None and created_before is not None:
        raise InvalidInput("CreatedBefore cannot be specified with LastUpdatedAfter.")
    if created_before is not None and created_after is None and not order_ids:
        raise InvalidInput("CreatedBefore requires CreatedAfter.")
    for name, value in (("CreatedAfter", created_after), ("CreatedBefore", created_before),
                        ("LastUpdatedAfter", updated_after), ("LastUpdatedBefore", updated_before)):
        require_past(name, value, req.now)
    if created_after and created_before and created_before < created_after:
        raise InvalidInput("CreatedBefore must be later than CreatedAfter.")
    if updated_after and updated_before and updated_before < updated_after:
        raise InvalidInput("LastUpdatedBefore must be later than LastUpdatedAfter.")
    statuses = enum_params(req, "OrderStatuses", ORDER_STATUSES)
    _validate_order_statuses(statuses)
    channels = enum_params(req, "FulfillmentChannels", ["AFN", "MFN"])
    payments = enum_params(req, "PaymentMethods", ["COD", "CVS", "Other"])
    size = int_param(req, "MaxResultsPerPage", 100, 1, 100)
    by_update = updated_after is not None
    default_before = req.now - TWO_MINUTES
    return {
        "markets": markets,
        "field": "LastUpdateDate" if by_update else "PurchaseDate",
        "after": iso(updated_after if by_update else (created_after or req.now.replace(year=1970))),
        "before": iso((updated_before if by_update else created_before) or default_before),
        "ids": order_ids,
        "statuses": statuses,
        "channels": channels,
        "payments": payments,
        "buyer_email": req.param("BuyerEmail"),
        "seller_order_id": req.param("SellerOrderId"),
        "size": size,
        "last": None,
    }


def _select(seller: SellerAccount, state: Dict[str, Any], now) -> List[Order]:
    after, before = parse_iso(state["after"]), parse_iso(state["before"])
    orders = seller.orders_in_window(state["markets"], state["field"], after, before, now)
    attr = SEARCH_FIELDS[state["field"]]
    wanted_ids = set(state["ids"])
    result = []
    for order in orders:
        if wanted_ids and order.amazon_order_id not in wanted_ids:
            continue
        if state["statuses"] and order.status not in state["statuses"]:
            continue
        if state["channels"] and order.fulfillment_channel not in state["channels"]:
            continue
        if state["payments"] and order.payment_method not in state["payments"]:
            continue
        if state["buyer_email"] and order.buyer_email != state["buyer_email"]:
            continue
        if state["seller_order_id"] and order.seller_order_id != state["seller_order_id"]:
            continue
        if state["last"] is not None and [iso(getattr(order, attr)), order.amazon_order_id] <= state["last"]:
            continue
        result.append(order)
    return result


def get_orders(emu, req: Request):
    seller = emu.dataset.seller
    token = req.param("NextToken")
    if token:
        marketplace_ids(req, "MarketplaceIds", seller, required=True)
        state = emu.page_tokens.decode(token)
    else:
        state = _search_state(req, seller)
    orders = _select(seller, state, req.now)
    chunk = orders[: state["size"]]
    payload: Dict[str, Any] = {"Orders": [order_json(o, req.pii_allowed) for o in chunk]}
    if len(orders) > state["size"]:
        attr = SEARCH_FIELDS[state["field"]]
        last = chunk[-1]
        payload["NextToken"] = emu.page_tokens.encode(
            {**state, "last": [iso(getattr(last, attr)), last.amazon_order_id]})
    payload["LastUpdatedBefore" if state["field"] == "LastUpdateDate" else "CreatedBefore"] = state["before"]
    return 200, {"payload": payload}


# ---------------------------------------------------------------------------------------------
# One order
# ---------------------------------------------------------------------------------------------

def find_order(emu, req: Request) -> Order:
    seller = emu.dataset.seller
    order_id = req.path_params["orderId"]
    order = seller.orders_by_id.get(order_id)
    if order is None or not seller.visible(order, req.now):
        raise NotFound(f"Order {order_id} was not found.")
    return order


def get_order(emu, req: Request):
    return 200, {"payload": order_json(find_order(emu, req), req.pii_allowed)}


def get_order_items(emu, req: Request):
    order = find_order(emu, req)
    return 200, {"payload": {"AmazonOrderId": order.amazon_order_id,
                             "OrderItems": [order_item_json(order, i) for i in order.items]}}


def get_order_buyer_info(emu, req: Request):
    order = find_order(emu, req)
    payload: Dict[str, Any] = {"AmazonOrderId": order.amazon_order_id}
    if req.pii_allowed:
        payload.update(buyer_info(order))
    return 200, {"payload": payload}


def get_order_address(emu, req: Request):
    order = find_order(emu, req)
    payload: Dict[str, Any] = {"AmazonOrderId": order.amazon_order_id}
    if order.status != "Pending":
        payload["ShippingAddress"] = address_json(order, req.pii_allowed)
    return 200, {"payload": payload}


def get_order_items_buyer_info(emu, req: Request):
    order = find_order(emu, req)
    return 200, {"payload": {"AmazonOrderId": order.amazon_order_id,
                             "OrderItems": [{"OrderItemId": i.order_item_id} for i in order.items]}}
