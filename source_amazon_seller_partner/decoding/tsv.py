"""Flat files (TSV): Amazon's unquoted, tab-separated reports, decoded incrementally."""

from __future__ import annotations

import codecs
import io
import logging
from collections.abc import Iterator
from itertools import compress
from typing import BinaryIO, TextIO

from .binary import READ_CHUNK_BYTES, open_binary_stream
from .errors import MalformedDocumentError

logger = logging.getLogger("airbyte")


def open_text_stream(raw: BinaryIO, *, compressed: bool | None, charset: str, errors: str = "strict") -> TextIO:
    """Decode a flat-file document incrementally into text.

    Line ends are left untranslated (``newline=""``) for ``iter_tsv_records``. A leading UTF-8 BOM is
    dropped; since a BOM only ever starts UTF-8 text, the rest is then decoded as UTF-8 even when
    the declared ``charset`` says otherwise (a BOM in cp1252 would be the text "ï»¿").
    ``errors`` is the codec error policy: with the default ``strict`` a byte that is invalid in the
    charset raises ``MalformedDocumentError`` from the record iterator instead of altering text.
    """
    binary, has_bom = open_binary_stream(raw, compressed=compressed)
    if has_bom and codecs.lookup(charset).name != "utf-8":
        logger.info("Report document starts with a UTF-8 byte order mark; decoding it as UTF-8 instead of %s", charset)
        charset = "utf-8"
    text = io.TextIOWrapper(binary, encoding=charset, errors=errors, newline="")
    text._CHUNK_SIZE = READ_CHUNK_BYTES  # CPython's decode step size (default 8 KiB); larger is faster here
    return text


def iter_tsv_records(text: TextIO) -> Iterator[dict[str, str | None]]:
    """Yield one dict per data row of a tab-separated flat file; the first row is the header.

    SP-API flat files are not quoted, so fields are split on TAB only and quote characters are
    data (a field ``"Big" box`` stays as is). Rows end with LF, CRLF or CR; blank rows are
    skipped. Empty fields become None. A row shorter than the header is padded with None; a
    longer row keeps its extra fields under ``_extra_1``, ``_extra_2``, ... so no data is dropped.
    Empty and header-only documents yield nothing.
    """
    try:
        header = _first_row(text)
        if header is None:
            return
        width = len(header)
        all_empty = dict.fromkeys(header)
        # Fastest measured way to build {column: value or None}: copy a dict of Nones and update
        # it with the non-empty fields only (zip/compress run in C; no per-field Python code).
        for line in text:
            row = line.rstrip("\r\n").split("\t")
            if len(row) > width:
                yield _long_row(header, row)
            elif len(row) > 1 or row[0]:
                record = all_empty.copy()
                record.update(zip(compress(header, row), compress(row, row)))
                yield record
    except UnicodeDecodeError as error:
        raise MalformedDocumentError(
            f"The report document is not valid {error.encoding} text (bytes {error.object[error.start:error.end]!r})"
        ) from None


def _first_row(text: TextIO) -> list[str] | None:
    for line in text:
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
