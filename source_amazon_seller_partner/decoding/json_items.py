"""JSON reports: the items of one array streamed with ijson, never the whole document in memory."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, BinaryIO

import ijson

from .binary import READ_CHUNK_BYTES, open_binary_stream
from .errors import MalformedDocumentError, TruncatedDocumentError

try:  # the C backend parses several times faster; the pure-Python one is always there
    _ijson = ijson.get_backend("yajl2_c")
except ImportError:  # pragma: no cover - depends on how ijson was built
    _ijson = ijson.get_backend("python")


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
        yield from _ijson.items(binary, _ijson_prefix(records_path, "item"), use_float=True, buf_size=READ_CHUNK_BYTES)


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
