"""One row per charge and per fee of a Finances v0 event (FinancialChargeComponents, FinancialFeeComponents).

Amazon's model has two shapes for money that makes up an event: ChargeComponent {ChargeType,
ChargeAmount} and FeeComponent {FeeType, FeeAmount}; SellerDealPaymentEvent spells its fee in lower
case (feeType, feeAmount). They sit at any depth (ShipmentItemList[].ItemChargeList[],
ItemTaxWithheldList[].TaxesWithheld[], CouponPaymentEvent.FeeComponent, ServiceFeeEvent.FeeList ...),
so the event is walked rather than listed by hand. Other amounts (AdjustmentAmount, promotions,
ProductAds values) are not charges or fees and stay in the event streams.

A row's key is (event_id, component_path): the event's own stable key and where in the event the
component sits, e.g. `ShipmentItemList[0].ItemFeeList[1]`; both are the same in every sync.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, Mapping, Optional, Tuple

CHARGE_SHAPES = (("ChargeType", "ChargeAmount"),)
FEE_SHAPES = (("FeeType", "FeeAmount"), ("feeType", "feeAmount"))
ITEM_ID_FIELDS = ("OrderItemId", "OrderAdjustmentItemId")


def components(event: Mapping[str, Any], shapes: Tuple[Tuple[str, str], ...]) -> Iterator[Tuple[str, str, Mapping[str, Any], Mapping[str, Any]]]:
    """(path, type, money, the innermost object carrying an item id or the event) for each component."""
    yield from _walk(event, "", shapes, event)


def _walk(node: Any, path: str, shapes: Tuple[Tuple[str, str], ...], holder: Mapping[str, Any]):
    if isinstance(node, Mapping):
        if any(field in node for field in ITEM_ID_FIELDS):
            holder = node
        for type_key, amount_key in shapes:
            money = node.get(amount_key)
            if type_key in node and isinstance(money, Mapping):
                yield path or "$", node.get(type_key), money, holder
        for name, value in node.items():
            if isinstance(value, (Mapping, list)):
                yield from _walk(value, f"{path}.{name}" if path else name, shapes, holder)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}[{index}]", shapes, holder)


def component_rows(
    kind: str, event: Mapping[str, Any], base: Mapping[str, Any]
) -> Iterator[Dict[str, Any]]:
    """Rows of `kind` ("charge" or "fee") of one event; `base` carries the event's stream, key, date, marketplace."""
    shapes = CHARGE_SHAPES if kind == "charge" else FEE_SHAPES
    type_column = f"{kind}_type"
    for path, component_type, money, holder in components(event, shapes):
        yield {
            **base,
            "component_path": path,
            "item_id": _item_id(holder),
            "seller_sku": holder.get("SellerSKU") if holder is not event else event.get("SellerSKU"),
            type_column: component_type,
            "amount": _number(money.get("CurrencyAmount")),
            "currency": money.get("CurrencyCode"),
        }


def _item_id(holder: Mapping[str, Any]) -> Optional[str]:
    for name in ITEM_ID_FIELDS:
        if holder.get(name):
            return str(holder[name])
    return None


def _number(value: Any) -> Optional[float]:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
