"""Reports 2021-06-30 lifecycle: create, status over (scaled) time, cancel, list, documents.

A report's fate (DONE, CANCELLED, FATAL, or stuck IN_PROGRESS) is decided when it is created; its
status is then a pure function of elapsed time: IN_QUEUE for report_queue_seconds/K, IN_PROGRESS for
report_processing_seconds/K, then the fate. Documents are generated when downloaded, from the dataset.
Settlement-kind reports are created by the emulator itself (one per 14-day period per marketplace,
or per 7 days for other Amazon-scheduled types) and are only listable.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import threading
import time
import uuid
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import quote

from ..exceptions import InvalidInput, NotFound
from ..marketplaces import MARKETS_BY_ID
from ..models import DataCutoff, DocumentEntry, Report, ReportRequest
from ..timeutil import iso, parse_iso, utcnow
from . import documents
from .catalog import REPORT_TYPES
from .definitions import ReportType
from .quotas import ReportQuotas
from .delays import data_delay
from .documents import LARGE_JSON_TYPE, LARGE_TSV_TYPE, count_rows, document_format
from .scheduled import schedule_amazon_reports
from .schema_faker import required_options

VENDOR_REQUIRED_OPTIONS = {
    "GET_VENDOR_SALES_REPORT": ("reportPeriod", "distributorView", "sellingProgram"),
    "GET_VENDOR_INVENTORY_REPORT": ("reportPeriod", "distributorView", "sellingProgram"),
    "GET_VENDOR_TRAFFIC_REPORT": ("reportPeriod",),
    "GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT": ("reportPeriod",),
    "GET_VENDOR_FORECASTING_REPORT": ("sellingProgram",),
}



class ReportStore:
    def __init__(self, emulator) -> None:
        self.emu = emulator
        self.definitions: Dict[Tuple[str, str], ReportType] = REPORT_TYPES
        self._reports: Dict[str, Report] = {}
        self._documents: Dict[str, DocumentEntry] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(int(time.time()) * 10 + 50_000_000_000)
        self.quotas = ReportQuotas(emulator.timing.scale)
        schedule_amazon_reports(self)

    # -- timing ----------------------------------------------------------------------------
    def _phase_seconds(self) -> Tuple[float, float]:
        timing = self.emu.timing
        queue = timing.scaled(timing.report_queue_seconds)
        return queue, queue + timing.scaled(timing.report_processing_seconds)

    def status(self, report: Report) -> str:
        if report.cancelled:
            return "CANCELLED"
        if report.scheduled:
            return report.fate
        elapsed = time.monotonic() - report.created_mono
        queue_end, processing_end = self._phase_seconds()
        if elapsed < queue_end:
            return "IN_QUEUE"
        if report.fate == "STUCK" or elapsed < processing_end:
            return "IN_PROGRESS"
        return report.fate

    # -- ids -------------------------------------------------------------------------------
    def add(self, report: Report) -> None:
        with self._lock:
            self._reports[report.report_id] = report

    def new_report_id(self) -> str:
        with self._lock:
            return str(next(self._ids))

    def new_document_id(self, report: Report, fatal: bool) -> str:
        region = MARKETS_BY_ID[report.request.marketplace_ids[0]].region.lower() \
            if report.request.marketplace_ids and report.request.marketplace_ids[0] in MARKETS_BY_ID else "na"
        document_id = f"amzn1.spdoc.1.4.{region}.{uuid.uuid4()}.T{uuid.uuid4().hex[:13].upper()}.{'2400' if fatal else '1300'}"
        with self._lock:
            self._documents[document_id] = DocumentEntry(document_id, report, fatal)
        return document_id

    # -- definitions -----------------------------------------------------------------------
    def definition(self, report_type: str, account_type: str) -> Optional[ReportType]:
        return self.definitions.get((report_type, account_type))

    def _other_account_has(self, report_type: str, account_type: str) -> bool:
        other = "vendor" if account_type == "seller" else "seller"
        return (report_type, other) in self.definitions

    # -- create ----------------------------------------------------------------------------
    def cutoff(self, report_type: str, now: datetime) -> DataCutoff:
        """What a report of this type created now holds (delays.py: its data delay, time-scaled)."""
        delay = self.emu.timing.scaled(data_delay(report_type).total_seconds())
        return DataCutoff(created=now, changed_before=now - timedelta(seconds=delay))

    def create(self, account_type: str, body: Any, now: datetime) -> Report:
        if not isinstance(body, dict):
            raise InvalidInput("The request body must be a JSON object.")
        report_type = body.get("reportType")
        if not isinstance(report_type, str) or not report_type:
            raise InvalidInput("reportType is required.")
        marketplace_ids = body.get("marketplaceIds")
        if not isinstance(marketplace_ids, list) or not 1 <= len(marketplace_ids) <= 25 \
                or not all(isinstance(m, str) for m in marketplace_ids):
            raise InvalidInput("marketplaceIds is required: a list of 1 to 25 marketplace ids.")
        definition = self.definition(report_type, account_type)
        if definition is None:
            if self._other_account_has(report_type, account_type):
                kind = "MerchantAccountId" if account_type == "seller" else "VendorGroupId"
                raise InvalidInput(f"Report type {report_type} does not support account ID of type class "
                                   f"com.amazon.partner.account.id.{kind}.")
            raise InvalidInput(f"Invalid report type {report_type}.")
        if not definition.requestable:
            raise InvalidInput(f"Report type {report_type} cannot be requested; Amazon creates it on a schedule.")
        account = self.emu.dataset.account(account_type)
        for marketplace_id in marketplace_ids:
            if marketplace_id not in account.market_ids():
                raise InvalidInput(f"Invalid marketplaceIds: '{marketplace_id}' is not a marketplace of this account.")
        options = body.get("reportOptions") or {}
        if not isinstance(options, dict) or not all(isinstance(v, str) for v in options.values()):
            raise InvalidInput("reportOptions must be an object of string values.")
        start, end = self._window(body, now)
        self.quotas.admit(account_type, report_type)
        request = ReportRequest(report_type, account_type, tuple(marketplace_ids), start, end, dict(options),
                                self.cutoff(report_type, now))
        # A snapshot ignores dates, so any two requests of it are identical.
        dates = (None, None) if definition.window_kind == "snapshot" else (iso(start), iso(end))
        key = (account_type, report_type, tuple(sorted(marketplace_ids)), *dates, tuple(sorted(options.items())))
        report = Report(report_id=self.new_report_id(), account_type=account_type, request=request,
                        definition=definition, created=now, created_mono=time.monotonic(), fate="DONE", key=key)
        report.fate, report.reason = self._decide_fate(report, now)
        if report.fate == "DONE":
            self.quotas.generating(account_type, report_type, marketplace_ids, report.created_mono + self._phase_seconds()[1])
        if report.fate in ("DONE", "FATAL"):
            report.document_id = self.new_document_id(report, fatal=report.fate == "FATAL")
        with self._lock:
            self._reports[report.report_id] = report
        self.emu.stats.report_created(report_type)
        return report

    def _window(self, body: Dict[str, Any], now: datetime) -> Tuple[datetime, datetime]:
        def parse(name: str) -> Optional[datetime]:
            raw = body.get(name)
            if raw is None:
                return None
            try:
                return parse_iso(str(raw))
            except ValueError:
                raise InvalidInput(f"Invalid {name}: '{raw}' is not an ISO 8601 date-time.") from None

        # Amazon's defaults are "now" for both ends: a report without dataStartTime covers nothing.
        start = parse("dataStartTime") or now
        end = parse("dataEndTime") or now
        if start > now:
            raise InvalidInput("dataStartTime cannot be in the future.")
        end = min(end, now)
        if start > end:
            raise InvalidInput("dataStartTime must be before dataEndTime.")
        return start.replace(microsecond=0), end.replace(microsecond=0)

    def _decide_fate(self, report: Report, now: datetime) -> Tuple[str, str]:
        request = report.request
        injected = self.emu.faults.plan.report_fate(request.report_type)
        if injected is not None:
            self.emu.stats.fault("createReport", f"report_{injected.lower()}")
            if injected == "FATAL":
                return "FATAL", "The report could not be generated (fault injected by the emulator)."
            return injected, ""
        for option in VENDOR_REQUIRED_OPTIONS.get(request.report_type, ()):
            if not request.options.get(option):
                return "FATAL", f"Missing required report option {option} for {request.report_type}."
        for option in required_options(request.report_type, request.account_type):
            if not request.options.get(option):
                return "FATAL", f"Missing required report option {option} for {request.report_type}."
        if request.report_type.startswith("GET_BRAND_ANALYTICS_") and \
                request.options.get("reportPeriod") not in ("DAY", "WEEK", "MONTH", "QUARTER"):
            return "FATAL", "reportOptions.reportPeriod (DAY, WEEK, MONTH or QUARTER) is required."
        cooldown = self.emu.timing.scaled(self.emu.timing.report_cooldown_seconds)
        with self._lock:
            earlier = [r for r in self._reports.values() if r.key == report.key and not r.scheduled]
        for previous in earlier:
            if self.status(previous) == "DONE" and time.monotonic() - previous.created_mono < cooldown:
                return "FATAL", (f"Report {previous.report_id} with the same type, marketplaces, dates and options "
                                 "was created a short time ago; request it again later.")
        if self.quotas.too_soon(request.account_type, request.report_type, request.marketplace_ids, report.created_mono):
            return "CANCELLED", ""
        if request.report_type == "GET_SALES_AND_TRAFFIC_REPORT" and request.start < now - timedelta(days=730):
            return "CANCELLED", ""
        if self.row_count(request) == 0:
            return "CANCELLED", ""
        return "DONE", ""

    def row_count(self, request: ReportRequest) -> Optional[int]:
        """Records the report's document holds; None when unknown before it is written (large JSON)."""
        definition = self.definition(request.report_type, request.account_type)
        if definition is None:
            return 0
        if self.emu.profile == "large" and request.report_type == LARGE_TSV_TYPE:
            return documents.LARGE_TSV_ROWS
        if self.emu.profile == "large" and request.report_type == LARGE_JSON_TYPE:
            return None
        return count_rows(self.emu.dataset, definition, request)

    # -- read ------------------------------------------------------------------------------
    def get(self, account_type: str, report_id: str) -> Report:
        with self._lock:
            report = self._reports.get(report_id)
        if report is None or report.account_type != account_type:
            raise NotFound(f"Report {report_id} was not found.")
        return report

    def cancel(self, account_type: str, report_id: str) -> None:
        report = self.get(account_type, report_id)
        if report.scheduled or self.status(report) != "IN_QUEUE":
            raise InvalidInput(f"Report {report_id} cannot be cancelled: only IN_QUEUE reports can be cancelled.")
        report.cancelled = True

    def report_json(self, report: Report) -> Dict[str, Any]:
        status = self.status(report)
        queue_end, processing_end = self._phase_seconds()
        body: Dict[str, Any] = {
            "reportId": report.report_id,
            "reportType": report.request.report_type,
            "dataStartTime": iso(report.request.start),
            "dataEndTime": iso(report.request.end),
            "marketplaceIds": list(report.request.marketplace_ids),
            "createdTime": iso(report.created),
            "processingStatus": status,
        }
        if status != "IN_QUEUE" and not report.cancelled:
            body["processingStartTime"] = iso(report.created + timedelta(seconds=queue_end))
        if status in ("DONE", "FATAL"):
            body["processingEndTime"] = iso(report.created + timedelta(seconds=processing_end))
            if report.document_id:
                body["reportDocumentId"] = report.document_id
        elif status == "CANCELLED" and not report.cancelled:
            body["processingEndTime"] = iso(report.created + timedelta(seconds=processing_end))
        return body

    def listing(self, account_type: str, report_types: List[str], statuses: List[str], marketplace_ids: List[str],
                since: datetime, until: datetime) -> List[Report]:
        with self._lock:
            reports = list(self._reports.values())
        chosen = []
        for report in reports:
            if report.account_type != account_type or not since <= report.created <= until:
                continue
            if report_types and report.request.report_type not in report_types:
                continue
            if marketplace_ids and not set(marketplace_ids) & set(report.request.marketplace_ids):
                continue
            if statuses and self.status(report) not in statuses:
                continue
            chosen.append(report)
        chosen.sort(key=lambda r: (r.created, r.report_id), reverse=True)
        return chosen

    # -- documents -------------------------------------------------------------------------
    def document_for(self, account_type: str, document_id: str) -> DocumentEntry:
        with self._lock:
            entry = self._documents.get(document_id)
        if entry is None or entry.report.account_type != account_type:
            raise NotFound(f"Report document {document_id} was not found.")
        return entry

    def document(self, document_id: str) -> Optional[DocumentEntry]:
        with self._lock:
            return self._documents.get(document_id)

    def compression(self, entry: DocumentEntry) -> Optional[str]:
        if entry.fatal:
            return None
        fmt = document_format(entry.report.definition, entry.report.request, large=self.emu.profile == "large")
        return "GZIP" if fmt.gzip else None

    def presigned_url(self, base_url: str, entry: DocumentEntry, content_encoding: bool) -> str:
        timing = self.emu.timing
        expires_in = timing.client_window(timing.document_url_ttl_seconds)
        expires_at = time.time() + expires_in
        signature = self.sign(entry.document_id, expires_at, content_encoding)
        stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
        return (f"{base_url}/_documents/{quote(entry.document_id)}?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                f"&X-Amz-Date={stamp}&X-Amz-Expires={int(round(expires_in))}&X-Amz-SignedHeaders=host"
                f"&x-emulator-expires={expires_at:.3f}&x-emulator-encoding={int(content_encoding)}"
                f"&X-Amz-Signature={signature}")

    def sign(self, document_id: str, expires_at: float, content_encoding: bool) -> str:
        message = f"{document_id}|{expires_at:.3f}|{int(content_encoding)}".encode()
        return hmac.new(self.emu.secret, message, hashlib.sha256).hexdigest()
