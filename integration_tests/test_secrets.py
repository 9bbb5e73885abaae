"""No credential ever reaches stdout, stderr, logs or traces: spec, check (good and refused credentials),
discover, a debug read with a report download and buyer data (Orders API 2026-01-01: by role), and a
debug read of buyer data behind a Restricted Data Token (`orders_api` v0).

The secrets looked for are the client secret, the refresh token, every access token and Restricted
Data Token the emulator issued during the test (read from its token store), and every presigned
document URL it handed out (recorded as they are made), including their signatures alone.
"""

from __future__ import annotations

import logging
from typing import Dict

import pytest

from integration_tests.conftest import FAST_TIME_SCALE
from integration_tests.sync_harness import (
    LISTINGS_SNAPSHOT,
    ORDERS_TSV,
    Connector,
    ConnectorRun,
    config_for,
    fixed_window,
    issued_tokens,
    leaked,
    record_presigned_urls,
    secret_values,
)

READ_STREAMS = ["Orders", "OrderBuyerInfo", "OrderAddress", ORDERS_TSV, LISTINGS_SNAPSHOT]


@pytest.mark.slow
def test_no_secret_in_any_output(make_emulator, tmp_path, caplog):
    caplog.set_level(logging.DEBUG, logger="sp_api_emulator")
    emu = make_emulator(token_lifetime_seconds=3600 * FAST_TIME_SCALE)
    urls = record_presigned_urls(emu)
    start, end = fixed_window(20)
    config = config_for(emu, start, end, marketplaces=["US"], include_pii=True)
    wrong_refresh_token = {**config, "refresh_token": "Atzr|a-refresh-token-amazon-does-not-know"}
    wrong_client_secret = {**config, "lwa_client_secret": "amzn1.oa2-cs.v1.a-secret-amazon-does-not-know"}
    forked, console = Connector(tmp_path / "forked"), Connector(tmp_path / "console", mode="console")

    runs: Dict[str, ConnectorRun] = {
        "spec": console.run("spec", timeout=60),
        "check": forked.run("check", config),
        "check, refresh token refused": forked.run("check", wrong_refresh_token),
        "check, client secret refused": forked.run("check", wrong_client_secret),
        "discover": forked.run("discover", config),
        "read, refresh token refused": forked.run("read", wrong_refresh_token, ["Orders"]),
        "read --debug": console.run("read", config, READ_STREAMS, timeout=120, flags=["--debug"]),
        "read --debug, Orders API v0": console.run("read", {**config, "orders_api": "v0"}, ["OrderBuyerInfo"], timeout=120,
                                                   flags=["--debug"]),
    }

    statuses = {name: [m["connectionStatus"]["status"] for m in run.of_type("CONNECTION_STATUS")] for name, run in runs.items()}
    assert statuses["check"] == ["SUCCEEDED"], runs["check"].stdout[-2000:]
    assert statuses["check, refresh token refused"] == ["FAILED"]
    assert statuses["check, client secret refused"] == ["FAILED"]
    refused = runs["read, refresh token refused"]
    assert refused.exit_code != 0 and {e["failure_type"] for e in refused.errors()} == {"config_error"}, refused.errors()
    read = runs["read --debug"]
    assert read.exit_code == 0, dict(read.stream_errors())
    delivered = read.records_by_stream()
    assert delivered[ORDERS_TSV] and delivered[LISTINGS_SNAPSHOT] and urls, "no report document was downloaded"
    assert delivered["OrderBuyerInfo"] and any(r.get("BuyerEmail") for r in delivered["OrderBuyerInfo"]), "no buyer data read"
    v0_read = runs["read --debug, Orders API v0"]
    assert v0_read.exit_code == 0, dict(v0_read.stream_errors())
    assert any(r.get("BuyerEmail") for r in v0_read.records("OrderBuyerInfo")), "no buyer data read with an RDT"

    tokens = issued_tokens(emu)
    assert any(t.startswith("Atza|") for t in tokens) and any(t.startswith("Atz.sprdt|") for t in tokens)
    secrets = secret_values(emu, [config, wrong_refresh_token, wrong_client_secret], urls)
    for name, run in runs.items():
        output = run.stdout + run.stderr
        assert not leaked(output, secrets), f"{name} printed {leaked(output, secrets)}"
        # nor is an LWA request body (its form fields) ever echoed
        assert "grant_type" not in output and "client_secret=" not in output, name
    # the emulator's own access log names document paths, never their signatures or any token
    emulator_log = "\n".join(record.getMessage() for record in caplog.records)
    assert not [name for name, value in secrets.items() if value in emulator_log]
