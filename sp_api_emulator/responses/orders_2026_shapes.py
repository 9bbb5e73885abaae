"""Orders 2026-01-01 wire shapes: the dataset's orders (the same ones getOrders serves) as searchOrders and
getOrder return them.

Sources: Amazon's model orders_2026-01-01.json (shapes, enum values, the "only available for" notes on
packages, phone and fulfillment orders); Amazon's Orders API migration guide (OrderStatus -> fulfillment
status, AFN/MFN -> AMAZON/MERCHANT, flags -> programs, flat prices -> proceeds breakdowns whose ITEM
subtotal leaves out the separately reported tax, TAX and DISCOUNT detailed per ITEM/SHIPPING);
"Access Orders PII" (personal fields and the roles that open them, see roles.py).
Amounts are the v0 amounts of the same order: a client mapping them back must find v0's numbers.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Dict, List, Optional

from ..catalog_text import WAREHOUSES
from ..models import Order, OrderItem
from ..roles import OrdersAccess
from ..timeutil import iso

FULFILLMENT_STATUSES = {"PendingAvailability": "PENDING_AVAILABILITY", "Pending": "PENDING",
                        "Unshipped": "UNSHIPPED", "PartiallyShipped": "PARTIALLY_SHIPPED", "Shipped": "SHIPPED",
                        "Canceled": "CANCELLED", "Unfulfillable": "UNFULFILLABLE"}
V0_STATUS = {v: k for k, v in FULFILLMENT_STATUSES.items()}
FULFILLED_BY = {"AFN": "AMAZON", "MFN": "MERCHANT"}
# v0 ShipmentServiceLevelCategory -> 2026 fulfillmentServiceLevel (the model's list of values)
SERVICE_LEVELS = {"Expedited": "EXPEDITED", "FreeEconomy": "FREE_ECONOMY", "NextDay": "NEXT_DAY",
                  "Priority": "PRIORITY", "SameDay": "SAME_DAY", "SecondDay": "SECOND_DAY", "Scheduled": "SCHEDULED",
                  "Standard": "STANDARD"}
INCLUDED_DATA = ["BUYER", "RECIPIENT", "PROCEEDS", "EXPENSE", "PROMOTION", "CANCELLATION", "FULFILLMENT",
                 "PACKAGES", "TAX", "PAYMENT", "FULFILLMENT_ORDERS"]
CARRIERS = {"NA": "UPS", "EU": "DHL", "FE": "Yamato"}
ZERO = Decimal("0.00")


def money(amount: Decimal, currency: str) -> Dict[str, str]:
    return {"amount": f"{amount:.2f}", "currencyCode": currency}


def _detailed(parts: List[tuple], currency: str) -> List[Dict[str, Any]]:
    return [{"subtype": subtype, "value": money(value, currency)} for subtype, value in parts if value]


def _breakdowns(item_price: Decimal, item_tax: Decimal, shipping: Decimal, shipping_tax: Decimal,
                discount: Decimal, currency: str, detailed: bool) -> List[Dict[str, Any]]:
    """Proceeds categories of one item (`detailed`: TAX and DISCOUNT split by subtype, as only the item
    breakdown defines) or of a whole order (sums). A discount is money the seller does not receive:
    negative."""
    result: List[Dict[str, Any]] = [{"type": "ITEM", "subtotal": money(item_price, currency)}]
    if shipping:
        result.append({"type": "SHIPPING", "subtotal": money(shipping, currency)})
    tax: Dict[str, Any] = {"type": "TAX", "subtotal": money(item_tax + shipping_tax, currency)}
    details = _detailed([("ITEM", item_tax), ("SHIPPING", shipping_tax)], currency)
    if details and detailed:
        tax["detailedBreakdowns"] = details
    result.append(tax)
    if discount:
        result.append({"type": "DISCOUNT", "subtotal": money(-discount, currency)})
        if detailed:
            result[-1]["detailedBreakdowns"] = _detailed([("ITEM", -discount)], currency)
    return result


def _item_total(item: OrderItem) -> Decimal:
    return item.item_price + item.item_tax + item.shipping_price + item.shipping_tax - item.promotion_discount


def item_json(order: Order, item: OrderItem, included: List[str]) -> Dict[str, Any]:
    currency = order.market.currency
    product: Dict[str, Any] = {"asin": item.product.asin, "title": item.product.title(order.market),
                               "sellerSku": item.product.sku,
                               "condition": {"conditionType": "NEW", "conditionSubtype": "NEW"}}
    if order.has_amounts:
        product["price"] = {"unitPrice": money(item.item_price / item.quantity, currency)}
    body: Dict[str, Any] = {"orderItemId": item.order_item_id, "quantityOrdered": item.quantity, "product": product}
    if "PROCEEDS" in included and order.has_amounts:
        body["proceeds"] = {"proceedsTotal": money(_item_total(item), currency),
                            "breakdowns": _breakdowns(item.item_price, item.item_tax, item.shipping_price,
                                                      item.shipping_tax, item.promotion_discount, currency,
                                                      detailed=True)}
    if "EXPENSE" in included and order.has_amounts and order.market.code == "JP":
        points = int(item.item_price / 100)  # the points v0's PointsGranted reports for the same item
        body["expense"] = {"pointsCost": {"pointsGranted": {"pointsNumber": points,
                                                            "pointsMonetaryValue": money(Decimal(points), currency)}}}
    if "PROMOTION" in included and item.promotion_ids:
        body["promotion"] = {"breakdowns": [{"promotionId": p} for p in item.promotion_ids]}
    if "CANCELLATION" in included and order.status == "Canceled":
        body["cancellation"] = {"cancellationExecution": {"cancelledBy": "BUYER"}}
    if "FULFILLMENT" in included:
        unfulfilled = 0 if order.status == "Canceled" else item.quantity - item.quantity_shipped
        body["fulfillment"] = {"quantityFulfilled": item.quantity_shipped, "quantityUnfulfilled": unfulfilled}
    if "TAX" in included and order.market.code == "US":
        # Amazon collects US sales tax as marketplace facilitator (v0's TaxCollection for the same item).
        body["tax"] = {"taxCollections": [{"model": "MARKETPLACE_FACILITATOR",
                                           "responsibleParty": "Amazon Services, Inc."}]}
    return body


def _buyer(order: Order, access: OrdersAccess) -> Dict[str, Any]:
    buyer: Dict[str, Any] = {}
    if access.buyer_name:
        buyer["buyerName"] = order.buyer_name
    # "Only available for merchant-fulfilled (FBM) orders", in UNSHIPPED, PARTIALLY_SHIPPED or SHIPPED.
    if access.delivery and order.fulfillment_channel == "MFN" and order.status in ("Unshipped", "Shipped"):
        buyer["buyerEmail"] = order.buyer_email
    if order.purchase_order_number:
        buyer["buyerPurchaseOrderNumber"] = order.purchase_order_number
    return buyer


def _recipient(order: Order, access: OrdersAccess, now: datetime) -> Dict[str, Any]:
    a = order.address
    address: Dict[str, Any] = {"city": a.city, "stateOrRegion": a.state, "countryCode": a.country,
                               "addressType": a.address_type.upper()}
    if access.delivery:
        address.update({"name": a.name, "addressLine1": a.line1, "postalCode": a.postal_code})
        # The model: the phone is suppressed for every FBA order and for shipped FBM orders past their
        # latest delivery date.
        if order.fulfillment_channel == "MFN" and not (order.status == "Shipped" and now > order.latest_delivery):
            address["phone"] = a.phone
    return {"deliveryAddress": address}


def _fulfillment(order: Order) -> Dict[str, Any]:
    return {
        "fulfillmentStatus": FULFILLMENT_STATUSES[order.status],
        "fulfilledBy": FULFILLED_BY[order.fulfillment_channel],
        "fulfillmentServiceLevel": SERVICE_LEVELS[order.ship_category],
        "shipByWindow": {"earliestDateTime": iso(order.earliest_ship), "latestDateTime": iso(order.latest_ship)},
        "deliverByWindow": {"earliestDateTime": iso(order.earliest_delivery),
                            "latestDateTime": iso(order.latest_delivery)},
    }


def _packages(order: Order, now: datetime) -> Optional[List[Dict[str, Any]]]:
    """Packages exist for shipped merchant-fulfilled orders only ("Only available for FBM orders")."""
    if order.fulfillment_channel != "MFN" or order.status != "Shipped" or order.ship_date is None:
        return None
    city, state, postal, street = WAREHOUSES[order.market.code]
    return [{"packageReferenceId": f"PKG-{order.amazon_order_id}", "createdTime": iso(order.ship_date),
             "packageStatus": {"status": "DELIVERED" if now > order.latest_delivery else "IN_TRANSIT"},
             "carrier": CARRIERS[order.market.region], "shipTime": iso(order.ship_date),
             "trackingNumber": f"1Z{order.items[0].order_item_id}",
             "shipFromAddress": {"name": "Emulator Seller Warehouse", "addressLine1": street, "city": city,
                                 "stateOrRegion": state, "postalCode": postal, "countryCode": order.market.country},
             "packageItems": [{"orderItemId": i.order_item_id, "quantity": i.quantity} for i in order.items]}]


def order_json(order: Order, included: List[str], access: OrdersAccess, now: datetime) -> Dict[str, Any]:
    currency = order.market.currency
    programs = (["PRIME"] if order.is_prime else []) + (["AMAZON_BUSINESS"] if order.is_business else [])
    body: Dict[str, Any] = {
        "orderId": order.amazon_order_id,
        "orderAliases": [{"aliasId": order.seller_order_id, "aliasType": "SELLER_ORDER_ID"}],
        "createdTime": iso(order.purchase_date),
        "lastUpdatedTime": iso(order.last_update_date),
        "programs": programs,
        "salesChannel": {"channelName": "AMAZON", "marketplaceId": order.market.id,
                         "marketplaceName": order.market.sales_channel},
    }
    if "BUYER" in included:
        buyer = _buyer(order, access)
        if buyer:
            body["buyer"] = buyer
    if "RECIPIENT" in included and order.status != "Pending":  # no address before payment, as in v0
        body["recipient"] = _recipient(order, access, now)
    if "PROCEEDS" in included and order.has_amounts:
        sums = [sum((getattr(i, f) for i in order.items), ZERO)
                for f in ("item_price", "item_tax", "shipping_price", "shipping_tax", "promotion_discount")]
        body["proceeds"] = {"grandTotal": money(order.total, currency), "breakdowns": _breakdowns(*sums, currency, detailed=False)}
    if "PAYMENT" in included:
        execution: Dict[str, Any] = {"paymentMethod": order.payment_details[0]}
        if order.has_amounts:
            execution["paymentAmount"] = money(order.total, currency)
        body["payment"] = {"paymentExecutions": [execution]}
    if "FULFILLMENT" in included:
        body["fulfillment"] = _fulfillment(order)
    body["orderItems"] = [item_json(order, i, included) for i in order.items]
    packages = _packages(order, now) if "PACKAGES" in included else None
    if packages:
        body["packages"] = packages
    return body
