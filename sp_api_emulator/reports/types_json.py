"""JSON report types: each document is an instance of Amazon's published report schema (amazon_schemas/).

`json_records_paths` are the top-level arrays of Amazon's schema that hold one element per ASIN,
day or period (the first one is what /_emulator/truth counts); other arrays get the schema's
minimum. `default_options` are the options Amazon documents as required for the type (vendor
analytics: reportPeriod, distributorView, sellingProgram; Brand Analytics: reportPeriod).
"""

from __future__ import annotations

from typing import Dict, Tuple

from .definitions import Encoding, ReportType

# (report type, account type) -> Amazon's schema file in amazon_schemas/
AMAZON_SCHEMAS: Dict[Tuple[str, str], str] = {
    ("GET_SALES_AND_TRAFFIC_REPORT", "seller"): "sellerSalesAndTrafficReport.json",
    ("GET_V2_SELLER_PERFORMANCE_REPORT", "seller"): "accountHealthReport-2020-11-18.json",
    ("GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT", "seller"): "sellingPartnerSearchTermsReport.json",
    ("GET_BRAND_ANALYTICS_MARKET_BASKET_REPORT", "seller"): "sellingPartnerMarketBasketAnalysisReport.json",
    ("GET_BRAND_ANALYTICS_REPEAT_PURCHASE_REPORT", "seller"): "sellingPartnerRepeatPurchaseReport.json",
    ("GET_BRAND_ANALYTICS_SEARCH_CATALOG_PERFORMANCE_REPORT", "seller"):
        "sellingPartnerSearchCatalogPerformanceReport.json",
    ("GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT", "seller"): "sellingPartnerSearchQueryPerformanceReport.json",
    ("GET_MARKETPLACE_ASIN_PAGE_VIEW_METRICS", "seller"): "marketplaceAsinPageViewMetrics.json",
    ("GET_COUPON_PERFORMANCE_REPORT", "seller"): "sellerCouponReport.json",
    ("GET_COUPON_PERFORMANCE_REPORT", "vendor"): "vendorCouponReport.json",
    ("GET_PROMOTION_PERFORMANCE_REPORT", "seller"): "promotionReport.json",
    ("GET_B2B_PRODUCT_OPPORTUNITIES_RECOMMENDED_FOR_YOU", "seller"):
        "b2bProductOpportunitiesRecommendedForYouReport-2020-11-19.json",
    ("GET_B2B_PRODUCT_OPPORTUNITIES_NOT_YET_ON_AMAZON", "seller"):
        "b2bProductOpportunitiesNotYetOnAmazonReport-2020-11-19.json",
    ("GET_VENDOR_SALES_REPORT", "vendor"): "vendorSalesReport.json",
    ("GET_VENDOR_TRAFFIC_REPORT", "vendor"): "vendorTrafficReport.json",
    ("GET_VENDOR_INVENTORY_REPORT", "vendor"): "vendorInventoryReport.json",
    ("GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT", "vendor"): "vendorNetPureProductMarginReport.json",
    ("GET_VENDOR_REAL_TIME_SALES_REPORT", "vendor"): "vendorRealTimeSalesReport.json",
    ("GET_VENDOR_REAL_TIME_TRAFFIC_REPORT", "vendor"): "vendorRealTimeTrafficReport.json",
    ("GET_VENDOR_REAL_TIME_INVENTORY_REPORT", "vendor"): "vendorRealTimeInventoryReport.json",
    ("GET_VENDOR_FORECASTING_REPORT", "vendor"): "vendorForecastingReport.json",
}

# JSON documents are gzip-compressed UTF-8 (`application/json; charset=UTF-8`).
JSON_ENCODING = Encoding(charset="UTF-8", gzip=True)
BA_DOC = "SP-API docs: Brand Analytics reports; Amazon's JSON schema"
VENDOR_DOC = "SP-API docs: Vendor Retail Analytics reports; Amazon's JSON schema"
_VENDOR_FULL = {"reportPeriod": "DAY", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"}


def _json(report_type: str, account: str, window: str, source: str, *paths: str, **kwargs) -> ReportType:
    return ReportType(report_type, account, "json", window, source, encoding=JSON_ENCODING,
                      json_records_paths=tuple((p,) for p in paths), **kwargs)


TYPES = [
    _json("GET_V2_SELLER_PERFORMANCE_REPORT", "seller", "snapshot", "Amazon's JSON schema (account health)",
          "performanceMetrics"),
    _json("GET_SALES_AND_TRAFFIC_REPORT", "seller", "date_range", "SP-API docs: Seller Retail Analytics; schema",
          "salesAndTrafficByDate", "salesAndTrafficByAsin", history_days=730,
          default_options={"dateGranularity": "DAY", "asinGranularity": "CHILD"}),
    _json("GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT", "seller", "period", BA_DOC, "dataByDepartmentAndSearchTerm",
          history_days=730, default_options={"reportPeriod": "WEEK"}),
    _json("GET_BRAND_ANALYTICS_MARKET_BASKET_REPORT", "seller", "period", BA_DOC, "dataByAsin", history_days=730,
          default_options={"reportPeriod": "WEEK"}),
    _json("GET_BRAND_ANALYTICS_REPEAT_PURCHASE_REPORT", "seller", "period", BA_DOC, "dataByAsin", history_days=730,
          default_options={"reportPeriod": "WEEK"}),
    _json("GET_BRAND_ANALYTICS_SEARCH_CATALOG_PERFORMANCE_REPORT", "seller", "period", BA_DOC, "dataByAsin",
          history_days=730, default_options={"reportPeriod": "WEEK"}),
    _json("GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT", "seller", "period", BA_DOC, "dataByAsin",
          history_days=730, default_options={"reportPeriod": "WEEK"}),
    _json("GET_MARKETPLACE_ASIN_PAGE_VIEW_METRICS", "seller", "date_range", "Amazon's JSON schema",
          "marketplaceAsinPageViewMetrics", max_days=7, history_days=7),
    _json("GET_COUPON_PERFORMANCE_REPORT", "seller", "date_range", "Amazon's JSON schema", "coupons",
          history_days=730),
    _json("GET_COUPON_PERFORMANCE_REPORT", "vendor", "date_range", "Amazon's JSON schema", "campaigns",
          history_days=730),
    _json("GET_PROMOTION_PERFORMANCE_REPORT", "seller", "date_range", "Amazon's JSON schema", "promotions",
          history_days=730),
    _json("GET_B2B_PRODUCT_OPPORTUNITIES_RECOMMENDED_FOR_YOU", "seller", "snapshot", "Amazon's JSON schema",
          "recommendations"),
    _json("GET_B2B_PRODUCT_OPPORTUNITIES_NOT_YET_ON_AMAZON", "seller", "snapshot", "Amazon's JSON schema",
          "recommendations"),
    _json("GET_VENDOR_SALES_REPORT", "vendor", "period", VENDOR_DOC, "salesByAsin", history_days=730,
          default_options=_VENDOR_FULL),
    _json("GET_VENDOR_TRAFFIC_REPORT", "vendor", "period", VENDOR_DOC, "trafficByAsin", history_days=730,
          default_options={"reportPeriod": "DAY"}),
    _json("GET_VENDOR_INVENTORY_REPORT", "vendor", "period", VENDOR_DOC, "inventoryByAsin", history_days=730,
          default_options=_VENDOR_FULL),
    _json("GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT", "vendor", "period", VENDOR_DOC, "netPureProductMarginByAsin",
          history_days=730, default_options={"reportPeriod": "DAY"}),
    _json("GET_VENDOR_REAL_TIME_SALES_REPORT", "vendor", "date_range", VENDOR_DOC, "reportData", max_days=1,
          history_days=7),
    _json("GET_VENDOR_REAL_TIME_TRAFFIC_REPORT", "vendor", "date_range", VENDOR_DOC, "reportData", max_days=1,
          history_days=7),
    _json("GET_VENDOR_REAL_TIME_INVENTORY_REPORT", "vendor", "date_range", VENDOR_DOC, "reportData", max_days=1,
          history_days=7),
    _json("GET_VENDOR_FORECASTING_REPORT", "vendor", "snapshot", VENDOR_DOC, "forecastByAsin",
          default_options={"sellingProgram": "RETAIL"}),
]
