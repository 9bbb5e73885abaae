"""Typed API errors, each rendered as the body Amazon sends for it."""

from __future__ import annotations

from typing import Dict, List


class ApiError(Exception):
    """An SP-API error response: `{"errors": [{"code", "message", "details"}]}`."""

    status = 400
    code = "InvalidInput"
    default_message = "Invalid input."

    def __init__(self, message: str | None = None, details: str = "") -> None:
        self.message = message or self.default_message
        self.details = details
        super().__init__(self.message)

    def body(self) -> Dict[str, List[Dict[str, str]]]:
        return {"errors": [{"code": self.code, "message": self.message, "details": self.details}]}


class InvalidInput(ApiError):
    status = 400
    code = "InvalidInput"


class Unauthorized(ApiError):
    status = 403
    code = "Unauthorized"
    default_message = "Access to requested resource is denied."


class NotFound(ApiError):
    status = 404
    code = "NotFound"
    default_message = "The requested resource was not found."


class QuotaExceeded(ApiError):
    status = 429
    code = "QuotaExceeded"
    default_message = "You exceeded your quota for the requested resource."


class InternalFailure(ApiError):
    status = 500
    code = "InternalFailure"
    default_message = "We encountered an internal error. Please try again."


class ServiceUnavailable(ApiError):
    status = 503
    code = "ServiceUnavailable"
    default_message = "Service temporarily unavailable. Please try again."


class LwaError(Exception):
    """A Login-with-Amazon token endpoint error: `{"error", "error_description"}`."""

    def __init__(self, status: int, error: str, description: str) -> None:
        self.status = status
        self.error = error
        self.description = description
        super().__init__(f"{error}: {description}")

    def body(self) -> Dict[str, str]:
        return {"error": self.error, "error_description": self.description}


EXPIRED_TOKEN_MESSAGE = "The access token you provided has expired."
