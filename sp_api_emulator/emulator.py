"""One emulator instance and its request pipeline: route -> auth -> rate limit -> faults -> handler -> wire.

Independent of the HTTP server (server.py), so tests can drive `Emulator.handle` directly.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from typing import Optional
from urllib.parse import parse_qs, unquote, urlsplit

from . import urls
from .auth import Credentials, TokenStore
from .dataset import build_dataset
from .exceptions import ApiError, InternalFailure, QuotaExceeded, ServiceUnavailable, Unauthorized
from .faults import FaultInjector
from .http_types import Request, Response
from .rate_limits import RateLimiter
from .reports.lifecycle import ReportStore
from .responses.common import PageTokens
from .responses.documents import s3_error
from .stats import Stats
from .timeutil import utcnow
from .timing import Timing

log = logging.getLogger("sp_api_emulator")

INJECTED_ERRORS = {429: QuotaExceeded, 500: InternalFailure, 503: ServiceUnavailable}

# Amazon has one endpoint per selling region (NA, EU, FE: "SP-API Endpoints" page). The emulator serves
# all three from one port: the bare URL is NA, `/_region/EU` and `/_region/FE` (and `/_region/NA`)
# prefix the others. Finance operations answer for the marketplaces of the region called.
REGION_PREFIX = "/_region/"
REGIONS = ("NA", "EU", "FE")
DEFAULT_REGION = "NA"


def split_region(path: str):
    """(region, path without the region prefix); region None for an unknown prefix."""
    if not path.startswith(REGION_PREFIX):
        return DEFAULT_REGION, path
    code, _, rest = path[len(REGION_PREFIX):].partition("/")
    return (code.upper() if code.upper() in REGIONS else None), "/" + rest


class Emulator:
    """All state of one emulator instance; `handle` is the whole request pipeline."""

    def __init__(self, seed: int = 1, profile: str = "small", time_scale: float = 1.0,
                 faults: Optional[str] = None, credentials: Optional[Credentials] = None,
                 timing: Optional[Timing] = None) -> None:
        self.seed = seed
        self.profile = profile
        self.timing = timing or Timing(scale=time_scale)
        self.dataset = build_dataset(seed, profile)
        self.faults = FaultInjector(faults, default_seed=seed)
        self.stats = Stats(deprecated=urls.DEPRECATED_OPERATIONS)
        self.limiter = RateLimiter(self.timing.scale)
        self.tokens = TokenStore(credentials or Credentials(), self.timing, self.faults)
        self.secret = os.urandom(32)
        self.page_tokens = PageTokens(self.secret)
        self.reports = ReportStore(self)
        self.base_url = ""  # set once the server is bound

    # -- pipeline --------------------------------------------------------------------------
    def handle(self, method: str, target: str, headers, body: bytes) -> Response:
        parts = urlsplit(target)
        region, path = split_region(unquote(parts.path))
        query = parse_qs(parts.query, keep_blank_values=True)
        request_id = str(uuid.uuid4())
        req = Request(method=method, path=path, query=query, headers=headers, body=body, now=utcnow(),
                      region=region or DEFAULT_REGION)
        route, path_params, allowed = urls.match(method, path) if region else (None, {}, [])
        if route is None:
            status = 405 if allowed else 404
            error = ApiError("Method not allowed." if allowed else f"No resource at {path}.")
            error.status, error.code = status, ("MethodNotAllowed" if allowed else "NotFound")
            response = Response.json(status, error.body())
            response.headers["x-amzn-RequestId"] = request_id
            return response
        req.path_params = {k: unquote(v) for k, v in path_params.items()}
        handler = route.handler
        if route.kind == "admin":
            return self._finish(self._call(handler, req), request_id)
        if route.kind == "lwa":
            return self._guarded(route.operation, handler, req, request_id, rate_limited=False)
        if route.kind == "document":
            return self._guarded(route.operation, handler, req, request_id, rate_limited=False)
        return self._spapi(route, handler, req, request_id)

    def _spapi(self, route: urls.Route, handler, req: Request, request_id: str) -> Response:
        operation = route.operation
        try:
            req.token = self.tokens.resolve(req.headers.get("x-amz-access-token"), req.method, req.path)
            if route.account != "any" and req.token.account_type != route.account:
                raise Unauthorized()
        except ApiError as error:
            self.stats.record(operation, error.status)
            return self._finish(Response.json(error.status, error.body()), request_id)
        if not self.limiter.try_acquire(req.token.client, operation):
            self.stats.record(operation, 429)
            return self._finish(Response.json(429, QuotaExceeded().body()), request_id)
        return self._guarded(operation, handler, req, request_id, rate_limited=True)

    def _guarded(self, operation: str, handler, req: Request, request_id: str, rate_limited: bool) -> Response:
        """Faults, the handler itself, stats and headers."""
        injected = self.faults.error_status(operation)
        if injected is not None:
            self.stats.fault(operation, str(injected))
            self.stats.record(operation, injected, injected=True)
            if injected == 403:  # a bare 403: no body at all (Amazon's edge and S3 both answer so at times)
                return self._finish(Response(403, None), request_id)
            error = INJECTED_ERRORS[injected]()
            if operation == "downloadReportDocument":
                # S3's codes: SlowDown (503, and what a throttled client is told), InternalError (500)
                return self._finish(s3_error(injected, "InternalError" if injected == 500 else "SlowDown",
                                             error.message), request_id)
            return self._finish(Response.json(error.status, error.body()), request_id)
        delay = self.faults.delay(operation)
        if delay > 0:
            self.stats.fault(operation, "slow")
            time.sleep(delay)
        response = self._call(handler, req)
        self.stats.record(operation, response.status)
        if rate_limited and response.status in (200, 201, 202, 204, 400, 404):
            header = self.limiter.header_value(operation)
            if header is not None:
                response.headers["x-amzn-RateLimit-Limit"] = header
        if response.body is not None and self.faults.drop_connection(operation):
            self.stats.fault(operation, "drop")
            response.drop = True
        return self._finish(response, request_id)

    def _call(self, handler, req: Request) -> Response:
        try:
            result = handler(self, req)
        except ApiError as error:
            return Response.json(error.status, error.body())
        except Exception:  # a bug in the emulator must look like Amazon's 500, and be visible
            log.exception("handler failed for %s %s", req.method, req.path)
            return Response.json(500, InternalFailure().body())
        if isinstance(result, Response):
            return result
        status, payload = result
        return Response.json(status, payload)

    @staticmethod
    def _finish(response: Response, request_id: str) -> Response:
        response.headers.setdefault("x-amzn-RequestId", request_id)
        return response
