"""ReportPlanner: every createReport of a sync, most recent data first, within Amazon's limits.

Why: createReport allows one request a minute after a burst of 15, shared by every report stream, and
some report types have limits of their own (quotas.py). The CDK hands windows to worker threads first
come, first served, so without a plan a two-year backfill asks for whatever window a thread happens to
hold, and yesterday's numbers wait behind two years of history.

How: the CDK generates every report stream's windows before it reads them; the component factory shows
each generated window to the planner (`plan`), so the planner knows the whole sync's requests early.
Requests go out one at a time, best first: every stream's most recent window (per marketplace) before
any history, then history newest to oldest; a request that a per-type limit holds back waits (a planned
wait, logged once with the time it ends) while the others go. A stream's windows reach the CDK's
queue only as their reports are asked for (`in_request_order`), so the CDK hands threads windows in the
plan's order, and a thread finds its report already asked for (`report_for`). Before asking, the
planner looks in Amazon's listing for a report to reuse or resume (listing.RecentReports), so no window
is requested twice across syncs. Two streams with the same request (sales and traffic by date and by
ASIN) share one report.

Whoever waits does the work: there is no planner thread. A thread waiting for its report (or polling one)
sends the next request when none is in flight, so requests go out as long as anyone waits.
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Set, Tuple

from airbyte_cdk.models import FailureType

from ..catalog.reports import ReportStreamSpec
from ..dates import format_datetime, utc_now
from ..errors import traced_error
from .create import create_report
from .listing import REPORTS_PATH, RecentReports
from .progress import PROGRESS_EVERY_SECONDS, ReportProgress
from .quotas import QUOTAS, QuotaBook
from .window import ReportWindow, country, report_label, request_body, window_of

if TYPE_CHECKING:
    from ..context import SyncContext

logger = logging.getLogger("airbyte")

# A waiting thread looks again at least this often (progress lines, quotas whose outcome was unknown).
MAX_WAIT_SECONDS = 15.0
# How long the first request waits for the report streams still generating their windows, so that
# Amazon's burst goes to the most recent windows of all of them.
PLANNING_GRACE_SECONDS = 3.0


@dataclass
class Planned:
    """One createReport body and the windows (of one or more streams) it serves."""

    spec: ReportStreamSpec
    window: ReportWindow
    body: Dict[str, Any]
    key: str
    label: str
    streams: Set[str]
    seq: int
    urgent: bool = False  # a FATAL report asked for again: goes first
    looked_up: bool = False
    state: str = "planned"  # planned -> requested | reused | failed
    report: Optional[Mapping[str, Any]] = None  # {"reportId": ...} or the reused report from the listing
    requested_at: Optional[datetime] = None
    not_before: Optional[datetime] = None  # a per-type limit holds it back until then
    error: Optional[BaseException] = None
    finished: bool = False

    @property
    def end(self) -> datetime:
        return self.window.end or datetime.max.replace(tzinfo=None)


class ReportPlanner:
    """The sync's report requests (SyncContext.report_planner). Thread-safe."""

    def __init__(self, config: Mapping[str, Any], recent: RecentReports, create: Callable[[Planned], str],
                 quotas: QuotaBook, progress: ReportProgress, wait_limit_seconds: float,
                 now: Callable[[], datetime] = utc_now) -> None:
        self._config = config
        self._recent = recent
        self._create = create
        self._quotas = quotas
        self._progress = progress
        self._wait_limit = timedelta(seconds=wait_limit_seconds)
        self._now = now
        self._cond = threading.Condition()
        self._by_key: Dict[str, Planned] = {}
        self._newest: Dict[Tuple[str, Optional[str]], datetime] = {}  # (stream, marketplace) -> its newest window's end
        self._seq = itertools.count()
        self._sending = False
        self._expected: Set[str] = set()
        self._generated: Set[str] = set()  # streams whose windows are all planned
        self._started = self._now()
        self._announced: Set[Tuple[str, str]] = set()

    # -- what the sync will ask for
    def expect(self, streams: Set[str]) -> None:
        """The report streams of the sync (their windows arrive as the CDK generates them)."""
        with self._cond:
            self._expected |= set(streams)
            self._started = self._now()

    def plan(self, stream: str, spec: ReportStreamSpec, window: ReportWindow) -> Planned:
        """Register one window of `stream` (idempotent); the same request of another stream is shared."""
        body = request_body(spec, self._config, window)
        key = json.dumps(body, sort_keys=True)
        with self._cond:
            planned = self._by_key.get(key)
            if planned is None:
                planned = self._by_key[key] = Planned(spec, window, body, key, report_label(spec.report_type, window), set(), next(self._seq))
            planned.streams.add(stream)
            group = (stream, window.marketplace_id)
            if window.end is not None and (group not in self._newest or window.end > self._newest[group]):
                self._newest[group] = window.end
            self._cond.notify_all()
            return planned

    def planned_all(self, stream: str) -> None:
        """`stream` has generated all its windows."""
        with self._cond:
            self._generated.add(stream)
            self._cond.notify_all()

    # -- what a worker thread asks
    def report_for(self, planned: Planned) -> Mapping[str, Any]:
        """The report for this window: reused or resumed from the listing, or requested (waits its turn)."""
        while True:
            with self._cond:
                if planned.state in ("requested", "reused"):
                    assert planned.report is not None
                    return planned.report
                if planned.state == "failed":
                    assert planned.error is not None
                    raise planned.error
            self.work()

    def again(self, planned: Planned) -> Planned:
        """A new request for a window whose report ended FATAL (never the FATAL report itself), ahead of the rest."""
        with self._cond:
            retry = Planned(planned.spec, planned.window, planned.body, planned.key + "#again", planned.label,
                            set(planned.streams), next(self._seq), urgent=True, looked_up=True)
            self._by_key[retry.key] = retry
            self._cond.notify_all()
        return retry

    def in_request_order(self, planned: Sequence[Planned]) -> Iterator[int]:
        """Indexes of one stream's `planned` windows, each as soon as its request has left the plan
        (requested, reused from the listing, or failed), best first among those.

        Why: the CDK queues a stream's windows for worker threads as its partition generator yields them,
        first come first served across streams. Yielding a window only once its report is asked for puts
        the CDK's queue in the planner's order, so no thread sits on a history window whose request is
        far down the plan while another stream's newest report is ready and queued behind it. The
        generator's thread sends requests itself while it waits, like every waiting thread.
        """
        left = list(range(len(planned)))
        while left:
            with self._cond:
                ready = sorted((i for i in left if planned[i].state not in ("planned", "sending")),
                               key=lambda i: self._rank(planned[i]))
            if not ready:
                self.work()
                continue
            for index in ready:
                left.remove(index)
                yield index

    def finished(self, planned: Planned, report: Mapping[str, Any]) -> None:
        """The window's report reached a final status (the job saw it)."""
        self._quotas.note_final(planned.spec.quota, report)
        with self._cond:
            planned.finished = True
            self._cond.notify_all()

    def work(self, max_wait: float = MAX_WAIT_SECONDS) -> None:
        """Send the best request that may go now (one), or wait until one may, at most `max_wait` seconds."""
        with self._cond:
            if self._sending:
                self._cond.wait(min(max_wait, MAX_WAIT_SECONDS))
                return
            choice, wake = self._choose()
            if choice is None:
                self._cond.wait(min(max_wait, self._seconds_until(wake)))
            else:
                self._sending, choice.state = True, "sending"
        if choice is not None:
            try:
                self._send(choice)
            finally:
                with self._cond:
                    self._sending = False
                    self._cond.notify_all()
        self.tick()

    def idle(self, seconds: float) -> None:
        """Wait `seconds` (a thread polling its report), sending requests that fall due meanwhile."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self.work(left)

    def tick(self) -> None:
        self._progress.tick(self.snapshot)

    # -- choosing
    def _is_newest(self, planned: Planned) -> bool:
        """Whether the window is the newest of some stream in its marketplace."""
        return any(self._newest.get((s, planned.window.marketplace_id)) == planned.window.end for s in planned.streams)

    def _rank(self, planned: Planned) -> Tuple[Any, ...]:
        end = planned.window.end.timestamp() if planned.window.end else float("inf")
        return (not planned.urgent, not self._is_newest(planned), -end, planned.seq)

    def _choose(self) -> Tuple[Optional[Planned], Optional[datetime]]:
        """(the best request that may go now, else None and when one may)."""
        now = self._now()
        if self._still_planning(now):
            return None, self._started + timedelta(seconds=PLANNING_GRACE_SECONDS)
        waiting = sorted((p for p in self._by_key.values() if p.state == "planned"), key=self._rank)
        wake: Optional[datetime] = None
        for planned in waiting:
            if not planned.looked_up:
                return planned, None
            ready = planned.not_before = self._ready_at(planned)
            if ready is None:
                return planned, None
            self._announce(planned, ready)
            if ready - now > self._wait_limit:
                planned.state, planned.error = "failed", self._too_far(planned, ready)
                self._cond.notify_all()
                continue
            wake = ready if wake is None else min(wake, ready)
        return None, wake

    def _still_planning(self, now: datetime) -> bool:
        return bool(self._expected - self._generated) and now - self._started < timedelta(seconds=PLANNING_GRACE_SECONDS)

    def _ready_at(self, planned: Planned) -> Optional[datetime]:
        spec = planned.spec
        return self._quotas.ready_at(spec.quota, spec.report_type, planned.window.marketplace_id, planned.key)

    def _seconds_until(self, moment: Optional[datetime]) -> float:
        if moment is None:
            return MAX_WAIT_SECONDS
        return min(MAX_WAIT_SECONDS, max(0.05, (moment - self._now()).total_seconds()))

    def _announce(self, planned: Planned, ready: datetime) -> None:
        quota = QUOTAS.get(planned.spec.quota or "")
        what = quota.what if quota else "no identical request within about 30 minutes"
        key = (planned.spec.report_type, f"{planned.window.marketplace_id}{format_datetime(ready)}")
        if key in self._announced:
            return
        self._announced.add(key)
        logger.info(
            "Planned wait: Amazon allows %s (%s); %s in %s goes at %s UTC.",
            planned.spec.report_type, what, planned.window.describe(), country(planned.window.marketplace_id),
            ready.strftime("%H:%M:%S"),
        )

    def _too_far(self, planned: Planned, ready: datetime) -> BaseException:
        quota = QUOTAS.get(planned.spec.quota or "")
        return traced_error(
            f"Amazon allows {planned.spec.report_type} {quota.what if quota else 'again only later'}: {planned.label} "
            f"could go at {format_datetime(ready)} at the earliest, after this sync's report wait timeout. "
            "The next sync asks for this window.",
            FailureType.transient_error,
        )

    # -- sending
    def _send(self, planned: Planned) -> None:
        try:
            if not planned.looked_up:
                reused = self._reusable(planned)
                with self._cond:
                    planned.looked_up = True
                    if reused is not None:
                        planned.state, planned.report = "reused", reused
                        return
                    planned.state = "planned"  # chosen again once its limits allow
                return
            spec = planned.spec
            report_id = self._create(planned)
            self._quotas.note_requested(spec.quota, spec.report_type, planned.window.marketplace_id, report_id)
            with self._cond:
                planned.state, planned.report, planned.requested_at = "requested", {"reportId": report_id}, self._now()
        except BaseException as error:  # noqa: BLE001 - handed to the window's thread, which raises it
            with self._cond:
                planned.state, planned.error = "failed", error

    def _reusable(self, planned: Planned) -> Optional[Mapping[str, Any]]:
        spec, window = planned.spec, planned.window
        snapshot = spec.window_kind == "snapshot"
        report = self._recent.find(spec.report_type, window, snapshot)
        self._quotas.note_listed(spec.quota, self._recent.reports_of(spec.report_type))
        if report is None:
            listed = self._recent.identical(spec.report_type, window, snapshot)
            if listed is not None:
                self._quotas.note_identical(planned.key, listed)
            return None
        status = report.get("processingStatus")
        logger.info("%s %s report %s (created %s) for %s.", "Reusing" if status == "DONE" else "Resuming", status,
                    report.get("reportId"), report.get("createdTime"), planned.label)
        return report

    # -- progress
    def snapshot(self) -> Dict[str, Any]:
        """What a progress line says (under no lock of its caller's)."""
        now = self._now()
        with self._cond:
            requested = [p for p in self._by_key.values() if p.state in ("requested", "reused") and not p.finished]
            waiting = [p for p in self._by_key.values() if p.state == "planned"]
            upcoming = sorted(waiting, key=self._rank)[:1]
        by_country: Dict[str, int] = {}
        for planned in requested:
            code = country(planned.window.marketplace_id)
            by_country[code] = by_country.get(code, 0) + 1
        oldest = min(requested, key=lambda p: p.requested_at or now, default=None)
        return {
            "now": now,
            "pending": len(requested),
            "pending_by_country": by_country,
            "oldest": oldest,
            "planned": len(waiting),
            "next": upcoming[0] if upcoming else None,
        }


def planner_for(context: "SyncContext") -> ReportPlanner:
    """The sync's planner (SyncContext.report_planner builds it once)."""
    from ..rate_limits import match_operation
    from .settings import JobSettings

    config = context.config
    settings = JobSettings.from_config(config)
    status_transport = context.transport("ReportStatus", {"api_name": "Reports API", "role": "the report's role"})
    quotas = QuotaBook(
        time_scale=float(config.get("_amazon_time_scale") or 1.0),  # hidden: tests and the bench against a faster emulator
        status_of=lambda report_id: status_transport.get_json(f"{REPORTS_PATH}/{report_id}"),
    )
    create = match_operation("POST", REPORTS_PATH)
    assert create is not None
    bucket = context.rate_limits.bucket(create)
    every = config.get("_progress_every_seconds")  # hidden: tests make it short
    progress = ReportProgress(bucket.seconds_until_token, float(every) if every else PROGRESS_EVERY_SECONDS)
    recent = context.recent_reports

    def create(planned: Planned) -> str:
        spec, window = planned.spec, planned.window
        # named after a stream the report serves: its errors name that stream, its API and role
        transport = context.transport(sorted(planned.streams)[0], {"api_name": "Reports API", "role": spec.role})
        return create_report(transport, planned.body, planned.label,
                             lambda: recent.created_moments_ago(spec.report_type, window, spec.window_kind == "snapshot"))

    return ReportPlanner(config, recent, create, quotas, progress, settings.wait_timeout_seconds)


def planned_slices(context: "SyncContext", stream: str, slices: Iterable[Any]) -> Iterator[Any]:
    """The CDK's slices of a report stream, each shown to the planner as it is generated."""
    from ..catalog.reports import load_report_catalog

    planner = context.report_planner
    spec = next(s for s in load_report_catalog() if s.name == stream)
    # A report stream has at most a few hundred windows: all are planned before the first is read, so
    # the plan ranks every stream's newest window before any history.
    generated: List[Any] = []
    planned: List[Planned] = []
    try:
        for stream_slice in slices:
            generated.append(stream_slice)
            planned.append(planner.plan(stream, spec, window_of(spec, context.config, stream_slice)))
    finally:
        planner.planned_all(stream)
    for index in planner.in_request_order(planned):
        yield generated[index]
