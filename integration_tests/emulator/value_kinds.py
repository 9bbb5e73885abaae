"""What a flat-file value of each column kind looks like (sp_api_emulator.reports.definitions.KINDS)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

PATTERNS = {
    "iso": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00",
    "isotz": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4}",
    "date": r"\d{4}-\d{2}-\d{2}",
    "mdy": r"(0[1-9]|1[0-2])/(0[1-9]|[12]\d|3[01])/\d{4}",
    "my": r"(0[1-9]|1[0-2])/\d{4}",
    "ym": r"\d{4}-(0[1-9]|1[0-2])",
    "utc": r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC",
    "localtz": r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [A-Z]{3,4}",
    "feedback": r"\d{1,2}[/.]\d{1,2}[/.]\d{2}",
    "posted": r"\d{4}-\d{2}-\d{2}|\d{2}\.\d{2}\.\d{4}",
    "postedtz": r"(\d{4}-\d{2}-\d{2}|\d{2}\.\d{2}\.\d{4}) \d{2}:\d{2}:\d{2} UTC",
}


def value_ok(value: str, kind: str) -> bool:
    """An empty value fits every kind (Amazon leaves unknown values empty)."""
    if value == "" or kind == "text":
        return True
    if kind == "int":
        return bool(re.fullmatch(r"-?\d+", value))
    if kind == "num":
        try:
            Decimal(value)
        except InvalidOperation:
            return False
        return bool(re.fullmatch(r"-?\d+(\.\d+)?", value))
    return bool(re.fullmatch(PATTERNS[kind], value))
