"""Financial events and event groups (settlement periods), with the keys /_emulator/truth lists."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Dict, Optional

from ..marketplaces import MARKETS, Market
from ..timeutil import UTC

SETTLEMENT_PERIOD_DAYS = 14
SETTLEMENT_ANCHOR = datetime(2020, 1, 6, tzinfo=UTC)


@dataclass(frozen=True)
class FinancialEvent:
    list_name: str  # key in FinancialEvents, e.g. ShipmentEventList
    posted: datetime
    market: Market
    key: str
    body: Dict[str, Any] = field(hash=False, compare=False)
    net: Decimal  # signed effect on the seller's balance, for group totals
    order_id: Optional[str] = None
    # Sums of the event's ChargeComponents and FeeComponents (the truth's per-month amounts).
    charges: Decimal = Decimal("0")
    fees: Decimal = Decimal("0")
    # A deferred event (Amazon's DD7 policy: funds released 7 days after delivery) is released at
    # this moment; None for events that were never deferred.
    released: Optional[datetime] = None
    # When the emulator learned of the event (None: the seeded dataset; /_emulator/mutate: its call).
    recorded: Optional[datetime] = field(default=None, compare=False)

    def arrived(self, now: datetime, lag: timedelta) -> bool:
        """Amazon's Finances models (v0 and 2024-06-19): "Orders from the last 48 hours might not be
        included in financial events." The emulator takes the nastier reading: no event is served until
        `lag` (48 hours, scaled) after it was posted."""
        return self.posted + lag <= now

    def visible_in_v0(self, now: datetime) -> bool:
        """Finances v0 model: "deferred events don't show up in responses until they are released"."""
        return self.released is None or self.released <= now

    def transaction_status(self, now: datetime) -> str:
        if self.released is None:
            return "RELEASED"
        return "DEFERRED_RELEASED" if self.released <= now else "DEFERRED"


@dataclass(frozen=True)
class EventGroup:
    group_id: str
    settlement_id: str
    market: Market
    start: datetime
    end: datetime  # exclusive; in the future for the open group
    is_open: bool
    total: Decimal
    trace_id: str

    @property
    def transfer_date(self) -> datetime:
        return self.end + timedelta(days=1)



def financial_event_key(list_name: str, event: Dict[str, Any]) -> str:
    """The stable key /_emulator/truth lists for an event; computable from the event's wire JSON."""
    if list_name in ("ShipmentEventList", "RefundEventList", "GuaranteeClaimEventList", "ChargebackEventList"):
        return f"{event.get('AmazonOrderId')}|{event.get('PostedDate')}"
    if list_name == "ServiceFeeEventList":
        return f"{event.get('FeeReason')}|{event.get('FeeDescription')}"
    if list_name == "AdjustmentEventList":
        items = event.get("AdjustmentItemList") or [{}]
        return f"{event.get('AdjustmentType')}|{event.get('PostedDate')}|{items[0].get('TransactionNumber')}"
    if list_name == "ProductAdsPaymentEventList":
        return str(event.get("invoiceId"))
    if list_name == "CouponPaymentEventList":
        return str(event.get("PaymentEventId"))
    if list_name == "RetrochargeEventList":
        return f"{event.get('AmazonOrderId')}|{event.get('PostedDate')}|{event.get('RetrochargeEventType')}"
    if list_name == "SellerDealPaymentEventList":
        return f"{event.get('dealId')}|{event.get('postedDate')}"
    return hashlib.sha256(json.dumps(event, sort_keys=True).encode()).hexdigest()


def currency_amount(amount: Decimal, market: Market) -> Dict[str, Any]:
    """Finances v0 money: a number, not a string."""
    return {"CurrencyCode": market.currency, "CurrencyAmount": float(amount)}


def settlement_period_start(moment: datetime, market: Market) -> datetime:
    """Start of the 14-day settlement period holding `moment` (each marketplace has its own phase)."""
    phase = timedelta(days=sorted(MARKETS).index(market.code) * 2)
    anchor = SETTLEMENT_ANCHOR + phase
    periods = (moment - anchor) // timedelta(days=SETTLEMENT_PERIOD_DAYS)
    return anchor + periods * timedelta(days=SETTLEMENT_PERIOD_DAYS)
