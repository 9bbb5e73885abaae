"""Which streams the demo syncs, and the connector config it uses against the emulator."""

from __future__ import annotations

from typing import Dict, List, Mapping, Optional, Sequence

from source_amazon_seller_partner.catalog.reports import ReportStreamSpec, load_report_catalog

# REST streams that show the main areas: orders, finances, inventory, the account itself.
# RefundEvents is left out: the demo's 90 days hold no US or CA refund (the NA endpoint serves those two
# marketplaces only), and a demo stream without rows fails the demo; refunds, when there are any,
# are rows of FinancialChargeComponents, which the demo's fees and refunds query reads.
DEFAULT_REST_STREAMS: List[str] = [
    "Orders",
    "OrderItems",
    "ListFinancialEventGroups",
    "ShipmentEvents",
    "ServiceFeeEvents",
    "AdjustmentEvents",
    "FinancialChargeComponents",
    "FinancialFeeComponents",
    "FinancialTransactions",
    "FinancialTransactionBreakdowns",
    "FbaInventorySummaries",
    "MarketplaceParticipations",
]

# Report streams marked `default_enabled` in the catalog that the demo leaves out, with the reason.
# Each was run against the emulator (seed 1, profile small, US + CA, 90 days) before being listed here.
EXCLUDED_REPORT_STREAMS: Dict[str, str] = {
    "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE": (
        "no returns in US/CA in the last 90 days of the demo data set (Amazon CANCELs such reports: 0 rows)"
    ),
    "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA": (
        "no returns in US/CA in the last 90 days of the demo data set (Amazon CANCELs such reports: 0 rows)"
    ),
}

DEMO_MARKETPLACES: List[str] = ["US", "CA"]
DEMO_HISTORY_DAYS = 90
DEMO_SEED = 1
DEMO_PROFILE = "small"
# Emulated time runs this many times faster than Amazon's: report processing (7 s at Amazon's pace)
# and rate-limit refills (createReport: one per minute) shrink accordingly. 60 keeps the sync near
# 45 s on a 2-core machine while each report still visibly waits for its status.
DEMO_TIME_SCALE = 60.0


def default_report_streams(catalog: Optional[Sequence[ReportStreamSpec]] = None,
                           served_report_types: Optional[set] = None) -> List[str]:
    """Seller report streams marked default_enabled, minus the excluded ones and any report type the
    emulator does not serve (served_report_types None: assume it serves all)."""
    specs = load_report_catalog() if catalog is None else catalog
    names = []
    for spec in specs:
        if not spec.default_enabled or spec.account_type != "seller" or spec.name in EXCLUDED_REPORT_STREAMS:
            continue
        if served_report_types is not None and spec.report_type not in served_report_types:
            continue
        names.append(spec.name)
    return names


def demo_stream_names(served_report_types: Optional[set] = None) -> List[str]:
    return DEFAULT_REST_STREAMS + default_report_streams(served_report_types=served_report_types)


def emulator_served_report_types() -> set:
    """Seller report types the emulator can produce."""
    from sp_api_emulator.reports.catalog import REPORT_TYPES

    return {report_type for (report_type, account_type) in REPORT_TYPES if account_type == "seller"}


def demo_config(api_url: str, lwa_url: str, time_scale: float = DEMO_TIME_SCALE) -> Mapping[str, object]:
    """A seller config for the emulator (its default credentials), US + CA, DEMO_HISTORY_DAYS back; Amazon's
    per-report-type waits run `time_scale` times faster, as the emulator does."""
    from integration_tests.acceptance_configs import emulator_config

    return emulator_config(api_url, lwa_url, days=DEMO_HISTORY_DAYS, time_scale=time_scale, marketplaces=list(DEMO_MARKETPLACES))
