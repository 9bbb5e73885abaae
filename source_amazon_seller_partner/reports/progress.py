"""Progress lines while reports are being prepared or a quota holds requests back.

A backfill at Amazon's pace can wait for hours: without a sign of life a user cannot tell a waiting sync
from a stuck one. Every thread that waits (for its report, for its turn at createReport) calls `tick`;
a line is logged when PROGRESS_EVERY_SECONDS have passed since the last one and something is pending.
Waiting threads look again at least every 15 seconds (planner.MAX_WAIT_SECONDS), so lines come at
least once a minute. Marketplaces are named by country code.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta
from typing import Any, Callable, Dict, Mapping, Optional

from .window import country

logger = logging.getLogger("airbyte")

PROGRESS_EVERY_SECONDS = 45.0


def _age(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class ReportProgress:
    """`next_token_in()`: seconds until createReport's bucket has a token (the sync's rate limits)."""

    def __init__(self, next_token_in: Callable[[], float] = lambda: 0.0, every_seconds: float = PROGRESS_EVERY_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._next_token_in = next_token_in
        self._every = every_seconds
        self._clock = clock
        self._last = clock()
        self._lock = threading.Lock()
        self.lines = 0

    def tick(self, snapshot: Callable[[], Mapping[str, Any]]) -> None:
        now = self._clock()
        with self._lock:
            if now - self._last < self._every:
                return
            self._last = now
        state = snapshot()
        if not state["pending"] and not state["planned"]:
            return
        logger.info(self.line(state))
        self.lines += 1

    def line(self, state: Mapping[str, Any]) -> str:
        now: datetime = state["now"]
        parts = []
        by_country: Dict[str, int] = state["pending_by_country"]
        pending = f"{state['pending']} report(s) requested and not yet read"
        if by_country:
            pending += " (" + ", ".join(f"{code} {count}" for code, count in sorted(by_country.items())) + ")"
        oldest = state["oldest"]
        if oldest is not None and oldest.requested_at is not None:
            pending += (f", the oldest requested {_age((now - oldest.requested_at).total_seconds())} ago "
                        f"({oldest.spec.report_type} {country(oldest.window.marketplace_id)})")
        parts.append(pending)
        upcoming = state["next"]
        if upcoming is not None:
            moment: Optional[datetime] = upcoming.not_before or now + timedelta(seconds=self._next_token_in())
            parts.append(
                f"{state['planned']} still to request, the next at {moment.strftime('%H:%M:%S')} UTC "
                f"({upcoming.spec.report_type} {country(upcoming.window.marketplace_id)})"
            )
        return "Reports: " + "; ".join(parts) + "."
