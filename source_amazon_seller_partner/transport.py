"""The one way the connector calls SP-API.

Every call, whether a declarative stream's or a custom component's (report jobs, product joins, the
connection check, restricted data tokens), goes out through the CDK's HttpClient with:
- the sync's LWA token in `x-amz-access-token` (auth.LwaAuthenticator on the sync's token provider),
- the sync's per-operation token buckets (rate_limits.SpApiRateLimits, the session's API budget),
- the manifest's error handler (`definitions/error_handler`): which answers are retried, refreshed,
  throttled or fatal, and the backoff between attempts,
- the timeouts and connection pool of HttpSettings below.

Declarative requesters get the last two from the component factory (factory.py); custom components
ask the sync context for an SpApiTransport, which builds the same HttpClient. Presigned report
document URLs are not SP-API (no token, no bucket): DocumentHost fetches them with the same timeouts.
"""

from __future__ import annotations

import logging
import random
import re
import time
from dataclasses import InitVar, dataclass
from typing import Any, Mapping, Optional, Tuple

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.streams.call_rate import APIBudget, LimiterSession
from airbyte_cdk.sources.streams.http.error_handlers import BackoffStrategy, ErrorHandler
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ErrorResolution, ResponseAction
from airbyte_cdk.sources.streams.http.exceptions import UserDefinedBackoffException
from airbyte_cdk.sources.streams.http.http_client import HttpClient
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

# The HttpClient logs requests and, with --debug, response bodies through this logger; the source
# gives it the presigned-URL redactor (getReportDocument's body is a presigned URL).
logger = logging.getLogger("airbyte.transport")

CONNECT_TIMEOUT_SECONDS = 10.0
READ_TIMEOUT_SECONDS = 120.0


@dataclass(frozen=True)
class HttpSettings:
    """Timeouts and connection pool size of every SP-API call of a sync."""

    connect_timeout: float = CONNECT_TIMEOUT_SECONDS
    read_timeout: float = READ_TIMEOUT_SECONDS
    pool_size: int = 1

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "HttpSettings":
        # `_read_timeout_seconds` is a hidden key for tests: an emulator's slow answers can then
        # outlast it in seconds instead of minutes.
        read_timeout = config.get("_read_timeout_seconds")
        if not isinstance(read_timeout, (int, float)) or isinstance(read_timeout, bool) or read_timeout <= 0:
            read_timeout = READ_TIMEOUT_SECONDS
        return cls(read_timeout=float(read_timeout), pool_size=int(config["num_workers"]))

    @property
    def timeouts(self) -> Tuple[float, float]:
        return self.connect_timeout, self.read_timeout

    def pooled(self, session: requests.Session) -> requests.Session:
        """Give the session one connection per worker and host: a smaller pool discards connections
        ("Connection pool is full") when more threads than that share one stream's requester."""
        adapter = requests.adapters.HTTPAdapter(pool_connections=self.pool_size, pool_maxsize=self.pool_size)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        return session


@dataclass
class CappedExponentialBackoff(BackoffStrategy):
    """Waits that double from `first_seconds` up to `max_seconds`, each drawn in [half, whole].

    Why custom: the CDK's ExponentialBackoffStrategy has no ceiling, so a retry budget large enough
    for a bad network (30 retries) would wait hours before its last attempts; the jitter spreads the
    retries of many worker threads that failed together.
    """

    config: Mapping[str, Any]
    parameters: InitVar[Mapping[str, Any]]
    first_seconds: float = 1.0
    max_seconds: float = 30.0

    def backoff_time(self, response_or_exception: Any, attempt_count: int) -> Optional[float]:
        # `_retry_wait_scale` is a hidden key for tests: an emulator that fails most calls on purpose
        # can then be survived in seconds; the waits keep their shape.
        scale = self.config.get("_retry_wait_scale", 1.0)
        scale = float(scale) if isinstance(scale, (int, float)) and not isinstance(scale, bool) and scale > 0 else 1.0
        ceiling = scale * min(float(self.max_seconds), float(self.first_seconds) * 2 ** max(0, attempt_count - 1))
        return random.uniform(ceiling / 2, ceiling)


class SpApiHttpClient(HttpClient):
    """The CDK's HttpClient, reading Amazon's expired-token answer as what it is.

    The CDK fails a request with a config error ("Refreshed OAuth access token is rejected by the
    API") when it is rejected again after one token refresh. Amazon's "access token ... expired"
    answer, though, is always cured by a new token: a request in a long retry chain (throttling,
    server errors) can outlive a token twice. So every such answer refreshes (the token provider
    replaces only the rejected token), the retries stay bounded by the error handler's max_retries,
    and a chain that runs out of them is transient, not the user's mistake. The retry after a refresh
    does not wait the backoff's growing time: the new token is what it needed.
    """

    def _handle_error_resolution(
        self,
        response: Optional[requests.Response],
        exc: Optional[requests.RequestException],
        request: requests.PreparedRequest,
        error_resolution: ErrorResolution,
        exit_on_rate_limit: Optional[bool] = False,
    ) -> None:
        if error_resolution.response_action == ResponseAction.REFRESH_TOKEN_THEN_RETRY:
            self._token_refresh_outcomes.pop(request, None)
            error_resolution = ErrorResolution(
                response_action=ResponseAction.REFRESH_TOKEN_THEN_RETRY,
                failure_type=FailureType.transient_error,
                error_message=error_resolution.error_message or "Amazon answered that the access token has expired.",
            )
            try:
                super()._handle_error_resolution(response, exc, request, error_resolution, exit_on_rate_limit)
            except UserDefinedBackoffException as retry:
                # The new token is the cure: retry now (the CDK adds its one second), not after the
                # growing backoff meant for throttling and server errors.
                retry.backoff = 0.0
                raise
            return
        super()._handle_error_resolution(response, exc, request, error_resolution, exit_on_rate_limit)


class SpApiTransport:
    """SP-API calls of one custom component, built by SyncContext.transport().

    `request`/`get_json` retry as the manifest's error handler says, like every declarative stream.
    `send_once` makes a single attempt for calls that must not be repeated blindly (createReport: a
    request whose answer was lost may have created a report, and a duplicate ends FATAL); the caller
    reads the answer with `resolve` and decides.
    """

    def __init__(
        self,
        name: str,
        base_url: str,
        error_handler: ErrorHandler,
        authenticator: Any,
        api_budget: APIBudget,
        settings: HttpSettings,
    ) -> None:
        self.name = name
        self._base_url = base_url
        self._error_handler = error_handler
        self._authenticator = authenticator
        self._settings = settings
        self._session = settings.pooled(LimiterSession(api_budget=api_budget))
        self._client = SpApiHttpClient(
            name=name,
            logger=logger,
            error_handler=error_handler,
            session=self._session,
            authenticator=authenticator,
            backoff_strategy=getattr(error_handler, "backoff_strategies", None) or None,
            request_timeout=settings.timeouts,
        )

    def request(
        self, method: str, path: str, *, params: Optional[Mapping[str, Any]] = None, json: Any = None
    ) -> requests.Response:
        """Send with retries; AirbyteTracedException when the error handler fails the request."""
        _, response = self._client.send_request(
            http_method=method,
            url=self._base_url + path,
            request_kwargs={},
            params=dict(params or {}),
            json=json,
        )
        return response

    def get_json(self, path: str, params: Optional[Mapping[str, Any]] = None) -> Any:
        return self.request("GET", path, params=params).json()

    def send_once(
        self, method: str, path: str, *, params: Optional[Mapping[str, Any]] = None, json: Any = None
    ) -> requests.Response:
        """One attempt (the token bucket, token and timeouts as always); raises requests.RequestException
        when no answer arrived. An expired token is refreshed and the request sent again: Amazon
        rejected it, so it was not carried out."""
        for attempt in (1, 2):
            prepared = self._session.prepare_request(
                requests.Request(method, self._base_url + path, params=dict(params or {}), json=json, auth=self._authenticator)
            )
            response = self._session.send(prepared, timeout=self._settings.timeouts)
            if attempt == 1 and self.resolve(response).response_action == ResponseAction.REFRESH_TOKEN_THEN_RETRY:
                self._authenticator.refresh_and_set_access_token()
                continue
            return response
        return response

    def resolve(self, response: requests.Response) -> ErrorResolution:
        """What the manifest's error handler makes of this answer (SUCCESS, RETRY, RATE_LIMITED, FAIL...)."""
        return self._error_handler.interpret_response(response)

    def backoff_seconds(self, answer: Any, attempt: int) -> float:
        """The error handler's pause before attempt `attempt + 1` (its backoff strategies)."""
        backoff = getattr(self._error_handler, "backoff_time", None)
        seconds = backoff(answer, attempt) if backoff else None
        return float(seconds) if seconds else float(2**attempt)

    @property
    def max_retries(self) -> int:
        retries = getattr(self._error_handler, "max_retries", None)
        return int(retries) if isinstance(retries, int) else 5


def fail_from(resolution: ErrorResolution, default_message: str) -> AirbyteTracedException:
    """The traced error a FAIL resolution stands for (its message and failure type)."""
    message = resolution.error_message or default_message
    return AirbyteTracedException(
        message=message, internal_message=message, failure_type=resolution.failure_type or FailureType.system_error
    )


class DocumentHost:
    """Downloads of presigned report document URLs: no SP-API token (the URL is the credential), no
    token bucket, the sync's timeouts and pool. A URL is never logged or put in an error."""

    def __init__(self, settings: HttpSettings) -> None:
        self._settings = settings
        self._session = settings.pooled(requests.Session())

    def get(self, url: str) -> requests.Response:
        """Start streaming the document; the caller closes the response. DownloadError on failure."""
        try:
            response = self._session.get(url, stream=True, timeout=self._settings.timeouts)
        except requests.RequestException as error:
            # requests puts the URL in its messages; a presigned URL is a credential.
            raise DownloadError(f"no answer from the document host ({type(error).__name__})") from None
        if response.status_code >= 400:
            code = _s3_error_code(response)
            retry_after = _retry_after_seconds(response.headers.get("Retry-After"))
            response.close()
            detail = f"HTTP {response.status_code}" + (f" {code}" if code else (" with no body" if code == "" else ""))
            raise DownloadError(f"the document host answered {detail}", response.status_code, retry_after)
        return response


class DownloadError(Exception):
    def __init__(self, message: str, status: Optional[int] = None, retry_after: Optional[float] = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


_S3_CODE = re.compile(rb"<Code>([A-Za-z]{1,64})</Code>")


def _s3_error_code(response: requests.Response) -> Optional[str]:
    """S3's error code (`AccessDenied`, `SlowDown`...), "" for an empty body, None otherwise. Only the
    code is read out: S3 error bodies can echo the signature, which is part of the credential."""
    try:
        head = response.raw.read(2048, decode_content=True) or b""
    except Exception:  # the body is only a hint; the status decides
        return None
    if not head.strip():
        return ""
    match = _S3_CODE.search(head)
    return match.group(1).decode("ascii") if match else None


def _retry_after_seconds(value: Optional[str]) -> Optional[float]:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None  # an HTTP date: the growing backoff applies


def pause(seconds: float) -> None:
    """Sleep between attempts (one place, so tests can skip the waiting)."""
    if seconds > 0:
        time.sleep(seconds)
