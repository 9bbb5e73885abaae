"""The order streams on Orders API 2026-01-01 against the emulator: the truth, once each, with the v0 path's
amounts, no v0 call, one searchOrders read for the four streams; 4.6.4's state; an expired page token;
personal data by role."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Dict, List, Mapping

from airbyte_cdk.models import AirbyteStateMessageSerializer

from integration_tests.acceptance_configs import emulator_config
from integration_tests.test_rest_streams_emulator import sync
from source_amazon_seller_partner.source import SourceAmazonSellerPartner

US, CA = "ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"
STREAMS = ["Orders", "OrderItems", "OrderBuyerInfo", "OrderAddress"]
V0_OPERATIONS = {"getOrders", "getOrder", "getOrderItems", "getOrderBuyerInfo", "getOrderAddress", "getOrderItemsBuyerInfo"}
ORDER_MONEY = ("OrderTotal",)
ITEM_MONEY = ("ItemPrice", "ItemTax", "ShippingPrice", "ShippingTax", "ShippingDiscount", "ShippingDiscountTax",
              "PromotionDiscount", "PromotionDiscountTax")


def _truth(emulator, config) -> Dict[str, set]:
    normalized = SourceAmazonSellerPartner(config=config)._config
    window = {"start": normalized["_start_date"], "end": normalized["_rest_end_date"]}
    orders, items = set(), set()
    for marketplace in (US, CA):
        truth = emulator.truth(account="seller", marketplaceId=marketplace, **window)
        orders |= set(truth["orders"])
        items |= set(truth["order_items"])
    return {"orders": orders, "items": items}


def _pages(emulator, config) -> int:
    """searchOrders pages a correct client needs: per window of period_in_days, one per 100 orders (at least one)."""
    normalized = SourceAmazonSellerPartner(config=config)._config
    start, end = parse(normalized["_start_date"]), parse(normalized["_rest_end_date"])
    step, pages = timedelta(days=normalized.get("period_in_days", 90)), 0
    while start <= end:
        stop = min(start + step - timedelta(seconds=1), end)
        count = sum(len(emulator.truth(account="seller", marketplaceId=m, start=iso(start), end=iso(stop))["orders"])
                    for m in (US, CA))
        pages += max(1, -(-count // 100))
        start = stop + timedelta(seconds=1)
    return pages


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _amounts(records: List[Mapping[str, Any]], key: str, columns) -> Dict[str, Dict[str, Decimal]]:
    return {r[key]: {c: Decimal(r[c]["Amount"]) for c in columns if r.get(c)} for r in records}


def test_the_2026_path_delivers_the_truth_once_with_the_v0_paths_amounts_and_no_v0_call(make_emulator):
    emulator = make_emulator()
    config = emulator_config(emulator.api_url, emulator.lwa_url, days=800, marketplaces=["US", "CA"])
    truth = _truth(emulator, config)
    emulator.reset_stats()
    new, _ = sync(config, STREAMS)
    operations = emulator.stats()["operations"]

    assert truth["orders"] and truth["items"]
    for stream, key, expected in (("Orders", "AmazonOrderId", truth["orders"]), ("OrderItems", "OrderItemId", truth["items"]),
                                  ("OrderBuyerInfo", "AmazonOrderId", truth["orders"]), ("OrderAddress", "AmazonOrderId", truth["orders"])):
        delivered = Counter(r[key] for r in new[stream])
        assert set(delivered) == expected, stream
        assert max(delivered.values()) == 1, f"{stream} delivered a record twice"
    assert not V0_OPERATIONS & set(operations), operations
    # one read per window for the four streams: a page per 100 orders of each window, and no more
    assert operations["searchOrders"]["requests"] == operations["searchOrders"]["2xx"] == _pages(emulator, config)

    emulator.reset_stats()
    old, _ = sync({**config, "orders_api": "v0"}, ["Orders", "OrderItems"])
    assert {r["AmazonOrderId"] for r in old["Orders"]} == truth["orders"]
    assert _amounts(new["Orders"], "AmazonOrderId", ORDER_MONEY) == _amounts(old["Orders"], "AmazonOrderId", ORDER_MONEY)
    new_items = _amounts(new["OrderItems"], "OrderItemId", ITEM_MONEY)
    assert new_items == _amounts(old["OrderItems"], "OrderItemId", ITEM_MONEY)
    assert sum(1 for amounts in new_items.values() if amounts.get("PromotionDiscount")) > 5  # discounts compared too
    assert {(r["OrderItemId"], r["AmazonOrderId"], r["QuantityOrdered"], r.get("QuantityShipped")) for r in new["OrderItems"]} == \
        {(r["OrderItemId"], r["AmazonOrderId"], r["QuantityOrdered"], r.get("QuantityShipped")) for r in old["OrderItems"]}
    v0_orders = {r["AmazonOrderId"]: r for r in old["Orders"]}
    for record in new["Orders"]:
        before = v0_orders[record["AmazonOrderId"]]
        for column in ("OrderStatus", "FulfillmentChannel", "PurchaseDate", "LastUpdateDate", "SalesChannel", "IsPrime",
                       "IsBusinessOrder", "ShipmentServiceLevelCategory", "NumberOfItemsShipped", "PaymentMethod",
                       "EarliestShipDate", "LatestDeliveryDate", "SellerOrderId", "marketplace_id"):
            assert record.get(column) == before.get(column), (record["AmazonOrderId"], column)


def test_a_4_6_4_orders_state_resumes_without_a_resync(make_emulator):
    emulator = make_emulator()
    config = emulator_config(emulator.api_url, emulator.lwa_url, days=800, marketplaces=["US", "CA"], lookback_window_days=0)
    saved = iso(datetime.now(timezone.utc) - timedelta(days=10))
    state = [AirbyteStateMessageSerializer.load({"type": "STREAM", "stream": {"stream_descriptor": {"name": name},
                                                                            "stream_state": {"LastUpdateDate": saved}}})
             for name in ("Orders", "OrderItems")]
    emulator.reset_stats()
    records, output = sync(config, ["Orders", "OrderItems"], state=state)
    assert records["Orders"] and all(r["LastUpdateDate"] >= saved for r in records["Orders"])
    assert all(r["LastUpdateDate"] >= saved for r in records["OrderItems"])
    assert emulator.stats()["operations"]["searchOrders"]["requests"] == 1  # one window from the saved cursor
    assert {r["AmazonOrderId"] for r in records["Orders"]} == {
        o for m in (US, CA) for o in emulator.truth(account="seller", marketplaceId=m, start=saved)["orders"]}


def test_an_expired_page_token_reads_its_window_again_and_loses_nothing(make_emulator):
    emulator = make_emulator(faults="pagination_expiry=1")
    # one window of the whole history: more than 100 orders, so a second page and a token to expire
    config = emulator_config(emulator.api_url, emulator.lwa_url, days=800, marketplaces=["US", "CA"], period_in_days=730)
    truth = _truth(emulator, config)
    records, output = sync(config, ["Orders", "OrderItems"])
    assert emulator.stats()["operations"]["searchOrders"]["faults"] == {"pagination_expiry": 1}
    assert {r["AmazonOrderId"] for r in records["Orders"]} == truth["orders"]
    assert {r["OrderItemId"] for r in records["OrderItems"]} == truth["items"]
    assert len(records["Orders"]) > len(truth["orders"])  # the window's first page came twice (duplicates by key)
    assert any("paginationToken" in m.log.message for m in output.logs)


def test_personal_data_by_the_apps_roles_and_only_with_include_pii(make_emulator):
    full = make_emulator()
    base = dict(days=60, marketplaces=["US", "CA"])
    with_pii, _ = sync(emulator_config(full.api_url, full.lwa_url, include_pii=True, **base), ["OrderBuyerInfo", "OrderAddress"])
    assert any(r.get("BuyerEmail") for r in with_pii["OrderBuyerInfo"]) and any(r.get("BuyerName") for r in with_pii["OrderBuyerInfo"])
    assert any((r.get("ShippingAddress") or {}).get("AddressLine1") for r in with_pii["OrderAddress"])
    assert full.stats()["operations"].get("createRestrictedDataToken") is None
    without, _ = sync(emulator_config(full.api_url, full.lwa_url, **base), ["OrderBuyerInfo", "OrderAddress"])
    assert not any(set(r) - {"AmazonOrderId", "LastUpdateDate", "marketplace_id"} for r in without["OrderBuyerInfo"])
    assert not any(set(r.get("ShippingAddress") or {}) - {"City", "StateOrRegion", "CountryCode", "AddressType"}
                   for r in without["OrderAddress"])

    limited = make_emulator(roles={"Inventory and Order Tracking"})
    records, output = sync(emulator_config(limited.api_url, limited.lwa_url, include_pii=True, **base), ["OrderBuyerInfo", "OrderAddress"])
    assert records["OrderBuyerInfo"] and not any(r.get("BuyerEmail") or r.get("BuyerName") for r in records["OrderBuyerInfo"])
    warnings = [m.log.message for m in output.logs if m.log.level.name in ("WARN", "WARNING")]
    for dataset, role in (("RECIPIENT", "Direct-to-Consumer Delivery"), ("BUYER", "Direct-to-Consumer Delivery"),
                          ("BUYER", "Tax Invoicing or Tax Remittance")):
        assert len([w for w in warnings if f"includedData {dataset}" in w and role in w]) == 1, (dataset, role, warnings)
