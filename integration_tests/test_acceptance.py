"""The CDK's standard (acceptance) tests, in-process, against the local emulator.

Scenarios come from acceptance-test-config.yml: spec, check (seller, vendor, wrong refresh token),
discover and a basic read of every discovered stream (at least one record each, schema-valid, no
secret in the output).
"""

from __future__ import annotations

import pytest
from airbyte_cdk.test.standard_tests import SourceTestSuiteBase

from integration_tests.acceptance_configs import write_acceptance_configs
from sp_api_emulator import start_emulator
from source_amazon_seller_partner.source import SourceAmazonSellerPartner


@pytest.fixture(scope="module", autouse=True)
def acceptance_emulator():
    emulator = start_emulator(profile="small", seed=1, time_scale=600)
    # The scenarios' config files are read when each test runs, so they can name this emulator's port.
    write_acceptance_configs(emulator.api_url, emulator.lwa_url, time_scale=600)
    yield emulator
    emulator.stop()


class TestSourceAmazonSellerPartner(SourceTestSuiteBase):
    connector = SourceAmazonSellerPartner

    @classmethod
    def create_connector(cls, scenario):
        config = scenario.get_config_dict(connector_root=cls.get_connector_root_dir(), empty_if_missing=True) if scenario else None
        return SourceAmazonSellerPartner(config=config or None)
