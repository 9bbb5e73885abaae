"""Orders and their items: one set of facts for getOrders, searchOrders, order reports and finances."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Optional, Tuple

from ..marketplaces import Market
from .catalog import Product

ORDER_HISTORY_DAYS = 730  # getOrders and the order reports serve at most 2 years...
FULL_HISTORY_COUNTRIES = frozenset({"JP", "AU", "SG"})  # ...except these (Amazon serves them since 2016)


@dataclass(frozen=True)
class Address:
    name: str
    line1: str
    city: str
    state: str
    postal_code: str
    country: str
    phone: str
    address_type: str = "Residential"


@dataclass(frozen=True)
class OrderItem:
    order_item_id: str
    product: Product
    quantity: int
    item_price: Decimal  # for the whole quantity, as Amazon reports it
    item_tax: Decimal
    shipping_price: Decimal
    shipping_tax: Decimal
    promotion_discount: Decimal
    promotion_ids: Tuple[str, ...]
    quantity_shipped: int


@dataclass(frozen=True)
class Order:
    amazon_order_id: str
    seller_order_id: str
    market: Market
    purchase_date: datetime
    last_update_date: datetime
    status: str  # Pending | Unshipped | Shipped | Canceled
    fulfillment_channel: str  # AFN | MFN
    ship_service_level: str
    ship_category: str
    items: Tuple[OrderItem, ...]
    buyer_name: str
    buyer_email: str
    address: Address
    is_business: bool
    is_prime: bool
    payment_method: str
    payment_details: Tuple[str, ...]
    ship_date: Optional[datetime]
    earliest_ship: datetime
    latest_ship: datetime
    earliest_delivery: datetime
    latest_delivery: datetime
    purchase_order_number: Optional[str]
    # Versions (/_emulator/mutate): the state this one replaced, and when the emulator learned of this
    # one (None: the seeded dataset, known from the start). Reports read an order as of their creation.
    previous: Optional["Order"] = field(default=None, repr=False, compare=False)
    recorded: Optional[datetime] = field(default=None, compare=False)

    @property
    def has_amounts(self) -> bool:
        """Canceled orders carry no money (Amazon drops OrderTotal and item prices)."""
        return self.status != "Canceled"

    @property
    def total(self) -> Decimal:
        """OrderTotal = items + item tax + shipping + shipping tax - promotion discounts."""
        return sum((i.item_price + i.item_tax + i.shipping_price + i.shipping_tax - i.promotion_discount
                    for i in self.items), Decimal("0.00"))

    @property
    def quantity_shipped(self) -> int:
        return sum(i.quantity_shipped for i in self.items)

    @property
    def quantity_unshipped(self) -> int:
        if self.status == "Canceled":
            return 0
        return sum(i.quantity - i.quantity_shipped for i in self.items)



def history_cutoff(market: Market, now: datetime) -> Optional[datetime]:
    """Orders purchased before this are not served (None: no cutoff)."""
    if market.code in FULL_HISTORY_COUNTRIES:
        return None
    return now - timedelta(days=ORDER_HISTORY_DAYS)
