"""Reading Amazon's listing and catalog records, and joining them into one Products record per SKU."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Dict, Iterator, Mapping, Optional

from ..transport import SpApiTransport
from .calls import PRODUCT_CATALOG_DATA, PRODUCT_LISTING_DATA, catalog_items, fba_fulfillable_quantities, listing_pages

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
