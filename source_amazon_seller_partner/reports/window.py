"""The window one report covers, and how logs and errors name a report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from ..dates import format_datetime


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


def report_label(report_type: str, window: ReportWindow) -> str:
    where = f" in marketplace {window.marketplace_id}" if window.marketplace_id else ""
    return f"report {report_type} for {window.describe()}{where}"
