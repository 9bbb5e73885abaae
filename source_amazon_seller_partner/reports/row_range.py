"""Rows outside the configured range: dropped by their own date (the catalog's `row_date`).

Why: a report's range is not always its rows' own dates. Amazon ranges order reports by when orders
became fulfillable (so a row's purchase-date can precede dataStartTime), aligns daily and weekly reports
to whole days and periods, and the windows of a period report start on the period's first day. The
user's start date promises "any data before this date will not be replicated": a row whose own date
precedes it is dropped, and so is one after a configured end date.

A date is compared at its own precision: a day (`2024-05-01`) is in range when it is the start's day or
later, a month (`2024-05`, `05/2024`) when it is the start's month or later, a moment by the moment. A
row whose date is missing or unreadable is kept (it is not known to be outside).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping, Optional, Tuple

from ..dates import format_datetime, parse_datetime

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_SLASH_MONTH = re.compile(r"(\d{1,2})/(\d{4})")


def _own_date(value: Any) -> Optional[Tuple[str, Any]]:
    """(precision, comparable value) of a row's date: ("moment", datetime), ("day", "YYYY-MM-DD"),
    ("month", "YYYY-MM"); None when it is not a date."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if _DATE.fullmatch(text):
        return "day", text
    if _MONTH.fullmatch(text):
        return "month", text
    match = _SLASH_MONTH.fullmatch(text)
    if match:
        return "month", f"{match.group(2)}-{int(match.group(1)):02d}"
    moment = parse_datetime(text)
    return ("moment", moment) if moment is not None else None


def _at_precision(moment: datetime, precision: str) -> Any:
    text = format_datetime(moment)
    return {"day": text[:10], "month": text[:7]}.get(precision, moment)


@dataclass(frozen=True)
class RowRange:
    """The configured [start, end] for one report stream's rows, read in `column`."""

    column: str
    start: datetime
    end: Optional[datetime] = None

    @classmethod
    def for_stream(cls, column: Optional[str], config: Mapping[str, Any]) -> Optional["RowRange"]:
        """None when the stream's rows carry no date of their own (catalog `row_date: null`)."""
        start = parse_datetime(config.get("_start_date"))
        if not column or start is None:
            return None
        end = parse_datetime(config.get("_end_date")) if config.get("replication_end_date") else None
        return cls(column, start, end)

    def keeps(self, record: Mapping[str, Any]) -> bool:
        own = _own_date(record.get(self.column))
        if own is None:
            return True
        precision, value = own
        if value < _at_precision(self.start, precision):
            return False
        return self.end is None or value <= _at_precision(self.end, precision)

    def describe(self) -> str:
        until = f" to {format_datetime(self.end)}" if self.end else ""
        return f"{self.column} outside the configured range {format_datetime(self.start)}{until}"
