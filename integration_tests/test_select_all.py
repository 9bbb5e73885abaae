"""Selecting every stream `discover` offers works: a seller and a vendor sync of all of them against
the emulator exit 0, every stream completes, and streams Amazon cannot serve without a user's report
option are not offered until it is set."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from integration_tests.acceptance_configs import running_emulator_config
from integration_tests.sync_harness import Connector

NEED_A_USERS_OPTION = {"GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT", "GET_MARKETPLACE_ASIN_PAGE_VIEW_METRICS"}


def _catalog(streams):
    return {"streams": [
        {"stream": stream, "destination_sync_mode": "append",
         "sync_mode": "incremental" if "incremental" in stream["supported_sync_modes"] else "full_refresh"}
        for stream in streams]}


@pytest.mark.parametrize("account_type", ["Seller", "Vendor"])
def test_a_sync_of_every_discovered_stream_exits_0(make_emulator, tmp_path, account_type):
    emu = make_emulator()
    start = (datetime.now(timezone.utc) - timedelta(days=10)).strftime("%Y-%m-%dT00:00:00Z")
    config = running_emulator_config(emu, replication_start_date=start)
    if account_type == "Vendor":
        config.update(account_type="Vendor", refresh_token=emu.credentials.vendor_refresh_token)
    connector = Connector(tmp_path)

    discovered = connector.run("discover", config=config)
    streams = discovered.of_type("CATALOG")[0]["catalog"]["streams"]
    names = {stream["name"] for stream in streams}
    assert not names & NEED_A_USERS_OPTION
    run = connector.run("read", config=config, catalog=_catalog(streams), timeout=600)

    assert run.errors() == []
    assert run.exit_code == 0, run.stderr[-2000:]
    assert set(run.final_statuses().values()) == {"COMPLETE"} and set(run.final_statuses()) == names
    if account_type == "Vendor":  # its currencyCode comes from the marketplace now
        assert run.records("GET_VENDOR_REAL_TIME_SALES_REPORT")
        assert emu.stats()["reports_created"]["GET_VENDOR_REAL_TIME_SALES_REPORT"] > 0
