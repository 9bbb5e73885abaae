"""Incoming state, made readable before the CDK sees it.

Accepted: what this connector writes (per-marketplace `states` with the stream's cursor; for a stream
read per marketplace before and as one range now, such as FinancialTransactions, the earliest of its
marketplaces' cursors), and what
Airbyte's connector 4.6.4 wrote or accepted: one cursor for the whole stream (the CDK applies it to
every marketplace), date-only values ("2024-01-31" for report streams), a report stream's own
4.6.4 cursor field (e.g. `last-updated-date`, renamed to ours), GLOBAL and LEGACY state messages
(turned into one message per stream). A cursor value no version wrote (a number, garbage) is not
guessed at: that stream is reported as a config error naming it and the value, the others run.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from airbyte_cdk.models import AirbyteStateMessage, AirbyteStateMessageSerializer, AirbyteStateType

from .dates import format_datetime

logger = logging.getLogger("airbyte")

# Besides the formats each cursor declares in the manifest: 4.6.4 wrote report cursors as dates.
DATE_ONLY = "%Y-%m-%d"
_PARTITION_KEYS = ("states", "state", "parent_state")


@dataclass(frozen=True)
class StreamCursor:
    """What a stream's state holds: its cursor field, the formats it parses, a field 4.6.4 used instead."""

    field: str
    formats: Tuple[str, ...]
    legacy_field: Optional[str] = None
    parent: Optional[Tuple[str, "StreamCursor"]] = None  # (parent stream name, its cursor) for substreams
    partitioned: bool = True  # False: one cursor for the whole stream (no partition router)


class UnreadableState(ValueError):
    def __init__(self, value: Any) -> None:
        super().__init__(repr(value))
        self.value = value


def prepare_state(
    messages: Optional[Sequence[AirbyteStateMessage]],
    cursors: Mapping[str, StreamCursor],
    marketplace_ids: Sequence[str] = (),
    notes: Optional[List[Tuple[int, str]]] = None,
) -> Tuple[List[AirbyteStateMessage], Dict[str, Any]]:
    """(messages the CDK can read, {stream name: the value that could not be read}); what the user should
    know about how a state was read is appended to `notes` as (log level, text), logged when the sync starts."""
    prepared: List[AirbyteStateMessage] = []
    unreadable: Dict[str, Any] = {}
    for name, blob in _per_stream(messages or []):
        cursor = cursors.get(name)
        if cursor is not None and blob:
            try:
                blob = _readable(blob, cursor, name, marketplace_ids, notes)
            except UnreadableState as error:
                unreadable[name] = error.value
                continue
        prepared.append(
            AirbyteStateMessageSerializer.load({"type": "STREAM", "stream": {"stream_descriptor": {"name": name}, "stream_state": blob}})
        )
    return prepared, unreadable


def _per_stream(messages: Iterable[AirbyteStateMessage]) -> Iterable[Tuple[str, Dict[str, Any]]]:
    for message in messages:
        if message.type == AirbyteStateType.GLOBAL and message.global_ is not None:
            logger.info("The state is a GLOBAL message; reading its per-stream states.")
            for stream_state in message.global_.stream_states or []:
                yield stream_state.stream_descriptor.name, _as_dict(stream_state.stream_state)
        elif message.type == AirbyteStateType.LEGACY or (message.type is None and message.data):
            for name, value in (message.data or {}).items():
                if isinstance(value, Mapping):
                    yield name, dict(value)
        elif message.stream is not None:
            yield message.stream.stream_descriptor.name, _as_dict(message.stream.stream_state)


def _as_dict(blob: Any) -> Dict[str, Any]:
    if blob is None:
        return {}
    if isinstance(blob, Mapping):
        return copy.deepcopy(dict(blob))
    return copy.deepcopy(dict(blob.__dict__))


def _readable(
    blob: Dict[str, Any], cursor: StreamCursor, stream: str = "", marketplace_ids: Sequence[str] = (),
    notes: Optional[List[Tuple[int, str]]] = None,
) -> Dict[str, Any]:
    if any(key in blob for key in _PARTITION_KEYS) and not cursor.partitioned and cursor.parent is None:
        return _one_cursor(blob, cursor, stream, marketplace_ids, notes if notes is not None else [])
    if any(key in blob for key in _PARTITION_KEYS):
        for entry in blob.get("states") or []:
            if isinstance(entry, Mapping) and isinstance(entry.get("cursor"), Mapping):
                entry["cursor"] = _readable_cursor(dict(entry["cursor"]), cursor)
        if isinstance(blob.get("state"), Mapping):
            blob["state"] = _readable_cursor(dict(blob["state"]), cursor)
        parent_state = blob.get("parent_state")
        if cursor.parent and isinstance(parent_state, Mapping) and isinstance(parent_state.get(cursor.parent[0]), Mapping):
            parent_state[cursor.parent[0]] = _readable(dict(parent_state[cursor.parent[0]]), cursor.parent[1])
        return blob
    return _readable_cursor(blob, cursor)


def _one_cursor(
    blob: Dict[str, Any], cursor: StreamCursor, stream: str, marketplace_ids: Sequence[str], notes: List[Tuple[int, str]]
) -> Dict[str, Any]:
    """A per-marketplace state (what the v0 order path and the per-marketplace transactions wrote) for a
    stream read as one range for all marketplaces now: the earliest marketplace's cursor, so nothing is
    skipped. The per-marketplace entries of parent states count too (a v0 substream's own global cursor
    is the latest of them). A configured marketplace without a cursor of its own has no safe common
    cursor: the stream reads from the start date again, and a warning says so."""
    earliest: Dict[str, Tuple[datetime, str]] = {}
    for marketplace, values in _partition_cursors(blob):
        value = _readable_cursor(dict(values), cursor).get(cursor.field)
        if marketplace is None or value is None:
            continue
        moment = _parsed(value, cursor.formats)
        if marketplace not in earliest or moment < earliest[marketplace][0]:
            earliest[marketplace] = (moment, value)
    if not earliest:
        single = _readable_cursor(dict(blob.get("state") or {}), cursor).get(cursor.field) if isinstance(blob.get("state"), Mapping) else None
        return {cursor.field: single} if single else {}
    missing = [m for m in marketplace_ids if m not in earliest]
    if missing:
        notes.append((logging.WARNING,
            f"The saved state of {stream} has no cursor for marketplace(s) {', '.join(missing)}: reading that stream from "
            "the start date again, for all marketplaces (it is read as one range for all of them)."
        ))
        return {}
    value = min(earliest.values(), key=lambda pair: pair[0])[1]
    notes.append((logging.INFO, f"Reading the per-marketplace state of {stream} as one cursor at its earliest marketplace's value, {value}."))
    return {cursor.field: value}


def _partition_cursors(blob: Any) -> Iterable[Tuple[Optional[str], Mapping[str, Any]]]:
    if not isinstance(blob, Mapping):
        return
    for entry in blob.get("states") or []:
        if isinstance(entry, Mapping) and isinstance(entry.get("cursor"), Mapping):
            yield (entry.get("partition") or {}).get("marketplace_id"), entry["cursor"]
    for parent in (blob.get("parent_state") or {}).values():
        yield from _partition_cursors(parent)


def _parsed(value: str, formats: Tuple[str, ...]) -> datetime:
    for fmt in formats:
        try:
            parsed = datetime.strptime(value, fmt)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    raise UnreadableState(value)


def _readable_cursor(values: Dict[str, Any], cursor: StreamCursor) -> Dict[str, Any]:
    if cursor.field not in values and cursor.legacy_field and cursor.legacy_field in values:
        values[cursor.field] = values.pop(cursor.legacy_field)
    if cursor.field in values:
        values[cursor.field] = _readable_value(values[cursor.field], cursor.formats)
    return values


def _readable_value(value: Any, formats: Tuple[str, ...]) -> str:
    if not isinstance(value, str):
        raise UnreadableState(value)
    text = value.strip()
    for fmt in formats:
        try:
            datetime.strptime(text, fmt)
            return text
        except ValueError:
            continue
    try:
        return format_datetime(datetime.strptime(text, DATE_ONLY).replace(tzinfo=timezone.utc))
    except ValueError:
        raise UnreadableState(value) from None
