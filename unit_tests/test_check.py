"""`check` answers quickly with a FAILED status that names what it could not reach, whatever goes wrong."""

from __future__ import annotations

import json
import socket
import time
from typing import List

import pytest
import requests_mock

from source_amazon_seller_partner.run import run
from unit_tests.mock_api import API, LWA, US, config

PARTICIPATIONS = f"{API}/sellers/v1/marketplaceParticipations"
TOKEN = {"access_token": "Atza|unit-access", "expires_in": 3600}


def closed_port_url() -> str:
    """A loopback URL where nothing listens: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def pauses(monkeypatch) -> List[float]:
    recorded: List[float] = []
    monkeypatch.setattr(time, "sleep", recorded.append)
    return recorded


def check(tmp_path, capsys, **overrides):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config(**overrides)))
    code = 0
    try:
        run(["check", "--config", str(path)])
    except SystemExit as exit_:
        code = exit_.code or 0
    messages = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    statuses = [m["connectionStatus"] for m in messages if m["type"] == "CONNECTION_STATUS"]
    return code, statuses


def test_an_unreachable_sp_api_endpoint_fails_at_once_naming_its_host(tmp_path, capsys, pauses):
    api_url = closed_port_url()
    with requests_mock.Mocker(real_http=True) as mock:
        mock.post(LWA, json=TOKEN)
        code, statuses = check(tmp_path, capsys, api_url=api_url)
    assert code == 0 and len(statuses) == 1 and statuses[0]["status"] == "FAILED"
    assert api_url.split("//")[1] in statuses[0]["message"] and "api_url" in statuses[0]["message"]
    assert pauses == []  # no retry chain: the answer comes in seconds, not minutes


def test_a_token_url_that_is_not_login_with_amazon_fails_naming_lwa_url(tmp_path, capsys, pauses):
    with requests_mock.Mocker() as mock:
        lwa = mock.post(LWA, status_code=404, text="<html>Not Found</html>")
        code, statuses = check(tmp_path, capsys)
    assert code == 0 and len(statuses) == 1 and statuses[0]["status"] == "FAILED"
    assert "lwa_url" in statuses[0]["message"] and "lwa.test" in statuses[0]["message"]
    assert lwa.call_count == 1 and pauses == []


def test_an_unreachable_lwa_endpoint_fails_naming_its_host(tmp_path, capsys, pauses):
    lwa_url = closed_port_url() + "/auth/o2/token"
    code, statuses = check(tmp_path, capsys, lwa_url=lwa_url)
    assert code == 0 and len(statuses) == 1 and statuses[0]["status"] == "FAILED"
    assert lwa_url.split("//")[1].split("/")[0] in statuses[0]["message"]
    assert sum(pauses) <= 10


def test_a_throttled_check_fails_at_once_saying_to_try_again(tmp_path, capsys, pauses):
    with requests_mock.Mocker() as mock:
        mock.post(LWA, json=TOKEN)
        calls = mock.get(PARTICIPATIONS, status_code=429,
                         json={"errors": [{"code": "QuotaExceeded", "message": "You exceeded your quota for the requested resource."}]})
        code, statuses = check(tmp_path, capsys)
    assert code == 0 and statuses[0]["status"] == "FAILED" and "429" in statuses[0]["message"]
    assert calls.call_count == 1 and pauses == []


def test_a_server_error_during_the_check_is_tried_again_briefly(tmp_path, capsys, pauses):
    with requests_mock.Mocker() as mock:
        mock.post(LWA, json=TOKEN)
        mock.get(PARTICIPATIONS, [
            {"status_code": 503, "json": {"errors": [{"code": "ServiceUnavailable", "message": "Service is temporarily unavailable."}]}},
            {"json": {"payload": [{"marketplace": {"id": US}, "participation": {"isParticipating": True}}]}},
        ])
        mock.get(f"{API}/orders/v0/orders", json={"payload": {"Orders": []}})
        mock.get(f"{API}/finances/v0/financialEventGroups", json={"payload": {}})
        mock.get(f"{API}/reports/2021-06-30/reports", json={"reports": []})
        code, statuses = check(tmp_path, capsys)
    assert statuses[0]["status"] == "SUCCEEDED"
    assert sum(pauses) <= 10
