"""SIGKILL at 20 random moments (seeded), resume from the last state each time: nothing lost, duplicates
only at the window being read when the process died.

A chain starts from no state; each run gets the per-stream STATE messages the killed run had written
before it died (what the platform keeps), and the chain ends with a run that completes. Chains repeat
on the same emulator until 20 kills have landed. The union of a chain's records must equal the
emulator's truth, and a resumed run may re-deliver a record only if it lies at or after the checkpoint
it resumed from (the windows read at once when the process died, or closed after a still open one).
That the checkpoint follows every finished window is checked exactly, with one reader, below.
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta
from itertools import groupby
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import pytest

from integration_tests.conftest import FAST_TIME_SCALE
from integration_tests.sync_harness import (
    Connector,
    ConnectorRun,
    compare_sync,
    config_for,
    duplicates_are_identical,
    fixed_window,
    latest_states,
    leaked,
    record_key,
    secret_values,
    write_fault_report,
)

STREAMS = ["Orders", "OrderItems", "ShipmentEvents"]
KILLS = 20
SEED = 7
# 300x Amazon's pace: searchOrders refills at 1.7/s, so 40 days in 2-day windows take a few seconds to read.
TIME_SCALE = 300.0
WINDOW_DAYS = 40
WORKERS = 4  # far fewer than the default 128: fewer windows in flight, so a kill lands between checkpoints more often
LONGEST_KILL_DELAY = 4.0  # seconds after the process first writes; a later kill may find it finished
MAX_RUNS = 60
# What each stream re-reads before its saved state on purpose (Amazon's late data, config.py; the config
# sets lookback_window_days 0): a record there may come again after a resume.
RE_READ = {"Orders": timedelta(minutes=30), "OrderItems": timedelta(minutes=30), "ShipmentEvents": timedelta(hours=48)}


def moment(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def stream_state(states: Sequence[Mapping[str, Any]], stream: str) -> Optional[Mapping[str, Any]]:
    for state in states:
        if state["stream"]["stream_descriptor"]["name"] == stream:
            return state["stream"].get("stream_state") or None
    return None


def partition_cursor(state: Mapping[str, Any], marketplace_id: str, field: str) -> Optional[datetime]:
    for entry in state.get("states", []):
        if entry["partition"].get("marketplace_id") == marketplace_id and entry["cursor"].get(field):
            return moment(entry["cursor"][field])
    return None


def completed_intervals(cursor_state: Optional[Mapping[str, Any]]) -> List[Tuple[datetime, datetime]]:
    """The windows a date-range state (cursors.py: written while windows completed newest first leave gaps) says are read."""
    return [(moment(s["start"]), moment(s["end"])) for s in (cursor_state or {}).get("slices") or []]


def read_intervals(states: Sequence[Mapping[str, Any]], stream: str, record: Mapping[str, Any]) -> List[Tuple[datetime, datetime]]:
    """The completed windows of this record's stream and partition, when its state is a date-range state."""
    state = stream_state(states, stream) or {}
    if stream == "OrderItems" and not state.get("slices"):
        state = ((state.get("parent_state") or {}).get("Orders")) or {}
    if state.get("slices"):
        return completed_intervals(state)
    for entry in state.get("states", []):
        if entry["partition"].get("marketplace_id") == record.get("marketplace_id"):
            return completed_intervals(entry["cursor"])
    return []


def checkpoint(states: Sequence[Mapping[str, Any]], stream: str, record: Mapping[str, Any]) -> Optional[datetime]:
    """The cursor a resumed run starts after, for this record's stream and partition (None: no checkpoint)."""
    state = stream_state(states, stream)
    if not state:
        return None
    if stream in ("Orders", "OrderItems") and state.get("LastUpdateDate"):  # Orders API 2026-01-01: one cursor
        return moment(state["LastUpdateDate"])
    if stream == "Orders":
        return partition_cursor(state, record["marketplace_id"], "LastUpdateDate")
    if stream == "OrderItems":  # read through the parent's windows: the parent state is the checkpoint
        parent = (state.get("parent_state") or {}).get("Orders")
        return partition_cursor(parent, record["marketplace_id"], "LastUpdateDate") if parent else None
    if stream == "ShipmentEvents":
        return moment(state["PostedDate"]) if state.get("PostedDate") else None
    raise KeyError(stream)


def cursor_value(stream: str, record: Mapping[str, Any]) -> datetime:
    return moment(record["PostedDate"] if stream == "ShipmentEvents" else record["LastUpdateDate"])


def run_until_killed_or_done(connector: Connector, config, state, delay: float) -> ConnectorRun:
    """Start a run; SIGKILL it `delay` seconds after it first writes, unless it finished by then."""
    launched, argv = connector.start("read", config, STREAMS, state)
    deadline = time.monotonic() + 60
    while not launched.stdout_path.exists() or launched.stdout_path.stat().st_size == 0:
        if launched.poll() is not None or time.monotonic() > deadline:
            break
        time.sleep(0.01)
    exit_code = launched.wait(delay)
    if exit_code is not None:
        return ConnectorRun.collect(launched, argv, exit_code, killed=False)
    launched.kill()
    return ConnectorRun.collect(launched, argv, None, killed=True)


@pytest.mark.slow
def test_sigkill_at_20_random_moments_then_resume_loses_nothing(make_emulator, tmp_path):
    emu = make_emulator(time_scale=TIME_SCALE, token_lifetime_seconds=3600 * TIME_SCALE)
    start, end = fixed_window(WINDOW_DAYS)
    config = config_for(emu, start, end, period_in_days=2, financial_events_step="1", num_workers=WORKERS)
    rng = random.Random(SEED)
    connector = Connector(tmp_path)
    kills: List[float] = []
    chains: List[Dict[str, Any]] = []
    runs = 0

    while len(kills) < KILLS or chains == [] or chains[-1]["open"]:
        if not chains or not chains[-1]["open"]:
            chains.append({"open": True, "runs": [], "states": [], "kills": 0})
        chain = chains[-1]
        runs += 1
        assert runs <= MAX_RUNS, "the chains do not finish: the syncs make no progress between kills"
        kill_due = len(kills) < KILLS
        delay = rng.uniform(0.0, LONGEST_KILL_DELAY) if kill_due else 120.0
        state_in = list(chain["states"])
        run = run_until_killed_or_done(connector, config, state_in or None, delay)
        chain["runs"].append((state_in, run))
        if run.killed:
            kills.append(round(delay, 2))
            chain["kills"] += 1
            chain["states"] = latest_states(run.state_messages(), earlier=state_in)
        else:
            assert run.exit_code == 0, dict(run.stream_errors())
            assert set(run.final_statuses().values()) == {"COMPLETE"}, run.final_statuses()
            chain["open"] = False

    summary = []
    for number, chain in enumerate(chains, 1):
        records: Dict[str, List[Mapping[str, Any]]] = {s: [] for s in STREAMS}
        redelivered = {s: 0 for s in STREAMS}
        for state_in, run in chain["runs"]:
            delivered_before = {s: {record_key(s, r) for r in records[s]} for s in STREAMS}
            for stream, rows in run.records_by_stream().items():
                for row in rows:
                    if record_key(stream, row) in delivered_before[stream]:
                        redelivered[stream] += 1
                        edge = checkpoint(state_in, stream, row)
                        assert edge is None or cursor_value(stream, row) >= edge - RE_READ[stream], (
                            f"chain {number}: {stream} re-delivered {record_key(stream, row)} ({cursor_value(stream, row)}) "
                            f"from before its checkpoint {edge}"
                        )
                        # newest first, a killed sync leaves gaps: a window its state calls read is not read again
                        # (the last one's end may be: the CDK reads on from there, re-reading the late-data delay first)
                        intervals = sorted(read_intervals(state_in, stream, row))
                        inside = [w for w in intervals
                                  if w[0] <= cursor_value(stream, row) < w[1] - (RE_READ[stream] if w == intervals[-1] else timedelta(0))]
                        assert not inside, (
                            f"chain {number}: {stream} re-delivered {record_key(stream, row)} ({cursor_value(stream, row)}) "
                            f"from a window its state had as read {inside}"
                        )
                records[stream].extend(rows)
        comparison = compare_sync(emu, records, STREAMS, start, end)
        for stream, result in comparison.items():
            assert result.expected > 0, stream
            assert not result.lost, (f"chain {number} lost {stream}", result.lost[:5])
            assert not result.unexpected, (stream, result.unexpected[:5])
            assert duplicates_are_identical(stream, records[stream]), stream
        summary.append({
            "runs": len(chain["runs"]),
            "kills": chain["kills"],
            "records": {s: {**r.as_dict(), "redelivered_after_resume": redelivered[s]} for s, r in comparison.items()},
        })

    assert len(kills) == KILLS
    # windows are read newest first: some kill must have left gaps behind, and the resumed runs filled them
    resumed_from_gaps = sum(
        1 for chain in chains for state_in, _ in chain["runs"]
        if any((stream_state(state_in, s) or {}).get("state_type") == "date-range" or
               any((e.get("cursor") or {}).get("state_type") == "date-range" for e in (stream_state(state_in, s) or {}).get("states", []))
               for s in STREAMS)
    )
    assert resumed_from_gaps > 0
    secrets = secret_values(emu, [config], [])
    for chain in chains:
        for _, run in chain["runs"]:
            assert not leaked(run.stdout + run.stderr, secrets), leaked(run.stdout + run.stderr, secrets)
    stats = emu.stats()["operations"]
    write_fault_report("kill_and_resume", "SIGKILL at random moments", {
        "seed": SEED,
        "kill_delays_after_first_output_seconds": kills,
        "runs": runs,
        "runs_resumed_from_a_state_with_gaps": resumed_from_gaps,
        "chains": summary,
        "throttled_429": sum(op["429_throttled"] for op in stats.values()),
    })


def covers(cursor_state: Mapping[str, Any], value: datetime) -> bool:
    """Whether a checkpoint has `value` as read: inside a completed window of a date-range state (windows
    completed newest first, cursors.py), or at or before a sequential state's cursor."""
    if cursor_state.get("slices"):
        return any(start <= value <= end for start, end in completed_intervals(cursor_state))
    return bool(cursor_state.get("LastUpdateDate")) and value <= moment(cursor_state["LastUpdateDate"])


def test_state_is_checkpointed_after_every_window(make_emulator, tmp_path):
    """Orders API 2026-01-01, one reader: windows are read newest first, and after the last record of each
    window a STATE has that window's records as read before any record of another window arrives."""
    emu = make_emulator(token_lifetime_seconds=3600 * FAST_TIME_SCALE)
    start, end = fixed_window(20)
    run = Connector(tmp_path).run("read", config_for(emu, start, end, period_in_days=2, num_workers=1), ["Orders"], timeout=60)

    assert run.exit_code == 0, dict(run.stream_errors())
    step, origin = timedelta(days=2), moment(start)
    events = []  # (window index, record cursor) or ("STATE", stream state)
    for message in run.messages:
        if message["type"] == "RECORD":
            cursor = moment(message["record"]["data"]["LastUpdateDate"])
            events.append(((cursor - origin) // step, cursor))
        elif message["type"] == "STATE":
            events.append(("STATE", message["state"]["stream"]["stream_state"]))
    records = [(i, e) for i, e in enumerate(events) if e[0] != "STATE"]
    windows = []
    for window, group in groupby(records, key=lambda item: item[1][0]):
        group = list(group)
        following = [e for e in events[group[-1][0] + 1:] if e[0] == "STATE" or e[0] != window]
        assert following and following[0][0] == "STATE", f"no checkpoint after window {window}"
        assert all(covers(following[0][1], e[1]) for _, e in group), f"the checkpoint after window {window} misses its records"
        windows.append(window)
    assert len(windows) >= 4
    assert windows == sorted(windows, reverse=True), f"windows not read newest first: {windows}"


def test_v0_state_is_checkpointed_after_every_window_per_marketplace(make_emulator, tmp_path):
    """orders_api v0, one reader: windows are read newest first per marketplace: after the last record of each
    window of each marketplace, a STATE has that window as read before any record of another window of it."""
    emu = make_emulator(token_lifetime_seconds=3600 * FAST_TIME_SCALE)
    start, end = fixed_window(20)
    config = config_for(emu, start, end, period_in_days=2, num_workers=1, orders_api="v0")

    run = Connector(tmp_path).run("read", config, ["Orders"], timeout=60)

    assert run.exit_code == 0, dict(run.stream_errors())
    step, origin = timedelta(days=2), moment(start)
    events = []  # (marketplace, window index, record cursor) or ("STATE", {marketplace: cursor state})
    for message in run.messages:
        if message["type"] == "RECORD":
            data = message["record"]["data"]
            cursor = moment(data["LastUpdateDate"])
            events.append((data["marketplace_id"], (cursor - origin) // step, cursor))
        elif message["type"] == "STATE":
            partitions = message["state"]["stream"]["stream_state"].get("states", [])
            events.append(("STATE", {e["partition"]["marketplace_id"]: e["cursor"] for e in partitions}))
    windows_checked = 0
    for marketplace in {e[0] for e in events if e[0] != "STATE"}:
        mine = [e for e in events if e[0] in (marketplace, "STATE")]
        records = [(i, e) for i, e in enumerate(mine) if e[0] == marketplace]
        windows = []
        for window, group in groupby(records, key=lambda item: item[1][1]):
            group = list(group)
            last_index = group[-1][0]
            following = [e for e in mine[last_index + 1:] if e[0] == "STATE" or e[1] != window]
            assert following and following[0][0] == "STATE", f"no checkpoint for {marketplace} after window {window}"
            checkpoint_state = following[0][1].get(marketplace) or {}
            assert all(covers(checkpoint_state, e[2]) for _, e in group), (
                f"the checkpoint for {marketplace} after window {window} misses its records"
            )
            windows.append(window)
        assert windows == sorted(windows, reverse=True), f"{marketplace}: windows not read newest first: {windows}"
        windows_checked += len(windows)
    assert windows_checked >= 4
