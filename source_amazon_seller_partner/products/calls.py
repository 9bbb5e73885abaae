"""Amazon calls of the product streams: searchListingsItems, searchCatalogItems, getInventorySummaries."""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from ..errors import ConfigError
from ..transport import SpApiTransport

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
