"""The seller account's mutable state and its queries, and the Dataset holding both accounts.

Readers take the current tuples without locking; writers (mutate) replace them under a lock.
"""

from __future__ import annotations

import bisect
import dataclasses
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Sequence, Tuple

from ..marketplaces import Market
from .catalog import Product
from .finances import EventGroup, FinancialEvent
from .inventory import InventoryLevel
from .listings import Listing
from .orders import Order, history_cutoff
from .reports import DataCutoff
from .vendor import VendorAccount

if TYPE_CHECKING:  # the builder lives in dataset.py, which imports this module
    from ..dataset import DatasetBuilder

SELLER_ID = "A1EMULATORSELLER"  # the seller's merchant token (Listings needs it in the path)


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
        self._event_times: List[datetime] = []
        self.groups: Tuple[EventGroup, ...] = ()
        self._write_lock = threading.Lock()

    # -- indexes ---------------------------------------------------------------------------
    def set_orders(self, orders: Iterable[Order]) -> None:
        orders = list(orders)
        self.orders_by_id = {o.amazon_order_id: o for o in orders}
        self.orders_by_purchase = tuple(sorted(orders, key=lambda o: (o.purchase_date, o.amazon_order_id)))
        self.orders_by_update = tuple(sorted(orders, key=lambda o: (o.last_update_date, o.amazon_order_id)))

    def set_events(self, events: Iterable[FinancialEvent]) -> None:
        ordered = tuple(sorted(events, key=lambda e: (e.posted, e.key)))
        self._event_times = [e.posted for e in ordered]  # for bisect; replaced together with the events
        self.events = ordered

    # -- queries ---------------------------------------------------------------------------
    def market_ids(self) -> List[str]:
        return [m.id for m in self.markets]

    def visible(self, order: Order, now: datetime) -> bool:
        cutoff = history_cutoff(order.market, now)
        return cutoff is None or order.purchase_date >= cutoff

    def orders_in_window(self, market_ids: Iterable[str], date_field: str, start: Optional[datetime],
                         end: Optional[datetime], now: datetime, cutoff: Optional[DataCutoff] = None) -> List[Order]:
        """Orders of these marketplaces whose date_field (PurchaseDate|LastUpdateDate) is in [start, end];
        with a cutoff, each order as that report knew it (older versions, or none, for recent changes)."""
        wanted = set(market_ids)
        source = self.orders_by_purchase if date_field == "PurchaseDate" else self.orders_by_update
        attr = "purchase_date" if date_field == "PurchaseDate" else "last_update_date"
        result = []
        for current in source:
            order = current if cutoff is None else self.order_as_of(current, cutoff)
            if order is None:
                continue
            moment = getattr(order, attr)
            if start is not None and moment < start:
                continue
            if end is not None and moment > end:
                # sorted by the current version's date; an older version may still be in the window
                if cutoff is None:
                    break
                continue
            if order.market.id in wanted and self.visible(order, now):
                result.append(order)
        return result

    @staticmethod
    def order_as_of(order: Order, cutoff: DataCutoff) -> Optional[Order]:
        """The latest version of the order a report with this cutoff holds; None if it holds none."""
        version: Optional[Order] = order
        while version is not None and not cutoff.knows(version.recorded, version.last_update_date):
            version = version.previous
        return version

    def events_in_window(self, start: Optional[datetime], end: Optional[datetime],
                         market_ids: Optional[Iterable[str]] = None,
                         cutoff: Optional[DataCutoff] = None) -> List[FinancialEvent]:
        """Events posted in [start, end) (with a cutoff: those that report knew of)."""
        wanted = None if market_ids is None else set(market_ids)
        events, times = self.events, self._event_times
        if len(times) != len(events):  # a writer is between its two assignments: take the slow path
            times = [e.posted for e in events]
        first = bisect.bisect_left(times, start) if start is not None else 0
        last = bisect.bisect_left(times, end) if end is not None else len(events)
        return [e for e in events[first:last] if (wanted is None or e.market.id in wanted)
                and (cutoff is None or cutoff.knows(e.recorded, e.posted))]

    def group(self, group_id: str) -> Optional[EventGroup]:
        for g in self.groups:
            if g.group_id == group_id:
                return g
        return None

    # -- mutation --------------------------------------------------------------------------
    def mutate_orders(self, count: int, now: datetime, builder: "DatasetBuilder",
                      market_id: Optional[str] = None, minutes_ago: float = 3, new_orders: bool = False) -> List[str]:
        """Move `count` recent open orders one status forward (new orders when none are left, or all new
        with `new_orders`), with LastUpdateDate = now - `minutes_ago`: a change Amazon records late.
        Shipped ones get their ShipmentEvent, posted at the same moment."""
        moment = (now - timedelta(minutes=minutes_ago)).replace(microsecond=0)
        with self._write_lock:
            orders = dict(self.orders_by_id)
            candidates = [] if new_orders else [
                o for o in reversed(self.orders_by_purchase)
                if o.status in ("Pending", "Unshipped") and o.purchase_date < moment
                and (market_id is None or o.market.id == market_id)]
            changed: List[str] = []
            new_events: List[FinancialEvent] = []
            for order in candidates[:count]:
                if order.status == "Pending":
                    updated = dataclasses.replace(order, status="Unshipped", last_update_date=moment,
                                                  previous=order, recorded=now)
                else:
                    items = tuple(dataclasses.replace(i, quantity_shipped=i.quantity) for i in order.items)
                    updated = dataclasses.replace(order, status="Shipped", last_update_date=moment,
                                                  ship_date=moment, items=items, previous=order, recorded=now)
                    new_events.append(dataclasses.replace(builder.shipment_event(updated), recorded=now))
                orders[updated.amazon_order_id] = updated
                changed.append(updated.amazon_order_id)
            markets = [m for m in self.markets if market_id is None or m.id == market_id] or list(self.markets)
            while len(changed) < count:
                created = builder.new_recent_order(markets[len(changed) % len(markets)], self.products,
                                                   moment, taken=orders.keys())
                created = dataclasses.replace(created, recorded=now)
                orders[created.amazon_order_id] = created
                changed.append(created.amazon_order_id)
            self.set_orders(orders.values())
            if new_events:
                self.set_events(list(self.events) + new_events)
            return changed


@dataclass
class Dataset:
    seed: int
    profile: Any  # dataset.Profile
    built_at: datetime
    seller: SellerAccount
    vendor: VendorAccount
    builder: "DatasetBuilder"

    def account(self, account_type: str):
        return self.seller if account_type == "seller" else self.vendor

