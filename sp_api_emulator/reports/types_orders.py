"""Order, pending-order, returns and order-XML report types (Amazon's documentation, cited per entry)."""

from __future__ import annotations

from .definitions import Encoding, ReportType, cols, tsv

ORDERS_DOC = "SP-API docs: Order Tracking reports attributes; Order Reports (report-type-values-order)"

# Amazon's column order for the all-orders flat files. `cpf` is documented for BY_ORDER_DATE only.
_ALL_ORDERS_HEAD = ("amazon-order-id", "merchant-order-id", "purchase-date:iso", "last-updated-date:iso",
                    "order-status", "fulfillment-channel", "sales-channel", "order-channel", "ship-service-level",
                    "product-name", "sku", "asin", "item-status", "quantity:int", "currency", "item-price:num",
                    "item-tax:num", "shipping-price:num", "shipping-tax:num", "gift-wrap-price:num",
                    "gift-wrap-tax:num", "item-promotion-discount:num", "ship-promotion-discount:num", "ship-city",
                    "ship-state", "ship-postal-code", "ship-country", "promotion-ids")
_ALL_ORDERS_TAIL = ("is-business-order", "purchase-order-number", "price-designation")

# Order flat files are gzip-compressed Cp1252 (Shift_JIS for JP), as the emulator served them so far.
_GZIP = Encoding(gzip=True)

TYPES = [
    tsv("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", "date_range", ORDERS_DOC,
        cols(*_ALL_ORDERS_HEAD, "cpf", *_ALL_ORDERS_TAIL), encoding=_GZIP, max_days=30, history_days=730),
    # The last-update variant is documented without `cpf`.
    tsv("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL", "date_range", ORDERS_DOC,
        cols(*_ALL_ORDERS_HEAD, *_ALL_ORDERS_TAIL), encoding=_GZIP, max_days=30, history_days=730),
    tsv("GET_FLAT_FILE_ARCHIVED_ORDERS_DATA_BY_ORDER_DATE", "date_range", ORDERS_DOC,
        cols(*_ALL_ORDERS_HEAD, "cpf", *_ALL_ORDERS_TAIL), encoding=_GZIP, max_days=30, history_days=730),
    tsv("GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING", "date_range", "SP-API docs: Order reports attributes",
        cols("order-id", "order-item-id", "purchase-date:iso", "payments-date:iso", "reporting-date:iso",
             "promise-date:iso", "days-past-promise:int", "buyer-email", "buyer-phone-number", "sku", "product-name",
             "quantity-purchased:int", "quantity-shipped:int", "quantity-to-ship:int", "ship-service-level",
             "recipient-name", "ship-address-1", "ship-address-2", "ship-address-3", "ship-city", "ship-state",
             "ship-postal-code", "ship-country", "is-business-order", "purchase-order-number", "price-designation",
             "is-prime"),
        encoding=_GZIP, history_days=730),
    # Amazon: "These pending order reports are only available in the Japan marketplace".
    tsv("GET_FLAT_FILE_PENDING_ORDERS_DATA", "snapshot", "SP-API docs: Pending Order reports attributes",
        cols("order-id", "order-item-id", "purchase-date:iso", "sku", "product-name", "quantity-purchased:int",
             "payment-type"),
        encoding=_GZIP),
    # Returns (MFN) by return date. Header names are Amazon's title-case labels (public record: sampled
    # SP-API files). Served gzip-compressed as `text/plain` with no charset and a UTF-8 body: the
    # public record does not say how this one is declared, so the emulator models the nastier case
    # (a client must not assume Cp1252 when no charset is given). Dates: ISO 8601 (unsure).
    tsv("GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE", "date_range",
        "SP-API docs: Returns reports attributes; header spelling from sampled SP-API files (public record)",
        cols("Order ID", "Order date:iso", "Return request date:iso", "Return request status", "Amazon RMA ID",
             "Merchant RMA ID", "Label type", "Label cost:num", "Currency code", "Return carrier", "Tracking ID",
             "Label to be paid by", "A-to-Z Claim", "Is prime", "ASIN", "Merchant SKU", "Item Name",
             "Return quantity:int", "Return Reason", "In policy", "Return type", "Resolution", "Invoice number",
             "Return delivery date:iso", "Order Amount:num", "Order quantity:int", "SafeT Action reason",
             "SafeT claim id", "SafeT claim state", "SafeT claim creation time:iso",
             "SafeT claim reimbursement amount:num", "Refunded Amount:num"),
        encoding=Encoding(charset="UTF-8", declared=False, gzip=True), max_days=60, history_days=730),
    # XML: the all-orders envelope (AmazonEnvelope/Message/Order) and the scheduled order report.
    ReportType("GET_XML_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", "seller", "xml", "date_range", ORDERS_DOC,
               encoding=_GZIP, xml_record_tag="Order", max_days=30, history_days=730),
    ReportType("GET_XML_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL", "seller", "xml", "date_range", ORDERS_DOC,
               encoding=_GZIP, xml_record_tag="Order", max_days=30, history_days=730),
    # Scheduled by Amazon (not requestable here): one every 7 days per marketplace, listable 90 days.
    ReportType("GET_ORDER_REPORT_DATA_SHIPPING", "seller", "xml", "settlement",
               "SP-API docs: Order reports attributes (OrderReport elements)", encoding=_GZIP,
               xml_record_tag="OrderReport", history_days=90),
]
