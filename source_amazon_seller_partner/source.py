"""The declarative source: the assembled manifest (catalog/manifest.py) read by the CDK, one SyncContext
per run, and the component factory that hands that context to the custom components."""

from __future__ import annotations

import logging
import time
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

from airbyte_cdk.models import (
    AirbyteConnectionStatus,
    AirbyteErrorTraceMessage,
    AirbyteMessage,
    AirbyteStateMessage,
    AirbyteTraceMessage,
    ConfiguredAirbyteCatalog,
    FailureType,
    StreamDescriptor,
    TraceType,
    Type,
)
from airbyte_cdk.sources.declarative.concurrent_declarative_source import ConcurrentDeclarativeSource
from airbyte_cdk.sources.declarative.models.declarative_component_schema import CompositeErrorHandler as CompositeErrorHandlerModel
from airbyte_cdk.sources.declarative.models.declarative_component_schema import DefaultErrorHandler as DefaultErrorHandlerModel
from airbyte_cdk.sources.connector_state_manager import ConnectorStateManager
from airbyte_cdk.sources.declarative.parsers.manifest_component_transformer import ManifestComponentTransformer
from airbyte_cdk.sources.streams.http.error_handlers import ErrorHandler
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from jsonschema import Draft7Validator

from .catalog.manifest import assemble_manifest, spec_defaults
from .catalog.reports import load_report_catalog
from .check import check_connection
from .config import normalize_config
from .context import SyncContext
from .errors import ConfigError
from .factory import SpApiComponentFactory
from .reports.options import missing_required_options
from .reports.redaction import install_presigned_url_redactor
from .state import StreamCursor, prepare_state


def check_against_spec(config: Mapping[str, Any], connection_specification: Mapping[str, Any]) -> None:
    """The spec's own rules (types, enums, patterns), reported as one line naming the key."""
    validator = Draft7Validator(connection_specification)
    error = next(iter(sorted(validator.iter_errors(config), key=lambda e: list(e.path))), None)
    if error is not None:
        where = ".".join(str(part) for part in error.path) or "config"
        raise ConfigError(f"'{where}' is invalid: {error.message}. See the connector's configuration reference.")


class SourceAmazonSellerPartner(ConcurrentDeclarativeSource):
    """One instance per run: `context` is the sync's SyncContext (None when built without a config)."""

    def __init__(
        self,
        catalog: Optional[ConfiguredAirbyteCatalog] = None,
        config: Optional[Mapping[str, Any]] = None,
        state: Optional[List[AirbyteStateMessage]] = None,
        **kwargs: Any,
    ) -> None:
        self.config_error: Optional[ConfigError] = None
        normalized: Optional[Mapping[str, Any]] = None
        if config:
            try:
                normalized = normalize_config(config, known_report_names=[entry.report_type for entry in load_report_catalog()])
            except ConfigError as error:
                # Reported by run.py (or raised again from check/discover/read) as one config_error line.
                self.config_error = error
        # A read builds only the streams its catalog selects (catalog/manifest.py says why).
        manifest = assemble_manifest(normalized, only={s.stream.name for s in catalog.streams} if catalog else None)
        if normalized is not None:
            try:
                check_against_spec(config, manifest["spec"]["connection_specification"])
            except ConfigError as error:
                self.config_error = error
                normalized = None  # the CDK must not build anything from a config that breaks the spec
        # The state is read below, once the manifest is resolved (state.py makes older formats readable).
        # Without a usable config (spec, or a config error about to be reported) the CDK still builds its
        # concurrency setting: it gets the spec's defaults.
        super().__init__(catalog=catalog, config=normalized if normalized is not None else spec_defaults(), state=None,
                         source_config=manifest, **kwargs)
        self.context: Optional[SyncContext] = None
        # Streams whose saved state holds a value no version of the connector wrote: {name: value}.
        self.unreadable_state: Dict[str, Any] = {}
        self._state_notes: List[Tuple[int, str]] = []
        if normalized is not None and state:
            prepared, self.unreadable_state = prepare_state(
                state, self._stream_cursors(), self._config["_marketplace_ids"], self._state_notes
            )
            self._connector_state_manager = ConnectorStateManager(state=prepared)
        if normalized is not None:
            self.context = SyncContext(self._config, error_handlers=self._error_handler_for)
            self._constructor = SpApiComponentFactory(
                self.context,
                message_repository=self._message_repository,
                connector_state_manager=self._connector_state_manager,
                configured_catalog=catalog,
            )
        install_presigned_url_redactor()

    def _error_handler_for(self, parameters: Mapping[str, Any], name: str = "error_handler") -> ErrorHandler:
        """The manifest's error handler `definitions/<name>` for a custom component's calls."""
        definition = ManifestComponentTransformer().propagate_types_and_parameters(
            "", self._source_config["definitions"][name], dict(parameters)
        )
        model = CompositeErrorHandlerModel if definition.get("type") == "CompositeErrorHandler" else DefaultErrorHandlerModel
        return self._constructor.create_component(model, definition, self._config)

    def _stream_cursors(self) -> Dict[str, StreamCursor]:
        """Each incremental stream's cursor as its state holds it (see state.py)."""
        legacy = {spec.name: spec.airbyte_4_6_4_cursor_field for spec in load_report_catalog() if spec.airbyte_4_6_4_cursor_field}

        def cursor_of(stream: Mapping[str, Any]) -> Optional[StreamCursor]:
            incremental = stream.get("incremental_sync") or {}
            field = incremental.get("cursor_field")
            if not isinstance(field, str):
                return None
            formats = tuple(incremental.get("cursor_datetime_formats") or [incremental.get("datetime_format")])
            router = (stream.get("retriever") or {}).get("partition_router") or {}
            parents = router.get("parent_stream_configs") or [] if isinstance(router, Mapping) else []
            parent = None
            if parents and parents[0].get("incremental_dependency"):
                parent_cursor = cursor_of(parents[0]["stream"])
                parent = (parents[0]["stream"]["name"], parent_cursor) if parent_cursor else None
            return StreamCursor(field, formats, legacy.get(stream.get("name", "")), parent, partitioned=bool(router))

        cursors = {}
        for stream in self._stream_configs(self._source_config):
            cursor = cursor_of(stream)
            if cursor is not None:
                cursors[stream["name"]] = cursor
        return cursors

    def _prepare_for_stream_build(self) -> None:
        if self.config_error:
            raise self.config_error
        super()._prepare_for_stream_build()

    def read(
        self, logger: logging.Logger, config: Mapping[str, Any], catalog: ConfiguredAirbyteCatalog, state: Any = None
    ) -> Iterator[AirbyteMessage]:
        if self.config_error:
            raise self.config_error
        assert self.context is not None
        catalog = self._readable_catalog(catalog)
        for level, note in self._state_notes:
            self.logger.log(level, note)
        # The order and finance page readers share their pages among the selected streams (orders/, finances/).
        self.context.selected_streams = frozenset(s.stream.name for s in catalog.streams)
        # A refused refresh token or client secret is final for the whole sync: one LWA call, one line.
        self.context.tokens.access_token()
        # Announce every selected report type up front so getReports (0.0222/s) lists them ten at a time,
        # and the report streams whose windows the planner will see (reports/planner.py).
        specs = {spec.name: spec for spec in load_report_catalog()}
        selected_reports = [specs[s.stream.name] for s in catalog.streams if s.stream.name in specs]
        self.context.recent_reports.expect([spec.report_type for spec in selected_reports])
        self.context.planned_report_streams = frozenset(spec.name for spec in selected_reports if spec.window_kind != "settlement")
        if self.context.planned_report_streams:
            self.context.report_planner.expect(set(self.context.planned_report_streams))
        if catalog.streams:
            yield from self._read_with_the_real_failure_type(logger, config, catalog, state)
        if self.unreadable_state:
            for name, value in self.unreadable_state.items():
                yield _stream_error(name, _unreadable_state_message(name, value))
            raise ConfigError(
                "The saved state of "
                + "; of ".join(f"{name} holds {value!r}" for name, value in self.unreadable_state.items())
                + ", a cursor value no version of this connector wrote. Clear those streams' state (or fix the value) and sync again."
            )

    def _read_with_the_real_failure_type(
        self, logger: logging.Logger, config: Mapping[str, Any], catalog: ConfiguredAirbyteCatalog, state: Any
    ) -> Iterator[AirbyteMessage]:
        """The CDK ends a sync in which streams failed with one more error, always a config error ("this
        combined error isn't actionable"). Airbyte does not retry config errors, so that last error takes
        the failure type the streams' own errors share: transient when they all were."""
        failure_types = []
        try:
            for message in super().read(logger, config, catalog, state):
                if message.type == Type.TRACE and message.trace.type == TraceType.ERROR and message.trace.error.stream_descriptor:
                    failure_types.append(message.trace.error.failure_type)
                yield message
        except AirbyteTracedException as error:
            if error.internal_message != _CDK_COMBINED_FAILURE or not failure_types:
                raise
            combined = (
                FailureType.config_error if FailureType.config_error in failure_types
                else FailureType.transient_error if set(failure_types) == {FailureType.transient_error}
                else FailureType.system_error
            )
            raise AirbyteTracedException(message=error.message, internal_message=error.internal_message, failure_type=combined) from None

    def _readable_catalog(self, catalog: ConfiguredAirbyteCatalog) -> ConfiguredAirbyteCatalog:
        """The selected streams this source has and whose state it can read; unknown names are warned about."""
        available = {stream["name"] for stream in self._stream_configs(self._source_config)}
        unknown = [s.stream.name for s in catalog.streams if s.stream.name not in available]
        if unknown and len(unknown) == len(catalog.streams):
            raise ConfigError(
                f"None of the selected streams exists for this config: {', '.join(unknown)}. "
                + _which_streams_exist(self._config, unknown)
            )
        if unknown:
            self.logger.warning(
                "Skipping selected streams this source does not have for this config: %s. %s",
                ", ".join(unknown),
                _which_streams_exist(self._config, unknown),
            )
        kept = [s for s in catalog.streams if s.stream.name in available and s.stream.name not in self.unreadable_state]
        return ConfiguredAirbyteCatalog(streams=kept)

    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        if self.config_error:
            raise self.config_error
        assert self.context is not None
        return check_connection(self.context, logger)


# The internal message of the CDK's last error of a sync in which streams failed (ConcurrentReadProcessor).
_CDK_COMBINED_FAILURE = "Concurrent read failure"


def _which_streams_exist(config: Mapping[str, Any], names: Sequence[str] = ()) -> str:
    account = "Vendor" if config.get("_is_vendor") else "Seller"
    withheld = [
        f"{spec.name} needs the report option{'s' if len(missing) > 1 else ''} {', '.join(missing)} in report_options_list"
        for spec in load_report_catalog()
        if spec.name in names and (missing := missing_required_options(spec, config))
    ]
    hint = f" {'; '.join(withheld)}." if withheld else ""
    return f"With account_type {account} the streams are those `discover` lists (check the names and the account type).{hint}"


def _unreadable_state_message(name: str, value: Any) -> str:
    return (
        f"The saved state of stream {name} holds {value!r}, a cursor value no version of this connector wrote. "
        "Clear this stream's state (or fix the value) and sync again; the other streams ran."
    )


def _stream_error(name: str, message: str) -> AirbyteMessage:
    return AirbyteMessage(
        type=Type.TRACE,
        trace=AirbyteTraceMessage(
            type=TraceType.ERROR,
            emitted_at=time.time() * 1000,
            error=AirbyteErrorTraceMessage(
                message=message, internal_message=message, failure_type=FailureType.config_error,
                stream_descriptor=StreamDescriptor(name=name),
            ),
        ),
    )
