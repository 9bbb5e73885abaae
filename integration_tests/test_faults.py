"""Fault injection: each kind of failure Amazon produces, against its own emulator, through the real command.

For every case the sync must end as Airbyte expects (exit 0 with every stream COMPLETE, or only the
affected streams failing with a message that names them) and nothing may be lost: what the sync
delivered, plus what the next sync delivers from its state when a stream failed, equals the emulator's
truth; duplicates only where a destination removes them by primary key. Counts per case go to
integration_tests/.fault_report.json.

The emulator runs 600x faster than Amazon (report processing, rate limits) but keeps Amazon's hour-long
tokens: the CDK's retry waits are real seconds, and a token that expired while a request waited out a
3 s backoff would test the emulator's clock, not the connector.
"""

from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, Optional, Tuple

import pytest

from integration_tests.conftest import FAST_TIME_SCALE
from integration_tests.sync_harness import (
    LISTINGS_SNAPSHOT,
    ORDERS_TSV,
    US,
    Connector,
    ConnectorRun,
    FaultSchedule,
    answered,
    compare_sync,
    config_for,
    duplicates_are_identical,
    faulted,
    fixed_window,
    injected_faults,
    latest_states,
    leaked,
    record_presigned_urls,
    secret_values,
    write_fault_report,
)

REST_STREAMS = ["Orders", "OrderItems", "ShipmentEvents", "ServiceFeeEvents", "FbaInventorySummaries"]
REPORT_STREAMS = [ORDERS_TSV, LISTINGS_SNAPSHOT]
STREAMS = REST_STREAMS + REPORT_STREAMS
WINDOW_DAYS = 30
# Operations whose default rate is Amazon's slowest (one call a minute, searchOrders one every three):
# until the connector has seen one answer with the rate header it paces them by Amazon's defaults, so a
# 429 before that costs real minutes. They are throttled once each has answered; the others from the start.
SLOW_DEFAULT_OPERATIONS = ("searchOrders", "createReport", "getReportDocument")
FAST_DEFAULT_OPERATIONS = ("listFinancialEvents", "getInventorySummaries", "getReport", "downloadReportDocument")


@dataclass(frozen=True)
class FaultCase:
    kind: str
    spec: str  # from the start of the sync
    # then, in order: (when the emulator's stats say so, the next spec; None = no fault)
    then: Tuple[Tuple[Callable, Optional[str]], ...] = ()
    must_fail: FrozenSet[str] = frozenset()
    may_fail: FrozenSet[str] = frozenset()
    failure_text: str = ""  # every failing stream's message contains this
    delivers_nothing: FrozenSet[str] = frozenset()  # streams that are right to deliver no row
    resumable: bool = True  # whether a next sync without the fault can finish a failed stream
    config: Dict[str, Any] = field(default_factory=dict)


CASES = [
    FaultCase(
        "429 (10% of calls)",
        ";".join(f"{op}:429=0.1" for op in FAST_DEFAULT_OPERATIONS),
        then=((answered(*SLOW_DEFAULT_OPERATIONS), "*:429=0.1"),),
    ),
    FaultCase("500/503 (2% each)", "*:500=0.02,503=0.02"),
    # createReport's own drop has its test below (a lost answer to a POST is a different problem)
    FaultCase("connection dropped mid-body (5%)", "drop=0.05;createReport:drop=0"),
    FaultCase(
        "truncated gzip documents (30%)",
        "truncate_gzip=0.3",
        # three downloads of one document may all be cut (2.7%): that window then fails, and only it
        may_fail=frozenset(REPORT_STREAMS),
        failure_text="could not be downloaded whole",
    ),
    # Tokens die after 4 s although LWA says 3600; slow answers and two workers make the sync outlast a
    # few of them. (The harsh network below has tokens dying at 30 s with every other fault at once.)
    FaultCase("token expiry mid-sync", "token_expiry=4;slow=*:0.15", config={"num_workers": 2}),
    FaultCase("FATAL report", f"report_fatal={ORDERS_TSV}", must_fail=frozenset({ORDERS_TSV}), failure_text="FATAL"),
    FaultCase("CANCELLED report", f"report_cancel={ORDERS_TSV}", delivers_nothing=frozenset({ORDERS_TSV})),
    FaultCase(
        "report stuck past the timeout",
        f"report_stuck={ORDERS_TSV}",
        must_fail=frozenset({ORDERS_TSV}),
        failure_text="the next sync resumes it",
        resumable=False,  # the emulator never finishes a stuck report
        config={"_report_wait_timeout_seconds": 1},
    ),
    # Slow answers (1.5 s against a 0.5 s read timeout) until each call kind has timed out once: the
    # order streams' searchOrders, a declarative requester, the report client, then the document download
    # (reached only once the others answer).
    FaultCase(
        "responses slower than the read timeout",
        "slow=searchOrders:1.5,listFinancialEvents:1.5,getReportDocument:1.5",
        then=(
            (faulted("slow", "searchOrders", "listFinancialEvents", "getReportDocument"), "slow=downloadReportDocument:1.5"),
            (faulted("slow", "downloadReportDocument"), None),
        ),
        config={"_read_timeout_seconds": 0.5},
    ),
]


def failed_streams(run: ConnectorRun) -> Dict[str, str]:
    statuses = run.final_statuses()
    return {name: status for name, status in statuses.items() if status != "COMPLETE"}


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.kind for c in CASES])
def test_the_sync_survives_the_fault_and_loses_nothing(case: FaultCase, make_emulator, tmp_path):
    emu = make_emulator(token_lifetime_seconds=3600 * FAST_TIME_SCALE)
    start, end = fixed_window(WINDOW_DAYS)
    config = config_for(emu, start, end, period_in_days=10, financial_events_step="7", **case.config)
    connector = Connector(tmp_path)
    urls = record_presigned_urls(emu)
    emu.set_faults(case.spec)
    schedule = FaultSchedule(emu, case.then)

    first = connector.run("read", config, STREAMS, timeout=150)

    schedule.stop()
    emu.set_faults(None)
    assert len(schedule.applied) == len(case.then), "the sync ended before every fault was applied"
    stats = emu.stats()
    faults = injected_faults(stats)
    failed = failed_streams(first)
    errors = first.stream_errors()
    assert set(first.final_statuses()) == set(STREAMS), first.stderr[-2000:]

    # -- how the sync ended
    assert case.must_fail <= set(failed), (failed, dict(errors))
    assert set(failed) <= case.must_fail | case.may_fail, (failed, dict(errors))
    assert (first.exit_code == 0) == (not failed), (first.exit_code, failed)
    for stream in failed:
        messages = errors.get(stream)
        assert messages, f"{stream} failed without a message naming it"
        assert all(case.failure_text in m for m in messages), messages
    assert not [s for s in errors if s is not None and s not in failed], dict(errors)
    assert "Traceback" not in first.stderr

    # -- nothing lost: a failed stream is finished by the next sync, from the state this one left
    records = first.records_by_stream()
    second: Optional[ConnectorRun] = None
    if failed and case.resumable:
        second = connector.run("read", config, sorted(failed), state=latest_states(first.state_messages()), timeout=120)
        assert second.exit_code == 0 and not failed_streams(second), dict(second.stream_errors())
        for stream, rows in second.records_by_stream().items():
            records.setdefault(stream, []).extend(rows)
    comparison = compare_sync(emu, records, STREAMS, start, end)
    for stream, result in comparison.items():
        if stream in case.delivers_nothing:
            assert result.delivered == 0, stream
            continue
        if stream in failed and not case.resumable:
            assert result.delivered == 0, f"{stream} delivered rows of a report that never finished"
            continue
        assert result.expected > 0, f"the window has no {stream}: the case proves nothing for it"
        assert not result.lost and not result.unexpected, (stream, result.as_dict(), result.lost[:5], result.unexpected[:5])
        assert duplicates_are_identical(stream, records.get(stream, [])), stream

    # -- no credential in any output, whatever went wrong
    secrets = secret_values(emu, [config], urls)
    for run in filter(None, (first, second)):
        assert not leaked(run.stdout + run.stderr, secrets), leaked(run.stdout + run.stderr, secrets)

    # -- the fault really happened
    assert faults, f"the emulator injected no fault for {case.spec!r}"
    if case.kind.startswith("token expiry"):
        expired = sum(op["other_errors"] for name, op in stats["operations"].items() if name != "lwaToken")
        assert expired > 0 and stats["operations"]["lwaToken"]["2xx"] >= 2, stats["operations"]
    if case.delivers_nothing:
        assert any("CANCELLED" in line for line in first.log_lines())

    print(f"{case.kind}: injected {faults}; records expected/delivered "
          + ", ".join(f"{s} {r.expected}/{r.delivered}" for s, r in comparison.items()))
    write_fault_report(
        "faults",
        case.kind,
        {
            "spec": case.spec,
            "faults_injected": faults,
            "lwa_tokens_issued": stats["operations"].get("lwaToken", {}).get("2xx", 0),
            "error_answers_per_operation": {
                name: {"429": op["429_injected"] + op["429_throttled"], "other_errors": op["other_errors"]}
                for name, op in stats["operations"].items() if op["429_injected"] + op["429_throttled"] + op["other_errors"]
            },
            "exit_code": first.exit_code,
            "failed_streams": sorted(failed),
            "failure_messages": {s: m[0][:300] for s, m in errors.items() if s},
            "resumed_with_next_sync": second is not None,
            "records": {s: r.as_dict() for s, r in comparison.items()},
            "seconds": round(first.seconds + (second.seconds if second else 0), 1),
        },
    )


@pytest.mark.slow
def test_a_lost_answer_to_create_report_still_delivers_the_report(make_emulator, tmp_path):
    """createReport's answer is cut mid-body: Amazon did create the report, the connector never saw its id.

    Asking again makes a duplicate, which Amazon (and the emulator) end FATAL when an identical report was
    created minutes before; the connector must end with the report's rows, not with a failed stream.
    """
    # Amazon's 30-minute "identical report" window, as 60 real seconds: the retries all fall inside it
    emu = make_emulator(token_lifetime_seconds=3600 * FAST_TIME_SCALE, report_cooldown_seconds=60 * FAST_TIME_SCALE)
    start, end = fixed_window(WINDOW_DAYS)
    config = config_for(emu, start, end, marketplaces=["US"])
    emu.set_faults("createReport:drop=1")
    schedule = FaultSchedule(emu, [(faulted("drop", "createReport"), None)])

    run = Connector(tmp_path).run("read", config, [LISTINGS_SNAPSHOT], timeout=60)

    schedule.stop()
    result = compare_sync(emu, run.records_by_stream(), [LISTINGS_SNAPSHOT], start, end, marketplaces=[US])[LISTINGS_SNAPSHOT]
    write_fault_report("faults", "createReport answer dropped", {
        "spec": "createReport:drop=1 until the first drop", "faults_injected": injected_faults(emu.stats()),
        "exit_code": run.exit_code, "failure_messages": {s: m[0][:300] for s, m in run.stream_errors().items() if s},
        "records": {LISTINGS_SNAPSHOT: result.as_dict()}, "reports_created": emu.stats()["reports_created"],
    })
    assert run.exit_code == 0, dict(run.stream_errors())
    assert result.expected > 0 and not result.lost and not result.unexpected, result.as_dict()


# ------------------------------------------------------------------------------------------ harsh network

# Every fault at once, at rates no real day reaches: each SP-API call fails more often than it succeeds
# (429 30 %, 500 10 %, 503 10 %, dropped connection 10 %), half of the gzip documents arrive cut, access
# tokens live 30 s and every answer takes 0.2 s longer. One sync must still finish every stream.
HARSH_NETWORK = "*:429=0.3,500=0.1,503=0.1,drop=0.1;truncate_gzip=0.5;token_expiry=30;slow=*:0.2"
# As in the 429 case above: until an operation paced by one of Amazon's slowest default rates has
# answered once (with the rate header), the connector paces it as Amazon would, in real minutes that
# the emulator's 600x clock does not shorten; those operations get the harsh mix once each has answered.
HARSH_SLOW_DEFAULT_OPERATIONS = SLOW_DEFAULT_OPERATIONS + ("getReports", "getMarketplaceParticipations")
HARSH_NETWORK_UNTIL_ANSWERED = HARSH_NETWORK + "".join(
    f";{op}:429=0,500=0,503=0,drop=0" for op in HARSH_SLOW_DEFAULT_OPERATIONS
)
# Nineteen seller streams, one of each way the connector reads: the seven the harness compares with the
# emulator's truth, and twelve more compared with a fault-free sync of the same window.
HARSH_EXTRA_STREAMS = [
    "ListFinancialEventGroups", "FinancialTransactions", "MarketplaceParticipations", "ListingsItems",
    "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE", "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA", "GET_SALES_AND_TRAFFIC_REPORT",
    "GET_XML_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", "GET_AFN_INVENTORY_DATA", "GET_LEDGER_DETAIL_VIEW_DATA",
    "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE", "GET_FBA_REIMBURSEMENTS_DATA",
]


def _canonical(records) -> Counter:
    return Counter(json.dumps(record, sort_keys=True) for record in records)


HARSH_SEEDS = (1, 2, 3)


def _harsh_sync(seed: int, make_emulator, folder) -> Dict[str, Any]:
    """One seed's harsh sync, then a fault-free sync of the extra streams on the same emulator."""
    emu = make_emulator(seed=seed, token_lifetime_seconds=3600 * FAST_TIME_SCALE)
    start, end = fixed_window(WINDOW_DAYS)
    # The connector's own waits between retries (SP-API calls: 1 s doubling to 30 s; downloads: 2 s
    # doubling to 30 s) at a tenth: their shape is what is tested here, and the emulator's clock runs
    # 600x faster than Amazon's anyway.
    config = config_for(emu, start, end, period_in_days=10, financial_events_step="7",
                        _retry_wait_scale=0.1, _document_backoff_seconds=0.2)
    urls = record_presigned_urls(emu)
    emu.set_faults(HARSH_NETWORK_UNTIL_ANSWERED)
    schedule = FaultSchedule(emu, [(answered(*HARSH_SLOW_DEFAULT_OPERATIONS), HARSH_NETWORK)])
    harsh = Connector(folder / "harsh").run("read", config, STREAMS + HARSH_EXTRA_STREAMS, timeout=600)
    schedule.stop()
    emu.set_faults(None)
    faults = injected_faults(emu.stats())
    calm = Connector(folder / "calm").run("read", config, HARSH_EXTRA_STREAMS, timeout=300)
    write_fault_report("faults", f"harsh network, seed {seed}", {
        "spec": HARSH_NETWORK, "faults_injected": faults, "exit_code": harsh.exit_code,
        "failure_messages": {s: m[0][:300] for s, m in harsh.stream_errors().items() if s},
        "seconds": round(harsh.seconds, 1),
    })
    return {"emu": emu, "config": config, "window": (start, end), "urls": urls, "applied": schedule.applied,
            "faults": faults, "harsh": harsh, "calm": calm}


@pytest.mark.slow
def test_a_harsh_network_is_survived_in_one_sync(make_emulator, tmp_path):
    # The three seeds run side by side, each on its own emulator: the syncs mostly wait (retries,
    # reports), so together they take about as long as the slowest one.
    with ThreadPoolExecutor(len(HARSH_SEEDS)) as pool:
        runs = dict(zip(HARSH_SEEDS, pool.map(lambda seed: _harsh_sync(seed, make_emulator, tmp_path / f"seed{seed}"), HARSH_SEEDS)))
    streams = STREAMS + HARSH_EXTRA_STREAMS
    for seed, run in runs.items():
        emu, harsh, calm, faults = run["emu"], run["harsh"], run["calm"], run["faults"]
        assert run["applied"] == [HARSH_NETWORK], f"seed {seed}: the sync ended before the harsh mix reached every operation"
        assert faults.get("429", 0) and faults.get("drop", 0) and faults.get("truncate_gzip", 0), (seed, faults)
        assert harsh.exit_code == 0, (seed, dict(harsh.stream_errors()))
        assert set(harsh.final_statuses().values()) == {"COMPLETE"} and set(harsh.final_statuses()) == set(streams), seed
        assert "Traceback" not in harsh.stderr, seed

        # nothing lost, nothing made up: the truth for the streams the harness knows ...
        records = harsh.records_by_stream()
        for stream, result in compare_sync(emu, records, STREAMS, *run["window"]).items():
            assert result.expected > 0, f"seed {seed}: the window has no {stream}: the case proves nothing for it"
            assert not result.lost and not result.unexpected, (seed, stream, result.as_dict())
            assert duplicates_are_identical(stream, records.get(stream, [])), (seed, stream)
        # ... and for the others the same records as a sync without faults (a retried page may repeat rows)
        assert calm.exit_code == 0, (seed, dict(calm.stream_errors()))
        calm_records = calm.records_by_stream()
        for stream in HARSH_EXTRA_STREAMS:
            expected, delivered = _canonical(calm_records.get(stream, [])), _canonical(records.get(stream, []))
            assert set(delivered) == set(expected), (seed, stream, len(set(expected) - set(delivered)), len(set(delivered) - set(expected)))
        assert sum(len(calm_records.get(s, [])) for s in HARSH_EXTRA_STREAMS) > 0, seed

        secrets = secret_values(emu, [run["config"]], run["urls"])
        assert not leaked(harsh.stdout + harsh.stderr, secrets), seed
