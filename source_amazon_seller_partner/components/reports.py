"""Report streams: one Amazon report per (stream, marketplace, window), from request to typed records.

Why custom: the CDK's AsyncRetriever polls at a fixed 5 s, retries FATAL jobs immediately, treats
CANCELLED (Amazon's "no data") as a failure, cannot reuse or resume reports and buffers XML.

Per slice (`ReportJob`):
1. reuse: a matching report from one getReports listing per sync (`RecentReports`): a report still
   IN_QUEUE/IN_PROGRESS for this window (typically one an earlier sync stopped waiting for) is resumed,
   a DONE one is reused; otherwise createReport.
2. poll getReport, 1 s growing x1.5 up to 30 s (the shared token bucket paces it as well), until
   DONE/CANCELLED/FATAL or the wait timeout; at the timeout the slice fails as transient and is not
   checkpointed, so the next sync asks for the same window and resumes that report via step 1.
3. CANCELLED: no records, the window completes. FATAL: log Amazon's reason document, wait the
   cooldown, request once more (never reusing the FATAL report); FATAL again fails only this stream.
4. DONE: getReportDocument, download the presigned URL to a temporary file (streamed, compressed as
   sent), check it is complete (length, gzip trailer) before decoding, so a cut download is fetched
   again with a fresh URL (at most 3 times) without ever emitting a record twice.
Settlement-kind reports are never requested: the ones Amazon made are listed and read.

State: the stream's cursor is `dataEndTime`, stamped on every record. After a window completes, the
job tells the cursor that everything up to the window's end is read (an observed value of end + 1 s,
the next window's start), so a window with no records (CANCELLED) advances the state too, and the
next sync's windows line up with this sync's (which is what lets step 1 find a pending report).

Thread-safety: the CDK shares one retriever across worker threads; every per-slice value lives in the
job object created for that slice. Shared objects (client, report index, caster) lock their own dicts.
"""

from __future__ import annotations

import gzip
import json
import logging
import tempfile
import threading
import time
import zlib
from collections import OrderedDict
from dataclasses import InitVar, dataclass, field
from datetime import datetime, timedelta, timezone
from typing import IO, Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple

import requests
import urllib3
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.retrievers.retriever import Retriever
from airbyte_cdk.sources.types import Record, StreamSlice
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from .client import SpApiClient, SpApiError, error_summary
from .config import format_datetime
from .decoders import (
    GZIP_MAGIC,
    DocumentError,
    MalformedDocumentError,
    TruncatedDocumentError,
    UnknownCharsetError,
    charset_from_content_type,
    iter_json_records,
    iter_tsv_records,
    iter_xml_records,
    make_caster,
    open_text_stream,
)
from .marketplaces import BY_ID
from .report_catalog import ReportStreamSpec, load_report_catalog

logger = logging.getLogger("airbyte")

REPORTS_PATH = "/reports/2021-06-30/reports"
DOCUMENTS_PATH = "/reports/2021-06-30/documents"

PENDING_STATUSES = ("IN_QUEUE", "IN_PROGRESS")
FINAL_STATUSES = ("DONE", "CANCELLED", "FATAL")
REUSABLE_STATUSES = PENDING_STATUSES + ("DONE",)

POLL_FIRST_SECONDS = 1.0
POLL_GROWTH = 1.5
POLL_MAX_SECONDS = 30.0
DOWNLOAD_ATTEMPTS = 3
DOWNLOAD_CHUNK_BYTES = 1 << 20
GETREPORTS_MAX_TYPES = 10  # Amazon's limit for reportTypes
GETREPORTS_PAGE_SIZE = 100
GETREPORTS_MAX_PAGES = 200
# How far back a report requested by an earlier sync is looked for (see RecentReports).
RESUME_HORIZON = timedelta(hours=24)
LISTING_MAX_AGE = timedelta(days=89)  # Amazon keeps reports 90 days
FATAL_REASON_MAX_CHARS = 500
FATAL_REASON_MAX_BYTES = 64 * 1024
# FATAL reasons that a user fixes in the config or in Seller Central rather than by waiting.
_TOO_SOON_REASON_WORDS = ("too soon", "short time ago", "same type, marketplaces", "identical")
_CONFIG_REASON_WORDS = ("access", "authoriz", "permission", "role", "option", "eligible", "registered", "not enrolled")


# ------------------------------------------------------------------------------- presigned URLs in logs

_PRESIGNED_MARKS = ("X-Amz-", "Signature=", "Expires=")


class PresignedUrlRedactor(logging.Filter):
    """Cuts the query string (the signature) off presigned URLs in urllib3's debug lines, which log
    every request's path and query: a presigned URL is a credential for five minutes."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(isinstance(a, str) and "?" in a for a in record.args):
            record.args = tuple(_redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str) and "?" in record.msg:
            record.msg = _redact(record.msg)
        return True


def _redact(text: str) -> str:
    if not any(mark in text for mark in _PRESIGNED_MARKS):
        return text
    return " ".join(word.split("?", 1)[0] + "?<redacted>" if "?" in word and any(m in word for m in _PRESIGNED_MARKS) else word for word in text.split(" "))


def _install_redactor() -> None:
    for name in ("urllib3.connectionpool", "urllib3.util.retry"):
        target = logging.getLogger(name)
        if not any(isinstance(f, PresignedUrlRedactor) for f in target.filters):
            target.addFilter(PresignedUrlRedactor())


_install_redactor()


# --------------------------------------------------------------------------------------------- time


def parse_time(value: Any) -> Optional[datetime]:
    """A timezone-aware datetime from Amazon's or the cursor's ISO-8601 text; None if absent or unreadable."""
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


# ------------------------------------------------------------------------------------------ settings


@dataclass(frozen=True)
class JobSettings:
    wait_timeout_seconds: float
    fatal_cooldown_seconds: float
    reuse_max_age: timedelta
    resume_horizon: timedelta
    poll_first_seconds: float = POLL_FIRST_SECONDS
    poll_max_seconds: float = POLL_MAX_SECONDS

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "JobSettings":
        # Underscore keys are for tests (whole minutes are too coarse for them); users set the minutes.
        wait = config.get("_report_wait_timeout_seconds")
        if wait is None:
            wait = 60.0 * float(config.get("report_wait_timeout_minutes", 60))
        wait = max(0.0, float(wait))
        return cls(
            wait_timeout_seconds=wait,
            fatal_cooldown_seconds=max(0.0, float(config.get("report_fatal_retry_cooldown_seconds", 120))),
            reuse_max_age=timedelta(minutes=max(0, int(config.get("report_reuse_max_age_minutes", 60)))),
            resume_horizon=min(LISTING_MAX_AGE, max(RESUME_HORIZON, timedelta(seconds=2 * wait))),
            poll_first_seconds=max(0.0, float(config.get("_report_poll_first_seconds", POLL_FIRST_SECONDS))),
            poll_max_seconds=max(0.0, float(config.get("_report_poll_max_seconds", POLL_MAX_SECONDS))),
        )


# -------------------------------------------------------------------------------------- report window


@dataclass(frozen=True)
class ReportWindow:
    marketplace_id: Optional[str]
    start: Optional[datetime]
    end: Optional[datetime]
    # The window ends at the sync's end date (its end moves with every sync; see RecentReports.find).
    is_last: bool = False
    snapshot: bool = False

    def describe(self) -> str:
        if self.snapshot or self.start is None or self.end is None:
            return f"the snapshot of {format_datetime(self.end)}" if self.end else "the current snapshot"
        return f"{format_datetime(self.start)}..{format_datetime(self.end)}"


def report_label(report_type: str, window: ReportWindow) -> str:
    where = f" in marketplace {window.marketplace_id}" if window.marketplace_id else ""
    return f"report {report_type} for {window.describe()}{where}"


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _traced(message: str, failure_type: FailureType) -> AirbyteTracedException:
    return AirbyteTracedException(message=message, internal_message=message, failure_type=failure_type)


# ------------------------------------------------------------------------------------- report options


def effective_report_options(spec: ReportStreamSpec, config: Mapping[str, Any]) -> Dict[str, str]:
    """The catalog's default options overridden by the user's `report_options_list`.

    An entry whose `stream_name` is this stream wins; without one, the entries whose `report_name` is
    this report type apply (in order). The same rule is spelled in Jinja by report_catalog.py for the
    `reportPeriod` that decides the windows.
    """
    entries = [e for e in (config.get("report_options_list") or []) if isinstance(e, Mapping)]
    chosen = [e for e in entries if e.get("stream_name") == spec.name]
    if not chosen:
        chosen = [e for e in entries if e.get("report_name") == spec.report_type]
    options = dict(spec.default_options)
    for entry in chosen:
        for option in entry.get("options_list") or []:
            if isinstance(option, Mapping) and option.get("option_name"):
                options[str(option["option_name"])] = str(option.get("option_value", ""))
    return options


# ------------------------------------------------------------------------------ recent reports index


class RecentReports:
    """Reports Amazon already has for this sync's report types, listed once per sync.

    getReports allows 0.0222 requests/s, so it is never called per slice: the first slice of a report
    type lists its type together with every other type whose slices are waiting at that moment (up
    to 10 per call, Amazon's limit), and later slices of those types read the stored listing.

    The listing reaches back max(reuse age, resume horizon = max(24 h, 2 x wait timeout)); what is used:
    - same type, marketplace, dataStartTime and dataEndTime, IN_QUEUE/IN_PROGRESS/DONE: in practice the
      report an earlier sync asked for and stopped waiting for, so it is used (resumed) within the
      horizon even when reuse is off;
    - the last window (ending "now"): a pending report with the same start and an earlier end (an
      earlier sync's "now"), or such a DONE one within the reuse age; the state then stops at its end;
    - snapshots: the newest DONE report within the reuse age, or a pending one within the horizon.
    getReports does not return report options, so a report asked for with other options can be reused.
    """

    _registry: "OrderedDict[int, Tuple[Mapping[str, Any], RecentReports]]" = OrderedDict()
    _registry_lock = threading.Lock()
    _REGISTRY_SIZE = 8

    def __init__(self, client: SpApiClient, settings: JobSettings, now: Callable[[], datetime] = _utc_now) -> None:
        self._client = client
        self._settings = settings
        self._now = now
        self._lock = threading.Lock()  # guards the three collections below
        self._listed: Dict[str, List[Mapping[str, Any]]] = {}
        self._waiting: List[str] = []
        self._expected: List[str] = []
        self._listing_lock = threading.Lock()  # one listing call at a time: the others batch behind it
        # Reports this sync requested, by request body: two streams reading one report (sales and
        # traffic by date and by ASIN) share it; Amazon answers an identical request FATAL.
        self._requested: Dict[str, str] = {}
        self._request_locks: Dict[str, threading.Lock] = {}

    @classmethod
    def for_sync(cls, config: Mapping[str, Any]) -> "RecentReports":
        """The index shared by every report stream built from this config object (one sync)."""
        with cls._registry_lock:
            entry = cls._registry.get(id(config))
            if entry is not None and entry[0] is config:
                return entry[1]
            index = cls(SpApiClient(config), JobSettings.from_config(config))
            # The config is kept with the index so its id cannot be reused by another sync's config.
            cls._registry[id(config)] = (config, index)
            while len(cls._registry) > cls._REGISTRY_SIZE:
                cls._registry.popitem(last=False)
            return index

    def expect(self, report_types: Iterable[str]) -> None:
        """Report types this sync will read: a listing call fills its 10 places with them."""
        with self._lock:
            self._expected.extend(t for t in report_types if t not in self._expected)

    def reports_of(self, report_type: str) -> List[Mapping[str, Any]]:
        with self._lock:
            if report_type in self._listed:
                return self._listed[report_type]
            if report_type not in self._waiting:
                self._waiting.append(report_type)
        with self._listing_lock:
            with self._lock:
                if report_type in self._listed:  # listed by another thread while this one waited
                    return self._listed[report_type]
                batch = [report_type]
                for candidate in self._waiting + self._expected:
                    if len(batch) < GETREPORTS_MAX_TYPES and candidate not in batch and candidate not in self._listed:
                        batch.append(candidate)
            listed = self._list(batch)
            with self._lock:
                for listed_type in batch:
                    self._listed[listed_type] = listed.get(listed_type, [])
                self._waiting = [t for t in self._waiting if t not in batch]
                return self._listed[report_type]

    def _list(self, report_types: List[str]) -> Dict[str, List[Mapping[str, Any]]]:
        since = self._now() - max(self._settings.reuse_max_age, self._settings.resume_horizon)
        params: Mapping[str, Any] = {
            "reportTypes": ",".join(report_types),
            "processingStatuses": ",".join(REUSABLE_STATUSES),
            "createdSince": format_datetime(since),
            "pageSize": GETREPORTS_PAGE_SIZE,
        }
        found: Dict[str, List[Mapping[str, Any]]] = {}
        try:
            for report in list_reports(self._client, params):
                found.setdefault(report.get("reportType", ""), []).append(report)
        except (SpApiError, AirbyteTracedException) as error:
            # Reuse saves requests but is not needed for correctness: carry on with new reports.
            logger.warning("Could not list recent reports of %s (%s); requesting new ones.", ", ".join(report_types), error)
            return {}
        logger.info("Listed %d recent report(s) of %s for reuse.", sum(len(v) for v in found.values()), ", ".join(report_types))
        return found

    def requested_once(self, body: Mapping[str, Any], create: Callable[[], str]) -> str:
        """The id of the report this sync requested with this exact body, requesting it on first use."""
        key = json.dumps(body, sort_keys=True)
        with self._lock:
            lock = self._request_locks.setdefault(key, threading.Lock())
        with lock:  # a second stream waits for the first one's request instead of repeating it
            with self._lock:
                if key in self._requested:
                    return self._requested[key]
            report_id = create()
            with self._lock:
                self._requested[key] = report_id
            return report_id

    def created_moments_ago(self, report_type: str, window: ReportWindow, snapshot: bool) -> Optional[Mapping[str, Any]]:
        """A fresh listing, for the report a createReport whose answer was lost may have created."""
        params = {
            "reportTypes": report_type,
            "processingStatuses": ",".join(REUSABLE_STATUSES),
            "marketplaceIds": window.marketplace_id,
            "createdSince": format_datetime(self._now() - timedelta(minutes=15)),
            "pageSize": GETREPORTS_PAGE_SIZE,
        }
        try:
            reports = list(list_reports(self._client, params))
        except (SpApiError, AirbyteTracedException) as error:
            logger.warning("Could not list the reports of %s created moments ago (%s).", report_type, error)
            return None
        return self._best(reports, window, snapshot)

    def find(self, report_type: str, window: ReportWindow, snapshot: bool) -> Optional[Mapping[str, Any]]:
        """The best report to use for this window, or None to request a new one."""
        return self._best(self.reports_of(report_type), window, snapshot)

    def _best(self, reports: Iterable[Mapping[str, Any]], window: ReportWindow, snapshot: bool) -> Optional[Mapping[str, Any]]:
        now = self._now()
        reuse_age, horizon = self._settings.reuse_max_age, self._settings.resume_horizon
        best: Optional[Mapping[str, Any]] = None
        best_rank: Tuple[Any, ...] = ()
        for report in reports:
            if list(report.get("marketplaceIds") or []) != [window.marketplace_id]:
                continue
            status = report.get("processingStatus")
            created = parse_time(report.get("createdTime")) or now
            age = now - created
            pending = status in PENDING_STATUSES
            recent_done = status == "DONE" and bool(reuse_age) and age <= reuse_age
            if snapshot:
                usable = recent_done or (pending and age <= horizon)
                rank: Tuple[Any, ...] = (created,)
            else:
                start, end = parse_time(report.get("dataStartTime")), parse_time(report.get("dataEndTime"))
                if start is None or end is None or start != window.start or window.end is None:
                    continue
                if end == window.end:
                    # the same window: pending or DONE, it is the report an earlier attempt asked for
                    usable = (pending or status == "DONE") and age <= max(reuse_age, horizon)
                    exact = 1
                elif window.is_last and start < end < window.end:
                    # The last window ends at "now", which moves between syncs: the report an earlier sync
                    # asked for up to its own "now" still serves, and the state then stops at its end.
                    usable = (pending and age <= horizon) or recent_done
                    exact = 0
                else:
                    continue
                rank = (exact, end, created)
            if usable and (best is None or rank > best_rank):
                best, best_rank = report, rank
        return best


def expect_report_types(config: Mapping[str, Any], report_types: Iterable[str]) -> None:
    """Announce the report types a sync reads (the configured catalog's), before reading, so that
    getReports lists them 10 at a time. Without it, types are listed as their streams start, which
    batches only the streams that start together. `config` is the object given to the components."""
    RecentReports.for_sync(config).expect(report_types)


def list_reports(client: SpApiClient, params: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every report of a getReports query, following nextToken (which Amazon wants sent alone)."""
    query: Mapping[str, Any] = params
    for _ in range(GETREPORTS_MAX_PAGES):
        page = client.get_json(REPORTS_PATH, params=query)
        yield from page.get("reports") or []
        token = page.get("nextToken")
        if not token:
            return
        query = {"nextToken": token}
    logger.warning("Stopped listing reports after %d pages.", GETREPORTS_MAX_PAGES)


# ----------------------------------------------------------------------------------- document reader


class IncompleteDownload(Exception):
    """The connection ended before the whole document arrived."""


@dataclass(frozen=True)
class DocumentSource:
    """How to turn a report's document into records (the catalog entry's format part)."""

    report_format: str
    json_records_path: Tuple[str, ...] = ()
    xml_record_tag: Optional[str] = None
    xml_force_list: frozenset = frozenset()


def download_document(client: SpApiClient, url: str, spool: IO[bytes]) -> Optional[str]:
    """Stream the presigned URL's body, as sent (compressed or not), into `spool`; return its Content-Type.

    Raises IncompleteDownload when the connection drops or the body is shorter than Content-Length.
    The URL is a credential: it appears in no message.
    """
    response = client.download(url)
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


def marketplace_charset(marketplace_id: Optional[str]) -> str:
    """Python codec for a marketplace's flat files when Content-Type names no charset."""
    name = BY_ID[marketplace_id].default_charset if marketplace_id in BY_ID else "cp1252"
    # Resolved through the decoders' alias table (Shift_JIS files need cp932, its superset).
    return charset_from_content_type(f"text/plain; charset={name}")


def read_document_records(
    client: SpApiClient,
    document_id: str,
    source: DocumentSource,
    default_charset: str,
    label: str,
) -> Iterator[Any]:
    """Download a report document and yield its records, downloading again (fresh URL) if it arrives cut.

    Nothing is yielded from a download that failed its completeness check, and a truncation found while
    decoding triggers a new download only while no record has been yielded: a record is never emitted
    twice. Memory stays flat: the body goes to a temporary file, decoding reads it in chunks.
    """
    problem = ""
    for attempt in range(1, DOWNLOAD_ATTEMPTS + 1):
        document = get_document(client, document_id, label)
        with tempfile.TemporaryFile(prefix="spapi-report-") as spool:
            try:
                content_type = download_document(client, document["url"], spool)
                verify_document(spool, source.report_format)
            except (IncompleteDownload, DocumentError, SpApiError) as error:
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
                    raise _traced(f"The document of {label} ended early after {emitted} records ({error}); the window will be read again next sync.", FailureType.transient_error) from None
                problem = str(error)
                logger.warning("The document of %s was incomplete (%s); downloading it again (attempt %d of %d).", label, problem, attempt, DOWNLOAD_ATTEMPTS)
            except UnknownCharsetError as error:
                raise _traced(f"Cannot decode the document of {label}: {error}.", FailureType.system_error) from None
            except DocumentError as error:
                raise _traced(f"Cannot decode the document of {label}: {error}.", FailureType.system_error) from None
    raise _traced(f"The document of {label} could not be downloaded whole in {DOWNLOAD_ATTEMPTS} attempts ({problem}).", FailureType.transient_error)


def get_document(client: SpApiClient, document_id: str, label: str) -> Mapping[str, Any]:
    try:
        document = client.get_json(f"{DOCUMENTS_PATH}/{document_id}")
    except SpApiError as error:
        raise _traced(f"Could not get the document of {label}: {error}", FailureType.transient_error) from None
    if not isinstance(document, Mapping) or not document.get("url"):
        raise _traced(f"Amazon returned no download URL for the document of {label}.", FailureType.transient_error)
    return document


def read_small_document(client: SpApiClient, document_id: str, label: str) -> str:
    """The text of a small document (a FATAL report's reason), at most FATAL_REASON_MAX_BYTES of it."""
    document = get_document(client, document_id, label)
    with tempfile.TemporaryFile(prefix="spapi-reason-") as spool:
        download_document(client, document["url"], spool)
        spool.seek(0)
        head = spool.read(len(GZIP_MAGIC))
        spool.seek(0)
        if head == GZIP_MAGIC:
            with gzip.GzipFile(fileobj=spool, mode="rb") as unpacked:
                try:
                    raw = unpacked.read(FATAL_REASON_MAX_BYTES)
                except (EOFError, OSError, zlib.error):
                    raw = b""
        else:
            raw = spool.read(FATAL_REASON_MAX_BYTES)
    text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    try:
        # Amazon's reason documents are usually {"errorDetails": "..."}
        details = json.loads(text).get("errorDetails")
        if isinstance(details, str) and details.strip():
            text = details
    except (ValueError, AttributeError):
        pass
    return " ".join(text.split())


# ------------------------------------------------------------------------------------------ the job


@dataclass(frozen=True)
class StreamContext:
    """What every job of one report stream shares (read-only)."""

    spec: ReportStreamSpec
    config: Mapping[str, Any]
    client: SpApiClient
    settings: JobSettings
    recent: RecentReports
    source: DocumentSource
    cast: Callable[[Dict[str, Any]], Dict[str, Any]]


class ReportJob:
    """One report for one window: reuse/create, wait, then records. Not shared between threads."""

    def __init__(self, context: StreamContext, window: ReportWindow) -> None:
        self._context = context
        self._window = window
        self._spec = context.spec
        self._client = context.client
        self._label = report_label(context.spec.report_type, window)
        # Up to where the data is read once the job completes (the report's own end may be earlier
        # than the window's when a report of an earlier sync's "now" was resumed).
        self.completed_through: Optional[datetime] = window.end
        self.record_window: Tuple[Optional[datetime], Optional[datetime]] = (window.start, window.end)

    # -- lifecycle
    def records(self) -> Iterator[Dict[str, Any]]:
        report = self._reused_report()
        report_id = report["reportId"] if report else self._context.recent.requested_once(self.request_body(), self._create_report)
        final = self._wait(report_id)
        if final.get("processingStatus") == "FATAL":
            reason = self._fatal_reason(final)
            logger.warning(
                "Amazon ended %s (id %s) FATAL: %s. Requesting it again in %.0f s.",
                self._label, report_id, reason or "no reason document", self._context.settings.fatal_cooldown_seconds,
            )
            time.sleep(self._context.settings.fatal_cooldown_seconds)
            report_id = self._create_report()
            final = self._wait(report_id)
            if final.get("processingStatus") == "FATAL":
                self._fail_fatal(report_id, self._fatal_reason(final))
        if final.get("processingStatus") == "CANCELLED":
            logger.info("%s was CANCELLED by Amazon: no data for this range.", _capitalized(self._label))
            return
        document_id = final.get("reportDocumentId")
        if not document_id:
            raise _traced(f"Amazon marked {self._label} (id {report_id}) DONE without a document.", FailureType.transient_error)
        yield from self._records_of_document(document_id)

    def _reused_report(self) -> Optional[Mapping[str, Any]]:
        snapshot = self._spec.window_kind == "snapshot"
        report = self._context.recent.find(self._spec.report_type, self._window, snapshot)
        if not report:
            return None
        status = report.get("processingStatus")
        verb = "Reusing" if status == "DONE" else "Resuming"
        logger.info("%s %s report %s (created %s) for %s.", verb, status, report.get("reportId"), report.get("createdTime"), self._label)
        if not snapshot:
            end = parse_time(report.get("dataEndTime"))
            if end is not None and self._window.end is not None and end < self._window.end:
                self.completed_through = end
                self.record_window = (self._window.start, end)
        return report

    def request_body(self) -> Dict[str, Any]:
        body: Dict[str, Any] = {"reportType": self._spec.report_type, "marketplaceIds": [self._window.marketplace_id]}
        if self._spec.window_kind != "snapshot" and self._window.start and self._window.end:
            body["dataStartTime"] = format_datetime(self._window.start)
            body["dataEndTime"] = format_datetime(self._window.end)
        options = effective_report_options(self._spec, self._context.config)
        if self._spec.window_options and self._window.start and self._window.end:
            options.setdefault(self._spec.window_options["start"], format_datetime(self._window.start))
            options.setdefault(self._spec.window_options["end"], format_datetime(self._window.end))
        if options:
            body["reportOptions"] = options
        return body

    def _create_report(self) -> str:
        self.completed_through = self._window.end
        self.record_window = (self._window.start, self._window.end)
        try:
            response = self._client.request("POST", REPORTS_PATH, json=self.request_body(), idempotent=False)
        except SpApiError as error:
            if not error.answer_lost:
                raise _traced(f"Could not request {self._label}: {error}.", FailureType.transient_error) from None
            # Amazon may have created the report: asking again would make a duplicate it ends FATAL.
            created = self._context.recent.created_moments_ago(self._spec.report_type, self._window, self._spec.window_kind == "snapshot")
            if created:
                logger.info("The answer to createReport for %s was lost; using report %s it created.", self._label, created.get("reportId"))
                return str(created["reportId"])
            try:
                response = self._client.request("POST", REPORTS_PATH, json=self.request_body(), idempotent=False)
            except SpApiError as second:
                raise _traced(f"Could not request {self._label}: {second}.", FailureType.transient_error) from None
        if response.status_code in (200, 202):
            report_id = (response.json() or {}).get("reportId")
            if report_id:
                logger.info("Requested %s: report id %s.", self._label, report_id)
                return str(report_id)
        code, message = error_summary(response)
        detail = f"HTTP {response.status_code} {code or ''} {message or ''}".strip()
        if response.status_code in (400, 401, 403):
            raise _traced(
                f"Amazon refused to create {self._label} ({detail}). Check the report options of stream "
                f"{self._spec.name} and that the app has the '{self._spec.role or 'required'}' role.",
                FailureType.config_error,
            )
        raise _traced(f"Amazon could not create {self._label} ({detail}).", FailureType.transient_error)

    def _wait(self, report_id: str) -> Mapping[str, Any]:
        settings = self._context.settings
        deadline = time.monotonic() + settings.wait_timeout_seconds
        interval = settings.poll_first_seconds
        while True:
            try:
                report = self._client.get_json(f"{REPORTS_PATH}/{report_id}")
            except SpApiError as error:
                raise _traced(f"Could not get the status of {self._label} (id {report_id}): {error}.", FailureType.transient_error) from None
            status = report.get("processingStatus")
            if status in FINAL_STATUSES:
                return report
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                message = (
                    f"{_capitalized(self._label)} (id {report_id}) is still {status} after waiting "
                    f"{_duration(settings.wait_timeout_seconds)}; the next sync resumes it instead of requesting a new one."
                )
                logger.warning(message)
                raise _traced(message, FailureType.transient_error)
            time.sleep(min(interval, remaining))
            interval = min(interval * POLL_GROWTH, settings.poll_max_seconds)

    def _fatal_reason(self, report: Mapping[str, Any]) -> str:
        document_id = report.get("reportDocumentId")
        if not document_id:
            return ""
        try:
            reason = read_small_document(self._client, document_id, self._label)
        except (AirbyteTracedException, SpApiError, IncompleteDownload, OSError) as error:
            return f"(its reason document could not be read: {getattr(error, 'message', None) or error})"
        if len(reason) > FATAL_REASON_MAX_CHARS:
            reason = reason[:FATAL_REASON_MAX_CHARS] + "..."
        return reason

    def _fail_fatal(self, report_id: str, reason: str) -> None:
        lowered = reason.lower()
        if any(word in lowered for word in _TOO_SOON_REASON_WORDS):
            failure_type = FailureType.transient_error  # Amazon's identical-request cooldown: later syncs succeed
        elif any(word in lowered for word in _CONFIG_REASON_WORDS):
            failure_type = FailureType.config_error
        else:
            failure_type = FailureType.system_error
        raise _traced(
            f"Amazon ended {self._label} FATAL twice (last id {report_id}); Amazon's reason: {reason or 'none given'}. "
            "The other streams continue; the next sync asks for this window again.",
            failure_type,
        )

    def _records_of_document(self, document_id: str) -> Iterator[Dict[str, Any]]:
        start, end = self.record_window
        yield from stamped_records(self._context, document_id, self._window.marketplace_id, start, end, None, self._label)


def stamped_records(
    context: StreamContext,
    document_id: str,
    marketplace_id: Optional[str],
    start: Optional[datetime],
    end: Optional[datetime],
    report_id: Optional[str],
    label: str,
) -> Iterator[Dict[str, Any]]:
    """A document's records, typed per the stream's schema, with the connector's columns added."""
    stamp: Dict[str, Any] = {
        "marketplace_id": marketplace_id,
        "dataStartTime": format_datetime(start) if start else None,
        "dataEndTime": format_datetime(end) if end else None,
    }
    if report_id is not None:
        stamp["report_id"] = report_id
    rows = read_document_records(context.client, document_id, context.source, marketplace_charset(marketplace_id), label)
    for row in rows:
        record = context.cast(row if isinstance(row, dict) else {"value": row})
        record.update(stamp)
        yield record


class SettlementJob:
    """Settlement-kind reports are made by Amazon on its own schedule: list the DONE ones created in the
    window and read each, with the report's own id and period on every row."""

    def __init__(self, context: StreamContext, window: ReportWindow) -> None:
        self._context = context
        self._window = window
        self.completed_through: Optional[datetime] = window.end

    def records(self) -> Iterator[Dict[str, Any]]:
        spec = self._context.spec
        since = max(self._window.start or _utc_now(), _utc_now() - LISTING_MAX_AGE)
        params: Dict[str, Any] = {
            "reportTypes": spec.report_type,
            "processingStatuses": "DONE",
            "createdSince": format_datetime(since),
            "pageSize": GETREPORTS_PAGE_SIZE,
        }
        if self._window.end:
            params["createdUntil"] = format_datetime(self._window.end)
        wanted = set(self._context.config.get("_marketplace_ids") or [])
        try:
            reports = [r for r in list_reports(self._context.client, params) if r.get("reportType") == spec.report_type]
        except SpApiError as error:
            raise _traced(f"Could not list the {spec.report_type} reports for {self._window.describe()}: {error}.", FailureType.transient_error) from None
        reports.sort(key=lambda r: (parse_time(r.get("createdTime")) or datetime.min.replace(tzinfo=timezone.utc), r.get("reportId", "")))
        logger.info("Found %d %s report(s) created in %s.", len(reports), spec.report_type, self._window.describe())
        for report in reports:
            marketplaces = list(report.get("marketplaceIds") or [])
            if wanted and marketplaces and not wanted.intersection(marketplaces):
                continue
            marketplace_id = next((m for m in marketplaces if m in wanted), marketplaces[0] if marketplaces else None)
            if not report.get("reportDocumentId"):
                continue
            start, end = parse_time(report.get("dataStartTime")), parse_time(report.get("dataEndTime"))
            period = ReportWindow(marketplace_id, start, end)
            label = f"{report_label(spec.report_type, period)} (id {report.get('reportId')})"
            yield from stamped_records(self._context, report["reportDocumentId"], marketplace_id, start, end, report.get("reportId"), label)


# ------------------------------------------------------------------------------------ the retriever


def _array_property_names(schema: Any) -> frozenset:
    """Names of every property typed as an array, at any depth (XML repeats them as sibling elements)."""
    names = set()
    pending = [schema]
    while pending:
        node = pending.pop()
        if not isinstance(node, Mapping):
            continue
        for name, sub in (node.get("properties") or {}).items():
            if isinstance(sub, Mapping):
                types = sub.get("type")
                if types == "array" or (isinstance(types, list) and "array" in types):
                    names.add(name)
                pending.append(sub)
        if isinstance(node.get("items"), Mapping):
            pending.append(node["items"])
    return frozenset(names)


@dataclass
class ReportRetriever(Retriever):
    """Declarative custom retriever of every report stream (see report_catalog.report_stream_definitions).

    `report_stream` names the catalog entry (default: the stream's name). The CDK passes `cursor`
    (the stream's concurrent cursor), used to mark a completed window as read even when it had no rows.
    """

    config: Mapping[str, Any]
    parameters: InitVar[Mapping[str, Any]]
    name: str = ""
    report_stream: str = ""
    cursor: Optional[Any] = None
    spec: Optional[ReportStreamSpec] = None
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _context: Optional[StreamContext] = field(default=None, init=False, repr=False)

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        if self.spec is None:
            wanted = self.report_stream or self.name or (parameters or {}).get("name", "")
            self.spec = next((s for s in load_report_catalog() if s.name == wanted), None)
            if self.spec is None:
                raise ValueError(f"No report catalog entry named {wanted!r}")
        if not self.name:
            self.name = self.spec.name

    def _stream_context(self, records_schema: Mapping[str, Any]) -> StreamContext:
        # Built on first use (discover never needs it), once per stream, shared by its threads.
        with self._lock:
            if self._context is None:
                assert self.spec is not None
                client = SpApiClient(self.config)
                settings = JobSettings.from_config(self.config)
                self._context = StreamContext(
                    spec=self.spec,
                    config=self.config,
                    client=client,
                    settings=settings,
                    recent=RecentReports.for_sync(self.config),
                    source=DocumentSource(
                        report_format=self.spec.format,
                        json_records_path=tuple(self.spec.json_records_path),
                        xml_record_tag=self.spec.xml_record_tag,
                        xml_force_list=_array_property_names(records_schema),
                    ),
                    cast=make_caster(records_schema or {}),
                )
            return self._context

    def read_records(self, records_schema: Mapping[str, Any], stream_slice: Optional[StreamSlice] = None) -> Iterable[Mapping[str, Any]]:
        context = self._stream_context(records_schema)
        window = self._window(stream_slice)
        job: Any = SettlementJob(context, window) if context.spec.window_kind == "settlement" else ReportJob(context, window)
        yield from job.records()
        self._mark_read_through(stream_slice, job.completed_through)

    def _window(self, stream_slice: Optional[StreamSlice]) -> ReportWindow:
        partition = stream_slice.partition if stream_slice is not None else {}
        cursor_slice = stream_slice.cursor_slice if stream_slice is not None else {}
        start = parse_time(cursor_slice.get("start_time"))
        end = parse_time(cursor_slice.get("end_time"))
        sync_end = parse_time(self.config.get("_end_date"))
        return ReportWindow(
            marketplace_id=partition.get("marketplace_id"),
            start=start,
            end=end,
            is_last=end is not None and sync_end is not None and end >= sync_end,
            snapshot=self.spec is not None and self.spec.window_kind == "snapshot",
        )

    def _mark_read_through(self, stream_slice: Optional[StreamSlice], through: Optional[datetime]) -> None:
        """Tell the cursor the window is read up to `through` (state = the next window's start).

        The CDK's sequential state moves to the highest cursor value observed in the completed windows;
        a window without rows (CANCELLED, or an empty report) would otherwise leave it where it was.
        """
        cursor_field = getattr(self.cursor, "cursor_field", None)
        if stream_slice is None or through is None or cursor_field is None or not hasattr(self.cursor, "observe"):
            return
        marker = Record(
            data={cursor_field.cursor_field_key: format_datetime(through + timedelta(seconds=1))},
            stream_name=self.name,
            associated_slice=stream_slice,
        )
        self.cursor.observe(marker)
