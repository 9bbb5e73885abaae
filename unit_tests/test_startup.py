"""Start-up (issue 17): a read builds only the streams its catalog selects (catalog/manifest.py)."""

from __future__ import annotations

from airbyte_cdk.models import ConfiguredAirbyteCatalogSerializer

from source_amazon_seller_partner.catalog.manifest import assemble_manifest
from source_amazon_seller_partner.source import SourceAmazonSellerPartner
from unit_tests.mock_api import config


def catalog(*names: str):
    return ConfiguredAirbyteCatalogSerializer.load({"streams": [
        {"stream": {"name": name, "json_schema": {}, "supported_sync_modes": ["full_refresh", "incremental"]},
         "sync_mode": "incremental", "destination_sync_mode": "append"} for name in names]})


def names(source: SourceAmazonSellerPartner):
    return sorted(stream["name"] for stream in source._stream_configs(source._source_config))


def test_a_read_builds_only_the_selected_streams():
    source = SourceAmazonSellerPartner(catalog=catalog("ShipmentEvents", "GET_SALES_AND_TRAFFIC_REPORT"), config=config(), state=None)
    assert names(source) == ["GET_SALES_AND_TRAFFIC_REPORT", "ShipmentEvents"]
    assert sorted(s.name for s in source.streams(source._config)) == ["GET_SALES_AND_TRAFFIC_REPORT", "ShipmentEvents"]


def test_a_child_stream_keeps_its_parent_and_discover_keeps_every_stream():
    source = SourceAmazonSellerPartner(catalog=catalog("OrderItems"), config=config(orders_api="v0"), state=None)
    (order_items,) = source.streams(source._config)
    assert order_items.name == "OrderItems"
    everything = SourceAmazonSellerPartner(config=config(), state=None)
    assert len(names(everything)) > 100


def test_unknown_names_alone_keep_every_stream_so_the_read_can_say_which_exist():
    assert assemble_manifest(None, only={"NoSuchStream"}) == assemble_manifest(None)
    source = SourceAmazonSellerPartner(catalog=catalog("NoSuchStream"), config=config(), state=None)
    assert len(names(source)) > 100


def test_start_up_loads_no_pydantic_2_on_top_of_the_cdks_pydantic_v1():
    """pydantic 2's first import costs about 0.18 s, more than all the rest the connector adds to a read's start;
    the CDK's models load pydantic.v1 anyway (config.py)."""
    import subprocess
    import sys

    probe = ("import sys, source_amazon_seller_partner.run, source_amazon_seller_partner.source;"
             "print('pydantic.main' in sys.modules, 'pydantic.v1' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["False", "True"], result.stderr[-2000:]
