"""searchOrders (Orders API 2026-01-01): one query per window for every configured marketplace, one page
per call, through the sync's transport.

The query: `lastUpdatedAfter`/`lastUpdatedBefore` = the window (the CDK's cursor cuts them), all the
configured marketplaces of the region in `marketplaceIds` (one request for all of them: Amazon allows up
to 50), 100 orders a page (Amazon's maximum), and every dataset (`includedData`) the four order streams
map; BUYER only when `include_pii` is on, so a user who did not ask for personal data never asks Amazon
for it. A follow-up page sends the same parameters again with `paginationToken`: Amazon refuses a token
sent without them (the model's Pagination: only maxResultsPerPage and includedData may change).

A token Amazon no longer accepts (older than 24 hours, or not matching) comes back as a 400 whose message
names the paginationToken; the manifest's error handler resolves it to RESET_PAGINATION, which the CDK's
HttpClient raises as PaginationResetRequiredException: here it becomes `TokenRefused` and pages.py reads
the window again from its first page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from airbyte_cdk.sources.streams.http.pagination_reset_exception import PaginationResetRequiredException

from ..transport import SpApiTransport

PATH = "/orders/2026-01-01/orders"
PAGE_SIZE = 100
# Everything the streams map, but BUYER (personal data only: asked for when include_pii is on).
# RECIPIENT is asked for always: without the Direct-to-Consumer Delivery role Amazon leaves the personal
# parts out and keeps city, region and country, which v0 gave without a Restricted Data Token too.
DATASETS = ("RECIPIENT", "PROCEEDS", "EXPENSE", "PROMOTION", "CANCELLATION", "FULFILLMENT", "PACKAGES", "TAX",
            "PAYMENT", "FULFILLMENT_ORDERS")
PERSONAL_DATASET = "BUYER"


class TokenRefused(Exception):
    """Amazon refused the paginationToken (expired, or not matching the request): read the window again."""


@dataclass(frozen=True, order=True)
class Window:
    """One window of the cursor: orders last updated in [start, end] (inclusive, ISO-8601 UTC)."""

    start: str
    end: str


def included_data(include_pii: bool) -> Tuple[str, ...]:
    return ((PERSONAL_DATASET,) if include_pii else ()) + DATASETS


class SearchOrders:
    """The searchOrders calls of one sync (thread-safe: no per-call state on the instance)."""

    def __init__(self, transport: SpApiTransport, marketplace_ids: Sequence[str], include_pii: bool) -> None:
        self._transport = transport
        self._marketplace_ids = ",".join(marketplace_ids)
        self.included = included_data(include_pii)

    def params(self, window: Window, token: Optional[str]) -> Dict[str, Any]:
        params: Dict[str, Any] = {
            "lastUpdatedAfter": window.start,
            "lastUpdatedBefore": window.end,
            "marketplaceIds": self._marketplace_ids,
            "maxResultsPerPage": PAGE_SIZE,
            "includedData": ",".join(self.included),
        }
        if token:
            params["paginationToken"] = token
        return params

    def page(self, window: Window, token: Optional[str]) -> Tuple[List[Mapping[str, Any]], Optional[str]]:
        """One page of the window: (orders, the next page's token or None after the last page)."""
        try:
            body = self._transport.get_json(PATH, self.params(window, token))
        except PaginationResetRequiredException:
            raise TokenRefused() from None
        orders = body.get("orders") if isinstance(body, Mapping) else None
        if not isinstance(orders, list):
            raise ValueError("searchOrders answered without an `orders` list")
        pagination = body.get("pagination") or {}
        return orders, pagination.get("nextToken") or None
