"""One declarative stream per event list of listFinancialEvents, from financial_event_types.json.

The list comes from Amazon's Finances v0 model (tools/generate_rest_schemas.py writes the file); each
stream uses the manifest's `financial_event_type_stream` definition with the list's names (its
records are made by finances/records.py from the pages all finance streams share).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Dict, List, Tuple

EVENT_TYPES_PATH = Path(__file__).resolve().parent / "financial_event_types.json"


@functools.lru_cache(maxsize=None)
def financial_event_types() -> Tuple[Dict[str, Any], ...]:
    """Entries {stream, list, item, posted_date_field} in the model's order."""
    with open(EVENT_TYPES_PATH, encoding="utf-8") as handle:
        return tuple(json.load(handle))


def finance_event_stream_definitions() -> List[Dict[str, Any]]:
    return [
        {
            "$ref": "#/definitions/financial_event_type_stream",
            "name": entry["stream"],
            "$parameters": {
                "name": entry["stream"],
                "api_name": "listFinancialEvents (GET /finances/v0/financialEvents)",
                "role": "Finance and Accounting",
            },
            "retriever": {
                "$ref": "#/definitions/financial_event_type_stream/retriever",
                "event_list": entry["list"],
                # the event's date field; empty for the three event types that have none
                "posted_date_field": entry["posted_date_field"] or "",
            },
        }
        for entry in financial_event_types()
    ]
