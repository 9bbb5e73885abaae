"""Finances v0: listFinancialEvents, listFinancialEventGroups, ...ByGroupId, ...ByOrderId.

What a regional endpoint returns: the seller's events and groups in the marketplaces of that region
(Amazon's "SP-API Endpoints" page: each endpoint serves its region's marketplaces; the Finances API
takes no marketplace filter). Deferred events stay hidden until released (the model's note on
listFinancialEvents), and no event is served until 48 hours (scaled) after it was posted (the models'
"Orders from the last 48 hours might not be included in financial events", read the nastier way). A page whose JSON would exceed 10 MB is refused with `InvalidInput` (the model's
MaxResultsPerPage: "If the response exceeds the maximum number of transactions or 10 MB, the response
is InvalidInput"), with the unhelpful message of Amazon's sandbox example. A NextToken lives 3 minutes
(emulated time); an expired one gets Amazon's "Token is not valid, token duration is 3 minutes.".
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from typing import Any, Dict, List, Sequence

from ..exceptions import InvalidInput, NotFound
from ..http_types import Request
from ..models import EventGroup, FinancialEvent
from ..timeutil import iso, parse_iso
from .common import TWO_MINUTES, date_param, int_param, require_past

WINDOW_LIMIT = timedelta(days=180)
PAGE_LIMIT_BYTES = 10 * 1024 * 1024
# The listFinancialEvents 400 example of Amazon's model (x-amzn-api-sandbox); nothing says "too large".
PAGE_TOO_LARGE_MESSAGE = "Input not valid."

# Every list of the model's FinancialEvents object; Amazon sends them all, empty or not.
EVENT_LISTS = [
    "ShipmentEventList", "ShipmentSettleEventList", "RefundEventList", "GuaranteeClaimEventList",
    "EBTRefundReimbursementOnlyEventList", "ChargebackEventList", "PayWithAmazonEventList",
    "ServiceProviderCreditEventList", "RetrochargeEventList", "RentalTransactionEventList",
    "ProductAdsPaymentEventList", "ServiceFeeEventList", "SellerDealPaymentEventList", "DebtRecoveryEventList",
    "LoanServicingEventList", "AdjustmentEventList", "SAFETReimbursementEventList",
    "SellerReviewEnrollmentPaymentEventList", "FBALiquidationEventList", "CouponPaymentEventList",
    "ImagingServicesFeeEventList", "NetworkComminglingTransactionEventList", "AffordabilityExpenseEventList",
    "AffordabilityExpenseReversalEventList", "RemovalShipmentEventList", "RemovalShipmentAdjustmentEventList",
    "TrialShipmentEventList", "TDSReimbursementEventList", "AdhocDisbursementEventList", "TaxWithholdingEventList",
    "ChargeRefundEventList", "FailedAdhocDisbursementEventList", "ValueAddedServiceChargeEventList",
    "CapacityReservationBillingEventList",
]


def events_payload(events: Sequence[FinancialEvent]) -> Dict[str, List[Dict[str, Any]]]:
    lists: Dict[str, List[Dict[str, Any]]] = {name: [] for name in EVENT_LISTS}
    for event in events:
        lists[event.list_name].append(event.body)
    return lists


def region_market_ids(emu, req: Request) -> List[str]:
    """The seller's marketplaces served by the regional endpoint this request came to."""
    return [m.id for m in emu.dataset.seller.markets if m.region == req.region]


def expired_token(emu) -> InvalidInput:
    minutes = round(emu.timing.finance_next_token_ttl_seconds / 60)
    return InvalidInput(f"Token is not valid, token duration is {minutes} minutes.")


def issue_token(emu, state: Dict[str, Any]) -> str:
    ttl = emu.timing.client_window(emu.timing.finance_next_token_ttl_seconds)
    return emu.page_tokens.encode({**state, "expires": time.time() + ttl})


def redeem_token(emu, req: Request, token: str, name: str = "NextToken") -> Dict[str, Any]:
    """The query state of a page token from this region; InvalidInput when expired (or made to expire)."""
    state = emu.page_tokens.decode(token, name)
    if state.get("region", "NA") != req.region:
        raise InvalidInput(f"Invalid {name}.")
    if emu.faults.expire_page_token() or ("expires" in state and time.time() > state["expires"]):
        raise expired_token(emu)
    return state


def _window(req: Request, required: bool):
    after = date_param(req, "PostedAfter")
    before = date_param(req, "PostedBefore")
    if after is None and required:
        raise InvalidInput("PostedAfter is required.")
    if before is not None and after is None:
        raise InvalidInput("PostedBefore requires PostedAfter.")
    require_past("PostedAfter", after, req.now)
    require_past("PostedBefore", before, req.now)
    if after is not None and before is None:
        before = req.now - TWO_MINUTES
    if after is not None and before is not None and before <= after:
        raise InvalidInput("PostedBefore must be later than PostedAfter.")
    return after, before


def _paged(emu, req: Request, select, state: Dict[str, Any]):
    lag = emu.timing.finance_delay()
    events = [e for e in select(state) if e.visible_in_v0(req.now) and e.arrived(req.now, lag)]
    offset, size = state["offset"], state["size"]
    payload: Dict[str, Any] = {"FinancialEvents": events_payload(events[offset:offset + size])}
    limit = emu.faults.plan.finance_page_bytes or PAGE_LIMIT_BYTES
    if len(json.dumps(payload, separators=(",", ":"))) > limit:
        raise InvalidInput(PAGE_TOO_LARGE_MESSAGE)
    if offset + size < len(events):
        payload["NextToken"] = issue_token(emu, {**state, "offset": offset + size})
    return 200, {"payload": payload}


def _first_state(req: Request, kind: str, required: bool, **extra: Any) -> Dict[str, Any]:
    after, before = _window(req, required)
    return {"kind": kind, "after": iso(after) if after else None, "before": iso(before) if before else None,
            "size": int_param(req, "MaxResultsPerPage", 100, 1, 100), "offset": 0, "region": req.region, **extra}


def _state(emu, req: Request, kind: str, required: bool, **extra: Any) -> Dict[str, Any]:
    token = req.param("NextToken")
    if token:
        state = redeem_token(emu, req, token)
        if state.get("kind") != kind:
            raise InvalidInput("Invalid NextToken.")
        return state
    return _first_state(req, kind, required, **extra)


def _bounds(state: Dict[str, Any]):
    after = parse_iso(state["after"]) if state.get("after") else None
    before = parse_iso(state["before"]) if state.get("before") else None
    return after, before


def list_financial_events(emu, req: Request):
    seller = emu.dataset.seller
    state = _state(emu, req, "events", required=True)

    def select(s):
        after, before = _bounds(s)
        if after and before and before - after > WINDOW_LIMIT:
            return []  # Amazon: a window over 180 days returns nothing
        return seller.events_in_window(after, before, region_market_ids(emu, req))

    return _paged(emu, req, select, state)


def list_financial_events_by_group_id(emu, req: Request):
    seller = emu.dataset.seller
    group = seller.group(req.path_params["eventGroupId"])
    if group is None or group.market.region != req.region:
        raise NotFound(f"Financial event group {req.path_params['eventGroupId']} was not found.")
    state = _state(emu, req, "group", required=False, group=group.group_id)

    def select(s):
        after, before = _bounds(s)
        start = max(group.start, after) if after else group.start
        end = min(group.end, before) if before else group.end
        return seller.events_in_window(start, end, [group.market.id])

    return _paged(emu, req, select, state)


def list_financial_events_by_order_id(emu, req: Request):
    seller = emu.dataset.seller
    order_id = req.path_params["orderId"]
    state = _state(emu, req, "order", required=False, order=order_id)
    markets = set(region_market_ids(emu, req))
    return _paged(emu, req, lambda s: [e for e in seller.events if e.order_id == order_id and e.market.id in markets],
                  state)


def group_json(group: EventGroup, now: datetime) -> Dict[str, Any]:
    currency = group.market.currency
    body: Dict[str, Any] = {
        "FinancialEventGroupId": group.group_id,
        "ProcessingStatus": "Open" if group.is_open else "Closed",
        "FundTransferStatus": "Unknown" if group.is_open else "Succeeded",
        "OriginalTotal": {"CurrencyCode": currency, "CurrencyAmount": float(group.total)},
    }
    if not group.is_open:
        body.update({
            "ConvertedTotal": {"CurrencyCode": currency, "CurrencyAmount": float(group.total)},
            "FundTransferDate": iso(group.transfer_date),
            "TraceId": group.trace_id,
        })
    body.update({"AccountTail": "042",
                 "BeginningBalance": {"CurrencyCode": currency, "CurrencyAmount": 0.0},
                 "FinancialEventGroupStart": iso(group.start)})
    if not group.is_open:
        body["FinancialEventGroupEnd"] = iso(group.end)
    return body


def list_financial_event_groups(emu, req: Request):
    seller = emu.dataset.seller
    token = req.param("NextToken")
    if token:
        state = emu.page_tokens.decode(token)  # no lifetime is reported for event group tokens
        if state.get("kind") != "groups" or state.get("region") != req.region:
            raise InvalidInput("Invalid NextToken.")
    else:
        after = date_param(req, "FinancialEventGroupStartedAfter")
        before = date_param(req, "FinancialEventGroupStartedBefore")
        require_past("FinancialEventGroupStartedAfter", after, req.now)
        require_past("FinancialEventGroupStartedBefore", before, req.now)
        if before is None:
            before = req.now - TWO_MINUTES
        if after is None:
            after = before - WINDOW_LIMIT
        if before <= after:
            raise InvalidInput("FinancialEventGroupStartedBefore must be later than FinancialEventGroupStartedAfter.")
        state = {"kind": "groups", "after": iso(after), "before": iso(before),
                 "size": int_param(req, "MaxResultsPerPage", 10, 1, 100), "offset": 0, "region": req.region}
    after, before = _bounds(state)
    groups = [] if before - after > WINDOW_LIMIT else \
        [g for g in seller.groups if after <= g.start < before and g.market.region == req.region]
    offset, size = state["offset"], state["size"]
    payload: Dict[str, Any] = {"FinancialEventGroupList": [group_json(g, req.now) for g in groups[offset:offset + size]]}
    if offset + size < len(groups):
        payload["NextToken"] = emu.page_tokens.encode({**state, "offset": offset + size})
    return 200, {"payload": payload}
