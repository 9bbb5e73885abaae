"""Report documents: getReportDocument, the download of its presigned URL to a temporary file,
the check that the file is whole, and its decoding into records.

Nothing is decoded from a download that is not whole, so a cut download is fetched again (with a
fresh URL) without a record ever being emitted twice; memory stays flat however large the document.
The document host (S3) answers like S3: 403 for an expired or refused URL (with or without an XML
body) gets a fresh URL at once; 429 and 5xx (SlowDown, InternalError) are waited out, growing, then
retried with a fresh URL. getReportDocument itself may answer a bare 403 (no body) that is not a
missing role: it is asked again; any other answer follows the manifest's error handler.
"""

from __future__ import annotations

import gzip
import json
import logging
import tempfile
import zlib
from dataclasses import dataclass
from typing import IO, Any, Callable, Iterator, Mapping, Optional, Sequence, Tuple

import requests
import urllib3
from airbyte_cdk.models import FailureType

from ..decoding import (
    GZIP_MAGIC,
    DocumentError,
    MalformedDocumentError,
    TruncatedDocumentError,
    declared_charset,
    iter_json_records,
    iter_tsv_records,
    iter_xml_records,
    open_text_stream,
)
from ..errors import traced_error
from ..transport import DocumentHost, DownloadError, SpApiTransport, pause

logger = logging.getLogger("airbyte")

DOCUMENTS_PATH = "/reports/2021-06-30/documents"
DOWNLOAD_ATTEMPTS = 5
DOWNLOAD_CHUNK_BYTES = 1 << 20
REASON_MAX_BYTES = 64 * 1024
BACKOFF_MAX_SECONDS = 60.0
BARE_FORBIDDEN_ATTEMPTS = 4


class IncompleteDownload(Exception):
    """The connection ended before the whole document arrived."""


@dataclass(frozen=True)
class DocumentSource:
    """How to turn a report's document into records (the catalog entry's format part)."""

    report_format: str
    json_records_path: Tuple[str, ...] = ()
    xml_record_tag: Optional[str] = None
    xml_force_list: frozenset = frozenset()
    # flat files whose header Amazon localises: the first columns' names, by position
    header_names: Tuple[str, ...] = ()


class ReportDocuments:
    """Reads report documents through the sync's transport (getReportDocument) and document host."""

    def __init__(self, transport: SpApiTransport, host: DocumentHost, backoff_seconds: float = 2.0) -> None:
        self._transport = transport
        self._host = host
        self._backoff_seconds = backoff_seconds

    def records(
        self,
        document_id: str,
        source: DocumentSource,
        default_charset: str,
        label: str,
        on_header: Optional[Callable[[Sequence[str]], None]] = None,
    ) -> Iterator[Any]:
        """The document's records, downloading again (fresh URL) while it arrives cut or refused.

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
                except DownloadError as error:
                    problem = str(error)
                    self._before_next_download(label, error, attempt)
                    continue
                except (IncompleteDownload, DocumentError) as error:
                    problem = str(error)
                    logger.warning("The document of %s was incomplete (%s); downloading it again (attempt %d of %d).", label, problem, attempt, DOWNLOAD_ATTEMPTS)
                    continue
                emitted = 0
                try:
                    for record in decode_document(spool, source, content_type, default_charset, label, on_header):
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
            f"The document of {label} could not be downloaded whole in {DOWNLOAD_ATTEMPTS} attempts ({problem}); "
            "the window will be read again next sync.",
            FailureType.transient_error,
        )

    def _before_next_download(self, label: str, error: DownloadError, attempt: int) -> None:
        """A refused URL (403: expired or denied, 404) needs a fresh one, now; a throttled or failing
        host (429, 5xx) is given time first, as S3 asks (Retry-After when it says so)."""
        if error.status is not None and (error.status == 429 or error.status >= 500) and attempt < DOWNLOAD_ATTEMPTS:
            wait = error.retry_after if error.retry_after is not None else self._backoff_seconds * 2 ** (attempt - 1)
            wait = min(BACKOFF_MAX_SECONDS, max(0.0, wait))
            logger.warning(
                "The document host answered %s for %s; downloading it again with a fresh URL in %.0f s (attempt %d of %d).",
                error, label, wait, attempt, DOWNLOAD_ATTEMPTS,
            )
            pause(wait)
        else:
            logger.warning(
                "The document host answered %s for %s; downloading it again with a fresh URL (attempt %d of %d).",
                error, label, attempt, DOWNLOAD_ATTEMPTS,
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
        path = f"{DOCUMENTS_PATH}/{document_id}"
        document: Any = None
        for attempt in range(1, BARE_FORBIDDEN_ATTEMPTS + 1):
            try:
                response = self._transport.send_once("GET", path)
            except requests.RequestException:
                response = None  # the error handler's retries below decide
            if response is None or not _bare_forbidden(response):
                break
            if attempt == BARE_FORBIDDEN_ATTEMPTS:
                raise traced_error(
                    f"Amazon answered getReportDocument for {label} with HTTP 403 and no explanation {attempt} times; "
                    "the window will be read again next sync.",
                    FailureType.transient_error,
                )
            wait = min(BACKOFF_MAX_SECONDS, self._backoff_seconds * 2 ** (attempt - 1))
            logger.warning(
                "Amazon answered getReportDocument for %s with HTTP 403 and no body; asking again in %.0f s (attempt %d of %d).",
                label, wait, attempt, BARE_FORBIDDEN_ATTEMPTS,
            )
            pause(wait)
        if response is not None and response.status_code == 200:
            try:
                document = response.json()
            except ValueError:
                document = None
        if document is None:
            # anything but a clean answer: the manifest's error handler (retries, refresh, messages)
            document = self._transport.get_json(path)
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


def _bare_forbidden(response: requests.Response) -> bool:
    """403 with an empty body: not Amazon's JSON answer for a missing role (that one says so)."""
    return response.status_code == 403 and not (response.content or b"").strip()


def decode_document(
    spool: IO[bytes],
    source: DocumentSource,
    content_type: Optional[str],
    default_charset: str,
    label: str = "the report",
    on_header: Optional[Callable[[Sequence[str]], None]] = None,
) -> Iterator[Any]:
    """The records of a verified document file (gzip is recognised by its magic bytes)."""
    if source.report_format == "tsv":
        declared = declared_charset(content_type)
        lines = open_text_stream(
            spool, compressed=None, charset=declared or default_charset, declared=declared is not None,
            source=f"the document of {label}",
        )
        return iter_tsv_records(lines, header_names=source.header_names, on_header=on_header)
    if source.report_format == "json":
        return iter_json_records(spool, list(source.json_records_path), compressed=None)
    if source.report_format == "xml":
        return iter_xml_records(spool, source.xml_record_tag or "", compressed=None, force_list=source.xml_force_list)
    raise ValueError(f"unknown report format {source.report_format!r}")
