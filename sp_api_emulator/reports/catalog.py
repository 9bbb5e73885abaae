"""Every report type the emulator serves, keyed by (report type, account type).

The table is the emulator's own (types_*.py, each entry citing Amazon's documentation or a public
record of Amazon's files); nothing here is read from the connector.
"""

from __future__ import annotations

from typing import Dict, Optional, Tuple

from . import types_fba, types_fba_inventory, types_json, types_listings, types_orders, types_payments
from .definitions import ReportType

REPORT_TYPES: Dict[Tuple[str, str], ReportType] = {}
for _module in (types_orders, types_listings, types_fba_inventory, types_fba, types_payments, types_json):
    for _definition in _module.TYPES:
        _key = (_definition.report_type, _definition.account_type)
        if _key in REPORT_TYPES:
            raise ValueError(f"report type {_key} is defined twice")
        REPORT_TYPES[_key] = _definition


def definition(report_type: str, account_type: str) -> Optional[ReportType]:
    return REPORT_TYPES.get((report_type, account_type))
