"""The requests each Orders API path needs for the same data, and their rate-limit lower bounds.

For the windows the connector reads (period_in_days from the start date to the end) and the orders the
emulator's truth puts in each window and marketplace:
- v0: getOrders pages per marketplace and window (100 orders a page, at least one page), then one
  getOrderItems call per order (an order's items fit one page);
- 2026-01-01: searchOrders pages per window for all marketplaces at once (100 orders a page, at least one).
Each count goes through bench/lower_bound.py's formula with the emulator's scaled limits, so the bench can
print the two bounds side by side for one dataset without running the v0 path (a four-times slower sync).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable, Dict, List, Mapping, Sequence, Tuple

from bench.lower_bound import lower_bound

PAGE_SIZE = 100
Window = Tuple[datetime, datetime]


def windows(start: datetime, end: datetime, days: int) -> List[Window]:
    """The cursor's windows: [start, start + days - 1 s], then the next from the following second."""
    result, step, second = [], timedelta(days=days), timedelta(seconds=1)
    while start <= end:
        stop = min(start + step - second, end)
        result.append((start, stop))
        start = stop + second
    return result


def pages(orders: int) -> int:
    return max(1, -(-orders // PAGE_SIZE))


def requests_per_path(counts: Mapping[Tuple[int, str], int], marketplaces: Sequence[str], window_count: int) -> Dict[str, Dict[str, int]]:
    """counts[(window index, marketplace)] = orders -> {path: {operation: requests}}."""
    per_window = [sum(counts.get((w, m), 0) for m in marketplaces) for w in range(window_count)]
    return {
        "v0": {"getOrders": sum(pages(counts.get((w, m), 0)) for w in range(window_count) for m in marketplaces),
               "getOrderItems": sum(per_window)},
        "2026-01-01": {"searchOrders": sum(pages(n) for n in per_window)},
    }


def paths_side_by_side(count_orders: Callable[[str, datetime, datetime], int], marketplaces: Sequence[str],
                       start: datetime, end: datetime, days: int, limits: Mapping[str, Tuple[float, int]]) -> Dict[str, object]:
    """Predicted requests and lower bound of each path; `count_orders(marketplace, start, end)` from the truth."""
    cut = windows(start, end, days)
    counts = {(index, m): count_orders(m, a, b) for index, (a, b) in enumerate(cut) for m in marketplaces}
    result: Dict[str, object] = {"windows": len(cut), "orders": sum(counts.values())}
    for path, requests in requests_per_path(counts, marketplaces, len(cut)).items():
        bound = lower_bound(requests, limits)
        result[path] = {"requests": requests, "lower_bound_seconds": round(bound.seconds, 2),
                        "limiting_operation": bound.limiting_operation}
    return result
