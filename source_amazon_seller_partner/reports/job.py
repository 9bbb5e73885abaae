"""One report for one window: its report from the planner, wait, then typed records (ReportJob).

1. the sync's ReportPlanner gives the window's report: one reused or resumed from Amazon's listing
   (a report an earlier sync stopped waiting for is resumed, a DONE one reused), or one it requested in
   its turn (most recent windows first, within Amazon's per-type limits; planner.py).
2. poll getReport, 1 s growing x1.5 up to 30 s (the getReport bucket paces it as well), until
   DONE/CANCELLED/FATAL or the wait timeout; while it waits the thread sends the planner's next requests.
   At the timeout the slice fails as transient and is not checkpointed, so the next sync asks for the
   same window and resumes that report via step 1.
3. CANCELLED: no records, the window completes. FATAL: log Amazon's reason document, wait the
   cooldown, request once more (never reusing the FATAL report); FATAL again fails only this stream.
4. DONE: the document's records (documents.py), stamped with marketplace and window; rows dated outside
   the configured range are dropped (row_range.py).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, Iterator, Mapping, Optional, Tuple

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from ..catalog.reports import ReportStreamSpec
from ..dates import format_datetime, parse_datetime
from ..decoding import RecordCaster, marketplace_charset
from ..errors import traced_error
from ..transport import DownloadError, SpApiTransport
from .documents import DocumentSource, IncompleteDownload, ReportDocuments
from .listing import REPORTS_PATH
from .planner import Planned, ReportPlanner
from .redaction import sanitized_text
from .row_range import RowRange
from .settings import POLL_GROWTH, JobSettings
from .window import ReportWindow, report_label

logger = logging.getLogger("airbyte")

FINAL_STATUSES = ("DONE", "CANCELLED", "FATAL")
FATAL_REASON_MAX_CHARS = 300
# FATAL reasons that a user fixes in the config or in Seller Central rather than by waiting.
_TOO_SOON_REASON_WORDS = ("too soon", "short time ago", "same type, marketplaces", "identical")
_CONFIG_REASON_WORDS = ("access", "authoriz", "permission", "role", "option", "eligible", "registered", "not enrolled")


@dataclass(frozen=True)
class ReportStream:
    """What every job of one report stream shares (read-only; built once per stream)."""

    spec: ReportStreamSpec
    config: Mapping[str, Any]
    transport: SpApiTransport
    documents: ReportDocuments
    settings: JobSettings
    planner: ReportPlanner
    source: DocumentSource
    cast: RecordCaster
    row_range: Optional[RowRange] = None


class ReportJob:
    """One report for one window: the planner's report, wait, then records. Not shared between threads."""

    def __init__(self, context: ReportStream, window: ReportWindow, planned: Planned) -> None:
        self._context = context
        self._window = window
        self._planned = planned
        self._spec = context.spec
        self._label = report_label(context.spec.report_type, window)
        # Up to where the data is read once the job completes (the report's own end may be earlier
        # than the window's when a report of an earlier sync's "now" was resumed).
        self.completed_through: Optional[datetime] = window.end
        self.record_window: Tuple[Optional[datetime], Optional[datetime]] = (window.start, window.end)

    # -- lifecycle
    def records(self) -> Iterator[Dict[str, Any]]:
        planner = self._context.planner
        report = planner.report_for(self._planned)
        if self._planned.state == "reused":
            self._ends_where_the_reused_report_ends(report)
        report_id = str(report["reportId"])
        final = self._wait(report_id)
        planner.finished(self._planned, final)
        if final.get("processingStatus") == "FATAL":
            reason = self._fatal_reason(final)
            logger.warning(
                "Amazon ended %s (id %s) FATAL: %s. Requesting it again in %.0f s.",
                self._label, report_id, reason or "no reason document", self._context.settings.fatal_cooldown_seconds,
            )
            time.sleep(self._context.settings.fatal_cooldown_seconds)
            self.completed_through, self.record_window = self._window.end, (self._window.start, self._window.end)
            retry = planner.again(self._planned)
            report_id = str(planner.report_for(retry)["reportId"])
            final = self._wait(report_id)
            planner.finished(retry, final)
            if final.get("processingStatus") == "FATAL":
                self._fail_fatal(report_id, self._fatal_reason(final))
        if final.get("processingStatus") == "CANCELLED":
            logger.info("%s was CANCELLED by Amazon: no data for this range.", capitalized(self._label))
            return
        document_id = final.get("reportDocumentId")
        if not document_id:
            raise traced_error(f"Amazon marked {self._label} (id {report_id}) DONE without a document.", FailureType.transient_error)
        yield from self._records_of_document(document_id, report_id)

    def _ends_where_the_reused_report_ends(self, report: Mapping[str, Any]) -> None:
        """A report of an earlier sync's last window ends at that sync's "now": the state stops there."""
        if self._spec.window_kind == "snapshot":
            return
        end = parse_datetime(report.get("dataEndTime"))
        if end is not None and self._window.end is not None and end < self._window.end:
            self.completed_through = end
            self.record_window = (self._window.start, end)

    def _wait(self, report_id: str) -> Mapping[str, Any]:
        settings = self._context.settings
        deadline = time.monotonic() + settings.wait_timeout_seconds
        interval = settings.poll_first_seconds
        while True:
            report = self._context.transport.get_json(f"{REPORTS_PATH}/{report_id}")
            status = report.get("processingStatus")
            if status in FINAL_STATUSES:
                return report
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                message = (
                    f"{capitalized(self._label)} (id {report_id}) is still {status} after waiting "
                    f"{duration(settings.wait_timeout_seconds)}; the next sync resumes it instead of requesting a new one."
                )
                logger.warning(message)
                raise traced_error(message, FailureType.transient_error)
            # while it waits, the thread sends the sync's next report requests that fall due
            self._context.planner.idle(min(interval, remaining))
            interval = min(interval * POLL_GROWTH, settings.poll_max_seconds)

    def _fatal_reason(self, report: Mapping[str, Any]) -> str:
        document_id = report.get("reportDocumentId")
        if not document_id:
            return ""
        try:
            reason = self._context.documents.text(document_id, self._label)
        except (AirbyteTracedException, DownloadError, IncompleteDownload, OSError) as error:
            return f"(its reason document could not be read: {getattr(error, 'message', None) or error})"
        return _without_end_punctuation(sanitized_text(reason, FATAL_REASON_MAX_CHARS))

    def _fail_fatal(self, report_id: str, reason: str) -> None:
        lowered = reason.lower()
        if any(word in lowered for word in _TOO_SOON_REASON_WORDS):
            failure_type = FailureType.transient_error  # Amazon's identical-request cooldown: later syncs succeed
        elif any(word in lowered for word in _CONFIG_REASON_WORDS):
            failure_type = FailureType.config_error
        else:
            failure_type = FailureType.system_error
        raise traced_error(
            f"Amazon ended {self._label} FATAL twice (last id {report_id}); Amazon's reason: {reason or 'none given'}. "
            "The other streams continue; the next sync asks for this window again.",
            failure_type,
        )

    def _records_of_document(self, document_id: str, report_id: str) -> Iterator[Dict[str, Any]]:
        start, end = self.record_window
        label = f"{self._label} (id {report_id})"
        yield from stamped_records(self._context, document_id, self._window.marketplace_id, start, end, None, label)


def _without_end_punctuation(reason: str) -> str:
    """Amazon's sentence sits inside ours, which ends it: "reason: Invalid SKU." must not become "SKU.."."""
    return reason if reason.endswith("...") else reason.rstrip(" .;:")


def stamped_records(
    stream: ReportStream,
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
    rows = stream.documents.records(document_id, stream.source, marketplace_charset(marketplace_id), label, stream.cast.check_header)
    dropped = 0
    for row in rows:
        record = stream.cast(row if isinstance(row, dict) else {"value": row}, marketplace_id)
        record.update(stamp)
        if stream.row_range is not None and not stream.row_range.keeps(record):
            dropped += 1
            continue
        yield record
    if dropped:
        logger.info("Left out %d row(s) of %s with %s.", dropped, label, stream.row_range.describe() if stream.row_range else "")


def duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]
