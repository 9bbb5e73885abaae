"""Report streams as the CDK's AsyncRetriever, from the report catalog (report_streams.yaml).

One report per marketplace and window, as in the full connector: createReport with the catalog's
options merged with the user's `report_options_list` (one Jinja expression, the rule of
reports/options.py), getReport until DONE, getReportDocument, then the presigned URL without a token.
Amazon's statuses: IN_QUEUE/IN_PROGRESS running, DONE completed, FATAL failed (the CDK asks again up to
three times, after `report_fatal_retry_cooldown_seconds`), CANCELLED skipped (no rows, the window's state
moves on). Windows are the full connector's (catalog/report_streams.py), with the sizes that depend on
the config (period_in_days, a period report's reportPeriod) written in Jinja. Records get
`marketplace_id`, `dataStartTime` and `dataEndTime` of their window, as reports/job.py stamps them.

Which reports: every JSON report (GzipDecoder + JsonItemsDecoder stream the records path), and the flat
files in FLAT_FILES_WITHOUT_TEXT, whose columns hold only identifiers, codes, numbers and dates. The
CDK's CsvDecoder treats `"` as a quote and has no option to turn that off, while Amazon's flat files are
unquoted: a product title, address or comment starting with `"` swallows the rows after it. XML reports
are gzip-compressed and the XmlDecoder cannot sit inside a GzipDecoder. Settlement-kind reports are
listed with getReports, never requested, which an AsyncRetriever cannot do.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple

from source_amazon_seller_partner.catalog.report_streams import ONE_WINDOW, PERIOD_CLAMPS, PERIOD_STEPS, start_datetime
from source_amazon_seller_partner.catalog.reports import ReportStreamSpec, load_report_catalog
from source_amazon_seller_partner.marketplaces import BY_ID

from .config_rules import DATETIME_FORMAT, literal
from .rest_streams import inline_schema

REPORTS_PATH = "/reports/2021-06-30/reports"
DOCUMENTS_PATH = "/reports/2021-06-30/documents"
# At most this many reports wait at Amazon at once (the CDK's job tracker, one for all streams).
MAX_CONCURRENT_REPORTS = 15  # createReport's burst

# Flat files whose columns are all identifiers, codes, quantities, prices and dates (no titles,
# descriptions, names, addresses or comments): the CsvDecoder reads them correctly.
FLAT_FILES_WITHOUT_TEXT = (
    "GET_FBA_FULFILLMENT_CUSTOMER_SHIPMENT_REPLACEMENT_DATA",
    "GET_FLAT_FILE_OPEN_LISTINGS_DATA",
    "GET_AFN_INVENTORY_DATA",
    "GET_AFN_INVENTORY_DATA_BY_COUNTRY",
    "GET_FBA_FULFILLMENT_REMOVAL_ORDER_DETAIL_DATA",
    "GET_FBA_FULFILLMENT_REMOVAL_SHIPMENT_DETAIL_DATA",
)


def left_out(spec: ReportStreamSpec) -> Optional[str]:
    """Why a report stream is not in the Builder edition (None: it is)."""
    if spec.window_kind == "settlement":
        return "listed with getReports, never requested: an AsyncRetriever only reads reports it creates"
    if spec.format == "xml":
        return "gzip-compressed XML: the CDK's XmlDecoder cannot be nested in a GzipDecoder"
    if spec.format == "tsv" and spec.name not in FLAT_FILES_WITHOUT_TEXT:
        return "text columns: the CsvDecoder reads a field starting with `\"` as quoted and swallows the rows after it"
    return None


def included_specs() -> List[ReportStreamSpec]:
    return [spec for spec in load_report_catalog() if left_out(spec) is None]


# ------------------------------------------------------------------------------------------- options
def _options_statements(spec: ReportStreamSpec, per_request: bool) -> str:
    """Jinja statements leaving the stream's effective reportOptions in `ns.options` (reports/options.py):
    the catalog's defaults, then the options of the entries naming this stream, or else of those naming
    its report type, in order; per request also the marketplace's options and the window's dates."""
    text = (
        "{%- set entries = config.get('report_options_list') or [] -%}"
        f"{{%- set chosen = entries | selectattr('stream_name', 'equalto', {literal(spec.name)}) | list -%}}"
        f"{{%- set chosen = chosen or (entries | selectattr('report_name', 'equalto', {literal(spec.report_type)}) | list) -%}}"
        f"{{%- set ns = namespace(options={literal(dict(spec.default_options))}) -%}}"
        "{%- for entry in chosen -%}{%- for option in entry.get('options_list') or [] -%}{%- if option.get('option_name') -%}"
        "{%- set ns.options = dict(ns.options, **{option['option_name'] | string: option.get('option_value', '') | string}) -%}"
        "{%- endif -%}{%- endfor -%}{%- endfor -%}"
    )
    if per_request:
        for option, attribute in spec.marketplace_options.items():
            values = {market_id: str(getattr(market, attribute)) for market_id, market in sorted(BY_ID.items())}
            text += (
                f"{{%- if not ns.options.get({literal(option)}) and stream_partition.marketplace_id in {literal(values)} -%}}"
                f"{{%- set ns.options = dict(ns.options, **{{{literal(option)}: {literal(values)}[stream_partition.marketplace_id]}}) -%}}"
                "{%- endif -%}"
            )
        if spec.window_options:
            for key, value in (("start", "stream_interval.start_time"), ("end", "stream_interval.end_time")):
                name = literal(spec.window_options[key])
                text += f"{{%- if {name} not in ns.options -%}}{{%- set ns.options = dict(ns.options, **{{{name}: {value}}}) -%}}{{%- endif -%}}"
    return text


def options_expression(spec: ReportStreamSpec) -> str:
    return _options_statements(spec, per_request=True) + "{{ ns.options }}"


def _period_expression(spec: ReportStreamSpec, table: Mapping[str, str], fallback: str) -> str:
    return _options_statements(spec, per_request=False) + (
        f"{{{{ {literal(dict(table))}.get((ns.options.get('reportPeriod') or 'WEEK') | upper, {literal(fallback)}) }}}}"
    )


def required_options_condition(spec: ReportStreamSpec, account_condition: str) -> str:
    """True for configs of the stream's account type that set every option the report requires."""
    checks = " and ".join(f"ns.options.get({literal(option)})" for option in spec.required_options)
    return _options_statements(spec, per_request=False) + f"{{{{ ({account_condition}) and {checks} }}}}"


# ------------------------------------------------------------------------------------------- windows
_ONE_WINDOW_DAYS = int(ONE_WINDOW[1:-1])
def incremental_sync(spec: ReportStreamSpec) -> Dict[str, Any]:
    """catalog/report_streams.py's windows, sized from the config at run time."""
    kind = spec.window_kind
    cursor: Dict[str, Any] = {"$ref": "#/definitions/report_window_cursor"}
    if kind == "snapshot":
        cursor["start_datetime"] = start_datetime(None)
        cursor["step"] = ONE_WINDOW
    elif kind == "period":
        cursor["start_datetime"] = start_datetime(spec.history_days)
        if spec.periods_per_report == "many":
            # whole periods, as many as fit: one report unless the user's period_in_days is shorter
            cursor["step"] = f"P{{{{ config['_report_window_days'] or {_ONE_WINDOW_DAYS} }}}}D"
        else:
            cursor["step"] = _period_expression(spec, PERIOD_STEPS, "P7D")
        cursor["clamping"] = {"target": _period_expression(spec, PERIOD_CLAMPS, "WEEK"), "target_details": {"weekday": "SUNDAY"}}
    elif kind == "date_range":
        cursor["start_datetime"] = start_datetime(spec.history_days)
        # Amazon's longest range for the type, shortened by the user's period_in_days (when set)
        longest = int(spec.max_days) if spec.max_days else _ONE_WINDOW_DAYS
        days = f"[config['_report_window_days'], {longest}] | min if config['_report_window_days'] else {longest}"
        cursor["step"] = f"P{{{{ {days} }}}}D"
    else:
        raise ValueError(f"Report stream {spec.name}: window kind {kind!r} has no Builder edition")
    if kind in ("period", "date_range"):
        # as the full connector: re-read the report's documented data delay before the saved cursor
        cursor["lookback_window"] = spec.data_delay
    return cursor


# ------------------------------------------------------------------------------------------ requests
def definitions() -> Dict[str, Any]:
    """The parts every report stream shares."""
    return {
        "report_window_cursor": {
            "type": "DatetimeBasedCursor",
            "cursor_field": "dataEndTime",
            "datetime_format": DATETIME_FORMAT,
            "cursor_datetime_formats": [DATETIME_FORMAT],
            "cursor_granularity": "PT1S",
            "start_datetime": start_datetime(None),
            "end_datetime": {"type": "MinMaxDatetime", "datetime": "{{ config['_end_date'] }}", "datetime_format": DATETIME_FORMAT},
        },
        "report_retriever": {
            "type": "AsyncRetriever",
            "status_mapping": {
                "type": "AsyncJobStatusMap",
                "running": ["IN_QUEUE", "IN_PROGRESS"],
                "completed": ["DONE"],
                "failed": ["FATAL"],
                "timeout": [],
                # Amazon cancels a report that would have no rows: no records, the window is done
                "skipped": ["CANCELLED"],
            },
            "status_extractor": {"type": "DpathExtractor", "field_path": ["processingStatus"]},
            "polling_requester": {"$ref": "#/definitions/requester", "path": f"{REPORTS_PATH}/{{{{ creation_response['reportId'] }}}}"},
            "download_target_requester": {
                "$ref": "#/definitions/requester",
                "path": f"{DOCUMENTS_PATH}/{{{{ polling_response['reportDocumentId'] }}}}",
            },
            "download_target_extractor": {"type": "DpathExtractor", "field_path": ["url"]},
            # The presigned URL carries its own signature: no token, no API budget.
            "download_requester": {
                "type": "HttpRequester",
                "url_base": "{{ download_target }}",
                "http_method": "GET",
                "authenticator": {"type": "NoAuth"},
            },
            "polling_job_timeout": "{{ config['report_wait_timeout_minutes'] }}",
            "failed_retry_wait_time_in_seconds": "{{ [config['report_fatal_retry_cooldown_seconds'], 1] | max }}",
        },
    }


def _decoder(spec: ReportStreamSpec) -> Dict[str, Any]:
    if spec.format == "json":
        inner: Dict[str, Any] = {"type": "JsonItemsDecoder", "items_path": ".".join(spec.json_records_path)}
    else:
        # utf-8-sig drops the BOM Amazon writes into some files; "" is an empty cell, as the full connector reads it.
        inner = {"type": "CsvDecoder", "delimiter": "\\t", "encoding": "utf-8-sig", "set_values_to_none": [""]}
    # GzipDecoder reads gzip by its magic bytes and passes a plain document through.
    return {"type": "GzipDecoder", "decoder": inner}


def _record_selector(spec: ReportStreamSpec) -> Dict[str, Any]:
    selector: Dict[str, Any] = {"type": "RecordSelector", "extractor": {"type": "DpathExtractor", "field_path": []}}
    if spec.format == "tsv":
        # Flat-file values are text: typed per the stream's schema, as decoding/casting.py does.
        selector["schema_normalization"] = "Default"
    return selector


def _creation_requester(spec: ReportStreamSpec) -> Dict[str, Any]:
    body: Dict[str, Any] = {"reportType": spec.report_type, "marketplaceIds": "{{ [stream_partition.marketplace_id] }}"}
    if spec.window_kind != "snapshot":
        body["dataStartTime"] = "{{ stream_interval.start_time }}"
        body["dataEndTime"] = "{{ stream_interval.end_time }}"
    body["reportOptions"] = options_expression(spec)
    return {
        "$ref": "#/definitions/requester",
        "path": REPORTS_PATH,
        "http_method": "POST",
        "request_body": {"type": "RequestBodyJsonObject", "value": body},
    }


def report_stream(spec: ReportStreamSpec) -> Dict[str, Any]:
    definition: Dict[str, Any] = {
        "type": "DeclarativeStream",
        "name": spec.name,
        "$parameters": {"name": spec.name, "api_name": f"report {spec.report_type}", "role": spec.role},
        "schema_loader": inline_schema(spec.name),
        "retriever": {
            "$ref": "#/definitions/report_retriever",
            "creation_requester": _creation_requester(spec),
            "download_decoder": _decoder(spec),
            "record_selector": _record_selector(spec),
            "partition_router": {"$ref": "#/definitions/marketplace_partitions"},
        },
        "incremental_sync": incremental_sync(spec),
        "transformations": [
            {
                "type": "AddFields",
                "fields": [
                    {"path": ["marketplace_id"], "value": "{{ stream_partition.marketplace_id }}"},
                    {"path": ["dataStartTime"], "value": "{{ stream_interval.start_time }}"},
                    {"path": ["dataEndTime"], "value": "{{ stream_interval.end_time }}"},
                ],
            }
        ],
    }
    if spec.primary_key:
        definition["primary_key"] = [list(path) for path in spec.primary_key]
    return definition


def report_streams(account_conditions: Mapping[str, str]) -> Tuple[Dict[str, Dict[str, Any]], Dict[str, List[Dict[str, Any]]], List[Dict[str, Any]]]:
    """Stream definitions keyed by definition name, the `streams` entries per account type, and one
    ConditionalStreams per stream offered only once the user sets the options its report requires
    (`account_conditions`: account type -> Jinja condition without braces)."""
    definitions_by_name: Dict[str, Dict[str, Any]] = {}
    entries: Dict[str, List[Dict[str, Any]]] = {"seller": [], "vendor": []}
    conditional: List[Dict[str, Any]] = []
    for spec in included_specs():
        key = f"report_{spec.name}_stream"
        definitions_by_name[key] = report_stream(spec)
        entry = {"$ref": f"#/definitions/{key}"}
        if spec.required_options:
            condition = required_options_condition(spec, account_conditions[spec.account_type])
            conditional.append({"type": "ConditionalStreams", "condition": condition, "streams": [entry]})
        else:
            entries[spec.account_type].append(entry)
    return definitions_by_name, entries, conditional
