"""The report catalog (report_streams.yaml): one entry per report stream, data only.

report_streams.py turns each entry into a declarative stream that uses the manifest's
`report_stream` definition, so adding a report is adding an entry and its schema, not code.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import yaml

# libyaml's loader where PyYAML was built with it (ten times faster: start-up), else the pure-Python one
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
CATALOG_PATH = Path(__file__).resolve().parent / "report_streams.yaml"


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
    # The cursor field Airbyte's connector 4.6.4 kept in this stream's state, where it was not ours.
    airbyte_4_6_4_cursor_field: Optional[str] = None
    description: str = ""
    # reportOptions Amazon requires that have no default: without them in report_options_list the
    # stream is not offered (discover) rather than failing FATAL at every sync
    required_options: List[str] = field(default_factory=list)
    # reportOptions taken from the marketplace of each request unless the user sets them
    # (option name -> marketplaces.Marketplace attribute, e.g. currencyCode: currency)
    marketplace_options: Dict[str, str] = field(default_factory=dict)
    # flat files: how ambiguous date columns read (decoding/column_formats.py) ...
    column_formats: Dict[str, str] = field(default_factory=dict)
    # ... and the names of the first columns by position, where Amazon localises the header
    header_names: List[str] = field(default_factory=list)
    # period reports: "one" period per report or "many" (whole periods in one report)
    periods_per_report: str = "one"
    # where max_days / periods_per_report come from (Amazon's page or model, or the public record)
    range_source: str = ""
    # a per-type limit besides createReport's bucket (reports/quotas.py), e.g. "sales_and_traffic"
    quota: Optional[str] = None
    # Late data: how long Amazon's report may lag a change (ISO 8601 duration; incremental syncs re-read
    # it) and the source of that figure
    data_delay: str = "PT0S"
    data_delay_source: str = ""
    # the record's own date, for dropping rows outside the configured range (None: rows are not dated)
    row_date: Optional[str] = None


@functools.lru_cache(maxsize=None)
def _load(path: str) -> tuple:
    catalog_file = Path(path)
    if not catalog_file.exists():
        return ()
    with open(catalog_file, encoding="utf-8") as handle:
        raw = yaml.load(handle, Loader=SAFE_LOADER) or {}
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
                airbyte_4_6_4_cursor_field=entry.get("airbyte_4_6_4_cursor_field"),
                description=entry.get("description", ""),
                required_options=list(entry.get("required_options") or []),
                marketplace_options=dict(entry.get("marketplace_options") or {}),
                column_formats=dict(entry.get("column_formats") or {}),
                header_names=list(entry.get("header_names") or []),
                periods_per_report=window.get("periods_per_report", "one"),
                range_source=window.get("range_source", ""),
                quota=entry.get("quota"),
                data_delay=str((entry.get("data_delay") or {}).get("duration", "PT0S")),
                data_delay_source=str((entry.get("data_delay") or {}).get("source", "")),
                row_date=entry.get("row_date"),
            )
        )
    return tuple(specs)


def load_report_catalog(path: Path = CATALOG_PATH) -> List[ReportStreamSpec]:
    return list(_load(str(path)))
