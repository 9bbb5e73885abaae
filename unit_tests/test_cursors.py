"""Newest-first windows and the state that keeps gaps (cursors.py): windows completed out of order never
let an unread window look complete, a resumed sync reads exactly the gaps, and a sync that completes
writes the sequential state 4.6.4 wrote."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, List, Mapping

from airbyte_cdk.sources.connector_state_manager import ConnectorStateManager
from airbyte_cdk.sources.message import InMemoryMessageRepository
from airbyte_cdk.sources.streams.concurrent.clamping import Weekday, WeekClampingStrategy
from airbyte_cdk.sources.streams.concurrent.cursor import ConcurrentCursor, CursorField
from airbyte_cdk.sources.streams.concurrent.state_converters.datetime_stream_state_converter import (
    CustomFormatConcurrentStreamStateConverter,
)
from airbyte_cdk.sources.types import Record, StreamSlice

from source_amazon_seller_partner.cursors import GapAwareStateConverter, NewestFirstCursor, newest_first

FORMAT = "%Y-%m-%dT%H:%M:%SZ"
START = datetime(2026, 1, 1, tzinfo=timezone.utc)
END = START + timedelta(days=30) - timedelta(seconds=1)


class Window:
    """What the CDK hands a cursor when a window is done."""

    def __init__(self, stream_slice: StreamSlice) -> None:
        self._slice = stream_slice

    def to_slice(self) -> StreamSlice:
        return self._slice


def cursor(state: Mapping[str, Any], **kwargs: Any) -> ConcurrentCursor:
    converter = CustomFormatConcurrentStreamStateConverter(datetime_format=FORMAT, is_sequential_state=True,
                                                           cursor_granularity=timedelta(seconds=1))
    built = ConcurrentCursor(
        stream_name="Orders", stream_namespace=None, stream_state=dict(state), message_repository=InMemoryMessageRepository(),
        connector_state_manager=ConnectorStateManager(), connector_state_converter=converter, cursor_field=CursorField("LastUpdateDate"),
        slice_boundary_fields=("start_time", "end_time"), start=START, end_provider=lambda: END,
        cursor_granularity=timedelta(seconds=1), **{"slice_range": timedelta(days=10), **kwargs},
    )
    return newest_first(built)


def complete(c: ConcurrentCursor, stream_slice: StreamSlice) -> None:
    """One record at the window's end, then the window is closed."""
    value = stream_slice.cursor_slice["end_time"]
    c.observe(Record(data={"LastUpdateDate": value}, stream_name="Orders", associated_slice=stream_slice))
    c.close_partition(Window(stream_slice))


def starts(slices: List[StreamSlice]) -> List[str]:
    return [s.cursor_slice["start_time"] for s in slices]


def test_the_factorys_cursors_hand_out_windows_newest_first():
    c = cursor({})
    assert isinstance(c, NewestFirstCursor) and isinstance(c._connector_state_converter, GapAwareStateConverter)
    assert starts(list(c.stream_slices())) == ["2026-01-21T00:00:00Z", "2026-01-11T00:00:00Z", "2026-01-01T00:00:00Z"]


def test_a_sync_killed_after_the_newest_window_resumes_with_exactly_the_older_windows():
    first = cursor({})
    newest, middle, oldest = list(first.stream_slices())
    complete(first, newest)
    state = first.state
    # not the sequential state: that would say "read up to the end" although two windows are not read
    assert "LastUpdateDate" not in state and state["state_type"] == "date-range"

    resumed = cursor(state)
    # the CDK's usual re-read from the end of what was read (one second here, as the end is fixed), then
    # exactly the two unread windows, newest first, on the first sync's boundaries
    assert starts(list(resumed.stream_slices())) == ["2026-01-30T23:59:59Z", "2026-01-11T00:00:00Z", "2026-01-01T00:00:00Z"]
    assert [s.cursor_slice["end_time"] for s in list(resumed.stream_slices())[1:]] == ["2026-01-20T23:59:59Z", "2026-01-10T23:59:59Z"]
    for stream_slice in resumed.stream_slices():
        complete(resumed, stream_slice)
    # no gap left: the state 4.6.4 wrote, at the latest record
    assert resumed.state == {"LastUpdateDate": "2026-01-30T23:59:59Z"}


def test_windows_completed_in_order_keep_the_sequential_state():
    c = cursor({})
    windows = list(c.stream_slices())
    complete(c, windows[-1])  # the oldest first: no gap
    assert c.state == {"LastUpdateDate": "2026-01-10T23:59:59Z"}


def test_a_sequential_state_resumes_after_its_cursor_newest_first():
    c = cursor({"LastUpdateDate": "2026-01-10T23:59:59Z"})
    assert starts(list(c.stream_slices())) == ["2026-01-20T23:59:59Z", "2026-01-10T23:59:59Z"]


def test_a_window_left_unread_between_two_read_ones_stays_unread_in_the_state():
    first = cursor({})
    newest, middle, oldest = list(first.stream_slices())
    complete(first, newest)
    complete(first, oldest)
    resumed = cursor(first.state)
    windows = list(resumed.stream_slices())
    assert [(s.cursor_slice["start_time"], s.cursor_slice["end_time"]) for s in windows[1:]] == [
        ("2026-01-11T00:00:00Z", "2026-01-20T23:59:59Z")
    ]


def test_a_sync_killed_twice_still_reads_the_oldest_window():
    first = cursor({})
    newest, _, _ = list(first.stream_slices())
    complete(first, newest)
    second = cursor(first.state)
    gaps = list(second.stream_slices())[1:]  # after the CDK's re-read of the last second
    complete(second, gaps[0])  # the middle window, then killed
    # the oldest window is still unread: the state must not claim a run from the start
    assert "LastUpdateDate" not in second.state
    third = cursor(second.state)
    assert [(s.cursor_slice["start_time"], s.cursor_slice["end_time"]) for s in list(third.stream_slices())[1:]] == [
        ("2026-01-01T00:00:00Z", "2026-01-10T23:59:59Z")
    ]
    for stream_slice in third.stream_slices():
        complete(third, stream_slice)
    assert third.state == {"LastUpdateDate": "2026-01-30T23:59:59Z"}


def test_whole_week_windows_of_a_finished_sync_leave_the_sequential_state():
    """Week reports (Sunday to Saturday): the first window starts at the first Sunday after the start date
    (a Thursday), so no window covers those first days; a sync that read every window is complete."""
    c = cursor({}, slice_range=timedelta(days=7), clamping_strategy=WeekClampingStrategy(Weekday.SUNDAY))
    windows = list(c.stream_slices())
    assert starts(windows)[-1] == "2026-01-04T00:00:00Z"  # the first Sunday
    for stream_slice in windows:
        complete(c, stream_slice)
    assert set(c.state) == {"LastUpdateDate"}
