"""Flat files (TSV): Amazon's unquoted, tab-separated reports, decoded incrementally."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import compress
from typing import BinaryIO, Optional

from .binary import open_binary_stream
from .text import DecodedLines

logger = logging.getLogger("airbyte")


def open_text_stream(
    raw: BinaryIO, *, compressed: bool | None, charset: str, declared: bool = True, fallback: Optional[str] = None,
    source: str = "the report document",
) -> DecodedLines:
    """The document's text lines, decoded one block at a time (text.DecodedLines).

    ``charset`` is the codec of the Content-Type, or the marketplace's when ``declared`` is False.
    Which codec reads which line:
    - a leading UTF-8 BOM (consumed) says UTF-8; lines that are not UTF-8 are then read with
      ``charset`` (a BOM Amazon put before Cp1252 text);
    - no charset declared: UTF-8 where the line is valid UTF-8 (a UTF-8 body under a bare
      ``text/plain``), else ``charset`` (the marketplace's);
    - declared: ``charset``.
    A byte no candidate decodes is replaced (U+FFFD) and the line is logged with ``source`` (which
    names the report): one bad byte must not block a stream forever.
    ``fallback`` overrides the second codec (tests).
    """
    binary, has_bom = open_binary_stream(raw, compressed=compressed)
    codec = DecodedLines.codec_name(charset)
    if has_bom and codec != "utf-8":
        primary, second = "utf-8", fallback or codec
    elif not declared and codec != "utf-8":
        primary, second = "utf-8", fallback or codec
    else:
        primary, second = codec, fallback
    return DecodedLines(binary, primary, second, source)


def iter_tsv_records(
    lines: Iterable[str],
    *,
    header_names: Sequence[str] = (),
    on_header: Optional[Callable[[list[str]], None]] = None,
) -> Iterator[dict[str, str | None]]:
    """Yield one dict per data row of a tab-separated flat file; the first row is the header.

    SP-API flat files are not quoted, so fields are split on TAB only and quote characters are
    data (a field ``"Big" box`` stays as is). ``lines`` are split on LF only: a CR alone inside a
    field is data (a comment typed with a line break), CRLF ends a row as LF does; blank rows are
    skipped. Empty fields become None. A row shorter than the header is padded with None; a longer
    row keeps its extra fields under ``_extra_1``, ``_extra_2``, ... so no data is dropped. Empty and
    header-only documents yield nothing.

    ``header_names`` rename the first columns by position (a report whose header Amazon localises:
    the feedback report's `Datum`, `日付` ... are one column); ``on_header`` receives the header as
    used (the report job logs columns its schema does not know).
    """
    iterator = iter(lines)
    header = _first_row(iterator)
    if header is None:
        return
    if header_names:
        header = _unique_names(list(header_names[: len(header)]) + header[len(header_names):])
    if on_header is not None:
        on_header(header)
    width = len(header)
    all_empty = dict.fromkeys(header)
    # Fastest measured way to build {column: value or None}: copy a dict of Nones and update
    # it with the non-empty fields only (zip/compress run in C; no per-field Python code).
    for line in iterator:
        row = line.rstrip("\r\n").split("\t")
        if len(row) > width:
            yield _long_row(header, row)
        elif len(row) > 1 or row[0]:
            record = all_empty.copy()
            record.update(zip(compress(header, row), compress(row, row)))
            yield record


def _first_row(lines: Iterator[str]) -> list[str] | None:
    for line in lines:
        stripped = line.rstrip("\r\n")
        if stripped:
            # a BOM that reached the text (the caller did not use open_text_stream) is not data
            return _unique_names(stripped.removeprefix("\ufeff").split("\t"))
    return None


def _unique_names(header: list[str]) -> list[str]:
    """Name blank columns ``_column_<position>`` and repeated ones ``<name>_2``, ``<name>_3``...:
    as dict keys, a repeated name would silently drop all but one of its columns."""
    names: list[str] = []
    taken: set[str] = set()
    for position, name in enumerate(header, start=1):
        candidate = name or f"_column_{position}"
        suffix = 1
        while candidate in taken:
            suffix += 1
            candidate = f"{name or f'_column_{position}'}_{suffix}"
        if candidate != name:
            logger.warning("Flat-file column %d is named %r; its values are kept under %r", position, name, candidate)
        taken.add(candidate)
        names.append(candidate)
    return names


def _long_row(header: list[str], row: list[str]) -> dict[str, str | None]:
    record: dict[str, str | None] = {key: value or None for key, value in zip(header, row)}
    for position, value in enumerate(row[len(header) :], start=1):
        record[f"_extra_{position}"] = value or None
    return record
