"""The backfill scenario's minimum createReport calls and quota bounds (bench/backfill.py), from the catalog's data."""

from __future__ import annotations

from datetime import datetime, timezone

from bench.backfill import minimum_calls, quota_bounds
from source_amazon_seller_partner.catalog.reports import load_report_catalog

SPECS = {spec.name: spec for spec in load_report_catalog()}


def specs(*names):
    return [SPECS[name] for name in names]


def test_minimum_calls_follow_the_documented_windows():
    assert minimum_calls(specs("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL")) == {
        "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL": 2 * 25}  # 30 days a report, two marketplaces
    # by date and by ASIN ask for the same report: shared
    assert minimum_calls(specs("GET_SALES_AND_TRAFFIC_REPORT", "GET_SALES_AND_TRAFFIC_REPORT_BY_ASIN")) == {
        "GET_SALES_AND_TRAFFIC_REPORT": 2}
    # whole Sunday-Saturday weeks: 2026-11-29 is a Sunday; 730 days back is Friday 2024-11-29, so the first
    # whole week starts Sunday 2024-12-01 and 104 end before now
    now = datetime(2026, 11, 29, 12, tzinfo=timezone.utc)
    assert minimum_calls(specs("GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT"), now=now)["GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT"] == 2 * 104
    assert minimum_calls(specs("GET_BRAND_ANALYTICS_MARKET_BASKET_REPORT"))["GET_BRAND_ANALYTICS_MARKET_BASKET_REPORT"] == 2
    assert minimum_calls(specs("GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE"))["GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE"] == 0


def test_quota_bounds_follow_amazons_per_type_limits():
    catalog = specs("GET_SALES_AND_TRAFFIC_REPORT", "GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL", "GET_FLAT_FILE_OPEN_LISTINGS_DATA")
    bounds = quota_bounds({"GET_SALES_AND_TRAFFIC_REPORT": 5, "GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL": 4,
                           "GET_FLAT_FILE_OPEN_LISTINGS_DATA": 9}, catalog, time_scale=2.0, marketplaces=2)
    assert bounds == {"GET_SALES_AND_TRAFFIC_REPORT": 3600 / 2,  # the fifth waits an hour
                      "GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL": 1800 / 2}  # two per marketplace, 30 min apart


def test_recent_data_cannot_come_before_every_streams_newest_report_is_asked_for():
    from bench.backfill import newest_requests, recent_lower_bound

    catalog = specs("GET_SALES_AND_TRAFFIC_REPORT", "GET_SALES_AND_TRAFFIC_REPORT_BY_ASIN",  # one shared request
                    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", "GET_FLAT_FILE_OPEN_LISTINGS_DATA",
                    "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE")  # listed, never requested
    assert newest_requests(catalog) == 3 * 2
    # createReport at 1/s after a burst of 4: the sixth newest request goes at 2 s, its rows 0.5 s later
    assert recent_lower_bound(catalog, (1.0, 4), floor_seconds=0.5) == 2.5
