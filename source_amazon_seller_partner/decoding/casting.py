"""Typing flat-file values from the stream's JSON schema (RecordCaster)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from typing import Any, Optional

from .column_formats import column_parser
from .values import BOOLEAN_SPELLINGS, CONVERTERS, ISO_DATETIME_FULLMATCH, NOT_CONVERTED

logger = logging.getLogger("airbyte")


def _column_kind(property_schema: Mapping[str, Any]) -> str | None:
    types = property_schema.get("type", [])
    if isinstance(types, str):
        types = [types]
    concrete = [t for t in types if t != "null"]
    if len(concrete) != 1:
        return None  # untyped or a union: leave the value alone
    kind = concrete[0]
    if kind == "string":
        # date columns get the same treatment: a date-only value stays a date, and a value that
        # carries a time keeps it rather than losing it to truncation
        if property_schema.get("format") in ("date-time", "date") or str(
            property_schema.get("airbyte_type", "")
        ).startswith("timestamp"):
            return "date-time"
        return None
    return kind if kind in CONVERTERS else None


class RecordCaster:
    """Types a flat-file record's string values in place, per the stream's JSON schema.

    integer / number columns: plain numbers, also ``1,234.50``, ``1.234,50`` and ``12,50``
    (an integer column also takes ``12.0``); boolean: true/false, yes/no, y/n, t/f, 1/0 (any
    case); string with ``format: date-time`` or ``date`` (or an ``airbyte_type`` timestamp): see
    ``normalize_datetime``. "" becomes None. A value that does not convert is kept as written (the
    sync goes on) and the column is logged once. Other columns and non-string values are untouched.
    ``column_formats`` name the reading of columns whose dates are ambiguous on their own
    (column_formats.py; the marketplace of the record decides a localised one).
    Thread-safe: the only mutable state is the set of columns already logged, under a lock.
    """

    def __init__(self, schema: Mapping[str, Any], column_formats: Optional[Mapping[str, str]] = None, stream: str = "") -> None:
        properties = schema.get("properties", {})
        self._formats = tuple((column, column_parser(name)) for column, name in (column_formats or {}).items())
        formatted = {column for column, _ in self._formats}
        columns: dict[str, list[str]] = {kind: [] for kind in CONVERTERS}
        for column, property_schema in properties.items():
            kind = _column_kind(property_schema)
            if kind is not None and column not in formatted:
                columns[kind].append(column)
        self._integer_columns = tuple(columns["integer"])
        self._number_columns = tuple(columns["number"])
        self._boolean_columns = tuple(columns["boolean"])
        self._datetime_columns = tuple(columns["date-time"])
        self._known_columns = frozenset(properties)
        self._stream = stream
        self._warned_columns: set[str] = set()
        self._unknown_columns: set[str] = set()
        self._lock = threading.Lock()

    def check_header(self, header: Iterable[str]) -> None:
        """Log, once per stream, each column of a document that the stream's schema does not know.
        Its values still reach the destination (the schemas allow additional properties)."""
        new = [column for column in header if column not in self._known_columns]
        if not new:
            return
        with self._lock:
            new = [column for column in new if column not in self._unknown_columns]
            self._unknown_columns.update(new)
        for column in new:
            logger.warning(
                "%sThe report has a column %r that the stream's schema does not list; its values are passed on as text.",
                f"{self._stream}: " if self._stream else "", column,
            )

    def __call__(self, record: dict[str, Any], marketplace_id: Optional[str] = None) -> dict[str, Any]:
        # One loop per kind with the common case inline: this runs for every record of every
        # flat-file report, and per-value function calls were most of its cost.
        get = record.get
        for column, parse in self._formats:
            value = get(column)
            if value.__class__ is str:
                parsed = parse(value, marketplace_id)
                if parsed is not None:
                    record[column] = parsed
                else:
                    self._convert_unusual(record, column, value, "date-time")
        for column in self._integer_columns:
            value = get(column)
            if value.__class__ is str:
                try:
                    record[column] = int(value)
                except ValueError:
                    self._convert_unusual(record, column, value, "integer")
        for column in self._number_columns:
            value = get(column)
            if value.__class__ is str:
                try:
                    number = float(value)
                except ValueError:
                    self._convert_unusual(record, column, value, "number")
                else:
                    if number - number == 0.0:  # false for NaN and infinities, which JSON cannot carry
                        record[column] = number
                    else:
                        self._warn_once(column, "number")
        for column in self._boolean_columns:
            value = get(column)
            if value.__class__ is str:
                flag = BOOLEAN_SPELLINGS.get(value)
                if flag is None:
                    self._convert_unusual(record, column, value, "boolean")
                else:
                    record[column] = flag
        for column in self._datetime_columns:
            value = get(column)
            if value.__class__ is str and not ISO_DATETIME_FULLMATCH(value):
                self._convert_unusual(record, column, value, "date-time")
        return record

    def _convert_unusual(self, record: dict[str, Any], column: str, value: str, kind: str) -> None:
        if not value.strip():
            record[column] = None
            return
        convert, _ = CONVERTERS[kind]
        converted = convert(value)
        if converted is NOT_CONVERTED:
            self._warn_once(column, kind)
        else:
            record[column] = converted

    def _warn_once(self, column: str, kind: str) -> None:
        with self._lock:
            if column in self._warned_columns:
                return
            self._warned_columns.add(column)
        # the value itself is not logged: report columns can hold personal data
        expected = CONVERTERS[kind][1]
        logger.warning("Column %r has a value that is not %s; such values are kept as text", column, expected)


def make_caster(schema: Mapping[str, Any], column_formats: Optional[Mapping[str, str]] = None, stream: str = "") -> RecordCaster:
    """Build the per-record typing function for a stream's JSON schema (see RecordCaster)."""
    return RecordCaster(schema, column_formats, stream)
