"""The byte layer under every decoder: gzip recognised by its magic bytes, a UTF-8 BOM consumed,
and zlib/gzip failures turned into DocumentError."""

from __future__ import annotations

import codecs
import gzip
import io
import zlib
from typing import Any, BinaryIO

from .errors import DocumentError, MalformedDocumentError, TruncatedDocumentError

GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = codecs.BOM_UTF8
READ_CHUNK_BYTES = 64 * 1024  # buffer and decode size; 64 KiB measured fastest (8 KiB-256 KiB tried)


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
    return io.BufferedReader(_PrefixedReader(prefix, source), buffer_size=READ_CHUNK_BYTES)


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
