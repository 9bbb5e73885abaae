"""What Amazon hands us that must not reach logs and errors as it is.

Presigned report document URLs: the URL is a credential for five minutes.

urllib3's debug lines log every request's path and query, and the CDK's HttpClient logs response
bodies with `--debug` (getReportDocument's body is the URL). This filter cuts the query string (the
signature) off presigned URLs in a record's message, arguments and extra fields. The source installs
it on urllib3's loggers and the transport's logger, once per process (idempotent).
"""

from __future__ import annotations

import logging
import re

_PRESIGNED_MARKS = ("X-Amz-", "Signature=", "Expires=")
# a path or URL and its query string, up to a space, quote or closing bracket
_URL_QUERY = re.compile(r"([^\s\"'?]*)\?[^\s\"'<>)\]}]*")
_WHOLE_URL = re.compile(r"[a-z]+://[^\s\"'<>)\]}]*", re.IGNORECASE)


def _whole_url_redacted(match: "re.Match[str]") -> str:
    return "<presigned URL>" if any(mark in match.group(0) for mark in _PRESIGNED_MARKS) else match.group(0)
_LOGGERS = ("urllib3.connectionpool", "urllib3.util.retry", "airbyte.transport")
_PLAIN_RECORD = logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys()


class PresignedUrlRedactor(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(isinstance(a, str) and "?" in a for a in record.args):
            record.args = tuple(redact_presigned_urls(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str) and "?" in record.msg:
            record.msg = redact_presigned_urls(record.msg)
        for key in record.__dict__.keys() - _PLAIN_RECORD:  # `extra` fields (the CDK's body, url, headers)
            value = record.__dict__[key]
            if not isinstance(value, (str, int, float, bool, type(None))):
                value = str(value)
            if isinstance(value, str) and "?" in value:
                record.__dict__[key] = _WHOLE_URL.sub(_whole_url_redacted, value)
        return True


def redact_presigned_urls(text: str) -> str:
    """The text with the query string of every presigned URL replaced by `<redacted>`."""
    if not any(mark in text for mark in _PRESIGNED_MARKS):
        return text
    return _URL_QUERY.sub(lambda match: match.group(1) + "?<redacted>" if any(m in match.group(0) for m in _PRESIGNED_MARKS) else match.group(0), text)


_ANY_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)
_QUERY_STRING = re.compile(r"\?\S*=\S*")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NOT_PRINTABLE = re.compile(r"[^\x20-\x7e\u00a0-\uffff]|[\u2028\u2029\ufeff\ufffd]")


def sanitized_text(text: str, limit: int = 300) -> str:
    """Amazon's free text (a FATAL report's reason) fit for a log line or an error message: printable
    characters only, on one line, URLs, query strings and e-mail addresses replaced, at most `limit`
    characters. A reason document is Amazon's text, but it can quote a request or a person."""
    text = _NOT_PRINTABLE.sub(" ", text)
    text = _ANY_URL.sub("<URL>", text)
    text = _QUERY_STRING.sub("?<redacted>", text)
    text = _EMAIL.sub("<e-mail>", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def install_presigned_url_redactor() -> None:
    for name in _LOGGERS:
        target = logging.getLogger(name)
        if not any(isinstance(f, PresignedUrlRedactor) for f in target.filters):
            target.addFilter(PresignedUrlRedactor())
