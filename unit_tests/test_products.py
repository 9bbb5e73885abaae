"""Product streams (ListingsItems, CatalogItems, Products) against mocked SP-API answers:
batches of 20 identifiers, one marketplace per call, paging, the join's sources, streaming, errors."""

from __future__ import annotations

from typing import Any, Dict, List, Optional
from urllib.parse import parse_qs, urlsplit

import pytest
import requests_mock
from airbyte_cdk.models import ConfiguredAirbyteCatalogSerializer, FailureType
from airbyte_cdk.test.entrypoint_wrapper import read
from airbyte_cdk.test.models.outcome import ExpectedOutcome

from source_amazon_seller_partner.products import records
from source_amazon_seller_partner.products.calls import catalog_items
from source_amazon_seller_partner.source import SourceAmazonSellerPartner
from unit_tests.mock_api import API, CA, LWA, SELLER, US, config

LISTINGS_URL = f"{API}/listings/2021-08-01/items/{SELLER}"
CATALOG_URL = f"{API}/catalog/2022-04-01/items"
FBA_URL = f"{API}/fba/inventory/v1/summaries"


def run_read(cfg: Dict[str, Any], names: List[str], state=None, mode: str = "full_refresh", expect_failure: bool = False):
    catalog = ConfiguredAirbyteCatalogSerializer.load(
        {
            "streams": [
                {
                    "stream": {"name": n, "json_schema": {}, "supported_sync_modes": ["full_refresh", "incremental"]},
                    "sync_mode": mode,
                    "destination_sync_mode": "append",
                }
                for n in names
            ]
        }
    )
    outcome = ExpectedOutcome.EXPECT_EXCEPTION if expect_failure else ExpectedOutcome.EXPECT_SUCCESS
    return read(SourceAmazonSellerPartner(catalog=catalog, config=cfg, state=state), cfg, catalog, state, expected_outcome=outcome)


def query(request) -> Dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}


def calls(mock: requests_mock.Mocker, url: str) -> List[Dict[str, str]]:
    return [query(r) for r in mock.request_history if r.url.split("?")[0] == url]


class FakeSeller:
    """A tiny SP-API: listings per marketplace (paged by 20), catalog items and FBA summaries by id."""

    def __init__(self, listings: Dict[str, List[Dict[str, Any]]], fba: Optional[Dict[str, List[int]]] = None) -> None:
        self.listings = listings
        self.fba = fba or {}
        self.events: List[str] = []

    @staticmethod
    def _page(items: List[Any], p: Dict[str, str], size: int) -> Dict[str, Any]:
        offset = int(p.get("pageToken", "0"))
        body: Dict[str, Any] = {"numberOfResults": len(items), "items": items[offset : offset + size], "pagination": {}}
        if offset + size < len(items):
            body["pagination"]["nextToken"] = str(offset + size)
        return body

    def search_listings(self, request, context):
        p = query(request)
        assert "," not in p["marketplaceIds"]
        self.events.append(f"listings:{p.get('pageToken', '0')}")
        rows = self.listings[p["marketplaceIds"]]
        return self._page([self.listing_json(row, p["marketplaceIds"]) for row in rows], p, int(p.get("pageSize", "10")))

    @staticmethod
    def listing_json(row: Dict[str, Any], marketplace_id: str) -> Dict[str, Any]:
        item: Dict[str, Any] = {
            "sku": row["sku"],
            "summaries": [{"marketplaceId": marketplace_id, "asin": row["asin"], "itemName": row.get("name"),
                           "status": ["BUYABLE"], "lastUpdatedDate": row.get("updated", "2024-05-01T10:00:00Z")}],
            "offers": [
                {"marketplaceId": marketplace_id, "offerType": "B2B", "price": {"currencyCode": "USD", "amount": "1.00"}},
                {"marketplaceId": marketplace_id, "offerType": "B2C", "price": {"currencyCode": "USD", "amount": row.get("price", "9.99")}},
            ],
        }
        if "mfn" in row:
            item["fulfillmentAvailability"] = [{"fulfillmentChannelCode": "DEFAULT", "quantity": row["mfn"]}]
        return item

    def search_catalog(self, request, context):
        p = query(request)
        asins = p["identifiers"].split(",")
        self.events.append(f"catalog:{len(asins)}")
        items = [{"asin": a, "identifiers": [{"marketplaceId": p["marketplaceIds"], "identifiers": [
            {"identifierType": "EAN", "identifier": "EAN-" + a}, {"identifierType": "UPC", "identifier": "UPC-" + a}]}],
            "summaries": [{"marketplaceId": p["marketplaceIds"], "itemName": "Catalog " + a, "brand": "Brand"}]} for a in asins]
        # Amazon's default page size is 10: only pageSize=20 gets a batch in one page.
        return self._page(items, p, int(p.get("pageSize", "10")))

    def inventory(self, request, context):
        p = query(request)
        skus = p["sellerSkus"].split(",")
        self.events.append(f"fba:{len(skus)}")
        summaries = [{"sellerSku": s, "inventoryDetails": {"fulfillableQuantity": q}} for s in skus for q in self.fba.get(s, [])]
        return {"payload": {"inventorySummaries": summaries}}

    def install(self, mock: requests_mock.Mocker) -> None:
        mock.post(LWA, json={"access_token": "Atza|unit-access", "expires_in": 3600})
        mock.get(LISTINGS_URL, json=self.search_listings, headers={"x-amzn-RateLimit-Limit": "1000"})
        mock.get(CATALOG_URL, json=self.search_catalog, headers={"x-amzn-RateLimit-Limit": "1000"})
        mock.get(FBA_URL, json=self.inventory, headers={"x-amzn-RateLimit-Limit": "1000"})


def rows(count: int, prefix: str = "SKU", duplicate_every: int = 0) -> List[Dict[str, Any]]:
    """`count` listings; every `duplicate_every`-th one shares the ASIN of the one before (two SKUs, one ASIN)."""
    result = []
    for i in range(count):
        asin_index = i - 1 if duplicate_every and i and i % duplicate_every == 0 else i
        result.append({"sku": f"{prefix}-{i:03d}", "asin": f"B0{prefix}{asin_index:05d}"})
    return result


# ------------------------------------------------------------------------------------- CatalogItems


def test_catalog_items_batches_of_20_asins_one_marketplace_per_call():
    us_rows = rows(47, "US", duplicate_every=5)  # 47 SKUs, 38 distinct ASINs
    ca_rows = rows(3, "CA")
    fake = FakeSeller({US: us_rows, CA: ca_rows})
    with requests_mock.Mocker() as mock:
        fake.install(mock)
        output = run_read(config(marketplaces=["US", "CA"]), ["CatalogItems"])
        catalog_calls = calls(mock, CATALOG_URL)
        listing_calls = calls(mock, LISTINGS_URL)

    assert all(len(c["identifiers"].split(",")) <= 20 for c in catalog_calls)
    assert all("," not in c["marketplaceIds"] for c in catalog_calls)
    assert {c["identifiersType"] for c in catalog_calls} == {"ASIN"}
    assert {c["includedData"] for c in catalog_calls} == {"identifiers,summaries,salesRanks,dimensions"}
    assert {c["pageSize"] for c in catalog_calls} == {"20"}
    requested = {(c["marketplaceIds"], a) for c in catalog_calls for a in c["identifiers"].split(",")}
    expected = {(US, r["asin"]) for r in us_rows} | {(CA, r["asin"]) for r in ca_rows}
    assert requested == expected
    # every ASIN asked for once: 38 distinct US ASINs -> 20 + 18, CA -> 3
    assert sorted(len(c["identifiers"].split(",")) for c in catalog_calls) == [3, 18, 20]
    # listings read once per marketplace, 20 per page: US 47 -> 3 pages, CA -> 1
    assert len(listing_calls) == 4 and {c["pageSize"] for c in listing_calls} == {"20"}
    records = [m.record.data for m in output.records]
    assert {(r["marketplace_id"], r["asin"]) for r in records} == expected
    assert len(records) == len(expected)


def test_catalog_included_data_comes_from_the_config_and_pages_are_followed():
    fake = FakeSeller({US: rows(5)})

    def two_per_page(request, context):
        # A server answering 2 items per page whatever pageSize says: the stream follows nextToken.
        p = query(request)
        asins = p["identifiers"].split(",")
        offset = int(p.get("pageToken", "0"))
        body = {"numberOfResults": len(asins), "items": [{"asin": a} for a in asins[offset : offset + 2]], "pagination": {}}
        if offset + 2 < len(asins):
            body["pagination"]["nextToken"] = str(offset + 2)
        return body

    fake.search_catalog = two_per_page
    with requests_mock.Mocker() as mock:
        fake.install(mock)
        output = run_read(config(catalog_included_data=["identifiers", "images"]), ["CatalogItems"])
        catalog_calls = calls(mock, CATALOG_URL)
    assert [c.get("pageToken") for c in catalog_calls] == [None, "2", "4"]
    # the follow-up pages repeat the batch's parameters
    assert all(c["identifiers"] == catalog_calls[0]["identifiers"] and c["marketplaceIds"] == US for c in catalog_calls)
    assert {c["includedData"] for c in catalog_calls} == {"identifiers,images"}
    assert sorted(m.record.data["asin"] for m in output.records) == sorted(r["asin"] for r in rows(5))


# ------------------------------------------------------------------------------------ ListingsItems


def test_listings_items_pages_params_fields_and_incremental_state():
    us = rows(45, "US")
    for i, row in enumerate(us):
        row["updated"] = f"2024-05-{1 + i % 28:02d}T10:00:00Z"
    fake = FakeSeller({US: us, CA: rows(2, "CA")})
    with requests_mock.Mocker() as mock:
        fake.install(mock)
        output = run_read(config(marketplaces=["US", "CA"]), ["ListingsItems"], mode="incremental")
        first = calls(mock, LISTINGS_URL)

    assert len(first) == 3 + 1
    for c in first:
        assert c["includedData"] == "summaries,attributes,offers,fulfillmentAvailability,issues"
        assert c["pageSize"] == "20"
        assert c["marketplaceIds"] in (US, CA)
        assert c["lastUpdatedAfter"] == "2000-01-01T00:00:00Z"
        assert "lastUpdatedBefore" in c
    assert [c.get("pageToken") for c in first if c["marketplaceIds"] == US] == [None, "20", "40"]
    records = [m.record.data for m in output.records]
    assert len(records) == 47
    by_key = {(r["marketplace_id"], r["sku"]): r for r in records}
    assert len(by_key) == 47
    sample = by_key[(US, "US-003")]
    assert sample["asin"] == "B0US00003" and sample["lastUpdatedDate"] == "2024-05-04T10:00:00Z"

    state = output.most_recent_state.stream_state.__dict__
    with requests_mock.Mocker() as mock:
        fake.install(mock)
        run_read(config(marketplaces=["US", "CA"], lookback_window_days=0), ["ListingsItems"], mode="incremental",
                 state=[output.state_messages[-1].state])
        second = calls(mock, LISTINGS_URL)
    assert {s["partition"]["marketplace_id"] for s in state["states"]} == {US, CA}
    # the second sync continues where the first one ended, not from 2000
    assert all(c["lastUpdatedAfter"] > "2024-01-01" for c in second)


def test_missing_seller_id_fails_the_product_streams_with_a_config_error_before_any_call():
    cfg = config()
    del cfg["seller_id"]
    fake = FakeSeller({US: rows(3)})
    with requests_mock.Mocker() as mock:
        fake.install(mock)
        output = run_read(cfg, ["ListingsItems", "CatalogItems", "Products"], expect_failure=True)
        product_calls = [r for r in mock.request_history if "/listings/" in r.url or "/catalog/" in r.url or "/fba/" in r.url]
    assert product_calls == []
    errors = [m.trace.error for m in output.errors]
    assert errors and any("'seller_id'" in e.message for e in errors)
    assert any(e.failure_type == FailureType.config_error for e in errors)


# ----------------------------------------------------------------------------------------- Products


def test_products_join_sources_of_each_value():
    listing_rows = [
        {"sku": "AFN-1", "asin": "B0AFN00001", "name": "Listing name", "price": "12.50"},
        {"sku": "MFN-1", "asin": "B0MFN00001", "name": None, "price": "7.00", "mfn": 33},
        {"sku": "BARE-1", "asin": "B0BARE0001", "name": "Bare", "price": "1.99"},
    ]
    fake = FakeSeller({US: listing_rows}, fba={"AFN-1": [5, 7]})  # two summaries of one SKU: summed
    with requests_mock.Mocker() as mock:
        fake.install(mock)
        output = run_read(config(), ["Products"])
    records = {m.record.data["sku"]: m.record.data for m in output.records}
    assert set(records) == {"AFN-1", "MFN-1", "BARE-1"}

    afn = records["AFN-1"]
    assert (afn["marketplace_id"], afn["asin"], afn["item_name"], afn["item_name_source"]) == (US, "B0AFN00001", "Listing name", "listing")
    assert (afn["price"], afn["currency"]) == (12.5, "USD")  # the B2C offer, not the B2B one
    assert (afn.get("ean"), afn.get("upc"), afn.get("gtin")) == ("EAN-B0AFN00001", "UPC-B0AFN00001", None)
    assert (afn["stock"], afn["stock_source"], afn["fba_fulfillable_quantity"]) == (12, "fba_inventory", 12)

    mfn = records["MFN-1"]
    assert (mfn["item_name"], mfn["item_name_source"]) == ("Catalog B0MFN00001", "catalog")
    assert (mfn.get("stock"), mfn.get("stock_source"), mfn.get("mfn_quantity"), mfn.get("fba_fulfillable_quantity")) == (33, "listing_fulfillment_availability", 33, None)

    bare = records["BARE-1"]
    assert (bare.get("stock"), bare.get("stock_source")) == (None, None)


def test_products_call_pattern_per_page_of_20_skus():
    fake = FakeSeller({US: rows(45, "US", duplicate_every=4), CA: rows(20, "CA")})
    with requests_mock.Mocker() as mock:
        fake.install(mock)
        output = run_read(config(marketplaces=["US", "CA"]), ["Products"])
        catalog_calls = calls(mock, CATALOG_URL)
        fba_calls = calls(mock, FBA_URL)
    records = [m.record.data for m in output.records]
    assert len(records) == 65 and len({(r["marketplace_id"], r["sku"]) for r in records}) == 65
    # one catalog and one FBA call per listings page: US 3 pages, CA 1
    assert len(catalog_calls) == 4 and len(fba_calls) == 4
    assert all(len(c["identifiers"].split(",")) <= 20 and "," not in c["marketplaceIds"] for c in catalog_calls)
    assert all(len(c["sellerSkus"].split(",")) <= 20 for c in fba_calls)
    assert all(c["granularityId"] == c["marketplaceIds"] and c["granularityType"] == "Marketplace" for c in fba_calls)
    # shared ASINs are asked for once per page: US page 1 has SKUs 0..19, 4 of them repeat an ASIN
    us_first = next(c for c in catalog_calls if c["marketplaceIds"] == US)
    assert len(us_first["identifiers"].split(",")) == 16
    assert all(r["ean"] == "EAN-" + r["asin"] for r in records)


def test_products_are_emitted_page_by_page():
    """Records of a page leave before the next listings page is requested (nothing is buffered beyond a page)."""
    fake = FakeSeller({US: rows(50, "US")})
    transport = SourceAmazonSellerPartner(config=config()).context.transport("Products", {})
    with requests_mock.Mocker() as mock:
        fake.install(mock)
        generator = records.products_of_marketplace(transport, SELLER, US)
        first_page = [next(generator) for _ in range(20)]
        assert fake.events == ["listings:0", "catalog:20", "fba:20"]
        rest = list(generator)
    assert [r["sku"] for r in first_page + rest] == [r["sku"] for r in rows(50, "US")]
    assert fake.events[3:] == ["listings:20", "catalog:20", "fba:20", "listings:40", "catalog:10", "fba:10"]


def test_access_denied_names_the_role():
    with requests_mock.Mocker() as mock:
        FakeSeller({US: rows(2)}).install(mock)
        mock.get(FBA_URL, status_code=403, json={"errors": [{"code": "Unauthorized", "message": "Access to requested resource is denied."}]})
        output = run_read(config(), ["Products"], expect_failure=True)
    errors = [m.trace.error for m in output.errors]
    assert any("Amazon Fulfillment" in e.message and e.failure_type == FailureType.config_error for e in errors)


def test_catalog_batches_never_exceed_amazons_identifier_limit():
    transport = SourceAmazonSellerPartner(config=config()).context.transport("CatalogItems", {})
    with pytest.raises(ValueError):
        list(catalog_items(transport, US, [f"B0{i:08d}" for i in range(21)], ("identifiers",)))


def test_merchant_quantity_ignores_amazon_channels():
    listing = {"fulfillmentAvailability": [{"fulfillmentChannelCode": "AMAZON_NA", "quantity": 99},
                                           {"fulfillmentChannelCode": "DEFAULT", "quantity": 4}]}
    record = records.product_record(US, {"sku": "S", **listing}, None, None)
    assert (record["stock"], record["stock_source"], record["mfn_quantity"]) == (4, "listing_fulfillment_availability", 4)
