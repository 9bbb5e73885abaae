"""Vendor (1P) entities: purchase orders and direct-fulfilment orders, and the vendor account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import List, Optional, Sequence, Tuple

from ..marketplaces import Market
from .catalog import Product
from .orders import Address

VENDOR_CODE = "EMUV1"


@dataclass(frozen=True)
class VendorPurchaseOrder:
    number: str
    market: Market
    created: datetime
    state: str  # New | Acknowledged | Closed
    state_changed: datetime
    changed: Optional[datetime]  # when Amazon changed the order after placing it
    ship_to: str
    ship_to_address: Address
    items: Tuple[Tuple[Product, int, Decimal, Decimal], ...]  # product, quantity, net cost, list price
    accepted_fraction: Decimal
    received_fraction: Decimal

    @property
    def last_updated(self) -> datetime:
        return max(self.state_changed, self.changed or self.state_changed)


@dataclass(frozen=True)
class DirectFulfillmentOrder:
    number: str
    customer_order_number: str
    market: Market
    created: datetime
    status: str  # NEW | ACCEPTED | SHIPPED | CANCELLED
    ship_from: str
    ship_method: str
    address: Address
    items: Tuple[Tuple[Product, int, Decimal], ...]  # product, quantity, unit net price
    label_created: Optional[datetime]
    tracking_number: str
    is_gift: bool



class VendorAccount:
    account_type = "vendor"

    def __init__(self, vendor_code: str, markets: Sequence[Market], products: Sequence[Product]) -> None:
        self.vendor_code = vendor_code
        self.markets = tuple(markets)
        self.products = tuple(products)
        self.purchase_orders: Tuple[VendorPurchaseOrder, ...] = ()
        self.df_orders: Tuple[DirectFulfillmentOrder, ...] = ()

    def market_ids(self) -> List[str]:
        return [m.id for m in self.markets]
