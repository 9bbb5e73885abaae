"""Log lines a person can read: one line per failure (the traceback only with --debug), and the CDK's
retry notes in words that match what happened.

The CDK logs a failed stream as "Exception while syncing stream X" with the whole traceback, and every
backoff as "Rate limit exceeded (HTTP 503)", whatever the status. The filter sits on the handlers that
write the log (the CDK's console handler), so it sees records from every logger, the CDK's included;
it rewrites records and never drops one. The stream's error trace message, which the platform shows,
is untouched.
"""

from __future__ import annotations

import logging
import re

from airbyte_cdk.utils.traced_exception import AirbyteTracedException

_FAILED_STREAM = re.compile(r"^Exception while syncing stream (?P<stream>.+)$")
_BACKOFF = re.compile(r"^UserDefinedBackoffException: Rate limit exceeded(?: \(HTTP (?P<status>\d+)\))?\. Retrying in (?P<seconds>[\d.]+) seconds\.$")


def _debugging() -> bool:
    return logging.getLogger("airbyte").isEnabledFor(logging.DEBUG)


def _one_line(error: BaseException) -> str:
    text = error.message if isinstance(error, AirbyteTracedException) and error.message else str(error) or type(error).__name__
    return " ".join(text.split())


class ReadableFailures(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        failed = _FAILED_STREAM.match(message)
        if failed and record.exc_info and record.exc_info[1] is not None:
            record.msg = f"Stream {failed.group('stream')} failed: {_one_line(record.exc_info[1])}"
            record.args = ()
            if not _debugging():
                record.exc_info = None
                record.exc_text = None
            return True
        backoff = _BACKOFF.match(message)
        if backoff:
            status, seconds = backoff.group("status"), float(backoff.group("seconds"))
            if status == "429":
                reason = "Amazon throttled a request (HTTP 429)"
            elif status:
                reason = f"Amazon answered HTTP {status}"
            else:
                reason = "A request got no answer (connection or timeout)"
            record.msg, record.args = f"{reason}; trying again in {seconds:.0f} s.", ()
            return True
        if message == "Retries exhausted with backoff exception." and not _debugging():
            record.exc_info, record.exc_text = None, None  # the error that follows says what failed
        return True


def install_readable_log_filters() -> None:
    """On every handler of the root logger, where the CDK's entrypoint put its console handler."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, ReadableFailures) for f in handler.filters):
            handler.addFilter(ReadableFailures())
