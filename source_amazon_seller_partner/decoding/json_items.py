"""JSON reports: the items of one array streamed with ijson, never the whole document in memory."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, BinaryIO

import ijson

from .binary import READ_CHUNK_BYTES, open_binary_stream
from .errors import MalformedDocumentError, MissingRecordsError, TruncatedDocumentError

try:  # the C backend parses several times faster; the pure-Python one is always there
    _ijson = ijson.get_backend("yajl2_c")
except ImportError:  # pragma: no cover - depends on how ijson was built
    _ijson = ijson.get_backend("python")


def iter_json_records(raw: BinaryIO, records_path: list[str], *, compressed: bool | None) -> Iterator[Any]:
    """Yield the items of the array at ``records_path`` one at a time (``[]`` = the document is one
    top-level array). Numbers come out as int or float, never Decimal.

    Example: ``iter_json_records(raw, ["salesAndTrafficByAsin"], compressed=None)``.
    An empty array yields nothing. When nothing was yielded, the document is read once more to
    tell an empty array from a path that is missing, ``null`` or not an array: those raise
    MissingRecordsError, since "no records" read from them would be a silent loss (``raw`` must be
    seekable for that, as the report job's spooled file is). A truncated or invalid document raises
    a DocumentError. Limit: an integer beyond 64 bits raises MalformedDocumentError (ijson's C
    parser with float numbers overflows; parsing Decimals and converting them was measured almost
    2x slower, and SP-API reports carry identifiers as strings).
    """
    start = raw.tell() if raw.seekable() else None
    binary, _ = open_binary_stream(raw, compressed=compressed)
    found = 0
    with _json_errors():
        for found, item in enumerate(
            _ijson.items(binary, _ijson_prefix(records_path, "item"), use_float=True, buf_size=READ_CHUNK_BYTES), start=1
        ):
            yield item
    if found or start is None:
        return
    raw.seek(start)
    kind = _value_kind(raw, records_path, compressed=compressed)
    if kind != "start_array":
        shown = ".".join(records_path) or "the top level"
        what = {None: "is missing", "null": "is null"}.get(kind, f"holds {_KIND_WORDS.get(kind, kind)}, not an array")
        raise MissingRecordsError(f"the records path `{shown}` {what} in the JSON report document")


_KIND_WORDS = {"start_map": "an object", "string": "a string", "number": "a number", "boolean": "a boolean"}


def _value_kind(raw: BinaryIO, path: list[str], *, compressed: bool | None) -> str | None:
    """The ijson event that opens the value at ``path`` (start_array, start_map, null, ...), None if absent."""
    binary, _ = open_binary_stream(raw, compressed=compressed)
    prefix = _ijson_prefix(path)
    with _json_errors():
        for event_prefix, event, _ in _ijson.parse(binary, buf_size=READ_CHUNK_BYTES):
            if event_prefix == prefix and event not in ("map_key", "end_map", "end_array"):
                return event
    return None


def read_json_value(raw: BinaryIO, path: list[str], *, compressed: bool | None) -> Any:
    """Return the value at ``path`` (e.g. ``["reportSpecification"]``), or None if absent.

    Reads the document only until that value is complete, so it is cheap for metadata that comes
    first in the document (the report specification does) and costs a full read otherwise.
    """
    binary, _ = open_binary_stream(raw, compressed=compressed)
    with _json_errors():
        for value in _ijson.items(binary, _ijson_prefix(path), use_float=True, buf_size=READ_CHUNK_BYTES):
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
