"""The window one report covers, the createReport body for it, and how logs and errors name a report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Dict, Mapping, Optional

from ..dates import format_datetime, parse_datetime
from ..marketplaces import BY_ID
from .options import effective_report_options

if TYPE_CHECKING:
    from airbyte_cdk.sources.types import StreamSlice

    from ..catalog.reports import ReportStreamSpec


@dataclass(frozen=True)
class ReportWindow:
    marketplace_id: Optional[str]
    start: Optional[datetime]
    end: Optional[datetime]
    # The window ends at the sync's end date (its end moves with every sync; see RecentReports.find).
    is_last: bool = False
    snapshot: bool = False

    def describe(self) -> str:
        if self.snapshot or self.start is None or self.end is None:
            return f"the snapshot of {format_datetime(self.end)}" if self.end else "the current snapshot"
        return f"{format_datetime(self.start)}..{format_datetime(self.end)}"


def window_of(spec: "ReportStreamSpec", config: Mapping[str, Any], stream_slice: Optional["StreamSlice"]) -> ReportWindow:
    """The report window of one of the stream's slices (the CDK cursor's window and partition)."""
    partition = stream_slice.partition if stream_slice is not None else {}
    cursor_slice = stream_slice.cursor_slice if stream_slice is not None else {}
    start = parse_datetime(cursor_slice.get("start_time"))
    end = parse_datetime(cursor_slice.get("end_time"))
    sync_end = parse_datetime(config.get("_end_date"))
    return ReportWindow(
        marketplace_id=partition.get("marketplace_id"),
        start=start,
        end=end,
        is_last=end is not None and sync_end is not None and end >= sync_end,
        snapshot=spec.window_kind == "snapshot",
    )


def request_body(spec: "ReportStreamSpec", config: Mapping[str, Any], window: ReportWindow) -> Dict[str, Any]:
    """What createReport receives for this window."""
    body: Dict[str, Any] = {"reportType": spec.report_type, "marketplaceIds": [window.marketplace_id]}
    if spec.window_kind != "snapshot" and window.start and window.end:
        body["dataStartTime"] = format_datetime(window.start)
        body["dataEndTime"] = format_datetime(window.end)
    options = effective_report_options(spec, config, window.marketplace_id)
    if spec.window_options and window.start and window.end:
        options.setdefault(spec.window_options["start"], format_datetime(window.start))
        options.setdefault(spec.window_options["end"], format_datetime(window.end))
    if options:
        body["reportOptions"] = options
    return body


def country(marketplace_id: Optional[str]) -> str:
    """The marketplace's country code (US, CA ...) for people to read; the id where it is not known."""
    marketplace = BY_ID.get(marketplace_id or "")
    return marketplace.country_code if marketplace is not None else (marketplace_id or "all marketplaces")


def report_label(report_type: str, window: ReportWindow) -> str:
    where = f" in marketplace {window.marketplace_id}" if window.marketplace_id else ""
    return f"report {report_type} for {window.describe()}{where}"
