"""The rate-limit lower bound of a sync: the fastest any client could have made the same requests.

Formula. Amazon meters each operation o with a token bucket of rate r_o (tokens per second) and size
b_o (the burst), full when the sync starts. If the sync made n_o requests of o that the server
admitted, the first b_o can go at once and every further one needs a token that refills at r_o, so
the last request of o cannot be sent before

    t_o = max(0, n_o - b_o) / r_o

Different operations have separate buckets and can proceed in parallel, so the sync cannot finish
before

    T = max(max_o t_o, F)

where F is an optional floor that is not a rate limit (the bench passes the emulator's scaled report
processing time: a report's rows cannot arrive before the report exists). With the emulator's time
scale K the rates are Amazon's defaults times K and the bursts stay Amazon's.

Which requests count: those the server admitted, i.e. all requests minus the ones it throttled (a
429 takes no token, so it is not work the sync had to do; counting it would raise the bound and flatter
the connector). Injected faults are admitted first and then fail, so they count.

What it ignores, on purpose, so T stays a true lower bound: dependencies between operations
(getOrderItems calls wait for the getOrders page naming the order, but buckets can save tokens
meanwhile), network and CPU time, and process start-up. It also takes the request counts as given:
a client that makes needless requests (e.g. reads a parent stream twice) raises its own bound, which
is why the bench also prints the counts per operation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Mapping, Optional, Tuple


@dataclass(frozen=True)
class OperationBound:
    operation: str
    requests: int
    rate: float
    burst: int
    seconds: float


@dataclass(frozen=True)
class LowerBound:
    seconds: float
    limiting_operation: Optional[str]
    operations: Tuple[OperationBound, ...]

    def as_dict(self) -> Dict[str, object]:
        return {
            "seconds": round(self.seconds, 3),
            "limiting_operation": self.limiting_operation,
            "operations": {
                bound.operation: {
                    "requests": bound.requests,
                    "rate_per_second": round(bound.rate, 6),
                    "burst": bound.burst,
                    "seconds": round(bound.seconds, 3),
                }
                for bound in sorted(self.operations, key=lambda b: -b.seconds)
            },
        }


def operation_seconds(requests: int, rate: float, burst: int) -> float:
    """t_o: when the last of `requests` calls can be sent through a full bucket (rate, burst)."""
    if rate <= 0:
        raise ValueError("rate must be > 0")
    return max(0, requests - burst) / rate


def scaled_limits(limits: Mapping[str, Tuple[float, int]], time_scale: float) -> Dict[str, Tuple[float, int]]:
    """Amazon's (rate, burst) per operation as an emulator running K times faster enforces them."""
    if time_scale <= 0:
        raise ValueError("time scale must be > 0")
    return {name: (rate * time_scale, burst) for name, (rate, burst) in limits.items()}


def admitted_requests(operation_stats: Mapping[str, object]) -> int:
    """n_o from one operation's entry of the emulator's /_emulator/stats: requests minus throttled ones."""
    return int(operation_stats.get("requests", 0)) - int(operation_stats.get("429_throttled", 0))


def lower_bound(
    requests: Mapping[str, int],
    limits: Mapping[str, Tuple[float, int]],
    floor_seconds: float = 0.0,
) -> LowerBound:
    """T for the given request counts per operation; operations without a limit are not metered."""
    bounds = []
    for operation, count in requests.items():
        if operation not in limits or count <= 0:
            continue
        rate, burst = limits[operation]
        bounds.append(OperationBound(operation, count, rate, burst, operation_seconds(count, rate, burst)))
    slowest = max(bounds, key=lambda b: b.seconds, default=None)
    rate_bound = slowest.seconds if slowest is not None else 0.0
    if floor_seconds > rate_bound:
        return LowerBound(floor_seconds, "floor", tuple(bounds))
    return LowerBound(rate_bound, slowest.operation if slowest is not None and rate_bound > 0 else None, tuple(bounds))
