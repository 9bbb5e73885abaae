"""Listings Items 2021-08-01 searchListingsItems over the seller's listings."""

from __future__ import annotations

from typing import Any, Dict

from ..exceptions import InvalidInput, NotFound
from ..http_types import Request
from ..models import Listing
from ..timeutil import iso
from .common import int_param


def listing_json(listing: Listing, included) -> Dict[str, Any]:
    body: Dict[str, Any] = {"sku": listing.product.sku}
    if "summaries" in included:
        summary: Dict[str, Any] = {
            "marketplaceId": listing.market.id, "asin": listing.product.asin, "productType": "HOME",
            "conditionType": "new_new", "status": ["BUYABLE", "DISCOVERABLE"] if listing.status == "Active" else [],
            "itemName": listing.product.title(listing.market), "createdDate": iso(listing.product.created),
            "lastUpdatedDate": iso(listing.product.created)}
        if listing.product.fnsku:
            summary["fnSku"] = listing.product.fnsku
        body["summaries"] = [summary]
    if "offers" in included:
        body["offers"] = [{"marketplaceId": listing.market.id, "offerType": "B2C",
                           "price": {"currencyCode": listing.market.currency, "amount": f"{listing.price:.2f}"}}]
    return body


def search_listings_items(emu, req: Request):
    seller = emu.dataset.seller
    if req.path_params["sellerId"] != seller.seller_id:
        raise NotFound(f"Seller {req.path_params['sellerId']} was not found.")
    markets = req.params("marketplaceIds")
    if len(markets) != 1 or markets[0] not in seller.market_ids():
        raise InvalidInput("marketplaceIds is required and accepts exactly one marketplace of this seller.")
    size = int_param(req, "pageSize", 10, 1, 20)
    included = req.params("includedData") or ["summaries"]
    identifiers = req.params("identifiers")
    kind = req.param("identifiersType")
    if identifiers and kind not in ("SKU", "ASIN", "EAN", "UPC", "FNSKU"):
        raise InvalidInput("identifiersType is required with identifiers.")
    field = {"SKU": "sku", "ASIN": "asin", "EAN": "ean", "UPC": "upc", "FNSKU": "fnsku"}.get(kind or "")
    listings = [l for l in seller.listings if l.market.id == markets[0]
                and (not identifiers or getattr(l.product, field) in identifiers)]
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
