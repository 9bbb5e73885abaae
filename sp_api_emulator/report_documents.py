"""Report documents on the wire: which text, which charset, gzip or plain, streamed in chunks.

Flat files are `text/plain; charset=Cp1252` (UTF-8 for ledger/fee types, Shift_JIS for JP-only
reports); order/listing flat files, order XML and JSON reports are gzip-compressed, the rest plain.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Optional

from .models import Dataset
from .report_catalog import ReportDefinition
from .report_json import count_json_rows, json_document
from .report_rows import ReportRequest, row_contexts, tsv_lines
from .report_xml import count_xml_records, xml_document

CHUNK_BYTES = 64 * 1024
UTF8_FLAT_FILES = {"GET_LEDGER_DETAIL_VIEW_DATA", "GET_LEDGER_SUMMARY_VIEW_DATA", "GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA",
                   "GET_FBA_STORAGE_FEE_CHARGES_DATA", "GET_FBA_FULFILLMENT_LONGTERM_STORAGE_FEE_CHARGES_DATA",
                   "GET_FBA_INVENTORY_PLANNING_DATA", "GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT"}
CODECS = {"Cp1252": "cp1252", "UTF-8": "utf-8", "Shift_JIS": "shift_jis"}

# --profile large: these report types are served from large_documents.py
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


def document_format(definition: ReportDefinition, req: ReportRequest, large: bool = False) -> DocumentFormat:
    t = definition.report_type
    if large and t == LARGE_TSV_TYPE:
        return DocumentFormat("text/plain; charset=Cp1252", "cp1252", True)
    if large and t == LARGE_JSON_TYPE:
        return DocumentFormat("application/json; charset=UTF-8", "utf-8", False)
    if definition.format == "json":
        return DocumentFormat("application/json; charset=UTF-8", "utf-8", True)
    if definition.format == "xml":
        return DocumentFormat("text/xml; charset=UTF-8", "utf-8", "ORDER" in t)
    markets = req.markets
    if markets and all(m.code == "JP" for m in markets):
        charset = "Shift_JIS"
    elif t in UTF8_FLAT_FILES:
        charset = "UTF-8"
    else:
        charset = "Cp1252"
    return DocumentFormat(f"text/plain; charset={charset}", CODECS[charset], "ORDER" in t or "LISTING" in t,
                          bom=charset == "UTF-8")


def document_text(dataset: Dataset, definition: ReportDefinition, req: ReportRequest) -> Iterator[str]:
    if definition.format == "json":
        return json_document(dataset, definition, req)
    if definition.format == "xml":
        return xml_document(dataset, definition, req)
    return tsv_lines(definition, row_contexts(dataset, req))


def count_rows(dataset: Dataset, definition: ReportDefinition, req: ReportRequest) -> int:
    """Records a client will decode from this report (TSV rows, XML records, JSON rows of the first path)."""
    if definition.format == "json":
        return count_json_rows(dataset, definition, req)
    if definition.format == "xml":
        return count_xml_records(dataset, req)
    return sum(1 for _ in row_contexts(dataset, req))


def encode(pieces: Iterable[str], fmt: DocumentFormat, truncate_after: Optional[int] = None) -> Iterator[bytes]:
    """Encode text pieces, gzip them when the format says so, and yield ~64 KB chunks.

    truncate_after: stop after this many pieces and never finish the gzip stream (a corrupt document
    whose completed part still decodes, as when a download is cut short).
    """
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31) if fmt.gzip else None
    pending = [b"\xef\xbb\xbf"] if fmt.bom else []
    size = len(pending[0]) if pending else 0
    for count, text in enumerate(pieces, start=1):
        data = text.encode(fmt.codec, errors="replace")
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
    """A writer streaming one of the large profile's documents (built by large_documents.py)."""
    try:
        from . import large_documents
    except ImportError as error:
        raise RuntimeError("--profile large needs sp_api_emulator/large_documents.py "
                           f"(not importable: {error})") from error
    if report_type == LARGE_TSV_TYPE:
        return lambda fileobj: large_documents.write_large_tsv(fileobj, rows=LARGE_TSV_ROWS, seed=seed, gzip_level=1)
    return lambda fileobj: large_documents.write_large_json(fileobj, target_bytes=LARGE_JSON_BYTES, seed=seed)
