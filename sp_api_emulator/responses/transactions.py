"""Finances 2024-06-19 listTransactions: the same financial events, as transactions.

Shape (finances_2024-06-19.json `Transaction`): sellingPartnerMetadata, relatedIdentifiers (ORDER_ID,
FINANCIAL_EVENT_GROUP_ID), transactionType, transactionId, transactionStatus, description, postedDate,
totalAmount, marketplaceDetails, items, contexts, breakdowns. What Amazon is known to send and the
emulator copies, the nastier way where unsure:
- Breakdowns on two levels: the transaction's own (a summary such as Sales/ProductCharges,
  Expenses/AmazonFees, whose leaves add up to totalAmount) and, for orders and refunds, each item's
  (Principal, Tax, Commission...; adding up to the item's totalAmount). Reimbursements carry
  transaction-level breakdowns only and items without any (public issue #4993 on
  amzn/selling-partner-api-models).
- transactionStatus DEFERRED while a deferred order's funds are held, DEFERRED_RELEASED after, with a
  DeferredContext (deferralReason DD7, maturityDate); RELEASED for everything else (the model's enum).
- marketplaceId filters, but "If you want to retrieve MFN orders in the US store, do not supply the
  marketplaceId parameter" (the operation's description): with marketplaceId=US, MFN orders are missing.
- Only the regional endpoint's marketplaces (as Finances v0); at most 180 days; pages of 50.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..exceptions import InvalidInput
from ..http_types import Request
from ..models import FinancialEvent, settlement_period_start, stable_id
from ..timeutil import iso, parse_iso
from .common import TWO_MINUTES, date_param, require_past
from .finances import redeem_token, region_market_ids

PAGE_SIZE = 50
US = "ATVPDKIKX0DER"
TYPES = {"ShipmentEventList": "Shipment", "RefundEventList": "Refund", "ServiceFeeEventList": "ServiceFee",
         "AdjustmentEventList": "FBAInventoryReimbursement", "ProductAdsPaymentEventList": "ProductAdsPayment",
         "CouponPaymentEventList": "CouponPayment", "SellerDealPaymentEventList": "SellerDealPayment",
         "RetrochargeEventList": "Retrocharge"}
DESCRIPTIONS = {"ShipmentEventList": "Order Payment", "RefundEventList": "Refund Order"}

Leaf = Tuple[str, Decimal]


def _money(amount: Any, currency: str) -> Dict[str, Any]:
    return {"currencyCode": currency, "currencyAmount": float(amount)}


def _amount(money: Dict[str, Any]) -> Decimal:
    return Decimal(str(money["CurrencyAmount"]))


def _tree(groups: Sequence[Tuple[str, Sequence[Leaf]]], currency: str) -> List[Dict[str, Any]]:
    """Breakdowns: one node per group (its amount = the sum of its leaves), leaves under it."""
    return [{"breakdownType": name, "breakdownAmount": _money(sum((a for _, a in leaves), Decimal("0")), currency),
             "breakdowns": [{"breakdownType": t, "breakdownAmount": _money(a, currency)} for t, a in leaves]}
            for name, leaves in groups if leaves]


def _item_groups(event: FinancialEvent, item: Dict[str, Any]) -> List[Tuple[str, List[Leaf]]]:
    refund = event.list_name == "RefundEventList"
    charges = [(c["ChargeType"], _amount(c["ChargeAmount"]))
               for c in item.get("ItemChargeAdjustmentList" if refund else "ItemChargeList", [])]
    fees = [(f["FeeType"], _amount(f["FeeAmount"]))
            for f in item.get("ItemFeeAdjustmentList" if refund else "ItemFeeList", [])]
    promotions = [(p["PromotionType"], _amount(p["PromotionAmount"])) for p in item.get("PromotionList", [])]
    return [("ProductCharges", charges), ("AmazonFees", fees), ("Promotions", promotions)]


def _items(event: FinancialEvent, seller) -> List[Dict[str, Any]]:
    currency = event.market.currency
    order = seller.orders_by_id.get(event.order_id) if event.order_id else None
    if event.list_name == "AdjustmentEventList":
        return [{"description": item.get("ProductDescription"), "totalAmount": _money(_amount(item["TotalAmount"]), currency),
                 "contexts": [{"contextType": "ProductContext", "asin": item.get("ASIN"), "sku": item.get("SellerSKU"),
                               "quantityShipped": int(item.get("Quantity") or 0)}]}
                for item in event.body.get("AdjustmentItemList", [])]
    refund = event.list_name == "RefundEventList"
    items = []
    for item in event.body.get("ShipmentItemAdjustmentList" if refund else "ShipmentItemList", []):
        groups = _item_groups(event, item)
        total = sum((a for _, leaves in groups for _, a in leaves), Decimal("0"))
        context: Dict[str, Any] = {"contextType": "ProductContext", "sku": item.get("SellerSKU"),
                                   "quantityShipped": item.get("QuantityShipped", 0)}
        if order is not None:
            context["fulfillmentNetwork"] = order.fulfillment_channel
        items.append({
            "description": item.get("SellerSKU"),
            "relatedIdentifiers": [{"itemRelatedIdentifierName": "ORDER_ADJUSTMENT_ITEM_ID",
                                    "itemRelatedIdentifierValue": item.get("OrderAdjustmentItemId")
                                    or item.get("OrderItemId")}],
            "totalAmount": _money(total, currency),
            "breakdowns": _tree(groups, currency),
            "contexts": [context],
        })
    return items


def _summary(event: FinancialEvent) -> List[Tuple[str, List[Leaf]]]:
    """The transaction-level breakdown groups; their leaves add up to the event's net amount."""
    body, name = event.body, event.list_name
    if name in ("ShipmentEventList", "RefundEventList"):
        refund = name == "RefundEventList"
        totals: Dict[str, Decimal] = {}
        for item in body.get("ShipmentItemAdjustmentList" if refund else "ShipmentItemList", []):
            for group, leaves in _item_groups(event, item):
                totals[group] = totals.get(group, Decimal("0")) + sum((a for _, a in leaves), Decimal("0"))
        sales = [(g, totals[g]) for g in ("ProductCharges", "Promotions") if g in totals and totals[g]]
        expenses = [("AmazonFees", totals["AmazonFees"])] if totals.get("AmazonFees") else []
        return [("Refunded Sales" if refund else "Sales", sales), ("Refunded Expenses" if refund else "Expenses", expenses)]
    if name == "ServiceFeeEventList":
        return [("Expenses", [(f["FeeType"], _amount(f["FeeAmount"])) for f in body.get("FeeList", [])])]
    if name == "AdjustmentEventList":
        return [("FBAInventoryReimbursement", [(body.get("AdjustmentType") or "Adjustment", _amount(body["AdjustmentAmount"]))])]
    if name == "ProductAdsPaymentEventList":
        return [("Expenses", [("ProductAdsCharge", _amount(body["baseValue"])), ("ProductAdsTax", _amount(body["taxValue"]))])]
    if name == "CouponPaymentEventList":
        return [("Expenses", [(body["FeeComponent"]["FeeType"], _amount(body["FeeComponent"]["FeeAmount"]))])]
    if name == "SellerDealPaymentEventList":
        return [("Expenses", [(body.get("feeType") or "DealFee", _amount(body["feeAmount"]))])]
    if name == "RetrochargeEventList":
        tax = _amount(body["BaseTax"])
        return [("Tax", [("BaseTax", tax), ("MarketplaceFacilitatorTax", -tax)])]
    return [("Other", [(name.replace("EventList", ""), event.net)])]


def transaction_json(event: FinancialEvent, seller, group_ids: Dict[tuple, str], now) -> Dict[str, Any]:
    currency = event.market.currency
    status = event.transaction_status(now)
    # held funds join a settlement (event group) when released
    related = [{"relatedIdentifierName": name, "relatedIdentifierValue": value}
               for name, value in _related(event, status, group_ids).items() if value]
    transaction: Dict[str, Any] = {
        "sellingPartnerMetadata": {"sellingPartnerId": seller.seller_id, "accountType": "Standard Orders",
                                   "marketplaceId": event.market.id},
        "relatedIdentifiers": related,
        "transactionType": TYPES.get(event.list_name, event.list_name.replace("EventList", "")),
        "transactionId": stable_id("transaction", event.key, length=43),
        "transactionStatus": status,
        "description": DESCRIPTIONS.get(event.list_name) or event.body.get("FeeReason")
        or TYPES.get(event.list_name, event.list_name),
        "postedDate": iso(event.posted),
        "totalAmount": _money(event.net, currency),
        "marketplaceDetails": {"marketplaceId": event.market.id, "marketplaceName": event.market.sales_channel},
        "items": _items(event, seller),
        "contexts": [],
        "breakdowns": _tree(_summary(event), currency),
    }
    if event.released is not None:
        transaction["contexts"].append({"contextType": "DeferredContext", "deferralReason": "DD7",
                                        "maturityDate": iso(event.released)})
    return transaction


def _is_us_mfn_order(event: FinancialEvent, seller) -> bool:
    order = seller.orders_by_id.get(event.order_id) if event.order_id else None
    return order is not None and order.market.id == US and order.fulfillment_channel == "MFN"


def _first_state(emu, req: Request) -> Dict[str, Any]:
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
    if market and market not in region_market_ids(emu, req):
        raise InvalidInput(f"Invalid marketplaceId '{market}'.")
    status = req.param("transactionStatus")
    if status and status not in ("DEFERRED", "RELEASED", "DEFERRED_RELEASED"):
        raise InvalidInput("transactionStatus must be DEFERRED, RELEASED or DEFERRED_RELEASED.")
    return {"kind": "transactions", "after": iso(after) if after else None, "before": iso(before) if before else None,
            "market": market, "status": status, "name": name, "value": value, "offset": 0, "region": req.region}


def _related(event: FinancialEvent, status: str, group_ids: Dict[tuple, str]) -> Dict[str, Optional[str]]:
    group_id = group_ids.get((event.market.code, settlement_period_start(event.posted, event.market)))
    return {"ORDER_ID": event.order_id, "FINANCIAL_EVENT_GROUP_ID": group_id if status != "DEFERRED" else None}


def _selected(emu, req: Request, state: Dict[str, Any], group_ids: Dict[tuple, str]) -> List[FinancialEvent]:
    """The events the query selects (filters decided without building the transactions)."""
    seller = emu.dataset.seller
    after = parse_iso(state["after"]) if state["after"] else None
    before = parse_iso(state["before"]) if state["before"] else None
    if after and before and before - after > timedelta(days=180):
        return []
    markets: Optional[List[str]] = [state["market"]] if state["market"] else region_market_ids(emu, req)
    selected = []
    lag = emu.timing.finance_delay()
    for event in seller.events_in_window(after, before, markets):
        if not event.arrived(req.now, lag):  # the model: the last 48 hours' orders may be missing
            continue
        if state["market"] == US and _is_us_mfn_order(event, seller):
            continue
        status = event.transaction_status(req.now)
        if state["status"] and status != state["status"]:
            continue
        if state["name"] and _related(event, status, group_ids).get(state["name"]) != state["value"]:
            continue
        selected.append(event)
    return selected


def list_transactions(emu, req: Request):
    token = req.param("nextToken")
    if token:
        state = redeem_token(emu, req, token, "nextToken")
        if state.get("kind") != "transactions":
            raise InvalidInput("Invalid nextToken.")
    else:
        state = _first_state(emu, req)
    seller = emu.dataset.seller
    group_ids = {(g.market.code, g.start): g.group_id for g in seller.groups}
    events = _selected(emu, req, state, group_ids)
    offset = state["offset"]
    payload: Dict[str, Any] = {"transactions": [transaction_json(e, seller, group_ids, req.now)
                                                for e in events[offset:offset + PAGE_SIZE]]}
    if offset + PAGE_SIZE < len(events):
        # no lifetime is reported for listTransactions tokens: they do not expire here
        payload["nextToken"] = emu.page_tokens.encode({**state, "offset": offset + PAGE_SIZE})
    return 200, {"payload": payload}
