"""The connection check: credentials, marketplaces, and which API groups the token reaches.

Why custom: the CDK's CheckStream reads one stream and reports only pass/fail. A useful check for
SP-API must work for seller and vendor accounts alike (Sellers getMarketplaceParticipations does),
compare the configured marketplaces with the account's, and tell whoever sets up the connection
which roles the app really has.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit
from typing import Any, Callable, Dict, List, Mapping, Tuple

import requests
from airbyte_cdk.models import AirbyteConnectionStatus, Status
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from .context import SyncContext
from .errors import ConfigError
from .marketplaces import BY_ID
from .transport import SpApiTransport


def _recent(hours: int = 24) -> Tuple[str, str]:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    return (now - timedelta(hours=hours)).strftime(fmt), (now - timedelta(minutes=5)).strftime(fmt)


def _probes(config: Mapping[str, Any]) -> Dict[str, Callable[[SpApiTransport], requests.Response]]:
    after, before = _recent()
    marketplace = config["_marketplace_ids"][0]
    seller = {
        "orders": lambda c: c.send_once("GET", "/orders/v0/orders", params={"MarketplaceIds": marketplace, "CreatedAfter": after, "MaxResultsPerPage": 1}),
        "finances": lambda c: c.send_once("GET", "/finances/v0/financialEventGroups", params={"MaxResultsPerPage": 1}),
        "reports": lambda c: c.send_once("GET", "/reports/2021-06-30/reports", params={"reportTypes": "GET_MERCHANT_LISTINGS_ALL_DATA", "pageSize": 1}),
    }
    vendor = {
        "vendor": lambda c: c.send_once("GET", "/vendor/orders/v1/purchaseOrders", params={"limit": 1, "createdAfter": after, "createdBefore": before}),
        "reports": lambda c: c.send_once("GET", "/reports/2021-06-30/reports", params={"reportTypes": "GET_VENDOR_SALES_REPORT", "pageSize": 1}),
    }
    return vendor if config.get("_is_vendor") else seller


# A check answers within seconds: a few quick attempts after a server error, none for an endpoint
# that cannot be reached (the sync's own retries would take minutes to say the same) and none after
# throttling (getMarketplaceParticipations refills one call a minute: the answer is "try again").
CHECK_ATTEMPT_PAUSES = (1.0, 3.0)


def _participations(transport: SpApiTransport) -> requests.Response:
    response = transport.send_once("GET", "/sellers/v1/marketplaceParticipations")
    for pause in CHECK_ATTEMPT_PAUSES:
        if response.status_code < 500:
            break
        time.sleep(pause)
        response = transport.send_once("GET", "/sellers/v1/marketplaceParticipations")
    return response


def check_connection(context: SyncContext, logger: logging.Logger) -> AirbyteConnectionStatus:
    config = context.config
    host = urlsplit(config["_api_url"]).netloc
    transport = context.transport("check", {"api_name": "Sellers API", "role": "Selling Partner Insights"})
    try:
        response = _participations(transport)
    except ConfigError:
        raise  # Login with Amazon refused the credentials: reported as the config error it is
    except AirbyteTracedException as error:
        return AirbyteConnectionStatus(status=Status.FAILED, message=f"getMarketplaceParticipations failed: {error.message}")
    except requests.RequestException as error:
        return AirbyteConnectionStatus(
            status=Status.FAILED,
            message=f"Could not reach the SP-API endpoint {host} ({type(error).__name__}). Check 'region' (or 'api_url') and the network.",
        )
    resolution = transport.resolve(response)
    if response.status_code == 429:
        return AirbyteConnectionStatus(
            status=Status.FAILED,
            message=f"Amazon throttled getMarketplaceParticipations on {host} (HTTP 429): try the check again in a minute.",
        )
    if not response.ok:
        return AirbyteConnectionStatus(
            status=Status.FAILED,
            message=f"getMarketplaceParticipations on {host} failed (HTTP {response.status_code}): "
            f"{resolution.error_message or 'no message from Amazon'}",
        )
    participating = {
        entry["marketplace"]["id"]
        for entry in response.json().get("payload", [])
        if entry.get("participation", {}).get("isParticipating", True)
    }
    missing = [mid for mid in config["_marketplace_ids"] if mid not in participating]
    if missing:
        def label(mid: str) -> str:
            market = BY_ID.get(mid)
            return f"{market.country_code} ({mid})" if market else mid

        return AirbyteConnectionStatus(
            status=Status.FAILED,
            message=f"The account does not sell in {', '.join(label(m) for m in missing)}; it participates in "
            f"{', '.join(sorted(label(m) for m in participating)) or 'no marketplace of this region'}. Fix 'region' or 'marketplaces'.",
        )

    reachable: List[str] = []
    unreachable: List[str] = []
    for group, probe in _probes(config).items():
        try:
            status = probe(transport).status_code
        except requests.RequestException as error:
            unreachable.append(f"{group} (no answer: {type(error).__name__})")
            continue
        (reachable if status < 400 else unreachable).append(group if status < 400 else f"{group} (HTTP {status})")

    main_group = "vendor" if config.get("_is_vendor") else "orders"
    summary = f"API groups reachable: {', '.join(reachable) or 'none'}" + (f"; not reachable: {', '.join(unreachable)}" if unreachable else "")
    if main_group not in reachable:
        other = "Seller" if config.get("_is_vendor") else "Vendor"
        return AirbyteConnectionStatus(
            status=Status.FAILED,
            message=f"The token cannot reach the {main_group} API. {summary}. If this is a {other} account, set account_type to {other}; "
            "otherwise grant the app the missing roles and authorise it again.",
        )
    logger.info("Connection check: %s", summary)
    return AirbyteConnectionStatus(status=Status.SUCCEEDED, message=summary)
