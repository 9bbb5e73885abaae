"""One searchOrders read per window, shared by the four order streams of a sync.

Orders, OrderItems, OrderBuyerInfo and OrderAddress all come from the same searchOrders pages. Whichever
of them reads a window first makes the calls; the others read the same pages, in their own thread and
at their own pace. What each consumer needs next decides what happens:
- the page is already here: read it;
- nobody is fetching the window's next page: fetch it (so no single "leader" can strand the others);
- someone is: wait for it.

Memory stays bounded: a page goes to the window's temporary file as soon as it arrives, and each consumer
holds one page at a time (it reads the page's bytes at their offset, so readers need no file position of
their own). The files are anonymous (unlinked at creation): a window's file goes once every selected
order stream has read it (the source tells which are selected), the rest when the sync ends, and nothing
is left behind even when the process is killed.

One window at a time: Amazon's paginationToken lives 24 hours and searchOrders allows about one call
every three minutes, shared by all windows. Paging several windows at once would stretch each of them
over the whole sync and let their tokens expire; so the windows take turns (the most recent waiting window
goes next: the cursor hands windows out newest first, cursors.py), and the bucket is just as busy. A window whose token Amazon refuses is read again from its
first page: records already read come again (duplicates by primary key, never a gap). After
`max_restarts` refusals the window fails with a message saying what to change.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from dataclasses import dataclass, field
from typing import IO, Any, Callable, Collection, Dict, Iterator, List, Mapping, Optional, Set, Tuple

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from .search import TokenRefused, Window

logger = logging.getLogger("airbyte")

FetchPage = Callable[[Window, Optional[str]], Tuple[List[Mapping[str, Any]], Optional[str]]]


@dataclass
class _Entry:
    file: IO[bytes]
    spans: List[Tuple[int, int]] = field(default_factory=list)  # (offset, length) of each page in the file
    next_token: Optional[str] = None
    done: bool = False
    error: Optional[BaseException] = None
    fetching: bool = False
    active: int = 0  # consumers reading it now
    restarts: int = 0
    finished: Set[str] = field(default_factory=set)


class WindowPages:
    """The sync's searchOrders pages by window. `consumers`: the selected order streams (None: unknown,
    files are kept until the end of the sync); `on_order` sees every order once, when it arrives."""

    def __init__(self, fetch_page: FetchPage, consumers: Optional[Collection[str]] = None, max_restarts: int = 2,
                 on_order: Optional[Callable[[Mapping[str, Any]], None]] = None) -> None:
        self._fetch_page = fetch_page
        self._consumers = frozenset(consumers) if consumers is not None else None
        self._max_restarts = max_restarts
        self._on_order = on_order
        self._condition = threading.Condition()
        self._entries: Dict[Window, _Entry] = {}
        self._waiting: Dict[Window, int] = {}
        self._turn: Optional[Window] = None  # the window whose pages are being fetched

    def read(self, window: Window, consumer: str) -> Iterator[Mapping[str, Any]]:
        """Every order of the window, page by page (the same pages for every consumer)."""
        entry = self._join(window)
        finished = False
        try:
            index = 0
            while True:
                action = self._next(window, entry, index)
                if action == "fetch":
                    self._fetch(window, entry)
                elif action == "read":
                    offset, length = entry.spans[index]
                    index += 1
                    yield from json.loads(os.pread(entry.file.fileno(), length, offset))
                else:
                    break
            finished = True
        finally:
            self._leave(window, entry, consumer if finished else None)

    # -- under the lock ---------------------------------------------------------------------------
    def _join(self, window: Window) -> _Entry:
        with self._condition:
            entry = self._entries.get(window)
            if entry is None:
                entry = self._entries[window] = _Entry(tempfile.TemporaryFile(prefix="spapi-orders-"))
            entry.active += 1
            return entry

    def _next(self, window: Window, entry: _Entry, index: int) -> str:
        with self._condition:
            while True:
                if index < len(entry.spans):
                    return "read"
                if entry.error is not None:
                    raise _again(entry.error) from entry.error
                if entry.done:
                    return "done"
                if not entry.fetching and self._my_turn(window):
                    entry.fetching, self._turn = True, window
                    return "fetch"
                self._waiting[window] = self._waiting.get(window, 0) + 1
                try:
                    self._condition.wait()
                finally:
                    self._waiting[window] -= 1

    def _my_turn(self, window: Window) -> bool:
        if self._turn is not None:
            return self._turn == window
        waiting = [w for w, count in self._waiting.items() if count and w in self._entries and not self._entries[w].done]
        return window >= max(waiting, default=window)

    def _end_turn(self, window: Window) -> None:
        if self._turn == window:
            self._turn = None
        self._condition.notify_all()

    def _leave(self, window: Window, entry: _Entry, finished_by: Optional[str]) -> None:
        with self._condition:
            entry.active -= 1
            if finished_by is not None:
                entry.finished.add(finished_by)
            everyone_done = self._consumers is not None and self._consumers <= entry.finished
            if everyone_done and entry.active == 0 and self._entries.get(window) is entry:
                del self._entries[window]
                entry.file.close()
            if entry.active == 0 and not entry.done and not entry.fetching:
                self._end_turn(window)  # nobody reads it any more: let other windows go first

    # -- outside the lock: one caller at a time per window (`fetching`) ------------------------------
    def _fetch(self, window: Window, entry: _Entry) -> None:
        try:
            orders, token = self._fetch_page(window, entry.next_token)
        except TokenRefused:
            self._restart(window, entry)
            return
        except BaseException as error:
            with self._condition:
                entry.error, entry.fetching = error, False
                self._end_turn(window)
            return
        data = json.dumps(orders, separators=(",", ":")).encode()
        entry.file.seek(0, os.SEEK_END)
        offset = entry.file.tell()
        entry.file.write(data)
        entry.file.flush()
        if self._on_order is not None:
            for order in orders:
                self._on_order(order)
        with self._condition:
            entry.spans.append((offset, len(data)))
            entry.next_token, entry.done, entry.fetching = token, token is None, False
            if entry.done:
                self._end_turn(window)
            else:
                self._condition.notify_all()

    def _restart(self, window: Window, entry: _Entry) -> None:
        with self._condition:
            entry.restarts += 1
            entry.fetching = False
            if entry.restarts > self._max_restarts:
                message = (f"Amazon refused the searchOrders paginationToken of the Orders window {window.start} to "
                           f"{window.end} {entry.restarts} times (a token lives 24 hours and searchOrders allows about "
                           "one call every three minutes): lower 'period_in_days' so each window needs fewer pages.")
                entry.error = AirbyteTracedException(message=message, internal_message=message,
                                                     failure_type=FailureType.config_error)
                self._end_turn(window)
                return
            logger.warning("Amazon refused the searchOrders paginationToken of the window %s to %s (expired or not "
                           "matching): reading the window again from its first page.", window.start, window.end)
            entry.next_token = None
            self._condition.notify_all()


def _again(error: BaseException) -> BaseException:
    """A fresh exception for one more consumer of a failed window (each stream fails on its own object)."""
    if isinstance(error, AirbyteTracedException):
        return AirbyteTracedException(message=error.message, internal_message=error.internal_message,
                                      failure_type=error.failure_type)
    message = f"Reading searchOrders failed: {type(error).__name__}: {error}"
    return AirbyteTracedException(message=message, internal_message=message, failure_type=FailureType.system_error)
