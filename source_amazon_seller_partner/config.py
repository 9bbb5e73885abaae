"""Validate the user's config and derive what every stream needs from it.

Why Python and not the manifest's config transformations: the rules cross fields (a marketplace must
belong to the region's endpoint, the end date must follow the start date, report options must name
known streams) and each failure must become one config_error line that says what to fix.

The derived keys start with an underscore and are never written back to the user's config.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Iterable, List, Mapping, Optional

from .dates import format_datetime, utc_now
from .errors import ConfigError
from .marketplaces import BY_COUNTRY, BY_SITE_NAME, LWA_TOKEN_URL, endpoint

logger = logging.getLogger("airbyte")

# Amazon keeps two years of order history; older start dates only cost requests.
MAX_HISTORY = timedelta(days=730)
FINANCIAL_EVENTS_STEPS = {"1", "7", "14", "30", "60", "90", "180"}
# Orders API versions the order streams can read (README, "Orders API 2026-01-01"); the first is the default.
ORDERS_APIS = ("2026-01-01", "v0")


def parse_config_datetime(value: Any, key: str) -> Optional[datetime]:
    """Accept the published connector's `YYYY-MM-DDTHH:MM:SSZ`, plus a date alone or an offset."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ConfigError(f"'{key}' must be a date-time string like 2024-01-25T00:00:00Z, got {type(value).__name__}.")
    text = value.strip()
    try:
        if len(text) == 10:
            parsed = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=timezone.utc)
        else:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=timezone.utc)
    except ValueError:
        raise ConfigError(f"'{key}' is not a valid date-time: '{text}'. Use the format 2024-01-25T00:00:00Z.") from None
    return parsed.astimezone(timezone.utc)


def _require_text(config: Mapping[str, Any], key: str, what: str) -> str:
    value = config.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"'{key}' ({what}) is missing or empty: paste it from your SP-API app in Seller Central.")
    if value != value.strip():
        raise ConfigError(f"'{key}' ({what}) has leading or trailing spaces: paste it again without them.")
    return value


def _marketplace_ids(config: Mapping[str, Any], region_code: str) -> List[str]:
    home = BY_COUNTRY[region_code]
    codes = config.get("marketplaces")
    if codes in (None, []):
        return [home.marketplace_id]
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise ConfigError("'marketplaces' must be a list of country codes, for example [\"US\", \"CA\"].")
    ids: List[str] = []
    for code in codes:
        market = BY_COUNTRY.get(code.strip().upper())
        if market is None:
            raise ConfigError(f"'marketplaces' has an unknown country code '{code}'. Known codes: {', '.join(sorted(BY_COUNTRY))}.")
        if market.region != home.region:
            raise ConfigError(
                f"Marketplace '{code}' is in the {market.region} region but 'region' {region_code} uses the {home.region} endpoint: "
                f"use one connection per region."
            )
        if market.marketplace_id not in ids:
            ids.append(market.marketplace_id)
    return ids


def _check_report_options(options: Any, known_report_names: Optional[Iterable[str]]) -> None:
    if options in (None, []):
        return
    if not isinstance(options, list):
        raise ConfigError("'report_options_list' must be a list of {stream_name, report_name, options_list} objects.")
    known = set(known_report_names or [])
    seen = set()
    for index, entry in enumerate(options):
        if not isinstance(entry, dict):
            raise ConfigError(f"'report_options_list' entry {index + 1} must be an object with stream_name, report_name and options_list.")
        name = entry.get("report_name")
        stream = entry.get("stream_name")
        if not isinstance(name, str) or not name:
            raise ConfigError(f"'report_options_list' entry {index + 1} has no 'report_name'.")
        if known and name not in known:
            raise ConfigError(f"'report_options_list' entry {index + 1} names an unknown report '{name}'; see the stream table in the docs.")
        if not isinstance(stream, str) or not stream.strip():
            raise ConfigError(f"'report_options_list' entry {index + 1} ({name}) has no 'stream_name'.")
        if stream in seen:
            raise ConfigError(f"'report_options_list' uses the stream name '{stream}' twice: give each entry its own stream_name.")
        seen.add(stream)
        option_list = entry.get("options_list", [])
        if not isinstance(option_list, list) or not all(
            isinstance(o, dict) and isinstance(o.get("option_name"), str) and isinstance(o.get("option_value"), str) for o in option_list
        ):
            raise ConfigError(f"'report_options_list' entry '{stream}': 'options_list' must be a list of {{option_name, option_value}} strings.")


def normalize_config(raw: Mapping[str, Any], known_report_names: Optional[Iterable[str]] = None, now: Optional[datetime] = None) -> Dict[str, Any]:
    """The user's config plus the derived `_` keys (see docs/architecture.md); ConfigError on bad input."""
    if not isinstance(raw, Mapping):
        raise ConfigError("The config must be a JSON object.")
    config: Dict[str, Any] = dict(raw)
    now = now or utc_now()

    environment = str(config.get("aws_environment") or "PRODUCTION").upper()
    if environment not in ("PRODUCTION", "SANDBOX"):
        raise ConfigError(f"'aws_environment' must be PRODUCTION or SANDBOX, got '{config.get('aws_environment')}'.")
    region_code = config.get("region") or "US"
    if not isinstance(region_code, str) or region_code.strip().upper() not in BY_COUNTRY:
        raise ConfigError(f"'region' must be a country code such as US, DE or JP, got '{region_code}'. Known: {', '.join(sorted(BY_COUNTRY))}.")
    region_code = region_code.strip().upper()
    account_type = config.get("account_type") or "Seller"
    if account_type not in ("Seller", "Vendor"):
        raise ConfigError(f"'account_type' must be Seller or Vendor, got '{account_type}'.")

    _require_text(config, "lwa_app_id", "LWA client id")
    _require_text(config, "lwa_client_secret", "LWA client secret")
    _require_text(config, "refresh_token", "refresh token")

    start = parse_config_datetime(config.get("replication_start_date"), "replication_start_date")
    end = parse_config_datetime(config.get("replication_end_date"), "replication_end_date")
    earliest = now - MAX_HISTORY
    if start is not None and start > now:
        raise ConfigError(f"'replication_start_date' {format_datetime(start)} is in the future: use a date in the past.")
    if start is None or start < earliest:
        if start is not None:
            logger.info(
                "replication_start_date %s is more than 2 years ago; Amazon keeps 2 years, so syncing from %s.",
                format_datetime(start),
                format_datetime(earliest),
            )
        start = earliest
    if end is None or end > now:
        end = now
    if end <= start:
        raise ConfigError(
            f"'replication_end_date' {format_datetime(end)} must be after 'replication_start_date' {format_datetime(start)}."
        )

    period = config.get("period_in_days", 90)
    if isinstance(period, bool) or not isinstance(period, int) or period < 1:
        raise ConfigError(f"'period_in_days' must be a whole number of days, at least 1, got {period!r}.")
    if period > MAX_HISTORY.days:
        # No window can be longer than the history Amazon keeps; 4.6.4 accepted any number here.
        config["period_in_days"] = MAX_HISTORY.days
    step = str(config.get("financial_events_step", "180"))
    if step not in FINANCIAL_EVENTS_STEPS:
        raise ConfigError(f"'financial_events_step' must be one of {', '.join(sorted(FINANCIAL_EVENTS_STEPS, key=int))} (days), got {step!r}.")
    _check_report_options(config.get("report_options_list"), known_report_names)
    orders_api = config.get("orders_api") or ORDERS_APIS[0]
    if orders_api not in ORDERS_APIS:
        raise ConfigError(f"'orders_api' must be {' or '.join(ORDERS_APIS)} (Amazon removes v0 on 2027-03-27), got {orders_api!r}.")

    for key in ("api_url", "lwa_url"):
        value = config.get(key)
        if value not in (None, "") and (not isinstance(value, str) or not value.startswith(("http://", "https://"))):
            raise ConfigError(f"'{key}' must be an http(s) URL, got '{value}'.")

    region = BY_COUNTRY[region_code].region
    config["_api_url"] = (config.get("api_url") or endpoint(region, environment)).rstrip("/")
    config["_lwa_url"] = config.get("lwa_url") or LWA_TOKEN_URL
    config["_region"] = region
    config["_marketplace_ids"] = _marketplace_ids(config, region_code)
    config["_start_date"] = format_datetime(start)
    config["_end_date"] = format_datetime(end)
    # Amazon refuses *Before parameters less than 2 minutes in the past.
    config["_rest_end_date"] = format_datetime(min(end, now - timedelta(minutes=2, seconds=30)))
    config["_financial_events_step_days"] = int(step)
    config["_is_vendor"] = account_type == "Vendor"
    config["_orders_api"] = orders_api
    # Keyed as Amazon writes it in finance events ("Amazon.de"), for the Jinja lookup in the manifest.
    config["_marketplace_by_name"] = dict(BY_SITE_NAME)
    return config
