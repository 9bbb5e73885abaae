"""A tiny SP-API client for the emulator's tests: LWA token, calls that wait out throttling."""

from __future__ import annotations

import time
from typing import Any, Dict, Optional

import requests

from sp_api_emulator import (DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET,
                                               DEFAULT_SELLER_REFRESH_TOKEN, DEFAULT_VENDOR_REFRESH_TOKEN)

REFRESH_TOKENS = {"seller": DEFAULT_SELLER_REFRESH_TOKEN, "vendor": DEFAULT_VENDOR_REFRESH_TOKEN}


def lwa_token(emulator, account: str = "seller", **overrides: str) -> requests.Response:
    form = {"grant_type": "refresh_token", "refresh_token": REFRESH_TOKENS[account],
            "client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET, **overrides}
    return requests.post(emulator.lwa_url, data=form, timeout=10)


class Client:
    def __init__(self, emulator, account: str = "seller", retry_throttled: bool = True, region: str = "NA") -> None:
        self.emulator = emulator
        self.base_url = emulator.region_urls[region]  # the regional endpoint called
        self.account = account
        self.retry_throttled = retry_throttled
        self.session = requests.Session()
        self.token = lwa_token(emulator, account).json()["access_token"]

    def call(self, method: str, path: str, params: Optional[Dict[str, Any]] = None, json: Any = None,
             token: Optional[str] = None) -> requests.Response:
        for _ in range(100):
            headers = {"x-amz-access-token": token or self.token}
            response = self.session.request(method, self.base_url + path, params=params, json=json,
                                            headers=headers, timeout=30)
            if response.status_code == 403 and token is None and "expired" in response.text:
                self.token = lwa_token(self.emulator, self.account).json()["access_token"]  # short-lived at K>1
                continue
            if response.status_code != 429 or not self.retry_throttled:
                return response
            time.sleep(0.05)
        return response

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.call("GET", path, params=params)

    def post(self, path: str, body: Any) -> requests.Response:
        return self.call("POST", path, json=body)
