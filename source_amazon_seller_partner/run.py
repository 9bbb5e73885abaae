"""Console entrypoint `source-amazon-seller-partner spec|check|discover|read`.

CDK 7's declarative source only uses the config/catalog/state given to its constructor, so the
source is built from the command's own files before `launch`. Unreadable files are the user's
mistake: they become one config_error trace line, never a stack trace.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any, List, Optional

import orjson
from airbyte_cdk.entrypoint import AirbyteEntrypoint, launch
from airbyte_cdk.models import (
    AirbyteConnectionStatus,
    AirbyteErrorTraceMessage,
    AirbyteMessage,
    AirbyteMessageSerializer,
    AirbyteTraceMessage,
    ConfiguredAirbyteCatalogSerializer,
    FailureType,
    Status,
    TraceType,
    Type,
)
from airbyte_cdk.models import AirbyteStateMessageSerializer
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from .logs import install_readable_log_filters
from .source import SourceAmazonSellerPartner


class InputFileError(Exception):
    pass


def _read_json(path: str, what: str) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise InputFileError(f"The {what} file '{path}' does not exist.") from None
    except IsADirectoryError:
        raise InputFileError(f"The {what} file '{path}' is a directory: give the path of the JSON file in it.") from None
    except OSError as error:
        raise InputFileError(f"The {what} file '{path}' cannot be read ({error.strerror or type(error).__name__}).") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputFileError(f"The {what} file '{path}' is not valid JSON ({error.__class__.__name__} at {getattr(error, 'lineno', '?')}:{getattr(error, 'colno', '?')}).") from None


def _read_catalog(path: Optional[str]):
    if not path:
        return None
    raw = _read_json(path, "catalog")
    try:
        return ConfiguredAirbyteCatalogSerializer.load(raw)
    except Exception:
        raise InputFileError(f"The catalog file '{path}' is not a configured Airbyte catalog (expected {{\"streams\": [...]}}).") from None


def _read_state(path: Optional[str]):
    if not path:
        return None
    raw = _read_json(path, "state")
    if raw in ({}, [], None):
        return []
    if not isinstance(raw, list):
        raise InputFileError(f"The state file '{path}' must hold a list of Airbyte state messages.")
    try:
        return [AirbyteStateMessageSerializer.load(message) for message in raw]
    except Exception:
        raise InputFileError(f"The state file '{path}' holds something that is not an Airbyte state message.") from None


def _emit(message: AirbyteMessage) -> None:
    print(orjson.dumps(AirbyteMessageSerializer.dump(message)).decode(), flush=True)


def emit_error(message: str, failure_type: FailureType, internal_message: Optional[str] = None) -> None:
    """An error trace with the one-line message and no stack trace (the logs hold it with --debug)."""
    _emit(
        AirbyteMessage(
            type=Type.TRACE,
            trace=AirbyteTraceMessage(
                type=TraceType.ERROR,
                emitted_at=time.time() * 1000,
                error=AirbyteErrorTraceMessage(message=message, internal_message=internal_message or message, failure_type=failure_type),
            ),
        )
    )


def emit_config_error(message: str, command: Optional[str]) -> None:
    """A config_error trace with the one-line message (and a FAILED status for `check`)."""
    emit_error(message, FailureType.config_error)
    if command == "check":
        _emit(AirbyteMessage(type=Type.CONNECTION_STATUS, connectionStatus=AirbyteConnectionStatus(status=Status.FAILED, message=message)))


def _command(args: List[str]) -> Optional[str]:
    return next((arg for arg in args if arg in ("spec", "check", "discover", "read")), None)


def run(args: Optional[List[str]] = None) -> None:
    args = list(sys.argv[1:] if args is None else args)
    command = _command(args)
    try:
        config_path = AirbyteEntrypoint.extract_config(args)
        config = _read_json(config_path, "config") if config_path else None
        if config is not None and not isinstance(config, dict):
            raise InputFileError(f"The config file '{config_path}' must hold a JSON object.")
        catalog = _read_catalog(AirbyteEntrypoint.extract_catalog(args))
        state = _read_state(AirbyteEntrypoint.extract_state(args))
    except InputFileError as error:
        emit_config_error(str(error), command)
        sys.exit(0 if command == "check" else 1)

    source = SourceAmazonSellerPartner(catalog=catalog, config=config, state=state)
    if source.config_error and command in ("check", "discover", "read"):
        emit_config_error(source.config_error.message or str(source.config_error), command)
        sys.exit(0 if command == "check" else 1)
    install_readable_log_filters()
    try:
        launch(source, args)
    except AirbyteTracedException as error:
        # The sync's last error (the streams' own errors went out as they happened): one trace line and
        # exit 1, as Airbyte expects; its failure type tells the platform whether to retry.
        if "--debug" in args:
            logging.getLogger("airbyte").debug("The sync ended with an error", exc_info=error)
        emit_error(error.message or str(error), error.failure_type or FailureType.system_error, error.internal_message)
        sys.exit(1)


if __name__ == "__main__":
    run()
