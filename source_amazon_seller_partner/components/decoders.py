"""Streaming decoders for downloaded SP-API report documents.

The report job downloads a document with ``requests`` (``stream=True``) and passes ``response.raw``
(any binary file object with ``read(n)``) to one of the ``iter_*_records`` functions:

* flat files (TSV):  ``iter_tsv_records(open_text_stream(raw, compressed=..., charset=...))``
* JSON reports:      ``iter_json_records(raw, ["salesAndTrafficByAsin"], compressed=...)``
* XML reports:       ``iter_xml_records(raw, "Order", compressed=...)``

and types the values of flat-file records with ``make_caster(schema)``.

Every function reads the document once, front to back, in fixed-size chunks, so memory does not
grow with the document. Nothing here keeps mutable state shared between calls (the only shared
object is the per-stream caster's "already warned" set, guarded by a lock), so streams running in
different threads can decode at the same time.

A damaged document raises a subclass of ``DocumentError``; records yielded before the error are
valid, and the caller is expected to download the document again and start over.

Closing a stream returned by ``open_text_stream`` does not close ``raw``: the caller owns the
HTTP response.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import gzip
import io
import logging
import re
import threading
import xml.etree.ElementTree as ElementTree
import zlib
from collections.abc import Callable, Collection, Iterator, Mapping
from itertools import compress
from typing import Any, BinaryIO, TextIO
from xml.parsers import expat

import ijson

logger = logging.getLogger("airbyte")

GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = codecs.BOM_UTF8
_READ_CHUNK_BYTES = 64 * 1024  # buffer and decode size; 64 KiB measured fastest (8 KiB-256 KiB tried)

try:  # the C backend parses several times faster; the pure-Python one is always there
    _ijson = ijson.get_backend("yajl2_c")
except ImportError:  # pragma: no cover - depends on how ijson was built
    _ijson = ijson.get_backend("python")


# ---------------------------------------------------------------------------------------------
# Errors


class DocumentError(Exception):
    """The document could not be decoded; downloading it again may help."""


class TruncatedDocumentError(DocumentError):
    """The document ended before its end marker (gzip trailer, closing JSON bracket or XML tag)."""


class MalformedDocumentError(DocumentError):
    """The document's bytes are not valid gzip / JSON / XML / text in the declared charset."""


class UnknownCharsetError(ValueError):
    """A Content-Type names a charset that neither Amazon's aliases nor Python's codecs know."""


# ---------------------------------------------------------------------------------------------
# Charset


# Amazon writes Java charset names; the values are Python codec names.
_JAVA_CHARSET_ALIASES = {
    "cp1252": "cp1252",
    "windows-1252": "cp1252",
    "iso-8859-1": "latin-1",
    "iso8859-1": "latin-1",
    "iso8859_1": "latin-1",
    "latin1": "latin-1",
    "utf-8": "utf-8",
    "utf8": "utf-8",
    # Amazon JP files labelled Shift_JIS contain Microsoft's extensions (e.g. circled digits,
    # NEC special characters) that strict shift_jis rejects; cp932 is the superset.
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "ms932": "cp932",
    "cp932": "cp932",
}


def charset_from_content_type(content_type: str | None, default: str = "cp1252") -> str:
    """Return the Python codec name for the charset of an HTTP ``Content-Type`` header.

    ``text/plain; charset=Cp1252`` -> ``cp1252``. Without a charset parameter (or without a header)
    the ``default`` is returned: SP-API flat files are Cp1252 unless they say otherwise.

    A charset that is named but unknown raises ``UnknownCharsetError`` rather than falling back:
    decoding with a guessed charset would corrupt text silently, and Amazon uses only a handful
    of charsets, so a new one should be noticed and added here.
    """
    if content_type:
        for parameter in content_type.split(";")[1:]:
            name, _, value = parameter.partition("=")
            charset = value.strip().strip("\"'").strip()
            if name.strip().lower() == "charset" and charset:
                return _python_codec_name(charset)
    return _python_codec_name(default)


def _python_codec_name(charset: str) -> str:
    alias = _JAVA_CHARSET_ALIASES.get(charset.lower())
    if alias:
        return alias
    try:
        return codecs.lookup(charset).name
    except LookupError:
        raise UnknownCharsetError(f"Unknown charset {charset!r} in the report's Content-Type") from None


# ---------------------------------------------------------------------------------------------
# Binary layer: gzip sniffing, BOM, error translation


class _PrefixedReader(io.RawIOBase):
    """Serves ``prefix`` and then the rest of ``source``: lets us look at the first bytes of a
    non-seekable stream (an HTTP body) without losing them. Does not close ``source``."""

    def __init__(self, prefix: bytes, source: Any) -> None:
        super().__init__()
        self._prefix = prefix
        self._source = source

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            wanted = len(buffer)
            if self._prefix:
                count = min(wanted, len(self._prefix))
                buffer[:count] = self._prefix[:count]
                self._prefix = self._prefix[count:]
                return count
            data = self._source.read(wanted)
        except (EOFError, zlib.error, gzip.BadGzipFile) as error:
            raise _as_document_error(error) from error
        count = len(data)
        buffer[:count] = data
        return count


def _read_up_to(stream: Any, size: int) -> bytes:
    """Read ``size`` bytes, or fewer only at the end of the stream (``read`` may return short)."""
    chunks = []
    remaining = size
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _with_prefix(prefix: bytes, source: Any) -> io.BufferedReader:
    return io.BufferedReader(_PrefixedReader(prefix, source), buffer_size=_READ_CHUNK_BYTES)


def _as_document_error(error: BaseException) -> DocumentError:
    if isinstance(error, EOFError):
        return TruncatedDocumentError("The compressed report document ended before its end (truncated download?)")
    return MalformedDocumentError(f"The compressed report document is corrupt: {error}")


def open_binary_stream(raw: BinaryIO, *, compressed: bool | None) -> tuple[io.BufferedReader, bool]:
    """Return the document's decompressed bytes as a buffered stream, and whether it began with a
    UTF-8 BOM (the BOM itself is consumed).

    ``compressed``: True = gzip, False = plain, None = gzip if the first two bytes are gzip's
    magic number (what ``compressionAlgorithm`` absent/``GZIP`` would tell, checked on the bytes).
    """
    head = _read_up_to(raw, len(GZIP_MAGIC))
    if compressed is None:
        compressed = head == GZIP_MAGIC
    body: Any = _with_prefix(head, raw)
    if compressed:
        # GzipFile raises EOFError / BadGzipFile / zlib.error while reading; _PrefixedReader
        # turns those into DocumentError for every reader above it.
        body = gzip.GzipFile(fileobj=body, mode="rb")
    try:
        head = _read_up_to(body, len(UTF8_BOM))
    except (EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise _as_document_error(error) from error
    has_bom = head == UTF8_BOM
    return _with_prefix(b"" if has_bom else head, body), has_bom


# ---------------------------------------------------------------------------------------------
# Flat files (TSV)


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
    text._CHUNK_SIZE = _READ_CHUNK_BYTES  # CPython's decode step size (default 8 KiB); larger is faster here
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


# ---------------------------------------------------------------------------------------------
# JSON


def iter_json_records(raw: BinaryIO, records_path: list[str], *, compressed: bool | None) -> Iterator[Any]:
    """Yield the items of the array at ``records_path`` one at a time (``[]`` = the document is one
    top-level array). Numbers come out as int or float, never Decimal.

    Example: ``iter_json_records(raw, ["salesAndTrafficByAsin"], compressed=None)``.
    A path with no array yields nothing; a truncated or invalid document raises a DocumentError.
    Limit: an integer beyond 64 bits raises MalformedDocumentError (ijson's C parser with float
    numbers overflows; parsing Decimals and converting them was measured almost 2x slower, and
    SP-API reports carry identifiers as strings).
    """
    binary, _ = open_binary_stream(raw, compressed=compressed)
    with _json_errors():
        yield from _ijson.items(binary, _ijson_prefix(records_path, "item"), use_float=True, buf_size=_READ_CHUNK_BYTES)


def read_json_value(raw: BinaryIO, path: list[str], *, compressed: bool | None) -> Any:
    """Return the value at ``path`` (e.g. ``["reportSpecification"]``), or None if absent.

    Reads the document only until that value is complete, so it is cheap for metadata that comes
    first in the document (the report specification does) and costs a full read otherwise.
    """
    binary, _ = open_binary_stream(raw, compressed=compressed)
    with _json_errors():
        for value in _ijson.items(binary, _ijson_prefix(path), use_float=True, buf_size=_READ_CHUNK_BYTES):
            return value
    return None


def _ijson_prefix(*parts: list[str] | str) -> str:
    names: list[str] = []
    for part in parts:
        names.extend([part] if isinstance(part, str) else part)
    return ".".join(names)


@contextlib.contextmanager
def _json_errors() -> Iterator[None]:
    try:
        yield
    except ijson.IncompleteJSONError as error:
        # only the first line: the parser's next lines quote the document, which may hold personal data
        reason = str(error).splitlines()[0] if str(error) else "incomplete JSON"
        if "premature EOF" in reason or reason == "Incomplete JSON content":
            message = "The JSON report document ended before its end (truncated download?)"
            raise TruncatedDocumentError(message) from None
        raise MalformedDocumentError(f"The report document is not valid JSON: {reason}") from None
    except ijson.JSONError as error:
        reason = str(error).splitlines()[0] if str(error) else "invalid JSON"
        raise MalformedDocumentError(f"The report document is not valid JSON: {reason}") from None


# ---------------------------------------------------------------------------------------------
# XML

_XML_TRUNCATION_CODES = {
    expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS],
    expat.errors.codes[expat.errors.XML_ERROR_UNCLOSED_TOKEN],
    expat.errors.codes[expat.errors.XML_ERROR_PARTIAL_CHAR],
}


def iter_xml_records(
    raw: BinaryIO, record_tag: str, *, compressed: bool | None, force_list: Collection[str] = ()
) -> Iterator[dict[str, Any]]:
    """Yield each ``record_tag`` element (matched on its local name, at any depth) as a dict.

    Conversion: a child element without children or attributes becomes its text (None if empty);
    other elements become dicts with attributes under ``@name``, child elements under their local
    name and, if there is non-blank text besides, the text under ``#text``. A child name seen
    more than once becomes a list; names in ``force_list`` are always lists, so a record's shape
    does not depend on how many children it happens to have (e.g. ``force_list={"OrderItem"}``).

    Elements are freed as soon as they are converted and outside records nothing is kept, so
    memory stays flat however long the document is.
    """
    binary, _ = open_binary_stream(raw, compressed=compressed)
    force_list = frozenset(force_list)
    open_elements: list[ElementTree.Element] = []
    record_depth = 0  # depth of the record being built, 0 when outside a record
    try:
        for event, element in ElementTree.iterparse(binary, events=("start", "end")):
            if event == "start":
                open_elements.append(element)
                if not record_depth and _local_name(element.tag) == record_tag:
                    record_depth = len(open_elements)
                continue
            depth = len(open_elements)
            open_elements.pop()
            if record_depth and depth > record_depth:
                continue  # part of the record: converted when the record ends
            if depth == record_depth:
                record_depth = 0
                record = _element_to_dict(element, force_list)
                _discard(element, open_elements)
                yield record
            else:
                _discard(element, open_elements)
    except ElementTree.ParseError as error:
        if error.code in _XML_TRUNCATION_CODES:
            raise TruncatedDocumentError("The XML report document ended before its end (truncated download?)") from None
        raise MalformedDocumentError(f"The report document is not valid XML: {error}") from None


def _discard(element: ElementTree.Element, open_elements: list[ElementTree.Element]) -> None:
    element.clear()
    if open_elements:
        open_elements[-1].remove(element)


def _local_name(tag: str) -> str:
    return tag.rpartition("}")[2]


def _element_to_dict(element: ElementTree.Element, force_list: frozenset[str]) -> dict[str, Any]:
    result: dict[str, Any] = {f"@{_local_name(name)}": value for name, value in element.attrib.items()}
    for child in element:
        name = _local_name(child.tag)
        value = _element_value(child, force_list)
        existing = result.get(name, _ABSENT)
        if existing is _ABSENT:
            result[name] = [value] if name in force_list else value
        elif isinstance(existing, list):  # child values are never lists, so this is a repeat
            existing.append(value)
        else:
            result[name] = [existing, value]
    text = element.text.strip() if element.text else ""
    if text:
        result["#text"] = text
    return result


_ABSENT = object()


def _element_value(element: ElementTree.Element, force_list: frozenset[str]) -> Any:
    if len(element) == 0 and not element.attrib:
        return element.text or None
    return _element_to_dict(element, force_list)


# ---------------------------------------------------------------------------------------------
# Typing flat-file values from the stream's JSON schema

_TRUE = frozenset({"true", "yes", "y", "t", "1"})
_FALSE = frozenset({"false", "no", "n", "f", "0"})
# exact spellings looked up without lower(); anything else goes through _to_boolean
_BOOLEAN_SPELLINGS = {
    spelling: flag
    for words, flag in ((_TRUE, True), (_FALSE, False))
    for word in words
    for spelling in (word, word.upper(), word.capitalize())
}

_US_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_EU_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_DECIMAL_COMMA_NUMBER = re.compile(r"[+-]?\d+,\d+")

# already ISO-8601 (date, or date and time with optional seconds, fraction and offset): kept as is
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_ISO_DATETIME_FULLMATCH = _ISO_DATETIME.fullmatch
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
# purpose so such values stay as written.
_ZONE_OFFSETS = {
    "UTC": "+00:00", "GMT": "+00:00", "Z": "+00:00",
    "PST": "-08:00", "PDT": "-07:00", "MST": "-07:00", "MDT": "-06:00",
    "CST": "-06:00", "CDT": "-05:00", "EST": "-05:00", "EDT": "-04:00",
    "BST": "+01:00", "CET": "+01:00", "CEST": "+02:00", "JST": "+09:00",
}


# Returned by a converter for a value it cannot convert; the caller keeps the value as written.
_NOT_CONVERTED: Any = object()


def _to_integer(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        pass
    number = _to_number(value)
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return _NOT_CONVERTED


def _to_number(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        return _to_grouped_number(value.strip())
    if number != number or number in (float("inf"), float("-inf")):
        return _NOT_CONVERTED  # NaN/Infinity are not JSON numbers
    return number


def _to_grouped_number(value: str) -> float:
    # "1,234.50" (US grouping), "1.234,50" (EU grouping), "12,50" (decimal comma)
    if _US_GROUPED_NUMBER.fullmatch(value):
        return float(value.replace(",", ""))
    if _EU_GROUPED_NUMBER.fullmatch(value) and "," in value:
        return float(value.replace(".", "").replace(",", "."))
    if _DECIMAL_COMMA_NUMBER.fullmatch(value):
        return float(value.replace(",", "."))
    return _NOT_CONVERTED


def _to_boolean(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return _NOT_CONVERTED


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

    ``2024-01-05T10:00:00+00:00`` and ``2024-01-05`` are kept; ``2024-01-05 10:00:00 UTC`` and
    ``05.01.2024 10:00:00 UTC`` become ``2024-01-05T10:00:00+00:00``; ``Jan 5, 2024`` becomes
    ``2024-01-05``; ``Jan 5, 2024 1:02:03 PM PST`` becomes ``2024-01-05T13:02:03-08:00``.
    Slash dates (01/05/2024: US or European?) and unknown zone names return None.
    """
    value = value.strip()
    if _ISO_DATETIME_FULLMATCH(value):
        return value
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
    return _NOT_CONVERTED if normalized is None else normalized


_CONVERTERS: dict[str, tuple[Callable[[str], Any], str]] = {
    "integer": (_to_integer, "an integer"),
    "number": (_to_number, "a number"),
    "boolean": (_to_boolean, "a boolean"),
    "date-time": (_to_datetime, "a recognised date"),
}


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
    return kind if kind in _CONVERTERS else None


class RecordCaster:
    """Types a flat-file record's string values in place, per the stream's JSON schema.

    integer / number columns: plain numbers, also ``1,234.50``, ``1.234,50`` and ``12,50``
    (an integer column also takes ``12.0``); boolean: true/false, yes/no, y/n, t/f, 1/0 (any
    case); string with ``format: date-time`` or ``date`` (or an ``airbyte_type`` timestamp): see
    ``normalize_datetime``. "" becomes None. A value that does not convert is kept as written (the
    sync goes on) and the column is logged once. Other columns and non-string values are untouched.
    Thread-safe: the only mutable state is the set of columns already logged, under a lock.
    """

    def __init__(self, schema: Mapping[str, Any]) -> None:
        columns: dict[str, list[str]] = {kind: [] for kind in _CONVERTERS}
        for column, property_schema in schema.get("properties", {}).items():
            kind = _column_kind(property_schema)
            if kind is not None:
                columns[kind].append(column)
        self._integer_columns = tuple(columns["integer"])
        self._number_columns = tuple(columns["number"])
        self._boolean_columns = tuple(columns["boolean"])
        self._datetime_columns = tuple(columns["date-time"])
        self._warned_columns: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, record: dict[str, Any]) -> dict[str, Any]:
        # One loop per kind with the common case inline: this runs for every record of every
        # flat-file report, and per-value function calls were most of its cost.
        get = record.get
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
                flag = _BOOLEAN_SPELLINGS.get(value)
                if flag is None:
                    self._convert_unusual(record, column, value, "boolean")
                else:
                    record[column] = flag
        for column in self._datetime_columns:
            value = get(column)
            if value.__class__ is str and not _ISO_DATETIME_FULLMATCH(value):
                self._convert_unusual(record, column, value, "date-time")
        return record

    def _convert_unusual(self, record: dict[str, Any], column: str, value: str, kind: str) -> None:
        if not value.strip():
            record[column] = None
            return
        convert, _ = _CONVERTERS[kind]
        converted = convert(value)
        if converted is _NOT_CONVERTED:
            self._warn_once(column, kind)
        else:
            record[column] = converted

    def _warn_once(self, column: str, kind: str) -> None:
        with self._lock:
            if column in self._warned_columns:
                return
            self._warned_columns.add(column)
        # the value itself is not logged: report columns can hold personal data
        expected = _CONVERTERS[kind][1]
        logger.warning("Column %r has a value that is not %s; such values are kept as text", column, expected)


def make_caster(schema: Mapping[str, Any]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Build the per-record typing function for a stream's JSON schema (see RecordCaster)."""
    return RecordCaster(schema)
