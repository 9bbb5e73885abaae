"""Configs for the emulator-backed tests, and the acceptance tests' config files (acceptance-test-config.yml)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

# Long enough for the emulator's fortnightly settlements and its rarer finance events to show up.
ACCEPTANCE_DAYS = 45
GENERATED = Path(__file__).parent / "acceptance" / ".generated"

CLIENT_ID = "amzn1.application-oa2-client.emulator"
CLIENT_SECRET = "emulator-client-secret"
SELLER_REFRESH_TOKEN = "Atzr|emulator-seller-refresh-token"
VENDOR_REFRESH_TOKEN = "Atzr|emulator-vendor-refresh-token"


def emulator_config(api_url: str, lwa_url: str, *, account_type: str = "Seller", refresh_token: str | None = None, days: int = 3,
                    time_scale: float | None = None, **extra) -> dict:
    start = (datetime.now(timezone.utc) - timedelta(days=days)).strftime("%Y-%m-%dT00:00:00Z")
    config = {
        "aws_environment": "PRODUCTION",
        "region": "US",
        "account_type": account_type,
        "lwa_app_id": CLIENT_ID,
        "lwa_client_secret": CLIENT_SECRET,
        "refresh_token": refresh_token or (VENDOR_REFRESH_TOKEN if account_type == "Vendor" else SELLER_REFRESH_TOKEN),
        "replication_start_date": start,
        "api_url": api_url,
        "lwa_url": lwa_url,
        "report_wait_timeout_minutes": 2,
        "report_fatal_retry_cooldown_seconds": 0,
        # The emulator's merchant token (sp_api_emulator/README.md).
        "seller_id": "A1EMULATORSELLER",
    }
    if time_scale:
        # Amazon's per-report-type waits (15 minutes for sales and traffic ...) as the emulator's --time-scale runs them
        config["_amazon_time_scale"] = time_scale
    config.update(extra)
    return config


def running_emulator_config(emu, **overrides) -> dict:
    """A seller config for a running emulator (its own credentials and seller id), fast report polling."""
    credentials = emu.credentials
    config = {
        "aws_environment": "PRODUCTION",
        "region": "US",
        "account_type": "Seller",
        "lwa_app_id": credentials.client_id,
        "lwa_client_secret": credentials.client_secret,
        "refresh_token": credentials.seller_refresh_token,
        "api_url": emu.api_url,
        "lwa_url": emu.lwa_url,
        "seller_id": emu.seller_id,
        "report_fatal_retry_cooldown_seconds": 0,
        "_report_poll_first_seconds": 0.05,
        "_amazon_time_scale": emu.emulator.timing.scale,
    }
    config.update(overrides)
    return config


def options_required_by_amazon() -> list:
    """Report options Amazon requires for two reports and that have no sensible default (without them
    discover does not offer those streams); the vendor real-time sales report's currencyCode defaults
    from the marketplace, so it is left out here."""

    def entry(stream: str, report: str, **options: str) -> dict:
        return {"stream_name": stream, "report_name": report, "options_list": [{"option_name": k, "option_value": v} for k, v in options.items()]}

    return [
        entry("GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT", "GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT", reportPeriod="WEEK", asin="B000000001"),
        entry("GET_MARKETPLACE_ASIN_PAGE_VIEW_METRICS", "GET_MARKETPLACE_ASIN_PAGE_VIEW_METRICS", productType="HOME"),
    ]


def write_acceptance_configs(api_url: str, lwa_url: str, time_scale: float | None = None) -> None:
    """The config files acceptance-test-config.yml names, for the emulator at `api_url` (written when the
    acceptance tests' emulator has started: its port is the system's choice, and dates are relative)."""
    GENERATED.mkdir(parents=True, exist_ok=True)
    files = {
        "spec_config.json": emulator_config(api_url, lwa_url),
        "seller_config.json": emulator_config(api_url, lwa_url, days=ACCEPTANCE_DAYS, time_scale=time_scale,
                                              report_options_list=options_required_by_amazon()),
        "vendor_config.json": emulator_config(api_url, lwa_url, account_type="Vendor", time_scale=time_scale,
                                              report_options_list=options_required_by_amazon()),
        "invalid_refresh_token_config.json": emulator_config(api_url, lwa_url, refresh_token="Atzr|not-the-right-refresh-token"),
    }
    for name, content in files.items():
        (GENERATED / name).write_text(json.dumps(content, indent=2))
