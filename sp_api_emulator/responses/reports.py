"""Reports 2021-06-30: createReport, getReport, getReports, cancelReport, getReportDocument."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Dict

from ..exceptions import InvalidInput
from ..http_types import Request, Response
from .common import bool_param, date_param, enum_params, int_param

STATUSES = ["CANCELLED", "DONE", "FATAL", "IN_PROGRESS", "IN_QUEUE"]
GET_REPORTS_PARAMS = ("reportTypes", "processingStatuses", "marketplaceIds", "pageSize", "createdSince", "createdUntil")


def create_report(emu, req: Request):
    report = emu.reports.create(req.token.account_type, req.json(), req.now)
    return 202, {"reportId": report.report_id}


def get_report(emu, req: Request):
    report = emu.reports.get(req.token.account_type, req.path_params["reportId"])
    return 200, emu.reports.report_json(report)


def cancel_report(emu, req: Request):
    emu.reports.cancel(req.token.account_type, req.path_params["reportId"])
    return Response(200, None)


def get_reports(emu, req: Request):
    token = req.param("nextToken")
    if token:
        extra = [name for name in GET_REPORTS_PARAMS if name in req.query]
        if extra:
            raise InvalidInput(f"nextToken must be the only parameter when it is present (also sent: {', '.join(extra)}).")
        state = emu.page_tokens.decode(token, "nextToken")
    else:
        report_types = req.params("reportTypes")
        if not report_types:
            raise InvalidInput("reportTypes is required when nextToken is not provided.")
        if len(report_types) > 10:
            raise InvalidInput("reportTypes accepts at most 10 values.")
        statuses = enum_params(req, "processingStatuses", STATUSES)
        marketplace_ids = req.params("marketplaceIds")
        if len(marketplace_ids) > 10:
            raise InvalidInput("marketplaceIds accepts at most 10 values.")
        retention = req.now - timedelta(days=90)  # Amazon keeps reports 90 days
        since = max(date_param(req, "createdSince") or retention, retention)
        until = date_param(req, "createdUntil") or req.now
        if until < since:
            raise InvalidInput("createdUntil must be later than createdSince.")
        state = {"types": report_types, "statuses": statuses, "markets": marketplace_ids,
                 "since": since.isoformat(), "until": until.isoformat(),
                 "size": int_param(req, "pageSize", 10, 1, 100), "offset": 0}
    from ..timeutil import parse_iso

    reports = emu.reports.listing(req.token.account_type, state["types"], state["statuses"], state["markets"],
                                  parse_iso(state["since"]), parse_iso(state["until"]))
    offset, size = state["offset"], state["size"]
    payload: Dict[str, Any] = {"reports": [emu.reports.report_json(r) for r in reports[offset:offset + size]]}
    if offset + size < len(reports):
        payload["nextToken"] = emu.page_tokens.encode({**state, "offset": offset + size})
    return 200, payload


def _base_url(req: Request, emu) -> str:
    host = req.headers.get("Host")
    return f"http://{host}" if host else emu.base_url


def get_report_document(emu, req: Request):
    entry = emu.reports.document_for(req.token.account_type, req.path_params["reportDocumentId"])
    encoding = bool_param(req, "enableContentEncodingUrlHeader", False)
    compression = emu.reports.compression(entry)
    body: Dict[str, Any] = {"reportDocumentId": entry.document_id,
                            "url": emu.reports.presigned_url(_base_url(req, emu), entry, encoding and bool(compression))}
    if compression:
        body["compressionAlgorithm"] = compression
    return 200, body
