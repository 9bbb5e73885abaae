"""Report documents: getReportDocument, the download of its presigned URL to a temporary file,
the check that the file is whole, and its decoding into records.

Nothing is decoded from a download that is not whole, so a cut download is fetched again without a
record ever being emitted twice; memory stays flat however large the document. The presigned URL is
used again while the host accepts it (Amazon's URLs live 5 minutes, and getReportDocument allows one
call a minute): the document host (S3) answers 403 for an expired or refused URL (with or without an
XML body), which gets a fresh URL at once; 429 and 5xx (SlowDown, InternalError) and dropped
connections are waited out, growing, as the manifest's error handler waits for SP-API calls. A
failing host and a body that arrives cut each have a budget as large as any SP-API call's retries.
getReportDocument itself may answer a bare 403 (no body) that is not a missing role: it is asked
again; any other answer follows the manifest's error handler.
"""

from __future__ import annotations

import gzip
import json
import logging
import random
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
# Retries of one document for a failing or refusing host (HTTP errors, dropped connections): a download
# is not an SP-API call (no quota), and at the harsh test's rates (60 % failing, half the rest cut)
# 20 left one document in 400 unread; 40 leave one in 100,000. Waits are capped at 30 s: 20 minutes at
# most, the manifest's max_time. And for answers that arrived whole as HTTP but cut as a document (a
# gzip without its trailer): at half cut, 20 leave one in two million.
HOST_RETRIES = 40
CUT_DOCUMENT_RETRIES = 20
DOWNLOAD_CHUNK_BYTES = 1 << 20
REASON_MAX_BYTES = 64 * 1024
BACKOFF_MAX_SECONDS = 30.0  # the manifest's ceiling
# The longest wait between downloads, in first waits: 2 s doubling up to 30 s, as the manifest's backoff.
BACKOFF_CEILING_FACTOR = 15
BARE_FORBIDDEN_ATTEMPTS = 4
# A FATAL report's reason document: a few retries (it only explains the failure; the stream fails anyway)
REASON_RETRIES = 4


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
        """The document's records, downloading again while it arrives cut or the host fails.

        A truncation found while decoding triggers a new download only while no record has been
        yielded: a record is never emitted twice.
        """
        url: Optional[str] = None
        waited_with_url = False  # the current URL has aged through a backoff wait
        host_failures = cut_documents = downloads = 0
        problem = ""
        while host_failures <= HOST_RETRIES and cut_documents <= CUT_DOCUMENT_RETRIES:
            if url is None:
                url = self._document(document_id, label)["url"]
                waited_with_url = False
            downloads += 1
            with tempfile.TemporaryFile(prefix="spapi-report-") as spool:
                try:
                    content_type = self._download(url, spool)
                    verify_document(spool, source.report_format)
                except (DownloadError, IncompleteDownload) as error:
                    if _needs_a_fresh_url(error) and waited_with_url:
                        # Our own waiting outlived the URL (5 minutes at Amazon): not the host's
                        # failure, so it costs no retry; it only follows one that did.
                        logger.info("The download URL of the document of %s expired while the connector waited; asking for a fresh one.", label)
                        url = None
                        continue
                    problem = str(error)
                    host_failures += 1
                    if _needs_a_fresh_url(error):
                        url = None
                    if host_failures <= HOST_RETRIES:
                        waited_with_url = self._before_next_download(label, error, host_failures) > 0
                    continue
                except DocumentError as error:
                    problem = str(error)
                    cut_documents += 1
                    logger.warning("The document of %s arrived incomplete (%s); downloading it again (%d of %d retries).",
                                   label, problem, cut_documents, CUT_DOCUMENT_RETRIES)
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
                    cut_documents += 1
                    logger.warning("The document of %s arrived incomplete (%s); downloading it again (%d of %d retries).",
                                   label, problem, cut_documents, CUT_DOCUMENT_RETRIES)
                except (DocumentError, ValueError) as error:
                    # ValueError: UnknownCharsetError, a charset Amazon has never sent before
                    raise traced_error(f"Cannot decode the document of {label}: {error}.", FailureType.system_error) from None
        raise traced_error(
            f"The document of {label} could not be downloaded whole ({problem}) after {downloads} attempts; "
            "the window will be read again next sync.",
            FailureType.transient_error,
        )

    def _before_next_download(self, label: str, error: Exception, failures: int, budget: int = HOST_RETRIES) -> float:
        """A refused URL (403: expired or denied, 404) is replaced at once; a throttled or failing host
        (429, 5xx) and a dropped connection are given time first, as S3 asks (Retry-After when it says
        so), growing like the manifest's backoff (jittered, so workers failing together do not come
        back together). Returns the seconds waited."""
        if _needs_a_fresh_url(error):
            logger.warning("The document of %s: %s; downloading it again with a fresh URL (%d of %d retries).",
                           label, error, failures, budget)
            return 0.0
        longest = self._backoff_seconds * BACKOFF_CEILING_FACTOR
        retry_after = getattr(error, "retry_after", None)
        ceiling = min(longest, self._backoff_seconds * 2 ** (failures - 1))
        wait = min(BACKOFF_MAX_SECONDS, retry_after) if retry_after is not None else random.uniform(ceiling / 2, ceiling)
        logger.warning("The document of %s: %s; downloading it again in %.0f s (%d of %d retries).",
                       label, error, wait, failures, budget)
        pause(wait)
        return wait

    def text(self, document_id: str, label: str) -> str:
        """The text of a small document (a FATAL report's reason), at most REASON_MAX_BYTES of it."""
        url: Optional[str] = None
        with tempfile.TemporaryFile(prefix="spapi-reason-") as spool:
            for failures in range(1, REASON_RETRIES + 2):
                if url is None:
                    url = self._document(document_id, label)["url"]
                spool.seek(0)
                spool.truncate()
                try:
                    self._download(url, spool)
                    break
                except (DownloadError, IncompleteDownload) as error:
                    if failures > REASON_RETRIES:
                        raise
                    if self._before_next_download(f"the reason of {label}", error, failures, REASON_RETRIES) > 0 or _needs_a_fresh_url(error):
                        url = None  # refused, or aged by the wait: a reason is worth a fresh URL
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


def _needs_a_fresh_url(error: Exception) -> bool:
    """The host refused this URL (expired, or not ours): asking again with it cannot succeed."""
    return isinstance(error, DownloadError) and error.status in (401, 403, 404)


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
