"""createReport, the one SP-API call the connector never repeats blindly.

Why its own policy: createReport is not idempotent. A request whose answer was lost (a dropped
connection, a timeout, a 5xx) may have created a report, and asking again for the same report
within Amazon's cooldown ends FATAL. So each attempt is a single send through the sync's transport
(token, bucket, timeouts, expired-token refresh as everywhere), read with the manifest's error
handler; throttling is retried after the error handler's backoff (nothing was created), and a lost
answer is first looked up in a fresh listing of reports created moments ago.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Mapping, Optional

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ResponseAction

from ..errors import traced_error
from ..transport import SpApiTransport, fail_from, pause
from .listing import REPORTS_PATH

logger = logging.getLogger("airbyte")


def create_report(
    transport: SpApiTransport,
    body: Mapping[str, Any],
    label: str,
    created_moments_ago: Callable[[], Optional[Mapping[str, Any]]],
) -> str:
    """The id of the report Amazon created for `body` (or adopted after a lost answer)."""
    for attempt in range(1, transport.max_retries + 2):
        try:
            response: Optional[requests.Response] = transport.send_once("POST", REPORTS_PATH, json=dict(body))
            action = transport.resolve(response).response_action
        except requests.RequestException:
            response, action = None, ResponseAction.RETRY
        if response is not None and action in (ResponseAction.SUCCESS, None) and response.ok:
            report_id = (response.json() or {}).get("reportId")
            if report_id:
                logger.info("Requested %s: report id %s.", label, report_id)
                return str(report_id)
            raise traced_error(f"Amazon accepted {label} but returned no report id.", FailureType.transient_error)
        if action == ResponseAction.FAIL or action == ResponseAction.IGNORE:
            assert response is not None
            raise fail_from(transport.resolve(response), f"Amazon refused to create {label} (HTTP {response.status_code}).")
        lost = response is None or action == ResponseAction.RETRY
        if lost:
            # Amazon may have created the report: a second request would be a duplicate it ends FATAL.
            # Looked up after every lost answer: the first may have created nothing and a later one the report.
            created = created_moments_ago()
            if created:
                logger.info("The answer to createReport for %s was lost; using report %s it created.", label, created.get("reportId"))
                return str(created["reportId"])
        if attempt <= transport.max_retries:
            pause(transport.backoff_seconds(response, attempt))
    raise traced_error(f"Could not request {label}: Amazon did not accept it after {transport.max_retries + 1} attempts.", FailureType.transient_error)
