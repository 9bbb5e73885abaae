"""Amazon's limits on createReport per report type, besides the operation's token bucket.

- GET_SALES_AND_TRAFFIC_REPORT is metered per seller account, shared by every app: 4 requests an hour and
  96 a day (Amazon's answer in the amzn/selling-partner-api-models issue tracker, April 2026). A request
  beyond either is refused with 429 QuotaExceeded; refused requests do not count.
- Near-real-time FBA reports: "after a near real-time FBA report is generated following your report
  request, a 30-minute waiting period must pass before Amazon will generate an updated version of that
  report" (Reports API, Fulfillment by Amazon (FBA) Reports). The docs do not say what a sooner request
  gets; the nastier plausible answer is modelled: it is accepted and ends CANCELLED (no document), so a
  client that does not wait reads "no data". Scope: account, report type and marketplaces; the 30
  minutes run from the earlier report's processing end, so a request while it is still pending counts too.
  Amazon: "the four 'All Orders' reports are not subject to this limitation".
- Identical requests (same type, marketplaces, dates and options) within about 30 minutes end FATAL:
  lifecycle.py decides that with the other fates.
Durations are divided by the emulator's time scale.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Deque, Dict, Iterable, Optional, Tuple

from ..exceptions import QuotaExceeded

SALES_AND_TRAFFIC = "GET_SALES_AND_TRAFFIC_REPORT"
SALES_AND_TRAFFIC_LIMITS = ((3600.0, 4), (86400.0, 96))  # (seconds, requests) per seller account
NEAR_REAL_TIME_WAIT_SECONDS = 1800.0
# The FBA report pages' types whose content is "updated in near real-time" (All Orders reports excluded).
NEAR_REAL_TIME_TYPES = frozenset({
    "GET_AFN_INVENTORY_DATA",
    "GET_AFN_INVENTORY_DATA_BY_COUNTRY",
    "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA",
    "GET_FBA_MYI_ALL_INVENTORY_DATA",
    "GET_RESERVED_INVENTORY_DATA",
    "GET_STRANDED_INVENTORY_UI_DATA",
    "GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT",
    "GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL",
    "GET_FBA_FULFILLMENT_CUSTOMER_SHIPMENT_SALES_DATA",
    "GET_FBA_FULFILLMENT_REMOVAL_ORDER_DETAIL_DATA",
    "GET_FBA_FULFILLMENT_REMOVAL_SHIPMENT_DETAIL_DATA",
})


class ReportQuotas:
    """Thread-safe; times are time.monotonic() seconds, durations already scaled by `scale`."""

    def __init__(self, scale: float) -> None:
        self._scale = float(scale)
        self._lock = threading.Lock()
        self._sales_and_traffic: Dict[str, Deque[float]] = {}
        self._generated_until: Dict[Tuple[str, str, Tuple[str, ...]], float] = {}

    def admit(self, account_type: str, report_type: str, now: Optional[float] = None) -> None:
        """Raise QuotaExceeded when the account's metering refuses this request; else count it."""
        if report_type != SALES_AND_TRAFFIC:
            return
        now = time.monotonic() if now is None else now
        longest = max(seconds for seconds, _ in SALES_AND_TRAFFIC_LIMITS) / self._scale
        with self._lock:
            made = self._sales_and_traffic.setdefault(account_type, deque())
            while made and made[0] <= now - longest:
                made.popleft()
            for seconds, limit in SALES_AND_TRAFFIC_LIMITS:
                if sum(1 for moment in made if moment > now - seconds / self._scale) >= limit:
                    raise QuotaExceeded(f"{SALES_AND_TRAFFIC} may be requested {limit} times per "
                                        f"{'hour' if seconds == 3600 else 'day'} per selling partner account.")
            made.append(now)

    def too_soon(self, account_type: str, report_type: str, marketplace_ids: Iterable[str], now: float) -> bool:
        """A near-real-time report requested within 30 minutes of the last one generated (or being generated)."""
        if report_type not in NEAR_REAL_TIME_TYPES:
            return False
        with self._lock:
            return now < self._generated_until.get((account_type, report_type, tuple(sorted(marketplace_ids))), float("-inf"))

    def generating(self, account_type: str, report_type: str, marketplace_ids: Iterable[str], processing_end: float) -> None:
        """A near-real-time report will be DONE at `processing_end` (monotonic): the next waits 30 minutes after it."""
        if report_type in NEAR_REAL_TIME_TYPES:
            with self._lock:
                self._generated_until[(account_type, report_type, tuple(sorted(marketplace_ids)))] = (
                    processing_end + NEAR_REAL_TIME_WAIT_SECONDS / self._scale
                )
