"""The emulator's data model: a deterministic dataset built from a seed, plus mutable account state.

One set of facts feeds every API and report: an order has one id, one set of items and amounts,
whether it is read through getOrders, a flat-file report or its financial events.
All times are real UTC relative to the moment the dataset is built.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import random
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from source_amazon_seller_partner.components.marketplaces import marketplace as _marketplace

from . import catalog_text as text
from .timeutil import UTC, iso, utcnow

ORDER_HISTORY_DAYS = 730  # getOrders and the order reports serve at most 2 years...
FULL_HISTORY_COUNTRIES = frozenset({"JP", "AU", "SG"})  # ...except these (Amazon serves them since 2016)
SETTLEMENT_PERIOD_DAYS = 14
SELLER_ID = "A1EMULATORSELLER"  # the seller's merchant token (Listings needs it in the path)
VENDOR_CODE = "EMUV1"
SETTLEMENT_ANCHOR = datetime(2020, 1, 6, tzinfo=UTC)


# ---------------------------------------------------------------------------------------------
# Marketplaces and profiles
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Market:
    code: str
    id: str
    region: str
    currency: str
    language_code: str  # e.g. de_DE
    lang: str  # en / de / fr / ja: which text the dataset uses
    domain: str
    sales_channel: str
    name: str
    tax_rate: Decimal
    fx: Decimal  # price multiplier from the dataset's USD base prices
    report_charset: str  # what Content-Type declares for this marketplace's flat files

    @property
    def whole_units(self) -> bool:
        return self.currency == "JPY"


def _market(code: str, currency: str, language_code: str, lang: str, domain: str, tax: str, fx: str,
            charset: str = "Cp1252") -> Market:
    mp = _marketplace(code)
    channel = "Amazon." + domain.split("amazon.", 1)[1]
    return Market(code=code, id=mp.marketplace_id, region=mp.region, currency=currency,
                  language_code=language_code, lang=lang, domain=domain, sales_channel=channel,
                  name=channel, tax_rate=Decimal(tax), fx=Decimal(fx), report_charset=charset)


MARKETS: Dict[str, Market] = {m.code: m for m in [
    _market("US", "USD", "en_US", "en", "www.amazon.com", "0.08", "1"),
    _market("CA", "CAD", "en_CA", "en", "www.amazon.ca", "0.13", "1.35"),
    _market("DE", "EUR", "de_DE", "de", "www.amazon.de", "0.19", "0.92"),
    _market("FR", "EUR", "fr_FR", "fr", "www.amazon.fr", "0.20", "0.92"),
    _market("UK", "GBP", "en_GB", "en", "www.amazon.co.uk", "0.20", "0.79"),
    _market("JP", "JPY", "ja_JP", "ja", "www.amazon.co.jp", "0.10", "150", charset="Shift_JIS"),
]}
MARKETS_BY_ID: Dict[str, Market] = {m.id: m for m in MARKETS.values()}


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
    # The large profile serves the small dataset; its big documents come from large_documents.py.
    "large": Profile("large", ("US", "CA", "DE", "FR", "UK", "JP"), 450, 800, 24, ("US", "DE"), 90, 60),
}


# ---------------------------------------------------------------------------------------------
# Entities
# ---------------------------------------------------------------------------------------------

def round_money(value: Decimal, market: Market) -> Decimal:
    step = Decimal("1") if market.whole_units else Decimal("0.01")
    return value.quantize(step, rounding=ROUND_HALF_UP).quantize(Decimal("0.01"))


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


@dataclass(frozen=True)
class Listing:
    product: Product
    market: Market
    listing_id: str
    price: Decimal
    quantity: int
    status: str  # Active | Inactive | Incomplete
    last_updated: datetime


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


@dataclass(frozen=True)
class FinancialEvent:
    list_name: str  # key in FinancialEvents, e.g. ShipmentEventList
    posted: datetime
    market: Market
    key: str
    body: Dict[str, Any] = field(hash=False, compare=False)
    net: Decimal  # signed effect on the seller's balance, for group totals
    order_id: Optional[str] = None


@dataclass(frozen=True)
class EventGroup:
    group_id: str
    settlement_id: str
    market: Market
    start: datetime
    end: datetime  # exclusive; in the future for the open group
    is_open: bool
    total: Decimal
    trace_id: str

    @property
    def transfer_date(self) -> datetime:
        return self.end + timedelta(days=1)


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


# ---------------------------------------------------------------------------------------------
# Deterministic helpers
# ---------------------------------------------------------------------------------------------

_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def _digits(rng: random.Random, n: int) -> str:
    return f"{rng.randrange(10 ** n):0{n}d}"


def _alnum(rng: random.Random, n: int) -> str:
    return "".join(rng.choices(_ALNUM, k=n))


def _check_digit(body: str) -> str:
    """GS1 check digit (EAN-13 / UPC-A)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def stable_id(*parts: Any, length: int = 43) -> str:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:length]


def stable_number(*parts: Any, digits: int = 11) -> str:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()
    return str(int(digest, 16) % (9 * 10 ** (digits - 1)) + 10 ** (digits - 1))


def financial_event_key(list_name: str, event: Dict[str, Any]) -> str:
    """The stable key /_emulator/truth lists for an event; computable from the event's wire JSON."""
    if list_name in ("ShipmentEventList", "RefundEventList", "GuaranteeClaimEventList", "ChargebackEventList"):
        return f"{event.get('AmazonOrderId')}|{event.get('PostedDate')}"
    if list_name == "ServiceFeeEventList":
        return f"{event.get('FeeReason')}|{event.get('FeeDescription')}"
    if list_name == "AdjustmentEventList":
        items = event.get("AdjustmentItemList") or [{}]
        return f"{event.get('AdjustmentType')}|{event.get('PostedDate')}|{items[0].get('TransactionNumber')}"
    if list_name == "ProductAdsPaymentEventList":
        return str(event.get("invoiceId"))
    if list_name == "CouponPaymentEventList":
        return str(event.get("PaymentEventId"))
    if list_name == "RetrochargeEventList":
        return f"{event.get('AmazonOrderId')}|{event.get('PostedDate')}|{event.get('RetrochargeEventType')}"
    if list_name == "SellerDealPaymentEventList":
        return f"{event.get('dealId')}|{event.get('postedDate')}"
    return hashlib.sha256(json.dumps(event, sort_keys=True).encode()).hexdigest()


def _currency(amount: Decimal, market: Market) -> Dict[str, Any]:
    """Finances v0 money: a number, not a string."""
    return {"CurrencyCode": market.currency, "CurrencyAmount": float(amount)}


def settlement_period_start(moment: datetime, market: Market) -> datetime:
    """Start of the 14-day settlement period holding `moment` (each marketplace has its own phase)."""
    phase = timedelta(days=sorted(MARKETS).index(market.code) * 2)
    anchor = SETTLEMENT_ANCHOR + phase
    periods = (moment - anchor) // timedelta(days=SETTLEMENT_PERIOD_DAYS)
    return anchor + periods * timedelta(days=SETTLEMENT_PERIOD_DAYS)


def history_cutoff(market: Market, now: datetime) -> Optional[datetime]:
    """Orders purchased before this are not served (None: no cutoff)."""
    if market.code in FULL_HISTORY_COUNTRIES:
        return None
    return now - timedelta(days=ORDER_HISTORY_DAYS)


# ---------------------------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------------------------

class SellerAccount:
    """The seller's facts. Readers take the current tuples without locking; writers replace them."""

    account_type = "seller"

    def __init__(self, seller_id: str, markets: Sequence[Market], products: Sequence[Product]) -> None:
        self.seller_id = seller_id
        self.markets = tuple(markets)
        self.products = tuple(products)
        self.listings: Tuple[Listing, ...] = ()
        self.inventory: Tuple[InventoryLevel, ...] = ()
        self.orders_by_purchase: Tuple[Order, ...] = ()
        self.orders_by_update: Tuple[Order, ...] = ()
        self.orders_by_id: Dict[str, Order] = {}
        self.events: Tuple[FinancialEvent, ...] = ()  # sorted by posted time
        self.groups: Tuple[EventGroup, ...] = ()
        self._write_lock = threading.Lock()

    # -- indexes ---------------------------------------------------------------------------
    def set_orders(self, orders: Iterable[Order]) -> None:
        orders = list(orders)
        self.orders_by_id = {o.amazon_order_id: o for o in orders}
        self.orders_by_purchase = tuple(sorted(orders, key=lambda o: (o.purchase_date, o.amazon_order_id)))
        self.orders_by_update = tuple(sorted(orders, key=lambda o: (o.last_update_date, o.amazon_order_id)))

    def set_events(self, events: Iterable[FinancialEvent]) -> None:
        self.events = tuple(sorted(events, key=lambda e: (e.posted, e.key)))

    # -- queries ---------------------------------------------------------------------------
    def market_ids(self) -> List[str]:
        return [m.id for m in self.markets]

    def visible(self, order: Order, now: datetime) -> bool:
        cutoff = history_cutoff(order.market, now)
        return cutoff is None or order.purchase_date >= cutoff

    def orders_in_window(self, market_ids: Iterable[str], date_field: str, start: Optional[datetime],
                         end: Optional[datetime], now: datetime) -> List[Order]:
        """Orders of these marketplaces whose date_field (PurchaseDate|LastUpdateDate) is in [start, end]."""
        wanted = set(market_ids)
        source = self.orders_by_purchase if date_field == "PurchaseDate" else self.orders_by_update
        attr = "purchase_date" if date_field == "PurchaseDate" else "last_update_date"
        result = []
        for order in source:
            moment = getattr(order, attr)
            if start is not None and moment < start:
                continue
            if end is not None and moment > end:
                break
            if order.market.id in wanted and self.visible(order, now):
                result.append(order)
        return result

    def events_in_window(self, start: Optional[datetime], end: Optional[datetime],
                         market_ids: Optional[Iterable[str]] = None) -> List[FinancialEvent]:
        """Events posted in [start, end)."""
        wanted = None if market_ids is None else set(market_ids)
        result = []
        for event in self.events:
            if start is not None and event.posted < start:
                continue
            if end is not None and event.posted >= end:
                break
            if wanted is None or event.market.id in wanted:
                result.append(event)
        return result

    def group(self, group_id: str) -> Optional[EventGroup]:
        for g in self.groups:
            if g.group_id == group_id:
                return g
        return None

    # -- mutation --------------------------------------------------------------------------
    def mutate_orders(self, count: int, now: datetime, builder: "DatasetBuilder",
                      market_id: Optional[str] = None) -> List[str]:
        """Move `count` recent open orders one status forward (new orders when none are left),
        with LastUpdateDate = now - 3 minutes; shipped ones get their ShipmentEvent."""
        moment = (now - timedelta(minutes=3)).replace(microsecond=0)
        with self._write_lock:
            orders = dict(self.orders_by_id)
            candidates = [o for o in reversed(self.orders_by_purchase)
                          if o.status in ("Pending", "Unshipped") and o.purchase_date < moment
                          and (market_id is None or o.market.id == market_id)]
            changed: List[str] = []
            new_events: List[FinancialEvent] = []
            for order in candidates[:count]:
                if order.status == "Pending":
                    updated = dataclasses.replace(order, status="Unshipped", last_update_date=moment)
                else:
                    items = tuple(dataclasses.replace(i, quantity_shipped=i.quantity) for i in order.items)
                    updated = dataclasses.replace(order, status="Shipped", last_update_date=moment,
                                                  ship_date=moment, items=items)
                    new_events.append(builder.shipment_event(updated))
                orders[updated.amazon_order_id] = updated
                changed.append(updated.amazon_order_id)
            markets = [m for m in self.markets if market_id is None or m.id == market_id] or list(self.markets)
            while len(changed) < count:
                created = builder.new_recent_order(markets[len(changed) % len(markets)], self.products,
                                                   moment, taken=orders.keys())
                orders[created.amazon_order_id] = created
                changed.append(created.amazon_order_id)
            self.set_orders(orders.values())
            if new_events:
                self.set_events(list(self.events) + new_events)
            return changed


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


@dataclass
class Dataset:
    seed: int
    profile: Profile
    built_at: datetime
    seller: SellerAccount
    vendor: VendorAccount
    builder: "DatasetBuilder"

    def account(self, account_type: str):
        return self.seller if account_type == "seller" else self.vendor


# ---------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------

class DatasetBuilder:
    """Builds every entity from one seed; each family has its own RNG so families stay stable."""

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
            ean_body = "40" + _digits(rng, 10)
            upc_body = "0" + _digits(rng, 10)
            result.append(Product(
                index=index,
                sku=f"EMU-{kind_code}-{colour_code}-{index + 1:04d}",
                asin="B0" + _alnum(rng, 8),
                ean=ean_body + _check_digit(ean_body),
                upc=upc_body + _check_digit(upc_body),
                fnsku=("X00" + _alnum(rng, 7)) if channel == "AFN" else "",
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
                                      listing_id=product.created.strftime("%m%d") + _alnum(rng, 6) + "X",
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
                candidate = f"{rng.choice(prefixes[market.region]):03d}-{_digits(rng, 7)}-{_digits(rng, 7)}"
                if candidate not in self._taken_ids and candidate not in taken:
                    self._taken_ids.add(candidate)
                    return candidate

    def _address(self, rng: random.Random, market: Market, name: str) -> Address:
        city, state, postal, street = rng.choice(text.ADDRESSES[market.code])
        phone = {"US": "+1 206-555-", "CA": "+1 514-555-", "DE": "+49 89 5550", "FR": "+33 1 55 50",
                 "UK": "+44 20 7946 ", "JP": "+81 3-5550-"}[market.code] + _digits(rng, 4)
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
                    item_id = _digits(rng, 14)
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
        email = f"{_alnum(rng, 12).lower()}@marketplace.amazon.{market.domain.split('amazon.', 1)[1]}"
        business = rng.random() < 0.05
        if market.code == "JP" and rng.random() < 0.15:
            payment, details = rng.choice([("COD", ("CashOnDelivery",)), ("CVS", ("ConvenienceStore",))])
        else:
            payment, details = "Other", ("Standard",)
        category = "Expedited" if prime else rng.choice(["Standard", "Standard", "Expedited", "SecondDay"])
        level = category if channel == "AFN" else f"Std {market.code} Dom"
        return Order(
            amazon_order_id=order_id,
            seller_order_id=order_id if rng.random() < 0.8 else f"SO-{_digits(rng, 8)}",
            market=market, purchase_date=purchase, last_update_date=last_update, status=status,
            fulfillment_channel=channel, ship_service_level=level, ship_category=category,
            items=self._items(rng, market, products, channel, status == "Shipped", prime),
            buyer_name=name, buyer_email=email, address=self._address(rng, market, name),
            is_business=business, is_prime=prime, payment_method=payment, payment_details=details,
            ship_date=ship_date,
            earliest_ship=purchase + timedelta(hours=4), latest_ship=purchase + timedelta(days=2),
            earliest_delivery=purchase + timedelta(days=2), latest_delivery=purchase + timedelta(days=6),
            purchase_order_number=f"PO-{_digits(rng, 6)}" if business else None,
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

    # -- finances --------------------------------------------------------------------------
    def shipment_event(self, order: Order) -> FinancialEvent:
        market = order.market
        items = []
        net = Decimal("0")
        for item in order.items:
            charges = [("Principal", item.item_price), ("Tax", item.item_tax)]
            if item.shipping_price:
                charges += [("ShippingCharge", item.shipping_price), ("ShippingTax", item.shipping_tax)]
            commission = -round_money(item.item_price * Decimal("0.15"), market)
            fees = [("Commission", commission)]
            if order.fulfillment_channel == "AFN":
                fees.append(("FBAPerUnitFulfillmentFee",
                             -round_money(Decimal("3.22") * market.fx * item.quantity, market)))
            entry: Dict[str, Any] = {
                "SellerSKU": item.product.sku,
                "OrderItemId": item.order_item_id,
                "QuantityShipped": item.quantity,
                "ItemChargeList": [{"ChargeType": t, "ChargeAmount": _currency(a, market)} for t, a in charges],
                "ItemFeeList": [{"FeeType": t, "FeeAmount": _currency(a, market)} for t, a in fees],
            }
            if item.promotion_discount:
                entry["PromotionList"] = [{"PromotionType": "PromotionMetaDataDefinitionValue",
                                           "PromotionId": item.promotion_ids[0],
                                           "PromotionAmount": _currency(-item.promotion_discount, market)}]
            items.append(entry)
            net += sum(a for _, a in charges) + sum(a for _, a in fees) - item.promotion_discount
        posted = order.ship_date or order.last_update_date
        body = {"AmazonOrderId": order.amazon_order_id, "SellerOrderId": order.seller_order_id,
                "MarketplaceName": market.sales_channel, "PostedDate": iso(posted), "ShipmentItemList": items}
        return FinancialEvent("ShipmentEventList", posted, market,
                              financial_event_key("ShipmentEventList", body), body, net, order.amazon_order_id)

    def _refund_event(self, rng: random.Random, order: Order, posted: datetime) -> FinancialEvent:
        market = order.market
        item = order.items[0]
        refund_principal = -item.item_price
        refund_tax = -item.item_tax
        commission_back = round_money(item.item_price * Decimal("0.15"), market)
        refund_commission = -round_money(min(commission_back * Decimal("0.2"), Decimal("5") * market.fx), market)
        body = {
            "AmazonOrderId": order.amazon_order_id, "SellerOrderId": order.seller_order_id,
            "MarketplaceName": market.sales_channel, "PostedDate": iso(posted),
            "ShipmentItemAdjustmentList": [{
                "SellerSKU": item.product.sku,
                "OrderAdjustmentItemId": _digits(rng, 14),
                "QuantityShipped": item.quantity,
                "ItemChargeAdjustmentList": [
                    {"ChargeType": "Principal", "ChargeAmount": _currency(refund_principal, market)},
                    {"ChargeType": "Tax", "ChargeAmount": _currency(refund_tax, market)}],
                "ItemFeeAdjustmentList": [
                    {"FeeType": "Commission", "FeeAmount": _currency(commission_back, market)},
                    {"FeeType": "RefundCommission", "FeeAmount": _currency(refund_commission, market)}],
            }],
        }
        net = refund_principal + refund_tax + commission_back + refund_commission
        return FinancialEvent("RefundEventList", posted, market, financial_event_key("RefundEventList", body),
                              body, net, order.amazon_order_id)

    def _monthly_events(self, rng: random.Random, market: Market, month_start: datetime,
                        products: Sequence[Product]) -> List[FinancialEvent]:
        events = []
        label = month_start.strftime("%Y-%m")
        subscription = -round_money(Decimal("39.99") * market.fx, market)
        body = {"FeeReason": "Subscription fee", "FeeDescription": f"Subscription fee {label} ({market.sales_channel})",
                "FeeList": [{"FeeType": "Subscription", "FeeAmount": _currency(subscription, market)}]}
        events.append(FinancialEvent("ServiceFeeEventList", month_start + timedelta(hours=3), market,
                                     financial_event_key("ServiceFeeEventList", body), body, subscription))
        afn = [p for p in products if p.channel == "AFN"]
        if afn:
            product = rng.choice(afn)
            storage = -round_money(Decimal(rng.uniform(2, 40)) * market.fx, market)
            body = {"FeeReason": "FBA storage fee", "SellerSKU": product.sku, "FnSKU": product.fnsku,
                    "ASIN": product.asin, "FeeDescription": f"FBA storage fee {label} {product.sku} ({market.sales_channel})",
                    "FeeList": [{"FeeType": "FBAStorageFee", "FeeAmount": _currency(storage, market)}]}
            events.append(FinancialEvent("ServiceFeeEventList", month_start + timedelta(days=6, hours=2), market,
                                         financial_event_key("ServiceFeeEventList", body), body, storage))
            quantity = rng.randint(1, 3)
            per_unit = round_money(self.price(product, market) * Decimal("0.6"), market)
            posted = month_start + timedelta(days=rng.randint(8, 20), hours=rng.randint(0, 23))
            body = {"AdjustmentType": rng.choice(["WAREHOUSE_DAMAGE", "MISSING_FROM_INBOUND", "REVERSAL_REIMBURSEMENT"]),
                    "PostedDate": iso(posted), "AdjustmentAmount": _currency(per_unit * quantity, market),
                    "AdjustmentItemList": [{
                        "Quantity": str(quantity), "PerUnitAmount": _currency(per_unit, market),
                        "TotalAmount": _currency(per_unit * quantity, market), "SellerSKU": product.sku,
                        "FnSKU": product.fnsku, "ProductDescription": product.title(market), "ASIN": product.asin,
                        "TransactionNumber": _digits(rng, 12)}]}
            events.append(FinancialEvent("AdjustmentEventList", posted, market,
                                         financial_event_key("AdjustmentEventList", body), body, per_unit * quantity))
        ads = -round_money(Decimal(rng.uniform(20, 300)) * market.fx, market)
        tax = round_money(ads * market.tax_rate, market)
        posted = month_start + timedelta(days=2, hours=7)
        body = {"postedDate": iso(posted), "transactionType": "Charge", "invoiceId": f"TR{_digits(rng, 10)}{market.code}",
                "baseValue": _currency(ads, market), "taxValue": _currency(tax, market),
                "transactionValue": _currency(ads + tax, market)}
        events.append(FinancialEvent("ProductAdsPaymentEventList", posted, market,
                                     financial_event_key("ProductAdsPaymentEventList", body), body, ads + tax))
        if rng.random() < 0.5:
            fee = -round_money(Decimal("0.60") * market.fx, market)
            count = rng.randint(1, 40)
            posted = month_start + timedelta(days=rng.randint(10, 25), hours=5)
            body = {"PostedDate": iso(posted), "CouponId": f"C{_alnum(rng, 9)}",
                    "SellerCouponDescription": f"Save 10% – {market.sales_channel}",
                    "ClipOrRedemptionCount": count, "PaymentEventId": _digits(rng, 11),
                    "FeeComponent": {"FeeType": "CouponRedemptionFee", "FeeAmount": _currency(fee * count, market)},
                    "TotalAmount": _currency(fee * count, market)}
            events.append(FinancialEvent("CouponPaymentEventList", posted, market,
                                         financial_event_key("CouponPaymentEventList", body), body, fee * count))
        if rng.random() < 0.3:
            fee = -round_money(Decimal("70") * market.fx, market)
            posted = month_start + timedelta(days=rng.randint(3, 25), hours=9)
            body = {"postedDate": iso(posted), "dealId": f"D{_alnum(rng, 10)}",
                    "dealDescription": f"Lightning Deal – {market.sales_channel}", "eventType": "SellerDealComplete",
                    "feeType": "RunLightningDealFee", "feeAmount": _currency(fee, market),
                    "taxAmount": _currency(Decimal("0"), market), "totalAmount": _currency(fee, market)}
            events.append(FinancialEvent("SellerDealPaymentEventList", posted, market,
                                         financial_event_key("SellerDealPaymentEventList", body), body, fee))
        return events

    def financial_events(self, orders: Sequence[Order], markets: Sequence[Market],
                         products: Sequence[Product]) -> List[FinancialEvent]:
        rng = self.rng("finances")
        events: List[FinancialEvent] = []
        for order in orders:
            if order.status != "Shipped":
                continue
            events.append(self.shipment_event(order))
            if rng.random() < 0.06:
                posted = order.ship_date + timedelta(days=rng.uniform(3, 25))
                if posted < self.now - timedelta(minutes=10):
                    refund = self._refund_event(rng, order, posted.replace(microsecond=0))
                    events.append(refund)
                    if order.market.code == "US" and rng.random() < 0.3:
                        tax = -refund.body["ShipmentItemAdjustmentList"][0]["ItemChargeAdjustmentList"][1]["ChargeAmount"]["CurrencyAmount"]
                        retro_posted = refund.posted + timedelta(hours=1)
                        body = {"RetrochargeEventType": "Retrocharge", "AmazonOrderId": order.amazon_order_id,
                                "PostedDate": iso(retro_posted), "BaseTax": _currency(Decimal(str(tax)), order.market),
                                "ShippingTax": _currency(Decimal("0"), order.market),
                                "MarketplaceName": order.market.sales_channel}
                        events.append(FinancialEvent("RetrochargeEventList", retro_posted, order.market,
                                                     financial_event_key("RetrochargeEventList", body), body,
                                                     Decimal("0"), order.amazon_order_id))
        first = min((o.purchase_date for o in orders), default=self.now)
        for market in markets:
            month = first.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
            while month < self.now:
                events.extend(e for e in self._monthly_events(rng, market, month, products)
                              if e.posted < self.now - timedelta(minutes=10))
                month = (month + timedelta(days=32)).replace(day=1)
        return events

    def event_groups(self, events: Sequence[FinancialEvent], markets: Sequence[Market]) -> List[EventGroup]:
        totals: Dict[Tuple[str, datetime], Decimal] = {}
        for event in events:
            start = settlement_period_start(event.posted, event.market)
            totals[(event.market.code, start)] = totals.get((event.market.code, start), Decimal("0")) + event.net
        first = min((e.posted for e in events), default=self.now)
        groups = []
        for market in markets:
            start = settlement_period_start(first, market)
            while start <= self.now:
                end = start + timedelta(days=SETTLEMENT_PERIOD_DAYS)
                is_open = end > self.now
                total = round_money(totals.get((market.code, start), Decimal("0")), market)
                groups.append(EventGroup(
                    group_id=stable_id(self.seed, "group", market.code, start.isoformat()),
                    settlement_id=stable_number(self.seed, "settlement", market.code, start.isoformat()),
                    market=market, start=start, end=end, is_open=is_open, total=total,
                    trace_id=stable_number(self.seed, "trace", market.code, start.isoformat(), digits=16)))
                start = end
        groups.sort(key=lambda g: (g.start, g.market.code))
        return groups

    # -- vendor ----------------------------------------------------------------------------
    def purchase_orders(self, markets: Sequence[Market], products: Sequence[Product]) -> List[VendorPurchaseOrder]:
        rng = self.rng("vendor-po")
        fcs = {"US": [("SEA7", "Kent", "WA", "98032"), ("ABE8", "Robbinsville", "NJ", "08691")],
               "DE": [("DTM2", "Dortmund", "Nordrhein-Westfalen", "44145"), ("MUC3", "Graben", "Bayern", "86836")]}
        result = []
        for _ in range(self.profile.purchase_orders):
            market = rng.choice(markets)
            created = (self.now - timedelta(seconds=rng.uniform(3600, 180 * 86400))).replace(microsecond=0)
            age_days = (self.now - created).days
            state = "Closed" if age_days > 30 else ("Acknowledged" if age_days > 3 else "New")
            state_changed = created if state == "New" else min(
                self.now, created + timedelta(days=rng.uniform(1, 3 if state == "Acknowledged" else 28)))
            changed = created + timedelta(hours=rng.uniform(1, 24)) if rng.random() < 0.15 else None
            fc, city, region, postal = rng.choice(fcs.get(market.code, fcs["US"]))
            items = []
            for product in rng.sample(list(products), min(len(products), rng.randint(1, 5))):
                cost = round_money(product.base_price * market.fx * Decimal("0.55"), market)
                items.append((product, rng.choice([6, 12, 24, 48, 96]), cost, self.price(product, market)))
            result.append(VendorPurchaseOrder(
                number=_alnum(rng, 8), market=market, created=created, state=state,
                state_changed=state_changed.replace(microsecond=0),
                changed=changed.replace(microsecond=0) if changed else None, ship_to=fc,
                ship_to_address=Address(name=f"Amazon {fc}", line1=f"{rng.randint(1, 999)} Logistics Park",
                                        city=city, state=region, postal_code=postal,
                                        country=market.code, phone=""),
                items=tuple(items),
                accepted_fraction=Decimal("0") if state == "New" else Decimal(rng.choice(["1", "1", "0.5"])),
                received_fraction=Decimal("1") if state == "Closed" else Decimal("0")))
        return sorted(result, key=lambda po: (po.created, po.number))

    def df_orders(self, markets: Sequence[Market], products: Sequence[Product]) -> List[DirectFulfillmentOrder]:
        rng = self.rng("vendor-df")
        result = []
        for _ in range(self.profile.df_orders):
            market = rng.choice(markets)
            created = (self.now - timedelta(seconds=rng.uniform(1800, 180 * 86400))).replace(microsecond=0)
            age = self.now - created
            if rng.random() < 0.05:
                status = "CANCELLED"
            elif age < timedelta(hours=6):
                status = "NEW"
            elif age < timedelta(days=2):
                status = "ACCEPTED"
            else:
                status = "SHIPPED"
            name = rng.choice(text.BUYER_NAMES[market.lang])
            items = tuple((p, rng.randint(1, 2), self.price(p, market))
                          for p in rng.sample(list(products), min(len(products), rng.randint(1, 3))))
            label = created + timedelta(hours=rng.uniform(1, 5)) if status in ("ACCEPTED", "SHIPPED") else None
            if label is not None and label > self.now:
                label = None
            result.append(DirectFulfillmentOrder(
                number=_alnum(rng, 9), customer_order_number=_digits(rng, 15), market=market, created=created,
                status=status, ship_from=rng.choice(["EMUW1", "EMUW2"]),
                ship_method=rng.choice(["UPS_GR_RES", "FEDEX_GROUND", "DHL_PAKET"]),
                address=self._address(rng, market, name), items=items,
                label_created=label.replace(microsecond=0) if label else None,
                tracking_number="1Z" + _alnum(rng, 16), is_gift=rng.random() < 0.1))
        return sorted(result, key=lambda o: (o.created, o.number))


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
