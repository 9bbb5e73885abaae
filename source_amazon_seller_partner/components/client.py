"""SP-API calls made outside the declarative retrievers: the connection check and the report jobs.

They go through the same shared pieces as declarative requests (the LWA token provider and the
per-operation token buckets), with the same rules: connect/read timeouts on every call, retries
bounded in count and in total time, one token refresh on an expired-token 403.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Mapping, Optional, Tuple

import requests

from .auth import TOKEN_HEADER, LwaTokenProvider
from .rate_limits import SpApiRateLimits

logger = logging.getLogger("airbyte")

CONNECT_TIMEOUT_SECONDS = 10.0
READ_TIMEOUT_SECONDS = 120.0
MAX_ATTEMPTS = 6
MAX_RETRY_SECONDS = 300
RETRYABLE_STATUS = {429, 500, 502, 503, 504}


def http_timeouts(config: Mapping[str, Any]) -> Tuple[float, float]:
    """(connect, read) seconds for every SP-API call; the manifest's requesters get the same read timeout.

    `_read_timeout_seconds` is a hidden key for tests, so an emulator's slow answers can outlast it in seconds.
    """
    override = config.get("_read_timeout_seconds")
    if isinstance(override, (int, float)) and not isinstance(override, bool) and override > 0:
        return CONNECT_TIMEOUT_SECONDS, float(override)
    return CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS


class SpApiError(Exception):
    """An SP-API answer the caller must handle (4xx other than throttling, or retries exhausted)."""

    def __init__(self, message: str, status: Optional[int] = None, code: Optional[str] = None, answer_lost: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        # The request may have been carried out although its answer never arrived.
        self.answer_lost = answer_lost


def error_summary(response: requests.Response) -> tuple:
    """(code, message) from Amazon's `{"errors": [...]}` body, without echoing anything else."""
    try:
        errors = response.json().get("errors") or [{}]
        first = errors[0] if isinstance(errors, list) and errors else {}
        return first.get("code"), first.get("message")
    except (ValueError, AttributeError):
        return None, None


class SpApiClient:
    def __init__(self, config: Mapping[str, Any]) -> None:
        self._base_url = config["_api_url"]
        self._tokens = LwaTokenProvider.for_config(config)
        self._limits = SpApiRateLimits.for_config(config)
        self._timeouts = http_timeouts(config)
        self._session = requests.Session()
        # Presigned document URLs must be fetched without SP-API credentials.
        self._download_session = requests.Session()

    @property
    def rate_limits(self) -> SpApiRateLimits:
        return self._limits

    def request(
        self, method: str, path: str, *, params: Optional[Mapping[str, Any]] = None, json: Any = None, idempotent: bool = True
    ) -> requests.Response:
        """Send with the shared token and buckets, retrying throttling, server errors and lost connections.

        A request that is not idempotent (createReport) is not sent again once it may have reached
        Amazon: the caller gets SpApiError(answer_lost=True) and decides (a second report would be a
        duplicate Amazon ends FATAL).
        """
        deadline = time.monotonic() + MAX_RETRY_SECONDS
        refreshed = False
        problem = ""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            token = self._tokens.access_token()
            prepared = self._session.prepare_request(
                requests.Request(method, self._base_url + path, params=params, json=json, headers={TOKEN_HEADER: token})
            )
            self._limits.acquire_call(prepared)
            try:
                response = self._session.send(prepared, timeout=self._timeouts)
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as error:
                # ChunkedEncodingError: the connection broke while the body was read (not a ConnectionError subclass).
                problem = type(error).__name__
                if not idempotent and not isinstance(error, requests.ConnectTimeout):
                    raise SpApiError(f"{method} {path}: the answer was lost ({problem})", answer_lost=True) from None
            else:
                self._limits.update_from_response(prepared, response)
                if response.status_code == 403 and not refreshed and "expired" in response.text.lower():
                    self._tokens.refresh(rejected_token=token)
                    refreshed = True
                    continue
                if response.status_code not in RETRYABLE_STATUS:
                    return response
                problem = f"HTTP {response.status_code}"
                if response.status_code == 429:
                    continue  # the token bucket, now empty, paces the retry
            pause = min(2.0**attempt, max(0.0, deadline - time.monotonic()))
            if pause <= 0:
                break
            time.sleep(pause)
        raise SpApiError(f"{method} {path} failed after {attempt} attempts ({problem})")

    def get_json(self, path: str, params: Optional[Mapping[str, Any]] = None) -> Any:
        response = self.request("GET", path, params=params)
        if response.status_code >= 400:
            code, message = error_summary(response)
            raise SpApiError(f"GET {path}: HTTP {response.status_code} {code or ''} {message or ''}".strip(), response.status_code, code)
        return response.json()

    def download(self, url: str) -> requests.Response:
        """Stream a presigned document URL (no auth header). The caller closes the response."""
        try:
            response = self._download_session.get(url, stream=True, timeout=self._timeouts)
        except requests.RequestException as error:
            # requests puts the URL in its messages; a presigned URL is a credential.
            raise SpApiError(f"report document download failed ({type(error).__name__})") from None
        if response.status_code >= 400:
            response.close()
            raise SpApiError(f"report document download failed (HTTP {response.status_code})", response.status_code)
        return response
