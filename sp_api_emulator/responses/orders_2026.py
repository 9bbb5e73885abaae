"""Orders 2026-01-01: searchOrders and getOrder, with Amazon's parameter rules and error bodies.

Rules (Amazon's model orders_2026-01-01.json unless noted):
- exactly one of createdAfter / lastUpdatedAfter; no lastUpdated* with created* and back; every *Before at
  least two minutes before the request and not before its *After; marketplaceIds at most 50;
  maxResultsPerPage 1-100 (default 100); unknown enum values are refused;
- a paginationToken is valid 24 hours and only with the same values of every other parameter as the
  request that produced it, except maxResultsPerPage and includedData (the model's Pagination). Amazon
  answers a mismatch with "The paginationToken you have submitted is not valid. All parameters must
  match the original request except maxResultsPerPage." (reported on Amazon's SDK tracker, issue 717);
  for an expired or foreign token no other wording is on record, so it gets the same answer (the nastier
  case: a client cannot tell expiry from its own mistake);
- no Restricted Data Token: the roles decide what is personal data (roles.py); an app without any
  Orders role is refused (403).
"""

from __future__ import annotations

import time
from typing import Any, Dict

from ..exceptions import InvalidInput, NotFound, Unauthorized
from ..http_types import Request
from ..roles import OrdersAccess
from ..timeutil import iso
from .common import TWO_MINUTES, date_param, enum_params, int_param, marketplace_ids, require_past
from .orders import SEARCH_FIELDS, _select
from .orders_2026_shapes import INCLUDED_DATA, V0_STATUS, order_json

TOKEN_INVALID = ("The paginationToken you have submitted is not valid. All parameters must match the original "
                 "request except maxResultsPerPage.")


def _access(emu, req: Request) -> OrdersAccess:
    access = OrdersAccess.of(emu.tokens.credentials.roles)
    if not access.may_call:
        raise Unauthorized()
    return access


def _query(req: Request, seller) -> Dict[str, Any]:
    """The filters of a searchOrders request (everything but the page size, datasets and token), validated."""
    created_after = date_param(req, "createdAfter")
    created_before = date_param(req, "createdBefore")
    updated_after = date_param(req, "lastUpdatedAfter")
    updated_before = date_param(req, "lastUpdatedBefore")
    if (created_after is None) == (updated_after is None):
        raise InvalidInput("Exactly one of createdAfter and lastUpdatedAfter must be provided.")
    if created_after is not None and updated_before is not None:
        raise InvalidInput("lastUpdatedBefore cannot be provided with createdAfter.")
    if updated_after is not None and created_before is not None:
        raise InvalidInput("createdBefore cannot be provided with lastUpdatedAfter.")
    for name, value in (("createdAfter", created_after), ("createdBefore", created_before),
                        ("lastUpdatedAfter", updated_after), ("lastUpdatedBefore", updated_before)):
        require_past(name, value, req.now)
    by_update = updated_after is not None
    after = updated_after if by_update else created_after
    before = updated_before if by_update else created_before
    if before is not None and before < after:
        name = "lastUpdatedBefore" if by_update else "createdBefore"
        raise InvalidInput(f"{name} must be equal to or after {'lastUpdatedAfter' if by_update else 'createdAfter'}.")
    return {
        "field": "LastUpdateDate" if by_update else "PurchaseDate",
        "after": iso(after),
        "before": iso(before) if before is not None else None,
        "markets": marketplace_ids(req, "marketplaceIds", seller, required=False),
        "statuses": sorted(V0_STATUS[s] for s in enum_params(req, "fulfillmentStatuses", list(V0_STATUS))),
        "channels": sorted({"MERCHANT": "MFN", "AMAZON": "AFN"}[f] for f in enum_params(req, "fulfilledBy",
                                                                                          ["MERCHANT", "AMAZON"])),
    }


def _resume(emu, req: Request, token: str, query: Dict[str, Any]) -> Dict[str, Any]:
    """The state a paginationToken carries, when it is this app's, unexpired and for the same query."""
    try:
        state = emu.page_tokens.decode(token, "paginationToken")
    except InvalidInput:
        raise InvalidInput(TOKEN_INVALID) from None
    ttl = emu.timing.client_window(emu.timing.pagination_token_ttl_seconds)
    if state.get("client") != list(req.token.client) or state.get("query") != query:
        raise InvalidInput(TOKEN_INVALID)
    if emu.faults.expire_pagination_token():
        emu.stats.fault("searchOrders", "pagination_expiry")
        raise InvalidInput(TOKEN_INVALID)
    if time.time() - float(state.get("issued", 0)) >= ttl:
        raise InvalidInput(TOKEN_INVALID)
    return state


def search_orders(emu, req: Request):
    access = _access(emu, req)
    seller = emu.dataset.seller
    included = enum_params(req, "includedData", INCLUDED_DATA)
    size = int_param(req, "maxResultsPerPage", 100, 1, 100)
    query = _query(req, seller)
    token = req.param("paginationToken")
    if token:
        state = _resume(emu, req, token, query)
        before, last = state["before"], state["last"]
    else:
        # Without a *Before, Amazon uses two minutes before the first request and keeps it for every page.
        before, last = query["before"] or iso(req.now - TWO_MINUTES), None
    window = {"markets": query["markets"], "field": query["field"], "after": query["after"], "before": before,
              "ids": [], "statuses": query["statuses"], "channels": query["channels"], "payments": [],
              "buyer_email": None, "seller_order_id": None, "last": last}
    orders = _select(seller, window, req.now)
    chunk = orders[:size]
    body: Dict[str, Any] = {"orders": [order_json(o, included, access, req.now) for o in chunk]}
    if len(orders) > size:
        attr = SEARCH_FIELDS[query["field"]]
        body["pagination"] = {"nextToken": emu.page_tokens.encode({
            "query": query, "before": before, "client": list(req.token.client), "issued": time.time(),
            "last": [iso(getattr(chunk[-1], attr)), chunk[-1].amazon_order_id]})}
    body["lastUpdatedBefore" if query["field"] == "LastUpdateDate" else "createdBefore"] = before
    return 200, body


def get_order(emu, req: Request):
    access = _access(emu, req)
    included = enum_params(req, "includedData", INCLUDED_DATA)
    seller = emu.dataset.seller
    order_id = req.path_params["orderId"]
    order = seller.orders_by_id.get(order_id)
    if order is None or not seller.visible(order, req.now):
        raise NotFound(f"Order {order_id} was not found.")
    return 200, {"order": order_json(order, included, access, req.now)}
