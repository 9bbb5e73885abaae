"""Vendor Direct Fulfillment 2021-12-28: orders (getOrders, getOrder) and shipping labels."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any, Dict

from ..exceptions import InvalidInput, NotFound
from ..http_types import Request
from ..models import DirectFulfillmentOrder, round_money
from ..timeutil import iso, parse_iso
from .common import bool_param, enum_param, int_param
from .vendor import address_json, money, paged, vendor_window

STATUSES = ["NEW", "SHIPPED", "ACCEPTED", "CANCELLED"]


def df_order_json(order: DirectFulfillmentOrder, vendor_code: str, details: bool = True) -> Dict[str, Any]:
    body: Dict[str, Any] = {"purchaseOrderNumber": order.number}
    if not details:
        return body
    currency = order.market.currency
    items = []
    tax_total = 0
    for n, (product, quantity, price) in enumerate(order.items, start=1):
        tax = round_money(price * quantity * order.market.tax_rate, order.market)
        tax_total += tax
        items.append({"itemSequenceNumber": str(n), "buyerProductIdentifier": product.asin,
                      "vendorProductIdentifier": product.ean, "title": product.title(order.market),
                      "orderedQuantity": {"amount": quantity, "unitOfMeasure": "Each"},
                      "netPrice": money(price, currency),
                      "taxDetails": {"taxLineItem": [{"taxRate": f"{order.market.tax_rate * 100:.2f}",
                                                      "taxAmount": money(tax, currency), "type": "TOTAL"}]},
                      "totalPrice": money(price * quantity, currency)})
    ship_to = {**address_json(order.address), "stateOrRegion": order.address.state}
    body["orderDetails"] = {
        "customerOrderNumber": order.customer_order_number,
        "orderDate": iso(order.created),
        "orderStatus": order.status,
        "shipmentDetails": {"isPriorityShipment": False, "isScheduledDeliveryShipment": False,
                            "isPslipRequired": order.is_gift, "isGift": order.is_gift,
                            "shipMethod": order.ship_method,
                            "shipmentDates": {"requiredShipDate": iso(order.created + timedelta(days=2)),
                                              "promisedDeliveryDate": iso(order.created + timedelta(days=5))},
                            "messageToCustomer": "Thank you for your order – Vielen Dank für Ihre Bestellung!"},
        "taxTotal": {"taxLineItem": [{"taxAmount": money(tax_total, currency), "type": "TOTAL"}]},
        "sellingParty": {"partyId": vendor_code},
        "shipFromParty": {"partyId": order.ship_from},
        "shipToParty": ship_to,
        "billToParty": {"partyId": f"AMAZON{order.market.code}"},
        "items": items,
    }
    return body


def _required_window(req: Request, after: str, before: str):
    if req.param(after) is None or req.param(before) is None:
        raise InvalidInput(f"{after} and {before} are required.")
    return vendor_window(req, after, before)


def get_orders(emu, req: Request):
    vendor = emu.dataset.vendor
    token = req.param("nextToken")
    if token:
        state = emu.page_tokens.decode(token, "nextToken")
    else:
        after, before = _required_window(req, "createdAfter", "createdBefore")
        state = {"after": iso(after), "before": iso(before), "status": enum_param(req, "status", STATUSES),
                 "ship_from": req.param("shipFromPartyId"), "details": bool_param(req, "includeDetails", True),
                 "sort": enum_param(req, "sortOrder", ["ASC", "DESC"]) or "ASC",
                 "limit": int_param(req, "limit", 100, 1, 100), "offset": 0}
    after, before = parse_iso(state["after"]), parse_iso(state["before"])
    rows = [o for o in vendor.df_orders if after <= o.created <= before
            and (not state["status"] or o.status == state["status"])
            and (not state["ship_from"] or o.ship_from == state["ship_from"])]
    if state["sort"] == "DESC":
        rows.reverse()
    return 200, paged(emu, state, rows, "orders", lambda o: df_order_json(o, vendor.vendor_code, state["details"]))


def get_order(emu, req: Request):
    vendor = emu.dataset.vendor
    number = req.path_params["purchaseOrderNumber"]
    for order in vendor.df_orders:
        if order.number == number:
            return 200, df_order_json(order, vendor.vendor_code)
    raise NotFound(f"Purchase order {number} was not found.")


def _zpl(order: DirectFulfillmentOrder) -> str:
    label = (f"^XA^CF0,40^FO50,50^FD{order.ship_method}^FS^FO50,120^FD{order.tracking_number}^FS"
             f"^BY3^FO50,200^BC^FD{order.tracking_number}^FS^XZ")
    return base64.b64encode(label.encode("ascii")).decode("ascii")


def label_json(order: DirectFulfillmentOrder, vendor_code: str) -> Dict[str, Any]:
    return {"purchaseOrderNumber": order.number, "sellingParty": {"partyId": vendor_code},
            "shipFromParty": {"partyId": order.ship_from}, "labelFormat": "ZPL",
            "labelData": [{"packageIdentifier": "1", "trackingNumber": order.tracking_number,
                           "shipMethod": order.ship_method, "shipMethodName": order.ship_method.replace("_", " "),
                           "content": _zpl(order)}]}


def get_shipping_labels(emu, req: Request):
    vendor = emu.dataset.vendor
    token = req.param("nextToken")
    if token:
        state = emu.page_tokens.decode(token, "nextToken")
    else:
        after, before = _required_window(req, "createdAfter", "createdBefore")
        state = {"after": iso(after), "before": iso(before), "ship_from": req.param("shipFromPartyId"),
                 "sort": enum_param(req, "sortOrder", ["ASC", "DESC"]) or "ASC",
                 "limit": int_param(req, "limit", 100, 1, 100), "offset": 0}
    after, before = parse_iso(state["after"]), parse_iso(state["before"])
    rows = sorted((o for o in vendor.df_orders if o.label_created and after <= o.label_created <= before
                   and (not state["ship_from"] or o.ship_from == state["ship_from"])),
                  key=lambda o: (o.label_created, o.number), reverse=state["sort"] == "DESC")
    return 200, paged(emu, state, rows, "shippingLabels", lambda o: label_json(o, vendor.vendor_code))


def get_shipping_label(emu, req: Request):
    vendor = emu.dataset.vendor
    number = req.path_params["purchaseOrderNumber"]
    for order in vendor.df_orders:
        if order.number == number and order.label_created:
            return 200, label_json(order, vendor.vendor_code)
    raise NotFound(f"No shipping label for purchase order {number}.")
