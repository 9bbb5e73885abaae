"""Report streams against the SP-API emulator: records equal the emulator's truth, CANCELLED windows
complete, a FATAL stream fails alone, a timed-out report is resumed, a recent report is reused."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

from airbyte_cdk.models import AirbyteStateMessage, ConfiguredAirbyteCatalogSerializer
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, read
from airbyte_cdk.test.models.outcome import ExpectedOutcome

from integration_tests.acceptance_configs import running_emulator_config
from source_amazon_seller_partner.source import SourceAmazonSellerPartner

US, CA, JP = "ATVPDKIKX0DER", "A2EUQ1WTGCTBG2", "A1VC38T7YXB528"
ORDERS_TSV = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
ORDERS_XML = "GET_XML_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
SALES_TRAFFIC_JSON = "GET_SALES_AND_TRAFFIC_REPORT"
LISTINGS_SNAPSHOT = "GET_MERCHANT_LISTINGS_ALL_DATA"
REPO = Path(__file__).resolve().parent.parent


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def day_start(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0)


def config_for(emu, **overrides: Any) -> Dict[str, Any]:
    return running_emulator_config(emu, **{"marketplaces": ["US"], **overrides})


def catalog_of(*names: str):
    return ConfiguredAirbyteCatalogSerializer.load(
        {
            "streams": [
                {
                    "stream": {"name": name, "json_schema": {}, "supported_sync_modes": ["full_refresh", "incremental"]},
                    "sync_mode": "incremental",
                    "destination_sync_mode": "append",
                }
                for name in names
            ]
        }
    )


def read_streams(config: Dict[str, Any], names: List[str], state: Optional[List[AirbyteStateMessage]] = None, expect_failure: bool = False) -> EntrypointOutput:
    catalog = catalog_of(*names)
    outcome = ExpectedOutcome.EXPECT_EXCEPTION if expect_failure else ExpectedOutcome.EXPECT_SUCCESS
    return read(SourceAmazonSellerPartner(catalog=catalog, config=config, state=state), config, catalog, state, expected_outcome=outcome)


def counts_by_stream_and_marketplace(output: EntrypointOutput) -> Counter:
    return Counter((r.record.stream, r.record.data.get("marketplace_id")) for r in output.records)


def partition_cursors(output: EntrypointOutput, stream: str) -> Dict[str, Any]:
    states = [m.state.stream.stream_state.__dict__ for m in output.state_messages if m.state.stream.stream_descriptor.name == stream]
    if not states:
        return {}
    return {s["partition"]["marketplace_id"]: s["cursor"].get("dataEndTime") for s in states[-1].get("states", [])}


def log_lines(output: EntrypointOutput) -> List[str]:
    return [message.log.message for message in output.logs]


# ------------------------------------------------------------------------------------------- DONE


def test_tsv_json_xml_and_snapshot_reports_equal_the_emulators_truth(emulator):
    now = utc_now()
    start, end = day_start(now - timedelta(days=60)), now - timedelta(hours=1)
    config = config_for(emulator, marketplaces=["US", "CA"], replication_start_date=iso(start), replication_end_date=iso(end))
    streams = [ORDERS_TSV, SALES_TRAFFIC_JSON, ORDERS_XML, LISTINGS_SNAPSHOT]

    output = read_streams(config, streams)

    assert not output.errors
    got = counts_by_stream_and_marketplace(output)
    for marketplace in (US, CA):
        truth = emulator.truth(account="seller", marketplaceId=marketplace, start=iso(start), end=iso(end), reportTypes=streams)["reports"]
        assert {s: got[(s, marketplace)] for s in streams} == truth
        assert all(truth[s] > 0 for s in streams)
    # the flat-file order ids are the truth's orders placed in the window
    truth_orders = {
        order
        for marketplace in (US, CA)
        for order in emulator.truth(account="seller", marketplaceId=marketplace, start=iso(start), end=iso(end), dateField="PurchaseDate")["orders"]
    }
    assert {r.record.data["amazon-order-id"] for r in output.records if r.record.stream == ORDERS_TSV} == truth_orders
    # non-ASCII text arrives intact (Cp1252 flat files, UTF-8 JSON/XML): no replacement or mojibake
    texts = [v for r in output.records for v in r.record.data.values() if isinstance(v, str)]
    assert any("\u00e9" in t or "\u2013" in t for t in texts)
    assert not any("\ufffd" in t or "\u00c3" in t for t in texts)
    # typed values and the connector's columns
    first_order = next(r.record.data for r in output.records if r.record.stream == ORDERS_TSV)
    assert isinstance(first_order["quantity"], int) and isinstance(first_order["item-price"], float)
    assert all(r.record.data["dataEndTime"] and r.record.data["marketplace_id"] in (US, CA) for r in output.records)


def test_japanese_flat_files_are_decoded_from_shift_jis(emulator):
    now = utc_now()
    start, end = day_start(now - timedelta(days=60)), now - timedelta(hours=1)
    config = config_for(emulator, region="JP", marketplaces=["JP"], replication_start_date=iso(start), replication_end_date=iso(end))

    output = read_streams(config, [ORDERS_TSV])

    truth = emulator.truth(account="seller", marketplaceId=JP, start=iso(start), end=iso(end), reportTypes=[ORDERS_TSV])["reports"]
    assert len(output.records) == truth[ORDERS_TSV] > 0
    cities = {r.record.data.get("ship-city") for r in output.records}
    assert cities & {"\u6e0b\u8c37\u533a", "\u5927\u962a\u5e02\u5317\u533a", "\u5ddd\u5d0e\u5e02"}


# ------------------------------------------------------------------------------------- CANCELLED


def test_a_cancelled_window_has_no_records_and_moves_the_state(make_emulator):
    stream = "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE"
    emu = make_emulator(faults=f"report_cancel={stream}")
    now = utc_now()
    start, end = day_start(now - timedelta(days=20)), now - timedelta(hours=1)

    output = read_streams(config_for(emu, replication_start_date=iso(start), replication_end_date=iso(end)), [stream])

    assert not output.errors and output.records == []
    assert partition_cursors(output, stream) == {US: iso(end + timedelta(seconds=1))}
    assert any("was CANCELLED by Amazon: no data for this range" in line for line in log_lines(output))
    assert emu.stats()["reports_created"] == {stream: 1}


# ------------------------------------------------------------------------------------------ FATAL


def test_a_fatal_stream_fails_alone_with_amazons_reason(make_emulator, tmp_path):
    failing, working = "GET_MERCHANT_LISTINGS_DATA", LISTINGS_SNAPSHOT
    emu = make_emulator(faults=f"report_fatal={failing}")
    config_file, catalog_file = tmp_path / "config.json", tmp_path / "catalog.json"
    config_file.write_text(json.dumps(config_for(emu)))
    catalog_file.write_text(json.dumps(ConfiguredAirbyteCatalogSerializer.dump(catalog_of(failing, working))))

    # the console command, for its exit code
    run = subprocess.run(
        [sys.executable, "-m", "source_amazon_seller_partner.run", "read", "--config", str(config_file), "--catalog", str(catalog_file)],
        capture_output=True, text=True, timeout=120, cwd=REPO,
    )

    messages = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    records = Counter(m["record"]["stream"] for m in messages if m["type"] == "RECORD")
    errors = [m["trace"]["error"] for m in messages if m["type"] == "TRACE" and m["trace"]["type"] == "ERROR"]
    assert run.returncode != 0
    assert records == {working: emu.truth(account="seller", marketplaceId=US, reportTypes=[working])["reports"][working]}
    stream_errors = [e for e in errors if (e.get("stream_descriptor") or {}).get("name") == failing]
    assert len(stream_errors) == 1
    message = stream_errors[0]["message"]
    assert failing in message and US in message and "fault injected by the emulator" in message
    assert not [e for e in errors if (e.get("stream_descriptor") or {}).get("name") == working]
    assert ".." not in message.replace("...", "")  # Amazon's full stop is not doubled by ours
    # the log says it once, on one line: no traceback (that is for --debug)
    logs = [m["log"]["message"] for m in messages if m["type"] == "LOG"]
    assert [line for line in logs if line.startswith(f"Stream {failing} failed: ")] == [f"Stream {failing} failed: {message}"]
    assert not [line for line in logs if "Traceback" in line or "Exception while syncing" in line]
    # FATAL once, then a new request after the cooldown, FATAL again
    assert emu.stats()["reports_created"][failing] == 2


# --------------------------------------------------------------------------- timeout, resume, reuse


def test_a_report_still_running_at_the_timeout_is_resumed_by_the_next_sync(make_emulator):
    # real time, short processing: the first sync gives up before the report is done
    emu = make_emulator(time_scale=1.0, report_queue_seconds=0.3, report_processing_seconds=1.5)
    start = day_start(utc_now() - timedelta(days=20))
    config = config_for(emu, replication_start_date=iso(start), period_in_days=90)

    first = read_streams({**config, "_report_wait_timeout_seconds": 0.4}, [ORDERS_TSV], expect_failure=True)

    assert first.records == []
    timeout_errors = [e.trace.error for e in first.errors if e.trace.error.stream_descriptor and e.trace.error.stream_descriptor.name == ORDERS_TSV]
    assert timeout_errors and "the next sync resumes it" in timeout_errors[0].message
    assert timeout_errors[0].failure_type.value == "transient_error"
    assert partition_cursors(first, ORDERS_TSV).get(US) in (None, iso(start))  # the window was not checkpointed
    assert emu.stats()["reports_created"] == {ORDERS_TSV: 1}
    pending = emu.emulator.reports.listing("seller", [ORDERS_TSV], [], [], start, utc_now() + timedelta(minutes=1))
    report_end = pending[0].request.end

    second = read_streams(config, [ORDERS_TSV], state=[message.state for message in first.state_messages[-1:]])

    assert not second.errors
    assert emu.stats()["reports_created"] == {ORDERS_TSV: 1}  # resumed, not requested again
    assert any(line.startswith("Resuming") or line.startswith("Reusing") for line in log_lines(second))
    truth = emu.truth(account="seller", marketplaceId=US, start=iso(start), end=iso(report_end), reportTypes=[ORDERS_TSV])["reports"]
    assert len(second.records) == truth[ORDERS_TSV] > 0
    # the data ends where that report ends, and so does the state
    assert {r.record.data["dataEndTime"] for r in second.records} == {iso(report_end)}
    assert partition_cursors(second, ORDERS_TSV) == {US: iso(report_end + timedelta(seconds=1))}


def test_a_second_sync_of_the_same_windows_reuses_the_reports(make_emulator):
    emu = make_emulator()
    now = utc_now()
    start, end = day_start(now - timedelta(days=45)), now - timedelta(hours=1)
    config = config_for(emu, replication_start_date=iso(start), replication_end_date=iso(end))

    first = read_streams(config, [ORDERS_TSV])
    second = read_streams(config, [ORDERS_TSV])

    assert not first.errors and not second.errors
    assert not any("CANCELLED" in line for line in log_lines(first))  # every window had data
    assert emu.stats()["reports_created"] == {ORDERS_TSV: 2}  # two 30-day windows, requested once
    assert sum("Reusing DONE report" in line for line in log_lines(second)) == 2
    assert counts_by_stream_and_marketplace(second) == counts_by_stream_and_marketplace(first)
    assert emu.stats()["operations"]["getReports"]["requests"] == 2  # one listing per sync
