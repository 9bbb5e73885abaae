"""What a sync is given besides the config: saved state (ours, 4.6.4's, or broken), a catalog naming
streams this source does not have, and credentials Login with Amazon refuses."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List
from urllib.parse import parse_qs, urlsplit

import pytest
import requests_mock
from airbyte_cdk.models import AirbyteStateMessageSerializer, ConfiguredAirbyteCatalogSerializer, FailureType
from airbyte_cdk.test.entrypoint_wrapper import read

from source_amazon_seller_partner.config import ORDERS_DATA_DELAY
from source_amazon_seller_partner.source import SourceAmazonSellerPartner
from unit_tests.mock_api import API, LWA, config

NOW = datetime.now(timezone.utc).replace(microsecond=0)
REPORTS = f"{API}/reports/2021-06-30/reports"
ORDERS_REPORT = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL"


def iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def catalog(*names: str):
    return ConfiguredAirbyteCatalogSerializer.load({"streams": [
        {"stream": {"name": n, "json_schema": {}, "supported_sync_modes": ["full_refresh", "incremental"]},
         "sync_mode": "incremental", "destination_sync_mode": "append"} for n in names]})


def state_of(stream: str, stream_state: Dict[str, Any], kind: str = "STREAM"):
    descriptor = {"stream_descriptor": {"name": stream}, "stream_state": stream_state}
    if kind == "GLOBAL":
        return AirbyteStateMessageSerializer.load({"type": "GLOBAL", "global": {"shared_state": {}, "stream_states": [descriptor]}})
    return AirbyteStateMessageSerializer.load({"type": "STREAM", "stream": descriptor})


def run_read(cfg: Dict[str, Any], names: List[str], state=None, expect_failure: bool = False):
    cat = catalog(*names)
    return read(SourceAmazonSellerPartner(catalog=cat, config=cfg, state=state), cfg, cat, state, expecting_exception=expect_failure)


def params(request) -> Dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}


@pytest.fixture
def api():
    with requests_mock.Mocker() as mock:
        mock.post(LWA, json={"access_token": "Atza|unit-access", "expires_in": 3600})
        mock.get(f"{API}/orders/v0/orders", json={"payload": {"Orders": []}})
        mock.get(f"{API}/orders/2026-01-01/orders", json={"orders": []})
        mock.get(f"{API}/finances/v0/financialEventGroups", json={"payload": {"FinancialEventGroupList": []}})
        # no recent report to reuse; Amazon cancels a report without data
        mock.get(REPORTS, json={"reports": []})
        mock.post(REPORTS, status_code=202, json={"reportId": "R1"})
        mock.get(f"{REPORTS}/R1", json={"reportId": "R1", "processingStatus": "CANCELLED"})
        yield mock


def first_window_start(mock, path: str, parameter: str) -> datetime:
    starts = [params(r)[parameter] for r in mock.request_history if urlsplit(r.url).path.endswith(path) and parameter in params(r)]
    assert starts, f"no request to {path}"
    return min(datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc) for value in starts)


# ------------------------------------------------------------------------------------------- state


SEARCH_ORDERS = ("2026-01-01", "/orders/2026-01-01/orders", "lastUpdatedAfter")
GET_ORDERS = ("v0", "/orders/v0/orders", "LastUpdatedAfter")


@pytest.mark.parametrize("orders_api, path, after", [SEARCH_ORDERS, GET_ORDERS], ids=["2026-01-01", "v0"])
@pytest.mark.parametrize("stream", ["Orders", "OrderItems"])
def test_a_4_6_4_orders_state_continues_without_a_resync(api, orders_api, path, after, stream):
    saved = NOW - timedelta(days=5)
    cfg = config(lookback_window_days=0, marketplaces=["US", "CA"], orders_api=orders_api)
    output = run_read(cfg, [stream], state=[state_of(stream, {"LastUpdateDate": iso(saved)})])
    assert output.errors == []
    # from the saved cursor, less Amazon's 30 minutes for order data (lookback_window_days 0 cannot go below)
    assert first_window_start(api, path, after) == saved - ORDERS_DATA_DELAY


@pytest.mark.parametrize("value", ["2026-11-01", "2026-11-01T00:00:00Z", "2026-11-01T00:00:00+00:00", "2026-11-01T00:00:00.000Z"])
def test_a_report_state_in_any_format_4_6_4_wrote_is_read(api, value):
    output = run_read(config(lookback_window_days=0), [ORDERS_REPORT], state=[state_of(ORDERS_REPORT, {"dataEndTime": value})])
    assert output.errors == []
    body = next(r.json() for r in api.request_history if r.method == "POST" and r.url == REPORTS)
    assert body["dataStartTime"] == "2026-10-31T23:30:00Z"  # the saved end, less the report's 30-minute data delay


def test_a_report_state_under_4_6_4s_own_cursor_field_is_read(api):
    run_read(config(lookback_window_days=0), [ORDERS_REPORT], state=[state_of(ORDERS_REPORT, {"last-updated-date": "2026-11-01T10:00:00+00:00"})])
    body = next(r.json() for r in api.request_history if r.method == "POST" and r.url == REPORTS)
    assert body["dataStartTime"] == "2026-11-01T09:30:00Z"


def test_a_global_state_message_is_read_per_stream(api):
    saved = NOW - timedelta(days=5)
    output = run_read(config(lookback_window_days=0), ["Orders"], state=[state_of("Orders", {"LastUpdateDate": iso(saved)}, kind="GLOBAL")])
    assert output.errors == []
    assert first_window_start(api, "/orders/2026-01-01/orders", "lastUpdatedAfter") == saved - ORDERS_DATA_DELAY


@pytest.mark.parametrize("value", [1700000000, "not a date", "31/12/2025 noon", None])
def test_an_unreadable_cursor_fails_its_stream_alone_naming_stream_and_value(api, value):
    state = [state_of(ORDERS_REPORT, {"dataEndTime": value}), state_of("Orders", {"LastUpdateDate": iso(NOW - timedelta(days=2))})]
    output = run_read(config(), [ORDERS_REPORT, "Orders"], state=state, expect_failure=True)
    errors = [m.trace.error for m in output.errors]
    assert errors and all(e.failure_type == FailureType.config_error for e in errors)
    assert any(ORDERS_REPORT in e.message and repr(value) in e.message for e in errors)
    assert all("\n" not in e.message and not e.stack_trace for e in errors if e.stream_descriptor)
    # the other stream ran: Orders was requested, the broken stream's report never
    assert [r for r in api.request_history if "/orders/2026-01-01/orders" in r.url]
    assert not [r for r in api.request_history if r.method == "POST" and r.url == REPORTS]


@pytest.mark.parametrize("orders_api, path, after", [SEARCH_ORDERS, GET_ORDERS], ids=["2026-01-01", "v0"])
def test_a_config_without_lookback_window_days_uses_the_documented_default_of_two_days(api, orders_api, path, after):
    from source_amazon_seller_partner.catalog.manifest import spec_defaults

    assert spec_defaults()["lookback_window_days"] == 2  # what the spec documents
    saved = NOW - timedelta(days=5)
    cfg = config(orders_api=orders_api)
    assert "lookback_window_days" not in cfg  # as the command line or PyAirbyte would pass it
    run_read(cfg, ["Orders"], state=[state_of("Orders", {"LastUpdateDate": iso(saved)})])
    assert first_window_start(api, path, after) == saved - timedelta(days=2)


# ----------------------------------------------------------------------------------------- catalog


def test_an_unknown_stream_in_the_catalog_is_warned_about_and_the_rest_runs(api):
    output = run_read(config(), ["Orders", "VendorOrders", "OrdersTypo"])
    assert output.errors == []
    warnings = [m.log.message for m in output.logs if m.log.level.value == "WARN"]
    assert any("VendorOrders" in w and "OrdersTypo" in w for w in warnings)
    assert [r for r in api.request_history if "/orders/2026-01-01/orders" in r.url]


def test_a_catalog_of_only_unknown_streams_is_a_config_error(api):
    output = run_read(config(), ["VendorOrders"], expect_failure=True)
    errors = [m.trace.error for m in output.errors]
    assert len(errors) == 1 and errors[0].failure_type == FailureType.config_error
    assert "VendorOrders" in errors[0].message and "account_type" in errors[0].message


# ------------------------------------------------------------------------------------- credentials


def test_a_refused_refresh_token_is_one_lwa_call_and_one_clear_error():
    names = ["Orders", "OrderItems", "ListFinancialEventGroups", "ShipmentEvents", "RefundEvents", "FbaInventorySummaries",
             ORDERS_REPORT, "GET_MERCHANT_LISTINGS_ALL_DATA", "MarketplaceParticipations", "ServiceFeeEvents"]
    with requests_mock.Mocker() as mock:
        lwa = mock.post(LWA, status_code=400, json={"error": "invalid_grant", "error_description": "The request has an invalid grant parameter"})
        output = run_read(config(marketplaces=["US", "CA"]), names, expect_failure=True)
        spapi_calls = [r for r in mock.request_history if r.url.startswith(API)]
    errors = [m.trace.error for m in output.errors]
    assert lwa.call_count == 1
    assert len(errors) == 1 and errors[0].failure_type == FailureType.config_error
    assert "refresh_token" in errors[0].message and not errors[0].stack_trace
    assert spapi_calls == []
