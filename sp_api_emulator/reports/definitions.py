"""The shape of a report type: its columns (with their value kinds), format, window and encoding.

The data itself (one entry per report type, each citing its source) lives in the `types_*.py`
modules beside this one; `catalog.py` assembles them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

# Value kinds of flat-file columns; formats.py renders each one.
KINDS = {
    "text",      # as is
    "int",       # 12
    "num",       # 12.34
    "iso",       # 2024-05-01T12:34:56+00:00  (order, FBA and most flat files)
    "isotz",     # 2024-05-01T12:34:56+0000   (ledger "Date and Time")
    "date",      # 2024-05-01
    "mdy",       # 05/01/2024                 (ledger "Date")
    "my",        # 05/2024                    (monthly inventory "month")
    "ym",        # 2024-05                    (storage fee "month_of_charge")
    "utc",       # 2024-05-01 12:34:56 UTC    (settlement period dates)
    "localtz",   # 2024-05-01 05:34:56 PDT    (listings open-date, marketplace's local time zone)
    "feedback",  # the marketplace's short date: 5/1/24 (US), 1/5/24 (UK), 1.5.24 (DE), 24/5/1 (JP)
    "posted",    # settlement posted-date: 2024-05-01, or 01.05.2024 in DE/FR files
    "postedtz",  # settlement posted-date-time: 2024-05-01 12:34:56 UTC, or 01.05.2024 12:34:56 UTC
}
DATE_KINDS = KINDS - {"text", "int", "num"}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"
    documented: bool = True  # False: Amazon's attribute pages do not list it (seen in files, or drift)
    labels: Dict[str, str] = field(default_factory=dict, hash=False, compare=False)  # language -> header

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r} for {self.name!r}")

    def header(self, lang: str) -> str:
        return self.labels.get(lang, self.name)


def col(spec: str, documented: bool = True, **labels: str) -> Column:
    """`"name"` or `"name:kind"` (names may contain spaces; a kind suffix is one of KINDS)."""
    name, sep, kind = spec.rpartition(":")
    if not sep or kind not in KINDS:
        name, kind = spec, "text"
    return Column(name, kind, documented, dict(labels))


def cols(*specs: str, unverified: Tuple[str, ...] = ()) -> Tuple[Column, ...]:
    """Columns from specs; those named in `unverified` are not confirmed by Amazon's pages (documented=False)."""
    columns = tuple(col(spec) for spec in specs)
    return tuple(Column(c.name, c.kind, c.name not in unverified, c.labels) for c in columns)


@dataclass(frozen=True)
class Encoding:
    """How a document travels: the body's charset, whether Content-Type names it, BOM, gzip."""

    charset: Optional[str] = None  # None: the marketplace's (Cp1252, Shift_JIS for JP-only requests)
    declared: bool = True  # False: `Content-Type: text/plain` with no charset parameter
    bom: bool = False
    gzip: bool = False


@dataclass(frozen=True)
class ReportType:
    report_type: str
    account_type: str  # seller | vendor
    format: str  # tsv | json | xml
    window_kind: str  # date_range | snapshot | period | settlement (Amazon creates it; list only)
    source: str  # where the columns and formats come from
    columns: Tuple[Column, ...] = ()
    encoding: Encoding = Encoding()
    json_records_paths: Tuple[Tuple[str, ...], ...] = ()  # JSON: top-level arrays of Amazon's schema
    xml_record_tag: Optional[str] = None
    default_options: Dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    max_days: Optional[int] = None
    history_days: Optional[int] = None

    @property
    def requestable(self) -> bool:
        return self.window_kind != "settlement"

    def header(self, lang: str) -> Tuple[str, ...]:
        return tuple(c.header(lang) for c in self.columns)


def tsv(report_type: str, window_kind: str, source: str, columns: Tuple[Column, ...], **kwargs) -> ReportType:
    return ReportType(report_type, kwargs.pop("account_type", "seller"), "tsv", window_kind, source, columns,
                      **kwargs)
