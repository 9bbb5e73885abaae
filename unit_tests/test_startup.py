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
