"""Request windows of the finance streams, from the CDK cursor's slices.

The cursor (manifest `financial_events_window_cursor`, granularity one second) cuts its range into
closed slices [start, end] whose end is one second before the next slice's start. Amazon's
PostedBefore is exclusive ("posted before (but not on) this date"), so the window asked for is
[start, end + 1 s), capped at the sync's end: consecutive windows then meet without a gap (an event
posted in the last second of a slice was lost) and without overlap. A window that is empty once
capped (a sync after one that reached a fixed replication_end_date) is not requested at all: Amazon
answers 400 to PostedAfter == PostedBefore.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, FrozenSet, Mapping, Optional, Tuple

from ..dates import format_datetime, parse_datetime

ONE_SECOND = timedelta(seconds=1)
WindowKey = Tuple[str, str]


@dataclass(frozen=True)
class RequestWindow:
    start: datetime  # PostedAfter, inclusive
    end: datetime  # PostedBefore, exclusive

    @property
    def empty(self) -> bool:
        return self.start >= self.end

    @property
    def key(self) -> WindowKey:
        return format_datetime(self.start), format_datetime(self.end)

    @property
    def last_second(self) -> datetime:
        """The latest moment inside the window: the date of events Amazon gives no date of their own."""
        return self.end - ONE_SECOND

    def __str__(self) -> str:
        return f"[{self.key[0]}, {self.key[1]})"


def sync_end(config: Mapping[str, Any]) -> datetime:
    """Where every finance window of this sync stops (replication_end_date, or 2.5 minutes ago)."""
    end = parse_datetime(config.get("_rest_end_date"))
    if end is None:
        raise ValueError("the config has no _rest_end_date (build it with config.normalize_config)")
    return end


def request_window(cursor_slice: Mapping[str, Any], end_of_sync: datetime) -> RequestWindow:
    start = parse_datetime(cursor_slice.get("start_time"))
    end = parse_datetime(cursor_slice.get("end_time"))
    if start is None or end is None:
        raise ValueError(f"a finance slice without its dates: {dict(cursor_slice)}")
    return RequestWindow(start, min(end + ONE_SECOND, end_of_sync))


def planned_windows(cursor: Any, end_of_sync: datetime) -> Optional[FrozenSet[WindowKey]]:
    """The windows a stream's cursor will hand out in this sync (None when it cannot tell).

    Asked once, when the stream is built and before any of its slices is read: the cursor's slices
    depend only on its state, the config and the sync's end, all fixed by then.
    """
    slices = getattr(cursor, "stream_slices", None)
    if slices is None:
        return None
    windows = set()
    try:
        for stream_slice in slices():
            window = request_window(stream_slice.cursor_slice, end_of_sync)
            if not window.empty:
                windows.add(window.key)
    except (ValueError, AttributeError):  # not a date-window cursor: the stream reads on its own
        return None
    return frozenset(windows)
