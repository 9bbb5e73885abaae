"""The roles an application holds, and what Orders API 2026-01-01 lets each role see.

Sources: Amazon's "Get order information" / "Get orders with filtering criteria" guides (any one of
twelve roles may call searchOrders and getOrder) and "Access Orders PII" (which fields are personal
data; no Restricted Data Token in 2026-01-01, the role alone decides). Where Amazon's pages and its
answers on the models' issue tracker (#5300, #5306) leave the case open, the emulator follows the
nastier reading: a missing role silently drops the personal fields from an otherwise complete answer,
so a client has to notice the gap itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import FrozenSet, Iterable

DIRECT_TO_CONSUMER = "Direct-to-Consumer Delivery"
TAX_INVOICING = "Tax Invoicing"
TAX_REMITTANCE = "Tax Remittance"

# Any one of these may call the Orders API (Amazon lists "Direct to Consumer Shipping", the earlier
# name of Direct-to-Consumer Delivery, in the same list).
ORDERS_ROLES: FrozenSet[str] = frozenset({
    "Amazon Fulfillment", "Buyer Communication", "Buyer Solicitation", "Finance and Accounting",
    "Inventory and Order Tracking", "Pricing", "Product Listing", "Professional Services",
    "Selling Partner Insights", DIRECT_TO_CONSUMER, TAX_INVOICING, TAX_REMITTANCE,
})
ALL_ROLES: FrozenSet[str] = ORDERS_ROLES | {"Brand Analytics", "Amazon Business Analytics"}


def parse_roles(text: str) -> FrozenSet[str]:
    """`--roles "Inventory and Order Tracking,Tax Invoicing"` -> the set; unknown names are refused."""
    roles = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(roles - ALL_ROLES)
    if unknown:
        raise ValueError(f"unknown role(s) {', '.join(unknown)}; known: {', '.join(sorted(ALL_ROLES))}")
    return roles


@dataclass(frozen=True)
class OrdersAccess:
    """What an application may see in Orders API 2026-01-01 answers."""

    may_call: bool
    delivery: bool  # buyer e-mail, recipient name/street/postal code/phone, gift messages, customized URLs
    buyer_name: bool  # Tax Invoicing or Tax Remittance

    @classmethod
    def of(cls, roles: Iterable[str]) -> "OrdersAccess":
        held = frozenset(roles)
        return cls(may_call=bool(held & ORDERS_ROLES), delivery=DIRECT_TO_CONSUMER in held,
                   buyer_name=bool(held & {TAX_INVOICING, TAX_REMITTANCE}))
