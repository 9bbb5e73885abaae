"""FBA inventory report types, the Inventory Ledger included (Amazon's "FBA Inventory reports attributes").

Ledger header spelling: Amazon's attribute page lists the ledger columns run together
(`EventType`, `ReferenceID`, `FulfillmentCenter`, `ReconciledQuantity`), but the files Amazon writes
spell them with spaces (`Event Type`, `Reference ID`, `Fulfillment Center`, `Reconciled Quantity`,
`Unreconciled Quantity`, then `Date and Time`): public record of real exports (a test suite built
from scrubbed Amazon downloads, and sampled SP-API files mapped by open-source pipelines). The
emulator follows the files. `Date` is `MM/DD/YYYY` (spapi-facts.md, same public record).
"""

from __future__ import annotations

from .definitions import Encoding, col, cols, tsv

DOC = "SP-API docs: FBA Inventory reports attributes"
_UTF8_BOM = Encoding(charset="UTF-8", bom=True)  # UTF-8 with a BOM (kept from the emulator's earlier model)

_MYI = cols("sku", "fnsku", "asin", "product-name", "condition", "your-price:num", "mfn-listing-exists",
            "mfn-fulfillable-quantity:int", "afn-listing-exists", "afn-warehouse-quantity:int",
            "afn-fulfillable-quantity:int", "afn-unsellable-quantity:int", "afn-reserved-quantity:int",
            "afn-total-quantity:int", "per-unit-volume:num", "afn-inbound-working-quantity:int",
            "afn-inbound-shipped-quantity:int", "afn-inbound-receiving-quantity:int", "afn-researching-quantity:int",
            "afn-reserved-future-supply:int", "afn-future-supply-buyable:int")
_PLANNING = ("snapshot-date:date", "sku", "fnsku", "asin", "product-name", "condition", "available:int",
             "pending-removal-quantity:int", "inv-age-0-to-90-days:int", "inv-age-91-to-180-days:int",
             "inv-age-181-to-270-days:int", "inv-age-271-to-365-days:int", "inv-age-366-to-455-days:int",
             "inv-age-456-plus-days:int", "currency", "qty-to-be-charged-ltsf-9-mo:int", "projected-ltsf-9-mo:num")
# Drift: Amazon added the 11-month long-term storage columns when it moved the first LTSF charge
# from 12 to 11 months of age; files written since carry them next to the 12-month ones.
_PLANNING_LTSF_11 = ("qty-to-be-charged-ltsf-11-mo:int", "projected-ltsf-11-mo:num")
_PLANNING_TAIL = ("qty-to-be-charged-ltsf-12-mo:int", "estimated-ltsf-next-charge:num", "units-shipped-t7:int",
                  "units-shipped-t30:int", "units-shipped-t60:int", "units-shipped-t90:int", "alert",
                  "your-price:num", "sales-price:num", "lowest-price-new-plus-shipping:num", "lowest-price-used:num",
                  "recommended-action", "healthy-inventory-level:int", "recommended-sales-price:num",
                  "recommended-sale-duration-days:int", "recommended-removal-quantity:int",
                  "estimated-cost-savings-of-recommended-actions:num", "sell-through:num", "item-volume:num",
                  "volume-unit-measurement", "storage-type", "storage-volume:num", "marketplace", "product-group",
                  "sales-rank:int", "days-of-supply:int", "estimated-excess-quantity:int", "weeks-of-cover-t30:num",
                  "weeks-of-cover-t90:num", "inbound-quantity:int", "inbound-working:int", "inbound-shipped:int",
                  "inbound-received:int", "reserved-quantity:int", "unfulfillable-quantity:int")

TYPES = [
    tsv("GET_AFN_INVENTORY_DATA", "snapshot", DOC,
        cols("seller-sku", "fulfillment-channel-sku", "asin", "condition-type", "Warehouse-Condition-code",
             "Quantity Available:int")),
    tsv("GET_AFN_INVENTORY_DATA_BY_COUNTRY", "snapshot", DOC,
        cols("seller-sku", "fulfillment-channel-sku", "asin", "condition-type", "country",
             "quantity-for-local-fulfillment:int")),
    # `store` is an undocumented trailing column: Amazon's attribute page stops at
    # afn-future-supply-buyable, sampled files carry `store` after it (public record). No schema knows it.
    tsv("GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA", "snapshot", DOC,
        _MYI + (col("store", documented=False),)),
    tsv("GET_FBA_MYI_ALL_INVENTORY_DATA", "snapshot", DOC,
        _MYI),
    tsv("GET_RESERVED_INVENTORY_DATA", "snapshot", DOC,
        cols("sku", "fnsku", "asin", "product-name", "reserved_qty:int", "reserved_customerorders:int",
             "reserved_fc-transfers:int", "reserved_fc-processing:int")),
    tsv("GET_FBA_INVENTORY_PLANNING_DATA", "snapshot", DOC + "; 11-month LTSF columns: drift",
        cols(*_PLANNING, *_PLANNING_LTSF_11, *_PLANNING_TAIL), encoding=_UTF8_BOM),
    tsv("GET_STRANDED_INVENTORY_UI_DATA", "snapshot", DOC,
        cols("primary-action", "date-stranded:iso", "Date-to-take-auto-removal:iso", "status-primary",
             "status-secondary", "error-message", "stranded-reason", "asin", "sku", "fnsku", "product-name",
             "condition", "fulfilled-by", "fulfillable-qty:int", "your-price:num", "unfulfillable-qty:int",
             "reserved-quantity:int", "inbound-shipped-qty:int")),
    tsv("GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT", "snapshot", DOC,
        cols("Country", "Product Name", "FNSKU", "Merchant SKU", "ASIN", "Condition", "Supplier",
             "Supplier part no.", "Currency code", "Price:num", "Sales last 30 days:num",
             "Units Sold Last 30 Days:int", "Total Units:int", "Inbound:int", "Available:int", "FC transfer:int",
             "FC Processing:int", "Customer Order:int", "Unfulfillable:int", "Working:int", "Shipped:int",
             "Receiving:int", "Fulfilled by", "Total Days of Supply (including units from open shipments):int",
             "Days of Supply at Amazon Fulfillment Network:int", "Alert", "Recommended replenishment qty:int",
             "Recommended ship date:date", "Recommended action", "Unit storage size"),
        encoding=_UTF8_BOM),
    tsv("GET_FBA_FULFILLMENT_INVENTORY_HEALTH_DATA", "snapshot", DOC,
        cols("snapshot-date:iso", "fnsku", "sku", "product-name", "condition", "sellable-quantity:int",
             "unsellable-quantity:int", "qty-with-removals-in-progress:int", "inv-age-0-to-90-days:int",
             "inv-age-91-to-180-days:int", "inv-age-181-to-270-days:int", "inv-age-271-to-365-days:int",
             "inv-age-365-plus-days:int", "units-shipped-last-24-hrs:int", "units-shipped-last-7-days:int",
             "units-shipped-last-30-days:int", "units-shipped-last-90-days:int", "units-shipped-last-180-days:int",
             "units-shipped-last-365-days:int", "weeks-of-cover-t7:num", "weeks-of-cover-t30:num",
             "weeks-of-cover-t90:num", "your-price:num", "sales-price:num", "asin", "in-bound-quantity:int",
             "total-quantity:int")),
    tsv("GET_FBA_INVENTORY_AGED_DATA", "snapshot", DOC,
        cols("snapshot-date:date", "sku", "fnsku", "asin", "product-name", "condition", "avaliable-quantity(sellable):int",
             "qty-with-removals-in-progress:int", "inv-age-0-to-90-days:int", "inv-age-91-to-180-days:int",
             "inv-age-181-to-270-days:int", "inv-age-271-to-365-days:int", "inv-age-365-plus-days:int", "currency",
             "qty-to-be-charged-ltsf-6-mo:int", "projected-ltsf-6-mo:num", "qty-to-be-charged-ltsf-12-mo:int",
             "projected-ltsf-12-mo:num", "units-shipped-last-7-days:int", "units-shipped-last-30-days:int",
             "units-shipped-last-60-days:int", "units-shipped-last-90-days:int", "alert", "your-price:num",
             "sales_price:num", "lowest_price_new:num", "lowest_price_used:num", "Recommended action")),
    tsv("GET_FBA_FULFILLMENT_CURRENT_INVENTORY_DATA", "date_range", DOC,
        cols("snapshot-date:iso", "fnsku", "sku", "product-name", "quantity:int", "fulfillment-center-id",
             "detailed-disposition", "country"), history_days=730),
    tsv("GET_FBA_FULFILLMENT_MONTHLY_INVENTORY_DATA", "date_range", DOC,
        cols("month:my", "fnsku", "sku", "product-name", "average-quantity:num", "end-quantity:int",
             "fulfillment-center-id", "detailed-disposition", "country"), history_days=730),
    tsv("GET_FBA_FULFILLMENT_INVENTORY_RECEIPTS_DATA", "date_range", DOC,
        cols("received-date:iso", "fnsku", "sku", "product-name", "quantity:int", "fba-shipment-id",
             "fulfillment-center-id"), history_days=730),
    tsv("GET_FBA_FULFILLMENT_INVENTORY_SUMMARY_DATA", "date_range", DOC,
        cols("snapshot-date:iso", "transaction-type", "fnsku", "sku", "product-name", "fulfillment-center-id",
             "quantity:int", "disposition"), history_days=730),
    tsv("GET_FBA_FULFILLMENT_INVENTORY_ADJUSTMENTS_DATA", "date_range", DOC,
        cols("adjusted-date:iso", "transaction-item-id", "fnsku", "sku", "product-name", "fulfillment-center-id",
             "quantity:int", "reason", "disposition"), history_days=730),
    # Unverified: no attribute list of this report was found on Amazon's pages or in a public record;
    # these are the columns of its older layout as the emulator modelled them before.
    tsv("GET_FBA_FULFILLMENT_INBOUND_NONCOMPLIANCE_DATA", "date_range", DOC + " (layout unverified)",
        cols("problem-type", "shipment-id", "fnsku", "merchant-sku", "fulfillment-center-id", "problem-quantity:int",
             "created-date:iso", unverified=("problem-type", "shipment-id", "fnsku", "merchant-sku",
                                             "fulfillment-center-id", "problem-quantity", "created-date")),
        history_days=730),
    tsv("GET_LEDGER_DETAIL_VIEW_DATA", "date_range", DOC + "; header spelling from Amazon's files (public record)",
        cols("Date:mdy", "FNSKU", "ASIN", "MSKU", "Title", "Event Type", "Reference ID", "Quantity:int",
             "Fulfillment Center", "Disposition", "Reason", "Country", "Reconciled Quantity:int",
             "Unreconciled Quantity:int", "Date and Time:isotz"),
        encoding=_UTF8_BOM, history_days=548),
    tsv("GET_LEDGER_SUMMARY_VIEW_DATA", "date_range", DOC + "; header spelling from Amazon's files (public record)",
        cols("Date:mdy", "FNSKU", "ASIN", "MSKU", "Title", "Disposition", "Starting Warehouse Balance:int",
             "In Transit Between Warehouses:int", "Receipts:int", "Customer Shipments:int", "Customer Returns:int",
             "Vendor Returns:int", "Warehouse Transfer In/Out:int", "Found:int", "Lost:int", "Damaged:int",
             "Disposed:int", "Other Events:int", "Ending Warehouse Balance:int", "Unknown Events:int", "Location"),
        encoding=_UTF8_BOM, history_days=548,
        default_options={"aggregateByLocation": "COUNTRY", "aggregatedByTimePeriod": "DAILY"}),
]
