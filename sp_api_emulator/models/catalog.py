"""Catalog entities: the seller's products (the same everywhere: catalog, listings, reports)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Dict

from ..marketplaces import Market


@dataclass(frozen=True)
class Product:
    index: int
    sku: str
    asin: str
    ean: str
    upc: str
    fnsku: str
    kind: str
    titles: Dict[str, str] = field(hash=False, compare=False)
    channel: str  # AFN | MFN
    base_price: Decimal  # USD
    brand: str
    created: datetime

    def title(self, market: Market) -> str:
        return self.titles[market.lang]

