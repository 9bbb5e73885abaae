"""How far behind the account a report of each type is: Amazon's data delay per report type.

A report created at C holds the account as Amazon had it at C, less the changes younger than its type's
delay (divided by the time scale, like Amazon's other durations): an order changed 3 minutes before C
is in its earlier state, or absent, in an order report; an event posted within the delay is absent from
the returns and reimbursements reports. Changes are order versions and financial events
(models/accounts.py); the generated inventory and analytics rows are not changes and are not held back.

Each entry cites where the figure comes from. Where Amazon documents none, the entry says so and takes
the nastier plausible figure (a daily cadence for data Amazon updates in batches).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Dict, Tuple

ORDERS = (timedelta(minutes=30), "SP-API docs, Order reports (report-type-values-order): order reports "
          "can be up to 30 minutes behind, an order becoming fulfillable about 30 minutes after it is placed")
FBA_SALES = (timedelta(hours=24), "SP-API docs, FBA reports: usually one to three hours from shipment to the "
             "report, in rare cases up to 24 hours")
FBA_DAILY = (timedelta(hours=24), "SP-API docs, FBA reports: content updated daily")
FBA_NEAR_REAL_TIME = (timedelta(minutes=30), "SP-API docs, FBA reports: near real-time content, regenerated at "
                      "most every 30 minutes")
FBA_FEE_PREVIEW = (timedelta(hours=72), "SP-API docs, FBA reports: fee preview content updated at least every "
                   "72 hours")
STORAGE_FEES = (timedelta(days=46), "Seller Central help 200612770: a month's storage fees are charged between "
                "the 7th and the 15th of the next month (up to 46 days after the month began)")
UNDOCUMENTED_DAILY = (timedelta(hours=24), "not documented by Amazon; the emulator takes one daily cadence")
BUSINESS_REPORTS = (timedelta(hours=72), "Business reports lag 24 hours (Amazon, quoted by Openbridge's Sales "
                    "and Traffic page); the emulator takes 72 hours, the figure Amazon gives for retail analytics")
RETAIL_ANALYTICS = (timedelta(hours=72), "Amazon via Openbridge's Vendor Retail Analytics page: up to 72 hours "
                    "after the period closes")
REAL_TIME = (timedelta(hours=1), "Amazon's vendorRealTime* report schemas: complete hours only")
REAL_TIME_TRAFFIC = (timedelta(hours=2), "Amazon's vendorRealTimeTrafficReport schema: the end at least 60 "
                     "minutes before the request, complete hours only")
COUPONS = (timedelta(hours=24), "Amazon's vendorCouponReport schema: campaign data may be up to 24 hours old")
LISTED = (timedelta(0), "created by Amazon on its schedule and listed once created: no delay applies")
SNAPSHOT = (timedelta(0), "a snapshot of now; not documented by Amazon")

DATA_DELAYS: Dict[str, Tuple[timedelta, str]] = {
    # orders
    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL": ORDERS,
    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL": ORDERS,
    "GET_FLAT_FILE_ARCHIVED_ORDERS_DATA_BY_ORDER_DATE": ORDERS,
    "GET_XML_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL": ORDERS,
    "GET_XML_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL": ORDERS,
    "GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING": ORDERS,
    "GET_FLAT_FILE_PENDING_ORDERS_DATA": ORDERS,
    "GET_ORDER_REPORT_DATA_SHIPPING": LISTED,
    # returns, feedback
    "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE": UNDOCUMENTED_DAILY,
    "GET_SELLER_FEEDBACK_DATA": UNDOCUMENTED_DAILY,
    # FBA sales and concessions
    "GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL": FBA_SALES,
    "GET_FBA_FULFILLMENT_CUSTOMER_SHIPMENT_SALES_DATA": FBA_SALES,
    "GET_FBA_FULFILLMENT_CUSTOMER_SHIPMENT_PROMOTION_DATA": FBA_DAILY,
    "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA": FBA_DAILY,
    "GET_FBA_FULFILLMENT_CUSTOMER_SHIPMENT_REPLACEMENT_DATA": FBA_DAILY,
    "GET_FBA_REIMBURSEMENTS_DATA": FBA_DAILY,
    # FBA inventory
    "GET_FBA_FULFILLMENT_CURRENT_INVENTORY_DATA": FBA_DAILY,
    "GET_FBA_FULFILLMENT_MONTHLY_INVENTORY_DATA": FBA_DAILY,
    "GET_FBA_FULFILLMENT_INVENTORY_RECEIPTS_DATA": FBA_DAILY,
    "GET_FBA_FULFILLMENT_INVENTORY_SUMMARY_DATA": FBA_DAILY,
    "GET_FBA_FULFILLMENT_INVENTORY_ADJUSTMENTS_DATA": FBA_DAILY,
    "GET_FBA_FULFILLMENT_INBOUND_NONCOMPLIANCE_DATA": FBA_DAILY,
    "GET_FBA_FULFILLMENT_INVENTORY_HEALTH_DATA": FBA_DAILY,
    "GET_FBA_INVENTORY_AGED_DATA": FBA_DAILY,
    "GET_LEDGER_DETAIL_VIEW_DATA": UNDOCUMENTED_DAILY,
    "GET_LEDGER_SUMMARY_VIEW_DATA": UNDOCUMENTED_DAILY,
    "GET_FBA_FULFILLMENT_REMOVAL_ORDER_DETAIL_DATA": FBA_NEAR_REAL_TIME,
    "GET_FBA_FULFILLMENT_REMOVAL_SHIPMENT_DETAIL_DATA": FBA_NEAR_REAL_TIME,
    "GET_AFN_INVENTORY_DATA": FBA_NEAR_REAL_TIME,
    "GET_AFN_INVENTORY_DATA_BY_COUNTRY": FBA_NEAR_REAL_TIME,
    "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA": FBA_NEAR_REAL_TIME,
    "GET_FBA_MYI_ALL_INVENTORY_DATA": FBA_NEAR_REAL_TIME,
    "GET_RESERVED_INVENTORY_DATA": FBA_NEAR_REAL_TIME,
    "GET_STRANDED_INVENTORY_UI_DATA": FBA_NEAR_REAL_TIME,
    "GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT": FBA_NEAR_REAL_TIME,
    "GET_FBA_INVENTORY_PLANNING_DATA": FBA_DAILY,
    "GET_FBA_SNS_FORECAST_DATA": SNAPSHOT,
    "GET_FBA_SNS_PERFORMANCE_DATA": SNAPSHOT,
    # FBA payments
    "GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA": FBA_FEE_PREVIEW,
    "GET_FBA_STORAGE_FEE_CHARGES_DATA": STORAGE_FEES,
    "GET_FBA_FULFILLMENT_LONGTERM_STORAGE_FEE_CHARGES_DATA": UNDOCUMENTED_DAILY,
    # listings and catalogue snapshots
    "GET_MERCHANT_LISTINGS_ALL_DATA": SNAPSHOT,
    "GET_MERCHANT_LISTINGS_DATA": SNAPSHOT,
    "GET_MERCHANT_LISTINGS_INACTIVE_DATA": SNAPSHOT,
    "GET_MERCHANT_LISTINGS_DATA_BACK_COMPAT": SNAPSHOT,
    "GET_FLAT_FILE_OPEN_LISTINGS_DATA": SNAPSHOT,
    "GET_MERCHANT_CANCELLED_LISTINGS_DATA": SNAPSHOT,
    "GET_MERCHANTS_LISTINGS_FYP_REPORT": SNAPSHOT,
    "GET_XML_BROWSE_TREE_DATA": SNAPSHOT,
    "GET_V2_SELLER_PERFORMANCE_REPORT": SNAPSHOT,
    "GET_B2B_PRODUCT_OPPORTUNITIES_RECOMMENDED_FOR_YOU": SNAPSHOT,
    "GET_B2B_PRODUCT_OPPORTUNITIES_NOT_YET_ON_AMAZON": SNAPSHOT,
    # settlements
    "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE": LISTED,
    "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2": LISTED,
    # analytics
    "GET_SALES_AND_TRAFFIC_REPORT": BUSINESS_REPORTS,
    "GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT": RETAIL_ANALYTICS,
    "GET_BRAND_ANALYTICS_MARKET_BASKET_REPORT": RETAIL_ANALYTICS,
    "GET_BRAND_ANALYTICS_REPEAT_PURCHASE_REPORT": RETAIL_ANALYTICS,
    "GET_BRAND_ANALYTICS_SEARCH_CATALOG_PERFORMANCE_REPORT": RETAIL_ANALYTICS,
    "GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT": RETAIL_ANALYTICS,
    "GET_MARKETPLACE_ASIN_PAGE_VIEW_METRICS": UNDOCUMENTED_DAILY,
    "GET_COUPON_PERFORMANCE_REPORT": COUPONS,
    "GET_PROMOTION_PERFORMANCE_REPORT": COUPONS,
    "GET_VENDOR_SALES_REPORT": RETAIL_ANALYTICS,
    "GET_VENDOR_TRAFFIC_REPORT": RETAIL_ANALYTICS,
    "GET_VENDOR_INVENTORY_REPORT": RETAIL_ANALYTICS,
    "GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT": RETAIL_ANALYTICS,
    "GET_VENDOR_FORECASTING_REPORT": SNAPSHOT,
    "GET_VENDOR_REAL_TIME_SALES_REPORT": REAL_TIME,
    "GET_VENDOR_REAL_TIME_INVENTORY_REPORT": REAL_TIME,
    "GET_VENDOR_REAL_TIME_TRAFFIC_REPORT": REAL_TIME_TRAFFIC,
}


def data_delay(report_type: str) -> timedelta:
    """Amazon's delay for the type (KeyError for a type this table lacks: a test keeps it complete)."""
    return DATA_DELAYS[report_type][0]
