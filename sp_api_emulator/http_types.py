"""The emulator's request and response objects, independent of the HTTP server underneath."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Union

from .exceptions import InvalidInput

Writer = Callable[[Any], None]  # writes a streamed body to a binary file-like object
Body = Union[bytes, Iterable[bytes], Writer, None]


@dataclass
class Request:
    method: str
    path: str
    query: Dict[str, List[str]]
    headers: Mapping[str, str]
    body: bytes
    now: datetime
    path_params: Dict[str, str] = field(default_factory=dict)
    token: Any = None  # auth.AccessToken for SP-API routes
    region: str = "NA"  # the regional endpoint called (emulator.py: the bare URL is NA)

    def param(self, name: str) -> Optional[str]:
        values = self.query.get(name)
        return values[-1] if values else None

    def params(self, name: str) -> List[str]:
        """An array parameter: repeated keys and/or comma-separated values."""
        result: List[str] = []
        for value in self.query.get(name, []):
            result.extend(v.strip() for v in value.split(",") if v.strip())
        return result

    def json(self) -> Any:
        if not self.body:
            raise InvalidInput("A JSON request body is required.")
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise InvalidInput("The request body is not valid JSON.") from None

    @property
    def pii_allowed(self) -> bool:
        """Personal data only for a restricted data token (RDT)."""
        return self.token is not None and self.token.restricted is not None


@dataclass
class Response:
    status: int
    body: Body = None
    headers: Dict[str, str] = field(default_factory=dict)
    drop: bool = False  # close the connection mid-body (fault)

    @classmethod
    def json(cls, status: int, payload: Any, headers: Optional[Dict[str, str]] = None) -> "Response":
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return cls(status, data, {"Content-Type": "application/json", **(headers or {})})
