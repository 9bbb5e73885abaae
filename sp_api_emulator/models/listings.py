"""A product offered in one marketplace (Listings API, listings reports)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ..marketplaces import Market
from .catalog import Product


@dataclass(frozen=True)
class Listing:
    product: Product
    market: Market
    listing_id: str
    price: Decimal
    quantity: int
    status: str  # Active | Inactive | Incomplete
    last_updated: datetime

