"""Product data: the seller's listings, their catalog items and stock, joined per SKU and marketplace.

Three streams use this module (see docs/product-data.md):
- ListingsItems is declarative; `SellerMarketplacePartitionRouter` only makes sure a seller id exists
  before its first request (searchListingsItems takes the seller id in its path).
- CatalogItems is declarative; `ListingAsinPartitionRouter` pages through the seller's listings of
  each marketplace and yields batches of at most 20 ASINs, one marketplace per batch, because
  searchCatalogItems accepts 20 identifiers and one marketplace per call.
- Products is `ProductsRetriever`: per listings page (at most 20 SKUs) one catalog call for their
  ASINs and one FBA inventory call for their SKUs, then one joined record per SKU. Only one page and
  its lookups are held at a time.

Every HTTP call goes through the sync's transport (transport.py): its LWA token, token buckets and the
manifest's error handler, whose messages name the stream's API and role.
"""

from __future__ import annotations

from dataclasses import InitVar, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence

from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.partition_routers.list_partition_router import ListPartitionRouter
from airbyte_cdk.sources.declarative.partition_routers.partition_router import PartitionRouter
from airbyte_cdk.sources.declarative.retrievers.retriever import Retriever
from airbyte_cdk.sources.types import StreamSlice, StreamState
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from .context import SyncContext
from .errors import ConfigError
from .transport import SpApiTransport


SELLER_ID_KEY = "seller_id"
LISTINGS_PATH = "/listings/2021-08-01/items/{seller_id}"
CATALOG_PATH = "/catalog/2022-04-01/items"
FBA_SUMMARIES_PATH = "/fba/inventory/v1/summaries"

# Amazon's ceilings: searchListingsItems and searchCatalogItems return at most 20 items per page, and
# searchCatalogItems takes at most 20 identifiers; getInventorySummaries takes at most 50 sellerSkus.
PAGE_SIZE = 20
IDENTIFIERS_PER_CATALOG_CALL = 20
SKUS_PER_FBA_CALL = 50

PRODUCT_LISTING_DATA = ("summaries", "offers", "fulfillmentAvailability")
PRODUCT_CATALOG_DATA = ("identifiers", "summaries")

# ---------------------------------------------------------------------------------------------
# Config and errors


def seller_id(config: Mapping[str, Any]) -> str:
    """The seller id (merchant token) searchListingsItems needs; Amazon's APIs offer no call that returns it."""
    value = config.get(SELLER_ID_KEY)
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise ConfigError(
        "The streams ListingsItems, CatalogItems and Products need your seller id: set 'seller_id' to the Merchant "
        "Token shown in Seller Central under Settings > Account Info > Business Information."
    )


def _get(transport: SpApiTransport, path: str, params: Mapping[str, Any]) -> Mapping[str, Any]:
    body = transport.get_json(path, params)
    return body if isinstance(body, Mapping) else {}


def _pages(transport: SpApiTransport, path: str, params: Mapping[str, Any], operation: str, token_param: str,
           token_of) -> Iterator[Mapping[str, Any]]:
    """Each answer of a paged operation; the first request's parameters are repeated with the page token."""
    token: Optional[str] = None
    seen_tokens = set()
    while True:
        page = _get(transport, path, {**params, token_param: token} if token else params)
        yield page
        token = token_of(page)
        if not token:
            return
        if token in seen_tokens:
            # A server handing out a token twice would otherwise keep the sync busy forever.
            raise AirbyteTracedException(message=f"{operation} returned the same page token twice; stopping.",
                                         failure_type=FailureType.system_error)
        seen_tokens.add(token)


def _pagination_next_token(page: Mapping[str, Any]) -> Optional[str]:
    return (page.get("pagination") or {}).get("nextToken")


# ---------------------------------------------------------------------------------------------
# Amazon calls


def listing_pages(transport: SpApiTransport, seller: str, marketplace_id: str, included_data: Sequence[str]) -> Iterator[List[Mapping[str, Any]]]:
    """The seller's listings of one marketplace, one list per page of searchListingsItems."""
    params = {
        "marketplaceIds": marketplace_id,
        "includedData": ",".join(included_data),
        "pageSize": PAGE_SIZE,
    }
    path = LISTINGS_PATH.format(seller_id=seller)
    for page in _pages(transport, path, params, "searchListingsItems", "pageToken", _pagination_next_token):
        items = [item for item in page.get("items") or [] if isinstance(item, Mapping)]
        if items:
            yield items


def catalog_items(transport: SpApiTransport, marketplace_id: str, asins: Sequence[str], included_data: Sequence[str]) -> Iterator[Mapping[str, Any]]:
    """searchCatalogItems by ASIN, one marketplace, at most 20 ASINs (Amazon's limits)."""
    if not asins:
        return
    if len(asins) > IDENTIFIERS_PER_CATALOG_CALL:
        raise ValueError(f"searchCatalogItems takes at most {IDENTIFIERS_PER_CATALOG_CALL} identifiers, got {len(asins)}")
    params = {
        "marketplaceIds": marketplace_id,
        "identifiers": ",".join(asins),
        "identifiersType": "ASIN",
        "includedData": ",".join(included_data),
        "pageSize": PAGE_SIZE,
    }
    for page in _pages(transport, CATALOG_PATH, params, "searchCatalogItems", "pageToken", _pagination_next_token):
        for item in page.get("items") or []:
            if isinstance(item, Mapping):
                yield item


def fba_fulfillable_quantities(transport: SpApiTransport, marketplace_id: str, skus: Sequence[str]) -> Dict[str, int]:
    """SKU -> fulfillable quantity summed over the marketplace's FBA inventory summaries (SKUs without any are absent)."""
    totals: Dict[str, int] = {}
    for start in range(0, len(skus), SKUS_PER_FBA_CALL):
        params = {
            "details": "true",
            "granularityType": "Marketplace",
            "granularityId": marketplace_id,
            "marketplaceIds": marketplace_id,
            "sellerSkus": ",".join(skus[start : start + SKUS_PER_FBA_CALL]),
        }
        for page in _pages(transport, FBA_SUMMARIES_PATH, params, "getInventorySummaries", "nextToken", _pagination_next_token):
            for summary in (page.get("payload") or {}).get("inventorySummaries") or []:
                sku = summary.get("sellerSku")
                quantity = (summary.get("inventoryDetails") or {}).get("fulfillableQuantity")
                if sku and isinstance(quantity, int) and not isinstance(quantity, bool):
                    totals[sku] = totals.get(sku, 0) + quantity
    return totals


# ---------------------------------------------------------------------------------------------
# Reading Amazon's records


def for_marketplace(entries: Any, marketplace_id: str) -> Optional[Mapping[str, Any]]:
    """The entry of a per-marketplace list (summaries, offers, identifiers...) for this marketplace."""
    if not isinstance(entries, list):
        return None
    matching = [e for e in entries if isinstance(e, Mapping) and e.get("marketplaceId") == marketplace_id]
    return matching[0] if matching else None


def listing_asin(listing: Mapping[str, Any], marketplace_id: str) -> Optional[str]:
    summary = for_marketplace(listing.get("summaries"), marketplace_id) or {}
    return summary.get("asin") or None


def _listing_price(listing: Mapping[str, Any], marketplace_id: str) -> tuple:
    offers = [o for o in listing.get("offers") or [] if isinstance(o, Mapping) and o.get("marketplaceId") == marketplace_id]
    # The consumer (B2C) offer is the listing's price; a business (B2B) price applies to business buyers only.
    offer = next((o for o in offers if o.get("offerType") == "B2C"), None)
    price = (offer or {}).get("price") or {}
    try:
        amount = float(Decimal(str(price["amount"])))
    except (KeyError, InvalidOperation, ValueError, TypeError):
        return None, None
    return amount, price.get("currencyCode")


def _merchant_quantity(listing: Mapping[str, Any]) -> Optional[int]:
    """Quantity the seller fulfils: fulfillmentAvailability entries not fulfilled by Amazon (code DEFAULT)."""
    quantities = [
        entry.get("quantity")
        for entry in listing.get("fulfillmentAvailability") or []
        if isinstance(entry, Mapping)
        and not str(entry.get("fulfillmentChannelCode") or "").startswith("AMAZON")
        and isinstance(entry.get("quantity"), int)
    ]
    return sum(quantities) if quantities else None


def catalog_identifiers(item: Optional[Mapping[str, Any]], marketplace_id: str) -> Dict[str, str]:
    """identifierType (EAN, UPC, GTIN, ...) -> the first identifier of that type for this marketplace."""
    found: Dict[str, str] = {}
    group = for_marketplace((item or {}).get("identifiers"), marketplace_id) or {}
    for entry in group.get("identifiers") or []:
        if isinstance(entry, Mapping) and entry.get("identifierType") and entry.get("identifier"):
            found.setdefault(str(entry["identifierType"]).upper(), str(entry["identifier"]))
    return found


def product_record(marketplace_id: str, listing: Mapping[str, Any], catalog_item: Optional[Mapping[str, Any]],
                   fba_quantity: Optional[int]) -> Dict[str, Any]:
    """One Products record; the table in docs/product-data.md says where each field comes from."""
    summary = for_marketplace(listing.get("summaries"), marketplace_id) or {}
    catalog_summary = for_marketplace((catalog_item or {}).get("summaries"), marketplace_id) or {}
    identifiers = catalog_identifiers(catalog_item, marketplace_id)
    price, currency = _listing_price(listing, marketplace_id)

    item_name, item_name_source = summary.get("itemName"), "listing"
    if not item_name:
        item_name, item_name_source = catalog_summary.get("itemName"), "catalog"
    if not item_name:
        item_name_source = None

    merchant_quantity = _merchant_quantity(listing)
    if fba_quantity is not None:
        stock, stock_source = fba_quantity, "fba_inventory"
    elif merchant_quantity is not None:
        stock, stock_source = merchant_quantity, "listing_fulfillment_availability"
    else:
        stock, stock_source = None, None

    status = summary.get("status")
    return {
        "marketplace_id": marketplace_id,
        "sku": listing.get("sku"),
        "asin": summary.get("asin"),
        "item_name": item_name,
        "item_name_source": item_name_source,
        "brand": catalog_summary.get("brand"),
        "price": price,
        "currency": currency,
        "ean": identifiers.get("EAN"),
        "upc": identifiers.get("UPC"),
        "gtin": identifiers.get("GTIN"),
        "stock": stock,
        "stock_source": stock_source,
        "fba_fulfillable_quantity": fba_quantity,
        "mfn_quantity": merchant_quantity,
        "listing_status": list(status) if isinstance(status, list) else None,
        "listing_last_updated_date": summary.get("lastUpdatedDate"),
    }


def products_of_marketplace(transport: SpApiTransport, seller: str, marketplace_id: str) -> Iterator[Dict[str, Any]]:
    """Joined records, one listings page (at most 20 SKUs) at a time."""
    for listings in listing_pages(transport, seller, marketplace_id, PRODUCT_LISTING_DATA):
        asins = list(dict.fromkeys(a for a in (listing_asin(item, marketplace_id) for item in listings) if a))
        catalog = {item.get("asin"): item for item in catalog_items(transport, marketplace_id, asins, PRODUCT_CATALOG_DATA)}
        skus = list(dict.fromkeys(item["sku"] for item in listings if item.get("sku")))
        fba = fba_fulfillable_quantities(transport, marketplace_id, skus)
        for listing in listings:
            sku = listing.get("sku")
            if not sku:
                continue
            asin = listing_asin(listing, marketplace_id)
            yield product_record(marketplace_id, listing, catalog.get(asin), fba.get(sku))


# ---------------------------------------------------------------------------------------------
# Declarative components


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
