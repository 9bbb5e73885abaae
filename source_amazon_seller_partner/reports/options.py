"""Report options: the catalog's defaults overridden by the user's `report_options_list` (one rule)."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from ..catalog.reports import ReportStreamSpec
from ..marketplaces import BY_ID


def effective_report_options(spec: ReportStreamSpec, config: Mapping[str, Any], marketplace_id: Optional[str] = None) -> Dict[str, str]:
    """The options createReport receives for this stream (and that decide period windows).

    An entry whose `stream_name` is this stream wins; without one, the entries whose `report_name` is
    this report type apply (in order). Later options override earlier ones and the catalog's defaults.
    Options the catalog takes from the marketplace (`marketplace_options`, e.g. the vendor real-time
    sales report's currencyCode) are filled from `marketplace_id` where the user set none.
    """
    entries = [e for e in (config.get("report_options_list") or []) if isinstance(e, Mapping)]
    chosen = [e for e in entries if e.get("stream_name") == spec.name]
    if not chosen:
        chosen = [e for e in entries if e.get("report_name") == spec.report_type]
    options = dict(spec.default_options)
    for entry in chosen:
        for option in entry.get("options_list") or []:
            if isinstance(option, Mapping) and option.get("option_name"):
                options[str(option["option_name"])] = str(option.get("option_value", ""))
    marketplace = BY_ID.get(marketplace_id or "")
    if marketplace is not None:
        for option, attribute in spec.marketplace_options.items():
            if not options.get(option):
                options[option] = str(getattr(marketplace, attribute))
    return options


def missing_required_options(spec: ReportStreamSpec, config: Mapping[str, Any]) -> List[str]:
    """Options Amazon requires for this stream that neither the catalog nor the config provide."""
    options = effective_report_options(spec, config)
    return [option for option in spec.required_options if not options.get(option)]


def report_period(spec: ReportStreamSpec, config: Mapping[str, Any]) -> str:
    """The reportPeriod of a period report (DAY, WEEK, MONTH, QUARTER, YEAR); WEEK when none is set."""
    return (effective_report_options(spec, config).get("reportPeriod") or "WEEK").upper()
