"""Malformed configs and files: each must give one config_error line that says what to fix, no stack trace."""

import json

import pytest

from source_amazon_seller_partner.run import run

GOOD = {
    "aws_environment": "PRODUCTION",
    "region": "US",
    "account_type": "Seller",
    "lwa_app_id": "amzn1.application-oa2-client.badinput",
    "lwa_client_secret": "bad-input-client-secret",
    "refresh_token": "Atzr|bad-input-refresh-token",
    "api_url": "http://127.0.0.1:9",
    "lwa_url": "http://127.0.0.1:9/auth/o2/token",
}
CATALOG = {"streams": [{"stream": {"name": "Orders", "json_schema": {}, "supported_sync_modes": ["full_refresh"]}, "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}]}
OPTION = {"report_name": "GET_MERCHANT_LISTINGS_ALL_DATA", "stream_name": "listings", "options_list": []}

CONFIG_CASES = [
    ("start date in wrong format", {"replication_start_date": "2024/01/01"}, "replication_start_date"),
    ("start date impossible hour", {"replication_start_date": "2024-01-01T25:00:00Z"}, "replication_start_date"),
    ("start date as a number", {"replication_start_date": 20240101}, "replication_start_date"),
    ("end date in words", {"replication_end_date": "yesterday"}, "replication_end_date"),
    ("end before start", {"replication_start_date": "2026-06-01T00:00:00Z", "replication_end_date": "2026-05-01T00:00:00Z"}, "must be after"),
    ("start in the future", {"replication_start_date": "2099-01-01T00:00:00Z"}, "future"),
    ("unknown region", {"region": "XX"}, "region"),
    ("region of wrong type", {"region": 1}, "region"),
    ("marketplace of another region", {"marketplaces": ["US", "DE"]}, "one connection per region"),
    ("unknown marketplace", {"marketplaces": ["US", "ZZ"]}, "unknown country code"),
    ("marketplaces not a list", {"marketplaces": "US"}, "marketplaces"),
    ("empty refresh token", {"refresh_token": ""}, "refresh_token"),
    ("whitespace client id", {"lwa_app_id": "   "}, "lwa_app_id"),
    ("missing client secret", {"lwa_client_secret": None}, "lwa_client_secret"),
    ("client secret with trailing space", {"lwa_client_secret": "bad-input-client-secret "}, "spaces"),
    ("refresh token of wrong type", {"refresh_token": 12345}, "refresh_token"),
    ("period as text", {"period_in_days": "abc"}, "period_in_days"),
    ("period zero", {"period_in_days": 0}, "period_in_days"),
    ("period as boolean", {"period_in_days": True}, "period_in_days"),
    ("finance step not allowed", {"financial_events_step": "365"}, "financial_events_step"),
    ("unknown account type", {"account_type": "Buyer"}, "account_type"),
    ("unknown environment", {"aws_environment": "STAGING"}, "aws_environment"),
    ("report options not a list", {"report_options_list": {"a": 1}}, "report_options_list"),
    ("unknown report name in options", {"report_options_list": [{**OPTION, "report_name": "GET_NOT_A_REPORT"}]}, "unknown report"),
    ("duplicate stream names in options", {"report_options_list": [OPTION, OPTION]}, "twice"),
    ("option value not text", {"report_options_list": [{**OPTION, "options_list": [{"option_name": "a", "option_value": 1}]}]}, "options_list"),
    ("report option without stream name", {"report_options_list": [{**OPTION, "stream_name": ""}]}, "stream_name"),
    ("api_url not a URL", {"api_url": "ftp://example"}, "api_url"),
    ("lwa_url not a URL", {"lwa_url": "localhost:8000"}, "lwa_url"),
    ("no workers", {"num_workers": 0}, "num_workers"),
    ("negative workers", {"num_workers": -3}, "num_workers"),
    ("workers as text", {"num_workers": "8"}, "num_workers"),
    ("too many workers", {"num_workers": 100000}, "num_workers"),
    ("report wait of a geological age", {"report_wait_timeout_minutes": 10**12}, "report_wait_timeout_minutes"),
    ("report reuse age beyond any report", {"report_reuse_max_age_minutes": 10**13}, "report_reuse_max_age_minutes"),
    ("FATAL cooldown beyond any sync", {"report_fatal_retry_cooldown_seconds": 10**20}, "report_fatal_retry_cooldown_seconds"),
    ("negative lookback", {"lookback_window_days": -1}, "lookback_window_days"),
]
# Keys explicitly set to null (the table above drops None to test a missing key).
NULL_CASES = ["num_workers", "period_in_days", "report_wait_timeout_minutes", "lookback_window_days"]


def run_command(capsys, *args):
    code = 0
    try:
        run(list(args))
    except SystemExit as exit_:
        code = exit_.code or 0
    out = capsys.readouterr()
    messages = [json.loads(line) for line in out.out.splitlines() if line.startswith("{")]
    return code, messages, out.out + out.err


def assert_one_line_config_error(messages, output, fragment):
    errors = [m["trace"]["error"] for m in messages if m["type"] == "TRACE" and m["trace"]["type"] == "ERROR"]
    assert errors, output
    error = errors[0]
    assert error["failure_type"] == "config_error"
    assert "\n" not in error["message"]
    assert fragment.lower() in error["message"].lower(), error["message"]
    assert not error.get("stack_trace")
    assert "Traceback" not in output
    return error["message"]


@pytest.mark.parametrize("name, change, fragment", CONFIG_CASES, ids=[c[0] for c in CONFIG_CASES])
def test_bad_config_check_fails_with_one_line(tmp_path, capsys, name, change, fragment):
    config = {**GOOD, **change}
    config = {k: v for k, v in config.items() if v is not None}
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    code, messages, output = run_command(capsys, "check", "--config", str(path))
    message = assert_one_line_config_error(messages, output, fragment)
    statuses = [m["connectionStatus"] for m in messages if m["type"] == "CONNECTION_STATUS"]
    assert statuses == [{"status": "FAILED", "message": message}]
    assert code == 0


@pytest.mark.parametrize("key", NULL_CASES)
def test_a_null_setting_is_a_config_error_not_a_crash(tmp_path, capsys, key):
    path = tmp_path / "config.json"
    path.write_text(json.dumps({**GOOD, key: None}))
    code, messages, output = run_command(capsys, "check", "--config", str(path))
    message = assert_one_line_config_error(messages, output, key)
    assert [m["connectionStatus"] for m in messages if m["type"] == "CONNECTION_STATUS"] == [{"status": "FAILED", "message": message}]
    assert code == 0


def test_a_period_longer_than_amazons_history_is_clamped_not_an_overflow():
    from source_amazon_seller_partner.config import normalize_config

    assert normalize_config({**GOOD, "period_in_days": 10**9})["period_in_days"] == 730


@pytest.mark.parametrize("name, change, fragment", CONFIG_CASES[:6] + CONFIG_CASES[-8:], ids=[c[0] for c in CONFIG_CASES[:6] + CONFIG_CASES[-8:]])
def test_bad_config_read_fails_with_config_error(tmp_path, capsys, name, change, fragment):
    (tmp_path / "config.json").write_text(json.dumps({**GOOD, **change}))
    (tmp_path / "catalog.json").write_text(json.dumps(CATALOG))
    code, messages, output = run_command(capsys, "read", "--config", str(tmp_path / "config.json"), "--catalog", str(tmp_path / "catalog.json"))
    assert_one_line_config_error(messages, output, fragment)
    assert code == 1


FILE_CASES = [
    ("config not JSON", "check", {"config": "{not json"}, "not valid JSON"),
    ("config a JSON list", "check", {"config": "[1, 2]"}, "JSON object"),
    ("config missing", "discover", {"config": None}, "does not exist"),
    ("catalog not JSON", "read", {"catalog": "streams:"}, "not valid JSON"),
    ("catalog wrong shape", "read", {"catalog": json.dumps({"streams": [{"name": "Orders"}]})}, "configured Airbyte catalog"),
    ("state not JSON", "read", {"state": "{"}, "not valid JSON"),
    ("state wrong shape", "read", {"state": json.dumps({"Orders": "2024"})}, "list of Airbyte state messages"),
    ("state junk entries", "read", {"state": json.dumps([{"type": "NOPE", "stream": 3}])}, "not an Airbyte state message"),
    ("config is a directory", "check", {"config": "<directory>"}, "is a directory"),
    ("catalog is a directory", "read", {"catalog": "<directory>"}, "is a directory"),
    ("state is a directory", "read", {"state": "<directory>"}, "is a directory"),
]


@pytest.mark.parametrize("name, command, files, fragment", FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_broken_files(tmp_path, capsys, name, command, files, fragment):
    contents = {"config": json.dumps(GOOD), "catalog": json.dumps(CATALOG), "state": "[]", **files}
    args = [command]
    for kind in ("config", "catalog", "state"):
        if kind != "config" and command != "read":
            continue
        path = tmp_path / f"{kind}.json"
        if contents[kind] == "<directory>":
            path.mkdir()
        elif contents[kind] is not None:
            path.write_text(contents[kind])
        args += [f"--{kind}", str(path)]
    code, messages, output = run_command(capsys, *args)
    assert_one_line_config_error(messages, output, fragment)
    if command == "check":
        assert [m["connectionStatus"]["status"] for m in messages if m["type"] == "CONNECTION_STATUS"] == ["FAILED"]
    else:
        assert code == 1


def test_table_is_big_enough():
    assert len(CONFIG_CASES) + len(FILE_CASES) >= 30
