"""Flat files: a header row in the language of the report's (first) marketplace, then one tab-separated
line per row, unquoted, values written by formats.py in each row's marketplace conventions."""

from __future__ import annotations

from typing import Iterator

from ..models import ReportRequest
from .definitions import ReportType
from .formats import format_value
from .rows import RowContext
from .values import column_value


def header_language(req: ReportRequest) -> str:
    """Amazon's `preferredReportDocumentLocale` option (e.g. `en_US`) picks the header language; without it
    the headers follow the (first) marketplace's language."""
    locale = req.options.get("preferredReportDocumentLocale")
    if locale:
        return locale.replace("-", "_").split("_")[0].lower()
    markets = req.markets
    return markets[0].lang if markets else "en"


def tsv_lines(definition: ReportType, req: ReportRequest, contexts: Iterator[RowContext]) -> Iterator[str]:
    columns = definition.columns
    yield "\t".join(definition.header(header_language(req))) + "\n"
    for ctx in contexts:
        yield "\t".join(format_value(column_value(c, ctx), c, ctx.market) for c in columns) + "\n"
