"""Catalog Items 2022-04-01 searchCatalogItems over the dataset's products."""

from __future__ import annotations

import zlib
from typing import Any, Dict, List

from ..catalog_text import PRODUCT_KINDS
from ..exceptions import InvalidInput
from ..http_types import Request
from ..marketplaces import MARKETS_BY_ID, Market
from ..models import Product
from .common import enum_params, int_param

IDENTIFIER_TYPES = ["ASIN", "EAN", "GTIN", "ISBN", "JAN", "MINSAN", "SKU", "UPC"]
INCLUDED = ["attributes", "classifications", "dimensions", "identifiers", "images", "productTypes", "relationships",
            "salesRanks", "summaries", "vendorDetails"]


def _matches(product: Product, kind: str, values: List[str]) -> bool:
    field = {"ASIN": product.asin, "EAN": product.ean, "GTIN": product.ean, "JAN": product.ean,
             "UPC": product.upc, "SKU": product.sku}.get(kind)
    return field in values


def _classification(product: Product, market: Market) -> Dict[str, Any]:
    from ..reports.xml_writer import browse_tree_nodes

    nodes = browse_tree_nodes(market)
    kind_index = [code for code, _ in PRODUCT_KINDS].index(product.kind)
    child, root = nodes[kind_index + 1], nodes[0]
    return {"displayName": child["name"], "classificationId": child["id"],
            "parent": {"displayName": root["name"], "classificationId": root["id"]}}


def _number(product: Product, what: str, low: float, high: float) -> float:
    digest = zlib.crc32(f"{product.asin}|{what}".encode())
    return round(low + (digest % 1000) / 1000 * (high - low), 2)


def _dimensions(product: Product) -> Dict[str, Any]:
    return {name: {"unit": "inches" if name != "weight" else "pounds", "value": _number(product, name, 1, 20)}
            for name in ("height", "length", "weight", "width")}


def item_json(product: Product, market: Market, included: List[str]) -> Dict[str, Any]:
    body: Dict[str, Any] = {"asin": product.asin}
    title = product.title(market)
    if "attributes" in included:
        body["attributes"] = {
            "item_name": [{"value": title, "language_tag": market.language_code, "marketplace_id": market.id}],
            "brand": [{"value": product.brand, "marketplace_id": market.id}],
            "externally_assigned_product_identifier": [{"type": "ean", "value": product.ean,
                                                        "marketplace_id": market.id}]}
    if "classifications" in included:
        body["classifications"] = [{"marketplaceId": market.id, "classifications": [_classification(product, market)]}]
    if "dimensions" in included:
        body["dimensions"] = [{"marketplaceId": market.id, "item": _dimensions(product), "package": _dimensions(product)}]
    if "identifiers" in included:
        body["identifiers"] = [{"marketplaceId": market.id, "identifiers": [
            {"identifierType": "EAN", "identifier": product.ean}, {"identifierType": "UPC", "identifier": product.upc}]}]
    if "images" in included:
        body["images"] = [{"marketplaceId": market.id, "images": [
            {"variant": "MAIN", "link": f"https://m.media-amazon.com/images/I/{product.asin}.jpg", "height": 500,
             "width": 500}]}]
    if "productTypes" in included:
        body["productTypes"] = [{"marketplaceId": market.id, "productType": "HOME"}]
    if "relationships" in included:
        body["relationships"] = [{"marketplaceId": market.id, "relationships": []}]
    if "salesRanks" in included:
        classification = _classification(product, market)
        body["salesRanks"] = [{"marketplaceId": market.id, "classificationRanks": [
            {"classificationId": classification["classificationId"], "title": classification["displayName"],
             "rank": 1 + zlib.crc32(f"{product.asin}|rank".encode()) % 5000}],
            "displayGroupRanks": [{"websiteDisplayGroup": "home_display_on_website",
                                   "title": classification["parent"]["displayName"],
                                   "rank": 100 + zlib.crc32(f"{product.asin}|group".encode()) % 90000}]}]
    if "summaries" in included:
        body["summaries"] = [{"marketplaceId": market.id, "brand": product.brand, "itemName": title,
                              "manufacturer": product.brand, "itemClassification": "BASE_PRODUCT",
                              "browseClassification": {k: v for k, v in _classification(product, market).items()
                                                       if k != "parent"},
                              "packageQuantity": 1}]
    if "vendorDetails" in included:
        body["vendorDetails"] = [{"marketplaceId": market.id, "brandCode": product.brand[:4].upper(),
                                  "manufacturerCode": "EMUV1"}]
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
    if kind == "SKU" and not req.param("sellerId"):
        raise InvalidInput("sellerId is required when identifiersType is SKU.")
    if len(identifiers) > 20 or len(keywords) > 20:
        raise InvalidInput("identifiers and keywords accept at most 20 values.")
    size = int_param(req, "pageSize", 10, 1, 20)
    included = enum_params(req, "includedData", INCLUDED) or ["summaries"]
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
