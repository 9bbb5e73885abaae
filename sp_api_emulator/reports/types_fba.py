"""FBA sales, customer concessions, removals, payments and Subscribe & Save report types."""

from __future__ import annotations

from .definitions import Encoding, cols, tsv

SALES_DOC = "SP-API docs: FBA Sales reports attributes"
CONCESSIONS_DOC = "SP-API docs: FBA Customer Concessions reports attributes"
REMOVALS_DOC = "SP-API docs: FBA Removals reports attributes"
PAYMENTS_DOC = "SP-API docs: FBA Payments reports attributes"
_UTF8_BOM = Encoding(charset="UTF-8", bom=True)

TYPES = [
    tsv("GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL", "date_range", SALES_DOC,
        cols("amazon-order-id", "merchant-order-id", "shipment-id", "shipment-item-id", "amazon-order-item-id",
             "merchant-order-item-id", "purchase-date:iso", "payments-date:iso", "shipment-date:iso",
             "reporting-date:iso", "buyer-email", "buyer-name", "buyer-phone-number", "sku", "product-name",
             "quantity-shipped:int", "currency", "item-price:num", "item-tax:num", "shipping-price:num",
             "shipping-tax:num", "gift-wrap-price:num", "gift-wrap-tax:num", "ship-service-level", "recipient-name",
             "ship-address-1", "ship-address-2", "ship-address-3", "ship-city", "ship-state", "ship-postal-code",
             "ship-country", "ship-phone-number", "bill-address-1", "bill-address-2", "bill-address-3", "bill-city",
             "bill-state", "bill-postal-code", "bill-country", "item-promotion-discount:num",
             "ship-promotion-discount:num", "carrier", "tracking-number", "estimated-arrival-date:iso",
             "fulfillment-center-id", "fulfillment-channel", "sales-channel"),
        max_days=30, history_days=730),
    tsv("GET_FBA_FULFILLMENT_CUSTOMER_SHIPMENT_SALES_DATA", "date_range", SALES_DOC,
        cols("shipment-date:iso", "sku", "fnsku", "asin", "fulfillment-center-id", "quantity:int", "amazon-order-id",
             "currency", "item-price-per-unit:num", "shipping-price:num", "gift-wrap-price:num", "ship-city",
             "ship-state", "ship-postal-code"), history_days=730),
    # Unverified: `sku` and `quantity` are in the emulator's layout but neither Amazon's attribute page
    # (not found in full) nor 4.6.4's columns confirm them; a client must pass such columns on.
    # Rows: shipped items a promotion applied to (item-promotion-id filled).
    tsv("GET_FBA_FULFILLMENT_CUSTOMER_SHIPMENT_PROMOTION_DATA", "date_range", SALES_DOC,
        cols("shipment-date:iso", "sku", "quantity:int", "currency", "item-promotion-discount:num",
             "item-promotion-id", "description", "promotion-rule-value", "amazon-order-id", "shipment-id",
             "shipment-item-id", unverified=("sku", "quantity")), history_days=730),
    tsv("GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA", "date_range", CONCESSIONS_DOC,
        cols("return-date:iso", "order-id", "sku", "asin", "fnsku", "product-name", "quantity:int",
             "fulfillment-center-id", "detailed-disposition", "reason", "status", "license-plate-number",
             "customer-comments"), history_days=730),
    # Drift: `replacement-amazon-order-id` was added to this report after its first layout.
    tsv("GET_FBA_FULFILLMENT_CUSTOMER_SHIPMENT_REPLACEMENT_DATA", "date_range", CONCESSIONS_DOC,
        cols("shipment-date:iso", "sku", "asin", "fulfillment-center-id", "original-fulfillment-center-id",
             "quantity:int", "replacement-reason-code", "replacement-amazon-order-id", "original-amazon-order-id"),
        history_days=730),
    tsv("GET_FBA_FULFILLMENT_REMOVAL_ORDER_DETAIL_DATA", "date_range", REMOVALS_DOC,
        cols("request-date:iso", "order-id", "order-type", "service-speed", "order-status", "last-updated-date:iso",
             "sku", "fnsku", "disposition", "requested-quantity:int", "cancelled-quantity:int",
             "disposed-quantity:int", "shipped-quantity:int", "in-process-quantity:int", "removal-fee:num",
             "currency"), history_days=730),
    # Drift: the first layout was removal-date, order-id, shipment-date, sku, fnsku, disposition,
    # quantity, carrier, tracking-number. Amazon's current page (and files) have `request-date` in
    # front, `shipped-quantity` for `quantity` and a trailing `removal-order-type`.
    tsv("GET_FBA_FULFILLMENT_REMOVAL_SHIPMENT_DETAIL_DATA", "date_range", REMOVALS_DOC,
        cols("request-date:iso", "order-id", "shipment-date:iso", "sku", "fnsku", "disposition",
             "shipped-quantity:int", "carrier", "tracking-number", "removal-order-type"), history_days=730),
    tsv("GET_FBA_REIMBURSEMENTS_DATA", "date_range", PAYMENTS_DOC,
        cols("approval-date:iso", "reimbursement-id", "case-id", "amazon-order-id", "reason", "sku", "fnsku",
             "asin", "product-name", "condition", "currency-unit", "amount-per-unit:num", "amount-total:num",
             "quantity-reimbursed-cash:int", "quantity-reimbursed-inventory:int", "quantity-reimbursed-total:int",
             "original-reimbursement-id", "original-reimbursement-type"), history_days=730),
    # Drift: the EFN (European Fulfilment Network) fee columns replaced the single
    # expected-fulfillment-fee-per-unit of the older layout.
    tsv("GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA", "snapshot", PAYMENTS_DOC + "; EFN columns: drift",
        cols("sku", "fnsku", "asin", "product-name", "product-group", "brand", "fulfilled-by", "has-local-inventory",
             "your-price:num", "sales-price:num", "longest-side:num", "median-side:num", "shortest-side:num",
             "length-and-girth:num", "unit-of-dimension", "item-package-weight:num", "unit-of-weight",
             "product-size-weight-band", "currency", "estimated-fee-total:num", "estimated-referral-fee-per-unit:num",
             "estimated-variable-closing-fee:num", "expected-domestic-fulfilment-fee-per-unit:num",
             "expected-efn-fulfilment-fee-per-unit-uk:num", "expected-efn-fulfilment-fee-per-unit-de:num",
             "expected-efn-fulfilment-fee-per-unit-fr:num", "expected-efn-fulfilment-fee-per-unit-it:num",
             "expected-efn-fulfilment-fee-per-unit-es:num", "expected-efn-fulfilment-fee-per-unit-se:num"),
        encoding=_UTF8_BOM),
    tsv("GET_FBA_STORAGE_FEE_CHARGES_DATA", "date_range", "SP-API docs: FBA Inventory reports attributes",
        cols("asin", "fnsku", "product_name", "fulfillment_center", "country_code", "longest_side:num",
             "median_side:num", "shortest_side:num", "measurement_units", "weight:num", "weight_units",
             "item_volume:num", "volume_units", "product_size_tier", "average_quantity_on_hand:num",
             "average_quantity_pending_removal:num", "estimated_total_item_volume:num", "month_of_charge:ym",
             "storage_rate:num", "currency", "estimated_monthly_storage_fee:num", "dangerous_goods_storage_type",
             "eligible_for_inventory_discount", "qualifies_for_inventory_discount",
             "total_incentive_fee_amount:num", "breakdown_incentive_fee_amount", "average_quantity_customer_orders:num"),
        encoding=_UTF8_BOM, history_days=730),
    tsv("GET_FBA_FULFILLMENT_LONGTERM_STORAGE_FEE_CHARGES_DATA", "date_range", PAYMENTS_DOC,
        cols("snapshot-date:date", "sku", "fnsku", "asin", "product-name", "condition", "per-unit-volume:num",
             "currency", "volume-unit", "country", "qty-charged:int", "amount-charged:num", "surcharge-age-tier",
             "rate-surcharge:num"),
        encoding=_UTF8_BOM, history_days=730),
    # Subscribe & Save reports: Amazon removed both on 2025-12-11 (spapi-facts.md); the emulator
    # still serves their last layout so older catalogs keep working.
    tsv("GET_FBA_SNS_FORECAST_DATA", "snapshot", "SP-API docs: FBA Subscribe and Save reports (removed 2025-12-11)",
        cols("offer-state", "snapshot-date:iso", "sku", "fnsku", "asin", "estimated-avg-sns-discount-next-8-weeks:num",
             "product-name", "country", "active-subscriptions:int", "week-1-start-date:date",
             "scheduled-sns-units-week-1:int", "scheduled-sns-units-week-2:int", "scheduled-sns-units-week-3:int",
             "scheduled-sns-units-week-4:int", "scheduled-sns-units-week-5:int", "scheduled-sns-units-week-6:int",
             "scheduled-sns-units-week-7:int", "scheduled-sns-units-week-8:int")),
    tsv("GET_FBA_SNS_PERFORMANCE_DATA", "snapshot", "SP-API docs: FBA Subscribe and Save reports (removed 2025-12-11)",
        cols("offer-state", "snapshot-date:iso", "sku", "fnsku", "asin", "product-name",
             "week-1-start-date:date", "sns-units-shipped-week-1:int", "oos-rate-week-1:num",
             "sns-sale-price-week-1:num", "sns-discount-week-1:num", "week-2-start-date:date",
             "sns-units-shipped-week-2:int", "oos-rate-week-2:num", "sns-sale-price-week-2:num",
             "sns-discount-week-2:num")),
]
