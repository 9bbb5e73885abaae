"""Every HTTP call has connect and read timeouts; retries end, in count and in time; polling ends."""

from __future__ import annotations

import time
from typing import Any, List

import pytest
import requests
import requests_mock
from airbyte_cdk.models import ConfiguredAirbyteCatalogSerializer
from airbyte_cdk.test.entrypoint_wrapper import read
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from airbyte_cdk.sources.streams.http import http_client

from source_amazon_seller_partner import auth
from source_amazon_seller_partner.auth import LwaTokenProvider
from source_amazon_seller_partner.config import normalize_config
from source_amazon_seller_partner.rate_limits import SpApiRateLimits
from source_amazon_seller_partner.reports.settings import JobSettings
from source_amazon_seller_partner.source import SourceAmazonSellerPartner
from source_amazon_seller_partner.transport import READ_TIMEOUT_SECONDS
from unit_tests.mock_api import API, LWA
from unit_tests.mock_api import config as mock_config

INVENTORY = f"{API}/fba/inventory/v1/summaries"
# The manifest's error handler (definitions/error_handler): max_retries and max_time
MANIFEST_MAX_RETRIES = 30
MANIFEST_MAX_TIME = 1200


@pytest.fixture
def built_clients(monkeypatch) -> List[Any]:
    """Every CDK HttpClient created while the test runs (declarative requesters and transports alike)."""
    clients: List[Any] = []
    original = http_client.HttpClient.__init__

    def record(self, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        clients.append(self)

    monkeypatch.setattr(http_client.HttpClient, "__init__", record)
    return clients


def pool_sizes(client: Any) -> set:
    return {adapter._pool_maxsize for prefix, adapter in client._session.adapters.items() if prefix in ("http://", "https://")}


# ------------------------------------------------------------------------------------------- timeouts


def test_every_requester_the_source_builds_has_the_timeouts_and_a_pool_per_worker(built_clients):
    source = SourceAmazonSellerPartner(config=mock_config(num_workers=64))
    streams = source.streams(source._config)
    declarative = [s for s in source._stream_configs(source._source_config) if s["retriever"].get("type") == "SimpleRetriever"]
    assert len(built_clients) >= len(declarative) >= 5  # every declarative stream's requester, parents included
    # The finance streams read through two shared transports (finances/retriever.py), built on first use.
    finance = [s for s in streams if s.name in ("ShipmentEvents", "FinancialTransactions")]
    assert len(finance) == 2
    for name, api in (("Finance event streams (listFinancialEvents)", "Finances API"),
                      ("Finance transaction streams (listTransactions)", "Finances API 2024-06-19")):
        source.context.transport(name, {"api_name": api}, error_handler="finance_error_handler")
    assert {c.name for c in built_clients} >= {"Finance event streams (listFinancialEvents)", "Finance transaction streams (listTransactions)"}
    for client in built_clients:
        assert client._request_timeout == (10.0, READ_TIMEOUT_SECONDS), client.name
        assert pool_sizes(client) == {64}, client.name


def test_the_hidden_read_timeout_reaches_every_requester_and_transport(built_clients):
    source = SourceAmazonSellerPartner(config=mock_config(_read_timeout_seconds=0.5))
    source.streams(source._config)
    source.context.transport("check", {})
    assert built_clients and {client._request_timeout for client in built_clients} == {(10.0, 0.5)}


def test_transport_calls_and_downloads_carry_both_timeouts():
    context = SourceAmazonSellerPartner(config=mock_config()).context
    with requests_mock.Mocker() as mock:
        mock.post(LWA, json={"access_token": "Atza|unit", "expires_in": 3600})
        mock.get(f"{API}/reports/2021-06-30/reports/1", json={"processingStatus": "DONE"})
        mock.post(f"{API}/tokens/2021-03-01/restrictedDataToken", json={"restrictedDataToken": "Atz.sprdt|unit", "expiresIn": 3600})
        mock.get("https://documents.test/doc", text="a\tb\n")
        context.transport("reports", {}).get_json("/reports/2021-06-30/reports/1")
        context.restricted_tokens.token_for("/orders/v0/orders/{orderId}/address")
        context.documents.get("https://documents.test/doc").close()
        timeouts = {(r.method, r.url.split("?")[0]): r.timeout for r in mock.request_history}
    assert timeouts[("GET", f"{API}/reports/2021-06-30/reports/1")] == (10.0, 120.0)
    assert timeouts[("POST", f"{API}/tokens/2021-03-01/restrictedDataToken")] == (10.0, 120.0)
    assert timeouts[("GET", "https://documents.test/doc")] == (10.0, 120.0)
    assert timeouts[("POST", LWA)] == auth.LWA_TIMEOUT
    connect, read_timeout = auth.LWA_TIMEOUT
    assert 0 < connect <= 30 and 0 < read_timeout <= 60


# -------------------------------------------------------------------------------------------- retries


@pytest.fixture
def pauses(monkeypatch) -> List[float]:
    """Backoff sleeps of a second or more (the CDK's retries, LWA's), recorded instead of slept."""
    recorded: List[float] = []
    real_sleep = time.sleep
    monkeypatch.setattr(time, "sleep", lambda s: recorded.append(s) if s >= 1 else real_sleep(s))
    return recorded


@pytest.mark.parametrize(
    "answer",
    [{"status_code": 500, "json": {"errors": []}}, {"status_code": 503, "json": {"errors": []}}, {"exc": requests.ConnectionError},
     {"exc": requests.ReadTimeout}, {"exc": requests.exceptions.ChunkedEncodingError}],
    ids=["500", "503", "connection error", "read timeout", "body cut"],
)
def test_transport_retries_end_after_the_manifests_max_retries(answer, pauses, monkeypatch):
    monkeypatch.setattr(SpApiRateLimits, "acquire_call", lambda self, request, block=True, timeout=None: None)
    transport = SourceAmazonSellerPartner(config=mock_config()).context.transport("reports", {})
    with requests_mock.Mocker() as mock:
        mock.post(LWA, json={"access_token": "Atza|unit", "expires_in": 3600})
        calls = mock.get(f"{API}/reports/2021-06-30/reports/1", **answer)
        with pytest.raises(AirbyteTracedException):
            transport.get_json("/reports/2021-06-30/reports/1")
    assert calls.call_count == 1 + MANIFEST_MAX_RETRIES
    assert sum(pauses) <= MANIFEST_MAX_TIME


def test_transport_gives_up_on_endless_throttling(pauses, monkeypatch):
    transport = SourceAmazonSellerPartner(config=mock_config()).context.transport("reports", {})
    paced: List[str] = []  # every attempt asks the operation's bucket for a slot (recorded, not waited)
    monkeypatch.setattr(SpApiRateLimits, "acquire_call", lambda self, request, block=True, timeout=None: paced.append(request.url))
    with requests_mock.Mocker() as mock:
        mock.post(LWA, json={"access_token": "Atza|unit", "expires_in": 3600})
        calls = mock.get(f"{API}/reports/2021-06-30/reports/1", status_code=429, json={"errors": [{"code": "QuotaExceeded"}]})
        with pytest.raises(AirbyteTracedException, match="rate limit"):
            transport.get_json("/reports/2021-06-30/reports/1")
    assert calls.call_count == 1 + MANIFEST_MAX_RETRIES
    assert len(paced) == 1 + MANIFEST_MAX_RETRIES


def test_lwa_retries_end_after_three_attempts(pauses):
    provider = LwaTokenProvider(LWA, "id", "secret", "Atzr|token")
    with requests_mock.Mocker() as mock:
        calls = mock.post(LWA, status_code=500, json={"error": "server_error"})
        with pytest.raises(AirbyteTracedException, match="try again later"):
            provider.access_token()
    assert calls.call_count == auth.LWA_ATTEMPTS
    assert sum(pauses) <= 10


def test_manifest_error_handlers_bound_their_retries_in_count_and_time():
    """Retries end: a count, a total time, and waits that grow but never beyond a ceiling."""
    from source_amazon_seller_partner.transport import CappedExponentialBackoff

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
        retries, max_time = handler.get("max_retries"), handler.get("max_time")
        assert isinstance(retries, int) and 0 < retries <= MANIFEST_MAX_RETRIES
        assert isinstance(max_time, int) and 0 < max_time <= MANIFEST_MAX_TIME
        strategies = handler.get("backoff_strategies") or []
        assert strategies, "a retry without a backoff strategy would hammer Amazon"
        settings = {k: v for k, v in strategies[0].items() if k in ("first_seconds", "max_seconds")}
        backoff = CappedExponentialBackoff(config={}, parameters={}, **settings)
        waits = [backoff.backoff_time(None, n) for n in range(1, retries + 1)]
        assert waits[0] <= 1.0 and max(waits) <= 30.0
        assert all(later >= earlier / 2 for earlier, later in zip(waits, waits[1:]))  # growing (within the jitter)
        assert sum(waits) <= max_time


@pytest.mark.parametrize("status", [429, 503])
def test_a_declarative_stream_stops_retrying_and_fails_alone(status, pauses, monkeypatch):
    monkeypatch.setattr(SpApiRateLimits, "acquire_call", lambda self, request, block=True, timeout=None: None)
    config = mock_config()
    catalog = ConfiguredAirbyteCatalogSerializer.load({"streams": [{
        "stream": {"name": "FbaInventorySummaries", "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
        "sync_mode": "full_refresh", "destination_sync_mode": "append"}]})
    with requests_mock.Mocker() as mock:
        mock.post(LWA, json={"access_token": "Atza|unit", "expires_in": 3600})
        calls = mock.get(INVENTORY, status_code=status, json={"errors": [{"code": "QuotaExceeded", "message": "quota"}]})
        output = read(SourceAmazonSellerPartner(catalog=catalog, config=config), config, catalog)
    assert calls.call_count == 1 + MANIFEST_MAX_RETRIES
    assert [e.trace.error.stream_descriptor.name for e in output.errors if e.trace.error.stream_descriptor] == ["FbaInventorySummaries"]
    assert sum(pauses) <= MANIFEST_MAX_TIME


# -------------------------------------------------------------------------------------------- polling


def test_report_polling_has_an_end():
    default = JobSettings.from_config(normalize_config(mock_config()))
    assert 0 < default.wait_timeout_seconds <= 24 * 3600
    assert 0 < default.poll_max_seconds <= 300
    assert JobSettings.from_config(normalize_config(mock_config(report_wait_timeout_minutes=2))).wait_timeout_seconds == 120
    # that the wait really ends there: test_reports.py::test_a_report_still_in_progress_at_the_timeout_fails_the_window_as_transient
    # and integration_tests/test_faults.py ("report stuck past the timeout")
