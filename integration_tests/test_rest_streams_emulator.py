"""REST streams against the emulator's small profile: what a sync delivers equals the emulator's ground truth."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from airbyte_cdk.models import ConfiguredAirbyteCatalogSerializer, SyncMode
from airbyte_cdk.test.entrypoint_wrapper import read

from integration_tests.acceptance_configs import emulator_config
from sp_api_emulator import financial_event_key
from source_amazon_seller_partner.catalog.finance_streams import financial_event_types
from source_amazon_seller_partner.source import SourceAmazonSellerPartner

US, CA = "ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"
FINANCE_STREAMS = financial_event_types()
ADDED_EVENT_FIELDS = {"event_id", "event_type", "marketplace_id"}


def sync(config, names, state=None):
    source = SourceAmazonSellerPartner(config=config)
    available = {s.name: s for s in source.streams(source._config)}
    catalog = ConfiguredAirbyteCatalogSerializer.load(
        {
            "streams": [
                {
                    "stream": available[name].as_airbyte_stream().__dict__ | {"supported_sync_modes": ["full_refresh", "incremental"]},
                    "sync_mode": "incremental" if SyncMode.incremental in available[name].as_airbyte_stream().supported_sync_modes else "full_refresh",
                    "destination_sync_mode": "append",
                }
                for name in names
            ]
        }
    )
    output = read(SourceAmazonSellerPartner(catalog=catalog, config=config, state=state), config, catalog, state)
    assert not output.errors, [e.trace.error.message for e in output.errors]
    by_stream = defaultdict(list)
    for message in output.records:
        by_stream[message.record.stream].append(message.record.data)
    return by_stream, output


def test_full_sync_matches_ground_truth_for_two_marketplaces(emulator):
    config = emulator_config(emulator.api_url, emulator.lwa_url, days=800, marketplaces=["US", "CA"])
    names = ["Orders", "OrderItems", "ListFinancialEventGroups"] + [t["stream"] for t in FINANCE_STREAMS]
    records, _ = sync(config, names)
    normalized = SourceAmazonSellerPartner(config=config)._config
    window = {"start": normalized["_start_date"], "end": normalized["_rest_end_date"]}

    truth_orders, truth_items = set(), set()
    for marketplace in (US, CA):
        truth = emulator.truth(account="seller", marketplaceId=marketplace, **window)
        truth_orders |= set(truth["orders"])
        truth_items |= set(truth["order_items"])
    assert truth_orders and truth_items
    assert {r["AmazonOrderId"] for r in records["Orders"]} == truth_orders
    assert {r["OrderItemId"] for r in records["OrderItems"]} == truth_items
    assert {r["marketplace_id"] for r in records["Orders"]} == {US, CA}
    assert all(r["marketplace_id"] == r["MarketplaceId"] for r in records["Orders"])
    assert {r["marketplace_id"] for r in records["OrderItems"]} == {US, CA}

    # Finances are not filtered by marketplace: the NA endpoint serves every NA marketplace of the seller.
    truth = emulator.truth(account="seller", region="NA", **window)
    assert {r["FinancialEventGroupId"] for r in records["ListFinancialEventGroups"]} == set(truth["financial_event_groups"])
    compared = 0
    for event_type in FINANCE_STREAMS:
        delivered = records.get(event_type["stream"], [])
        keys = {financial_event_key(event_type["list"], {k: v for k, v in r.items() if k not in ADDED_EVENT_FIELDS}) for r in delivered}
        expected = set(truth["financial_events"].get(event_type["list"], []))
        assert keys == expected, event_type["stream"]
        # One record per event: the derived primary key is unique.
        assert len({r["event_id"] for r in delivered}) == len(delivered)
        # The marketplace where Amazon names one, else none (finances/records.py; the CDK leaves nulls out).
        for record in delivered:
            named = record.get("MarketplaceName") or record.get("MarketplaceId")
            assert record.get("marketplace_id") == ({"Amazon.com": US, "Amazon.ca": CA}.get(named, named) if named else None)
        compared += len(expected)
    assert compared > 0


def test_incremental_sync_delivers_changed_orders(make_emulator):
    emulator = make_emulator()
    config = emulator_config(emulator.api_url, emulator.lwa_url, days=60, marketplaces=["US", "CA"])
    first, output = sync(config, ["Orders", "OrderItems"])
    state = [message.state for message in output.state_messages]
    changed = emulator.mutate(orders=4, marketplace_id=US) + emulator.mutate(orders=3, marketplace_id=CA)
    second, _ = sync(config, ["Orders", "OrderItems"], state=state)
    delivered = {r["AmazonOrderId"]: r for r in second["Orders"]}
    assert set(changed) <= set(delivered)
    truth_orders = {o for m in (US, CA) for o in emulator.truth(account="seller", marketplaceId=m)["orders"]}
    assert set(changed) <= truth_orders
    # The incremental sync re-reads only the lookback and the changes, not the whole history.
    assert len(second["Orders"]) < len(first["Orders"]) or len(first["Orders"]) <= len(changed)
    assert set(changed) <= {r["AmazonOrderId"] for r in second["OrderItems"]}


def test_vendor_config_syncs_vendor_streams_only(emulator):
    config = emulator_config(emulator.api_url, emulator.lwa_url, account_type="Vendor", days=60)
    source = SourceAmazonSellerPartner(config=config)
    names = {s.name for s in source.streams(source._config)}
    assert {"VendorOrders", "VendorOrdersStatus", "VendorDirectFulfillmentOrders", "VendorDirectFulfillmentShipping"} <= names
    assert not names & {"Orders", "OrderItems", "ListFinancialEvents", "FbaInventorySummaries"}
    emulator.reset_stats()
    records, _ = sync(config, ["VendorOrders", "VendorDirectFulfillmentOrders"])
    assert records["VendorOrders"] and records["VendorDirectFulfillmentOrders"]
    assert {r["marketplace_id"] for r in records["VendorOrders"]} == {US}
    operations = emulator.stats()["operations"]
    assert not [op for op in operations if op.startswith(("getOrders", "getOrderItems", "listFinancial"))]
