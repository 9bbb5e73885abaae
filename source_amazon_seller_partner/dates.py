"""Date-times as the connector writes and reads them: UTC, ISO-8601, whole seconds."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Optional

DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def format_datetime(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime(DATE_FORMAT)


def parse_datetime(value: Any) -> Optional[datetime]:
    """A timezone-aware datetime from Amazon's or a cursor's ISO-8601 text (UTC when no offset is
    written); None when absent or unreadable."""
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
