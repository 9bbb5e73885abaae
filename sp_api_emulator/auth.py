"""Login with Amazon and SP-API access tokens: who is calling, for which account, until when.

The refresh token decides the account (seller or vendor). Access tokens and restricted data
tokens (RDT) live in memory; they are never logged or echoed in error messages.
"""

from __future__ import annotations

import base64
import math
import re
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Mapping, Optional, Tuple

from .exceptions import EXPIRED_TOKEN_MESSAGE, InvalidInput, LwaError, Unauthorized
from .faults import FaultInjector
from .roles import ALL_ROLES
from .timing import Timing

DEFAULT_CLIENT_ID = "amzn1.application-oa2-client.emulator"
DEFAULT_CLIENT_SECRET = "emulator-client-secret"
DEFAULT_SELLER_REFRESH_TOKEN = "Atzr|emulator-seller-refresh-token"
DEFAULT_VENDOR_REFRESH_TOKEN = "Atzr|emulator-vendor-refresh-token"


@dataclass(frozen=True)
class Credentials:
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    seller_refresh_token: str = DEFAULT_SELLER_REFRESH_TOKEN
    vendor_refresh_token: str = DEFAULT_VENDOR_REFRESH_TOKEN
    # The roles the selling partner granted the app (roles.py); all of them unless a test says otherwise.
    roles: FrozenSet[str] = ALL_ROLES

    def __repr__(self) -> str:  # never print secrets
        return f"Credentials(client_id={self.client_id!r}, ...)"


@dataclass(frozen=True)
class AccessToken:
    account_type: str  # seller | vendor
    client_id: str
    expires_at: float  # time.monotonic()
    # RDT only: (method, compiled path pattern) pairs this token may call; None for a normal token.
    restricted: Optional[Tuple[Tuple[str, "re.Pattern[str]"], ...]] = None

    @property
    def client(self) -> Tuple[str, str]:
        """Rate limits are per application and account."""
        return (self.client_id, self.account_type)

    def allows(self, method: str, path: str) -> bool:
        if self.restricted is None:
            return True
        return any(m == method and p.fullmatch(path) for m, p in self.restricted)


def _template_to_regex(path: str) -> "re.Pattern[str]":
    parts = re.split(r"(\{[^/{}]+\})", path)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts if p))


class TokenStore:
    def __init__(self, credentials: Credentials, timing: Timing, faults: FaultInjector) -> None:
        self.credentials = credentials
        self.timing = timing
        self.faults = faults
        self._tokens: Dict[str, AccessToken] = {}
        self._lock = threading.Lock()

    # -- LWA -------------------------------------------------------------------------------
    def _client_from_basic_auth(self, headers: Mapping[str, str]) -> Tuple[Optional[str], Optional[str]]:
        value = headers.get("Authorization") or ""
        if not value.lower().startswith("basic "):
            return None, None
        try:
            decoded = base64.b64decode(value[6:].strip()).decode()
        except Exception:
            return None, None
        client_id, _, secret = decoded.partition(":")
        return client_id, secret

    def exchange(self, form: Mapping[str, str], headers: Mapping[str, str]) -> Tuple[Dict[str, object], bool]:
        """The LWA response body, and whether the token was cut short by a token_expiry fault."""
        grant_type = form.get("grant_type")
        if not grant_type:
            raise LwaError(400, "invalid_request", "The request is missing a required parameter : grant_type")
        if grant_type != "refresh_token":
            raise LwaError(400, "unsupported_grant_type",
                           "The authorization grant type is not supported by the authorization server")
        basic_id, basic_secret = self._client_from_basic_auth(headers)
        client_id = form.get("client_id") or basic_id
        client_secret = form.get("client_secret") or basic_secret
        if client_id != self.credentials.client_id or client_secret != self.credentials.client_secret:
            raise LwaError(401, "invalid_client", "Client authentication failed")
        refresh_token = form.get("refresh_token")
        if not refresh_token:
            raise LwaError(400, "invalid_request", "The request is missing a required parameter : refresh_token")
        accounts = {self.credentials.seller_refresh_token: "seller", self.credentials.vendor_refresh_token: "vendor"}
        account_type = accounts.get(refresh_token)
        if account_type is None:
            raise LwaError(400, "invalid_grant", "The request has an invalid grant parameter : refresh_token")
        lifetime = self.timing.scaled(self.timing.token_lifetime_seconds)
        actual = lifetime
        early = self.faults.plan.token_expiry_seconds
        if early is not None and early < lifetime:
            actual = early
        token = "Atza|" + secrets.token_urlsafe(48)
        self._store(token, AccessToken(account_type, client_id, time.monotonic() + actual))
        return {"access_token": token, "refresh_token": refresh_token, "token_type": "bearer",
                "expires_in": max(1, math.ceil(lifetime))}, actual < lifetime

    def _store(self, token: str, access: AccessToken) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._tokens) > 10000:  # forget long-expired tokens
                self._tokens = {k: v for k, v in self._tokens.items() if v.expires_at > now - 3600}
            self._tokens[token] = access

    # -- SP-API ----------------------------------------------------------------------------
    def resolve(self, token: Optional[str], method: str, path: str) -> AccessToken:
        if not token:
            raise Unauthorized()
        with self._lock:
            access = self._tokens.get(token)
        if access is None:
            raise Unauthorized()
        if access.expires_at <= time.monotonic():
            raise Unauthorized(EXPIRED_TOKEN_MESSAGE)
        if not access.allows(method, path):
            raise Unauthorized()
        return access

    def create_restricted_data_token(self, parent: AccessToken, body: object) -> Dict[str, object]:
        if not isinstance(body, dict) or not isinstance(body.get("restrictedResources"), list) \
                or not body["restrictedResources"]:
            raise InvalidInput("restrictedResources is required and must be a non-empty list.")
        allowed: List[Tuple[str, "re.Pattern[str]"]] = []
        for resource in body["restrictedResources"]:
            if not isinstance(resource, dict):
                raise InvalidInput("Each restricted resource must be an object.")
            method, path = resource.get("method"), resource.get("path")
            if method not in ("GET", "PUT", "POST", "DELETE"):
                raise InvalidInput("method must be one of GET, PUT, POST, DELETE.")
            if not isinstance(path, str) or not path.startswith("/"):
                raise InvalidInput("path must be an SP-API resource path starting with '/'.")
            allowed.append((method, _template_to_regex(path)))
        lifetime = self.timing.scaled(self.timing.token_lifetime_seconds)
        token = "Atz.sprdt|" + secrets.token_urlsafe(48)
        self._store(token, AccessToken(parent.account_type, parent.client_id,
                                       min(parent.expires_at, time.monotonic() + lifetime) if parent.restricted
                                       else time.monotonic() + lifetime, tuple(allowed)))
        return {"restrictedDataToken": token, "expiresIn": max(1, math.ceil(lifetime))}
