"""Run the connector command in its own process and compare what it delivered with the emulator's truth.

Two ways to start the command, both a separate OS process with its own stdout/stderr files:
- `console`: the installed console script `source-amazon-seller-partner`, exactly as a platform runs it.
- `forked`: the same entrypoint (`run.run(argv)`) in a process forked from a server that imported the
  connector once. Importing the CDK costs 3-6 s per process on this machine, which would make 20
  SIGKILL points or a dozen fault cases take minutes; the sync itself runs as it does from the console.
Outputs go to files rather than pipes, so a killed process leaves exactly what it had written.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import subprocess
import threading
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from integration_tests.acceptance_configs import running_emulator_config
from sp_api_emulator import financial_event_key

REPO = Path(__file__).resolve().parent.parent
CONSOLE_SCRIPT = Path(sys.executable).with_name("source-amazon-seller-partner")
US, CA = "ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"
ORDERS_TSV = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
LISTINGS_SNAPSHOT = "GET_MERCHANT_LISTINGS_ALL_DATA"
# Finance event streams under test -> the event list they read from listFinancialEvents.
FINANCE_EVENT_LISTS = {"ShipmentEvents": "ShipmentEventList", "ServiceFeeEvents": "ServiceFeeEventList"}
ADDED_EVENT_FIELDS = {"event_id", "event_type", "marketplace_id"}
DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def iso(moment: datetime) -> str:
    return moment.strftime(DATE_FORMAT)


def fixed_window(days: int) -> Tuple[str, str]:
    """[start of the day `days` ago, an hour ago): fixed, so every run of a test reads the same window."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    start = (now - timedelta(days=days)).replace(hour=0, minute=0, second=0)
    return iso(start), iso(now - timedelta(hours=1))


def config_for(emu, start: str, end: str, **overrides: Any) -> Dict[str, Any]:
    """A fixed window, both NA marketplaces, no lookback: every run of a test reads the same data."""
    defaults = {"marketplaces": ["US", "CA"], "replication_start_date": start, "replication_end_date": end, "lookback_window_days": 0}
    return running_emulator_config(emu, **{**defaults, **overrides})


def catalog_for(streams: Iterable[str]) -> Dict[str, Any]:
    return {
        "streams": [
            {
                "stream": {"name": name, "json_schema": {}, "supported_sync_modes": ["full_refresh", "incremental"]},
                "sync_mode": "incremental",
                "destination_sync_mode": "append",
            }
            for name in streams
        ]
    }


# ------------------------------------------------------------------------------------------ launching


def _forked_main(argv: List[str], stdout_path: str, stderr_path: str) -> None:
    """Body of a forked run: the console script's work with fds 1 and 2 on the run's files."""
    for fd, path in ((1, stdout_path), (2, stderr_path)):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    os.chdir(REPO)
    from source_amazon_seller_partner.run import run

    run(argv)


_fork_context: Optional[Any] = None


def _forkserver() -> Any:
    global _fork_context
    if _fork_context is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["source_amazon_seller_partner.run"])
        _fork_context = context
    return _fork_context


class Launched:
    """A running connector process: wait for it or SIGKILL it."""

    def __init__(self, argv: List[str], workdir: Path, mode: str) -> None:
        self.stdout_path = workdir / "stdout.jsonl"
        self.stderr_path = workdir / "stderr.txt"
        self.started = time.monotonic()
        self.mode = mode
        if mode == "console":
            with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
                self._popen: Optional[subprocess.Popen] = subprocess.Popen([str(CONSOLE_SCRIPT), *argv], stdout=out, stderr=err, cwd=REPO)
            self._process = None
        elif mode == "forked":
            self._popen = None
            self._process = _forkserver().Process(target=_forked_main, args=(argv, str(self.stdout_path), str(self.stderr_path)))
            self._process.start()
        else:
            raise ValueError(f"unknown launch mode {mode!r}")

    @property
    def pid(self) -> int:
        return self._popen.pid if self._popen else self._process.pid

    def poll(self) -> Optional[int]:
        if self._popen:
            return self._popen.poll()
        return None if self._process.is_alive() else self._process.exitcode

    def wait(self, timeout: float) -> Optional[int]:
        """The exit code, or None when the process is still running after `timeout` seconds."""
        if self._popen:
            try:
                return self._popen.wait(timeout)
            except subprocess.TimeoutExpired:
                return None
        self._process.join(timeout)
        return self._process.exitcode

    def kill(self) -> None:
        """SIGKILL, then reap the process."""
        if self._popen:
            self._popen.kill()
            self._popen.wait(10)
        else:
            self._process.kill()
            self._process.join(10)

    def output_so_far(self) -> str:
        try:
            return self.stdout_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""


@dataclass
class ConnectorRun:
    """What one run of the command wrote, parsed."""

    argv: List[str]
    exit_code: Optional[int]  # None when killed
    killed: bool
    seconds: float
    stdout: str
    stderr: str
    messages: List[Dict[str, Any]] = field(default_factory=list)

    @classmethod
    def collect(cls, launched: Launched, argv: List[str], exit_code: Optional[int], killed: bool) -> "ConnectorRun":
        stdout = launched.output_so_far()
        stderr = launched.stderr_path.read_text(errors="replace") if launched.stderr_path.exists() else ""
        messages = []
        for line in stdout.splitlines():
            if line.startswith("{"):
                try:
                    messages.append(json.loads(line))
                except json.JSONDecodeError:
                    pass  # the last line of a killed run may be cut short
        return cls(argv, exit_code, killed, time.monotonic() - launched.started, stdout, stderr, messages)

    def of_type(self, kind: str) -> List[Dict[str, Any]]:
        return [m for m in self.messages if m.get("type") == kind]

    def records(self, stream: Optional[str] = None) -> List[Dict[str, Any]]:
        return [m["record"]["data"] for m in self.of_type("RECORD") if stream is None or m["record"]["stream"] == stream]

    def records_by_stream(self) -> Dict[str, List[Dict[str, Any]]]:
        grouped: Dict[str, List[Dict[str, Any]]] = defaultdict(list)
        for message in self.of_type("RECORD"):
            grouped[message["record"]["stream"]].append(message["record"]["data"])
        return grouped

    def errors(self) -> List[Dict[str, Any]]:
        return [m["trace"]["error"] for m in self.of_type("TRACE") if m["trace"].get("type") == "ERROR"]

    def stream_errors(self) -> Dict[Optional[str], List[str]]:
        by_stream: Dict[Optional[str], List[str]] = defaultdict(list)
        for error in self.errors():
            by_stream[(error.get("stream_descriptor") or {}).get("name")].append(error.get("message", ""))
        return by_stream

    def final_statuses(self) -> Dict[str, str]:
        """The last lifecycle status of each stream. The CDK's HttpClient also prints a RUNNING status
        with the reason RATE_LIMITED whenever a request of a stream's requester is throttled, even when
        that requester reads a parent for another stream after the parent stream completed: a note, not
        a step of the stream's life, so it is left out."""
        statuses: Dict[str, str] = {}
        for message in self.of_type("TRACE"):
            trace = message["trace"]
            if trace.get("type") == "STREAM_STATUS":
                status = trace["stream_status"]
                if any(reason.get("type") == "RATE_LIMITED" for reason in status.get("reasons") or []):
                    continue
                statuses[status["stream_descriptor"]["name"]] = status["status"]
        return statuses

    def state_messages(self) -> List[Dict[str, Any]]:
        return [m["state"] for m in self.of_type("STATE")]

    def log_lines(self) -> List[str]:
        return [m["log"]["message"] for m in self.of_type("LOG")]


def latest_states(state_messages: Sequence[Mapping[str, Any]], earlier: Sequence[Mapping[str, Any]] = ()) -> List[Dict[str, Any]]:
    """What the platform keeps: the last STATE per stream (a later one replaces an earlier one)."""
    latest: Dict[str, Dict[str, Any]] = {}
    for state in [*earlier, *state_messages]:
        descriptor = state["stream"]["stream_descriptor"]
        latest[descriptor["name"]] = dict(state)
    return list(latest.values())


class Connector:
    """Writes a run's config/catalog/state files and starts the command (see the module docstring)."""

    def __init__(self, workdir: Path, mode: str = "forked") -> None:
        self.workdir = workdir
        self.mode = mode
        self._runs = 0

    def _files(self, config: Optional[Mapping[str, Any]], streams: Optional[Iterable[str]], state: Optional[Sequence[Mapping[str, Any]]],
               catalog: Optional[Mapping[str, Any]] = None) -> Tuple[Path, List[str]]:
        self._runs += 1
        folder = self.workdir / f"run{self._runs:03d}"
        folder.mkdir(parents=True)
        args: List[str] = []
        if config is not None:
            (folder / "config.json").write_text(json.dumps(config))
            args += ["--config", str(folder / "config.json")]
        if streams is not None or catalog is not None:
            (folder / "catalog.json").write_text(json.dumps(catalog if catalog is not None else catalog_for(streams or [])))
            args += ["--catalog", str(folder / "catalog.json")]
        if state is not None:
            (folder / "state.json").write_text(json.dumps(list(state)))
            args += ["--state", str(folder / "state.json")]
        return folder, args

    def start(self, command: str, config: Optional[Mapping[str, Any]] = None, streams: Optional[Iterable[str]] = None,
              state: Optional[Sequence[Mapping[str, Any]]] = None, flags: Sequence[str] = (),
              catalog: Optional[Mapping[str, Any]] = None) -> Tuple[Launched, List[str]]:
        folder, args = self._files(config, streams, state, catalog)
        argv = [command, *flags, *args]
        return Launched(argv, folder, self.mode), argv

    def run(self, command: str, config: Optional[Mapping[str, Any]] = None, streams: Optional[Iterable[str]] = None,
            state: Optional[Sequence[Mapping[str, Any]]] = None, timeout: float = 120.0, flags: Sequence[str] = (),
            catalog: Optional[Mapping[str, Any]] = None) -> ConnectorRun:
        launched, argv = self.start(command, config, streams, state, flags, catalog)
        exit_code = launched.wait(timeout)
        if exit_code is None:
            launched.kill()
            run = ConnectorRun.collect(launched, argv, None, True)
            raise AssertionError(f"{command} still running after {timeout} s; last output:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
        return ConnectorRun.collect(launched, argv, exit_code, False)


# ---------------------------------------------------------------------------------------------- truth

# How a delivered record is identified: the stream's primary key, or for finance events (which have
# no id from Amazon) the emulator's key of the event's own content.
def record_key(stream: str, record: Mapping[str, Any]) -> Any:
    if stream == "Orders":
        return record["AmazonOrderId"]
    if stream == "OrderItems":
        return record["OrderItemId"]
    if stream in FINANCE_EVENT_LISTS:
        return financial_event_key(FINANCE_EVENT_LISTS[stream], {k: v for k, v in record.items() if k not in ADDED_EVENT_FIELDS})
    if stream == "FbaInventorySummaries":
        return (record["marketplace_id"], record["sellerSku"])
    if stream == ORDERS_TSV:
        return (record["marketplace_id"], record["amazon-order-id"], record["sku"])
    if stream == LISTINGS_SNAPSHOT:
        return (record["marketplace_id"], record["listing-id"])
    raise KeyError(f"no key rule for stream {stream}")


def primary_key(stream: str, record: Mapping[str, Any]) -> Any:
    """The stream's declared primary key (what a destination dedupes on)."""
    if stream in FINANCE_EVENT_LISTS:
        return record["event_id"]
    return record_key(stream, record)


def expected_keys(emu, streams: Iterable[str], start: str, end: str, marketplaces: Sequence[str] = (US, CA)) -> Dict[str, Set[Any]]:
    """The keys a correct sync of [start, end] delivers, from the emulator's own dataset."""
    wanted = set(streams)
    expected: Dict[str, Set[Any]] = {}
    per_market = {m: emu.truth(account="seller", marketplaceId=m, start=start, end=end) for m in marketplaces}
    if "Orders" in wanted:
        expected["Orders"] = {o for t in per_market.values() for o in t["orders"]}
    if "OrderItems" in wanted:
        expected["OrderItems"] = {i for t in per_market.values() for i in t["order_items"]}
    # The configs' NA endpoint serves the finance events of every NA marketplace (configured or not).
    finance = emu.truth(account="seller", region="NA", start=start, end=end)["financial_events"]
    for stream, event_list in FINANCE_EVENT_LISTS.items():
        if stream in wanted:
            expected[stream] = set(finance.get(event_list, []))
    if "FbaInventorySummaries" in wanted:
        expected["FbaInventorySummaries"] = {(lvl.market.id, lvl.product.sku) for lvl in emu.emulator.dataset.seller.inventory if lvl.market.id in marketplaces}
    return expected


def expected_report_rows(emu, streams: Iterable[str], start: str, end: str, marketplaces: Sequence[str] = (US, CA)) -> Dict[str, int]:
    """Row counts of report streams (the truth gives counts, not keys) for [start, end]."""
    report_types = [s for s in streams if s in (ORDERS_TSV, LISTINGS_SNAPSHOT)]
    counts: Counter = Counter()
    for marketplace in marketplaces:
        truth = emu.truth(account="seller", marketplaceId=marketplace, start=start, end=end, reportTypes=report_types)["reports"]
        counts.update(truth)
    return dict(counts)


@dataclass
class Comparison:
    """Records delivered vs expected for one stream."""

    stream: str
    expected: int
    delivered: int  # records, duplicates included
    unique: int  # distinct primary keys
    lost: List[Any]
    unexpected: List[Any]
    duplicates_differing_in_key_only: int = 0

    @property
    def duplicates(self) -> int:
        return self.delivered - self.unique

    def as_dict(self) -> Dict[str, Any]:
        return {"expected": self.expected, "delivered": self.delivered, "unique": self.unique, "duplicates": self.duplicates,
                "lost": len(self.lost), "unexpected": len(self.unexpected)}


def compare_keys(stream: str, records: Sequence[Mapping[str, Any]], expected: Set[Any]) -> Comparison:
    keys = [record_key(stream, r) for r in records]
    unique = set(keys)
    return Comparison(stream, len(expected), len(records), len(unique), sorted(map(str, expected - unique)), sorted(map(str, unique - expected)))


def compare_rows(stream: str, records: Sequence[Mapping[str, Any]], expected_rows: int) -> Comparison:
    """Report rows: the truth is a count, so compare distinct primary keys with it."""
    unique = {primary_key(stream, r) for r in records}
    lost = ["?"] * max(0, expected_rows - len(unique))
    unexpected = ["?"] * max(0, len(unique) - expected_rows)
    return Comparison(stream, expected_rows, len(records), len(unique), lost, unexpected)


def compare_sync(emu, records_by_stream: Mapping[str, Sequence[Mapping[str, Any]]], streams: Iterable[str], start: str, end: str,
                 marketplaces: Sequence[str] = (US, CA)) -> Dict[str, Comparison]:
    streams = list(streams)
    keys = expected_keys(emu, streams, start, end, marketplaces)
    rows = expected_report_rows(emu, streams, start, end, marketplaces)
    result: Dict[str, Comparison] = {}
    for stream in streams:
        delivered = records_by_stream.get(stream, [])
        result[stream] = compare_keys(stream, delivered, keys[stream]) if stream in keys else compare_rows(stream, delivered, rows[stream])
    return result


def duplicates_are_identical(stream: str, records: Sequence[Mapping[str, Any]]) -> bool:
    """Two records with one primary key carry the same key fields (a destination keeps either)."""
    seen: Dict[Any, Any] = {}
    for record in records:
        pk, key = primary_key(stream, record), record_key(stream, record)
        if seen.setdefault(pk, key) != key:
            return False
    return True


def injected_faults(stats: Mapping[str, Any]) -> Dict[str, int]:
    """Faults the emulator injected, per kind, summed over operations."""
    totals: Counter = Counter()
    for operation in stats["operations"].values():
        totals.update(operation.get("faults", {}))
    return dict(totals)


# -------------------------------------------------------------------------------------------- secrets


def issued_tokens(emu) -> List[str]:
    """Access tokens and Restricted Data Tokens in the emulator's token store (a test-only look at its memory)."""
    store = emu.emulator.tokens
    with store._lock:
        return list(store._tokens)


def record_presigned_urls(emu) -> List[str]:
    """Wrap the emulator's URL signer so that every presigned document URL it hands out is kept."""
    urls: List[str] = []
    reports = emu.emulator.reports
    make_url = reports.presigned_url

    def recording(*args: Any, **kwargs: Any) -> str:
        url = make_url(*args, **kwargs)
        urls.append(url)
        return url

    reports.presigned_url = recording
    return urls


def secret_values(emu, configs: Iterable[Mapping[str, Any]], urls: Iterable[str]) -> Dict[str, str]:
    """name -> value of every credential a test's output must not contain."""
    secrets: Dict[str, str] = {}
    for number, config in enumerate(configs):
        secrets[f"client secret of config {number}"] = config["lwa_client_secret"]
        secrets[f"refresh token of config {number}"] = config["refresh_token"]
    for number, token in enumerate(issued_tokens(emu)):
        kind = "RDT" if token.startswith("Atz.sprdt|") else "access token"
        secrets[f"{kind} {number}"] = token
        secrets[f"{kind} {number} without its prefix"] = token.split("|", 1)[-1]
    for number, url in enumerate(urls):
        secrets[f"presigned URL {number}"] = url
        signature = re.search(r"X-Amz-Signature=([0-9a-fA-F]+)", url)
        if signature:
            secrets[f"signature of presigned URL {number}"] = signature.group(1)
    return secrets


def leaked(text: str, secrets: Mapping[str, str]) -> List[str]:
    """Names of the secrets that appear in `text`, and of leaked presigned-URL parts."""
    found = [name for name, value in secrets.items() if value and value in text]
    found += [marker for marker in ("X-Amz-Signature", "/_documents/") if marker in text]
    return found


# ----------------------------------------------------------------------------------- fault switches


class FaultSchedule:
    """Changes the emulator's faults during a sync: each step's spec once its `ready(stats)` holds.

    Steps run in order, checked every 10 ms, in a thread; `stop()` ends it (e.g. when the sync is over,
    so that a late step never leaks into the next sync).
    """

    def __init__(self, emu, steps: Sequence[Tuple[Callable[[Mapping[str, Any]], bool], Optional[str]]]) -> None:
        self._emu = emu
        self._steps = list(steps)
        self._stopped = threading.Event()
        self.applied: List[Optional[str]] = []
        self._thread = threading.Thread(target=self._run, name="fault-schedule", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        for ready, spec in self._steps:
            while not ready(self._emu.stats()):
                if self._stopped.wait(0.01):
                    return
            self._emu.set_faults(spec)
            self.applied.append(spec)

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(5)


def answered(*operations: str):
    """A `ready` test: each operation has had at least one 2xx answer."""

    def ready(stats: Mapping[str, Any]) -> bool:
        ops = stats["operations"]
        return all(ops.get(op, {}).get("2xx", 0) > 0 for op in operations)

    return ready


def faulted(kind: str, *operations: str):
    """A `ready` test: each operation has had at least one fault of this kind."""

    def ready(stats: Mapping[str, Any]) -> bool:
        ops = stats["operations"]
        return all(ops.get(op, {}).get("faults", {}).get(kind, 0) > 0 for op in operations)

    return ready


# ---------------------------------------------------------------------------------------- the report

FAULT_REPORT = Path(__file__).parent / ".fault_report.json"
_report_lock = threading.Lock()


def write_fault_report(section: str, key: str, data: Mapping[str, Any]) -> None:
    """Add one result to integration_tests/.fault_report.json (git-ignored) for the lead to quote."""
    with _report_lock:
        try:
            report = json.loads(FAULT_REPORT.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            report = {}
        report.setdefault(section, {})[key] = {**data, "recorded_at": datetime.now(timezone.utc).strftime(DATE_FORMAT)}
        FAULT_REPORT.write_text(json.dumps(report, indent=2, sort_keys=True, default=str))
