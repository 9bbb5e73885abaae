"""The connector's errors as Airbyte reports them: one line that says what happened and what to do."""

from __future__ import annotations

from typing import Any

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException


class ConfigError(AirbyteTracedException):
    """A mistake in the user's config: one line saying what to fix."""

    def __init__(self, message: str) -> None:
        super().__init__(message=message, internal_message=message, failure_type=FailureType.config_error)

    def as_airbyte_message(self, stream_descriptor: Any = None) -> Any:
        # A user's mistake is reported by its message alone: a stack trace would only bury it.
        message = super().as_airbyte_message(stream_descriptor)
        message.trace.error.stack_trace = None
        return message


def traced_error(message: str, failure_type: FailureType) -> AirbyteTracedException:
    """An error whose message is shown to the user as is."""
    return AirbyteTracedException(message=message, internal_message=message, failure_type=failure_type)
