"""Date-window cursors that read the most recent window first, and a state that never skips a window.

Why: on a first sync (or any backfill) the CDK's ConcurrentCursor hands out windows oldest first, so a
two-year backfill delivers yesterday's orders, finances and reports last. `NewestFirstCursor` hands out
the same windows newest first (history newest to oldest after the most recent one), the way priority-
first syncs do; the CDK merges the windows it has completed whatever their order.

The state: the CDK's sequential state (4.6.4's `{"LastUpdateDate": ...}`) is the end of the completed
run from the start, so windows completed out of order are not in it and a killed backfill would read
them again. `GapAwareStateConverter` writes that same sequential state whenever the completed windows
are one run from the start (every finished sync, every incremental sync), and the CDK's own date-range
state (`{"state_type": "date-range", "slices": [...]}`, the completed intervals) while there are gaps:
a resumed sync reads exactly the gaps, newest first, and no window that was not read can look complete.
Both formats are read back by the CDK.

The component factory builds every date-window cursor as these classes (factory.py); nothing else of
the CDK's cursor changes.
"""

from __future__ import annotations

from typing import Any, Iterable, List, MutableMapping

from airbyte_cdk.sources.streams.concurrent.cursor import ConcurrentCursor, CursorField
from airbyte_cdk.sources.streams.concurrent.state_converters.abstract_stream_state_converter import (
    ConcurrencyCompatibleStateType,
)
from airbyte_cdk.sources.streams.concurrent.state_converters.datetime_stream_state_converter import (
    CustomFormatConcurrentStreamStateConverter,
)
from airbyte_cdk.sources.types import StreamSlice


class GapAwareStateConverter(CustomFormatConcurrentStreamStateConverter):
    """The sequential state when the completed windows leave no gap, the completed intervals otherwise."""

    def convert_to_state_message(self, cursor_field: CursorField, stream_state: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        slices = stream_state.get("slices") or []
        if self.is_state_message_compatible(stream_state) and len(self.merge_intervals([dict(s) for s in slices])) > 1:
            return self.serialize(stream_state, ConcurrencyCompatibleStateType.date_range)
        return super().convert_to_state_message(cursor_field, stream_state)


class NewestFirstCursor(ConcurrentCursor):
    """The CDK's ConcurrentCursor with its windows handed out newest first."""

    def stream_slices(self) -> Iterable[StreamSlice]:
        self._mark_start_as_unread()
        # A few hundred windows at most (two years in days): listing them first costs nothing.
        windows = list(super().stream_slices())
        self._mark_skipped_as_read(windows)
        return reversed(windows)

    def _mark_skipped_as_read(self, windows: List[StreamSlice]) -> None:
        """Time no window covers (whole-period clamping starts the first window at the next period and may
        leave a partial period between windows) is never read by this sync; the CDK's sequential state
        stepped over it. Recorded as read, so the windows of a finished sync merge into one run."""
        if not windows or not self._slice_boundary_fields:
            return
        converter = self._connector_state_converter
        start_field, end_field = self._slice_boundary_fields
        with self._lock:
            slices = self._concurrent_state.get("slices") or []
            planned = [
                {converter.START_KEY: converter.parse_value(w.cursor_slice[start_field]),
                 converter.END_KEY: converter.parse_value(w.cursor_slice[end_field])}
                for w in windows
            ]
            covered = converter.merge_intervals([dict(s) for s in slices] + planned)
            holes = []
            for earlier, later in zip(covered, covered[1:]):
                hole_start = converter.increment(earlier[converter.END_KEY])
                hole_end = later[converter.START_KEY] - self._cursor_granularity if self._cursor_granularity else later[converter.START_KEY]
                if hole_start <= hole_end:
                    holes.append({converter.START_KEY: hole_start, converter.END_KEY: hole_end})
            if holes:
                self._concurrent_state["slices"] = converter.merge_intervals(slices + holes)

    def _mark_start_as_unread(self) -> None:
        """Without a cursor value the CDK's state begins with a zero-length interval at the start date
        (nothing read). It is the anchor that keeps the unread history between the start and the first
        window read a gap (never dropped, or one interval would look like a run from the start). But the
        CDK starts a gap one unit after an interval's end, so a resumed sync would never read the start
        date's first second: the anchor is moved one unit before the start."""
        slices = self._concurrent_state.get("slices") or []
        granularity = self._cursor_granularity
        if not slices or self._start is None or not granularity:
            return
        first = slices[0]
        converter = self._connector_state_converter
        if first[converter.START_KEY] == first[converter.END_KEY] == self._start:
            anchor = self._start - granularity
            # its most recent value stays the start date: a state with nothing read still says the start
            first[converter.START_KEY] = first[converter.END_KEY] = anchor


def newest_first(cursor: Any) -> Any:
    """`cursor` (built by the CDK's factory) as a NewestFirstCursor with the gap-aware state converter."""
    if type(cursor) is ConcurrentCursor:
        cursor.__class__ = NewestFirstCursor
        converter = cursor._connector_state_converter
        if type(converter) is CustomFormatConcurrentStreamStateConverter:
            converter.__class__ = GapAwareStateConverter
    return cursor
