"""Column formats a report names in the catalog (`column_formats`), for dates that are not self-describing.

A slash date is ambiguous on its own (05/01/2024: May or January?), so values.normalize_datetime
leaves it alone; a catalog entry says which reading a column of that report has:

  us_date                 MM/DD/YYYY, or MM/YYYY for monthly rows (the FBA Inventory Ledger's `Date`;
                          spapi-facts.md and public exports; 4.6.4 emitted the ISO date, month rows as
                          the month's first day)
  marketplace_short_date  the marketplace's short date (the seller feedback report: US 1/13/17, DE
                          13.1.17, JP 17/1/13 ...; marketplaces.py keeps the format per marketplace)

Each parser returns an ISO date (`2023-11-21`) or None when the value is not in that format.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Optional

from ..marketplaces import BY_ID

_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_US_MONTH = re.compile(r"(\d{1,2})/(\d{4})")


def _us_date(value: str, marketplace_id: Optional[str]) -> Optional[str]:
    match = _US_DATE.fullmatch(value)
    if match:
        month, day, year = map(int, match.groups())
    else:
        match = _US_MONTH.fullmatch(value)
        if not match:
            return None
        month, year = map(int, match.groups())
        day = 1
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _marketplace_short_date(value: str, marketplace_id: Optional[str]) -> Optional[str]:
    marketplace = BY_ID.get(marketplace_id or "")
    if marketplace is None:
        return None
    try:
        return dt.datetime.strptime(value, marketplace.short_date).date().isoformat()
    except ValueError:
        return None


PARSERS: dict[str, Callable[[str, Optional[str]], Optional[str]]] = {
    "us_date": _us_date,
    "marketplace_short_date": _marketplace_short_date,
}


def column_parser(name: str) -> Callable[[str, Optional[str]], Optional[str]]:
    try:
        return PARSERS[name]
    except KeyError:
        raise ValueError(f"unknown column format {name!r} (known: {', '.join(sorted(PARSERS))})") from None
