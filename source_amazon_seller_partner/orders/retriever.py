"""The CDK adapter of the 2026 order streams: one retriever per stream, all reading the sync's shared pages.

Why custom: the four streams are four views of one searchOrders read per window (pages.py). A CDK
SimpleRetriever reads its own pages; four of them would make four times the calls at 0.0056 requests a
second. Windows, state and checkpoints stay the CDK's (the stream's DatetimeBasedCursor cuts the windows
and observes each record's LastUpdateDate); the calls go through the sync's transport (the manifest's
error handler, the token buckets, the LWA token).
"""

from __future__ import annotations

from dataclasses import InitVar, dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional

from airbyte_cdk.sources.declarative.retrievers.retriever import Retriever
from airbyte_cdk.sources.types import StreamSlice

from ..context import SyncContext
from .items import item_records
from .order import order_record
from .pages import WindowPages
from .personal import MissingRoles, address_record, buyer_info_record
from .search import SearchOrders, Window

RecordsOf = Callable[[Mapping[str, Any], bool], List[Dict[str, Any]]]
RECORDS: Dict[str, RecordsOf] = {
    "Orders": lambda order, pii: [order_record(order, pii)],
    "OrderItems": item_records,
    "OrderBuyerInfo": lambda order, pii: [buyer_info_record(order, pii)],
    "OrderAddress": lambda order, pii: [address_record(order, pii)],
}
SHARED_KEY = "orders.search_pages"


def shared_pages(context: SyncContext, parameters: Mapping[str, Any]) -> WindowPages:
    """The sync's one WindowPages, created by whichever order stream reads first; its calls' errors name the
    streams' `api_name` and `role` (manifest.yaml)."""

    def create() -> WindowPages:
        config = context.config
        include_pii = bool(config.get("include_pii"))
        names = {key: parameters[key] for key in ("api_name", "role") if key in parameters}
        # Named after the stream that reads first (a selected one): the CDK reports a throttled request
        # as a status of the stream its client is named after.
        transport = context.transport(parameters.get("name") or "Orders", names)
        search = SearchOrders(transport, config["_marketplace_ids"], include_pii)
        selected = context.selected_streams
        consumers = None if selected is None else [name for name in RECORDS if name in selected]
        check = MissingRoles(search.included) if include_pii else None
        return WindowPages(search.page, consumers=consumers, on_order=check.observe if check else None)

    return context.shared(SHARED_KEY, create)


@dataclass
class SearchOrdersRetriever(Retriever):
    """The records of one order stream (its `name`: Orders, OrderItems, OrderBuyerInfo or OrderAddress)."""

    config: Mapping[str, Any]
    parameters: InitVar[Mapping[str, Any]]
    name: str = ""
    context: Optional[SyncContext] = None
    _records: Optional[RecordsOf] = field(default=None, init=False, repr=False)
    _parameters: Mapping[str, Any] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._parameters = dict(parameters or {})
        self.name = self.name or self._parameters.get("name", "")
        if self.name not in RECORDS:
            raise ValueError(f"SearchOrdersRetriever serves {', '.join(RECORDS)}, not {self.name!r}")
        if self.context is None:
            raise ValueError("SearchOrdersRetriever needs the sync context (build it through the connector's component factory)")
        self._records = RECORDS[self.name]

    def read_records(self, records_schema: Mapping[str, Any], stream_slice: Optional[StreamSlice] = None) -> Iterable[Mapping[str, Any]]:
        assert self.context is not None and self._records is not None
        include_pii = bool(self.config.get("include_pii"))
        for order in shared_pages(self.context, self._parameters).read(self._window(stream_slice), self.name):
            yield from self._records(order, include_pii)

    def _window(self, stream_slice: Optional[StreamSlice]) -> Window:
        """The cursor's window; the whole sync range when the CDK gives none."""
        cursor_slice = stream_slice.cursor_slice if stream_slice is not None else {}
        return Window(cursor_slice.get("start_time") or self.config["_start_date"],
                      cursor_slice.get("end_time") or self.config["_rest_end_date"])
