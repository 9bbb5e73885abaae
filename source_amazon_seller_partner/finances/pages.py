"""One fetch per window and page for every finance stream of a sync.

Why: each finance stream is its own CDK stream with its own cursor and state, yet ListFinancialEvents,
the 34 per-event-type streams and the charge/fee component streams all read the same
`listFinancialEvents` pages (and FinancialTransactions and its breakdowns the same `listTransactions`
pages). The CDK's request cache is per stream, so without this each selected stream paid Amazon's
0.5 requests/s again.

How: the sync's PageCache (SyncContext.shared) knows, for every selected finance stream, the windows
its cursor will read (windows.planned_windows, registered when the stream is built). The first reader
of a window creates its WindowFeed; the feed fetches each page once, when the first reader asks for
it, and keeps it until every reader planned for that window has read it. Readers move through the
pages independently; one fetch is in flight per window at a time.

Memory: pages waiting for slower readers, at most `max_bytes` of Amazon's JSON in all (plus the page
just fetched). Beyond that
the oldest waiting page is dropped and a reader that still needed it reads the window on its own
(more calls, records sent again with the same keys). A stream not planned for a window (its cursor
was asked but chose other windows) reads that window on its own as well.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, Iterator, List, Optional, Set, Tuple

from .windows import WindowKey

DEFAULT_MAX_BYTES = 64 * 1024 * 1024


class PageDropped(Exception):
    """A page this reader still needed was dropped to stay within the cache's memory."""


class Fetcher:
    """Reads one window's pages in order: next_page() -> a page (with a `size` in bytes) or None at the end."""

    def next_page(self) -> Optional[Any]:  # pragma: no cover - interface
        raise NotImplementedError


@dataclass
class _Cached:
    page: Any
    pending: Set[str]


class WindowFeed:
    """The pages of one window, fetched once and handed to every planned reader (thread-safe)."""

    def __init__(self, fetcher: Fetcher, readers: FrozenSet[str], cache: "PageCache", key: Tuple[str, WindowKey]) -> None:
        self._fetcher = fetcher
        self._cache = cache
        self.key = key
        self._cond = threading.Condition()
        self._readers = set(readers)
        self._pages: Dict[int, _Cached] = {}
        self._count = 0  # pages produced so far
        self._done = False
        self._busy = False  # a fetch is in flight
        self._error: Optional[BaseException] = None

    def pages(self, reader: str) -> Iterator[Any]:
        index = 0
        try:
            while True:
                page = self._get(index, reader)
                if page is None:
                    return
                yield page
                self._release(index, reader)
                index += 1
        finally:
            self._leave(reader, index)

    def _get(self, index: int, reader: str) -> Optional[Any]:
        with self._cond:
            while True:
                if index < self._count:
                    cached = self._pages.get(index)
                    if cached is None or reader not in cached.pending:
                        raise PageDropped(f"page {index + 1} of {self.key[0]} {self.key[1]}")
                    return cached.page
                if self._error is not None:
                    raise self._error
                if self._done:
                    return None
                if not self._busy:
                    self._busy = True
                    break
                self._cond.wait()
        try:
            page = self._fetcher.next_page()
        except BaseException as error:  # every reader of the window fails the same way
            with self._cond:
                self._busy, self._error = False, error
                self._cond.notify_all()
            raise
        victims = []
        with self._cond:
            self._busy = False
            if page is None:
                self._done = True
            else:
                self._pages[self._count] = _Cached(page, set(self._readers))
                victims = self._cache._cached(self, self._count, getattr(page, "size", 0))
                self._count += 1
            self._cond.notify_all()
        for victim, number in victims:  # outside this feed's lock: a victim's lock is taken next
            victim.evict(number)
        return page

    def _release(self, index: int, reader: str) -> None:
        with self._cond:
            self._release_locked(index, reader)

    def _leave(self, reader: str, index: int) -> None:
        """The reader is done with the window (at its end, or stopped early): it holds no page back."""
        with self._cond:
            self._readers.discard(reader)
            for number in [n for n in self._pages if n >= index]:
                self._release_locked(number, reader)
            finished = not self._readers
        if finished:
            self._cache._finished(self)

    def _release_locked(self, index: int, reader: str) -> None:
        cached = self._pages.get(index)
        if cached is not None:
            cached.pending.discard(reader)
            if not cached.pending:
                self._drop(index)

    def _drop(self, index: int) -> None:
        cached = self._pages.pop(index, None)
        if cached is not None:
            self._cache._uncached(self, index, getattr(cached.page, "size", 0))

    def evict(self, index: int) -> None:
        """Drop a page some reader still waits for (the cache is over its memory budget)."""
        with self._cond:
            self._drop(index)


@dataclass
class PageCache:
    """The sync's finance page feeds (one per operation and window) and who reads which window."""

    selected: Callable[[], Optional[FrozenSet[str]]]  # the streams of the configured catalog (None: unknown)
    max_bytes: int = DEFAULT_MAX_BYTES
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _plans: Dict[str, Dict[str, Optional[FrozenSet[WindowKey]]]] = field(default_factory=dict, init=False, repr=False)
    _feeds: Dict[Tuple[str, WindowKey], WindowFeed] = field(default_factory=dict, init=False, repr=False)
    _finished_feeds: Set[Tuple[str, WindowKey]] = field(default_factory=set, init=False, repr=False)
    _held: "OrderedDict[Tuple[int, int], Tuple[WindowFeed, int, int]]" = field(default_factory=OrderedDict, init=False, repr=False)
    _bytes: int = field(default=0, init=False, repr=False)
    peak_bytes: int = field(default=0, init=False)
    evictions: int = field(default=0, init=False)

    def plan(self, operation: str, reader: str, windows: Optional[FrozenSet[WindowKey]]) -> None:
        """`reader` (a stream) will read these windows of `operation` in this sync."""
        with self._lock:
            self._plans.setdefault(operation, {})[reader] = windows

    def feed(self, operation: str, window: WindowKey, reader: str, make_fetcher: Callable[[], Fetcher]) -> Optional[WindowFeed]:
        """The shared feed of `window` when `reader` is planned for it; None when it reads alone."""
        selected = self.selected()
        with self._lock:
            plans = self._plans.get(operation, {})
            planned = plans.get(reader)
            key = (operation, window)
            if selected is None or reader not in selected or planned is None or window not in planned:
                return None
            feed = self._feeds.get(key)
            if feed is None:
                if key in self._finished_feeds:
                    return None  # every planned reader already went through it
                readers = frozenset(name for name, windows in plans.items()
                                    if name in selected and windows is not None and window in windows)
                feed = self._feeds[key] = WindowFeed(make_fetcher(), readers, self, key)
            return feed

    def _finished(self, feed: WindowFeed) -> None:
        with self._lock:
            if self._feeds.get(feed.key) is feed:
                del self._feeds[feed.key]
                self._finished_feeds.add(feed.key)

    def _cached(self, feed: WindowFeed, index: int, size: int) -> List[Tuple[WindowFeed, int]]:
        """Count a new page; returns the oldest pages to evict to get back under max_bytes (never the new one)."""
        victims = []
        with self._lock:
            self._held[(id(feed), index)] = (feed, index, size)
            self._bytes += size
            while self._bytes > self.max_bytes and len(self._held) > 1:
                victim, number, victim_size = next(iter(self._held.values()))
                del self._held[(id(victim), number)]
                self._bytes -= victim_size
                self.evictions += 1
                victims.append((victim, number))
            self.peak_bytes = max(self.peak_bytes, self._bytes)
        return victims

    def _uncached(self, feed: WindowFeed, index: int, size: int) -> None:
        with self._lock:
            if self._held.pop((id(feed), index), None) is not None:
                self._bytes -= size
