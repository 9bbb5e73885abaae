"""Late data and the configured range: every report type's documented delay (re-read by each incremental
sync), the order and finance streams' floors under lookback_window_days, report windows from the
configured start as given, and rows whose own date is outside the range left out."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from source_amazon_seller_partner.catalog.manifest import spec_defaults
from source_amazon_seller_partner.catalog.report_streams import report_stream_definitions
from source_amazon_seller_partner.catalog.reports import load_report_catalog
from source_amazon_seller_partner.config import normalize_config
from source_amazon_seller_partner.errors import ConfigError
from source_amazon_seller_partner.reports.row_range import RowRange
from unit_tests.mock_api import config
from unit_tests.test_report_documents import done_report
from unit_tests.test_reports import ORDERS, SCHEMAS, make_sync, mocker, read, window  # noqa: F401 (mocker: a fixture)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import late_data_table  # noqa: E402  (tools/ is not a package)

DATED_KINDS = ("date_range", "period")
# Dated streams whose rows carry no date of their own, and why nothing is dropped from them.
UNDATED_ROWS = {
    "GET_SALES_AND_TRAFFIC_REPORT_BY_ASIN": "one aggregate per ASIN over the requested window",
    "GET_COUPON_PERFORMANCE_REPORT_VENDOR": "campaigns carry no start date; their coupons are chosen by start",
}
DURATION = re.compile(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")


def seconds(duration: str) -> int:
    match = DURATION.fullmatch(duration)
    assert match and duration not in ("P", "PT"), f"not an ISO 8601 duration in days/hours/minutes/seconds: {duration!r}"
    days, hours, minutes, secs = (int(part or 0) for part in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + secs


# --------------------------------------------------------------------------------------------- catalog


@pytest.mark.parametrize("spec", load_report_catalog(), ids=lambda s: s.name)
def test_every_report_names_its_data_delay_and_where_the_figure_comes_from(spec):
    delay = seconds(spec.data_delay)
    assert len(spec.data_delay_source) >= 30, "say where the figure comes from (Amazon's page, a schema, or that none exists)"
    if spec.window_kind in DATED_KINDS:
        assert delay > 0, "a dated report with no delay would never re-read what Amazon adds late"


@pytest.mark.parametrize("spec", load_report_catalog(), ids=lambda s: s.name)
def test_every_dated_report_names_its_rows_own_date(spec):
    if spec.window_kind not in DATED_KINDS:
        assert spec.row_date is None, "snapshots and listed reports are read whole"
        return
    if spec.name in UNDATED_ROWS:
        assert spec.row_date is None
        return
    properties = json.loads((SCHEMAS / f"{spec.name}.json").read_text())["properties"]
    assert spec.row_date in properties, f"row_date {spec.row_date!r} is not a column of the stream"


def test_dated_report_streams_reread_their_delay_and_the_others_nothing():
    specs = load_report_catalog()
    streams = [s for group in report_stream_definitions(specs, spec_defaults()) for s in group["streams"]]
    by_name = {spec.name: spec for spec in specs}
    assert {s["name"] for s in streams} == {spec.name for spec in specs if not spec.required_options}  # all offered
    for stream in streams:
        spec = by_name[stream["name"]]
        lookback = stream["incremental_sync"].get("lookback_window")
        assert lookback == (spec.data_delay if spec.window_kind in DATED_KINDS else None), spec.name
    orders = by_name["GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL"]
    assert seconds(orders.data_delay) == 30 * 60 and "30-minute" in orders.data_delay_source


# ---------------------------------------------------------------------------------------------- config


def test_report_windows_start_at_a_configured_start_as_given_and_the_default_at_its_day():
    now = datetime(2026, 11, 20, 15, 30, 5, tzinfo=timezone.utc)
    given = normalize_config(config(replication_start_date="2026-11-01T14:00:00Z"), now=now)
    assert given["_report_start_date"] == given["_start_date"] == "2026-11-01T14:00:00Z"
    default = normalize_config(config(), now=now)
    assert default["_start_date"] == "2024-11-20T15:30:05Z"  # two years
    assert default["_report_start_date"] == "2024-11-20T00:00:00Z"  # stable through the day: a retry asks the same windows
    too_old = normalize_config(config(replication_start_date="2020-01-01T14:00:00Z"), now=now)
    assert too_old["_report_start_date"] == "2024-11-20T00:00:00Z"


@pytest.mark.parametrize("days, lookback, orders, finances", [
    (0, "PT0M", "PT30M", "PT2880M"),
    (1, "PT1440M", "PT1440M", "PT2880M"),
    (3, "PT4320M", "PT4320M", "PT4320M"),
])
def test_lookback_window_days_never_goes_below_amazons_documented_delays(days, lookback, orders, finances):
    normalized = normalize_config(config(lookback_window_days=days))
    assert (normalized["_lookback_window"], normalized["_orders_lookback_window"], normalized["_finances_lookback_window"]) == (
        lookback, orders, finances)


@pytest.mark.parametrize("value", [-1, 31, "2", 1.5])
def test_an_unusable_lookback_is_one_line_naming_the_key(value):
    with pytest.raises(ConfigError) as error:
        normalize_config(config(lookback_window_days=value))
    assert "'lookback_window_days'" in str(error.value) and "\n" not in str(error.value)


# ---------------------------------------------------------------------------------------------- rows


START = datetime(2026, 9, 1, 14, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("value, kept", [
    ("2026-09-01T12:41:00+00:00", False),
    ("2026-09-01T14:00:00+00:00", True),
    ("2026-09-01T07:00:00-08:00", True),  # 15:00 UTC
    ("2026-09-01T14:00:00Z", True),
    ("2026-09-01", True),  # the start's day: a whole-day row is not before it
    ("2026-08-31", False),
    ("2026-09", True), ("2026-08", False),  # months
    ("09/2026", True), ("08/2026", False),  # the monthly inventory report's MM/YYYY
    ("", True), (None, True), ("not a date", True),  # unknown: kept, never silently lost
])
def test_a_row_is_compared_to_the_start_at_its_own_precision(value, kept):
    assert RowRange("date", START).keeps({"date": value}) is kept


def test_a_configured_end_bounds_the_rows_too():
    bounded = RowRange("date", START, datetime(2026, 9, 30, 12, 0, tzinfo=timezone.utc))
    assert bounded.keeps({"date": "2026-09-30"}) and bounded.keeps({"date": "2026-09-30T12:00:00Z"})
    assert not bounded.keeps({"date": "2026-09-30T12:00:01Z"}) and not bounded.keeps({"date": "2026-10-01"})


def test_the_range_comes_from_the_config_and_the_end_only_when_configured():
    normalized = normalize_config(config(replication_start_date="2026-09-01T14:00:00Z"))
    assert RowRange.for_stream("purchase-date", normalized) == RowRange("purchase-date", START)
    assert RowRange.for_stream(None, normalized) is None
    ended = normalize_config(config(replication_start_date="2026-09-01T14:00:00Z", replication_end_date="2026-09-30T12:00:00Z"))
    assert RowRange.for_stream("purchase-date", ended).end == datetime(2026, 9, 30, 12, 0, tzinfo=timezone.utc)


def test_report_rows_dated_before_the_configured_start_are_left_out_and_logged(mocker, caplog):
    body = ("amazon-order-id\tsku\tpurchase-date\tquantity\r\n"
            "111-0000001-0000001\tSKU-A\t2026-09-01T12:41:00+00:00\t1\r\n"  # Amazon's range is by fulfillable date
            "111-0000002-0000002\tSKU-B\t2026-09-01T14:20:00+00:00\t2\r\n"
            "111-0000003-0000003\tSKU-C\t\t3\r\n").encode("cp1252")
    done_report(mocker, [{"content": body, "headers": {"Content-Type": "text/plain;charset=Cp1252"}}])
    sync = make_sync(replication_start_date="2026-09-01T14:00:00Z")
    with caplog.at_level(logging.INFO, logger="airbyte"):
        records = read(sync, ORDERS, window(start="2026-09-01T14:00:00Z", end="2026-09-30T23:59:59Z"))
    assert [r["amazon-order-id"] for r in records] == ["111-0000002-0000002", "111-0000003-0000003"]
    assert any("Left out 1 row" in m and "purchase-date" in m and "2026-09-01T14:00:00Z" in m for m in caplog.messages)


# ------------------------------------------------------------------------------------------------ docs


def test_the_readmes_late_data_table_is_current():
    assert late_data_table.main(["--check"]) == 0, "run: .venv/bin/python tools/late_data_table.py --write"
    assert "`GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL` | 30 minutes |" in late_data_table.table()
