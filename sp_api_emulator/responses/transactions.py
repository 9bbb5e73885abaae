"""Finances 2024-06-19 listTransactions: the same financial events, as transactions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any, Dict, List

from ..exceptions import InvalidInput
from ..http_types import Request
from ..models import FinancialEvent, settlement_period_start, stable_id
from ..timeutil import iso, parse_iso
from .common import TWO_MINUTES, date_param, require_past

PAGE_SIZE = 50
TYPES = {"ShipmentEventList": "Shipment", "RefundEventList": "Refund", "ServiceFeeEventList": "ServiceFee",
         "AdjustmentEventList": "Adjustment", "ProductAdsPaymentEventList": "ProductAdsPayment",
         "CouponPaymentEventList": "CouponPayment", "SellerDealPaymentEventList": "SellerDealPayment",
         "RetrochargeEventList": "Retrocharge"}


def _money(amount: Any, currency: str) -> Dict[str, Any]:
    return {"currencyCode": currency, "currencyAmount": float(amount)}


def _items(event: FinancialEvent) -> List[Dict[str, Any]]:
    currency = event.market.currency
    refund = event.list_name == "RefundEventList"
    items = []
    for item in event.body.get("ShipmentItemAdjustmentList" if refund else "ShipmentItemList", []):
        charges = item.get("ItemChargeAdjustmentList" if refund else "ItemChargeList", [])
        fees = item.get("ItemFeeAdjustmentList" if refund else "ItemFeeList", [])
        charge_total = sum(Decimal(str(c["ChargeAmount"]["CurrencyAmount"])) for c in charges)
        fee_total = sum(Decimal(str(f["FeeAmount"]["CurrencyAmount"])) for f in fees)
        items.append({
            "description": item.get("SellerSKU"),
            "relatedIdentifiers": [{"itemRelatedIdentifierName": "ORDER_ADJUSTMENT_ITEM_ID",
                                    "itemRelatedIdentifierValue": item.get("OrderAdjustmentItemId")
                                    or item.get("OrderItemId")}],
            "totalAmount": _money(charge_total + fee_total, currency),
            "breakdowns": [
                {"breakdownType": "ProductCharges", "breakdownAmount": _money(charge_total, currency),
                 "breakdowns": [{"breakdownType": c["ChargeType"],
                                 "breakdownAmount": _money(c["ChargeAmount"]["CurrencyAmount"], currency)}
                                for c in charges]},
                {"breakdownType": "AmazonFees", "breakdownAmount": _money(fee_total, currency),
                 "breakdowns": [{"breakdownType": f["FeeType"],
                                 "breakdownAmount": _money(f["FeeAmount"]["CurrencyAmount"], currency)}
                                for f in fees]},
            ],
            "contexts": [{"contextType": "ProductContext", "sku": item.get("SellerSKU"),
                          "quantityShipped": item.get("QuantityShipped", 0)}],
        })
    return items


def transaction_json(event: FinancialEvent, seller, group_ids: Dict[tuple, str], now) -> Dict[str, Any]:
    related = []
    if event.order_id:
        related.append({"relatedIdentifierName": "ORDER_ID", "relatedIdentifierValue": event.order_id})
    group_id = group_ids.get((event.market.code, settlement_period_start(event.posted, event.market)))
    if group_id:
        related.append({"relatedIdentifierName": "FINANCIAL_EVENT_GROUP_ID", "relatedIdentifierValue": group_id})
    deferred = event.list_name == "ShipmentEventList" and now - event.posted < timedelta(days=7)
    return {
        "sellingPartnerMetadata": {"sellingPartnerId": seller.seller_id, "accountType": "PAYABLE",
                                   "marketplaceId": event.market.id},
        "relatedIdentifiers": related,
        "transactionType": TYPES.get(event.list_name, event.list_name.replace("EventList", "")),
        "transactionId": stable_id("transaction", event.key, length=40),
        "transactionStatus": "DEFERRED" if deferred else "RELEASED",
        "description": TYPES.get(event.list_name, event.list_name),
        "postedDate": iso(event.posted),
        "totalAmount": _money(event.net, event.market.currency),
        "marketplaceDetails": {"marketplaceId": event.market.id, "marketplaceName": event.market.sales_channel},
        "items": _items(event),
    }


def list_transactions(emu, req: Request):
    seller = emu.dataset.seller
    token = req.param("nextToken")
    if token:
        state = emu.page_tokens.decode(token, "nextToken")
    else:
        after = date_param(req, "postedAfter")
        before = date_param(req, "postedBefore")
        name = req.param("relatedIdentifierName")
        value = req.param("relatedIdentifierValue")
        if name and name not in ("ORDER_ID", "FINANCIAL_EVENT_GROUP_ID"):
            raise InvalidInput("relatedIdentifierName must be ORDER_ID or FINANCIAL_EVENT_GROUP_ID.")
        if bool(name) != bool(value):
            raise InvalidInput("relatedIdentifierName and relatedIdentifierValue go together.")
        if after is None and not name:
            raise InvalidInput("postedAfter is required unless a related identifier is given.")
        require_past("postedAfter", after, req.now)
        require_past("postedBefore", before, req.now)
        if after is not None and before is None:
            before = req.now - TWO_MINUTES
        if after and before and before <= after:
            raise InvalidInput("postedBefore must be later than postedAfter.")
        market = req.param("marketplaceId")
        if market and market not in seller.market_ids():
            raise InvalidInput(f"Invalid marketplaceId '{market}'.")
        status = req.param("transactionStatus")
        if status and status not in ("DEFERRED", "RELEASED", "DEFERRED_RELEASED"):
            raise InvalidInput("transactionStatus must be DEFERRED, RELEASED or DEFERRED_RELEASED.")
        state = {"after": iso(after) if after else None, "before": iso(before) if before else None,
                 "market": market, "status": status, "name": name, "value": value, "offset": 0}
    after = parse_iso(state["after"]) if state["after"] else None
    before = parse_iso(state["before"]) if state["before"] else None
    group_ids = {(g.market.code, g.start): g.group_id for g in seller.groups}
    if after and before and before - after > timedelta(days=180):
        transactions: List[Dict[str, Any]] = []
    else:
        transactions = []
        for event in seller.events_in_window(after, before, [state["market"]] if state["market"] else None):
            tx = transaction_json(event, seller, group_ids, req.now)
            if state["status"] and tx["transactionStatus"] != state["status"]:
                continue
            if state["name"] and not any(r["relatedIdentifierName"] == state["name"]
                                         and r["relatedIdentifierValue"] == state["value"]
                                         for r in tx["relatedIdentifiers"]):
                continue
            transactions.append(tx)
    offset = state["offset"]
    payload: Dict[str, Any] = {"transactions": transactions[offset:offset + PAGE_SIZE]}
    if offset + PAGE_SIZE < len(transactions):
        payload["nextToken"] = emu.page_tokens.encode({**state, "offset": offset + PAGE_SIZE})
    return 200, {"payload": payload}
