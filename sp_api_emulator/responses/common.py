"""Parameter parsing and validation shared by the API modules, with Amazon's error shapes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Dict, Iterable, List, Optional, Sequence

from ..exceptions import InvalidInput
from ..http_types import Request
from ..timeutil import parse_iso

TWO_MINUTES = timedelta(minutes=2)


def date_param(req: Request, name: str) -> Optional[datetime]:
    raw = req.param(name)
    if raw is None or raw == "":
        return None
    try:
        return parse_iso(raw)
    except ValueError:
        raise InvalidInput(f"Invalid {name}: '{raw}' is not a valid ISO 8601 date-time.") from None


def int_param(req: Request, name: str, default: int, low: int, high: int) -> int:
    raw = req.param(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(f"Invalid {name}: '{raw}' is not an integer.") from None
    if not low <= value <= high:
        raise InvalidInput(f"Invalid {name}: must be between {low} and {high}.")
    return value


def bool_param(req: Request, name: str, default: bool) -> bool:
    raw = req.param(name)
    if raw is None or raw == "":
        return default
    if raw.lower() not in ("true", "false"):
        raise InvalidInput(f"Invalid {name}: must be true or false.")
    return raw.lower() == "true"


def enum_params(req: Request, name: str, allowed: Iterable[str]) -> List[str]:
    values = req.params(name)
    allowed = list(allowed)
    for value in values:
        if value not in allowed:
            raise InvalidInput(f"Invalid {name}: '{value}' is not one of {', '.join(allowed)}.")
    return values


def enum_param(req: Request, name: str, allowed: Sequence[str]) -> Optional[str]:
    value = req.param(name)
    if value is not None and value not in allowed:
        raise InvalidInput(f"Invalid {name}: '{value}' is not one of {', '.join(allowed)}.")
    return value


def require_past(name: str, value: Optional[datetime], now: datetime) -> None:
    """Amazon's 2-minute rule: date filters must be at least two minutes before the request."""
    if value is not None and value > now - TWO_MINUTES:
        raise InvalidInput(f"Date provided for {name} must be at least 2 minutes earlier than the time of the request.")


def marketplace_ids(req: Request, name: str, account, required: bool, max_count: int = 50) -> List[str]:
    ids = req.params(name)
    if not ids:
        if required:
            raise InvalidInput(f"{name} is required.")
        return account.market_ids()
    if len(ids) > max_count:
        raise InvalidInput(f"{name} accepts at most {max_count} values.")
    known = set(account.market_ids())
    for marketplace_id in ids:
        if marketplace_id not in known:
            raise InvalidInput(f"Invalid {name}: '{marketplace_id}' is not a marketplace this selling partner participates in.")
    return ids


def money(amount: Decimal, currency: str) -> Dict[str, str]:
    """Orders-style money: the amount as a string."""
    return {"CurrencyCode": currency, "Amount": f"{amount:.2f}"}


class PageTokens:
    """Opaque pagination tokens: the query state, signed so a tampered token is rejected."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def encode(self, state: Dict[str, Any]) -> str:
        data = json.dumps(state, separators=(",", ":"), sort_keys=True).encode()
        signature = hmac.new(self._secret, data, hashlib.sha256).digest()[:12]
        return base64.urlsafe_b64encode(signature + data).decode().rstrip("=")

    def decode(self, token: str, name: str = "NextToken") -> Dict[str, Any]:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            signature, data = raw[:12], raw[12:]
            if not hmac.compare_digest(signature, hmac.new(self._secret, data, hashlib.sha256).digest()[:12]):
                raise ValueError("bad signature")
            return json.loads(data)
        except Exception:
            raise InvalidInput(f"Invalid {name}.") from None


def page(items: Sequence[Any], offset: int, size: int):
    """One page of a list: (items, next offset or None)."""
    chunk = list(items[offset:offset + size])
    next_offset = offset + size if offset + size < len(items) else None
    return chunk, next_offset
