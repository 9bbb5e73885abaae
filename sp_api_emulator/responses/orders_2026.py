"""Orders 2026-01-01 searchOrders: the same orders in the new shape, with includedData datasets."""

from __future__ import annotations

from typing import Any, Dict, List

from ..exceptions import InvalidInput
from ..http_types import Request
from ..models import Order, OrderItem
from ..timeutil import iso
from .common import TWO_MINUTES, date_param, enum_params, int_param, marketplace_ids, require_past
from .orders import SEARCH_FIELDS, _select

FULFILLMENT_STATUSES = {"Pending": "PENDING", "Unshipped": "UNSHIPPED", "PartiallyShipped": "PARTIALLY_SHIPPED",
                        "Shipped": "SHIPPED", "Canceled": "CANCELLED", "Unfulfillable": "UNFULFILLABLE",
                        "PendingAvailability": "PENDING_AVAILABILITY"}
V0_STATUS = {v: k for k, v in FULFILLMENT_STATUSES.items()}
INCLUDED = ["BUYER", "RECIPIENT", "PROCEEDS", "EXPENSE", "PROMOTION", "CANCELLATION", "FULFILLMENT", "PACKAGES",
            "TAX", "PAYMENT", "FULFILLMENT_ORDERS"]


def _money(amount, currency: str) -> Dict[str, str]:
    return {"amount": f"{amount:.2f}", "currencyCode": currency}


def _item(order: Order, item: OrderItem, included: List[str]) -> Dict[str, Any]:
    currency = order.market.currency
    body: Dict[str, Any] = {
        "orderItemId": item.order_item_id,
        "quantityOrdered": item.quantity,
        "product": {"asin": item.product.asin, "title": item.product.title(order.market),
                    "sellerSku": item.product.sku,
                    "condition": {"conditionType": "NEW", "conditionSubtype": "NEW"},
                    "price": {"unitPrice": _money(item.item_price / item.quantity, currency)}},
    }
    if "PROCEEDS" in included and order.has_amounts:
        total = item.item_price + item.item_tax + item.shipping_price + item.shipping_tax - item.promotion_discount
        breakdowns = [{"type": "ITEM", "subtotal": _money(item.item_price, currency)},
                      {"type": "TAX", "subtotal": _money(item.item_tax + item.shipping_tax, currency)}]
        if item.shipping_price:
            breakdowns.append({"type": "SHIPPING", "subtotal": _money(item.shipping_price, currency)})
        if item.promotion_discount:
            breakdowns.append({"type": "DISCOUNT", "subtotal": _money(-item.promotion_discount, currency)})
        body["proceeds"] = {"proceedsTotal": _money(total, currency), "breakdowns": breakdowns}
    if "PROMOTION" in included and item.promotion_ids:
        body["promotion"] = {"breakdowns": [{"promotionId": p} for p in item.promotion_ids]}
    if "FULFILLMENT" in included:
        body["fulfillment"] = {"quantityFulfilled": item.quantity_shipped,
                               "quantityUnfulfilled": 0 if order.status == "Canceled"
                               else item.quantity - item.quantity_shipped}
    return body


def order_json(order: Order, included: List[str], pii: bool) -> Dict[str, Any]:
    currency = order.market.currency
    body: Dict[str, Any] = {
        "orderId": order.amazon_order_id,
        "orderAliases": [{"aliasId": order.seller_order_id, "aliasType": "SELLER_ORDER_ID"}],
        "createdTime": iso(order.purchase_date),
        "lastUpdatedTime": iso(order.last_update_date),
        "programs": ["PRIME"] if order.is_prime else [],
        "salesChannel": {"channelName": "AMAZON", "marketplaceId": order.market.id,
                         "marketplaceName": order.market.sales_channel},
    }
    if "BUYER" in included and pii:
        body["buyer"] = {"buyerName": order.buyer_name, "buyerEmail": order.buyer_email}
    if "RECIPIENT" in included and order.status != "Pending":
        a = order.address
        address: Dict[str, Any] = {"city": a.city, "stateOrRegion": a.state, "postalCode": a.postal_code,
                                   "countryCode": a.country, "addressType": a.address_type.upper()}
        if pii:
            address.update({"name": a.name, "addressLine1": a.line1, "phone": a.phone})
        body["recipient"] = {"deliveryAddress": address}
    if "PROCEEDS" in included and order.has_amounts:
        body["proceeds"] = {"grandTotal": _money(order.total, currency)}
    if "FULFILLMENT" in included:
        body["fulfillment"] = {
            "fulfillmentStatus": FULFILLMENT_STATUSES[order.status],
            "fulfilledBy": "AMAZON" if order.fulfillment_channel == "AFN" else "MERCHANT",
            "fulfillmentServiceLevel": order.ship_category.upper(),
            "shipByWindow": {"earliestDateTime": iso(order.earliest_ship), "latestDateTime": iso(order.latest_ship)},
            "deliverByWindow": {"earliestDateTime": iso(order.earliest_delivery),
                                "latestDateTime": iso(order.latest_delivery)},
        }
    body["orderItems"] = [_item(order, i, included) for i in order.items]
    if "PACKAGES" in included and order.status == "Shipped" and order.ship_date:
        body["packages"] = [{"packageReferenceId": f"PKG-{order.amazon_order_id}", "createdTime": iso(order.ship_date),
                             "packageStatus": {"status": "DELIVERED"},
                             "carrier": {"NA": "UPS", "EU": "DHL", "FE": "Yamato"}[order.market.region],
                             "shipTime": iso(order.ship_date), "trackingNumber": f"1Z{order.items[0].order_item_id}",
                             "packageItems": [{"orderItemId": i.order_item_id, "quantity": i.quantity}
                                              for i in order.items]}]
    return body


def search_orders(emu, req: Request):
    seller = emu.dataset.seller
    token = req.param("paginationToken")
    if token:
        state = emu.page_tokens.decode(token, "paginationToken")
    else:
        created_after = date_param(req, "createdAfter")
        created_before = date_param(req, "createdBefore")
        updated_after = date_param(req, "lastUpdatedAfter")
        updated_before = date_param(req, "lastUpdatedBefore")
        if (created_after is None) == (updated_after is None):
            raise InvalidInput("Exactly one of createdAfter and lastUpdatedAfter must be provided.")
        if created_after is not None and (updated_before is not None):
            raise InvalidInput("lastUpdatedBefore cannot be provided with createdAfter.")
        if updated_after is not None and created_before is not None:
            raise InvalidInput("createdBefore cannot be provided with lastUpdatedAfter.")
        for name, value in (("createdAfter", created_after), ("createdBefore", created_before),
                            ("lastUpdatedAfter", updated_after), ("lastUpdatedBefore", updated_before)):
            require_past(name, value, req.now)
        by_update = updated_after is not None
        after = updated_after if by_update else created_after
        before = (updated_before if by_update else created_before) or req.now - TWO_MINUTES
        if before < after:
            raise InvalidInput("The Before date must be equal to or after the After date.")
        statuses = enum_params(req, "fulfillmentStatuses", list(V0_STATUS))
        fulfilled_by = enum_params(req, "fulfilledBy", ["MERCHANT", "AMAZON"])
        state = {"markets": marketplace_ids(req, "marketplaceIds", seller, required=False),
                 "field": "LastUpdateDate" if by_update else "PurchaseDate", "after": iso(after),
                 "before": iso(before), "ids": [], "statuses": [V0_STATUS[s] for s in statuses],
                 "channels": [{"MERCHANT": "MFN", "AMAZON": "AFN"}[f] for f in fulfilled_by], "payments": [],
                 "buyer_email": None, "seller_order_id": None,
                 "size": int_param(req, "maxResultsPerPage", 100, 1, 100), "last": None,
                 "included": enum_params(req, "includedData", INCLUDED)}
    orders = _select(seller, state, req.now)
    chunk = orders[: state["size"]]
    body: Dict[str, Any] = {"orders": [order_json(o, state["included"], req.pii_allowed) for o in chunk]}
    if len(orders) > state["size"]:
        attr = SEARCH_FIELDS[state["field"]]
        last = chunk[-1]
        body["pagination"] = {"nextToken": emu.page_tokens.encode(
            {**state, "last": [iso(getattr(last, attr)), last.amazon_order_id]})}
    body["lastUpdatedBefore" if state["field"] == "LastUpdateDate" else "createdBefore"] = state["before"]
    return 200, body
