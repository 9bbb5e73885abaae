"""Shared test set-up: each test is its own sync, so the per-sync shared objects start empty."""

import pytest

from source_amazon_seller_partner.components.auth import LwaTokenProvider, RestrictedDataTokens
from source_amazon_seller_partner.components.rate_limits import SpApiRateLimits


@pytest.fixture(autouse=True)
def fresh_shared_state():
    # Token providers and rate-limit buckets are shared by every component of one sync (process).
    for registry in (LwaTokenProvider._registry, RestrictedDataTokens._registry, SpApiRateLimits._registry):
        registry.clear()
    yield
