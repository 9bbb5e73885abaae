"""Login with Amazon (LWA) and restricted data tokens: one of each per sync (held by SyncContext).

Why custom: the CDK's SessionTokenAuthenticator gives each requester its own token (one LWA call per
stream) and cannot re-authenticate after a 403 "token expired"; OAuthAuthenticator can only send
`Authorization: Bearer`. SP-API wants the token in `x-amz-access-token`, and the error handler's
REFRESH_TOKEN_THEN_RETRY action calls `refresh_and_set_access_token()` here.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import InitVar, dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Dict, Mapping, Optional, Tuple

from urllib.parse import urlsplit

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.auth.declarative_authenticator import DeclarativeAuthenticator
from airbyte_cdk.utils.airbyte_secrets_utils import add_to_secrets
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from .errors import ConfigError

if TYPE_CHECKING:
    from .transport import SpApiTransport

logger = logging.getLogger("airbyte")

TOKEN_HEADER = "x-amz-access-token"
LWA_TIMEOUT = (5, 10)  # connect, read seconds
LWA_ATTEMPTS = 3

# What to tell the user for each LWA error code; the response body itself is never echoed.
_LWA_ERROR_ADVICE = {
    "invalid_grant": "Amazon rejected the refresh token (invalid_grant): it is wrong, revoked or belongs to another app. "
    "Authorise the app again in Seller Central / Vendor Central and paste the new 'refresh_token'.",
    "invalid_client": "Amazon rejected the LWA client credentials (invalid_client): check 'lwa_app_id' and 'lwa_client_secret' "
    "(client secrets expire every 180 days; rotate it in the Developer Console and paste the new one).",
    "unauthorized_client": "The LWA app 'lwa_app_id' is not allowed to use this 'refresh_token' (unauthorized_client): "
    "use the refresh token issued to this app.",
    "invalid_request": "Amazon rejected the token request (invalid_request): check that 'lwa_app_id', 'lwa_client_secret' "
    "and 'refresh_token' are complete values.",
}


SHORTEST_LEARNED_LIFETIME_SECONDS = 10.0


class LwaTokenProvider:
    """Fetches and caches one access token; safe to call from many threads."""

    def __init__(
        self, lwa_url: str, client_id: str, client_secret: str, refresh_token: str, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._clock = clock
        self._lwa_url = lwa_url
        self._form = {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": client_id,
            "client_secret": client_secret,
        }
        self._lock = threading.Lock()
        self._token: Optional[str] = None
        self._expires_at = 0.0
        self._fetched_at = 0.0
        # The shortest life Amazon gave a token of this sync (rejected as expired that many seconds
        # after it was fetched), when shorter than LWA's `expires_in` said.
        self._observed_lifetime: Optional[float] = None
        self._session = requests.Session()
        # Login with Amazon's refusal of the credentials is final for the sync: kept, never asked again.
        self._refusal: Optional[ConfigError] = None

    def access_token(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._expires_at:
                self._fetch()
            assert self._token is not None
            return self._token

    def refresh(self, rejected_token: Optional[str] = None) -> None:
        """Get a new token after Amazon rejected `rejected_token` as expired.

        Several threads fail on the same expiry at once: only the first replaces the token, the others
        find it already replaced and retry with the new one.
        """
        with self._lock:
            if rejected_token is not None and rejected_token != self._token:
                return
            if rejected_token is not None:
                self._learn_lifetime(self._clock() - self._fetched_at)
            self._fetch()

    def _learn_lifetime(self, age: float) -> None:
        """Amazon rejected the current token `age` seconds after it was fetched: if that is before the
        time LWA announced, later tokens are renewed at half that age, so a request that waits out a
        throttle or backoff is not sent with a token that dies on the way (and rejected again). A token
        rejected within seconds says nothing about tokens' life (a clock or cache at Amazon's edge)."""
        if age >= SHORTEST_LEARNED_LIFETIME_SECONDS and (self._observed_lifetime is None or age < self._observed_lifetime):
            self._observed_lifetime = age

    def _fetch(self) -> None:
        if self._refusal is not None:
            raise self._refusal
        try:
            self._fetch_once_answered()
        except ConfigError as refusal:
            self._refusal = refusal
            raise

    def _fetch_once_answered(self) -> None:
        last_problem = "no answer"
        host = urlsplit(self._lwa_url).netloc
        for attempt in range(1, LWA_ATTEMPTS + 1):
            try:
                response = self._session.post(self._lwa_url, data=self._form, timeout=LWA_TIMEOUT)
            except requests.RequestException as error:
                last_problem = f"{type(error).__name__} reaching {host}"
            else:
                if response.status_code == 200:
                    self._accept(response)
                    return
                code = _error_code(response)
                if code in _LWA_ERROR_ADVICE:
                    raise ConfigError(_LWA_ERROR_ADVICE[code])
                if response.status_code in (400, 401, 403):
                    raise ConfigError(
                        f"Amazon's LWA endpoint refused the credentials (HTTP {response.status_code}, {code or 'no error code'}): "
                        "check 'lwa_app_id', 'lwa_client_secret' and 'refresh_token'."
                    )
                if response.status_code in (404, 405) or (code is None and 400 <= response.status_code < 500):
                    # Not Login with Amazon's answer: the URL is not a token endpoint.
                    raise ConfigError(
                        f"The LWA token URL on {host} answered HTTP {response.status_code}: it is not a Login with Amazon token "
                        "endpoint. Check 'lwa_url', or leave it empty for Amazon's https://api.amazon.com/auth/o2/token."
                    )
                last_problem = f"HTTP {response.status_code}" + (f" {code}" if code else "") + f" from {host}"
            if attempt < LWA_ATTEMPTS:
                time.sleep(attempt)
        raise AirbyteTracedException(
            message=f"Could not get an access token from Login with Amazon ({last_problem}); try again later.",
            internal_message=f"LWA token request failed after {LWA_ATTEMPTS} attempts: {last_problem}",
            failure_type=FailureType.transient_error,
        )

    def _accept(self, response: requests.Response) -> None:
        try:
            body = response.json()
            token = body["access_token"]
            lifetime = float(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise AirbyteTracedException(
                message="Login with Amazon answered without an access token; try again later.",
                failure_type=FailureType.transient_error,
            ) from None
        now = self._clock()
        # The CDK masks registered secrets in every log line and trace (its --debug logs print request headers).
        add_to_secrets(token)
        # Renew shortly before expiry: 5 minutes for Amazon's hour-long tokens, proportionally less for short ones.
        self._token = token
        self._fetched_at = now
        renew_after = lifetime - min(300.0, lifetime * 0.1)
        if self._observed_lifetime is not None:
            renew_after = min(renew_after, self._observed_lifetime / 2)
        self._expires_at = now + renew_after


def _error_code(response: requests.Response) -> Optional[str]:
    try:
        body = response.json()
    except ValueError:
        return None
    code = body.get("error") if isinstance(body, dict) else None
    return code if isinstance(code, str) else None


@dataclass
class LwaAuthenticator(DeclarativeAuthenticator):
    """Declarative authenticator: sends the sync's LWA token in `x-amz-access-token`.

    `context` is the SyncContext, handed over by the component factory (factory.py); typed Any
    because context.py builds these authenticators (the CDK resolves field types at run time).
    """

    config: Mapping[str, Any]
    parameters: InitVar[Mapping[str, Any]] = None
    context: Any = None
    _provider: Optional[LwaTokenProvider] = field(default=None, init=False, repr=False)
    # The CDK sends and retries a request in one worker thread: remembering per thread which token
    # went out tells refresh_and_set_access_token which token Amazon rejected.
    _sent: threading.local = field(default_factory=threading.local, init=False, repr=False)

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        if self.context is None:
            raise ValueError(f"{type(self).__name__} needs the sync context (build it through the connector's component factory)")
        self._provider = self.context.tokens

    @property
    def auth_header(self) -> str:
        return TOKEN_HEADER

    @property
    def token(self) -> str:
        assert self._provider is not None
        self._sent.token = self._provider.access_token()
        return self._sent.token

    def refresh_and_set_access_token(self) -> None:
        assert self._provider is not None
        self._provider.refresh(rejected_token=getattr(self._sent, "token", None))


class RestrictedDataTokens:
    """Restricted Data Tokens (Tokens API) per generic path, one set per sync.

    Personal data (buyer info, addresses) needs an RDT. When Amazon refuses one (the app lacks the
    restricted role), streams fall back to the plain token, which returns the data without PII.
    The Tokens API call goes through the sync's transport (`transport()` builds it on first use).
    """

    def __init__(self, transport: Callable[[], "SpApiTransport"]) -> None:
        self._transport = transport
        self._lock = threading.Lock()
        self._tokens: Dict[str, Tuple[str, float]] = {}
        self._refused: Dict[str, bool] = {}

    def token_for(self, path: str, data_elements: Optional[list] = None) -> Optional[str]:
        """An RDT for this generic path, or None when Amazon refuses one (then use the LWA token)."""
        with self._lock:
            if self._refused.get(path):
                return None
            cached = self._tokens.get(path)
            if cached and time.monotonic() < cached[1]:
                return cached[0]
            resource: Dict[str, Any] = {"method": "GET", "path": path}
            if data_elements:
                resource["dataElements"] = data_elements
            try:
                # One attempt: without a token the stream still runs (without personal data).
                response = self._transport().send_once(
                    "POST", "/tokens/2021-03-01/restrictedDataToken", json={"restrictedResources": [resource]}
                )
            except requests.RequestException as error:
                logger.warning("Could not get a Restricted Data Token for %s (%s); using the plain token.", path, type(error).__name__)
                return None
            if response.status_code in (401, 403):
                self._refused[path] = True
                logger.warning(
                    "Amazon refused a Restricted Data Token for %s (HTTP %s): the app lacks the restricted role for personal data. "
                    "Falling back to the plain token: buyer names, e-mails and addresses will be missing.",
                    path,
                    response.status_code,
                )
                return None
            if response.status_code != 200:
                logger.warning("Restricted Data Token request for %s answered HTTP %s; using the plain token.", path, response.status_code)
                return None
            body = response.json()
            lifetime = float(body.get("expiresIn", 3600))
            add_to_secrets(body["restrictedDataToken"])
            self._tokens[path] = (body["restrictedDataToken"], time.monotonic() + lifetime * 0.9)
            return body["restrictedDataToken"]


@dataclass
class RestrictedDataAuthenticator(LwaAuthenticator):
    """Sends a Restricted Data Token for `parameters['rdt_path']` when `include_pii` is on, else the LWA token."""

    _rdt_path: str = field(default="", init=False, repr=False)

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        super().__post_init__(parameters)
        self._rdt_path = (parameters or {}).get("rdt_path", "")

    @property
    def token(self) -> str:
        if self.config.get("include_pii") and self._rdt_path:
            assert self.context is not None
            restricted = self.context.restricted_tokens.token_for(self._rdt_path)
            if restricted:
                return restricted
        return super().token
