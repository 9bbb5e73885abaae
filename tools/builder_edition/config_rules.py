"""The Builder edition's spec and the keys it derives from the user's config, without Python.

The full connector derives `_api_url`, `_marketplace_ids`, `_start_date`... in config.py. Here the same
keys come from the spec's `config_normalization_rules` (ConfigAddFields with Jinja), which the CDK
applies to the config of every run, so the stream definitions taken from manifest.yaml read the keys
they read in the full connector. The tables in those expressions (country -> marketplace id ->
region -> endpoint) are written from marketplaces.py, the connector's one table.
"""

from __future__ import annotations

import copy
from typing import Any, Dict, List, Mapping

from source_amazon_seller_partner.config import FINANCES_DATA_DELAY, MAX_HISTORY, ORDERS_DATA_DELAY
from source_amazon_seller_partner.marketplaces import BY_COUNTRY, ENDPOINTS, LWA_TOKEN_URL

DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

# The keys of the full connector's spec the Builder edition offers (the others need Python: see
# README.md, "Where it runs", for each one left out and why).
OFFERED_KEYS = (
    "aws_environment",
    "region",
    "account_type",
    "lwa_app_id",
    "lwa_client_secret",
    "refresh_token",
    "replication_start_date",
    "replication_end_date",
    "period_in_days",
    "report_options_list",
    "financial_events_step",
    "marketplaces",
    "lookback_window_days",
    "num_workers",
    "report_wait_timeout_minutes",
    "report_fatal_retry_cooldown_seconds",
    "api_url",
    "lwa_url",
    "seller_id",
)

# Where a key means something else here than in the full connector, its description says so.
DESCRIPTIONS = {
    "report_fatal_retry_cooldown_seconds": (
        "Wait before asking again for a report that ended FATAL (Amazon refuses identical requests made too soon). "
        "The CDK asks up to 3 times per window before the stream fails."
    ),
    "report_wait_timeout_minutes": (
        "How long one sync waits for a report Amazon is still preparing; after that the CDK requests the report again "
        "(up to 3 times per window)."
    ),
}


def literal(value: Any) -> str:
    """A Python value as a Jinja literal (dicts, lists, strings, numbers and booleans read the same)."""
    return repr(value)


def _region_of_country() -> Dict[str, str]:
    return {code: market.region for code, market in sorted(BY_COUNTRY.items())}


def _id_of_country() -> Dict[str, str]:
    return {code: market.marketplace_id for code, market in sorted(BY_COUNTRY.items())}


def _default(key: str, default: Any) -> str:
    """`config[key]`, or the spec's default where the config leaves it out (as normalize_config does)."""
    return f"{{{{ config['{key}'] if config.get('{key}') is not none else {literal(default)} }}}}"


def _field(path: str, value: str, value_type: str = "") -> Dict[str, Any]:
    field: Dict[str, Any] = {"type": "AddedFieldDefinition", "path": [path], "value": value}
    if value_type:
        field["value_type"] = value_type
    return field


def derived_fields(spec_properties: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """ConfigAddFields fields, in order (a field may read the ones before it)."""
    now = "now_utc()"
    history = f"duration('P{MAX_HISTORY.days}D')"
    fields: List[Dict[str, Any]] = []
    # Before the defaults fill it in: report windows are shortened only by a period_in_days the user set
    # (0: not set), as config.py's `_report_window_days`.
    fields.append(_field("_report_window_days", "{{ config.get('period_in_days') or 0 }}", "integer"))
    for key in OFFERED_KEYS:
        prop = spec_properties[key]
        if "default" in prop:
            value_type = {"string": "string", "integer": "integer", "boolean": "boolean"}.get(prop.get("type", ""), "")
            fields.append(_field(key, _default(key, prop["default"]), value_type))
    # No window is longer than the history Amazon keeps (config.py caps it the same way).
    fields.append(_field("period_in_days", f"{{{{ [config['period_in_days'] | int, {MAX_HISTORY.days}] | min }}}}", "integer"))
    fields.append(_field("_region", f"{{{{ {literal(_region_of_country())}[config['region'] | trim | upper] }}}}", "string"))
    fields.append(
        _field(
            "_api_url",
            "{{ (config.get('api_url') or "
            f"{literal(ENDPOINTS)}[config['_region']][config['aws_environment'] | upper]"
            ").rstrip('/') }}",
            "string",
        )
    )
    fields.append(_field("_lwa_url", f"{{{{ config.get('lwa_url') or {literal(LWA_TOKEN_URL)} }}}}", "string"))
    # A list comes out of Jinja as its Python text, which the CDK reads back as a list.
    fields.append(
        _field(
            "_marketplace_ids",
            f"{{% set ids = {literal(_id_of_country())} %}}{{% set ns = namespace(ids=[]) %}}"
            "{% for code in (config.get('marketplaces') or [config['region']]) %}"
            "{% set ns.ids = ns.ids + [ids[code | trim | upper]] %}{% endfor %}{{ ns.ids | unique | list }}",
        )
    )
    # Amazon keeps two years of history: an older or missing start date becomes two years ago.
    fields.append(
        _field(
            "_start_date",
            "{{ format_datetime(max(str_to_datetime(config['replication_start_date']) if config.get('replication_start_date') "
            f"else {now} - {history}, {now} - {history}), '{DATETIME_FORMAT}') }}}}",
            "string",
        )
    )
    fields.append(
        _field(
            "_end_date",
            "{{ format_datetime([str_to_datetime(config['replication_end_date']), now_utc()] | min if config.get('replication_end_date') "
            f"else now_utc(), '{DATETIME_FORMAT}') }}}}",
            "string",
        )
    )
    # Amazon refuses *Before parameters less than 2 minutes in the past.
    fields.append(
        _field(
            "_rest_end_date",
            f"{{{{ format_datetime([str_to_datetime(config['_end_date']), now_utc() - duration('PT150S')] | min, '{DATETIME_FORMAT}') }}}}",
            "string",
        )
    )
    # Report windows start at the user's own start exactly; the two-year default at its whole UTC day.
    fields.append(
        _field(
            "_report_start_date",
            f"{{% set earliest = {now} - {history} %}}"
            "{% if config.get('replication_start_date') and str_to_datetime(config['replication_start_date']) >= earliest %}"
            f"{{{{ format_datetime(str_to_datetime(config['replication_start_date']), '{DATETIME_FORMAT}') }}}}"
            "{% else %}{{ format_datetime(earliest, '%Y-%m-%dT00:00:00Z') }}{% endif %}",
            "string",
        )
    )
    # The re-read before each saved cursor, in minutes as config.py writes it: the user's days, at
    # least Amazon's documented delay for orders (30 minutes) and finance events (48 hours).
    minutes = "(config['lookback_window_days'] | int) * 1440"
    fields.append(_field("_lookback_window", f"PT{{{{ {minutes} }}}}M", "string"))
    fields.append(_field("_orders_lookback_window", f"PT{{{{ [{minutes}, {int(ORDERS_DATA_DELAY.total_seconds() // 60)}] | max }}}}M", "string"))
    fields.append(
        _field("_finances_lookback_window", f"PT{{{{ [{minutes}, {int(FINANCES_DATA_DELAY.total_seconds() // 60)}] | max }}}}M", "string")
    )
    fields.append(_field("_financial_events_step_days", "{{ config['financial_events_step'] | int }}", "integer"))
    fields.append(_field("_is_vendor", "{{ config['account_type'] == 'Vendor' }}", "boolean"))
    return fields


def builder_spec(full_spec: Mapping[str, Any], report_types: List[str]) -> Dict[str, Any]:
    """The full spec's offered keys (same titles, types, defaults), with the derived keys' rules.
    `report_types`: the report_name enum, every report type of the catalog as in the full connector (a
    config stays valid in both editions)."""
    spec = copy.deepcopy(dict(full_spec))
    connection = spec["connection_specification"]
    properties = connection["properties"]
    connection["properties"] = {key: properties[key] for key in OFFERED_KEYS}
    report_name = connection["properties"]["report_options_list"]["items"]["properties"]["report_name"]
    report_name["enum"] = sorted(set(report_types))
    for key, description in DESCRIPTIONS.items():
        connection["properties"][key]["description"] = description
    for order, key in enumerate(OFFERED_KEYS):
        connection["properties"][key]["order"] = order
    connection["required"] = [key for key in connection["required"] if key in OFFERED_KEYS]
    connection["title"] = "Amazon Seller Partner (Builder edition)"
    spec["config_normalization_rules"] = {
        "type": "ConfigNormalizationRules",
        "transformations": [{"type": "ConfigAddFields", "fields": derived_fields(properties)}],
    }
    return spec
