"""The finance page cache on its own: one fetch per page for every planned reader, in any thread order;
pages dropped when everyone read them or when over the memory budget; unplanned readers read alone."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import List, Optional

import pytest
import requests_mock

from source_amazon_seller_partner.finances.pages import PageCache, PageDropped
from unit_tests.mock_api import config
from unit_tests.test_finances import FakeFinances, iso, mocked, records_of, run_read, service_fee, shipment

WINDOW = ("2026-01-01T00:00:00Z", "2026-06-30T00:00:00Z")
OTHER = ("2026-06-30T00:00:00Z", "2026-07-01T00:00:00Z")
NOW = datetime.now(timezone.utc).replace(microsecond=0)


@dataclass(frozen=True)
class Page:
    number: int
    size: int = 100


class CountingFetcher:
    def __init__(self, pages: int, fail_at: Optional[int] = None) -> None:
        self.pages, self.fail_at = pages, fail_at
        self.fetched = 0
        self._lock = threading.Lock()

    def next_page(self):
        with self._lock:
            if self.fail_at is not None and self.fetched == self.fail_at:
                raise RuntimeError("Amazon said no")
            if self.fetched >= self.pages:
                return None
            self.fetched += 1
            return Page(self.fetched)


def cache_for(readers: List[str], windows=(WINDOW,), max_bytes: int = 10**9) -> PageCache:
    cache = PageCache(selected=lambda: frozenset(readers), max_bytes=max_bytes)
    for reader in readers:
        cache.plan("listFinancialEvents", reader, frozenset(windows))
    return cache


def test_every_reader_gets_every_page_in_order_from_one_fetch_each():
    readers = [f"Stream{n}" for n in range(12)]
    cache = cache_for(readers)
    fetchers: List[CountingFetcher] = []

    def make():
        fetchers.append(CountingFetcher(40))
        return fetchers[-1]

    got = {}
    start = threading.Barrier(len(readers))

    def read(name):
        start.wait()
        feed = cache.feed("listFinancialEvents", WINDOW, name, make)
        got[name] = [page.number for page in feed.pages(name)]

    threads = [threading.Thread(target=read, args=(name,)) for name in readers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(fetchers) == 1 and fetchers[0].fetched == 40
    assert all(got[name] == list(range(1, 41)) for name in readers)
    assert cache._bytes == 0 and not cache._feeds  # every page dropped once everyone read it


def test_pages_wait_only_for_the_readers_planned_for_that_window():
    cache = PageCache(selected=lambda: frozenset({"A", "B", "C"}))
    cache.plan("listFinancialEvents", "A", frozenset({WINDOW}))
    cache.plan("listFinancialEvents", "B", frozenset({WINDOW, OTHER}))
    cache.plan("listFinancialEvents", "C", frozenset({OTHER}))
    cache.plan("listFinancialEvents", "NotSelected", frozenset({WINDOW}))
    assert cache.feed("listFinancialEvents", WINDOW, "C", lambda: CountingFetcher(3)) is None  # reads alone
    feed = cache.feed("listFinancialEvents", WINDOW, "A", lambda: CountingFetcher(3))
    assert list(p.number for p in feed.pages("A")) == [1, 2, 3]
    assert cache._bytes == 300  # kept for B, the only other planned reader
    assert [p.number for p in cache.feed("listFinancialEvents", WINDOW, "B", lambda: CountingFetcher(0)).pages("B")] == [1, 2, 3]
    assert cache._bytes == 0
    assert cache.feed("listFinancialEvents", WINDOW, "A", lambda: CountingFetcher(3)) is None  # done with: no second feed


def test_over_the_memory_budget_the_oldest_page_goes_and_its_reader_learns_it():
    cache = cache_for(["A", "B"], max_bytes=250)
    fetcher = CountingFetcher(5)
    assert [p.number for p in cache.feed("listFinancialEvents", WINDOW, "A", lambda: fetcher).pages("A")] == [1, 2, 3, 4, 5]
    assert cache.peak_bytes <= 250 and cache.evictions == 3
    late = cache.feed("listFinancialEvents", WINDOW, "B", lambda: CountingFetcher(0)).pages("B")
    with pytest.raises(PageDropped):
        next(late)


def test_a_failed_fetch_fails_every_reader_of_the_window_without_asking_again():
    cache = cache_for(["A", "B"])
    fetcher = CountingFetcher(5, fail_at=2)
    feed = cache.feed("listFinancialEvents", WINDOW, "A", lambda: fetcher)
    pages = feed.pages("A")
    assert [next(pages).number, next(pages).number] == [1, 2]
    with pytest.raises(RuntimeError):
        next(pages)
    other = cache.feed("listFinancialEvents", WINDOW, "B", lambda: CountingFetcher(0)).pages("B")
    assert [next(other).number, next(other).number] == [1, 2]
    with pytest.raises(RuntimeError):
        next(other)
    assert fetcher.fetched == 2


def test_a_stream_behind_a_tight_budget_reads_the_window_again_and_loses_nothing():
    shipments = [shipment(n, NOW - timedelta(days=20) + timedelta(hours=n)) for n in range(300)]
    fake = FakeFinances(shipments, [service_fee(1)])
    names = ["ShipmentEvents", "ServiceFeeEvents", "FinancialFeeComponents"]
    # One worker reads one stream's windows after the other; a budget of a few bytes keeps no page back.
    cfg = config(replication_start_date=iso(NOW - timedelta(days=30)), num_workers=1, _finance_page_cache_mb=0.00001)
    with requests_mock.Mocker() as mock:
        mocked(mock, fake)
        output = run_read(cfg, names)
    assert not output.errors
    assert sorted(r["AmazonOrderId"] for r in records_of(output, "ShipmentEvents")) == sorted(e["AmazonOrderId"] for e in shipments)
    assert len(records_of(output, "FinancialFeeComponents")) == 301
    logged = " ".join(m.log.message for m in output.logs)
    assert "dropped from memory" in logged
