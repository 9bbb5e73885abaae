"""The report planner and Amazon's per-type quotas, with a fake clock and fake createReport: which request
goes first, which waits for a quota and until when, shared requests, progress lines."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Mapping, Optional

import pytest
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_amazon_seller_partner.catalog.reports import load_report_catalog
from source_amazon_seller_partner.reports.planner import Planned, ReportPlanner
from source_amazon_seller_partner.reports.progress import ReportProgress
from source_amazon_seller_partner.reports.quotas import QuotaBook
from source_amazon_seller_partner.reports.window import ReportWindow

US, CA = "ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"
SPECS = {spec.name: spec for spec in load_report_catalog()}
ORDERS = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
SNT, SNT_ASIN = "GET_SALES_AND_TRAFFIC_REPORT", "GET_SALES_AND_TRAFFIC_REPORT_BY_ASIN"
SHIPMENTS = "GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL"  # near real time
LISTINGS = "GET_MERCHANT_LISTINGS_ALL_DATA"  # a snapshot
T0 = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


class NoListing:
    """RecentReports with nothing listed (or `listed` reports for every type)."""

    def __init__(self, listed: Optional[List[Mapping[str, Any]]] = None) -> None:
        self.listed = listed or []

    def find(self, report_type, window, snapshot):
        return None

    def reports_of(self, report_type):
        return [r for r in self.listed if r["reportType"] == report_type]

    def identical(self, report_type, window, snapshot):
        times = [datetime.fromisoformat(r["createdTime"]) for r in self.reports_of(report_type)
                 if r["processingStatus"] in ("DONE", "IN_QUEUE", "IN_PROGRESS") and r["marketplaceIds"] == [window.marketplace_id]]
        return max(times, default=None)


def day(n: int) -> datetime:
    return T0 - timedelta(days=n)


def win(start_days_ago: int, end_days_ago: int, marketplace: str = US, snapshot: bool = False) -> ReportWindow:
    return ReportWindow(marketplace, day(start_days_ago), day(end_days_ago), snapshot=snapshot)


def make(clock: Clock, listing: Any = None, statuses: Optional[Dict[str, Mapping[str, Any]]] = None,
         wait_limit: float = 3600.0, scale: float = 1.0) -> tuple:
    created: List[Planned] = []

    def create(planned: Planned) -> str:
        created.append(planned)
        return f"R{len(created)}"

    quotas = QuotaBook(time_scale=scale, now=clock, status_of=lambda rid: (statuses or {}).get(rid, {"processingStatus": "IN_QUEUE"}))
    planner = ReportPlanner({}, listing or NoListing(), create, quotas, ReportProgress(every_seconds=3600), wait_limit, now=clock)
    return planner, created


def drain(planner: ReportPlanner, rounds: int = 200) -> None:
    """Let the planner send whatever may go at the fake clock's now (waiting never advances the clock)."""
    for _ in range(rounds):
        planner.work(max_wait=0)


def labels(created: List[Planned]) -> List[tuple]:
    return [(sorted(p.streams)[0], p.window.marketplace_id, (T0 - p.window.end).days) for p in created]


def test_every_streams_most_recent_window_goes_first_then_history_newest_to_oldest():
    clock = Clock()
    planner, created = make(clock)
    # windows registered oldest first, as a cursor without the newest-first order would hand them out
    for start, end in ((90, 60), (60, 30), (30, 0)):
        planner.plan(ORDERS, SPECS[ORDERS], win(start, end, US))
        planner.plan(ORDERS, SPECS[ORDERS], win(start, end, CA))
    for start, end in ((21, 14), (14, 7), (7, 0)):
        planner.plan("GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT", SPECS["GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT"], win(start, end))
    drain(planner)
    order = labels(created)
    newest = order[:3]
    assert {entry[2] for entry in newest} == {0} and len({(s, m) for s, m, _ in newest}) == 3
    history = [entry[2] for entry in order[3:]]
    assert history == sorted(history)  # newest to oldest: 7, 14, 30, 30, 60, 60 days ago
    assert len(created) == 9


def test_two_streams_with_the_same_request_share_one_report():
    clock = Clock()
    planner, created = make(clock)
    by_date = planner.plan(SNT, SPECS[SNT], win(730, 0))
    by_asin = planner.plan(SNT_ASIN, SPECS[SNT_ASIN], win(730, 0))
    assert by_date is by_asin
    results: List[str] = []
    threads = [threading.Thread(target=lambda p=p: results.append(planner.report_for(p)["reportId"])) for p in (by_date, by_asin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results == ["R1", "R1"] and len(created) == 1


def test_sales_and_traffic_waits_out_amazons_15_minutes_and_logs_the_planned_wait(caplog):
    clock = Clock()
    planner, created = make(clock)
    planner.plan(SNT, SPECS[SNT], win(730, 0, US))
    planner.plan(SNT, SPECS[SNT], win(730, 0, CA))
    planner.plan(ORDERS, SPECS[ORDERS], win(30, 0))
    with caplog.at_level(logging.INFO, logger="airbyte"):
        drain(planner)
    assert [p.spec.report_type for p in created] == [SNT, ORDERS]  # the second S&T request is held back, not the orders
    waits = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Planned wait")]
    assert len(waits) == 1 and "GET_SALES_AND_TRAFFIC_REPORT" in waits[0] and "12:15:00 UTC" in waits[0] and " CA " in waits[0]
    clock.now += timedelta(minutes=14, seconds=59)
    drain(planner)
    assert len(created) == 2
    clock.now += timedelta(seconds=1)
    drain(planner)
    assert [p.window.marketplace_id for p in created if p.spec.report_type == SNT] == [US, CA]


def test_sales_and_traffic_counts_96_a_day_including_what_amazon_lists():
    clock = Clock()
    listed = [{"reportType": SNT, "reportId": f"L{i}", "marketplaceIds": [US], "processingStatus": "DONE",
               "createdTime": (T0 - timedelta(hours=23, minutes=59) + timedelta(minutes=15 * i)).isoformat()} for i in range(96)]
    quotas = QuotaBook(now=clock)
    quotas.note_listed("sales_and_traffic", listed)
    ready = quotas.ready_at("sales_and_traffic", SNT, US)
    # the 96th request of the last 24 hours was 23 h 59 min ago + 95 x 15 min: the oldest drops out 1 minute from now,
    # later than 15 minutes after the newest
    assert ready == max(T0 + timedelta(minutes=1), T0 - timedelta(hours=23, minutes=59) + timedelta(minutes=15 * 96))


def test_near_real_time_reports_wait_30_minutes_after_the_last_one_amazon_generated():
    clock = Clock()
    statuses: Dict[str, Mapping[str, Any]] = {}
    planner, created = make(clock, statuses=statuses)
    for start, end in ((60, 30), (30, 0)):
        planner.plan(SHIPMENTS, SPECS[SHIPMENTS], win(start, end))
    planner.plan(SHIPMENTS, SPECS[SHIPMENTS], win(30, 0, CA))  # another marketplace: its own 30 minutes
    drain(planner)
    assert labels(created) == [(SHIPMENTS, US, 0), (SHIPMENTS, CA, 0)]  # the next US one waits for R1's outcome
    statuses["R1"] = {"reportId": "R1", "processingStatus": "DONE", "processingEndTime": (T0 + timedelta(minutes=2)).isoformat()}
    clock.now += timedelta(seconds=5)
    drain(planner)
    assert len(created) == 2
    clock.now = T0 + timedelta(minutes=32)
    drain(planner)
    assert labels(created)[-1] == (SHIPMENTS, US, 30)


def test_a_cancelled_near_real_time_report_holds_nothing_back():
    clock = Clock()
    statuses = {"R1": {"reportId": "R1", "processingStatus": "CANCELLED"}}
    planner, created = make(clock, statuses=statuses)
    for start, end in ((60, 30), (30, 0)):
        planner.plan(SHIPMENTS, SPECS[SHIPMENTS], win(start, end))
    drain(planner)
    clock.now += timedelta(seconds=2)  # the book looks at a pending report's outcome again after a second
    drain(planner)
    assert len(created) == 2


def test_an_identical_report_amazon_made_minutes_ago_holds_the_request_back():
    clock = Clock()
    listed = [{"reportType": LISTINGS, "reportId": "L1", "marketplaceIds": [US], "processingStatus": "DONE",
               "createdTime": (T0 - timedelta(minutes=10)).isoformat()}]
    planner, created = make(clock, listing=NoListing(listed))
    planner.plan(LISTINGS, SPECS[LISTINGS], win(730, 0, snapshot=True))
    drain(planner)
    assert created == []
    clock.now = T0 + timedelta(minutes=20)
    drain(planner)
    assert len(created) == 1


def test_a_quota_wait_beyond_the_report_wait_timeout_fails_that_window_alone():
    clock = Clock()
    planner, created = make(clock, wait_limit=600)
    us = planner.plan(SNT, SPECS[SNT], win(730, 0, US))
    ca = planner.plan(SNT, SPECS[SNT], win(730, 0, CA))
    drain(planner)
    assert planner.report_for(us)["reportId"] == "R1"
    with pytest.raises(AirbyteTracedException) as failure:
        planner.report_for(ca)
    assert "GET_SALES_AND_TRAFFIC_REPORT" in failure.value.message and "next sync" in failure.value.message


def test_the_time_scale_shortens_amazons_durations():
    clock = Clock()
    quotas = QuotaBook(time_scale=60, now=clock)
    quotas.note_requested("sales_and_traffic", SNT, US, "R1")
    assert quotas.ready_at("sales_and_traffic", SNT, US) == T0 + timedelta(seconds=15)


def test_a_progress_line_names_pending_reports_by_country_their_age_and_the_next_request():
    clock = Clock()
    planner, created = make(clock)
    planner.plan(ORDERS, SPECS[ORDERS], win(30, 0, US))
    planner.plan(ORDERS, SPECS[ORDERS], win(30, 0, CA))
    planner.plan(SNT, SPECS[SNT], win(730, 0, CA))
    planner.plan(SNT, SPECS[SNT], win(730, 0, US))
    drain(planner)
    clock.now += timedelta(minutes=3)
    line = ReportProgress(lambda: 0.0).line(planner.snapshot())
    assert line.startswith("Reports: 3 report(s) requested and not yet read (CA 2, US 1)")
    assert "the oldest requested 3 min ago" in line
    assert "1 still to request, the next at 12:15:00 UTC (GET_SALES_AND_TRAFFIC_REPORT US)" in line


def test_progress_lines_come_while_reports_are_pending_and_stop_when_nothing_is():
    ticks = [0.0]
    progress = ReportProgress(every_seconds=45, clock=lambda: ticks[0])
    state = {"now": T0, "pending": 1, "pending_by_country": {"US": 1}, "oldest": None, "planned": 0, "next": None}
    for second in range(0, 181, 15):
        ticks[0] = float(second)
        progress.tick(lambda: state)
    assert progress.lines == 4  # at 45, 90, 135 and 180 s
    state = {**state, "pending": 0, "pending_by_country": {}}
    ticks[0] = 400.0
    progress.tick(lambda: state)
    assert progress.lines == 4


def test_a_streams_windows_reach_the_cdk_in_the_order_their_reports_are_requested():
    """The CDK hands windows to threads in the order a stream's slices are yielded: each window is yielded
    only once its report has been asked for, so threads never hold history whose request is far down the plan."""
    from types import SimpleNamespace

    from airbyte_cdk.sources.types import StreamSlice

    from source_amazon_seller_partner.dates import format_datetime
    from source_amazon_seller_partner.reports.planner import planned_slices

    clock = Clock()
    planner, created = make(clock)
    terms = "GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT"
    for start, end in ((21, 14), (14, 7), (7, 0)):  # another stream's windows, already planned
        planner.plan(terms, SPECS[terms], win(start, end))

    def cdk_slice(marketplace: str, start: int, end: int) -> StreamSlice:
        return StreamSlice(partition={"marketplace_id": marketplace},
                           cursor_slice={"start_time": format_datetime(day(start)), "end_time": format_datetime(day(end))})

    # the CDK's per-marketplace cursor: every US window (newest first), then every CA window
    cdk_order = [cdk_slice(m, start, end) for m in (US, CA) for start, end in ((30, 0), (60, 30), (90, 60))]
    context = SimpleNamespace(report_planner=planner, config={})
    yielded = []
    for stream_slice in planned_slices(context, ORDERS, iter(cdk_order)):
        key = (stream_slice.partition["marketplace_id"], (T0 - datetime.fromisoformat(stream_slice.cursor_slice["end_time"].replace("Z", "+00:00"))).days)
        requested = {(p.window.marketplace_id, (T0 - p.window.end).days) for p in created if ORDERS in p.streams}
        assert key in requested, f"{key} reached the CDK before its report was requested"
        yielded.append(key)
    assert yielded == [(US, 0), (CA, 0), (US, 30), (CA, 30), (US, 60), (CA, 60)]
    # every stream's newest window was requested before any history
    assert {(T0 - p.window.end).days for p in created[:3]} == {0}
    assert len(created) == 9

