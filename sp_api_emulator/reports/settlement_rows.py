"""Settlement flat files: a summary row (the period's total = its financial event group total), then
one row per charge, fee, promotion or other amount of each event posted in the period.

Two layouts: the classic V2 flat file spreads amounts over price-amount / item-related-fee-amount /
promotion-amount / other-amount; the `_V2` flat file has amount-type, amount-description and amount.
Either way the amounts of the data rows add up to the summary row's total-amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Dict, Iterator, List

from ..marketplaces import Market
from ..models import Dataset, FinancialEvent, ReportRequest
from .rows import RowContext


@dataclass(frozen=True)
class Line:
    kind: str  # charge | fee | promotion | other
    type: str  # ChargeType, FeeType, PromotionType or a reason
    amount: Decimal
    promotion_id: str = ""


def _amount(value: Dict[str, Any]) -> Decimal:
    return Decimal(str(value["CurrencyAmount"]))


def _item_lines(item: Dict[str, Any], refund: bool) -> List[Line]:
    charges = item.get("ItemChargeAdjustmentList" if refund else "ItemChargeList", [])
    fees = item.get("ItemFeeAdjustmentList" if refund else "ItemFeeList", [])
    lines = [Line("charge", c["ChargeType"], _amount(c["ChargeAmount"])) for c in charges]
    lines += [Line("fee", f["FeeType"], _amount(f["FeeAmount"])) for f in fees]
    lines += [Line("promotion", p["PromotionType"], _amount(p["PromotionAmount"]), p["PromotionId"])
              for p in item.get("PromotionList", [])]
    return lines


def _classic(line: Line) -> Dict[str, Any]:
    if line.kind == "charge":
        return {"price-type": line.type, "price-amount": line.amount}
    if line.kind == "fee":
        return {"item-related-fee-type": line.type, "item-related-fee-amount": line.amount}
    if line.kind == "promotion":
        return {"promotion-id": line.promotion_id, "promotion-type": line.type, "promotion-amount": line.amount}
    return {"other-fee-reason-description": line.type, "other-amount": line.amount}


_V2_AMOUNT_TYPES = {"charge": "ItemPrice", "fee": "ItemFees", "promotion": "Promotion", "other": "other-transaction"}


def _v2(line: Line) -> Dict[str, Any]:
    values = {"amount-type": _V2_AMOUNT_TYPES[line.kind], "amount-description": line.type, "amount": line.amount}
    if line.promotion_id:
        values["promotion-id"] = line.promotion_id
    return values


def _event_rows(event: FinancialEvent, settlement_id: str, market: Market, v2: bool) -> Iterator[RowContext]:
    body = event.body
    render = _v2 if v2 else _classic
    common = {"settlement-id": settlement_id, "marketplace-name": market.sales_channel, "posted-date": event.posted,
              "posted-date-time": event.posted, "__only": True}
    if event.list_name in ("ShipmentEventList", "RefundEventList"):
        refund = event.list_name == "RefundEventList"
        for item in body.get("ShipmentItemAdjustmentList" if refund else "ShipmentItemList", []):
            fees = item.get("ItemFeeList") or []
            item_code = item.get("OrderItemId") or item.get("OrderAdjustmentItemId")
            order_common = {**common, "transaction-type": "Refund" if refund else "Order",
                            "order-id": body["AmazonOrderId"], "merchant-order-id": body.get("SellerOrderId"),
                            "shipment-id": "", "order-item-code": item_code, "sku": item.get("SellerSKU"),
                            "quantity-purchased": item.get("QuantityShipped"),
                            "fulfillment-id": "AFN" if any(f["FeeType"] == "FBAPerUnitFulfillmentFee" for f in fees)
                            else "MFN"}
            for n, line in enumerate(_item_lines(item, refund)):
                yield RowContext(key=f"{event.key}|{item_code}|{n}", market=market, moment=event.posted, event=event,
                                 values={**order_common, **render(line)})
        return
    if event.net == 0:
        return
    reason = (body.get("FeeDescription") or body.get("AdjustmentType") or body.get("SellerCouponDescription")
              or body.get("dealDescription") or ("Cost of Advertising" if "invoiceId" in body else event.list_name))
    sku = body.get("SellerSKU") or (body.get("AdjustmentItemList") or [{}])[0].get("SellerSKU")
    yield RowContext(key=event.key, market=market, moment=event.posted, event=event,
                     values={**common, "transaction-type": "other-transaction", "sku": sku,
                             **render(Line("other", reason, event.net))})


def settlement_rows(dataset: Dataset, req: ReportRequest) -> Iterator[RowContext]:
    market = req.markets[0]
    group = next((g for g in dataset.seller.groups if g.market.id == market.id and g.start == req.start), None)
    if group is None:
        return
    summary = {"settlement-id": group.settlement_id, "settlement-start-date": group.start,
               "settlement-end-date": group.end, "deposit-date": group.transfer_date, "total-amount": group.total,
               "currency": market.currency, "__only": True}
    yield RowContext(key=f"{group.settlement_id}|summary", market=market, moment=group.start, values=summary)
    v2 = req.report_type.endswith("_V2")
    for event in dataset.seller.events_in_window(group.start, group.end, [market.id]):
        yield from _event_rows(event, group.settlement_id, market, v2)
