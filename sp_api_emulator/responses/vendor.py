"""Vendor Orders v1: getPurchaseOrders, getPurchaseOrder, getPurchaseOrdersStatus."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Callable, Dict, List, Optional, Tuple

from ..exceptions import InvalidInput, NotFound
from ..http_types import Request
from ..models import Address, VendorPurchaseOrder
from ..timeutil import iso, parse_iso
from .common import bool_param, date_param, enum_param, int_param

WINDOW_LIMIT = timedelta(days=7)
HISTORY_LIMIT = timedelta(days=183)  # about 6 months


def vendor_window(req: Request, after_name: str, before_name: str) -> Tuple[Optional[datetime], Optional[datetime]]:
    """Amazon's vendor rule: a window of at most 7 days, within the last 6 months."""
    after, before = date_param(req, after_name), date_param(req, before_name)
    if after is None and before is None:
        return None, None
    slack = timedelta(0)
    if after is None:
        after = before - WINDOW_LIMIT
    if before is None:
        before = req.now
        slack = timedelta(minutes=1)  # "the last 7 days" computed on the client's clock, a moment earlier
    if before < after:
        raise InvalidInput(f"{before_name} must be later than {after_name}.")
    if before - after > WINDOW_LIMIT + slack:
        raise InvalidInput(f"The date range between {after_name} and {before_name} must not exceed 7 days.")
    if after < req.now - HISTORY_LIMIT:
        raise InvalidInput(f"{after_name} must be within the last 6 months.")
    return after, before


def address_json(address: Address) -> Dict[str, Any]:
    body = {"name": address.name, "addressLine1": address.line1, "city": address.city,
            "stateOrRegion": address.state, "postalCode": address.postal_code, "countryCode": address.country}
    if address.phone:
        body["phone"] = address.phone
    return body


def money(amount, currency: str) -> Dict[str, str]:
    return {"currencyCode": currency, "amount": f"{amount:.2f}"}


def _quantity(amount: int) -> Dict[str, Any]:
    return {"amount": amount, "unitOfMeasure": "Eaches", "unitSize": 1}


def purchase_order_json(po: VendorPurchaseOrder, vendor_code: str, details: bool = True) -> Dict[str, Any]:
    body: Dict[str, Any] = {"purchaseOrderNumber": po.number, "purchaseOrderState": po.state}
    if not details:
        return body
    currency = po.market.currency
    ship_start = po.created + timedelta(days=2)
    bill_to = {"partyId": f"AMAZON{po.market.code}",
               "address": {"name": f"Amazon {po.market.sales_channel}", "addressLine1": "410 Terry Ave N",
                           "city": "Seattle", "stateOrRegion": "WA", "postalCode": "98109", "countryCode": "US"}}
    if po.market.code != "US":
        bill_to = {"partyId": f"AMAZON{po.market.code}",
                   "address": {"name": "Amazon EU S.à r.l.", "addressLine1": "38 avenue John F. Kennedy",
                               "city": "Luxembourg", "postalCode": "1855", "countryCode": "LU"},
                   "taxInfo": {"taxRegistrationType": "VAT", "taxRegistrationNumber": "LU20260743"}}
    details_body: Dict[str, Any] = {
        "purchaseOrderDate": iso(po.created),
        "purchaseOrderStateChangedDate": iso(po.state_changed),
        "purchaseOrderType": "RegularOrder",
        "paymentMethod": "Invoice",
        "buyingParty": {"partyId": po.ship_to, "address": address_json(po.ship_to_address)},
        "sellingParty": {"partyId": vendor_code},
        "shipToParty": {"partyId": po.ship_to, "address": address_json(po.ship_to_address)},
        "billToParty": bill_to,
        "shipWindow": f"{iso(ship_start)}--{iso(ship_start + timedelta(days=5))}",
        "items": [{"itemSequenceNumber": str(n), "amazonProductIdentifier": product.asin,
                   "vendorProductIdentifier": product.ean, "orderedQuantity": _quantity(quantity),
                   "isBackOrderAllowed": False, "netCost": money(cost, currency), "listPrice": money(price, currency)}
                  for n, (product, quantity, cost, price) in enumerate(po.items, start=1)],
    }
    if po.changed:
        details_body["purchaseOrderChangedDate"] = iso(po.changed)
    body["orderDetails"] = details_body
    return body


def _confirmation(po: VendorPurchaseOrder) -> str:
    if po.state == "New":
        return "UNCONFIRMED"
    return "ACCEPTED" if po.accepted_fraction == 1 else "PARTIALLY_ACCEPTED"


def _receive(po: VendorPurchaseOrder) -> str:
    return "RECEIVED" if po.received_fraction == 1 else "NOT_RECEIVED"


def status_json(po: VendorPurchaseOrder, vendor_code: str) -> Dict[str, Any]:
    currency = po.market.currency
    items = []
    for n, (product, quantity, cost, price) in enumerate(po.items, start=1):
        accepted = int(quantity * po.accepted_fraction)
        item: Dict[str, Any] = {
            "itemSequenceNumber": str(n), "buyerProductIdentifier": product.asin,
            "vendorProductIdentifier": product.ean, "netCost": money(cost, currency),
            "listPrice": money(price, currency),
            "orderedQuantity": {"orderedQuantity": _quantity(quantity), "orderedQuantityDetails": [
                {"updatedDate": iso(po.created), "orderedQuantity": _quantity(quantity),
                 "cancelledQuantity": _quantity(0)}]},
            "acknowledgementStatus": {"confirmationStatus": _confirmation(po), "acceptedQuantity": _quantity(accepted),
                                      "rejectedQuantity": _quantity(quantity - accepted if po.state != "New" else 0)},
            "receivingStatus": {"receiveStatus": _receive(po),
                                "receivedQuantity": _quantity(int(accepted * po.received_fraction))},
        }
        if po.state != "New":
            item["acknowledgementStatus"]["acknowledgementStatusDetails"] = [
                {"acknowledgementDate": iso(po.state_changed), "acceptedQuantity": _quantity(accepted),
                 "rejectedQuantity": _quantity(quantity - accepted)}]
        if po.received_fraction == 1:
            item["receivingStatus"]["lastReceiveDate"] = iso(po.state_changed)
        items.append(item)
    return {"purchaseOrderNumber": po.number, "purchaseOrderStatus": "CLOSED" if po.state == "Closed" else "OPEN",
            "purchaseOrderDate": iso(po.created), "lastUpdatedDate": iso(po.last_updated),
            "sellingParty": {"partyId": vendor_code}, "shipToParty": {"partyId": po.ship_to}, "itemStatus": items}


def paged(emu, state: Dict[str, Any], rows: List[Any], key: str, render: Callable[[Any], Any]) -> Dict[str, Any]:
    """One page of vendor results (`limit` per page) under `key`, with `pagination.nextToken` when more follow."""
    offset, size = state["offset"], state["limit"]
    payload: Dict[str, Any] = {key: [render(row) for row in rows[offset:offset + size]]}
    if offset + size < len(rows):
        payload["pagination"] = {"nextToken": emu.page_tokens.encode({**state, "offset": offset + size})}
    return payload


def _in(moment: datetime, after: Optional[str], before: Optional[str]) -> bool:
    return (after is None or moment >= parse_iso(after)) and (before is None or moment <= parse_iso(before))


def get_purchase_orders(emu, req: Request):
    vendor = emu.dataset.vendor
    token = req.param("nextToken")
    if token:
        state = emu.page_tokens.decode(token, "nextToken")
    else:
        created = vendor_window(req, "createdAfter", "createdBefore")
        changed = vendor_window(req, "changedAfter", "changedBefore")
        if created == (None, None) and changed == (None, None):
            created = (req.now - WINDOW_LIMIT, req.now)
        state = {"created": [iso(x) if x else None for x in created], "changed": [iso(x) if x else None for x in changed],
                 "state": enum_param(req, "purchaseOrderState", ["New", "Acknowledged", "Closed"]),
                 "changed_only": bool_param(req, "isPOChanged", False),
                 "vendor_code": req.param("orderingVendorCode"),
                 "details": bool_param(req, "includeDetails", True),
                 "sort": enum_param(req, "sortOrder", ["ASC", "DESC"]) or "ASC",
                 "limit": int_param(req, "limit", 100, 1, 100), "offset": 0}
    rows = []
    for po in vendor.purchase_orders:
        if state["created"][0] or state["created"][1]:
            if not _in(po.created, *state["created"]):
                continue
        if state["changed"][0] or state["changed"][1]:
            if not _in(po.last_updated, *state["changed"]):
                continue
        if state["state"] and po.state != state["state"]:
            continue
        if state["changed_only"] and po.changed is None:
            continue
        if state["vendor_code"] and state["vendor_code"] != vendor.vendor_code:
            continue
        rows.append(po)
    if state["sort"] == "DESC":
        rows.reverse()
    return 200, {"payload": paged(emu, state, rows, "orders",
                                  lambda po: purchase_order_json(po, vendor.vendor_code, state["details"]))}


def get_purchase_order(emu, req: Request):
    vendor = emu.dataset.vendor
    number = req.path_params["purchaseOrderNumber"]
    for po in vendor.purchase_orders:
        if po.number == number:
            return 200, {"payload": purchase_order_json(po, vendor.vendor_code)}
    raise NotFound(f"Purchase order {number} was not found.")


def get_purchase_orders_status(emu, req: Request):
    vendor = emu.dataset.vendor
    token = req.param("nextToken")
    if token:
        state = emu.page_tokens.decode(token, "nextToken")
    else:
        created = vendor_window(req, "createdAfter", "createdBefore")
        updated = vendor_window(req, "updatedAfter", "updatedBefore")
        if created == (None, None) and updated == (None, None) and not req.param("purchaseOrderNumber"):
            created = (req.now - WINDOW_LIMIT, req.now)
        state = {"created": [iso(x) if x else None for x in created], "updated": [iso(x) if x else None for x in updated],
                 "number": req.param("purchaseOrderNumber"),
                 "status": enum_param(req, "purchaseOrderStatus", ["OPEN", "CLOSED"]),
                 "confirmation": enum_param(req, "itemConfirmationStatus",
                                            ["ACCEPTED", "PARTIALLY_ACCEPTED", "REJECTED", "UNCONFIRMED"]),
                 "receive": enum_param(req, "itemReceiveStatus", ["NOT_RECEIVED", "PARTIALLY_RECEIVED", "RECEIVED"]),
                 "ship_to": req.param("shipToPartyId"),
                 "sort": enum_param(req, "sortOrder", ["ASC", "DESC"]) or "ASC",
                 "limit": int_param(req, "limit", 100, 1, 100), "offset": 0}
    rows = []
    for po in vendor.purchase_orders:
        if (state["created"][0] or state["created"][1]) and not _in(po.created, *state["created"]):
            continue
        if (state["updated"][0] or state["updated"][1]) and not _in(po.last_updated, *state["updated"]):
            continue
        if state["number"] and po.number != state["number"]:
            continue
        if state["status"] and ("CLOSED" if po.state == "Closed" else "OPEN") != state["status"]:
            continue
        if state["confirmation"] and _confirmation(po) != state["confirmation"]:
            continue
        if state["receive"] and _receive(po) != state["receive"]:
            continue
        if state["ship_to"] and po.ship_to != state["ship_to"]:
            continue
        rows.append(po)
    if state["sort"] == "DESC":
        rows.reverse()
    return 200, {"payload": paged(emu, state, rows, "ordersStatus", lambda po: status_json(po, vendor.vendor_code))}
