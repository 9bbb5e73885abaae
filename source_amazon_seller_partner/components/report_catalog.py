"""The report catalog (report_streams.yaml): one entry per report stream, data only.

source.py turns each entry into a declarative stream that uses the manifest's `report_stream`
definition, so adding a report is adding an entry and its schema, not code.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

CATALOG_PATH = Path(__file__).resolve().parent.parent / "report_streams.yaml"


@dataclass(frozen=True)
class ReportStreamSpec:
    name: str
    report_type: str
    format: str
    window_kind: str
    max_days: Optional[int]
    history_days: Optional[int]
    primary_key: Optional[List[List[str]]]
    cursor_field: Optional[str]
    default_options: Dict[str, str] = field(default_factory=dict)
    # Reports that take their date range as report options (coupons, promotions): option names that
    # receive the window's start and end instead of dataStartTime/dataEndTime alone.
    window_options: Dict[str, str] = field(default_factory=dict)
    account_type: str = "seller"
    json_records_path: List[str] = field(default_factory=list)
    xml_record_tag: Optional[str] = None
    role: str = ""
    default_enabled: bool = False
    description: str = ""


@functools.lru_cache(maxsize=None)
def _load(path: str) -> tuple:
    catalog_file = Path(path)
    if not catalog_file.exists():
        return ()
    with open(catalog_file, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle) or {}
    specs = []
    for entry in raw.get("report_streams", []):
        window = entry.get("window") or {}
        specs.append(
            ReportStreamSpec(
                name=entry["name"],
                report_type=entry["report_type"],
                format=entry["format"],
                window_kind=window.get("kind", "date_range"),
                max_days=window.get("max_days"),
                history_days=window.get("history_days"),
                primary_key=entry.get("primary_key"),
                cursor_field=entry.get("cursor_field"),
                default_options={k: str(v) for k, v in (entry.get("default_options") or {}).items()},
                window_options=dict(entry.get("window_options") or {}),
                account_type=entry.get("account_type", "seller"),
                json_records_path=list(entry.get("json_records_path") or []),
                xml_record_tag=entry.get("xml_record_tag"),
                role=entry.get("role", ""),
                default_enabled=bool(entry.get("default_enabled", False)),
                description=entry.get("description", ""),
            )
        )
    return tuple(specs)


def load_report_catalog(path: Path = CATALOG_PATH) -> List[ReportStreamSpec]:
    return list(_load(str(path)))


# ----------------------------------------------------------------------------------------------------
# Declarative definitions of the report streams (owned by the report job: see components/reports.py).
#
# Every report stream is incremental on `dataEndTime`, which the job stamps on each record, and is read
# per marketplace (one report per marketplace: Amazon's multi-marketplace reports do not say which
# marketplace a row belongs to). Windows per kind:
#   date_range  steps of min(period_in_days, max_days) days from max(start date, now - history_days)
#   period      one reportPeriod (DAY / WEEK Sunday-Saturday / MONTH ...) per report, whole periods only
#   snapshot    one window from the state (or the start date) to now; no dates are sent to Amazon
#   settlement  one window; the reports Amazon created in it are listed (never requested)
# Start dates are whole UTC days, so the windows of the next sync line up with this sync's (a report
# an earlier sync stopped waiting for is then found by its exact window and resumed).

_DAY_FORMAT = "%Y-%m-%dT00:00:00Z"
# Windows and clamping per reportPeriod; QUARTER and YEAR are clamped to months (the CDK clamps to
# DAY, WEEK or MONTH only), so start them on a quarter's or year's first month yourself.
# A step longer than any sync's range: a single window (the CDK wants a step with a granularity).
_ONE_WINDOW = "P3650D"
_PERIOD_STEPS = {"DAY": "P1D", "WEEK": "P7D", "MONTH": "P1M", "QUARTER": "P3M", "YEAR": "P1Y"}
_PERIOD_CLAMPS = {"DAY": "DAY", "WEEK": "WEEK", "MONTH": "MONTH", "QUARTER": "MONTH", "YEAR": "MONTH"}


def _jinja_text(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _with_report_period(spec: ReportStreamSpec, body: str) -> str:
    """A Jinja template that sets `period` to this stream's effective reportPeriod, then renders `body`."""
    default = spec.default_options.get("reportPeriod", "WEEK")
    return (
        "{%- set ns = namespace(by_stream=none, by_type=none) -%}"
        "{%- for entry in config.get('report_options_list') or [] -%}"
        "{%- for option in entry.get('options_list') or [] -%}"
        "{%- if option.get('option_name') == 'reportPeriod' -%}"
        f"{{%- if entry.get('stream_name') == {_jinja_text(spec.name)} -%}}{{%- set ns.by_stream = option.get('option_value') -%}}"
        f"{{%- elif entry.get('report_name') == {_jinja_text(spec.report_type)} -%}}{{%- set ns.by_type = option.get('option_value') -%}}"
        "{%- endif -%}{%- endif -%}{%- endfor -%}{%- endfor -%}"
        f"{{%- set period = (ns.by_stream or ns.by_type or {_jinja_text(default)}) | upper -%}}"
        + body
    )


def _start_datetime(history_days: Optional[int]) -> Dict[str, Any]:
    start: Dict[str, Any] = {
        "type": "MinMaxDatetime",
        "datetime": f"{{{{ format_datetime(config['_start_date'], '{_DAY_FORMAT}') }}}}",
        "datetime_format": "%Y-%m-%dT%H:%M:%SZ",
    }
    if history_days:
        # the first whole day Amazon still serves: ceil(now - history) to a day
        start["min_datetime"] = (
            f"{{{{ format_datetime(now_utc() - duration('P{int(history_days)}D') + duration('PT86399S'), '{_DAY_FORMAT}') }}}}"
        )
    return start


def _incremental_sync(spec: ReportStreamSpec) -> Dict[str, Any]:
    kind = spec.window_kind
    cursor: Dict[str, Any] = {"$ref": "#/definitions/report_window_cursor"}
    if kind in ("settlement", "snapshot"):
        cursor["start_datetime"] = _start_datetime(spec.history_days or 90 if kind == "settlement" else None)
        cursor["step"] = _ONE_WINDOW
    elif kind == "period":
        cursor["start_datetime"] = _start_datetime(spec.history_days)
        steps = "{" + ", ".join(f"'{k}': '{v}'" for k, v in _PERIOD_STEPS.items()) + "}"
        clamps = "{" + ", ".join(f"'{k}': '{v}'" for k, v in _PERIOD_CLAMPS.items()) + "}"
        cursor["step"] = _with_report_period(spec, f"{{{{ {steps}.get(period, 'P7D') }}}}")
        cursor["clamping"] = {
            "target": _with_report_period(spec, f"{{{{ {clamps}.get(period, 'WEEK') }}}}"),
            # Amazon's weeks run Sunday to Saturday
            "target_details": {"weekday": "SUNDAY"},
        }
    elif kind == "date_range":
        cursor["start_datetime"] = _start_datetime(spec.history_days)
        period_days = "(config.get('period_in_days') or 90) | int"
        days = f"[{period_days}, {int(spec.max_days)}] | min" if spec.max_days else period_days
        cursor["step"] = f"P{{{{ {days} }}}}D"
    else:
        raise ValueError(f"Report stream {spec.name}: unknown window kind {kind!r}")
    return cursor


def _stream_definition(spec: ReportStreamSpec) -> Dict[str, Any]:
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
        "incremental_sync": _incremental_sync(spec),
    }
    if spec.primary_key:
        definition["primary_key"] = [list(path) for path in spec.primary_key]
    return definition


def report_stream_definitions(specs: List[ReportStreamSpec]) -> List[Dict[str, Any]]:
    """The report streams for manifest.yaml's `streams`: seller reports for seller configs, vendor
    reports for vendor configs (the config is not known yet, hence ConditionalStreams)."""
    groups = []
    for condition, account_type in (("{{ not config.get('_is_vendor') }}", "seller"), ("{{ config.get('_is_vendor') }}", "vendor")):
        streams = [_stream_definition(spec) for spec in specs if spec.account_type == account_type]
        if streams:
            groups.append({"type": "ConditionalStreams", "condition": condition, "streams": streams})
    return groups
