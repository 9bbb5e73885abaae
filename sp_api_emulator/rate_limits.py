"""Token buckets per operation per client, at Amazon's default rates (spapi-facts.md) times the time scale.

The burst (bucket size) stays Amazon's; only the refill speed is scaled, so draining a burst behaves
like Amazon while waiting for a refill is K times shorter.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, Dict, Hashable, Tuple

# operation name -> (requests per second, burst)
DEFAULT_LIMITS: Dict[str, Tuple[float, int]] = {
    "getMarketplaceParticipations": (0.016, 15),
    "getAccount": (0.016, 15),
    "getOrders": (0.0167, 20),
    "getOrder": (0.5, 30),
    "getOrderItems": (0.5, 30),
    "getOrderBuyerInfo": (0.5, 30),
    "getOrderAddress": (0.5, 30),
    "getOrderItemsBuyerInfo": (0.5, 30),
    "searchOrders": (0.0056, 20),
    "getOrder2026": (0.5, 30),  # Orders 2026-01-01 getOrder (the model's usage plan)
    "listFinancialEvents": (0.5, 30),
    "listFinancialEventGroups": (0.5, 30),
    "listFinancialEventsByGroupId": (0.5, 30),
    "listFinancialEventsByOrderId": (0.5, 30),
    "listTransactions": (0.5, 10),
    "createReport": (0.0167, 15),
    "getReport": (2.0, 15),
    "getReports": (0.0222, 10),
    "cancelReport": (0.0222, 10),
    "getReportDocument": (0.0167, 15),
    "getPurchaseOrders": (10.0, 10),
    "getPurchaseOrder": (10.0, 10),
    "getPurchaseOrdersStatus": (10.0, 10),
    "getDirectFulfillmentOrders": (10.0, 10),
    "getDirectFulfillmentOrder": (10.0, 10),
    "getShippingLabels": (10.0, 10),
    "getShippingLabel": (10.0, 10),
    "getInventorySummaries": (2.0, 2),
    "searchCatalogItems": (2.0, 2),
    "searchListingsItems": (5.0, 5),
    "createRestrictedDataToken": (1.0, 10),
}

# Not SP-API operations, but a download storm should still be bounded.
DOCUMENT_DOWNLOAD_LIMIT: Tuple[float, int] = (50.0, 100)


class TokenBucket:
    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = float(burst)
        self._clock = clock
        self._tokens = float(burst)
        self._updated = clock()
        self._lock = threading.Lock()

    def try_take(self) -> bool:
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return True
            return False


class RateLimiter:
    """One bucket per (client, operation); thread-safe."""

    def __init__(self, time_scale: float = 1.0, limits: Dict[str, Tuple[float, int]] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.time_scale = float(time_scale)
        self.limits = dict(DEFAULT_LIMITS if limits is None else limits)
        self._clock = clock
        self._buckets: Dict[Tuple[Hashable, str], TokenBucket] = {}
        self._lock = threading.Lock()

    def rate(self, operation: str) -> float | None:
        limit = self.limits.get(operation)
        return None if limit is None else limit[0] * self.time_scale

    def header_value(self, operation: str) -> str | None:
        """What `x-amzn-RateLimit-Limit` says for this operation: the scaled rate."""
        rate = self.rate(operation)
        return None if rate is None else f"{rate:g}"

    def try_acquire(self, client: Hashable, operation: str) -> bool:
        limit = self.limits.get(operation)
        if limit is None:
            return True
        key = (client, operation)
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = TokenBucket(limit[0] * self.time_scale, limit[1], self._clock)
                self._buckets[key] = bucket
        return bucket.try_take()
