"""Listings Items 2021-08-01 searchListingsItems over the seller's listings.

Amazon's rules: the seller id in the path must be the caller's; exactly one marketplace; pageSize 1-20
(default 10); includedData, identifiersType, sortBy, sortOrder and status filters from the model's
enums; at most 20 identifiers; created/lastUpdated date filters (inclusive). Default order:
lastUpdatedDate descending. The data is the dataset's listing (same SKU, ASIN, price and merchant
quantity as the listings reports; FBA listings say AMAZON_<region> and carry no quantity: their
stock is the FBA inventory's).
"""

from __future__ import annotations

from typing import Any, Dict, List

from ..exceptions import InvalidInput, NotFound
from ..http_types import Request
from ..models import Listing
from ..timeutil import iso
from .common import date_param, enum_params, int_param

INCLUDED_DATA = ["summaries", "attributes", "issues", "offers", "fulfillmentAvailability", "procurement",
                 "relationships", "productTypes"]
IDENTIFIER_FIELDS = {"SKU": "sku", "ASIN": "asin", "EAN": "ean", "GTIN": "ean", "JAN": "ean", "UPC": "upc",
                     "FNSKU": "fnsku"}
SORT_KEYS = {"sku": lambda l: l.product.sku, "createdDate": lambda l: l.product.created,
             "lastUpdatedDate": lambda l: last_updated(l)}
MAX_IDENTIFIERS = 20


def last_updated(listing: Listing) -> Any:
    """The dataset has no edit history: a listing was last changed when its product was created."""
    return listing.product.created


def status_of(listing: Listing) -> List[str]:
    return ["BUYABLE", "DISCOVERABLE"] if listing.status == "Active" else []


def _issues(listing: Listing) -> List[Dict[str, Any]]:
    if listing.status == "Incomplete":
        return [{"code": "90220", "message": "'main_product_image_locator' is required but not supplied.",
                 "severity": "ERROR", "attributeNames": ["main_product_image_locator"],
                 "categories": ["MISSING_ATTRIBUTE"]}]
    if listing.status == "Inactive":
        return [{"code": "18027", "message": "The listing is inactive: the seller closed it.",
                 "severity": "WARNING", "categories": ["INVALID_ATTRIBUTE"]}]
    return []


def _fulfillment(listing: Listing) -> List[Dict[str, Any]]:
    if listing.product.channel == "AFN":
        return [{"fulfillmentChannelCode": f"AMAZON_{listing.market.region}"}]
    return [{"fulfillmentChannelCode": "DEFAULT", "quantity": listing.quantity}]


def _attributes(listing: Listing) -> Dict[str, Any]:
    market, product = listing.market, listing.product
    return {
        "item_name": [{"value": product.title(market), "language_tag": market.language_code, "marketplace_id": market.id}],
        "brand": [{"value": product.brand, "marketplace_id": market.id}],
        "externally_assigned_product_identifier": [{"type": "ean", "value": product.ean, "marketplace_id": market.id}],
        "condition_type": [{"value": "new_new", "marketplace_id": market.id}],
    }


def listing_json(listing: Listing, included) -> Dict[str, Any]:
    body: Dict[str, Any] = {"sku": listing.product.sku}
    if "summaries" in included:
        summary: Dict[str, Any] = {
            "marketplaceId": listing.market.id, "asin": listing.product.asin, "productType": "HOME",
            "conditionType": "new_new", "status": status_of(listing),
            "itemName": listing.product.title(listing.market), "createdDate": iso(listing.product.created),
            "lastUpdatedDate": iso(last_updated(listing))}
        if listing.product.fnsku:
            summary["fnSku"] = listing.product.fnsku
        body["summaries"] = [summary]
    if "attributes" in included:
        body["attributes"] = _attributes(listing)
    if "issues" in included:
        body["issues"] = _issues(listing)
    if "offers" in included:
        body["offers"] = [{"marketplaceId": listing.market.id, "offerType": "B2C",
                           "price": {"currencyCode": listing.market.currency, "amount": f"{listing.price:.2f}"}}]
    if "fulfillmentAvailability" in included:
        body["fulfillmentAvailability"] = _fulfillment(listing)
    if "productTypes" in included:
        body["productTypes"] = [{"marketplaceId": listing.market.id, "productType": "HOME"}]
    if "relationships" in included:
        body["relationships"] = [{"marketplaceId": listing.market.id, "relationships": []}]
    return body


def _in_range(moment, after, before) -> bool:
    return (after is None or moment >= after) and (before is None or moment <= before)


def search_listings_items(emu, req: Request):
    seller = emu.dataset.seller
    if req.path_params["sellerId"] != seller.seller_id:
        raise NotFound(f"Seller {req.path_params['sellerId']} was not found.")
    markets = req.params("marketplaceIds")
    if len(markets) != 1 or markets[0] not in seller.market_ids():
        raise InvalidInput("marketplaceIds is required and accepts exactly one marketplace of this seller.")
    size = int_param(req, "pageSize", 10, 1, 20)
    included = enum_params(req, "includedData", INCLUDED_DATA) or ["summaries"]
    identifiers = req.params("identifiers")
    kind = req.param("identifiersType")
    if identifiers and kind not in IDENTIFIER_FIELDS:
        raise InvalidInput("identifiersType is required with identifiers.")
    if kind and not identifiers:
        raise InvalidInput("identifiers is required with identifiersType.")
    if len(identifiers) > MAX_IDENTIFIERS:
        raise InvalidInput(f"identifiers accepts at most {MAX_IDENTIFIERS} values.")
    sort_by = (enum_params(req, "sortBy", list(SORT_KEYS)) or ["lastUpdatedDate"])[-1]
    sort_order = (enum_params(req, "sortOrder", ["ASC", "DESC"]) or ["DESC"])[-1]
    with_status = set(enum_params(req, "withStatus", ["BUYABLE", "DISCOVERABLE"]))
    without_status = set(enum_params(req, "withoutStatus", ["BUYABLE", "DISCOVERABLE"]))
    created_after, created_before = date_param(req, "createdAfter"), date_param(req, "createdBefore")
    updated_after, updated_before = date_param(req, "lastUpdatedAfter"), date_param(req, "lastUpdatedBefore")
    field = IDENTIFIER_FIELDS.get(kind or "")
    listings = [l for l in seller.listings if l.market.id == markets[0]
                and (not identifiers or getattr(l.product, field) in identifiers)
                and _in_range(l.product.created, created_after, created_before)
                and _in_range(last_updated(l), updated_after, updated_before)
                and (not with_status or with_status & set(status_of(l)))
                and not (without_status & set(status_of(l)))]
    # The SKU breaks ties, so pages never overlap or skip between requests.
    listings.sort(key=lambda l: l.product.sku)
    listings.sort(key=SORT_KEYS[sort_by], reverse=sort_order == "DESC")
    offset = 0
    token = req.param("pageToken")
    if token:
        offset = emu.page_tokens.decode(token, "pageToken")["offset"]
    body: Dict[str, Any] = {"numberOfResults": len(listings), "pagination": {},
                            "items": [listing_json(l, included) for l in listings[offset:offset + size]]}
    if offset + size < len(listings):
        body["pagination"]["nextToken"] = emu.page_tokens.encode({"offset": offset + size})
    if offset:
        body["pagination"]["previousToken"] = emu.page_tokens.encode({"offset": max(0, offset - size)})
    return 200, body
