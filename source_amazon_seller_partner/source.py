"""The declarative source: the assembled manifest (catalog/manifest.py) read by the CDK, one SyncContext
per run, and the component factory that hands that context to the custom components."""

from __future__ import annotations

import logging
from typing import Any, List, Mapping, Optional

from airbyte_cdk.models import AirbyteConnectionStatus, AirbyteStateMessage, ConfiguredAirbyteCatalog
from airbyte_cdk.sources.declarative.concurrent_declarative_source import ConcurrentDeclarativeSource
from airbyte_cdk.sources.declarative.models.declarative_component_schema import DefaultErrorHandler as DefaultErrorHandlerModel
from airbyte_cdk.sources.declarative.parsers.manifest_component_transformer import ManifestComponentTransformer
from airbyte_cdk.sources.streams.http.error_handlers import ErrorHandler
from jsonschema import Draft7Validator

from .catalog.manifest import assemble_manifest
from .catalog.reports import load_report_catalog
from .check import check_connection
from .config import normalize_config
from .context import SyncContext
from .errors import ConfigError
from .factory import SpApiComponentFactory
from .reports.redaction import install_presigned_url_redactor


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
        manifest = assemble_manifest(normalized)
        if normalized is not None:
            try:
                check_against_spec(config, manifest["spec"]["connection_specification"])
            except ConfigError as error:
                self.config_error = error
        super().__init__(catalog=catalog, config=normalized, state=state, source_config=manifest, **kwargs)
        self.context: Optional[SyncContext] = None
        if normalized is not None:
            self.context = SyncContext(self._config, error_handlers=self._error_handler_for)
            self._constructor = SpApiComponentFactory(
                self.context,
                message_repository=self._message_repository,
                connector_state_manager=self._connector_state_manager,
                configured_catalog=catalog,
            )
        install_presigned_url_redactor()

    def _error_handler_for(self, parameters: Mapping[str, Any]) -> ErrorHandler:
        """The manifest's error handler (definitions/error_handler) for a custom component's calls."""
        definition = ManifestComponentTransformer().propagate_types_and_parameters(
            "", self._source_config["definitions"]["error_handler"], dict(parameters)
        )
        return self._constructor.create_component(DefaultErrorHandlerModel, definition, self._config)

    def _prepare_for_stream_build(self) -> None:
        if self.config_error:
            raise self.config_error
        super()._prepare_for_stream_build()

    def read(self, logger: logging.Logger, config: Mapping[str, Any], catalog: ConfiguredAirbyteCatalog, state: Any = None) -> Any:
        if self.context is not None and not self.config_error:
            # Announce every selected report type up front so getReports (0.0222/s) lists them ten at a time.
            report_types = {spec.name: spec.report_type for spec in load_report_catalog()}
            selected = [report_types[s.stream.name] for s in catalog.streams if s.stream.name in report_types]
            self.context.recent_reports.expect(selected)
        return super().read(logger, config, catalog, state)

    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        if self.config_error:
            raise self.config_error
        assert self.context is not None
        return check_connection(self.context, logger)
