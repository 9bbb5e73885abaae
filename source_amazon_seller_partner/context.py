"""SyncContext: what one sync shares across its streams and worker threads.

The source creates one per run (source.py) and the component factory hands it to every custom
component that declares a `context` field (factory.py). Nothing here is module-level: two syncs in
one process (tests, the Connector Builder) share nothing.

Amazon meters and authorises per selling partner and app, so one sync holds:
- `tokens`: one LWA access token, renewed before expiry, replaced once when Amazon says it expired;
- `restricted_tokens`: restricted data tokens per resource (personal data);
- `rate_limits`: one token bucket per SP-API operation;
- `transport(...)`: the HTTP path of custom components (transport.py), one per component name;
- `documents`: downloads of presigned report documents;
- `recent_reports`: the reports Amazon already has for this sync's report types (listed once);
- `report_planner`: every createReport of the sync, most recent windows first, within Amazon's limits;
- `shared(key, create)`: further per-sync objects (e.g. page caches) created once, under a lock;
- `selected_streams`: the streams of the configured catalog, once `read` starts (None before): the
  order and finance page readers keep a page until every selected stream that needs it has read it.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Callable, Dict, FrozenSet, Mapping, Optional, TypeVar

from airbyte_cdk.sources.streams.http.error_handlers import ErrorHandler

from .auth import LwaAuthenticator, LwaTokenProvider, RestrictedDataTokens
from .rate_limits import SpApiRateLimits
from .transport import DocumentHost, HttpSettings, SpApiTransport

if TYPE_CHECKING:
    from .reports.listing import RecentReports
    from .reports.planner import ReportPlanner

T = TypeVar("T")

# Builds one of the manifest's error handlers (by default definitions/error_handler) for a component's
# parameters (its `name`, `api_name` and `role` appear in the error messages).
ErrorHandlerFactory = Callable[[Mapping[str, Any], str], ErrorHandler]


class SyncContext:
    def __init__(self, config: Mapping[str, Any], error_handlers: ErrorHandlerFactory) -> None:
        self.config = config
        self.http = HttpSettings.from_config(config)
        self.tokens = LwaTokenProvider(
            lwa_url=config["_lwa_url"],
            client_id=config["lwa_app_id"],
            client_secret=config["lwa_client_secret"],
            refresh_token=config["refresh_token"],
        )
        self.rate_limits = SpApiRateLimits(current_token=self.tokens.access_token)
        self.documents = DocumentHost(self.http)
        self._error_handlers = error_handlers
        self._lock = threading.RLock()  # shared() may create objects that ask for a transport
        self._transports: Dict[str, SpApiTransport] = {}
        self._shared: Dict[str, Any] = {}
        self.selected_streams: Optional[FrozenSet[str]] = None
        # the selected report streams that request reports (not the listed settlements): the planner's
        self.planned_report_streams: FrozenSet[str] = frozenset()
        self.restricted_tokens = RestrictedDataTokens(
            lambda: self.transport("RestrictedDataTokens", {"api_name": "Tokens API", "role": "a restricted role"})
        )

    def authenticator(self) -> LwaAuthenticator:
        return LwaAuthenticator(config=self.config, parameters={}, context=self)

    def transport(self, name: str, parameters: Mapping[str, Any], error_handler: str = "error_handler") -> SpApiTransport:
        """The transport of the component `name`; its errors name `parameters['api_name']` and `role`.
        `error_handler` names the manifest definition that judges its answers."""
        with self._lock:
            transport = self._transports.get(name)
            if transport is None:
                transport = self._transports[name] = SpApiTransport(
                    name=name,
                    base_url=self.config["_api_url"],
                    error_handler=self._error_handlers({"name": name, **parameters}, error_handler),
                    authenticator=self.authenticator(),
                    api_budget=self.rate_limits,
                    settings=self.http,
                )
            return transport

    def shared(self, key: str, create: Callable[[], T]) -> T:
        """The sync's one instance of `key`, created on first use (thread-safe)."""
        with self._lock:
            if key not in self._shared:
                self._shared[key] = create()
            return self._shared[key]

    @property
    def recent_reports(self) -> "RecentReports":
        from .reports.listing import RecentReports

        return self.shared("recent_reports", lambda: RecentReports.for_context(self))

    @property
    def report_planner(self) -> "ReportPlanner":
        from .reports.planner import planner_for

        return self.shared("report_planner", lambda: planner_for(self))
