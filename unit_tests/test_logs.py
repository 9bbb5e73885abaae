"""The log a person reads: the CDK's retry notes name what happened, a failed stream is one line."""

import io
import logging

import pytest
import requests
from airbyte_cdk.logger import AirbyteLogFormatter
from airbyte_cdk.sources.streams.http import rate_limiting
from airbyte_cdk.sources.streams.http.exceptions import UserDefinedBackoffException

from source_amazon_seller_partner.logs import ReadableFailures


@pytest.fixture
def written_log():
    """The CDK's formatter on a handler carrying our filter, as run.py sets it up."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(AirbyteLogFormatter())
    handler.addFilter(ReadableFailures())
    airbyte = logging.getLogger("airbyte")
    airbyte.addHandler(handler)
    level = airbyte.level
    airbyte.setLevel(logging.INFO)
    yield stream
    airbyte.removeHandler(handler)
    airbyte.setLevel(level)


def _response(status: int) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.request = requests.Request("GET", "https://sellingpartnerapi-na.amazon.com/x").prepare()
    return response


@pytest.mark.parametrize(
    "status, note",
    [
        (429, "Amazon throttled a request (HTTP 429); trying again in 3 s."),
        (503, "Amazon answered HTTP 503; trying again in 3 s."),
        (None, "A request got no answer (connection or timeout); trying again in 3 s."),
    ],
)
def test_the_cdks_backoff_note_names_the_real_cause(written_log, monkeypatch, status, note):
    monkeypatch.setattr(rate_limiting.time, "sleep", lambda seconds: None)
    attempts = []

    @rate_limiting.user_defined_backoff_handler(max_tries=2)
    def send():
        attempts.append(1)
        if len(attempts) == 1:
            response = _response(status) if status else requests.exceptions.ConnectionError("reset")
            request = requests.Request("GET", "https://sellingpartnerapi-na.amazon.com/x").prepare()
            raise UserDefinedBackoffException(backoff=2, request=request, response=response)
        return "ok"

    assert send() == "ok"
    log = written_log.getvalue()
    assert note in log
    assert "Rate limit exceeded" not in log


def test_a_failed_stream_is_one_line_and_the_traceback_only_when_debugging(written_log):
    logger = logging.getLogger("airbyte.SourceAmazonSellerPartner")
    try:
        raise ValueError("Amazon answered HTTP 400:\n  InvalidInput")
    except ValueError as error:
        failure = error
    logger.exception("Exception while syncing stream Orders", exc_info=failure)
    log = written_log.getvalue()
    assert "Stream Orders failed: Amazon answered HTTP 400: InvalidInput" in log
    assert "Traceback" not in log

    logging.getLogger("airbyte").setLevel(logging.DEBUG)
    logger.exception("Exception while syncing stream Orders", exc_info=failure)
    assert "Traceback" in written_log.getvalue()
