"""How flat files write values: dates per column kind and marketplace, numbers, flattened text.

Sources, per kind (see definitions.KINDS and the README's "Report formats" table):
- iso: order and FBA flat files write `2024-05-01T12:34:56+00:00` (Amazon's report examples).
- mdy: the Inventory Ledger writes `Date` as `MM/DD/YYYY` (spapi-facts.md; public fixtures and
  scrubbed exports of GET_LEDGER_DETAIL_VIEW_DATA show `11/21/2023`, `07/06/2026`).
- isotz: the ledger's `Date and Time` is `2026-07-06T00:00:00-0700` in a scrubbed export (offset
  without a colon); the emulator writes UTC, `+0000`.
- feedback: Amazon localises the feedback report's dates per marketplace. US `M/D/YY`, DE `D.M.YY`,
  JP `YY/M/D`, other marketplaces `D/M/YY` (public record: the marketplace date-format map of
  Airbyte's published connector, which parses these files).
- utc / posted / postedtz: settlement files write period dates as `2023-01-01 00:00:00 UTC`; EU
  `_V2` files seen in public fixtures write `posted-date` as `05.03.2026` and `posted-date-time` as
  `23.07.2026 18:21:50 UTC`. The emulator writes the dotted form for DE and FR (the nastier case:
  the public record does not say which EU marketplaces do) and ISO elsewhere.
- localtz: listings reports write `open-date` in the marketplace's local time with a zone
  abbreviation (`2019-11-22 04:10:37 PST`, `... MEZ` on amazon.de); DST follows the US and EU rules.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Optional, Tuple

from ..marketplaces import Market
from ..timeutil import UTC
from .definitions import Column

DOTTED_POSTED_DATES = frozenset({"DE", "FR"})


def _nth_sunday(year: int, month: int, n: int) -> datetime:
    first = datetime(year, month, 1, tzinfo=UTC)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


def _last_sunday(year: int, month: int) -> datetime:
    following = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
    last = following - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


# marketplace -> (standard offset hours, standard abbreviation, summer abbreviation, DST rule)
_ZONES = {"US": (-8, "PST", "PDT", "us"), "CA": (-5, "EST", "EDT", "us"), "UK": (0, "GMT", "BST", "eu"),
          "DE": (1, "MEZ", "MESZ", "eu"), "FR": (1, "CET", "CEST", "eu"), "JP": (9, "JST", "JST", None)}


def local_time(moment: datetime, market: Market) -> Tuple[datetime, str]:
    """The marketplace's wall-clock time and zone abbreviation for a UTC moment."""
    offset, standard, summer, rule = _ZONES.get(market.code, (0, "UTC", "UTC", None))
    moment = moment.astimezone(UTC)
    dst = False
    if rule == "us":  # second Sunday of March 2:00 local to first Sunday of November 2:00 local
        start = _nth_sunday(moment.year, 3, 2) + timedelta(hours=2 - offset)
        end = _nth_sunday(moment.year, 11, 1) + timedelta(hours=1 - offset)
        dst = start <= moment < end
    elif rule == "eu":  # last Sunday of March 1:00 UTC to last Sunday of October 1:00 UTC
        dst = _last_sunday(moment.year, 3) + timedelta(hours=1) <= moment < \
            _last_sunday(moment.year, 10) + timedelta(hours=1)
    hours = offset + (1 if dst else 0)
    return (moment + timedelta(hours=hours)).replace(tzinfo=None), summer if dst else standard


def feedback_date(moment: datetime, market: Market) -> str:
    d = moment.astimezone(UTC)
    year = d.year % 100
    if market.code == "US":
        return f"{d.month}/{d.day}/{year:02d}"
    if market.code == "DE":
        return f"{d.day}.{d.month}.{year:02d}"
    if market.code == "JP":
        return f"{year:02d}/{d.month}/{d.day}"
    return f"{d.day}/{d.month}/{year:02d}"


def format_date(moment: datetime, kind: str, market: Optional[Market]) -> str:
    d = moment.astimezone(UTC)
    code = market.code if market else "US"
    if kind == "iso":
        return d.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    if kind == "isotz":
        return d.strftime("%Y-%m-%dT%H:%M:%S+0000")
    if kind == "date":
        return d.strftime("%Y-%m-%d")
    if kind == "mdy":
        return d.strftime("%m/%d/%Y")
    if kind == "my":
        return d.strftime("%m/%Y")
    if kind == "ym":
        return d.strftime("%Y-%m")
    if kind == "utc":
        return d.strftime("%Y-%m-%d %H:%M:%S UTC")
    if kind == "posted":
        return d.strftime("%d.%m.%Y" if code in DOTTED_POSTED_DATES else "%Y-%m-%d")
    if kind == "postedtz":
        return d.strftime("%d.%m.%Y %H:%M:%S UTC" if code in DOTTED_POSTED_DATES else "%Y-%m-%d %H:%M:%S UTC")
    if kind == "localtz":
        if market is None:
            return d.strftime("%Y-%m-%d %H:%M:%S UTC")
        wall, zone = local_time(d, market)
        return f"{wall:%Y-%m-%d %H:%M:%S} {zone}"
    if kind == "feedback":
        return feedback_date(d, market) if market else d.strftime("%m/%d/%y")
    return d.strftime("%Y-%m-%dT%H:%M:%S+00:00")  # a date in a text column: Amazon's usual ISO form


def format_value(value: Any, column: Column, market: Optional[Market] = None) -> str:
    """The text a flat file carries for a value (no quoting; tabs and line feeds flattened, a lone CR kept)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_date(value, column.kind, market)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    text = str(value)
    if "\t" in text or "\n" in text:
        # A tab or a line feed would break the row; Amazon's files keep a carriage return typed into
        # a free-text field (buyer comments), so a lone CR stays: the nastier case for a reader.
        text = text.replace("\r\n", " ").replace("\t", " ").replace("\n", " ")
    return text
