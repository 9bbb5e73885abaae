"""The product streams' declarative components (see the package docstring)."""

from __future__ import annotations

from dataclasses import InitVar, dataclass, field
from typing import Any, Iterable, Iterator, List, Mapping, Optional

from airbyte_cdk.sources.declarative.partition_routers.list_partition_router import ListPartitionRouter
from airbyte_cdk.sources.declarative.partition_routers.partition_router import PartitionRouter
from airbyte_cdk.sources.declarative.retrievers.retriever import Retriever
from airbyte_cdk.sources.types import StreamSlice, StreamState

from ..context import SyncContext
from ..transport import SpApiTransport
from .calls import IDENTIFIERS_PER_CATALOG_CALL, listing_pages, seller_id
from .records import listing_asin, products_of_marketplace

@dataclass
class SellerMarketplacePartitionRouter(ListPartitionRouter):
    """The marketplace partitions of ListingsItems, refused with a config error when no seller id is set.

    Checked when the stream starts rather than when the source is built, so only the streams that
    need the seller id fail and discover still lists them.
    """

    def stream_slices(self) -> Iterable[StreamSlice]:
        seller_id(self.config)
        return super().stream_slices()


@dataclass
class ListingAsinPartitionRouter(PartitionRouter):
    """CatalogItems partitions: the seller's ASINs of one marketplace, at most 20 per partition.

    The listings are read page by page while partitions are handed out. Only the ASINs already
    handed out for the current marketplace are remembered, to ask for each one once.
    """

    config: Mapping[str, Any]
    parameters: InitVar[Mapping[str, Any]]
    batch_size: int = IDENTIFIERS_PER_CATALOG_CALL
    context: Optional[SyncContext] = None
    _parameters: Mapping[str, Any] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        if not 1 <= self.batch_size <= IDENTIFIERS_PER_CATALOG_CALL:
            raise ValueError(f"batch_size must be 1..{IDENTIFIERS_PER_CATALOG_CALL}")
        self._parameters = dict(parameters or {})

    def stream_slices(self) -> Iterable[StreamSlice]:
        seller = seller_id(self.config)
        transport = _transport(self.context, self._parameters, "CatalogItems")
        for marketplace_id in self.config["_marketplace_ids"]:
            for batch in self._asin_batches(transport, seller, marketplace_id):
                yield StreamSlice(partition={"marketplace_id": marketplace_id, "asins": ",".join(batch)}, cursor_slice={})

    def _asin_batches(self, transport: SpApiTransport, seller: str, marketplace_id: str) -> Iterator[List[str]]:
        handed_out = set()
        batch: List[str] = []
        for listings in listing_pages(transport, seller, marketplace_id, ("summaries",)):
            for listing in listings:
                asin = listing_asin(listing, marketplace_id)
                if not asin or asin in handed_out:
                    continue
                handed_out.add(asin)
                batch.append(asin)
                if len(batch) == self.batch_size:
                    yield batch
                    batch = []
        if batch:
            yield batch

    def get_request_params(
        self,
        stream_state: Optional[StreamState] = None,
        stream_slice: Optional[StreamSlice] = None,
        next_page_token: Optional[Mapping[str, Any]] = None,
    ) -> Mapping[str, Any]:
        if not stream_slice:
            return {}
        return {
            "marketplaceIds": stream_slice.partition["marketplace_id"],
            "identifiers": stream_slice.partition["asins"],
            "identifiersType": "ASIN",
        }

    def get_request_headers(self, *args: Any, **kwargs: Any) -> Mapping[str, Any]:
        return {}

    def get_request_body_data(self, *args: Any, **kwargs: Any) -> Mapping[str, Any]:
        return {}

    def get_request_body_json(self, *args: Any, **kwargs: Any) -> Mapping[str, Any]:
        return {}

    def get_stream_state(self) -> Optional[Mapping[str, StreamState]]:
        return None


@dataclass
class ProductsRetriever(Retriever):
    """Products: one record per SKU and marketplace (partition = marketplace).

    One instance serves every worker thread: per-read state lives in local variables, and the
    transport (one per stream, from the sync context) is itself thread-safe.
    """

    config: Mapping[str, Any]
    parameters: InitVar[Mapping[str, Any]]
    name: str = "Products"
    context: Optional[SyncContext] = None
    _parameters: Mapping[str, Any] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._parameters = dict(parameters or {})

    def read_records(self, records_schema: Mapping[str, Any], stream_slice: Optional[StreamSlice] = None) -> Iterable[Mapping[str, Any]]:
        seller = seller_id(self.config)
        partition = stream_slice.partition if stream_slice is not None else {}
        marketplace_ids = [partition["marketplace_id"]] if partition.get("marketplace_id") else list(self.config["_marketplace_ids"])
        transport = _transport(self.context, self._parameters, self.name)
        for marketplace_id in marketplace_ids:
            yield from products_of_marketplace(transport, seller, marketplace_id)


def _transport(context: Optional[SyncContext], parameters: Mapping[str, Any], name: str) -> SpApiTransport:
    if context is None:
        raise ValueError(f"{name} needs the sync context (build it through the connector's component factory)")
    return context.transport(parameters.get("name") or name, parameters)
