"""The seeded dataset builder: every entity of both accounts, deterministic from (seed, profile).

One set of facts feeds every API and report: an order has one id, one set of items and amounts,
whether it is read through getOrders, a flat-file report or its financial events.
All times are real UTC relative to the moment the dataset is built. Each entity family has its own
RNG, so families stay stable when another changes. Finances and vendor entities are built by the
mixins of dataset_finances.py and dataset_vendor.py.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from . import catalog_text as text
from .dataset_finances import FinanceBuilder
from .dataset_vendor import VendorBuilder
from .marketplaces import MARKETS, Market
from .models import (SELLER_ID, VENDOR_CODE, Address, Dataset, InventoryLevel, Listing, Order, OrderItem, Product,
                     SellerAccount, VendorAccount, round_money)
from .models.common import alnum, check_digit, digits
from .timeutil import utcnow


@dataclass(frozen=True)
class Profile:
    name: str
    seller_countries: Tuple[str, ...]
    orders: int
    history_days: int  # how far back the oldest order goes
    products: int
    vendor_countries: Tuple[str, ...]
    purchase_orders: int
    df_orders: int


PROFILES: Dict[str, Profile] = {
    "small": Profile("small", ("US", "CA", "DE", "FR", "UK", "JP"), 450, 800, 24, ("US", "DE"), 90, 60),
    "bench": Profile("bench", ("US", "CA"), 20000, 365, 400, ("US", "DE"), 400, 300),
    # The large profile serves the small dataset; its big documents come from reports/large.py.
    "large": Profile("large", ("US", "CA", "DE", "FR", "UK", "JP"), 450, 800, 24, ("US", "DE"), 90, 60),
}



class DatasetBuilder(FinanceBuilder, VendorBuilder):
    """Builds every entity from one seed."""

    def __init__(self, seed: int, profile: Profile, now: datetime) -> None:
        self.seed = seed
        self.profile = profile
        self.now = now.replace(microsecond=0)
        self._taken_ids: set = set()
        self._id_lock = threading.Lock()
        self._extra_rng = random.Random(f"{seed}:mutations")
        self._pools: Dict[Tuple[int, str], List[Product]] = {}

    def rng(self, family: str) -> random.Random:
        return random.Random(f"{self.seed}:{self.profile.name}:{family}")

    # -- products, listings, inventory ----------------------------------------------------
    def products(self) -> List[Product]:
        rng = self.rng("products")
        result = []
        for index in range(self.profile.products):
            kind_code, titles = text.PRODUCT_KINDS[index % len(text.PRODUCT_KINDS)]
            colour_code, colours = text.COLOURS[(index // len(text.PRODUCT_KINDS)) % len(text.COLOURS)]
            suffix = index // (len(text.PRODUCT_KINDS) * len(text.COLOURS))
            localized = {lang: f"{titles[lang]}, {colours[lang]}" + (f" #{suffix + 1}" if suffix else "")
                         for lang in titles}
            channel = "AFN" if rng.random() < 0.6 else "MFN"
            ean_body = "40" + digits(rng, 10)
            upc_body = "0" + digits(rng, 10)
            result.append(Product(
                index=index,
                sku=f"EMU-{kind_code}-{colour_code}-{index + 1:04d}",
                asin="B0" + alnum(rng, 8),
                ean=ean_body + check_digit(ean_body),
                upc=upc_body + check_digit(upc_body),
                fnsku=("X00" + alnum(rng, 7)) if channel == "AFN" else "",
                kind=kind_code,
                titles=localized,
                channel=channel,
                base_price=Decimal(rng.randrange(8, 120)) + Decimal("0.99"),
                brand=text.BRANDS[index % len(text.BRANDS)],
                created=self.now - timedelta(days=rng.uniform(60, 1400)),
            ))
        return result

    def price(self, product: Product, market: Market) -> Decimal:
        raw = product.base_price * market.fx
        if market.whole_units:
            return (raw / 10).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * 10 + Decimal("0.00")
        return round_money(raw, market)

    def listings(self, products: Sequence[Product], markets: Sequence[Market]) -> List[Listing]:
        rng = self.rng("listings")
        result = []
        for market in markets:
            for product in products:
                roll = rng.random()
                status = "Active" if roll < 0.88 else ("Inactive" if roll < 0.97 else "Incomplete")
                quantity = 0 if product.channel == "AFN" else rng.randrange(0, 250)
                age = (self.now - product.created).total_seconds()
                updated = product.created + timedelta(seconds=rng.uniform(0, max(0.0, age - 3600)))
                result.append(Listing(product=product, market=market,
                                      listing_id=product.created.strftime("%m%d") + alnum(rng, 6) + "X",
                                      price=self.price(product, market), quantity=quantity, status=status,
                                      last_updated=updated.replace(microsecond=0)))
        return result

    def inventory(self, products: Sequence[Product], markets: Sequence[Market]) -> List[InventoryLevel]:
        rng = self.rng("inventory")
        result = []
        for market in markets:
            for product in products:
                if product.channel != "AFN":
                    continue
                result.append(InventoryLevel(
                    product=product, market=market,
                    fulfillable=rng.randrange(0, 400), inbound_working=rng.choice([0, 0, 12, 24]),
                    inbound_shipped=rng.choice([0, 0, 0, 48]), inbound_receiving=rng.choice([0, 0, 6]),
                    reserved_customer_orders=rng.randrange(0, 8), reserved_fc_transfers=rng.randrange(0, 5),
                    reserved_fc_processing=rng.randrange(0, 3), unfulfillable=rng.choice([0, 0, 0, 1, 2]),
                    researching=rng.choice([0, 0, 0, 1]),
                    last_updated=self.now - timedelta(hours=rng.uniform(1, 72)),
                ))
        return result

    # -- orders ----------------------------------------------------------------------------
    def _order_id(self, rng: random.Random, market: Market, taken: Iterable[str] = ()) -> str:
        prefixes = {"NA": (111, 112, 113, 114), "EU": (202, 303, 304, 402), "FE": (249, 250, 503)}
        with self._id_lock:
            while True:
                candidate = f"{rng.choice(prefixes[market.region]):03d}-{digits(rng, 7)}-{digits(rng, 7)}"
                if candidate not in self._taken_ids and candidate not in taken:
                    self._taken_ids.add(candidate)
                    return candidate

    def _address(self, rng: random.Random, market: Market, name: str) -> Address:
        city, state, postal, street = rng.choice(text.ADDRESSES[market.code])
        phone = {"US": "+1 206-555-", "CA": "+1 514-555-", "DE": "+49 89 5550", "FR": "+33 1 55 50",
                 "UK": "+44 20 7946 ", "JP": "+81 3-5550-"}[market.code] + digits(rng, 4)
        return Address(name=name, line1=street, city=city, state=state, postal_code=postal,
                       country="GB" if market.code == "UK" else market.code, phone=phone,
                       address_type="Commercial" if rng.random() < 0.1 else "Residential")

    def _items(self, rng: random.Random, market: Market, products: Sequence[Product], channel: str,
               shipped: bool, prime: bool) -> Tuple[OrderItem, ...]:
        pool_key = (id(products), channel)
        pool = self._pools.get(pool_key)
        if pool is None:
            pool = self._pools[pool_key] = [p for p in products if p.channel == channel] or list(products)
        count = min(len(pool), rng.choices([1, 2, 3, 4], weights=[70, 20, 7, 3])[0])
        items = []
        for product in rng.sample(pool, count):
            quantity = rng.choices([1, 2, 3], weights=[80, 15, 5])[0]
            unit = self.price(product, market)
            item_price = unit * quantity
            item_tax = round_money(item_price * market.tax_rate, market)
            shipping = Decimal("0.00")
            if channel == "MFN" and not prime and rng.random() < 0.6:
                shipping = round_money(Decimal("4.99") * market.fx, market)
            shipping_tax = round_money(shipping * market.tax_rate, market)
            promo = Decimal("0.00")
            promo_ids: Tuple[str, ...] = ()
            if rng.random() < 0.1:
                promo = round_money(item_price * Decimal("0.10"), market)
                promo_ids = (f"PROMO-{market.code}-{rng.randrange(100, 999)}",)
            with self._id_lock:
                while True:
                    item_id = digits(rng, 14)
                    if item_id not in self._taken_ids:
                        self._taken_ids.add(item_id)
                        break
            items.append(OrderItem(order_item_id=item_id, product=product, quantity=quantity,
                                   item_price=item_price, item_tax=item_tax, shipping_price=shipping,
                                   shipping_tax=shipping_tax, promotion_discount=promo,
                                   promotion_ids=promo_ids, quantity_shipped=quantity if shipped else 0))
        return tuple(items)

    def _order(self, rng: random.Random, market: Market, products: Sequence[Product], purchase: datetime,
               status: str, last_update: datetime, ship_date: Optional[datetime],
               taken: Iterable[str] = ()) -> Order:
        channel = "AFN" if rng.random() < 0.6 else "MFN"
        prime = channel == "AFN" and rng.random() < 0.6
        order_id = self._order_id(rng, market, taken)
        name = rng.choice(text.BUYER_NAMES[market.lang])
        email = f"{alnum(rng, 12).lower()}@marketplace.amazon.{market.domain.split('amazon.', 1)[1]}"
        business = rng.random() < 0.05
        if market.code == "JP" and rng.random() < 0.15:
            payment, details = rng.choice([("COD", ("CashOnDelivery",)), ("CVS", ("ConvenienceStore",))])
        else:
            payment, details = "Other", ("Standard",)
        category = "Expedited" if prime else rng.choice(["Standard", "Standard", "Expedited", "SecondDay"])
        level = category if channel == "AFN" else f"Std {market.code} Dom"
        return Order(
            amazon_order_id=order_id,
            seller_order_id=order_id if rng.random() < 0.8 else f"SO-{digits(rng, 8)}",
            market=market, purchase_date=purchase, last_update_date=last_update, status=status,
            fulfillment_channel=channel, ship_service_level=level, ship_category=category,
            items=self._items(rng, market, products, channel, status == "Shipped", prime),
            buyer_name=name, buyer_email=email, address=self._address(rng, market, name),
            is_business=business, is_prime=prime, payment_method=payment, payment_details=details,
            ship_date=ship_date,
            earliest_ship=purchase + timedelta(hours=4), latest_ship=purchase + timedelta(days=2),
            earliest_delivery=purchase + timedelta(days=2), latest_delivery=purchase + timedelta(days=6),
            purchase_order_number=f"PO-{digits(rng, 6)}" if business else None,
        )

    def _lifecycle(self, rng: random.Random, purchase: datetime) -> Tuple[str, datetime, Optional[datetime]]:
        """Status as of now, the time of its last change, and the ship time (Shipped only)."""
        age = self.now - purchase
        if rng.random() < 0.07 and age > timedelta(hours=2):
            cancelled = purchase + timedelta(minutes=rng.uniform(20, min(2880, age.total_seconds() / 60 - 1)))
            return "Canceled", cancelled.replace(microsecond=0), None
        paid = purchase + timedelta(minutes=rng.uniform(2, 45))
        if age < timedelta(minutes=50) or paid >= self.now - timedelta(minutes=1):
            return "Pending", (purchase + timedelta(seconds=rng.randint(1, 50))).replace(microsecond=0), None
        shipped = paid + timedelta(hours=rng.uniform(3, 60))
        if shipped >= self.now - timedelta(minutes=5):
            return "Unshipped", paid.replace(microsecond=0), None
        return "Shipped", shipped.replace(microsecond=0), shipped.replace(microsecond=0)

    def orders(self, markets: Sequence[Market], products: Sequence[Product]) -> List[Order]:
        rng = self.rng("orders")
        weights = {"US": 35, "DE": 20, "UK": 15, "FR": 10, "CA": 10, "JP": 10}
        market_weights = [weights.get(m.code, 10) for m in markets]
        history = timedelta(days=self.profile.history_days)
        result = []
        for index in range(self.profile.orders):
            market = rng.choices(markets, weights=market_weights)[0]
            if index % 33 == 0:  # a steady trickle in the last two days: open orders to sync
                age = timedelta(minutes=rng.uniform(10, 2880))
            elif index % 90 == 5:  # and a few just placed, still Pending
                age = timedelta(minutes=rng.uniform(5, 45))
            else:
                age = timedelta(seconds=rng.uniform(3600, history.total_seconds()))
            purchase = (self.now - age).replace(microsecond=0)
            status, last_update, ship_date = self._lifecycle(rng, purchase)
            result.append(self._order(rng, market, products, purchase, status, last_update, ship_date))
        return result

    def new_recent_order(self, market: Market, products: Sequence[Product], moment: datetime,
                         taken: Iterable[str]) -> Order:
        """A Pending order placed a few seconds before `moment`, for /_emulator/mutate."""
        with self._id_lock:
            seed = self._extra_rng.random()
        rng = random.Random(seed)
        purchase = moment - timedelta(seconds=30)
        return self._order(rng, market, products, purchase, "Pending", moment, None, taken)



def build_dataset(seed: int = 1, profile: str = "small", now: Optional[datetime] = None) -> Dataset:
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r} (use {', '.join(PROFILES)})")
    prof = PROFILES[profile]
    builder = DatasetBuilder(seed, prof, now or utcnow())
    products = builder.products()
    seller_markets = [MARKETS[c] for c in prof.seller_countries]
    seller = SellerAccount(SELLER_ID, seller_markets, products)
    seller.listings = tuple(builder.listings(products, seller_markets))
    seller.inventory = tuple(builder.inventory(products, seller_markets))
    orders = builder.orders(seller_markets, products)
    seller.set_orders(orders)
    events = builder.financial_events(orders, seller_markets, products)
    seller.set_events(events)
    seller.groups = tuple(builder.event_groups(events, seller_markets))
    vendor_markets = [MARKETS[c] for c in prof.vendor_countries]
    vendor_products = products[: max(6, len(products) // 2)]
    vendor = VendorAccount(VENDOR_CODE, vendor_markets, vendor_products)
    vendor.purchase_orders = tuple(builder.purchase_orders(vendor_markets, vendor_products))
    vendor.df_orders = tuple(builder.df_orders(vendor_markets, vendor_products))
    return Dataset(seed=seed, profile=prof, built_at=builder.now, seller=seller, vendor=vendor, builder=builder)
