"""The pages of one finance window, read through the sync's transport.

Two answers of Amazon's are handled here rather than failing the stream; the manifest's
`finance_error_handler` classifies them (CDK actions REDUCE_PAGE_SIZE and RESET_PAGINATION, raised by
the CDK's HttpClient as exceptions):
- 400 InvalidInput on a listFinancialEvents page: "If the response exceeds the maximum number of
  transactions or 10 MB, the response is InvalidInput" (the model), with a message that does not say
  so. The window is read again with half the MaxResultsPerPage (100, 50, 25 ... 1) before the stream
  fails. Read again from its first page: a NextToken keeps the page size it was issued with.
- 400 InvalidInput "Token is not valid, token duration is 3 minutes." (public issue threads): the
  NextToken expired; the window is read again from its first page.
After such a restart, events already handed out are skipped by their key (a multiset, so two identical
events stay two), so every reader sees each event once. The CDK's own page_size_reduction and
pagination_reset options belong to its SimpleRetriever, which reads for one stream only; these pages
are shared by all finance streams (pages.py), so the retry lives with the shared fetch.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass
from hashlib import sha256
from typing import Any, Dict, List, Optional, Tuple

from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.streams.http.page_size_reduction_exception import PageSizeReductionRequiredException
from airbyte_cdk.sources.streams.http.pagination_reset_exception import PaginationResetRequiredException

from ..errors import traced_error
from ..transport import SpApiTransport
from .pages import Fetcher
from .windows import RequestWindow

logger = logging.getLogger("airbyte")

EVENTS_PATH = "/finances/v0/financialEvents"
TRANSACTIONS_PATH = "/finances/2024-06-19/transactions"
MAX_PAGE_SIZE = 100  # listFinancialEvents MaxResultsPerPage: 1..100, default 100
MAX_RESTARTS = 5  # restarts of one window in a row that brought no new record


def event_id(event_type: str, event: Dict[str, Any]) -> str:
    """The event's stable key: sha256 of `<type>|<its JSON, keys sorted>`.

    The same text the manifest's `(event_type ~ '|' ~ (record | tojson)) | hash('sha256')` hashed in
    earlier versions (Jinja's tojson escapes <, >, & and ' as \\u003c...), so keys in a destination stay.
    """
    text = json.dumps(event, sort_keys=True)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        text = text.replace(char, escaped)
    return sha256(f"{event_type}|{text}".encode("utf-8")).hexdigest()


def event_type_of(event_list: str) -> str:
    """ShipmentEventList -> ShipmentEvent, the `event_type` of its records."""
    return event_list[: -len("List")] if event_list.endswith("List") else event_list


@dataclass(frozen=True)
class EventPage:
    """One page of listFinancialEvents: each event list's (event, event_id) pairs, as Amazon ordered them."""

    lists: Dict[str, List[Tuple[Dict[str, Any], str]]]
    size: int  # bytes of Amazon's JSON


@dataclass(frozen=True)
class TransactionPage:
    transactions: List[Dict[str, Any]]
    size: int


class _Restartable(Fetcher):
    """Pages of one window, NextToken by NextToken; a restart reads the window again and skips what
    was handed out before (by key)."""

    operation = ""
    token_name = ""

    def __init__(self, transport: SpApiTransport, window: RequestWindow) -> None:
        self._transport = transport
        self._window = window
        self._token: Optional[str] = None
        self._done = False
        self._handed: Counter = Counter()  # keys handed out in this window (kept until the window is read)
        self._seen: Optional[Counter] = None  # keys met since the last restart (None before any)
        self._fruitless_restarts = 0

    def _params(self) -> Dict[str, Any]:  # pragma: no cover - per operation
        raise NotImplementedError

    def _page(self, payload: Dict[str, Any], size: int) -> Tuple[Any, int]:  # pragma: no cover
        """(the page of items not handed out yet, how many items it has)."""
        raise NotImplementedError

    def _is_new(self, key: str) -> bool:
        if self._seen is None:
            self._handed[key] += 1
            return True
        self._seen[key] += 1
        if self._seen[key] <= self._handed[key]:
            return False
        self._handed[key] = self._seen[key]
        return True

    def _restart(self, why: str) -> None:
        self._fruitless_restarts += 1
        if self._fruitless_restarts > MAX_RESTARTS:
            raise traced_error(
                f"Amazon's {self.operation} kept refusing the pages of {self._window} ({why}); "
                f"{MAX_RESTARTS} fresh starts of that window brought nothing new. Try again later or "
                "set a smaller financial_events_step.",
                FailureType.transient_error,
            )
        self._token = None
        self._seen = Counter()

    def next_page(self) -> Optional[Any]:
        while not self._done:
            params = self._params()
            if self._token:
                params[self.token_name] = self._token
            try:
                response = self._transport.request("GET", self.path, params=params)
            except PaginationResetRequiredException:
                if not self._token:
                    raise traced_error(
                        f"Amazon's {self.operation} refused the first page of {self._window} as if its page "
                        "token had expired, though none was sent.", FailureType.system_error) from None
                logger.info("Amazon's %s page token for %s expired; reading the window again from its first "
                            "page (records already sent are not sent again).", self.operation, self._window)
                self._restart("page tokens expired")
                continue
            except PageSizeReductionRequiredException as error:
                self._smaller_pages(error)
                continue
            payload = response.json().get("payload") or {}
            self._token = payload.get(self.token_name) or None
            self._done = self._token is None
            page, new_items = self._page(payload, len(response.content or b""))
            if new_items:
                self._fruitless_restarts = 0
            if new_items or self._seen is None or self._done:
                return page
        return None

    def _smaller_pages(self, error: PageSizeReductionRequiredException) -> None:
        raise traced_error(
            f"Amazon refused a {self.operation} page of {self._window}: {error.error_message or 'InvalidInput'}",
            FailureType.config_error,
        ) from None


class EventPages(_Restartable):
    """listFinancialEvents for one window."""

    operation = "listFinancialEvents"
    token_name = "NextToken"
    path = EVENTS_PATH

    def __init__(self, transport: SpApiTransport, window: RequestWindow) -> None:
        super().__init__(transport, window)
        self.page_size = MAX_PAGE_SIZE

    def _params(self) -> Dict[str, Any]:
        # Amazon: a NextToken request repeats the arguments of the request that produced the token.
        start, end = self._window.key
        return {"PostedAfter": start, "PostedBefore": end, "MaxResultsPerPage": str(self.page_size)}

    def _smaller_pages(self, error: PageSizeReductionRequiredException) -> None:
        message = error.error_message or "InvalidInput"
        if self.page_size <= 1:
            raise traced_error(
                f"Amazon refused every listFinancialEvents page of {self._window}, down to MaxResultsPerPage=1 "
                f"(InvalidInput: {message}).", FailureType.system_error) from None
        self.page_size = max(1, self.page_size // 2)
        logger.warning("Amazon refused a listFinancialEvents page of %s (InvalidInput: %s), which it does when a "
                       "page would be too large; reading the window again with MaxResultsPerPage=%d.",
                       self._window, message, self.page_size)
        self._token = None
        self._seen = Counter()

    def _page(self, payload: Dict[str, Any], size: int) -> Tuple[EventPage, int]:
        lists: Dict[str, List[Tuple[Dict[str, Any], str]]] = {}
        new_items = 0
        for name, events in (payload.get("FinancialEvents") or {}).items():
            if not isinstance(events, list):
                continue
            kept = lists[name] = []
            event_type = event_type_of(name)
            for event in events:
                key = event_id(event_type, event)
                if self._is_new(key[:32]):  # 128 bits of the digest tell events apart; half the memory
                    kept.append((event, key))
            new_items += len(kept)
        return EventPage(lists, size), new_items


class TransactionPages(_Restartable):
    """listTransactions for one window, every marketplace of the endpoint's region.

    No marketplaceId: "If you want to retrieve MFN orders in the US store, do not supply the
    marketplaceId parameter" (the operation's description in Amazon's model)."""

    operation = "listTransactions"
    token_name = "nextToken"
    path = TRANSACTIONS_PATH

    def _params(self) -> Dict[str, Any]:
        start, end = self._window.key
        return {"postedAfter": start, "postedBefore": end}

    def _page(self, payload: Dict[str, Any], size: int) -> Tuple[TransactionPage, int]:
        kept = [t for t in payload.get("transactions") or [] if self._is_new(str(t.get("transactionId")))]
        return TransactionPage(kept, size), len(kept)
