"""FBA stock of a product in one marketplace (FBA Inventory API, inventory reports)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..marketplaces import Market
from .catalog import Product


@dataclass(frozen=True)
class InventoryLevel:
    product: Product
    market: Market
    fulfillable: int
    inbound_working: int
    inbound_shipped: int
    inbound_receiving: int
    reserved_customer_orders: int
    reserved_fc_transfers: int
    reserved_fc_processing: int
    unfulfillable: int
    researching: int
    last_updated: datetime

    @property
    def reserved(self) -> int:
        return self.reserved_customer_orders + self.reserved_fc_transfers + self.reserved_fc_processing

    @property
    def total(self) -> int:
        return (self.fulfillable + self.reserved + self.unfulfillable + self.researching
                + self.inbound_working + self.inbound_shipped + self.inbound_receiving)

