"""The report catalog as declarative streams: one stream per entry of report_streams.yaml.

Every report stream is incremental on `dataEndTime`, which the job stamps on each record, and is read
per marketplace (one report per marketplace: Amazon's multi-marketplace reports do not say which
marketplace a row belongs to). Windows are as long as Amazon allows (the catalog's max_days and
periods_per_report, with their sources), so a backfill makes the fewest createReport calls; a
period_in_days the user sets shortens them (`_report_window_days`), never lengthens them. Per kind:
  date_range  steps of max_days (none documented: one window) from max(start date, now - history_days)
  period      whole reportPeriods (DAY / WEEK Sunday-Saturday / MONTH ...): one per report where Amazon
              refuses a range spanning periods, else all of them in one report
  snapshot    one window from the state (or the start date) to now; no dates are sent to Amazon
  settlement  one window; the reports Amazon created in it are listed (never requested)
A configured start date is used as given (nothing before it is asked for); the two-year default is a
whole UTC day, so the windows of the next sync line up with this sync's (a report an earlier sync
stopped waiting for is then found by its exact window and resumed). Dated kinds re-read the catalog's
`data_delay` before the saved cursor (the CDK's lookback): Amazon's report may lack the last changes.
A consequence: once a sync has checkpointed a window, the next sync's date_range windows start
`data_delay` before that checkpoint, so a report left pending after it no longer matches a window and
is requested anew (period windows are clamped to whole periods and still find it).
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from ..reports.options import missing_required_options, report_period
from .reports import ReportStreamSpec

DAY_FORMAT = "%Y-%m-%dT00:00:00Z"
# Windows and clamping per reportPeriod; QUARTER and YEAR are clamped to months (the CDK clamps to
# DAY, WEEK or MONTH only), so start them on a quarter's or year's first month yourself.
# A step longer than any sync's range: a single window (the CDK wants a step with a granularity).
ONE_WINDOW = "P3650D"
PERIOD_STEPS = {"DAY": "P1D", "WEEK": "P7D", "MONTH": "P1M", "QUARTER": "P3M", "YEAR": "P1Y"}
PERIOD_CLAMPS = {"DAY": "DAY", "WEEK": "WEEK", "MONTH": "MONTH", "QUARTER": "MONTH", "YEAR": "MONTH"}


def start_datetime(history_days: Optional[int]) -> Dict[str, Any]:
    start: Dict[str, Any] = {
        "type": "MinMaxDatetime",
        "datetime": "{{ config['_report_start_date'] }}",
        "datetime_format": "%Y-%m-%dT%H:%M:%SZ",
    }
    if history_days:
        # the first whole day Amazon still serves: ceil(now - history) to a day
        start["min_datetime"] = (
            f"{{{{ format_datetime(now_utc() - duration('P{int(history_days)}D') + duration('PT86399S'), '{DAY_FORMAT}') }}}}"
        )
    return start


def window_days(max_days: Optional[int], user_days: Optional[int]) -> Optional[int]:
    """Days per report: Amazon's maximum, shortened by the user's period_in_days; None: no limit (one window)."""
    limits = [int(days) for days in (max_days, user_days) if days]
    return min(limits) if limits else None


def _period_step(spec: ReportStreamSpec, period: str, user_days: Optional[int]) -> str:
    if spec.periods_per_report != "many":
        return PERIOD_STEPS.get(period, "P7D")
    # Whole periods, as many as fit: the clamping keeps both ends on period boundaries.
    return f"P{int(user_days)}D" if user_days else ONE_WINDOW


def _incremental_sync(spec: ReportStreamSpec, config: Mapping[str, Any]) -> Dict[str, Any]:
    kind = spec.window_kind
    cursor: Dict[str, Any] = {"$ref": "#/definitions/report_window_cursor"}
    if kind in ("settlement", "snapshot"):
        cursor["start_datetime"] = start_datetime(spec.history_days or 90 if kind == "settlement" else None)
        cursor["step"] = ONE_WINDOW
    elif kind == "period":
        period = report_period(spec, config)
        cursor["start_datetime"] = start_datetime(spec.history_days)
        cursor["step"] = _period_step(spec, period, config.get("_report_window_days"))
        cursor["clamping"] = {
            "target": PERIOD_CLAMPS.get(period, "WEEK"),
            # Amazon's weeks run Sunday to Saturday
            "target_details": {"weekday": "SUNDAY"},
        }
    elif kind == "date_range":
        cursor["start_datetime"] = start_datetime(spec.history_days)
        days = window_days(spec.max_days, config.get("_report_window_days"))
        cursor["step"] = f"P{days}D" if days else ONE_WINDOW
    else:
        raise ValueError(f"Report stream {spec.name}: unknown window kind {kind!r}")
    if kind in ("period", "date_range"):
        cursor["lookback_window"] = spec.data_delay
    return cursor


def _stream_definition(spec: ReportStreamSpec, config: Mapping[str, Any]) -> Dict[str, Any]:
    per_marketplace = spec.window_kind != "settlement"
    definition: Dict[str, Any] = {
        "$ref": "#/definitions/report_stream" if per_marketplace else "#/definitions/report_listing_stream",
        "name": spec.name,
        # the schema loader finds schemas/<name>.json through this parameter
        "$parameters": {"name": spec.name},
        "retriever": {
            "$ref": "#/definitions/report_stream/retriever" if per_marketplace else "#/definitions/report_listing_stream/retriever",
            "report_stream": spec.name,
        },
        "incremental_sync": _incremental_sync(spec, config),
    }
    if spec.primary_key:
        definition["primary_key"] = [list(path) for path in spec.primary_key]
    return definition


def report_stream_definitions(specs: List[ReportStreamSpec], config: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """The report streams for manifest.yaml's `streams`: seller reports for seller configs, vendor
    reports for vendor configs (ConditionalStreams, as the REST streams). `config` decides the window
    sizes (period_in_days, a period report's reportPeriod); without one, the defaults apply.

    A stream whose report needs an option the user has not given (`required_options`, e.g. the
    search query performance report's `asin`) is left out: Amazon would end every request FATAL.
    Without a config (the spec, docs) every stream is listed."""
    groups = []
    offered = [spec for spec in specs if not config or not missing_required_options(spec, config)]
    for condition, account_type in (("{{ not config.get('_is_vendor') }}", "seller"), ("{{ config.get('_is_vendor') }}", "vendor")):
        streams = [_stream_definition(spec, config) for spec in offered if spec.account_type == account_type]
        if streams:
            groups.append({"type": "ConditionalStreams", "condition": condition, "streams": streams})
    return groups
