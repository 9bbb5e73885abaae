"""Catalog Items 2022-04-01 searchCatalogItems over the dataset's products."""

from __future__ import annotations

from typing import Any, Dict, List

from ..exceptions import InvalidInput
from ..http_types import Request
from ..models import MARKETS_BY_ID, Product
from .common import int_param

IDENTIFIER_TYPES = ["ASIN", "EAN", "GTIN", "ISBN", "JAN", "MINSAN", "SKU", "UPC"]


def _matches(product: Product, kind: str, values: List[str]) -> bool:
    field = {"ASIN": product.asin, "EAN": product.ean, "GTIN": product.ean, "JAN": product.ean,
             "UPC": product.upc, "SKU": product.sku}.get(kind)
    return field in values


def item_json(product: Product, market, included: List[str]) -> Dict[str, Any]:
    body: Dict[str, Any] = {"asin": product.asin}
    if "summaries" in included:
        body["summaries"] = [{"marketplaceId": market.id, "brand": product.brand, "itemName": product.title(market),
                              "manufacturer": product.brand, "itemClassification": "BASE_PRODUCT",
                              "packageQuantity": 1}]
    if "identifiers" in included:
        body["identifiers"] = [{"marketplaceId": market.id, "identifiers": [
            {"identifierType": "EAN", "identifier": product.ean}, {"identifierType": "UPC", "identifier": product.upc}]}]
    if "productTypes" in included:
        body["productTypes"] = [{"marketplaceId": market.id, "productType": "HOME"}]
    return body


def search_catalog_items(emu, req: Request):
    account = emu.dataset.account(req.token.account_type)
    markets = req.params("marketplaceIds")
    if len(markets) != 1 or markets[0] not in account.market_ids():
        raise InvalidInput("marketplaceIds is required and accepts exactly one marketplace of this account.")
    market = MARKETS_BY_ID[markets[0]]
    identifiers = req.params("identifiers")
    keywords = [k.lower() for k in req.params("keywords")]
    if bool(identifiers) == bool(keywords):
        raise InvalidInput("Exactly one of identifiers and keywords is required.")
    kind = req.param("identifiersType")
    if identifiers and kind not in IDENTIFIER_TYPES:
        raise InvalidInput("identifiersType is required with identifiers.")
    if len(identifiers) > 20 or len(keywords) > 20:
        raise InvalidInput("identifiers and keywords accept at most 20 values.")
    size = int_param(req, "pageSize", 10, 1, 20)
    included = req.params("includedData") or ["summaries"]
    products = [p for p in account.products
                if (identifiers and _matches(p, kind, identifiers))
                or (keywords and any(k in p.title(market).lower() for k in keywords))]
    offset = 0
    token = req.param("pageToken")
    if token:
        offset = emu.page_tokens.decode(token, "pageToken")["offset"]
    body: Dict[str, Any] = {"numberOfResults": len(products), "pagination": {},
                            "refinements": {"brands": [], "classifications": []},
                            "items": [item_json(p, market, included) for p in products[offset:offset + size]]}
    if offset + size < len(products):
        body["pagination"]["nextToken"] = emu.page_tokens.encode({"offset": offset + size})
    if offset:
        body["pagination"]["previousToken"] = emu.page_tokens.encode({"offset": max(0, offset - size)})
    return 200, body
