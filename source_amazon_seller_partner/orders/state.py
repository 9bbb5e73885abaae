"""The state of the 2026 path: one `LastUpdateDate` per stream, for all marketplaces of the connection.

Why one cursor and not one per marketplace (the v0 path's): a single searchOrders request covers every
configured marketplace, so a window is read for all of them at once and they advance together. It is
also the state Airbyte's connector 4.6.4 wrote for Orders and OrderItems, read as is.

A state the v0 path wrote holds a cursor per marketplace (and for OrderItems, OrderBuyerInfo and
OrderAddress a parent Orders state per marketplace next to a global cursor that is the latest of them).
This CDK state migration turns it into the one cursor from which nothing is lost: the earliest
per-marketplace value. If a configured marketplace has no value of its own (added since), there is no
safe common cursor and the stream reads from the start date again (a warning says so). A state written
by this path is read by the v0 path as 4.6.4's: the same cursor for every marketplace.
"""

from __future__ import annotations

import logging
from dataclasses import InitVar, dataclass
from datetime import datetime
from typing import Any, Dict, Iterator, List, Mapping, Optional

from airbyte_cdk.sources.declarative.migrations.state_migration import StateMigration

from ..dates import format_datetime, parse_datetime

logger = logging.getLogger("airbyte")
CURSOR_FIELD = "LastUpdateDate"
_PARTITIONED_KEYS = ("states", "parent_state", "use_global_cursor")


def _partition_cursors(blob: Any) -> Iterator[tuple]:
    """(marketplace id, cursor value) of every per-marketplace entry in a v0 state and its parent states."""
    if not isinstance(blob, Mapping):
        return
    for entry in blob.get("states") or []:
        if isinstance(entry, Mapping):
            marketplace = (entry.get("partition") or {}).get("marketplace_id")
            yield marketplace, (entry.get("cursor") or {}).get(CURSOR_FIELD)
    for parent in (blob.get("parent_state") or {}).values():
        yield from _partition_cursors(parent)


@dataclass
class OneCursorForAllMarketplaces(StateMigration):
    """CustomStateMigration of the 2026 order streams (manifest.yaml)."""

    config: Mapping[str, Any]
    parameters: InitVar[Mapping[str, Any]] = None
    name: str = ""

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self.name = self.name or (parameters or {}).get("name", "")

    def should_migrate(self, stream_state: Mapping[str, Any]) -> bool:
        return isinstance(stream_state, Mapping) and any(key in stream_state for key in _PARTITIONED_KEYS)

    def migrate(self, stream_state: Mapping[str, Any]) -> Mapping[str, Any]:
        wanted: List[str] = list(self.config.get("_marketplace_ids") or [])
        earliest: Dict[str, datetime] = {}
        for marketplace, value in _partition_cursors(stream_state):
            moment = parse_datetime(value)
            if marketplace is None or moment is None:
                continue
            if marketplace not in earliest or moment < earliest[marketplace]:
                earliest[marketplace] = moment
        if earliest:
            missing = [m for m in wanted if m not in earliest]
            if missing:
                logger.warning("The saved state of %s has no cursor for marketplace(s) %s: reading that stream from "
                               "the start date again, for all marketplaces (one searchOrders query covers them all).",
                               self.name or "an order stream", ", ".join(missing))
                return {}
            return {CURSOR_FIELD: format_datetime(min(earliest[m] for m in wanted or earliest))}
        # No per-marketplace entries: a global cursor (a v0 substream's own) is the value to go on from.
        single: Optional[datetime] = parse_datetime((stream_state.get("state") or {}).get(CURSOR_FIELD))
        return {CURSOR_FIELD: format_datetime(single)} if single else {}
