"""Settlement-kind reports: Amazon makes them on its own schedule; they are listed, never requested."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Dict, Iterator, Optional

from ..dates import format_datetime, parse_datetime, utc_now
from .job import ReportStream, stamped_records
from .listing import GETREPORTS_PAGE_SIZE, list_reports
from .settings import LISTING_MAX_AGE
from .window import ReportWindow, report_label

logger = logging.getLogger("airbyte")


class SettlementJob:
    """Settlement-kind reports are made by Amazon on its own schedule: list the DONE ones created in the
    window and read each, with the report's own id and period on every row."""

    def __init__(self, context: ReportStream, window: ReportWindow) -> None:
        self._context = context
        self._window = window
        self.completed_through: Optional[datetime] = window.end

    def records(self) -> Iterator[Dict[str, Any]]:
        spec = self._context.spec
        since = max(self._window.start or utc_now(), utc_now() - LISTING_MAX_AGE)
        params: Dict[str, Any] = {
            "reportTypes": spec.report_type,
            "processingStatuses": "DONE",
            "createdSince": format_datetime(since),
            "pageSize": GETREPORTS_PAGE_SIZE,
        }
        if self._window.end:
            params["createdUntil"] = format_datetime(self._window.end)
        wanted = set(self._context.config.get("_marketplace_ids") or [])
        reports = [r for r in list_reports(self._context.transport, params) if r.get("reportType") == spec.report_type]
        reports.sort(key=lambda r: (parse_datetime(r.get("createdTime")) or datetime.min.replace(tzinfo=timezone.utc), r.get("reportId", "")))
        logger.info("Found %d %s report(s) created in %s.", len(reports), spec.report_type, self._window.describe())
        for report in reports:
            marketplaces = list(report.get("marketplaceIds") or [])
            if wanted and marketplaces and not wanted.intersection(marketplaces):
                continue
            marketplace_id = next((m for m in marketplaces if m in wanted), marketplaces[0] if marketplaces else None)
            if not report.get("reportDocumentId"):
                continue
            start, end = parse_datetime(report.get("dataStartTime")), parse_datetime(report.get("dataEndTime"))
            period = ReportWindow(marketplace_id, start, end)
            label = f"{report_label(spec.report_type, period)} (id {report.get('reportId')})"
            yield from stamped_records(self._context, report["reportDocumentId"], marketplace_id, start, end, report.get("reportId"), label)
