"""The presigned-style document download (S3 in real life): no SP-API auth, short-lived, streamed."""

from __future__ import annotations

import hmac
import time
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
    headers = {"Content-Type": fmt.content_type}
    if encoding and fmt.gzip:
        headers["Content-Encoding"] = "gzip"
    if large:
        return Response(200, large_writer(report.request.report_type, emu.seed), headers)
    truncate_after = None
    if fmt.gzip and emu.faults.truncate_gzip():
        emu.stats.fault("downloadReportDocument", "truncate_gzip")
        pieces = sum(1 for _ in document_text(emu.dataset, report.definition, report.request))
        truncate_after = max(1, pieces // 2)
    return Response(200, encode(document_text(emu.dataset, report.definition, report.request), fmt, truncate_after),
                    headers)
