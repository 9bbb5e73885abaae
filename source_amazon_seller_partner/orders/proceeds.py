"""An order item's money in Orders v0's columns, from its 2026 `proceeds.breakdowns`.

Amazon's migration guide ("Pricing attribute mappings") replaces v0's flat prices by proceeds categories:
- ItemPrice = the ITEM subtotal, ShippingPrice = SHIPPING, CODFee = COD_FEE; gift wrap = GIFT_WRAP;
- the taxes are the TAX category, detailed by subtype: ItemTax = TAX/ITEM, ShippingTax = TAX/SHIPPING,
  gift-wrap tax = TAX/GIFT_WRAP; the ITEM subtotal leaves out tax Amazon reports separately;
- the discounts are the DISCOUNT category, detailed by subtype: PromotionDiscount = DISCOUNT/ITEM,
  ShippingDiscount = DISCOUNT/SHIPPING, CODFeeDiscount = DISCOUNT/COD_FEE. The DISCOUNT subtotal includes
  the shipping discount, so it is never used as the item discount;
- the tax on discounts is one number, TAX/DISCOUNT, where v0 had PromotionDiscountTax and
  ShippingDiscountTax: it goes to the one of the two whose discount exists; with both discounts it cannot
  be split and both columns stay empty (the total is in the `proceeds` column).
v0 reports discounts as positive amounts; proceeds may carry them negative (money the seller does not
receive): their size is taken. A category that is absent while `proceeds` is present is zero, as v0
writes it ("0.00"); without `proceeds` (a cancelled order, or the dataset missing) every column is empty.
Where a category has no detail and another category could share it (TAX without subtypes, but
shipping charged too), the ambiguous columns stay empty rather than guessed.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Dict, Mapping, Optional, Set

ZERO = Decimal("0.00")  # an absent category, as v0 writes it
_NOTHING = Decimal(0)  # the start of a sum: keeps Amazon's own number of decimals


def _decimal(money: Any) -> Optional[Decimal]:
    if not isinstance(money, Mapping):
        return None
    try:
        return Decimal(str(money.get("amount")))
    except (InvalidOperation, ValueError):
        return None


def v0_money(money: Any) -> Optional[Dict[str, str]]:
    """2026 Money {amount, currencyCode} -> v0 Money {CurrencyCode, Amount} (the amount's text kept)."""
    if not isinstance(money, Mapping) or money.get("amount") is None:
        return None
    return {"CurrencyCode": money.get("currencyCode"), "Amount": str(money.get("amount"))}


class _Breakdowns:
    """The categories of one item's proceeds: subtotals, and the details of those that have them."""

    def __init__(self, breakdowns: Any) -> None:
        self.subtotals: Dict[str, Optional[Decimal]] = {}
        self.details: Dict[str, Dict[str, Optional[Decimal]]] = {}
        self.currency: Optional[str] = None
        for entry in breakdowns if isinstance(breakdowns, list) else []:
            if not isinstance(entry, Mapping) or not entry.get("type"):
                continue
            kind = entry["type"]
            self.currency = self.currency or (entry.get("subtotal") or {}).get("currencyCode")
            self.subtotals[kind] = _add(self.subtotals.get(kind, _NOTHING), _decimal(entry.get("subtotal")))
            for detail in entry.get("detailedBreakdowns") or []:
                subtype = detail.get("subtype") if isinstance(detail, Mapping) else None
                if subtype:
                    parts = self.details.setdefault(kind, {})
                    parts[subtype] = _add(parts.get(subtype, _NOTHING), _decimal(detail.get("value")))

    def subtotal(self, kind: str) -> Optional[Decimal]:
        return self.subtotals.get(kind, ZERO)

    def share(self, kind: str, subtype: str, sharers: Set[str]) -> Optional[Decimal]:
        """The `subtype` part of category `kind`: its detail; without details the whole category when
        `subtype` is the only possible sharer, zero when it is none of them, else unknown (None)."""
        if kind not in self.subtotals:
            return ZERO
        if kind in self.details:
            return self.details[kind].get(subtype, ZERO)
        if sharers == {subtype}:
            return self.subtotals[kind]
        return ZERO if subtype not in sharers else None


def _add(total: Optional[Decimal], value: Optional[Decimal]) -> Optional[Decimal]:
    return None if total is None or value is None else total + value


def item_amounts(item: Mapping[str, Any]) -> Dict[str, Optional[Dict[str, str]]]:
    """v0's money columns of an item; {} when the item carries no proceeds."""
    proceeds = item.get("proceeds")
    if not isinstance(proceeds, Mapping):
        return {}
    split = _Breakdowns(proceeds.get("breakdowns"))
    currency = split.currency or (proceeds.get("proceedsTotal") or {}).get("currencyCode")
    charged = {kind for kind in ("SHIPPING", "GIFT_WRAP", "COD_FEE") if split.subtotal(kind)}
    discount_sharers = {"ITEM"} | (charged & {"SHIPPING", "COD_FEE"})
    tax_sharers = {"ITEM"} | charged | ({"DISCOUNT"} if "DISCOUNT" in split.subtotals else set())
    values: Dict[str, Optional[Decimal]] = {
        "ItemPrice": split.subtotal("ITEM"),
        "ShippingPrice": split.subtotal("SHIPPING"),
        "ItemTax": split.share("TAX", "ITEM", tax_sharers),
        "ShippingTax": split.share("TAX", "SHIPPING", tax_sharers),
        "PromotionDiscount": _size(split.share("DISCOUNT", "ITEM", discount_sharers)),
        "ShippingDiscount": _size(split.share("DISCOUNT", "SHIPPING", discount_sharers)),
    }
    discount_tax = _size(split.share("TAX", "DISCOUNT", tax_sharers))
    on_items, on_shipping = values["PromotionDiscount"], values["ShippingDiscount"]
    if discount_tax is not None and on_shipping == ZERO:
        values["PromotionDiscountTax"], values["ShippingDiscountTax"] = discount_tax, ZERO
    elif discount_tax is not None and on_items == ZERO:
        values["PromotionDiscountTax"], values["ShippingDiscountTax"] = ZERO, discount_tax
    else:  # discounts on both (or unknown): v0's two numbers cannot be told apart
        values["PromotionDiscountTax"] = values["ShippingDiscountTax"] = None
    if "COD_FEE" in split.subtotals:
        values["CODFee"] = split.subtotal("COD_FEE")
        values["CODFeeDiscount"] = _size(split.share("DISCOUNT", "COD_FEE", discount_sharers))
    return {name: _money(value, currency) for name, value in values.items()}


def gift_wrap(item: Mapping[str, Any]) -> Dict[str, Optional[Dict[str, str]]]:
    """v0's item BuyerInfo.GiftWrapPrice / GiftWrapTax, when the item has gift wrap."""
    proceeds = item.get("proceeds")
    if not isinstance(proceeds, Mapping):
        return {}
    split = _Breakdowns(proceeds.get("breakdowns"))
    if "GIFT_WRAP" not in split.subtotals:
        return {}
    tax = split.details.get("TAX", {}).get("GIFT_WRAP", ZERO) if "TAX" in split.details else None
    return {"GiftWrapPrice": _money(split.subtotal("GIFT_WRAP"), split.currency),
            "GiftWrapTax": _money(tax, split.currency)}


def _size(value: Optional[Decimal]) -> Optional[Decimal]:
    return None if value is None else abs(value)


def _money(value: Optional[Decimal], currency: Optional[str]) -> Optional[Dict[str, str]]:
    """v0 Money: Amazon's digits as they came (an absent category is "0.00", as v0 writes it)."""
    if value is None:
        return None
    return {"CurrencyCode": currency, "Amount": str(value)}
