"""Every HTTP call has connect and read timeouts; retries end, in count and in time; polling ends."""

from __future__ import annotations

import time
from typing import Any, Dict, Iterator, List

import pytest
import requests
import requests_mock
from airbyte_cdk.models import ConfiguredAirbyteCatalogSerializer
from airbyte_cdk.test.entrypoint_wrapper import read
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_amazon_seller_partner.components import auth, client
from source_amazon_seller_partner.components.auth import LwaTokenProvider, RestrictedDataTokens
from source_amazon_seller_partner.components.client import MAX_ATTEMPTS, MAX_RETRY_SECONDS, SpApiClient, SpApiError
from source_amazon_seller_partner.components.config import normalize_config
from source_amazon_seller_partner.components.rate_limits import SpApiRateLimits
from source_amazon_seller_partner.components.reports import JobSettings
from source_amazon_seller_partner.source import SourceAmazonSellerPartner
from unit_tests.mock_api import API, LWA, US
from unit_tests.mock_api import config as mock_config

INVENTORY = f"{API}/fba/inventory/v1/summaries"


def requesters(node: Any) -> Iterator[Dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("type") == "HttpRequester":
            yield node
        for value in node.values():
            yield from requesters(value)
    elif isinstance(node, list):
        for value in node:
            yield from requesters(value)


def manifest_requesters(config: Dict[str, Any]) -> List[Dict[str, Any]]:
    # _source_config: the manifest as the CDK builds it ($refs resolved, types propagated)
    return list(requesters(SourceAmazonSellerPartner(config=config)._source_config))


# ------------------------------------------------------------------------------------------- timeouts


def test_every_requester_of_the_manifest_has_connect_and_read_timeouts():
    found = manifest_requesters(mock_config())
    assert len(found) >= 40  # every REST stream, finance event streams included
    for requester in found:
        assert 0 < requester.get("connect_timeout_in_seconds", 0) <= 30, requester.get("path")
        assert 0 < requester.get("read_timeout_in_seconds", 0) <= 300, requester.get("path")


def test_the_hidden_read_timeout_reaches_every_requester_and_the_client():
    config = mock_config(_read_timeout_seconds=0.5)
    assert {r["read_timeout_in_seconds"] for r in manifest_requesters(config)} == {0.5}
    assert SpApiClient(normalize_config(config))._timeouts == (10.0, 0.5)
    assert SpApiClient(normalize_config(mock_config()))._timeouts == (10.0, 120.0)


def test_client_calls_and_downloads_carry_both_timeouts():
    spapi = SpApiClient(normalize_config(mock_config()))
    with requests_mock.Mocker() as mock:
        mock.post(LWA, json={"access_token": "Atza|unit", "expires_in": 3600})
        mock.get(f"{API}/reports/2021-06-30/reports/1", json={"processingStatus": "DONE"})
        mock.get("https://documents.test/doc", text="a\tb\n")
        spapi.get_json("/reports/2021-06-30/reports/1")
        spapi.download("https://documents.test/doc").close()
        timeouts = {(r.method, r.url.split("?")[0]): r.timeout for r in mock.request_history}
    assert timeouts[("GET", f"{API}/reports/2021-06-30/reports/1")] == (10.0, 120.0)
    assert timeouts[("GET", "https://documents.test/doc")] == (10.0, 120.0)
    assert timeouts[("POST", LWA)] == auth.LWA_TIMEOUT


def test_lwa_and_restricted_data_token_calls_carry_both_timeouts():
    config = normalize_config(mock_config())
    with requests_mock.Mocker() as mock:
        mock.post(LWA, json={"access_token": "Atza|unit", "expires_in": 3600})
        mock.post(f"{API}/tokens/2021-03-01/restrictedDataToken", json={"restrictedDataToken": "Atz.sprdt|unit", "expiresIn": 3600})
        RestrictedDataTokens.for_config(config).token_for("/orders/v0/orders/{orderId}/address")
        assert [r.timeout for r in mock.request_history] == [auth.LWA_TIMEOUT, auth.LWA_TIMEOUT]
    connect, read_timeout = auth.LWA_TIMEOUT
    assert 0 < connect <= 30 and 0 < read_timeout <= 60


# -------------------------------------------------------------------------------------------- retries


@pytest.fixture
def pauses(monkeypatch) -> List[float]:
    """The client's and LWA's sleeps, recorded instead of slept."""
    recorded: List[float] = []
    monkeypatch.setattr(client.time, "sleep", recorded.append)
    monkeypatch.setattr(auth.time, "sleep", recorded.append)
    return recorded


@pytest.mark.parametrize(
    "answer",
    [{"status_code": 500, "json": {"errors": []}}, {"status_code": 503, "json": {"errors": []}}, {"exc": requests.ConnectionError},
     {"exc": requests.ReadTimeout}, {"exc": requests.exceptions.ChunkedEncodingError}],
    ids=["500", "503", "connection error", "read timeout", "body cut"],
)
def test_client_retries_end_after_max_attempts_and_max_time(answer, pauses):
    spapi = SpApiClient(normalize_config(mock_config()))
    with requests_mock.Mocker() as mock:
        mock.post(LWA, json={"access_token": "Atza|unit", "expires_in": 3600})
        calls = mock.get(f"{API}/reports/2021-06-30/reports/1", **answer)
        with pytest.raises(SpApiError, match=f"failed after {MAX_ATTEMPTS} attempts"):
            spapi.get_json("/reports/2021-06-30/reports/1")
    assert calls.call_count == MAX_ATTEMPTS
    assert sum(pauses) <= MAX_RETRY_SECONDS


def test_client_gives_up_on_endless_throttling(monkeypatch):
    spapi = SpApiClient(normalize_config(mock_config()))
    paced: List[str] = []  # every attempt asks the operation's bucket for a slot (recorded, not waited)
    monkeypatch.setattr(SpApiRateLimits, "acquire_call", lambda self, request, block=True, timeout=None: paced.append(request.url))
    with requests_mock.Mocker() as mock:
        mock.post(LWA, json={"access_token": "Atza|unit", "expires_in": 3600})
        calls = mock.get(f"{API}/reports/2021-06-30/reports/1", status_code=429, json={"errors": [{"code": "QuotaExceeded"}]})
        with pytest.raises(SpApiError, match="HTTP 429"):
            spapi.get_json("/reports/2021-06-30/reports/1")
    assert calls.call_count == MAX_ATTEMPTS
    assert len(paced) == MAX_ATTEMPTS


def test_lwa_retries_end_after_three_attempts(pauses):
    provider = LwaTokenProvider(LWA, "id", "secret", "Atzr|token")
    with requests_mock.Mocker() as mock:
        calls = mock.post(LWA, status_code=500, json={"error": "server_error"})
        with pytest.raises(AirbyteTracedException, match="try again later"):
            provider.access_token()
    assert calls.call_count == auth.LWA_ATTEMPTS
    assert sum(pauses) <= 10


def test_manifest_error_handlers_bound_their_retries():
    handlers = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "DefaultErrorHandler":
                handlers.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(SourceAmazonSellerPartner(config=mock_config())._source_config)
    assert handlers
    for handler in handlers:
        retries = handler.get("max_retries")
        assert isinstance(retries, int) and 0 < retries <= 10
        # the CDK sleeps backoff + 1 s; an exponential backoff of factor f waits f * 2^n at retry n
        factors = [s.get("factor", 5) for s in handler.get("backoff_strategies", []) if s.get("type") == "ExponentialBackoffStrategy"]
        assert factors, "a retry without a backoff strategy would hammer Amazon"
        assert sum(factors[0] * 2**n + 1 for n in range(1, retries + 1)) <= 300


@pytest.mark.parametrize("status", [429, 503])
def test_a_declarative_stream_stops_retrying_and_fails_alone(status, monkeypatch):
    slept: List[float] = []
    real_sleep = time.sleep
    # The CDK's backoff sleeps are recorded, not slept; short waits (its own queue polling) still happen.
    monkeypatch.setattr(time, "sleep", lambda s: slept.append(s) if s >= 1 else real_sleep(s))
    monkeypatch.setattr(SpApiRateLimits, "acquire_call", lambda self, request, block=True, timeout=None: None)
    config = mock_config()
    catalog = ConfiguredAirbyteCatalogSerializer.load({"streams": [{
        "stream": {"name": "FbaInventorySummaries", "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
        "sync_mode": "full_refresh", "destination_sync_mode": "append"}]})
    with requests_mock.Mocker() as mock:
        mock.post(LWA, json={"access_token": "Atza|unit", "expires_in": 3600})
        calls = mock.get(INVENTORY, status_code=status, json={"errors": [{"code": "QuotaExceeded", "message": "quota"}]})
        output = read(SourceAmazonSellerPartner(catalog=catalog, config=config), config, catalog)
    max_retries = 6
    assert calls.call_count == 1 + max_retries
    assert [e.trace.error.stream_descriptor.name for e in output.errors if e.trace.error.stream_descriptor] == ["FbaInventorySummaries"]
    assert sum(slept) <= 300


# -------------------------------------------------------------------------------------------- polling


def test_report_polling_has_an_end():
    default = JobSettings.from_config(normalize_config(mock_config()))
    assert 0 < default.wait_timeout_seconds <= 24 * 3600
    assert 0 < default.poll_max_seconds <= 300
    assert JobSettings.from_config(normalize_config(mock_config(report_wait_timeout_minutes=2))).wait_timeout_seconds == 120
    # that the wait really ends there: test_reports.py::test_a_report_still_in_progress_at_the_timeout_fails_the_window_as_transient
    # and integration_tests/test_faults.py ("report stuck past the timeout")
