"""Product streams against the SP-API emulator (small profile): ListingsItems, CatalogItems and Products
equal the emulator's dataset, and Products agrees with the streams it joins: the catalog's EAN, the FBA
inventory's fulfillable quantity, the merchant listings report's price."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
from jsonschema import Draft7Validator
from airbyte_cdk.models import ConfiguredAirbyteCatalogSerializer, FailureType
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, read
from airbyte_cdk.test.models.outcome import ExpectedOutcome

from integration_tests.acceptance_configs import running_emulator_config
from source_amazon_seller_partner.source import SourceAmazonSellerPartner

SCHEMAS_DIR = Path(__file__).resolve().parents[1] / "source_amazon_seller_partner" / "schemas"
LISTINGS_REPORT = "GET_MERCHANT_LISTINGS_ALL_DATA"
PRODUCT_STREAMS = ["ListingsItems", "CatalogItems", "Products"]
# region -> the small profile's seller marketplaces served by that region's endpoint
REGIONS = {"US": ["US", "CA"], "DE": ["DE", "FR", "UK"], "JP": ["JP"]}


def config_for(emu, **overrides: Any) -> Dict[str, Any]:
    return running_emulator_config(emu, **overrides)


def read_streams(config: Dict[str, Any], names: List[str], state=None, incremental: bool = False, expect_failure: bool = False) -> EntrypointOutput:
    catalog = ConfiguredAirbyteCatalogSerializer.load(
        {
            "streams": [
                {
                    "stream": {"name": name, "json_schema": {}, "supported_sync_modes": ["full_refresh", "incremental"]},
                    "sync_mode": "incremental" if incremental else "full_refresh",
                    "destination_sync_mode": "append",
                }
                for name in names
            ]
        }
    )
    outcome = ExpectedOutcome.EXPECT_EXCEPTION if expect_failure else ExpectedOutcome.EXPECT_SUCCESS
    return read(SourceAmazonSellerPartner(catalog=catalog, config=config, state=state), config, catalog, state, expected_outcome=outcome)


def records_of(output: EntrypointOutput, stream: str) -> List[Dict[str, Any]]:
    return [m.record.data for m in output.records if m.record.stream == stream]


def keyed(records: List[Dict[str, Any]], *fields: str) -> Dict[Tuple, Dict[str, Any]]:
    counts = Counter(tuple(r.get(f) for f in fields) for r in records)
    duplicates = [key for key, n in counts.items() if n > 1]
    assert not duplicates, f"duplicate keys {duplicates[:3]}"
    return {tuple(r.get(f) for f in fields): r for r in records}


def for_marketplace(entries: Optional[List[Dict[str, Any]]], marketplace_id: str) -> Dict[str, Any]:
    return next((e for e in entries or [] if e.get("marketplaceId") == marketplace_id), {})


def money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_product_streams_equal_the_dataset_and_each_other(emulator, region):
    dataset = emulator.emulator.dataset
    codes = REGIONS[region]
    markets = {m.id: m for m in dataset.seller.markets if m.code in codes}
    listings = {(l.market.id, l.product.sku): l for l in dataset.seller.listings if l.market.id in markets}
    inventory = {(lvl.market.id, lvl.product.sku): lvl for lvl in dataset.seller.inventory if lvl.market.id in markets}
    assert listings and inventory  # the profile has both channels here

    output = read_streams(config_for(emulator, region=region, marketplaces=codes),
                          PRODUCT_STREAMS + ["FbaInventorySummaries", LISTINGS_REPORT])
    assert not output.errors
    for stream in PRODUCT_STREAMS:
        validator = Draft7Validator(json.loads((SCHEMAS_DIR / f"{stream}.json").read_text()))
        problems = [e.message for r in records_of(output, stream) for e in validator.iter_errors(r)]
        assert problems == [], f"{stream}: {problems[:3]}"

    # ListingsItems: every listing once, with Amazon's fields
    listing_records = keyed(records_of(output, "ListingsItems"), "marketplace_id", "sku")
    assert set(listing_records) == set(listings)
    for key, record in listing_records.items():
        listing = listings[key]
        summary = for_marketplace(record["summaries"], key[0])
        assert record["asin"] == summary["asin"] == listing.product.asin
        assert summary["itemName"] == listing.product.title(listing.market)
        assert record["lastUpdatedDate"] == summary["lastUpdatedDate"]
        b2c = [o for o in record["offers"] if o["offerType"] == "B2C" and o["marketplaceId"] == key[0]]
        assert [money(o["price"]["amount"]) for o in b2c] == [listing.price]
        merchant = [f.get("quantity") for f in record.get("fulfillmentAvailability") or [] if f["fulfillmentChannelCode"] == "DEFAULT"]
        assert merchant == ([] if listing.product.channel == "AFN" else [listing.quantity])

    # CatalogItems: each listed ASIN once per marketplace, identifiers from the same products
    catalog_records = keyed(records_of(output, "CatalogItems"), "marketplace_id", "asin")
    assert set(catalog_records) == {(mp, l.product.asin) for (mp, _), l in listings.items()}
    products_by_asin = {p.asin: p for p in dataset.seller.products}
    for (marketplace_id, asin), record in catalog_records.items():
        identifiers = {i["identifierType"]: i["identifier"] for i in for_marketplace(record["identifiers"], marketplace_id)["identifiers"]}
        assert identifiers["EAN"] == products_by_asin[asin].ean and identifiers["UPC"] == products_by_asin[asin].upc
        # the default includedData: identifiers, summaries, salesRanks, dimensions
        assert set(record) >= {"identifiers", "summaries", "salesRanks", "dimensions"}

    # Products: every listed SKU once per marketplace ...
    product_records = keyed(records_of(output, "Products"), "marketplace_id", "sku")
    assert set(product_records) == set(listings)
    fba_sums: Dict[Tuple[str, str], int] = defaultdict(int)
    for summary in records_of(output, "FbaInventorySummaries"):
        fba_sums[(summary["marketplace_id"], summary["sellerSku"])] += summary["inventoryDetails"]["fulfillableQuantity"]
    report_prices = {(r["marketplace_id"], r["seller-sku"]): r["price"] for r in records_of(output, LISTINGS_REPORT)}
    assert set(report_prices) == set(listings)
    for key, record in product_records.items():
        listing = listings[key]
        catalog_item = catalog_records[(key[0], record["asin"])]
        catalog_ids = {i["identifierType"]: i["identifier"] for i in for_marketplace(catalog_item["identifiers"], key[0])["identifiers"]}
        # ... its EAN equals the catalog's, its price the listings report's, its stock the FBA inventory's sum
        assert record["asin"] == listing.product.asin
        assert record["ean"] == catalog_ids["EAN"] == listing.product.ean
        assert record["upc"] == catalog_ids["UPC"] == listing.product.upc
        assert money(record["price"]) == money(report_prices[key]) == listing.price
        assert record["currency"] == listing.market.currency
        assert record["item_name"] == listing.product.title(listing.market) and record["item_name_source"] == "listing"
        if key in inventory:
            assert record["stock"] == fba_sums[key] == inventory[key].fulfillable
            assert record["stock_source"] == "fba_inventory"
        else:
            assert listing.product.channel == "MFN"
            assert record["stock"] == listing.quantity
            assert record["stock_source"] == "listing_fulfillment_availability"


def test_catalog_calls_are_batched_and_stay_within_amazons_limits(make_emulator):
    # Real time: Amazon's own rates (catalog 2/s burst 2), so a connector sending too fast sees 429s.
    emu = make_emulator(time_scale=1.0)
    dataset = emu.emulator.dataset
    us = dataset.seller.markets[0]
    asins = {l.product.asin for l in dataset.seller.listings if l.market.id == us.id}

    output = read_streams(config_for(emu, marketplaces=[us.code]), ["CatalogItems", "Products"])

    assert not output.errors
    stats = emu.stats()["operations"]
    expected_batches = -(-len(asins) // 20)
    # CatalogItems asks once per batch of 20 ASINs, Products once per listings page of 20 SKUs
    pages = -(-len([l for l in dataset.seller.listings if l.market.id == us.id]) // 20)
    assert stats["searchCatalogItems"]["requests"] == expected_batches + pages
    assert all(entry["429_throttled"] == 0 and entry["other_errors"] == 0 for entry in stats.values())


def test_listings_items_incremental_sync_asks_only_for_changes(make_emulator):
    emu = make_emulator()
    config = config_for(emu, marketplaces=["US", "CA"], lookback_window_days=0)

    first = read_streams(config, ["ListingsItems"], incremental=True)
    second = read_streams(config, ["ListingsItems"], state=[first.state_messages[-1].state], incremental=True)

    listed = [l for l in emu.emulator.dataset.seller.listings if l.market.code in ("US", "CA")]
    assert len(first.records) == len(listed)
    saved = {s["partition"]["marketplace_id"]: s["cursor"]["lastUpdatedDate"] for s in first.most_recent_state.stream_state.__dict__["states"]}
    assert saved == {mp: max(r.record.data["lastUpdatedDate"] for r in first.records if r.record.data["marketplace_id"] == mp) for mp in saved}
    # Nothing changed between the syncs: the second one asks from the saved cursor (Amazon's
    # lastUpdatedAfter is inclusive), so it gets only the listings updated at that very second.
    again = [r.record.data for r in second.records]
    assert again and len(again) < len(listed)
    assert all(r["lastUpdatedDate"] == saved[r["marketplace_id"]] for r in again)


def test_an_unknown_seller_id_is_a_config_error(emulator):
    output = read_streams(config_for(emulator, seller_id="A0NOTTHISSELLER"), ["Products"], expect_failure=True)
    errors = [m.trace.error for m in output.errors]
    assert output.records == []
    assert any(e.failure_type == FailureType.config_error and "'seller_id'" in e.message for e in errors)
