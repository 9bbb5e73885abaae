"""Streaming decoders for downloaded SP-API report documents.

The report job spools a document to a file and hands the binary stream to one of:

* flat files (TSV):  ``iter_tsv_records(open_text_stream(raw, compressed=..., charset=..., declared=...))``
                     (tsv.py; text.py turns bytes into lines, splitting on LF only)
* JSON reports:      ``iter_json_records(raw, ["salesAndTrafficByAsin"], compressed=...)``   (json_items.py)
* XML reports:       ``iter_xml_records(raw, "Order", compressed=...)``                      (xml_records.py)

and types flat-file records with ``make_caster(schema, column_formats)`` (casting.py, values.py,
column_formats.py). gzip is recognised by its magic bytes and a UTF-8 BOM is consumed (binary.py);
the codec comes from the Content-Type or, when it names none, UTF-8 where the text is UTF-8 and
the marketplace's charset elsewhere (charset.py, text.py). An undecodable byte is replaced and
logged with its line, never a failed document.

Every function reads the document once, front to back, in fixed-size chunks, so memory does not
grow with the document (a JSON report that yielded no records is read a second time, to tell an empty
array from a missing one). Nothing here keeps mutable state shared between calls (the only shared
object is the per-stream caster's "already warned" set, guarded by a lock), so streams running in
different threads can decode at the same time. A damaged document raises a subclass of
``DocumentError`` (errors.py); records yielded before the error are valid.
"""

from .binary import GZIP_MAGIC, open_binary_stream
from .casting import RecordCaster, make_caster
from .charset import charset_from_content_type, declared_charset, marketplace_charset
from .errors import (
    DocumentError,
    MalformedDocumentError,
    MissingRecordsError,
    TruncatedDocumentError,
    UnknownCharsetError,
)
from .json_items import iter_json_records, read_json_value
from .tsv import iter_tsv_records, open_text_stream
from .values import normalize_datetime
from .xml_records import iter_xml_records

__all__ = [
    "GZIP_MAGIC",
    "DocumentError",
    "MalformedDocumentError",
    "MissingRecordsError",
    "RecordCaster",
    "TruncatedDocumentError",
    "UnknownCharsetError",
    "charset_from_content_type",
    "declared_charset",
    "iter_json_records",
    "iter_tsv_records",
    "iter_xml_records",
    "make_caster",
    "marketplace_charset",
    "normalize_datetime",
    "open_binary_stream",
    "open_text_stream",
    "read_json_value",
]
