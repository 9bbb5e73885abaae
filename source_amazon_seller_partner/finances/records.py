"""Each finance stream's records, made from a shared page (fetch.EventPage / TransactionPage).

Pages are shared by every finance stream of the sync: records are new dicts, Amazon's objects in them
are never changed.

marketplace_id:
- v0 events: from the event's `MarketplaceName` (a site name such as "Amazon.de") or `MarketplaceId`
  where the model has one (ShipmentEvent and its kin, Retrocharge, RentalTransaction,
  ServiceProviderCredit, NetworkCommingling, AffordabilityExpense). Other event types (ServiceFee,
  Adjustment, ProductAdsPayment, Coupon, SellerDeal, DebtRecovery ...) carry no marketplace in
  Amazon's model, so it is null: the regional endpoint serves every marketplace of its region and the
  event does not say which (sellers report the same on Amazon's issue tracker).
- ListFinancialEvents pages: null (one page mixes marketplaces), as in 4.6.4.
- transactions: `marketplaceDetails.marketplaceId`, else `sellingPartnerMetadata.marketplaceId`.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, Iterator, Mapping, Optional, Tuple

from ..dates import format_datetime
from .components import component_rows
from .fetch import EventPage, TransactionPage
from .windows import RequestWindow


def event_marketplace(event: Mapping[str, Any], by_site_name: Mapping[str, str]) -> Optional[str]:
    name = event.get("MarketplaceName")
    if isinstance(name, str) and name in by_site_name:
        return by_site_name[name]
    marketplace_id = event.get("MarketplaceId")
    return marketplace_id if isinstance(marketplace_id, str) and marketplace_id else None


def page_record(page: EventPage, window: RequestWindow) -> Dict[str, Any]:
    """ListFinancialEvents: one record per page, Amazon's FinancialEvents object with the window read."""
    record: Dict[str, Any] = {name: [event for event, _ in events] for name, events in page.lists.items()}
    record.update({"PostedAfter": window.key[0], "PostedBefore": window.key[1], "marketplace_id": None})
    return record


class EventRecords:
    """The records of one per-event-type stream: Amazon's event plus event_id, event_type, PostedDate, marketplace_id."""

    def __init__(self, event_list: str, posted_date_field: Optional[str], by_site_name: Mapping[str, str]) -> None:
        self.event_list = event_list
        self.event_type = event_list[: -len("List")] if event_list.endswith("List") else event_list
        self.posted_date_field = posted_date_field or None
        self.by_site_name = by_site_name

    def posted_date(self, event: Mapping[str, Any], window: RequestWindow) -> str:
        """The event's own date, or the window's last second for the types Amazon gives no date."""
        own = event.get(self.posted_date_field) if self.posted_date_field else None
        return own if isinstance(own, str) and own else format_datetime(window.last_second)

    def records(self, page: EventPage, window: RequestWindow) -> Iterator[Dict[str, Any]]:
        for event, key in page.lists.get(self.event_list, ()):
            yield {**event, "event_id": key, "event_type": self.event_type,
                   "PostedDate": self.posted_date(event, window),
                   "marketplace_id": event_marketplace(event, self.by_site_name)}


class ComponentRecords:
    """FinancialChargeComponents / FinancialFeeComponents: one row per charge or fee of every v0 event."""

    def __init__(self, kind: str, event_lists: Iterable[Tuple[str, str, Optional[str]]], by_site_name: Mapping[str, str]) -> None:
        self.kind = kind
        # event list -> (its stream name, how its records are made)
        self.views = {event_list: (stream, EventRecords(event_list, date_field, by_site_name))
                      for event_list, stream, date_field in event_lists}

    def records(self, page: EventPage, window: RequestWindow) -> Iterator[Dict[str, Any]]:
        for event_list, events in page.lists.items():
            stream, view = self.views.get(event_list, (event_list, EventRecords(event_list, None, {})))
            for event, key in events:
                base = {"event_stream": stream, "event_id": key, "order_id": event.get("AmazonOrderId"),
                        "posted_date": view.posted_date(event, window),
                        "marketplace_id": event_marketplace(event, view.by_site_name)}
                yield from component_rows(self.kind, event, base)


def transaction_marketplace(transaction: Mapping[str, Any]) -> Optional[str]:
    for holder in ("marketplaceDetails", "sellingPartnerMetadata"):
        value = (transaction.get(holder) or {}).get("marketplaceId")
        if isinstance(value, str) and value:
            return value
    return None


def related_id(transaction: Mapping[str, Any], name: str) -> Optional[str]:
    for related in transaction.get("relatedIdentifiers") or []:
        if isinstance(related, Mapping) and related.get("relatedIdentifierName") == name:
            return related.get("relatedIdentifierValue")
    return None


class TransactionRecords:
    """FinancialTransactions: Amazon's transaction plus marketplace_id, for the config's marketplaces.

    listTransactions is called without marketplaceId (it would hide US MFN orders), so transactions of
    marketplaces the config does not name are left out here; those without a marketplace are kept."""

    def __init__(self, marketplace_ids: Iterable[str]) -> None:
        self.marketplace_ids = frozenset(marketplace_ids)

    def wanted(self, transaction: Mapping[str, Any]) -> Tuple[bool, Optional[str]]:
        marketplace = transaction_marketplace(transaction)
        return marketplace is None or marketplace in self.marketplace_ids, marketplace

    def records(self, page: TransactionPage, window: RequestWindow) -> Iterator[Dict[str, Any]]:
        for transaction in page.transactions:
            keep, marketplace = self.wanted(transaction)
            if keep:
                yield {**transaction, "marketplace_id": marketplace}


class BreakdownRecords(TransactionRecords):
    """FinancialTransactionBreakdowns: one row per leaf breakdown of a transaction.

    Amazon breaks a transaction down on two levels: the transaction's own `breakdowns` (leaves add up
    to its totalAmount) and each item's (leaves add up to the item's totalAmount; for orders and
    refunds these carry the detail: Principal, Tax, Commission ...). Rows of both levels are kept,
    marked by `breakdown_level` ("transaction" or "item") and `item_index`: sum one level at a time.
    Key: (transaction_id, breakdown_id), breakdown_id being the leaf's position, e.g. `item[0]/1/0`.
    """

    def records(self, page: TransactionPage, window: RequestWindow) -> Iterator[Dict[str, Any]]:
        for transaction in page.transactions:
            keep, marketplace = self.wanted(transaction)
            if not keep:
                continue
            base = {
                "transaction_id": transaction.get("transactionId"),
                "transaction_type": transaction.get("transactionType"),
                "transaction_status": transaction.get("transactionStatus"),
                "posted_date": transaction.get("postedDate"),
                "marketplace_id": marketplace,
                "order_id": related_id(transaction, "ORDER_ID"),
                "financial_event_group_id": related_id(transaction, "FINANCIAL_EVENT_GROUP_ID"),
            }
            yield from _leaf_rows(base, transaction.get("breakdowns"), "transaction", None, "transaction")
            for index, item in enumerate(transaction.get("items") or []):
                if isinstance(item, Mapping):
                    yield from _leaf_rows(base, item.get("breakdowns"), "item", index, f"item[{index}]")


def _leaf_rows(base: Mapping[str, Any], breakdowns: Any, level: str, item_index: Optional[int], position: str,
               types: Tuple[str, ...] = ()) -> Iterator[Dict[str, Any]]:
    for number, node in enumerate(breakdowns or []):
        if not isinstance(node, Mapping):
            continue
        here = types + (str(node.get("breakdownType")),)
        where = f"{position}/{number}"
        children = node.get("breakdowns")
        if isinstance(children, list) and any(isinstance(child, Mapping) for child in children):
            yield from _leaf_rows(base, children, level, item_index, where, here)
            continue
        amount = node.get("breakdownAmount") or {}
        yield {**base, "breakdown_id": where, "breakdown_level": level, "item_index": item_index,
               "breakdown_path": "/".join(here), "breakdown_type": here[-1],
               "amount": amount.get("currencyAmount"), "currency": amount.get("currencyCode")}
