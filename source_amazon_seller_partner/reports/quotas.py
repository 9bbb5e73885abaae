"""Amazon's limits on createReport besides the operation's token bucket, and when each allows the next request.

The catalog names a report type's limit (`quota`); the numbers and their sources are here:
- `sales_and_traffic`: GET_SALES_AND_TRAFFIC_REPORT may be requested once per 15 minutes and 96 times a day
  per seller account, shared by every app (Amazon's answer on amzn/selling-partner-api-models#5210, April
  2026); a request beyond it is refused with 429 QuotaExceeded.
- `near_real_time`: "after a near real-time FBA report is generated following your report request, a
  30-minute waiting period must pass before Amazon will generate an updated version of that report"
  (report type values, FBA reports); a request in that time is CANCELLED (Amazon MWS FBA guide), which
  reads like "no data". Counted per report type and marketplace, from the end of the last DONE one.
- every type: a request identical to one Amazon made less than about 30 minutes ago ends FATAL ("requested
  too soon"), so a listed identical report that is not reused holds the next one back that long.

What the book knows comes from the sync's own requests and from Amazon's listing of recent reports
(getReports), so a report an earlier sync (or another app, where Amazon lists it) requested counts too.
Durations are Amazon's; `_amazon_time_scale` divides them, for tests and the bench against an emulator
running that many times faster (its `--time-scale`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple

from ..dates import parse_datetime, utc_now

PENDING = ("IN_QUEUE", "IN_PROGRESS")


@dataclass(frozen=True)
class Quota:
    name: str
    what: str  # how a planned-wait line names the limit
    min_interval: timedelta = timedelta(0)  # between two requests
    per_day: Optional[int] = None  # requests in any 24 hours
    after_generated: Optional[timedelta] = None  # after a DONE report's processingEndTime
    source: str = ""


QUOTAS: Dict[str, Quota] = {
    "sales_and_traffic": Quota(
        "sales_and_traffic", "once per 15 minutes and 96 times a day per seller account",
        min_interval=timedelta(minutes=15), per_day=96,
        source="Amazon on amzn/selling-partner-api-models#5210 (April 2026)",
    ),
    "near_real_time": Quota(
        "near_real_time", "one near-real-time FBA report per type and marketplace every 30 minutes",
        after_generated=timedelta(minutes=30),
        source="report type values, FBA reports; Amazon MWS FBA guide (a sooner request is CANCELLED)",
    ),
}
IDENTICAL_COOLDOWN = timedelta(minutes=30)  # Amazon's FATAL reason: "requested too soon after an identical report"


@dataclass
class _Request:
    report_id: Optional[str]
    created: datetime
    status: Optional[str]  # None: not known yet
    processing_end: Optional[datetime] = None


class QuotaBook:
    """Requests of each quota's scope (S&T: the account; near real time: type and marketplace), thread-safe.

    `status_of(report_id)` answers getReport: a near-real-time request still pending holds the next one
    back until its outcome is known (DONE starts the 30 minutes, CANCELLED and FATAL do not)."""

    def __init__(self, time_scale: float = 1.0, now: Callable[[], datetime] = utc_now,
                 status_of: Optional[Callable[[str], Mapping[str, Any]]] = None, recheck_seconds: float = 1.0) -> None:
        self._scale = max(float(time_scale), 1e-9)
        self._now = now
        self._status_of = status_of
        self._recheck = timedelta(seconds=recheck_seconds)
        self._lock = threading.Lock()
        self._requests: Dict[Tuple[str, Any], Dict[str, _Request]] = {}
        self._identical: Dict[str, datetime] = {}  # request key -> when a listed identical report was created
        self._checked: Dict[str, datetime] = {}

    def scaled(self, duration: timedelta) -> timedelta:
        return duration / self._scale

    @staticmethod
    def scope(quota: Quota, report_type: str, marketplace_id: Optional[str]) -> Tuple[str, Any]:
        return (quota.name, None) if quota.name == "sales_and_traffic" else (quota.name, (report_type, marketplace_id))

    # -- what happened
    def note_listed(self, quota_name: Optional[str], reports: Iterable[Mapping[str, Any]]) -> None:
        """Reports Amazon lists for a report type (getReports), any status."""
        quota = QUOTAS.get(quota_name or "")
        if quota is None:
            return
        for report in reports:
            marketplaces = list(report.get("marketplaceIds") or [None])
            created = parse_datetime(report.get("createdTime"))
            if created is None:
                continue
            for marketplace_id in marketplaces:
                self._note(quota, str(report.get("reportType")), marketplace_id, str(report.get("reportId")), created,
                           report.get("processingStatus"), parse_datetime(report.get("processingEndTime")))

    def note_identical(self, key: str, created: datetime) -> None:
        with self._lock:
            if key not in self._identical or created > self._identical[key]:
                self._identical[key] = created

    def note_requested(self, quota_name: Optional[str], report_type: str, marketplace_id: Optional[str], report_id: str,
                       created: Optional[datetime] = None) -> None:
        quota = QUOTAS.get(quota_name or "")
        if quota is not None:
            self._note(quota, report_type, marketplace_id, report_id, created or self._now(), None, None)

    def note_final(self, quota_name: Optional[str], report: Mapping[str, Any]) -> None:
        quota = QUOTAS.get(quota_name or "")
        if quota is None:
            return
        for marketplace_id in list(report.get("marketplaceIds") or [None]):
            self._update(quota, str(report.get("reportType")), marketplace_id, report)

    def _note(self, quota: Quota, report_type: str, marketplace_id: Optional[str], report_id: str, created: datetime,
              status: Optional[str], processing_end: Optional[datetime]) -> None:
        with self._lock:
            requests = self._requests.setdefault(self.scope(quota, report_type, marketplace_id), {})
            known = requests.get(report_id)
            if known is None:
                requests[report_id] = _Request(report_id, created, status, processing_end)
            elif status is not None:
                known.status, known.processing_end = status, processing_end

    def _update(self, quota: Quota, report_type: str, marketplace_id: Optional[str], report: Mapping[str, Any]) -> None:
        report_id = str(report.get("reportId"))
        self._note(quota, report_type, marketplace_id, report_id, parse_datetime(report.get("createdTime")) or self._now(),
                   report.get("processingStatus"), parse_datetime(report.get("processingEndTime")))

    # -- when next
    def ready_at(self, quota_name: Optional[str], report_type: str, marketplace_id: Optional[str],
                 identical_key: Optional[str] = None) -> Optional[datetime]:
        """When the next request of this type and marketplace may go (None: now)."""
        now = self._now()
        moments: List[datetime] = []
        with self._lock:
            listed = self._identical.get(identical_key or "")
        if listed is not None:
            moments.append(listed + self.scaled(IDENTICAL_COOLDOWN))
        quota = QUOTAS.get(quota_name or "")
        if quota is not None:
            moments.extend(self._quota_moments(quota, report_type, marketplace_id, now))
        latest = max(moments, default=None)
        return latest if latest is not None and latest > now else None

    def _quota_moments(self, quota: Quota, report_type: str, marketplace_id: Optional[str], now: datetime) -> List[datetime]:
        with self._lock:
            requests = list(self._requests.get(self.scope(quota, report_type, marketplace_id), {}).values())
        moments: List[datetime] = []
        created = sorted(r.created for r in requests)
        if created and quota.min_interval:
            moments.append(created[-1] + self.scaled(quota.min_interval))
        if quota.per_day is not None and len(created) >= quota.per_day:
            day = self.scaled(timedelta(days=1))
            recent = [moment for moment in created if moment > now - day]
            if len(recent) >= quota.per_day:
                moments.append(recent[-quota.per_day] + day)
        if quota.after_generated is not None:
            for request in requests:
                moments.extend(self._after_generated(quota, request, now))
        return moments

    def _after_generated(self, quota: Quota, request: _Request, now: datetime) -> List[datetime]:
        assert quota.after_generated is not None
        if request.status in (None,) + PENDING and request.report_id and self._status_of is not None:
            last = self._checked.get(request.report_id)
            if last is None or now - last >= self._recheck:
                self._checked[request.report_id] = now
                report = self._status_of(request.report_id)
                request.status = report.get("processingStatus") or request.status
                request.processing_end = parse_datetime(report.get("processingEndTime"))
        if request.status in (None,) + PENDING:
            # Not generated yet: the next one waits for its outcome (looked at again shortly).
            return [now + self._recheck]
        if request.status == "DONE":
            return [(request.processing_end or request.created) + self.scaled(quota.after_generated)]
        return []  # CANCELLED or FATAL: nothing was generated
