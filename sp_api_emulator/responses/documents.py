"""The presigned-style document download (S3 in real life): no SP-API auth, short-lived, streamed."""

from __future__ import annotations

import hmac
import time
from dataclasses import replace
from xml.sax.saxutils import escape

from ..http_types import Request, Response
from ..reports.documents import LARGE_JSON_TYPE, LARGE_TSV_TYPE, document_format, document_text, encode, \
    fatal_document, large_writer


def s3_error(status: int, code: str, message: str) -> Response:
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{escape(code)}</Code>'
            f"<Message>{escape(message)}</Message></Error>").encode()
    return Response(status, body, {"Content-Type": "application/xml"})


def download(emu, req: Request) -> Response:
    if req.headers.get("x-amz-access-token"):
        return s3_error(400, "InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm query "
                        "parameter, Signature query string parameter or the Authorization header should be specified")
    document_id = req.path_params["documentId"]
    signature = req.param("X-Amz-Signature") or ""
    try:
        expires_at = float(req.param("x-emulator-expires") or "0")
        encoding = req.param("x-emulator-encoding") == "1"
    except ValueError:
        return s3_error(403, "AccessDenied", "Query-string authentication requires the Signature, Expires and "
                        "AWSAccessKeyId parameters")
    expected = emu.reports.sign(document_id, expires_at, encoding)
    entry = emu.reports.document(document_id)
    if entry is None or not hmac.compare_digest(signature, expected):
        return s3_error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the "
                        "signature you provided.")
    if time.time() > expires_at:
        return s3_error(403, "AccessDenied", "Request has expired")
    if entry.fatal:
        return Response(200, fatal_document(entry.report.reason), {"Content-Type": "application/json; charset=UTF-8"})
    report = entry.report
    large = emu.profile == "large" and report.request.report_type in (LARGE_TSV_TYPE, LARGE_JSON_TYPE)
    fmt = document_format(report.definition, report.request, large=large)
    faults = emu.faults.plan
    report_type = report.request.report_type
    bad_byte_piece = None
    if report.definition.format == "tsv" and faults.document_quirk("bom", report_type):
        emu.stats.fault("downloadReportDocument", "bom")
        fmt = replace(fmt, bom=True)
    if report.definition.format == "tsv" and faults.document_quirk("bad_byte", report_type):
        emu.stats.fault("downloadReportDocument", "bad_byte")
        bad_byte_piece = 3  # the header, then the second data row
    null_records = report.definition.format == "json" and faults.document_quirk("null_records", report_type)
    if null_records:
        emu.stats.fault("downloadReportDocument", "null_records")
    headers = {"Content-Type": fmt.content_type}
    if encoding and fmt.gzip:
        headers["Content-Encoding"] = "gzip"
    if large:
        return Response(200, large_writer(report.request.report_type, emu.seed), headers)
    truncate_after = None
    text = lambda: document_text(emu.dataset, report.definition, report.request, null_records=null_records)  # noqa: E731
    if fmt.gzip and emu.faults.truncate_gzip():
        emu.stats.fault("downloadReportDocument", "truncate_gzip")
        truncate_after = max(1, sum(1 for _ in text()) // 2)
    return Response(200, encode(text(), fmt, truncate_after, bad_byte_piece), headers)
