"""Report values as Amazon prints them (grouped numbers, yes/no flags, many date spellings) turned into
JSON types; a value that cannot be read with certainty is reported as NOT_CONVERTED."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

_TRUE = frozenset({"true", "yes", "y", "t", "1"})
_FALSE = frozenset({"false", "no", "n", "f", "0"})
# exact spellings looked up without lower(); anything else goes through _to_boolean
BOOLEAN_SPELLINGS = {
    spelling: flag
    for words, flag in ((_TRUE, True), (_FALSE, False))
    for word in words
    for spelling in (word, word.upper(), word.capitalize())
}

_US_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_EU_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_DECIMAL_COMMA_NUMBER = re.compile(r"[+-]?\d+,\d+")

# already RFC 3339 / ISO-8601 (date, or date and time with optional seconds, fraction and an offset
# with a colon): kept as is. The ledger's `Date and Time` writes `-0700`, which is not RFC 3339 and
# goes through normalize_datetime for its colon.
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?")
ISO_DATETIME_FULLMATCH = _ISO_DATETIME.fullmatch
_ISO_COLONLESS_OFFSET = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)([+-]\d{2})(\d{2})")
_YMD_SPACE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(?:([A-Za-z]{1,5})|([+-]\d{2}:?\d{2}))?"
)
_DMY_DOTTED = re.compile(
    r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:([A-Za-z]{1,5})|([+-]\d{2}:?\d{2}))?)?"
)
_MONTH_NAME_DATE = re.compile(
    r"([A-Za-z]{3})[a-z]*\.? (\d{1,2}),? (\d{4})"
    r"(?:,? (\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp][Mm]))?\s*(?:([A-Za-z]{1,5})|([+-]\d{2}:?\d{2}))?)?"
)
_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
# Abbreviations Amazon prints in report dates; ambiguous ones (IST, CST in Asia...) are left out on
# purpose so such values stay as written. Amazon localises the zone names of amazon.de's listings
# reports (`2025-03-04 16:02:06 MEZ`): MEZ/MESZ are the German names of CET/CEST.
_ZONE_OFFSETS = {
    "UTC": "+00:00", "GMT": "+00:00", "Z": "+00:00",
    "PST": "-08:00", "PDT": "-07:00", "MST": "-07:00", "MDT": "-06:00",
    "CST": "-06:00", "CDT": "-05:00", "EST": "-05:00", "EDT": "-04:00",
    "BST": "+01:00", "CET": "+01:00", "CEST": "+02:00", "JST": "+09:00",
    "MEZ": "+01:00", "MESZ": "+02:00",
}


# Returned by a converter for a value it cannot convert; the caller keeps the value as written.
NOT_CONVERTED: Any = object()


def _to_integer(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        pass
    number = _to_number(value)
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return NOT_CONVERTED


def _to_number(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        return _to_grouped_number(value.strip())
    if number != number or number in (float("inf"), float("-inf")):
        return NOT_CONVERTED  # NaN/Infinity are not JSON numbers
    return number


def _to_grouped_number(value: str) -> float:
    # "1,234.50" (US grouping), "1.234,50" (EU grouping), "12,50" (decimal comma)
    if _US_GROUPED_NUMBER.fullmatch(value):
        return float(value.replace(",", ""))
    if _EU_GROUPED_NUMBER.fullmatch(value) and "," in value:
        return float(value.replace(".", "").replace(",", "."))
    if _DECIMAL_COMMA_NUMBER.fullmatch(value):
        return float(value.replace(",", "."))
    return NOT_CONVERTED


def _to_boolean(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return NOT_CONVERTED


def _offset(zone: str | None, numeric: str | None) -> str | None:
    """'' = no zone written, None = a zone we cannot translate."""
    if numeric:
        return numeric if ":" in numeric else f"{numeric[:3]}:{numeric[3:]}"
    if zone:
        return _ZONE_OFFSETS.get(zone.upper())
    return ""


def _format_datetime(year: int, month: int, day: int, hour: int, minute: int, second: int,
                     fraction: str, offset: str) -> str | None:
    try:
        dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}{fraction}{offset}"


def normalize_datetime(value: str) -> str | None:
    """ISO-8601 form of a date or date-time as Amazon prints it, or None when not sure.

    ``2024-01-05T10:00:00+00:00`` and ``2024-01-05`` are kept; ``2024-01-05T10:00:00-0700`` gets its
    offset's colon; ``2024-01-05 10:00:00 UTC``, ``2024-03-04 16:02:06 MEZ`` and
    ``05.01.2024 10:00:00 UTC`` become ``2024-01-05T10:00:00+00:00``; ``Jan 5, 2024`` becomes
    ``2024-01-05``; ``Jan 5, 2024 1:02:03 PM PST`` becomes ``2024-01-05T13:02:03-08:00``.
    Slash dates (01/05/2024: US or European?) and unknown zone names return None.
    """
    value = value.strip()
    if ISO_DATETIME_FULLMATCH(value):
        return value
    match = _ISO_COLONLESS_OFFSET.fullmatch(value)
    if match:
        stamp, hours, minutes = match.groups()
        return f"{stamp}{hours}:{minutes}"
    match = _YMD_SPACE_TIME.fullmatch(value)
    if match:
        year, month, day, hour, minute, second, fraction, zone, numeric = match.groups()
        offset = _offset(zone, numeric)
        if offset is None:
            return None
        return _format_datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0),
                                fraction or "", offset)
    match = _DMY_DOTTED.fullmatch(value)
    if match:
        day, month, year, hour, minute, second, zone, numeric = match.groups()
        if hour is None:
            return _format_date(int(year), int(month), int(day))
        offset = _offset(zone, numeric)
        if offset is None:
            return None
        return _format_datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0), "", offset)
    match = _MONTH_NAME_DATE.fullmatch(value)
    if match:
        month_name, day, year, hour, minute, second, meridiem, zone, numeric = match.groups()
        month = _MONTHS.get(month_name.lower())
        if month is None:
            return None
        if hour is None:
            return _format_date(int(year), month, int(day))
        hour_number = int(hour)
        if meridiem:
            if not 1 <= hour_number <= 12:
                return None
            hour_number = hour_number % 12 + (12 if meridiem.lower() == "pm" else 0)
        offset = _offset(zone, numeric)
        if offset is None:
            return None
        return _format_datetime(int(year), month, int(day), hour_number, int(minute), int(second or 0), "", offset)
    return None


def _format_date(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _to_datetime(value: str) -> str:
    normalized = normalize_datetime(value)
    return NOT_CONVERTED if normalized is None else normalized


CONVERTERS: dict[str, tuple[Callable[[str], Any], str]] = {
    "integer": (_to_integer, "an integer"),
    "number": (_to_number, "a number"),
    "boolean": (_to_boolean, "a boolean"),
    "date-time": (_to_datetime, "a recognised date"),
}
