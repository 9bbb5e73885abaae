"""Listings report types and the browse tree (Amazon's "Inventory reports attributes" page)."""

from __future__ import annotations

from .definitions import Encoding, ReportType, cols, tsv

LISTINGS_DOC = "SP-API docs: Inventory reports attributes (listings reports)"

# The classic listings layout Amazon still writes, legacy zshop-* columns included. `open-date` is
# written in the marketplace's local time with a zone abbreviation (`2019-11-22 04:10:37 PST`).
_LISTING = ("item-name", "item-description", "listing-id", "seller-sku", "price:num", "quantity:int",
            "open-date:localtz", "image-url", "item-is-marketplace", "product-id-type", "zshop-shipping-fee",
            "item-note", "item-condition", "zshop-category1", "zshop-browse-path", "zshop-storefront-feature",
            "asin1", "asin2", "asin3", "will-ship-internationally", "expedited-shipping", "zshop-boldface",
            "product-id", "bid-for-featured-placement", "add-delete", "pending-quantity:int",
            "fulfillment-channel", "merchant-shipping-group")
_GZIP = Encoding(gzip=True)

TYPES = [
    tsv("GET_MERCHANT_LISTINGS_ALL_DATA", "snapshot", LISTINGS_DOC, cols(*_LISTING, "status"), encoding=_GZIP),
    tsv("GET_MERCHANT_LISTINGS_DATA", "snapshot", LISTINGS_DOC, cols(*_LISTING), encoding=_GZIP),
    tsv("GET_MERCHANT_LISTINGS_INACTIVE_DATA", "snapshot", LISTINGS_DOC, cols(*_LISTING), encoding=_GZIP),
    tsv("GET_MERCHANT_LISTINGS_DATA_BACK_COMPAT", "snapshot", LISTINGS_DOC,
        cols("item-name", "item-description", "listing-id", "seller-sku", "price:num", "quantity:int",
             "open-date:localtz", "image-url", "item-is-marketplace", "product-id-type", "zshop-shipping-fee",
             "item-note", "item-condition", "zshop-category1", "zshop-browse-path", "zshop-storefront-feature",
             "asin1", "asin2", "asin3", "will-ship-internationally", "expedited-shipping", "zshop-boldface",
             "product-id", "bid-for-featured-placement", "add-delete", "pending-quantity:int",
             "fulfillment-channel", "Business Price:num", "Quantity Price Type", "Quantity Lower Bound 1:int",
             "Quantity Price 1:num", "merchant-shipping-group", unverified=("fulfillment-channel",)),
        encoding=_GZIP),
    tsv("GET_FLAT_FILE_OPEN_LISTINGS_DATA", "snapshot", LISTINGS_DOC,
        cols("sku", "asin", "price:num", "quantity:int", "Business Price:num", "Quantity Price Type",
             *(f"Quantity {kind} {n}:{'int' if kind == 'Lower Bound' else 'num'}"
               for n in range(1, 6) for kind in ("Lower Bound", "Price")),
             "Progressive Price Type",
             *(f"Progressive {kind} {n}:{'int' if kind == 'Lower Bound' else 'num'}"
               for n in range(1, 4) for kind in ("Lower Bound", "Price"))),
        encoding=_GZIP),
    # Unverified against Amazon's page (its cancelled-listings list was not found in full): listing-id,
    # open-date and fulfillment-channel follow the other listings layouts; 4.6.4's columns lack them.
    # The back-compat layout's fulfillment-channel is unverified for the same reason.
    tsv("GET_MERCHANT_CANCELLED_LISTINGS_DATA", "snapshot", LISTINGS_DOC,
        cols("item-name", "item-description", "listing-id", "seller-sku", "price:num", "quantity:int",
             "open-date:localtz", "item-is-marketplace", "product-id-type", "item-note", "item-condition",
             "asin1", "product-id", "fulfillment-channel", "merchant-shipping-group",
             unverified=("listing-id", "open-date", "fulfillment-channel")),
        encoding=_GZIP),
    # Suppressed listings: title-case headers as the Seller Central download shows them.
    tsv("GET_MERCHANTS_LISTINGS_FYP_REPORT", "snapshot", LISTINGS_DOC,
        cols("Status", "Reason", "SKU", "ASIN", "Product name", "Condition", "Status Change Date:date",
             "Issue Description"),
        encoding=_GZIP),
    ReportType("GET_XML_BROWSE_TREE_DATA", "seller", "xml", "snapshot", "SP-API docs: Browse Tree reports attributes",
               xml_record_tag="Node"),
]
