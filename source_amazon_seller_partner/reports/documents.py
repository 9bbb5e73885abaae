"""Report documents: getReportDocument, the download of its presigned URL to a temporary file,
the check that the file is whole, and its decoding into records.

Nothing is decoded from a download that is not whole, so a cut download is fetched again (with a
fresh URL) without a record ever being emitted twice; memory stays flat however large the document.
"""

from __future__ import annotations

import gzip
import json
import logging
import tempfile
import zlib
from dataclasses import dataclass
from typing import IO, Any, Iterator, Mapping, Optional, Tuple

import requests
import urllib3
from airbyte_cdk.models import FailureType

from ..decoding import (
    GZIP_MAGIC,
    DocumentError,
    MalformedDocumentError,
    TruncatedDocumentError,
    charset_from_content_type,
    iter_json_records,
    iter_tsv_records,
    iter_xml_records,
    open_text_stream,
)
from ..errors import traced_error
from ..transport import DocumentHost, DownloadError, SpApiTransport

logger = logging.getLogger("airbyte")

DOCUMENTS_PATH = "/reports/2021-06-30/documents"
DOWNLOAD_ATTEMPTS = 3
DOWNLOAD_CHUNK_BYTES = 1 << 20
REASON_MAX_BYTES = 64 * 1024


class IncompleteDownload(Exception):
    """The connection ended before the whole document arrived."""


@dataclass(frozen=True)
class DocumentSource:
    """How to turn a report's document into records (the catalog entry's format part)."""

    report_format: str
    json_records_path: Tuple[str, ...] = ()
    xml_record_tag: Optional[str] = None
    xml_force_list: frozenset = frozenset()


class ReportDocuments:
    """Reads report documents through the sync's transport (getReportDocument) and document host."""

    def __init__(self, transport: SpApiTransport, host: DocumentHost) -> None:
        self._transport = transport
        self._host = host

    def records(self, document_id: str, source: DocumentSource, default_charset: str, label: str) -> Iterator[Any]:
        """The document's records, downloading again (fresh URL) while it arrives cut.

        A truncation found while decoding triggers a new download only while no record has been
        yielded: a record is never emitted twice.
        """
        problem = ""
        for attempt in range(1, DOWNLOAD_ATTEMPTS + 1):
            document = self._document(document_id, label)
            with tempfile.TemporaryFile(prefix="spapi-report-") as spool:
                try:
                    content_type = self._download(document["url"], spool)
                    verify_document(spool, source.report_format)
                except (IncompleteDownload, DocumentError, DownloadError) as error:
                    problem = str(error)
                    logger.warning("The document of %s was incomplete (%s); downloading it again (attempt %d of %d).", label, problem, attempt, DOWNLOAD_ATTEMPTS)
                    continue
                emitted = 0
                try:
                    for record in decode_document(spool, source, content_type, default_charset):
                        emitted += 1
                        yield record
                    return
                except TruncatedDocumentError as error:
                    if emitted:
                        raise traced_error(
                            f"The document of {label} ended early after {emitted} records ({error}); the window will be read again next sync.",
                            FailureType.transient_error,
                        ) from None
                    problem = str(error)
                    logger.warning("The document of %s was incomplete (%s); downloading it again (attempt %d of %d).", label, problem, attempt, DOWNLOAD_ATTEMPTS)
                except (DocumentError, ValueError) as error:
                    # ValueError: UnknownCharsetError, a charset Amazon has never sent before
                    raise traced_error(f"Cannot decode the document of {label}: {error}.", FailureType.system_error) from None
        raise traced_error(
            f"The document of {label} could not be downloaded whole in {DOWNLOAD_ATTEMPTS} attempts ({problem}).", FailureType.transient_error
        )

    def text(self, document_id: str, label: str) -> str:
        """The text of a small document (a FATAL report's reason), at most REASON_MAX_BYTES of it."""
        document = self._document(document_id, label)
        with tempfile.TemporaryFile(prefix="spapi-reason-") as spool:
            self._download(document["url"], spool)
            spool.seek(0)
            head = spool.read(len(GZIP_MAGIC))
            spool.seek(0)
            if head == GZIP_MAGIC:
                with gzip.GzipFile(fileobj=spool, mode="rb") as unpacked:
                    try:
                        raw = unpacked.read(REASON_MAX_BYTES)
                    except (EOFError, OSError, zlib.error):
                        raw = b""
            else:
                raw = spool.read(REASON_MAX_BYTES)
        text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
        try:
            # Amazon's reason documents are usually {"errorDetails": "..."}
            details = json.loads(text).get("errorDetails")
            if isinstance(details, str) and details.strip():
                text = details
        except (ValueError, AttributeError):
            pass
        return " ".join(text.split())

    def _document(self, document_id: str, label: str) -> Mapping[str, Any]:
        document = self._transport.get_json(f"{DOCUMENTS_PATH}/{document_id}")
        if not isinstance(document, Mapping) or not document.get("url"):
            raise traced_error(f"Amazon returned no download URL for the document of {label}.", FailureType.transient_error)
        return document

    def _download(self, url: str, spool: IO[bytes]) -> Optional[str]:
        """Stream the presigned URL's body, as sent (compressed or not), into `spool`; return its
        Content-Type. IncompleteDownload when the connection drops or the body is shorter than
        Content-Length. The URL is a credential: it appears in no message."""
        response = self._host.get(url)
        try:
            expected = response.headers.get("Content-Length")
            content_type = response.headers.get("Content-Type")
            received = 0
            stream = response.raw.stream(DOWNLOAD_CHUNK_BYTES, decode_content=False)
            while True:
                try:
                    chunk = next(stream, None)
                except (requests.RequestException, urllib3.exceptions.HTTPError, ConnectionError, TimeoutError) as error:
                    raise IncompleteDownload(f"the connection ended after {received} bytes ({type(error).__name__})") from None
                if chunk is None:
                    break
                spool.write(chunk)
                received += len(chunk)
        finally:
            response.close()
        if expected is not None and expected.strip().isdigit() and int(expected) != received:
            raise IncompleteDownload(f"received {received} of {expected} bytes")
        return content_type


def verify_document(spool: IO[bytes], report_format: str) -> None:
    """Check the downloaded file is whole before anything is decoded from it.

    gzip: decompress once to the end (the trailer's CRC and length prove completeness). Plain JSON and
    XML documents must end with their closing bracket or tag. Raises a DocumentError.
    """
    spool.seek(0)
    head = spool.read(len(GZIP_MAGIC))
    spool.seek(0)
    if head == GZIP_MAGIC:
        try:
            with gzip.GzipFile(fileobj=spool, mode="rb") as unpacked:
                while unpacked.read(DOWNLOAD_CHUNK_BYTES):
                    pass
        except EOFError:
            raise TruncatedDocumentError("the compressed report document ends before its gzip trailer") from None
        except (OSError, zlib.error) as error:
            raise MalformedDocumentError(f"the compressed report document is corrupt ({type(error).__name__})") from None
        finally:
            spool.seek(0)
        return
    if report_format in ("json", "xml"):
        last = _last_non_space_byte(spool)
        if last is not None and last not in (b"}", b"]", b">"):
            raise TruncatedDocumentError(f"the {report_format.upper()} report document does not end with its closing mark")
    spool.seek(0)


def _last_non_space_byte(spool: IO[bytes]) -> Optional[bytes]:
    spool.seek(0, 2)
    size = spool.tell()
    spool.seek(max(0, size - 4096))
    tail = spool.read().rstrip()
    spool.seek(0)
    return tail[-1:] if tail else None


def decode_document(spool: IO[bytes], source: DocumentSource, content_type: Optional[str], default_charset: str) -> Iterator[Any]:
    """The records of a verified document file (gzip is recognised by its magic bytes)."""
    if source.report_format == "tsv":
        charset = charset_from_content_type(content_type, default=default_charset)
        return iter_tsv_records(open_text_stream(spool, compressed=None, charset=charset))
    if source.report_format == "json":
        return iter_json_records(spool, list(source.json_records_path), compressed=None)
    if source.report_format == "xml":
        return iter_xml_records(spool, source.xml_record_tag or "", compressed=None, force_list=source.xml_force_list)
    raise ValueError(f"unknown report format {source.report_format!r}")
