"""The reports Amazon already has for this sync's report types: listed once per sync, used for reuse
and resume, and the answer to a createReport whose answer was lost."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple

from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from ..dates import format_datetime, parse_datetime, utc_now
from ..transport import SpApiTransport
from .settings import JobSettings
from .window import ReportWindow

if TYPE_CHECKING:
    from ..context import SyncContext

logger = logging.getLogger("airbyte")

REPORTS_PATH = "/reports/2021-06-30/reports"
REPORTS_API = {"api_name": "Reports API", "role": "the report's role"}
PENDING_STATUSES = ("IN_QUEUE", "IN_PROGRESS")
REUSABLE_STATUSES = PENDING_STATUSES + ("DONE",)
# Listed too, though never reused: every request counts against a per-type quota (quotas.py).
LISTED_STATUSES = REUSABLE_STATUSES + ("CANCELLED", "FATAL")
GETREPORTS_MAX_TYPES = 10  # Amazon's limit for reportTypes
GETREPORTS_PAGE_SIZE = 100
GETREPORTS_MAX_PAGES = 200


class RecentReports:
    """Reports Amazon already has for this sync's report types, listed once per sync.

    getReports allows 0.0222 requests/s, so it is never called per slice: the first slice of a report
    type lists its type together with every other type whose slices are waiting at that moment (up
    to 10 per call, Amazon's limit), and later slices of those types read the stored listing.

    The listing reaches back max(reuse age, resume horizon = max(24 h, 2 x wait timeout)); what is used:
    - same type, marketplace, dataStartTime and dataEndTime, IN_QUEUE/IN_PROGRESS/DONE: in practice the
      report an earlier sync asked for and stopped waiting for, so it is used (resumed) within the
      horizon even when reuse is off;
    - the last window (ending "now"): a pending report with the same start and an earlier end (an
      earlier sync's "now"), or such a DONE one within the reuse age; the state then stops at its end;
    - snapshots: the newest DONE report within the reuse age, or a pending one within the horizon.
    getReports does not return report options, so a report asked for with other options can be reused.
    """

    def __init__(self, transport: SpApiTransport, settings: JobSettings, now: Callable[[], datetime] = utc_now) -> None:
        self._transport = transport
        self._settings = settings
        self._now = now
        self._lock = threading.Lock()  # guards the three collections below
        self._listed: Dict[str, List[Mapping[str, Any]]] = {}
        self._waiting: List[str] = []
        self._expected: List[str] = []
        self._listing_lock = threading.Lock()  # one listing call at a time: the others batch behind it

    @classmethod
    def for_context(cls, context: "SyncContext") -> "RecentReports":
        """The sync's listing (SyncContext.recent_reports builds it once)."""
        return cls(context.transport("ReportListing", REPORTS_API), JobSettings.from_config(context.config))

    def expect(self, report_types: Iterable[str]) -> None:
        """Report types this sync will read: a listing call fills its 10 places with them."""
        with self._lock:
            self._expected.extend(t for t in report_types if t not in self._expected)

    def reports_of(self, report_type: str) -> List[Mapping[str, Any]]:
        with self._lock:
            if report_type in self._listed:
                return self._listed[report_type]
            if report_type not in self._waiting:
                self._waiting.append(report_type)
        with self._listing_lock:
            with self._lock:
                if report_type in self._listed:  # listed by another thread while this one waited
                    return self._listed[report_type]
                batch = [report_type]
                for candidate in self._waiting + self._expected:
                    if len(batch) < GETREPORTS_MAX_TYPES and candidate not in batch and candidate not in self._listed:
                        batch.append(candidate)
            listed = self._list(batch)
            with self._lock:
                for listed_type in batch:
                    self._listed[listed_type] = listed.get(listed_type, [])
                self._waiting = [t for t in self._waiting if t not in batch]
                return self._listed[report_type]

    def _list(self, report_types: List[str]) -> Dict[str, List[Mapping[str, Any]]]:
        since = self._now() - max(self._settings.reuse_max_age, self._settings.resume_horizon)
        params: Mapping[str, Any] = {
            "reportTypes": ",".join(report_types),
            "processingStatuses": ",".join(LISTED_STATUSES),
            "createdSince": format_datetime(since),
            "pageSize": GETREPORTS_PAGE_SIZE,
        }
        found: Dict[str, List[Mapping[str, Any]]] = {}
        try:
            for report in list_reports(self._transport, params):
                found.setdefault(report.get("reportType", ""), []).append(report)
        except AirbyteTracedException as error:
            # Reuse saves requests but is not needed for correctness: carry on with new reports.
            logger.warning("Could not list recent reports of %s (%s); requesting new ones.", ", ".join(report_types), error)
            return {}
        logger.info("Listed %d recent report(s) of %s for reuse.", sum(len(v) for v in found.values()), ", ".join(report_types))
        return found

    def created_moments_ago(self, report_type: str, window: ReportWindow, snapshot: bool) -> Optional[Mapping[str, Any]]:
        """A fresh listing, for the report a createReport whose answer was lost may have created."""
        params = {
            "reportTypes": report_type,
            "processingStatuses": ",".join(REUSABLE_STATUSES),
            "marketplaceIds": window.marketplace_id,
            "createdSince": format_datetime(self._now() - timedelta(minutes=15)),
            "pageSize": GETREPORTS_PAGE_SIZE,
        }
        try:
            reports = list(list_reports(self._transport, params))
        except AirbyteTracedException as error:
            logger.warning("Could not list the reports of %s created moments ago (%s).", report_type, error)
            return None
        return self._best(reports, window, snapshot)

    def find(self, report_type: str, window: ReportWindow, snapshot: bool) -> Optional[Mapping[str, Any]]:
        """The best report to use for this window, or None to request a new one."""
        return self._best(self.reports_of(report_type), window, snapshot)

    def identical(self, report_type: str, window: ReportWindow, snapshot: bool) -> Optional[datetime]:
        """When Amazon last made a report identical to this window's request (same marketplace and dates, or
        the same snapshot) that is DONE or pending: another identical request within its cooldown ends FATAL."""
        latest: Optional[datetime] = None
        for report in self.reports_of(report_type):
            if report.get("processingStatus") not in REUSABLE_STATUSES or list(report.get("marketplaceIds") or []) != [window.marketplace_id]:
                continue
            same = snapshot or (parse_datetime(report.get("dataStartTime")) == window.start and parse_datetime(report.get("dataEndTime")) == window.end)
            created = parse_datetime(report.get("createdTime"))
            if same and created is not None and (latest is None or created > latest):
                latest = created
        return latest

    def _best(self, reports: Iterable[Mapping[str, Any]], window: ReportWindow, snapshot: bool) -> Optional[Mapping[str, Any]]:
        now = self._now()
        reuse_age, horizon = self._settings.reuse_max_age, self._settings.resume_horizon
        best: Optional[Mapping[str, Any]] = None
        best_rank: Tuple[Any, ...] = ()
        for report in reports:
            if list(report.get("marketplaceIds") or []) != [window.marketplace_id]:
                continue
            status = report.get("processingStatus")
            created = parse_datetime(report.get("createdTime")) or now
            age = now - created
            pending = status in PENDING_STATUSES
            recent_done = status == "DONE" and bool(reuse_age) and age <= reuse_age
            if snapshot:
                usable = recent_done or (pending and age <= horizon)
                rank: Tuple[Any, ...] = (created,)
            else:
                start, end = parse_datetime(report.get("dataStartTime")), parse_datetime(report.get("dataEndTime"))
                if start is None or end is None or start != window.start or window.end is None:
                    continue
                if end == window.end:
                    # the same window: pending or DONE, it is the report an earlier attempt asked for
                    usable = (pending or status == "DONE") and age <= max(reuse_age, horizon)
                    exact = 1
                elif window.is_last and start < end < window.end:
                    # The last window ends at "now", which moves between syncs: the report an earlier sync
                    # asked for up to its own "now" still serves, and the state then stops at its end.
                    usable = (pending and age <= horizon) or recent_done
                    exact = 0
                else:
                    continue
                rank = (exact, end, created)
            if usable and (best is None or rank > best_rank):
                best, best_rank = report, rank
        return best


def list_reports(transport: SpApiTransport, params: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every report of a getReports query, following nextToken (which Amazon wants sent alone)."""
    query: Mapping[str, Any] = params
    for _ in range(GETREPORTS_MAX_PAGES):
        page = transport.get_json(REPORTS_PATH, params=query)
        yield from page.get("reports") or []
        token = page.get("nextToken")
        if not token:
            return
        query = {"nextToken": token}
    logger.warning("Stopped listing reports after %d pages.", GETREPORTS_MAX_PAGES)


# ----------------------------------------------------------------------------------- document reader
