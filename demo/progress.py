"""Progress lines for the demo: streams started/finished with their record counts, the report job's
requests, waits and outcomes, and a periodic summary while the sync is quiet.

PyAirbyte draws its own progress view (a live panel in a terminal), but it keeps the connector's log
lines in a file only, and a report that Amazon is still preparing produces no records for a while.
`ProgressPrinter.observe` sees every Airbyte message the connector sends (PyAirbyte or airbyte-cdk
models alike: only attribute names are used) and prints what a person watching wants to know.
"""

from __future__ import annotations

import re
import sys
import threading
import time
from collections import Counter
from typing import Any, Callable, Dict, Optional, TextIO

# The report job's own log lines (components/reports.py): "Requested report ...", "Report ... was
# CANCELLED", "Reusing DONE report ...". Stream names such as GET_..._REPORT are upper case and do
# not match.
_REPORT_WORD = re.compile(r"\b[Rr]eports?\b")
_NOISY_REPORT_LINES = ("Listed ",)


def _name(value: Any) -> str:
    """An enum's value or a plain string, upper case (PyAirbyte and the CDK use different enum classes)."""
    return str(getattr(value, "value", value) or "").upper()


class ProgressPrinter:
    """Thread-safe: `observe` runs on PyAirbyte's reading thread, `tick` on the heartbeat thread."""

    def __init__(self, out: TextIO = sys.stdout, clock: Callable[[], float] = time.monotonic,
                 quiet_seconds: float = 10.0) -> None:
        self._out = out
        self._clock = clock
        self._quiet_seconds = quiet_seconds
        self._lock = threading.Lock()
        self._started_at = clock()
        self._last_print = self._started_at
        self.counts: Counter = Counter()
        self.running: Dict[str, float] = {}
        self.finished: Dict[str, str] = {}  # stream -> COMPLETE | INCOMPLETE
        self.reports_requested = 0
        self.reports_cancelled = 0
        self._heartbeat: Optional[threading.Thread] = None
        self._stop = threading.Event()

    # -- messages
    def observe(self, message: Any) -> None:
        kind = _name(getattr(message, "type", None))
        if kind == "RECORD":
            stream = message.record.stream
            with self._lock:
                self.counts[stream] += 1
                if stream not in self.running and stream not in self.finished:
                    self._stream_started(stream)
        elif kind == "TRACE":
            self._observe_trace(message.trace)
        elif kind == "LOG":
            self._observe_log(_name(message.log.level), message.log.message or "")

    def _observe_trace(self, trace: Any) -> None:
        trace_type = _name(getattr(trace, "type", None))
        if trace_type == "STREAM_STATUS":
            stream = trace.stream_status.stream_descriptor.name
            status = _name(trace.stream_status.status)
            with self._lock:
                if status == "STARTED" and stream not in self.running:
                    self._stream_started(stream)
                elif status in ("COMPLETE", "INCOMPLETE"):
                    self._stream_finished(stream, status)
        elif trace_type == "ERROR":
            with self._lock:
                self._print(f"ERROR    {(trace.error.message or '').strip()}")

    def _observe_log(self, level: str, text: str) -> None:
        text = text.strip()
        if level in ("WARN", "WARNING", "ERROR", "FATAL"):
            with self._lock:
                self._print(f"{'warning' if level.startswith('WARN') else 'error':8} {text}")
            return
        if not _REPORT_WORD.search(text) or text.startswith(_NOISY_REPORT_LINES):
            return
        with self._lock:
            if text.startswith("Requested"):
                self.reports_requested += 1
            if "CANCELLED" in text:
                self.reports_cancelled += 1
            self._print(f"report   {text}")

    # -- stream events (lock held)
    def _stream_started(self, stream: str) -> None:
        self.running[stream] = self._clock()
        self._print(f"started  {stream}")

    def _stream_finished(self, stream: str, status: str) -> None:
        began = self.running.pop(stream, None)
        self.finished[stream] = status
        took = f" in {self._clock() - began:.1f} s" if began is not None else ""
        verb = "done    " if status == "COMPLETE" else "FAILED  "
        self._print(f"{verb} {stream}: {self.counts[stream]:,} records{took}")

    def note(self, text: str) -> None:
        """A line of the demo's own (a phase starting), with the same time stamp."""
        with self._lock:
            self._print(text)

    # -- periodic summary
    def summary_line(self) -> str:
        with self._lock:
            total = sum(self.counts.values())
            running = ", ".join(f"{name} ({self.counts[name]:,})" for name in sorted(self.running)) or "none"
            return (f"{total:,} records so far; {len(self.finished)} streams finished; "
                    f"{self.reports_requested} reports requested ({self.reports_cancelled} cancelled: no data); running: {running}")

    def tick(self) -> None:
        """Print the summary if nothing was printed for `quiet_seconds` (e.g. while reports are processed)."""
        with self._lock:
            quiet = self._clock() - self._last_print >= self._quiet_seconds
        if quiet:
            line = self.summary_line()
            with self._lock:
                self._print(f"progress {line}")

    def start_heartbeat(self, every_seconds: float = 1.0) -> None:
        def beat() -> None:
            while not self._stop.wait(every_seconds):
                self.tick()

        self._heartbeat = threading.Thread(target=beat, name="demo-progress", daemon=True)
        self._heartbeat.start()

    def stop_heartbeat(self) -> None:
        self._stop.set()
        if self._heartbeat is not None:
            self._heartbeat.join(timeout=2)

    def _print(self, text: str) -> None:
        elapsed = int(self._clock() - self._started_at)
        self._out.write(f"[{elapsed // 60:02d}:{elapsed % 60:02d}] {text}\n")
        self._out.flush()
        self._last_print = self._clock()
