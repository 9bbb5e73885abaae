"""The Connector Builder edition (builder/manifest.yaml) against the emulator, run as Airbyte Cloud runs
a Builder connector: the CDK alone, custom components refused (custom_components_trusted=False, as
source-declarative-manifest and the Builder's server build it) and AIRBYTE_ENABLE_UNSAFE_CODE unset.

Its records are compared with the full connector's on the same emulator, config and fixed window, the
full connector on the same Orders API (`orders_api: v0`). No field is left out of the comparison: every
record of every covered stream must be equal.

Two settings of the emulator, both for the comparison only: Amazon's identical-report cooldown is off
(the two editions request the same reports one after the other), and access tokens live an hour of
Amazon's time (the Builder edition renews them on a clock, the emulator's clock runs 600 times faster).
The emulator's clock also shortens the API budget's windows by the same factor (their values are
Amazon's, checked in unit_tests/test_builder_edition.py).
"""

from __future__ import annotations

import copy
import functools
import json
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import pytest
import yaml
from airbyte_cdk.connector_builder.main import handle_request
from airbyte_cdk.models import AirbyteMessageSerializer, ConfiguredAirbyteCatalogSerializer, Type
from airbyte_cdk.sources.declarative.async_job.job_orchestrator import AsyncJobOrchestrator
from airbyte_cdk.sources.declarative.concurrent_declarative_source import ConcurrentDeclarativeSource
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, _run_command, discover, make_file, read
from isodate import parse_duration

from integration_tests.acceptance_configs import options_required_by_amazon
from integration_tests.conftest import FAST_TIME_SCALE
from integration_tests.sync_harness import catalog_for, config_for, fixed_window, issued_tokens, leaked, record_presigned_urls, secret_values
from source_amazon_seller_partner.catalog.finance_streams import financial_event_types
from source_amazon_seller_partner.source import SourceAmazonSellerPartner

REPO = Path(__file__).resolve().parents[1]
BUILDER_MANIFEST = REPO / "builder" / "manifest.yaml"
DAYS = 14


@pytest.fixture(autouse=True)
def no_custom_code(monkeypatch):
    monkeypatch.delenv("AIRBYTE_ENABLE_UNSAFE_CODE", raising=False)
    # The CDK polls reports every 5 s of real time (not configurable in a manifest); the emulator's
    # reports get ready on its fast clock, so the pause is shortened by the same factor as the budget.
    monkeypatch.setattr(AsyncJobOrchestrator, "_WAIT_TIME_BETWEEN_STATUS_UPDATE_IN_SECONDS",
                        AsyncJobOrchestrator._WAIT_TIME_BETWEEN_STATUS_UPDATE_IN_SECONDS / FAST_TIME_SCALE)


@pytest.fixture
def emu(make_emulator):
    return make_emulator(token_lifetime_seconds=3600 * FAST_TIME_SCALE, report_cooldown_seconds=0)


def builder_manifest() -> Dict[str, Any]:
    return copy.deepcopy(_builder_manifest())


@functools.lru_cache(maxsize=1)
def _builder_manifest() -> Dict[str, Any]:
    """The committed manifest, its API budget's windows shortened as the emulator's clock is."""
    manifest = yaml.safe_load(BUILDER_MANIFEST.read_text(encoding="utf-8"))
    for policy in manifest["api_budget"]["policies"]:
        for rate in policy["rates"]:
            rate["interval"] = f"PT{parse_duration(rate['interval']).total_seconds() / FAST_TIME_SCALE:.6f}S"
    return manifest


def builder_source(manifest: Mapping[str, Any], config: Mapping[str, Any], catalog=None, state=None) -> ConcurrentDeclarativeSource:
    return ConcurrentDeclarativeSource(
        source_config=copy.deepcopy(dict(manifest)), config=config, catalog=catalog, state=state, custom_components_trusted=False
    )


def configured(names: List[str]):
    return ConfiguredAirbyteCatalogSerializer.load(catalog_for(names))


def by_stream(output: EntrypointOutput) -> Dict[str, List[Dict[str, Any]]]:
    records: Dict[str, List[Dict[str, Any]]] = defaultdict(list)
    for message in output.records:
        records[message.record.stream].append(message.record.data)
    return records


def canonical(records: List[Mapping[str, Any]]) -> List[str]:
    return sorted(json.dumps(record, sort_keys=True) for record in records)


def discovered(output: EntrypointOutput) -> Dict[str, Any]:
    return {stream.name: stream for stream in output.catalog.catalog.streams}


def custom_types(node: Any) -> set:
    """Every component type of a manifest naming a custom class (CustomRetriever, CustomAuthenticator...)."""
    if isinstance(node, list):
        return set().union(*(custom_types(item) for item in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = {node["type"]} if isinstance(node.get("type"), str) and node["type"].startswith("Custom") else set()
    return found.union(*(custom_types(value) for value in node.values())) if node else found


def output_text(output: EntrypointOutput) -> str:
    """Every message the run printed (records, logs, traces, states), as JSON lines."""
    messages = output.get_message_by_types(list(Type))
    return "\n".join(json.dumps(AirbyteMessageSerializer.dump(message), default=str) for message in messages)


def compare_editions(emu, config: Dict[str, Any], expected_streams: int, only: Optional[List[str]] = None) -> Dict[str, int]:
    """Both editions read every stream the Builder edition offers (or `only` those); returns records per stream."""
    manifest = builder_manifest()
    urls = record_presigned_urls(emu)
    builder_catalog = discovered(discover(builder_source(manifest, config), config))
    full_catalog = discovered(discover(SourceAmazonSellerPartner(config=config), config))
    assert len(builder_catalog) == expected_streams, sorted(builder_catalog)
    names = sorted(only if only is not None else builder_catalog)
    for name in names:  # same names, keys and cursors as the full connector
        builder_stream, full_stream = builder_catalog[name], full_catalog[name]
        assert builder_stream.source_defined_primary_key == full_stream.source_defined_primary_key, name
        assert builder_stream.default_cursor_field == full_stream.default_cursor_field, name

    catalog = configured(names)
    builder_output = read(builder_source(manifest, config, catalog), config, catalog)
    full_output = read(SourceAmazonSellerPartner(catalog=catalog, config=config), config, catalog)
    assert not builder_output.errors, [e.trace.error.message for e in builder_output.errors]
    assert not full_output.errors, [e.trace.error.message for e in full_output.errors]

    builder_records, full_records = by_stream(builder_output), by_stream(full_output)
    for name in names:
        assert canonical(builder_records[name]) == canonical(full_records[name]), name
    secrets = secret_values(emu, [config], urls)
    assert urls or only is not None  # every report stream read: its presigned URLs are among the secrets
    assert not leaked(output_text(builder_output), secrets), leaked(output_text(builder_output), secrets)
    counts = {name: len(builder_records[name]) for name in names}
    print(f"Builder edition vs full connector: {len(names)} streams, {sum(counts.values())} records equal; per stream {counts}")
    return counts


def test_seller_streams_read_what_the_full_connector_reads(emu):
    start, end = fixed_window(DAYS)
    # 7-day finance windows: several windows, and events without a date of their own get each window's last second
    config = config_for(emu, start, end, orders_api="v0", financial_events_step="7",
                        report_options_list=options_required_by_amazon(), report_fatal_retry_cooldown_seconds=1)
    # 8 REST streams (participations, 4 order streams, event groups, FBA inventory, listings), 36 finance
    # streams, 19 reports (6 flat files, 13 JSON with the two that need an option)
    counts = compare_editions(emu, config, expected_streams=63)
    assert sum(1 for count in counts.values() if count) >= 28, counts
    # streams with data on every day of the emulator's calendar (the monthly finance events are read
    # over a whole month below: a 14-day window holds them on some dates only)
    for name in ("Orders", "OrderItems", "ShipmentEvents", "FinancialTransactions", "ListFinancialEvents",
                 "GET_AFN_INVENTORY_DATA", "GET_FBA_FULFILLMENT_REMOVAL_ORDER_DETAIL_DATA", "GET_SALES_AND_TRAFFIC_REPORT",
                 "GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT", "ListingsItems"):
        assert counts[name], f"{name} read nothing: the comparison would prove little"


def test_finance_streams_over_a_month_read_what_the_full_connector_reads(emu):
    """Amazon posts service fees, adjustments and ads payments once a month (the emulator too, the
    adjustments between the 8th and the 20th: up to 43 days apart): 46 days hold each of them whatever
    the date."""
    start, end = fixed_window(46)
    config = config_for(emu, start, end, orders_api="v0", financial_events_step="14")
    finance = [entry["stream"] for entry in financial_event_types()] + ["ListFinancialEvents", "FinancialTransactions"]
    counts = compare_editions(emu, config, expected_streams=63 - 2, only=finance)
    for name in ("ShipmentEvents", "ServiceFeeEvents", "AdjustmentEvents", "ProductAdsPaymentEvents", "FinancialTransactions"):
        assert counts[name], f"{name} read nothing: the comparison would prove little"


def test_vendor_streams_read_what_the_full_connector_reads(emu):
    start, end = fixed_window(DAYS)
    config = config_for(emu, start, end, account_type="Vendor", refresh_token=emu.credentials.vendor_refresh_token,
                        marketplaces=["US"], report_fatal_retry_cooldown_seconds=1)
    # participations, 4 vendor REST streams, 10 vendor JSON reports
    counts = compare_editions(emu, config, expected_streams=15)
    assert all(counts.values()), counts


def test_the_builder_edition_continues_from_the_full_connectors_state(emu):
    start, end = fixed_window(DAYS)
    config = config_for(emu, start, end, orders_api="v0")
    names = ["Orders", "ShipmentEvents", "FinancialTransactions", "GET_SALES_AND_TRAFFIC_REPORT"]
    catalog = configured(names)
    full = read(SourceAmazonSellerPartner(catalog=catalog, config=config), config, catalog)
    assert not full.errors and all(by_stream(full)[name] for name in names)
    state = [message.state for message in full.state_messages]

    again = read(builder_source(builder_manifest(), config, catalog, state), config, catalog, state)
    full_again = read(SourceAmazonSellerPartner(catalog=catalog, config=config, state=state), config, catalog, state)

    assert not again.errors, [e.trace.error.message for e in again.errors]
    assert not full_again.errors, [e.trace.error.message for e in full_again.errors]
    # From the full connector's state the edition reads what the full connector itself reads next: the
    # re-read of each stream's documented data delay before its cursor (sales and traffic: 3 days),
    # nothing older.
    records, full_records = by_stream(again), by_stream(full_again)
    assert set(records) == set(full_records) and records.get("GET_SALES_AND_TRAFFIC_REPORT"), {n: len(r) for n, r in records.items()}
    for name in names:
        assert canonical(records.get(name, [])) == canonical(full_records.get(name, [])), name
    assert sum(map(len, records.values())) < sum(map(len, by_stream(full).values())), "the state was not used"
    # Orders re-read 30 minutes before the cursor; the fixed window has no order that late but the
    # orders of the last second read (the cursor's value is inclusive).
    last_read = {state.stream.stream_descriptor.name: state.stream.stream_state for state in state}["Orders"]
    cursor_of = {entry["partition"]["marketplace_id"]: entry["cursor"]["LastUpdateDate"] for entry in last_read.states}
    assert all(order["LastUpdateDate"] == cursor_of[order["marketplace_id"]] for order in records.get("Orders", [])), records["Orders"]


def test_check_and_a_refused_refresh_token(emu, tmp_path):
    start, end = fixed_window(DAYS)
    config = config_for(emu, start, end)
    refused = {**config, "refresh_token": "Atzr|a-refresh-token-amazon-does-not-know"}
    manifest = builder_manifest()

    def check(cfg):
        output = _run_command(builder_source(manifest, cfg), ["check", "--config", make_file(tmp_path / "config.json", cfg)])
        return output.connection_status_messages[-1].connectionStatus

    assert check(config).status.value == "SUCCEEDED"
    status = check(refused)
    assert status.status.value == "FAILED"
    assert "invalid_grant" in status.message and "refresh token" in status.message, status.message
    secrets = secret_values(emu, [config, refused], [])
    assert not leaked(status.message, secrets) and not any(token in status.message for token in issued_tokens(emu))


def test_the_connector_builder_imports_and_test_reads_it(emu, tmp_path):
    """What the Builder's server does with an imported manifest: resolve (and normalise) it, test-read a stream."""
    start, end = fixed_window(DAYS)
    config = config_for(emu, start, end)

    def builder_request(command: str, stream: str = "Orders", **extra: Any) -> Dict[str, Any]:
        request = {**config, "__injected_declarative_manifest": builder_manifest(), "__command": command, **extra}
        config_path = make_file(tmp_path / "request.json", request)
        catalog_path = make_file(tmp_path / "catalog.json", catalog_for([stream]))
        return json.loads(handle_request(["read", "--config", config_path, "--catalog", catalog_path]))

    resolved = builder_request("resolve_manifest", __should_normalize=True)
    assert resolved["type"] == "RECORD", resolved
    assert custom_types(resolved["record"]["data"]["manifest"]) == set()
    for stream in ("Orders", "GET_SALES_AND_TRAFFIC_REPORT", "ShipmentEvents"):
        answer = builder_request("test_read", stream)
        assert answer["type"] == "RECORD", answer
        pages = [page for piece in answer["record"]["data"]["slices"] for page in piece["pages"]]
        assert sum(len(page["records"]) for page in pages) > 0, stream
        errors = [log["message"] for log in answer["record"]["data"]["logs"] if log["level"] == "ERROR"]
        assert not errors, errors
