"""Per-operation request counters for GET /_emulator/stats (thread-safe)."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from typing import Any, Dict, FrozenSet


class Stats:
    """`deprecated`: operations Amazon's models mark deprecated; their entries say so."""

    def __init__(self, deprecated: FrozenSet[str] = frozenset()) -> None:
        self._deprecated = deprecated
        self._lock = threading.Lock()
        self._ops: Dict[str, Dict[str, Any]] = defaultdict(self._empty)
        self._reports_created: Counter = Counter()

    def reset(self) -> None:
        with self._lock:
            self._ops = defaultdict(self._empty)
            self._reports_created = Counter()

    @staticmethod
    def _empty() -> Dict[str, Any]:
        return {"requests": 0, "2xx": 0, "429_throttled": 0, "429_injected": 0, "other_errors": 0,
                "faults": Counter()}

    def record(self, operation: str, status: int, injected: bool = False) -> None:
        with self._lock:
            entry = self._ops[operation]
            entry["requests"] += 1
            if 200 <= status < 300:
                entry["2xx"] += 1
            elif status == 429:
                entry["429_injected" if injected else "429_throttled"] += 1
            else:
                entry["other_errors"] += 1

    def fault(self, operation: str, kind: str) -> None:
        with self._lock:
            self._ops[operation]["faults"][kind] += 1

    def report_created(self, report_type: str) -> None:
        with self._lock:
            self._reports_created[report_type] += 1

    def snapshot(self) -> Dict[str, Any]:
        with self._lock:
            operations = {op: {**{k: v for k, v in e.items() if k != "faults"}, "faults": dict(e["faults"]),
                               **({"deprecated": True} if op in self._deprecated else {})}
                          for op, e in sorted(self._ops.items())}
            return {"operations": operations, "reports_created": dict(self._reports_created)}
