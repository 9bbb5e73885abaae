"""Report options: the catalog's defaults overridden by the user's `report_options_list` (one rule)."""

from __future__ import annotations

from typing import Any, Dict, Mapping

from ..catalog.reports import ReportStreamSpec


def effective_report_options(spec: ReportStreamSpec, config: Mapping[str, Any]) -> Dict[str, str]:
    """The options createReport receives for this stream (and that decide period windows).

    An entry whose `stream_name` is this stream wins; without one, the entries whose `report_name` is
    this report type apply (in order). Later options override earlier ones and the catalog's defaults.
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
    return options


def report_period(spec: ReportStreamSpec, config: Mapping[str, Any]) -> str:
    """The reportPeriod of a period report (DAY, WEEK, MONTH, QUARTER, YEAR); WEEK when none is set."""
    return (effective_report_options(spec, config).get("reportPeriod") or "WEEK").upper()
