"""Validate the user's config and derive what every stream needs from it.

The user's keys are a pydantic model (`UserConfig`): types and rules per key, and the rules that
cross keys (a marketplace must belong to the region's endpoint, the end date must follow the start
date). A failure becomes one config_error line naming the key and saying what to fix. Defaults come
from the spec (manifest.yaml), once: a key the user left out gets the spec's default here, also where
no UI fills it in (the command line, PyAirbyte).

The derived keys start with an underscore and are never written back to the user's config.

Why `pydantic.v1`: the CDK's own models use it, so it is loaded anyway; pydantic 2's first import costs
about 0.18 s of every run's start here, more than everything else the connector adds (issue 17).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Iterable, List, Literal, Mapping, Optional

from pydantic.v1 import BaseModel, Extra, StrictInt, StrictStr, ValidationError, root_validator, validator

from .dates import format_datetime, utc_now
from .errors import ConfigError
from .marketplaces import BY_COUNTRY, BY_SITE_NAME, LWA_TOKEN_URL, endpoint

logger = logging.getLogger("airbyte")

# Amazon keeps two years of order history; older start dates only cost requests.
MAX_HISTORY = timedelta(days=730)
FINANCIAL_EVENTS_STEPS = ("1", "7", "14", "30", "60", "90", "180")
# Orders API versions the order streams can read (README, "Orders API 2026-01-01"); Amazon removes v0 on 2027-03-27.
ORDERS_APIS = ("2026-01-01", "v0")
# Amazon's documented data delays outside the report catalog (a report's own is its catalog entry's
# `data_delay`): an incremental sync re-reads at least this much before its saved cursor, whatever
# lookback_window_days says, or a change Amazon shows late would be lost.
# "Order reports can have up to a 30-minute delay" (SP-API docs, report-type-values-order); the Orders
# API documents only its 2-minute rule, and the same orders reach both.
ORDERS_DATA_DELAY = timedelta(minutes=30)
# Finances v0 and 2024-06-19 models: "Orders from the last 48 hours might not be included in financial events."
FINANCES_DATA_DELAY = timedelta(hours=48)
MAX_LOOKBACK_DAYS = 30
_CREDENTIALS = {"lwa_app_id": "LWA client id", "lwa_client_secret": "LWA client secret", "refresh_token": "refresh token"}


def parse_config_datetime(value: Optional[str], key: str) -> Optional[datetime]:
    """Accept the published connector's `YYYY-MM-DDTHH:MM:SSZ`, plus a date alone or an offset."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            parsed = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=timezone.utc)
        else:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=timezone.utc)
    except ValueError:
        raise ValueError(f"is not a valid date-time: '{text}'. Use the format 2024-01-25T00:00:00Z") from None
    return parsed.astimezone(timezone.utc)


class ReportOption(BaseModel):
    option_name: StrictStr
    option_value: StrictStr


class ReportOptionsEntry(BaseModel):
    class Config:
        extra = Extra.allow

    report_name: StrictStr
    stream_name: StrictStr
    options_list: List[ReportOption] = []

    @validator("report_name", "stream_name")
    def _not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("is empty")
        return value


class UserConfig(BaseModel):
    """The keys this connector reads (others, such as 4.6.4's `app_id` or `auth_type`, pass through)."""

    class Config:
        extra = Extra.allow

    aws_environment: Literal["PRODUCTION", "SANDBOX"]
    region: StrictStr
    account_type: Literal["Seller", "Vendor"]
    lwa_app_id: Optional[Any] = None
    lwa_client_secret: Optional[Any] = None
    refresh_token: Optional[Any] = None
    replication_start_date: Optional[StrictStr] = None
    replication_end_date: Optional[StrictStr] = None
    period_in_days: StrictInt
    lookback_window_days: StrictInt
    financial_events_step: StrictStr
    marketplaces: Optional[List[StrictStr]] = None
    report_options_list: Optional[List[ReportOptionsEntry]] = None
    api_url: Optional[StrictStr] = None
    lwa_url: Optional[StrictStr] = None
    orders_api: StrictStr

    @validator("aws_environment", pre=True)
    def _environment_in_capitals(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @validator("region")
    def _known_region(cls, value: str) -> str:
        code = value.strip().upper()
        if code not in BY_COUNTRY:
            raise ValueError(f"must be a country code such as US, DE or JP, got '{value}'. Known: {', '.join(sorted(BY_COUNTRY))}")
        return code

    # pre and always: a missing or null credential must reach the check too
    @validator("lwa_app_id", "lwa_client_secret", "refresh_token", pre=True, always=True)
    def _pasted_whole(cls, value: Any, field: Any) -> str:
        what = _CREDENTIALS[field.name]
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"({what}) is missing or empty: paste it from your SP-API app in Seller Central")
        if value != value.strip():
            raise ValueError(f"({what}) has leading or trailing spaces: paste it again without them")
        return value

    @validator("period_in_days")
    def _whole_days(cls, value: int) -> int:
        if value < 1:
            raise ValueError(f"must be a whole number of days, at least 1, got {value!r}")
        # No window can be longer than the history Amazon keeps; 4.6.4 accepted any number here.
        return min(value, MAX_HISTORY.days)

    @validator("lookback_window_days")
    def _lookback_days(cls, value: int) -> int:
        if not 0 <= value <= MAX_LOOKBACK_DAYS:
            raise ValueError(f"must be a whole number of days from 0 to {MAX_LOOKBACK_DAYS}, got {value!r}")
        return value

    @validator("financial_events_step")
    def _known_step(cls, value: str) -> str:
        if value not in FINANCIAL_EVENTS_STEPS:
            raise ValueError(f"must be one of {', '.join(FINANCIAL_EVENTS_STEPS)} (days), got {value!r}")
        return value

    @validator("orders_api")
    def _known_orders_api(cls, value: str) -> str:
        if value not in ORDERS_APIS:
            raise ValueError(f"must be {' or '.join(ORDERS_APIS)} (Amazon removes v0 on 2027-03-27), got {value!r}")
        return value

    @validator("api_url", "lwa_url")
    def _http_url(cls, value: Optional[str]) -> Optional[str]:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError(f"must be an http(s) URL, got '{value}'")
        return value or None

    @validator("report_options_list")
    def _one_entry_per_stream(cls, entries: Optional[List[ReportOptionsEntry]]) -> Optional[List[ReportOptionsEntry]]:
        seen = set()
        for entry in entries or []:
            if entry.stream_name in seen:
                raise ValueError(f"uses the stream name '{entry.stream_name}' twice: give each entry its own stream_name")
            seen.add(entry.stream_name)
        return entries

    @root_validator(skip_on_failure=True)
    def _marketplaces_of_the_region(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        region = values["region"]
        home = BY_COUNTRY[region]
        for code in values.get("marketplaces") or []:
            market = BY_COUNTRY.get(code.strip().upper())
            if market is None:
                raise ValueError(f"'marketplaces' has an unknown country code '{code}'. Known codes: {', '.join(sorted(BY_COUNTRY))}")
            if market.region != home.region:
                raise ValueError(
                    f"Marketplace '{code}' is in the {market.region} region but 'region' {region} uses the {home.region} "
                    "endpoint: use one connection per region"
                )
        return values

    def marketplace_ids(self) -> List[str]:
        codes = self.marketplaces or [self.region]
        return list(dict.fromkeys(BY_COUNTRY[code.strip().upper()].marketplace_id for code in codes))


def _one_line(error: ValidationError, config: Mapping[str, Any]) -> ConfigError:
    """The first problem pydantic found, as one line naming the key."""
    first = error.errors()[0]
    loc = [part for part in first["loc"] if part != "__root__"]
    message = str(first["msg"])
    if first["type"] == "value_error" and not loc:
        return ConfigError(message + ".")  # a rule that crosses keys names them itself
    if first["type"] != "value_error":
        shown = _value_at(config, loc)
        message = f"{message}, got {shown!r}" if shown is not _MISSING and not isinstance(shown, (dict, list)) else message
    return ConfigError(f"'{'.'.join(str(part) for part in loc)}' {message}.")


_MISSING = object()  # what `_value_at` gives for a key the config does not have


def _value_at(config: Any, loc: List[Any]) -> Any:
    """The config's value at a pydantic error location (keys and list indexes)."""
    for part in loc:
        try:
            config = config[part]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return config


def normalize_config(
    raw: Mapping[str, Any],
    known_report_names: Optional[Iterable[str]] = None,
    now: Optional[datetime] = None,
    defaults: Optional[Mapping[str, Any]] = None,
) -> Dict[str, Any]:
    """The user's config with the spec's defaults for what it leaves out, plus the derived `_` keys
    (see docs/architecture.md); ConfigError on bad input. `defaults`: the spec's (catalog/manifest.py)."""
    if not isinstance(raw, Mapping):
        raise ConfigError("The config must be a JSON object.")
    if defaults is None:
        from .catalog.manifest import spec_defaults

        defaults = spec_defaults()
    config: Dict[str, Any] = {**defaults, **raw}
    try:
        user = UserConfig.parse_obj(config)
    except ValidationError as error:
        raise _one_line(error, config) from None
    known = set(known_report_names or [])
    for index, entry in enumerate(user.report_options_list or []):
        if known and entry.report_name not in known:
            raise ConfigError(f"'report_options_list' entry {index + 1} names an unknown report '{entry.report_name}'; see the stream table in the docs.")

    now = now or utc_now()
    start, end, configured = _date_range(user, now)
    config["period_in_days"] = user.period_in_days
    # Report windows follow Amazon's largest documented range; only a period_in_days the user wrote shortens them
    # (the spec's default of 90 is the order streams' window).
    config["_report_window_days"] = user.period_in_days if raw.get("period_in_days") is not None else None
    region = BY_COUNTRY[user.region].region
    config["_api_url"] = (user.api_url or endpoint(region, user.aws_environment)).rstrip("/")
    config["_lwa_url"] = user.lwa_url or LWA_TOKEN_URL
    config["_region"] = region
    config["_marketplace_ids"] = user.marketplace_ids()
    config["_start_date"] = format_datetime(start)
    # Report windows start at a configured start date exactly (nothing before it is asked for); the
    # two-year default at its whole UTC day, so a retried first sync asks for the same windows.
    config["_report_start_date"] = format_datetime(start if configured else start.replace(hour=0, minute=0, second=0))
    config["_end_date"] = format_datetime(end)
    # Amazon refuses *Before parameters less than 2 minutes in the past.
    config["_rest_end_date"] = format_datetime(min(end, now - timedelta(minutes=2, seconds=30)))
    config["_financial_events_step_days"] = int(user.financial_events_step)
    lookback = timedelta(days=user.lookback_window_days)
    config["_lookback_window"] = _duration(lookback)
    config["_orders_lookback_window"] = _duration(max(lookback, ORDERS_DATA_DELAY))
    config["_finances_lookback_window"] = _duration(max(lookback, FINANCES_DATA_DELAY))
    config["_is_vendor"] = user.account_type == "Vendor"
    config["_orders_api"] = user.orders_api
    # Keyed as Amazon writes it in finance events ("Amazon.de"), for the Jinja lookup in the manifest.
    config["_marketplace_by_name"] = dict(BY_SITE_NAME)
    return config


def _duration(span: timedelta) -> str:
    """ISO 8601 duration in whole minutes, as the CDK's cursors read it (PT2880M = 2 days)."""
    return f"PT{int(span.total_seconds() // 60)}M"


def _date_range(user: UserConfig, now: datetime) -> tuple:
    """(start, end, whether the start is the user's own) of the sync, ConfigError when they make no range."""
    try:
        start = parse_config_datetime(user.replication_start_date, "replication_start_date")
    except ValueError as error:
        raise ConfigError(f"'replication_start_date' {error}.") from None
    try:
        end = parse_config_datetime(user.replication_end_date, "replication_end_date")
    except ValueError as error:
        raise ConfigError(f"'replication_end_date' {error}.") from None
    earliest = now - MAX_HISTORY
    configured = start is not None and start >= earliest
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
        raise ConfigError(f"'replication_end_date' {format_datetime(end)} must be after 'replication_start_date' {format_datetime(start)}.")
    return start, end, configured
