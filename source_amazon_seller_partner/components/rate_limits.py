"""One token bucket per SP-API operation, shared by every stream and thread of a sync.

Why custom: the CDK's HTTPAPIBudget is a moving window without burst, matches the first policy only,
and cannot learn a rate from a header. SP-API limits are token buckets (rate, burst) per operation,
and `x-amzn-RateLimit-Limit` tells the caller's real rate, which may differ from the default.
The budget plugs into the CDK's LimiterSession (see requester.py), so every request and every retry
of every declarative stream passes through `acquire_call`; the report job uses the same object.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Pattern, Tuple
from urllib.parse import urlsplit

from airbyte_cdk.sources.streams.call_rate import AbstractAPIBudget

logger = logging.getLogger("airbyte")

RATE_HEADER = "x-amzn-RateLimit-Limit"
# Sending at exactly the advertised rate meets the server's bucket with no slack; network jitter then
# turns into 429s. A few percent below the rate costs little and keeps the connector's own 429s at zero.
SAFETY_FACTOR = 0.95


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
    """Reservation-style token bucket: a caller reserves the next slot under the lock and sleeps outside it."""

    def __init__(self, rate: float, burst: int, clock=time.monotonic, sleep=time.sleep) -> None:
        self._rate = rate
        self._burst = float(burst)
        self._tokens = float(burst)
        self._clock = clock
        self._sleep = sleep
        self._updated = clock()
        self._lock = threading.Lock()
        self.learned_rate: Optional[float] = None

    @property
    def rate(self) -> float:
        return self._rate

    def _refill(self, now: float) -> None:
        self._tokens = min(self._burst, self._tokens + (now - self._updated) * self._rate * SAFETY_FACTOR)
        self._updated = now

    def reserve(self) -> float:
        """Take one token; return how long the caller must wait before sending."""
        with self._lock:
            now = self._clock()
            self._refill(now)
            self._tokens -= 1.0
            if self._tokens >= 0:
                return 0.0
            return -self._tokens / (self._rate * SAFETY_FACTOR)

    def acquire(self) -> float:
        wait = self.reserve()
        if wait > 0:
            self._sleep(wait)
        return wait

    def set_rate(self, rate: float) -> None:
        if rate <= 0:
            return
        with self._lock:
            self._refill(self._clock())
            if self.learned_rate is None or abs(rate - self._rate) > 1e-9:
                self._rate = rate
            self.learned_rate = rate

    def on_throttled(self) -> None:
        """The server's bucket is empty: ours must be too, so the next caller waits a full interval."""
        with self._lock:
            self._refill(self._clock())
            self._tokens = min(self._tokens, 0.0)


class SpApiRateLimits(AbstractAPIBudget):
    """The per-sync registry of buckets, keyed by operation name; an API budget for the CDK's LimiterSession."""

    _registry: Dict[Tuple[str, str], "SpApiRateLimits"] = {}
    _registry_lock = threading.Lock()

    def __init__(self) -> None:
        self._buckets: Dict[str, TokenBucket] = {}
        self._lock = threading.Lock()
        self.throttled: Dict[str, int] = {}
        self.requests: Dict[str, int] = {}

    @classmethod
    def for_config(cls, config: Mapping[str, Any]) -> "SpApiRateLimits":
        # Amazon counts per selling partner and app: the refresh token stands for both.
        key = (config["_api_url"], config["refresh_token"])
        with cls._registry_lock:
            limits = cls._registry.get(key)
            if limits is None:
                limits = cls._registry[key] = cls()
            return limits

    def bucket(self, operation: Operation) -> TokenBucket:
        with self._lock:
            bucket = self._buckets.get(operation.name)
            if bucket is None:
                bucket = self._buckets[operation.name] = TokenBucket(operation.rate, operation.burst)
            return bucket

    # AbstractAPIBudget -------------------------------------------------------------------------
    def acquire_call(self, request: Any, block: bool = True, timeout: Optional[float] = None) -> None:
        operation = match_operation(request.method or "GET", request.url or "")
        if operation is None:
            return  # not an SP-API operation (LWA, presigned document download)
        with self._lock:
            self.requests[operation.name] = self.requests.get(operation.name, 0) + 1
        self.bucket(operation).acquire()

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

    def seconds_per_call(self, operation_name: str) -> float:
        """How long one call of this operation costs at the learned rate (used to pace polling)."""
        for operation in OPERATIONS:
            if operation.name == operation_name:
                return 1.0 / self.bucket(operation).rate
        raise KeyError(operation_name)
