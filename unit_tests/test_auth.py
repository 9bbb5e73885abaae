import time

import pytest
import requests_mock

from source_amazon_seller_partner.auth import LwaTokenProvider
from source_amazon_seller_partner.errors import ConfigError

LWA = "https://lwa.test/auth/o2/token"


def provider():
    return LwaTokenProvider(LWA, "client-id-1", "client-secret-1", "Atzr|refresh-1")


def test_token_is_fetched_once_and_reused():
    with requests_mock.Mocker() as mock:
        mock.post(LWA, json={"access_token": "Atza|token-1", "expires_in": 3600})
        p = provider()
        assert p.access_token() == "Atza|token-1"
        assert p.access_token() == "Atza|token-1"
        assert mock.call_count == 1
        form = mock.request_history[0].text
        assert "grant_type=refresh_token" in form and "client_id=client-id-1" in form


def test_token_renewed_before_expiry():
    now = [1000.0]
    with requests_mock.Mocker() as mock:
        mock.post(LWA, [{"json": {"access_token": "Atza|a", "expires_in": 3600}}, {"json": {"access_token": "Atza|b", "expires_in": 3600}}])
        p = LwaTokenProvider(LWA, "client-id-1", "client-secret-1", "Atzr|refresh-1", clock=lambda: now[0])
        assert p.access_token() == "Atza|a"
        now[0] += 3600 - 301  # more than 5 minutes left: kept
        assert p.access_token() == "Atza|a" and mock.call_count == 1
        now[0] += 2  # less than 5 minutes left: renewed before Amazon rejects it
        assert p.access_token() == "Atza|b" and mock.call_count == 2


@pytest.mark.parametrize("code, credential", [("invalid_grant", "refresh_token"), ("invalid_client", "lwa_client_secret")])
def test_rejected_credentials_are_config_errors_naming_the_credential(code, credential, monkeypatch):
    slept = []
    monkeypatch.setattr(time, "sleep", slept.append)
    with requests_mock.Mocker() as mock:
        mock.post(LWA, status_code=400, json={"error": code, "error_description": "echo Atzr|refresh-1"})
        with pytest.raises(ConfigError) as error:
            provider().access_token()
        assert slept == []  # a refusal is final: no retry, no wait
        assert credential in error.value.message
        assert "Atzr|refresh-1" not in error.value.message and "client-secret-1" not in error.value.message
        assert mock.call_count == 1


def test_refresh_replaces_only_the_rejected_token():
    with requests_mock.Mocker() as mock:
        mock.post(LWA, [{"json": {"access_token": "Atza|a", "expires_in": 3600}}, {"json": {"access_token": "Atza|b", "expires_in": 3600}}])
        p = provider()
        assert p.access_token() == "Atza|a"
        p.refresh(rejected_token="Atza|a")
        assert p.access_token() == "Atza|b"
        # A second thread that also sent "a" finds it already replaced: no second LWA call.
        p.refresh(rejected_token="Atza|a")
        assert mock.call_count == 2


def test_tokens_that_amazon_rejects_early_are_renewed_at_half_the_life_they_had():
    now = [1000.0]
    with requests_mock.Mocker() as mock:
        mock.post(LWA, [{"json": {"access_token": f"Atza|{n}", "expires_in": 3600}} for n in "abcd"])
        p = LwaTokenProvider(LWA, "client-id-1", "client-secret-1", "Atzr|refresh-1", clock=lambda: now[0])
        assert p.access_token() == "Atza|a"
        now[0] += 40  # Amazon calls "a" expired after 40 s although LWA said an hour
        p.refresh(rejected_token="Atza|a")
        assert p.access_token() == "Atza|b"
        now[0] += 19  # younger than half the life seen: kept
        assert p.access_token() == "Atza|b" and mock.call_count == 2
        now[0] += 2  # older: renewed before a request carries it to its death
        assert p.access_token() == "Atza|c" and mock.call_count == 3
        # a rejection of a token already replaced teaches nothing
        now[0] += 1
        p.refresh(rejected_token="Atza|b")
        assert p.access_token() == "Atza|c" and mock.call_count == 3
