"""One token bucket per SP-API operation, shared by every stream and thread of a sync.

Why custom: the CDK's HTTPAPIBudget is a moving window without burst, matches the first policy only,
and cannot learn a rate from a header. SP-API limits are token buckets (rate, burst) per operation,
and `x-amzn-RateLimit-Limit` tells the caller's real rate, which may differ from the default.
The budget is the API budget of every session of the sync (transport.py), so every request and every
retry of every stream and custom component passes through `acquire_call`. The sync context holds one.

Pacing: our bucket mirrors Amazon's at its full rate but holds a margin of tokens less: what refills
in JITTER_TOLERANCE_SECONDS (at least one token, at most burst - 1). Both start full, so Amazon's
bucket keeps that many tokens more than ours, and a request that reaches Amazon up to that much later
than its turn (thread scheduling, network) still finds a token. The margin costs its refill time once
per sync; a rate factor below 1 would instead slow every call. Only a small factor stays, for the
rounding of the advertised rate (RATE_ROUNDING_FACTOR).

Order: waiters of one operation are served first come, first served, except that requests made while
the CDK generates a stream's partitions go first. Those are parent reads (getOrders pages for
OrderItems): each page they return becomes up to 100 getOrderItems calls, the operation that usually
bounds the whole sync, so feeding it early shortens the sync; the parent stream's own reads of the
same operation only produce records and can wait.

Tokens: the CDK (and the report client) put the LWA access token on a request before it reaches the
budget. A request that waited its turn longer than the token had left would meet a 403 "expired" (and,
waiting again after the refresh, a second one that fails the stream), so after a wait an LWA token
that is no longer current is replaced by the current one. Other tokens (restricted data tokens) are
left alone.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import re
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Pattern, Tuple
from urllib.parse import urlsplit

from airbyte_cdk.sources.streams.call_rate import AbstractAPIBudget

from .auth import TOKEN_HEADER

logger = logging.getLogger("airbyte")

RATE_HEADER = "x-amzn-RateLimit-Limit"
# How late a request may reach Amazon without meeting an empty bucket (sets the margin in tokens).
JITTER_TOLERANCE_SECONDS = 0.25
# Amazon advertises rates rounded to about three digits (0.0167 for one a minute): pacing at 99.5 % of
# the advertised rate never outruns the real one, and costs 0.5 % where the limit binds.
RATE_ROUNDING_FACTOR = 0.995
PRIORITY_PARTITION_GENERATION = 1
PRIORITY_RECORDS = 0
# Refill arithmetic in floats can end a hair below a whole token after waiting exactly long enough.
_TOKEN_EPSILON = 1e-9


@dataclass(frozen=True)
class Operation:
    name: str
    method: str
    path: Pattern[str]
    rate: float  # requests per second (Amazon's default)
    burst: int


def _op(name: str, method: str, path: str, rate: float, burst: int) -> Operation:
    return Operation(name, method, re.compile(path + r"$"), rate, burst)


# Amazon's default limits (shared/spapi-facts.md); the order matters where paths overlap.
OPERATIONS: List[Operation] = [
    _op("getMarketplaceParticipations", "GET", r"/sellers/v1/marketplaceParticipations", 0.016, 15),
    _op("getOrders", "GET", r"/orders/v0/orders", 0.0167, 20),
    _op("getOrderItemsBuyerInfo", "GET", r"/orders/v0/orders/[^/]+/orderItems/buyerInfo", 0.5, 30),
    _op("getOrderItems", "GET", r"/orders/v0/orders/[^/]+/orderItems", 0.5, 30),
    _op("getOrderBuyerInfo", "GET", r"/orders/v0/orders/[^/]+/buyerInfo", 0.5, 30),
    _op("getOrderAddress", "GET", r"/orders/v0/orders/[^/]+/address", 0.5, 30),
    _op("getOrder", "GET", r"/orders/v0/orders/[^/]+", 0.5, 30),
    _op("searchOrders", "GET", r"/orders/2026-01-01/orders", 0.0056, 20),
    _op("getOrder (2026-01-01)", "GET", r"/orders/2026-01-01/orders/[^/]+", 0.5, 30),
    _op("listFinancialEventGroups", "GET", r"/finances/v0/financialEventGroups", 0.5, 30),
    _op("listFinancialEventsByGroupId", "GET", r"/finances/v0/financialEventGroups/[^/]+/financialEvents", 0.5, 30),
    _op("listFinancialEventsByOrderId", "GET", r"/finances/v0/orders/[^/]+/financialEvents", 0.5, 30),
    _op("listFinancialEvents", "GET", r"/finances/v0/financialEvents", 0.5, 30),
    _op("listTransactions", "GET", r"/finances/2024-06-19/transactions", 0.5, 10),
    _op("createReport", "POST", r"/reports/2021-06-30/reports", 0.0167, 15),
    _op("getReports", "GET", r"/reports/2021-06-30/reports", 0.0222, 10),
    _op("cancelReport", "DELETE", r"/reports/2021-06-30/reports/[^/]+", 0.0222, 10),
    _op("getReport", "GET", r"/reports/2021-06-30/reports/[^/]+", 2.0, 15),
    _op("getReportDocument", "GET", r"/reports/2021-06-30/documents/[^/]+", 0.0167, 15),
    _op("getPurchaseOrdersStatus", "GET", r"/vendor/orders/v1/purchaseOrdersStatus", 10.0, 10),
    _op("getPurchaseOrders", "GET", r"/vendor/orders/v1/purchaseOrders", 10.0, 10),
    _op("getPurchaseOrder", "GET", r"/vendor/orders/v1/purchaseOrders/[^/]+", 10.0, 10),
    _op("vendorDirectFulfillmentOrders", "GET", r"/vendor/directFulfillment/orders/[^/]+/purchaseOrders(/[^/]+)?", 10.0, 10),
    _op("vendorDirectFulfillmentShipping", "GET", r"/vendor/directFulfillment/shipping/[^/]+/.*", 10.0, 10),
    _op("getInventorySummaries", "GET", r"/fba/inventory/v1/summaries", 2.0, 2),
    _op("searchCatalogItems", "GET", r"/catalog/2022-04-01/items", 2.0, 2),
    _op("getCatalogItem", "GET", r"/catalog/2022-04-01/items/[^/]+", 2.0, 2),
    _op("searchListingsItems", "GET", r"/listings/2021-08-01/items/[^/]+", 5.0, 5),
    _op("getListingsItem", "GET", r"/listings/2021-08-01/items/[^/]+/[^/]+", 5.0, 10),
    _op("createRestrictedDataToken", "POST", r"/tokens/2021-03-01/restrictedDataToken", 1.0, 10),
]


def match_operation(method: str, url: str) -> Optional[Operation]:
    path = urlsplit(url).path
    # An API behind a proxy prefix (api_url with a path) still ends in Amazon's path.
    for operation in OPERATIONS:
        if operation.method == method.upper() and operation.path.search(path):
            return operation
    return None


class TokenBucket:
    """A token bucket that callers wait on, highest priority first, then in arrival order.

    `wait(condition, seconds)` blocks the caller (the condition's lock is held; None means until
    notified); tests pass one that advances a fake clock instead.
    """

    def __init__(
        self,
        rate: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        wait: Optional[Callable[[threading.Condition, Optional[float]], None]] = None,
    ) -> None:
        self._rate = rate
        self._burst = float(burst)
        self._margin = self._margin_for(rate)
        self._tokens = self._capacity = self._burst - self._margin
        self._clock = clock
        self._wait = wait or (lambda condition, seconds: condition.wait(seconds))
        self._updated = clock()
        self._condition = threading.Condition(threading.Lock())
        self._waiting: List[Tuple[int, int]] = []  # heap of (-priority, arrival number)
        self._arrivals = itertools.count()
        self.learned_rate: Optional[float] = None

    @property
    def rate(self) -> float:
        return self._rate

    @property
    def capacity(self) -> float:
        return self._capacity

    @property
    def margin(self) -> float:
        return self._margin

    def _margin_for(self, rate: float) -> float:
        return min(max(1.0, rate * JITTER_TOLERANCE_SECONDS), max(0.0, self._burst - 1.0))

    @property
    def waiters(self) -> int:
        with self._condition:
            return len(self._waiting)

    def seconds_until_token(self) -> float:
        """How long a caller arriving now with no one ahead would wait (takes nothing)."""
        with self._condition:
            self._refill(self._clock())
            return max(0.0, (1.0 - self._tokens) / self._pace())

    def _pace(self) -> float:
        return self._rate * RATE_ROUNDING_FACTOR

    def _refill(self, now: float) -> None:
        self._tokens = min(self._capacity, self._tokens + (now - self._updated) * self._pace())
        self._updated = now

    def acquire(self, priority: int = PRIORITY_RECORDS) -> float:
        """Take one token, waiting for it if needed; return the seconds waited."""
        started = self._clock()
        with self._condition:
            ticket = (-priority, next(self._arrivals))
            heapq.heappush(self._waiting, ticket)
            try:
                while True:
                    now = self._clock()
                    self._refill(now)
                    if self._waiting[0] != ticket:
                        self._wait(self._condition, None)
                        continue
                    if self._tokens >= 1.0 - _TOKEN_EPSILON:
                        self._tokens -= 1.0
                        heapq.heappop(self._waiting)
                        self._condition.notify_all()  # the next waiter becomes first
                        return now - started
                    self._wait(self._condition, (1.0 - self._tokens) / self._pace())
            except BaseException:
                if ticket in self._waiting:
                    self._waiting.remove(ticket)
                    heapq.heapify(self._waiting)
                    self._condition.notify_all()
                raise

    def set_rate(self, rate: float) -> None:
        if rate <= 0:
            return
        with self._condition:
            self.learned_rate = rate
            if rate == self._rate:
                return  # the usual case: every response repeats the rate, nobody needs waking
            self._refill(self._clock())
            self._rate = rate
            margin = self._margin_for(rate)
            self._tokens -= margin - self._margin
            self._margin, self._capacity = margin, self._burst - margin
            self._condition.notify_all()  # the first waiter's wait was computed at the old rate

    def on_throttled(self) -> None:
        """Amazon's bucket was empty: empty ours and restore the margin (one more interval) before
        the next request."""
        with self._condition:
            self._refill(self._clock())
            self._tokens = min(self._tokens, 0.0) - self._margin


try:  # where the CDK's worker threads generate a stream's partitions (reading parent streams)
    from airbyte_cdk.sources.streams.concurrent.partition_enqueuer import PartitionEnqueuer

    _PARTITION_GENERATION_CODE = PartitionEnqueuer.generate_partitions.__code__
except (ImportError, AttributeError):  # another CDK layout: no priority, plain arrival order
    _PARTITION_GENERATION_CODE = None


def caller_priority() -> int:
    """PRIORITY_PARTITION_GENERATION if this thread is generating partitions (a parent read whose
    records become requests of a child stream), else PRIORITY_RECORDS."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code is _PARTITION_GENERATION_CODE:
            return PRIORITY_PARTITION_GENERATION
        frame = frame.f_back
    return PRIORITY_RECORDS


class SpApiRateLimits(AbstractAPIBudget):
    """The sync's buckets, keyed by operation name; the API budget of every session of the sync."""

    def __init__(
        self,
        current_token: Optional[Callable[[], str]] = None,
        new_bucket: Callable[[Operation], TokenBucket] = lambda operation: TokenBucket(operation.rate, operation.burst),
    ) -> None:
        self._new_bucket = new_bucket
        self._buckets: Dict[str, TokenBucket] = {}
        self._lock = threading.Lock()
        self._current_token = current_token  # the sync's LWA access token, renewed as it nears expiry
        self.throttled: Dict[str, int] = {}  # 429s per operation (Amazon's bucket was empty)

    def bucket(self, operation: Operation) -> TokenBucket:
        with self._lock:
            bucket = self._buckets.get(operation.name)
            if bucket is None:
                bucket = self._buckets[operation.name] = self._new_bucket(operation)
            return bucket

    # AbstractAPIBudget -------------------------------------------------------------------------
    def acquire_call(self, request: Any, block: bool = True, timeout: Optional[float] = None) -> None:
        operation = match_operation(request.method or "GET", request.url or "")
        if operation is None:
            return  # not an SP-API operation (LWA, presigned document download)
        stamped = request.headers.get(TOKEN_HEADER) if self._current_token is not None else None
        carries_lwa_token = stamped is not None and stamped == self._current_token()
        waited = self.bucket(operation).acquire(caller_priority())
        if carries_lwa_token and waited > 0:
            current = self._current_token()
            if current != stamped:
                request.headers[TOKEN_HEADER] = current

    def get_matching_policy(self, request: Any) -> None:
        return None

    def update_from_response(self, request: Any, response: Any) -> None:
        operation = match_operation(request.method or "GET", request.url or "")
        if operation is None or response is None:
            return
        bucket = self.bucket(operation)
        header = response.headers.get(RATE_HEADER)
        if header:
            try:
                bucket.set_rate(float(header))
            except ValueError:
                logger.debug("Ignoring unparsable %s header on %s", RATE_HEADER, operation.name)
        if response.status_code == 429:
            with self._lock:
                self.throttled[operation.name] = self.throttled.get(operation.name, 0) + 1
            bucket.on_throttled()
