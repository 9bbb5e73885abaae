"""The CDK's component factory with what one sync of SP-API needs from it.

Why a subclass: the factory is where the CDK builds every component from the manifest, so it is the
one place that can
- hand the sync's SyncContext to custom components (any custom class with a `context` field gets it);
- give every declarative requester the transport's timeouts, a connection pool sized to the workers
  (transport.HttpSettings) and its HttpClient class, so declarative and custom calls behave the same;
- let per-marketplace cursors checkpoint after every window (see `_checkpoint_when_state_changed`);
- build every date-window cursor to read the most recent window first, with a state that never lets a
  skipped window look complete (cursors.py);
- show each report window the CDK generates to the sync's ReportPlanner, which requests reports ahead
  of the threads that will read them (reports/planner.py).
The API budget (the sync's token buckets) is the factory's own `api_budget` argument.

The CDK builds each parent stream (Orders under OrderItems) with a factory of its own, created by
name inside `create_parent_stream_config_with_substream_wrapper`; this class runs that CDK method with
the name bound to itself, so parent streams get the same context, timeouts and pools.
"""

from __future__ import annotations

import copy
import functools
import time
import types
from typing import Any, Callable, Optional

from airbyte_cdk.sources.declarative.decoders import Decoder, JsonDecoder
from airbyte_cdk.sources.declarative.incremental.concurrent_partition_cursor import ConcurrentPerPartitionCursor
from airbyte_cdk.sources.declarative.parsers.model_to_component_factory import ModelToComponentFactory
from airbyte_cdk.sources.declarative.requesters import HttpRequester
from airbyte_cdk.sources.types import Config

from .context import SyncContext
from .cursors import newest_first
from .reports.planner import planned_slices
from .transport import SpApiHttpClient


class SpApiComponentFactory(ModelToComponentFactory):
    def __init__(self, context: SyncContext, **kwargs: Any) -> None:
        kwargs["api_budget"] = context.rate_limits
        super().__init__(**kwargs)
        self._context = context

    def create_custom_component(self, model: Any, config: Config, **kwargs: Any) -> Any:
        # The CDK passes only the keyword arguments the custom class declares as fields.
        return super().create_custom_component(model, config, context=self._context, **kwargs)

    def create_http_requester(
        self,
        model: Any,
        config: Config,
        decoder: Decoder = JsonDecoder(parameters={}),
        query_properties_key: Optional[str] = None,
        use_cache: Optional[bool] = None,
        *,
        name: str,
    ) -> HttpRequester:
        settings = self._context.http
        model = model.copy(
            update={"connect_timeout_in_seconds": settings.connect_timeout, "read_timeout_in_seconds": settings.read_timeout}
        )
        requester = super().create_http_requester(model, config, decoder, query_properties_key, use_cache, name=name)
        settings.pooled(requester._http_client._session)
        # The same client class as the transport's (it only overrides how expired tokens are handled).
        requester._http_client.__class__ = SpApiHttpClient
        return requester

    def create_parent_stream_config_with_substream_wrapper(self, model: Any, config: Config, *, stream_name: str, **kwargs: Any) -> Any:
        cdk_method = _with_factory_class(
            ModelToComponentFactory.create_parent_stream_config_with_substream_wrapper,
            functools.partial(SpApiComponentFactory, self._context),
        )
        return cdk_method(self, model, config, stream_name=stream_name, **kwargs)

    def create_concurrent_cursor_from_datetime_based_cursor(self, *args: Any, **kwargs: Any) -> Any:
        # The CDK builds a per-marketplace stream's cursor for each marketplace through this method too.
        return newest_first(super().create_concurrent_cursor_from_datetime_based_cursor(*args, **kwargs))

    def create_concurrent_cursor_from_perpartition_cursor(self, *args: Any, **kwargs: Any) -> Any:
        cursor = super().create_concurrent_cursor_from_perpartition_cursor(*args, **kwargs)
        if isinstance(cursor, ConcurrentPerPartitionCursor):
            cursor._throttle_state_message = types.MethodType(_checkpoint_when_state_changed, cursor)  # type: ignore[method-assign]
            return self._planned(cursor, kwargs.get("stream_name"))
        return cursor

    def _planned(self, cursor: Any, stream_name: Optional[str]) -> Any:
        """A requested report stream's cursor (always per marketplace) shows the planner every window it
        generates; the CDK's partition generator looks stream_slices up on the instance."""
        if stream_name and stream_name in self._context.planned_report_streams:
            generate = cursor.stream_slices
            cursor.stream_slices = lambda: planned_slices(self._context, stream_name, generate())
        return cursor


def _checkpoint_when_state_changed(cursor: ConcurrentPerPartitionCursor) -> Optional[float]:
    """Checkpoint a per-marketplace stream after every window that moves its state.

    The CDK lets such a stream emit state at most once per 10 minutes (to spare streams with thousands
    of partitions), so a sync killed mid-way re-read up to 10 minutes of windows. Our partitions are
    marketplaces (or orders under one global cursor), and an unchanged state is not sent again.
    """
    state = cursor.state
    if state == getattr(cursor, "_last_checkpoint", None):
        return None
    cursor._last_checkpoint = copy.deepcopy(state)  # type: ignore[attr-defined]
    return time.time()


def _with_factory_class(method: Callable[..., Any], make_factory: Callable[..., Any]) -> Callable[..., Any]:
    """The CDK `method` with the global name ModelToComponentFactory resolved to `make_factory`."""
    assert "ModelToComponentFactory" in method.__code__.co_names, "the CDK no longer builds parent factories by name"
    rebound = types.FunctionType(
        method.__code__, {**method.__globals__, "ModelToComponentFactory": make_factory}, method.__name__, method.__defaults__, method.__closure__
    )
    rebound.__kwdefaults__ = method.__kwdefaults__
    return rebound

