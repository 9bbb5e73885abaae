"""Report documents on the wire: which text, which charset (declared or not), BOM, gzip, streamed in chunks.

Each report type's `Encoding` (types_*.py) decides; by default flat files are Cp1252 declared as
`text/plain; charset=Cp1252`, and Shift_JIS when every requested marketplace is JP. JSON is
`application/json; charset=UTF-8`, XML `text/xml; charset=UTF-8`.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Optional

from ..models import Dataset, ReportRequest
from .definitions import ReportType
from .json_writer import count_json_rows, json_document
from .rows import row_contexts
from .tsv import tsv_lines
from .xml_writer import count_xml_records, xml_document

CHUNK_BYTES = 64 * 1024
CODECS = {"Cp1252": "cp1252", "UTF-8": "utf-8", "Shift_JIS": "shift_jis"}

# --profile large: these report types are served from large.py
LARGE_TSV_TYPE = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
LARGE_JSON_TYPE = "GET_SALES_AND_TRAFFIC_REPORT"
LARGE_TSV_ROWS = 1_000_000
LARGE_JSON_BYTES = 1_000_000_000


@dataclass(frozen=True)
class DocumentFormat:
    content_type: str
    codec: str
    gzip: bool
    bom: bool = False


def document_format(definition: ReportType, req: ReportRequest, large: bool = False) -> DocumentFormat:
    t = definition.report_type
    if large and t == LARGE_TSV_TYPE:
        return DocumentFormat("text/plain; charset=Cp1252", "cp1252", True)
    if large and t == LARGE_JSON_TYPE:
        return DocumentFormat("application/json; charset=UTF-8", "utf-8", False)
    encoding = definition.encoding
    if definition.format == "json":
        return DocumentFormat("application/json; charset=UTF-8", "utf-8", encoding.gzip)
    if definition.format == "xml":
        return DocumentFormat("text/xml; charset=UTF-8", "utf-8", encoding.gzip)
    charset = encoding.charset
    if charset is None:
        markets = req.markets
        charset = "Shift_JIS" if markets and all(m.code == "JP" for m in markets) else "Cp1252"
    content_type = f"text/plain; charset={charset}" if encoding.declared else "text/plain"
    return DocumentFormat(content_type, CODECS[charset], encoding.gzip, bom=encoding.bom)


def document_text(dataset: Dataset, definition: ReportType, req: ReportRequest, null_records: bool = False) -> Iterator[str]:
    if definition.format == "json":
        return json_document(dataset, definition, req, null_records)
    if definition.format == "xml":
        return xml_document(dataset, definition, req)
    return tsv_lines(definition, req, row_contexts(dataset, req))


def count_rows(dataset: Dataset, definition: ReportType, req: ReportRequest) -> int:
    """Records a client will decode from this report (TSV rows, XML records, JSON rows of the first path)."""
    if definition.format == "json":
        return count_json_rows(dataset, definition, req)
    if definition.format == "xml":
        return count_xml_records(dataset, req)
    return sum(1 for _ in row_contexts(dataset, req))


def encode(pieces: Iterable[str], fmt: DocumentFormat, truncate_after: Optional[int] = None,
           bad_byte_piece: Optional[int] = None) -> Iterator[bytes]:
    """Encode text pieces, gzip them when the format says so, and yield ~64 KB chunks.

    truncate_after: stop after this many pieces and never finish the gzip stream (a corrupt document
    whose completed part still decodes, as when a download is cut short).
    bad_byte_piece: the piece (1 = the header line) that gets a 0x81 byte before its line end.
    """
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31) if fmt.gzip else None
    pending = []
    size = 0
    if fmt.bom:
        data = b"\xef\xbb\xbf"
        pending.append(compressor.compress(data) if compressor is not None else data)
        size = len(pending[0])
    for count, text in enumerate(pieces, start=1):
        data = text.encode(fmt.codec, errors="replace")
        if count == bad_byte_piece and data.endswith(b"\n"):
            data = data[:-1] + b" \x81\n"
        if compressor is not None:
            data = compressor.compress(data)
            if truncate_after is not None:
                data += compressor.flush(zlib.Z_SYNC_FLUSH)
        if data:
            pending.append(data)
            size += len(data)
        if size >= CHUNK_BYTES:
            yield b"".join(pending)
            pending, size = [], 0
        if truncate_after is not None and count >= truncate_after:
            if pending:
                yield b"".join(pending)
            return
    if compressor is not None:
        pending.append(compressor.flush())
    if pending:
        yield b"".join(pending)


def fatal_document(reason: str) -> bytes:
    return json.dumps({"errorDetails": reason}, ensure_ascii=False).encode("utf-8")


def large_writer(report_type: str, seed: int) -> Callable[[Any], None]:
    """A writer streaming one of the large profile's documents (built by large.py)."""
    from . import large

    if report_type == LARGE_TSV_TYPE:
        return lambda fileobj: large.write_large_tsv(fileobj, rows=LARGE_TSV_ROWS, seed=seed, gzip_level=1)
    return lambda fileobj: large.write_large_json(fileobj, target_bytes=LARGE_JSON_BYTES, seed=seed)
