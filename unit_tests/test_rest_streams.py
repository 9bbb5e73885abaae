"""Declarative REST streams against mocked SP-API answers: windows, pagination, marketplaces, state, keys."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
import requests_mock
from airbyte_cdk.models import ConfiguredAirbyteCatalogSerializer
from airbyte_cdk.test.entrypoint_wrapper import read

from source_amazon_seller_partner.source import SourceAmazonSellerPartner
from source_amazon_seller_partner.catalog.manifest import assemble_manifest
from source_amazon_seller_partner.rate_limits import SpApiRateLimits
from unit_tests.mock_api import API, CA, LWA, US, config


def iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


NOW = datetime.now(timezone.utc).replace(microsecond=0)


def catalog(*names, mode="incremental"):
    return ConfiguredAirbyteCatalogSerializer.load(
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


def run_read(cfg, names, state=None, mode="incremental"):
    cat = catalog(*names, mode=mode)
    return read(SourceAmazonSellerPartner(catalog=cat, config=cfg, state=state), cfg, cat, state)


def params(request):
    return {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}


def test_v0_orders_windows_pages_marketplaces_and_state():
    start = NOW - timedelta(days=50)
    seen = []

    def orders(request, context):
        p = params(request)
        seen.append(p)
        context.headers["x-amzn-RateLimit-Limit"] = "100"
        mp = p["MarketplaceIds"]
        if "NextToken" not in p:
            return {"payload": {"Orders": [{"AmazonOrderId": f"{mp}-{p['LastUpdatedAfter']}-1", "LastUpdateDate": p["LastUpdatedAfter"], "MarketplaceId": mp}], "NextToken": "page-2"}}
        return {"payload": {"Orders": [{"AmazonOrderId": f"{mp}-{p['LastUpdatedAfter']}-2", "LastUpdateDate": p["LastUpdatedAfter"], "MarketplaceId": mp}]}}

    with requests_mock.Mocker() as mock:
        mock.post(LWA, json={"access_token": "Atza|unit-access", "expires_in": 3600})
        mock.get(f"{API}/orders/v0/orders", json=orders)
        output = run_read(config(orders_api="v0", marketplaces=["US", "CA"], replication_start_date=iso(start), period_in_days=30), ["Orders"])
        assert all(r.headers["x-amz-access-token"] == "Atza|unit-access" for r in mock.request_history if "orders" in r.url)
        assert sum(1 for r in mock.request_history if r.url.startswith(LWA)) == 1

    records = [m.record.data for m in output.records]
    # 2 marketplaces x 2 windows x 2 pages
    assert len(records) == 8
    assert {r["marketplace_id"] for r in records} == {US, CA}
    firsts = [p for p in seen if "NextToken" not in p]
    assert len(firsts) == 4
    for p in firsts:
        assert p["MaxResultsPerPage"] == "100"
        after = datetime.strptime(p["LastUpdatedAfter"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        before = datetime.strptime(p["LastUpdatedBefore"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        assert before - after <= timedelta(days=30)
        assert before <= datetime.now(timezone.utc) - timedelta(minutes=2)
    state = output.most_recent_state.stream_state.__dict__
    partitions = {s["partition"]["marketplace_id"] for s in state["states"]}
    assert partitions == {US, CA}


def test_v0_order_items_follow_orders_and_carry_order_fields():
    with requests_mock.Mocker() as mock:
        mock.post(LWA, json={"access_token": "Atza|unit-access", "expires_in": 3600})
        mock.get(
            f"{API}/orders/v0/orders",
            json={"payload": {"Orders": [{"AmazonOrderId": "111-1", "LastUpdateDate": iso(NOW - timedelta(days=1)), "MarketplaceId": US}]}},
        )
        pages = [
            {"json": {"payload": {"AmazonOrderId": "111-1", "OrderItems": [{"OrderItemId": "i1", "ASIN": "B0"}], "NextToken": "n2"}}},
            {"json": {"payload": {"AmazonOrderId": "111-1", "OrderItems": [{"OrderItemId": "i2", "ASIN": "B1"}]}}},
        ]
        mock.get(f"{API}/orders/v0/orders/111-1/orderItems", pages)
        output = run_read(config(orders_api="v0", replication_start_date=iso(NOW - timedelta(days=5))), ["OrderItems"])
        item_calls = [r for r in mock.request_history if "orderItems" in r.url]
    records = [m.record.data for m in output.records]
    assert [r["OrderItemId"] for r in records] == ["i1", "i2"]
    assert all(r["AmazonOrderId"] == "111-1" and r["marketplace_id"] == US for r in records)
    assert params(item_calls[1]) == {"NextToken": "n2"}


def test_financial_event_streams_have_stable_keys_and_180_day_windows():
    event = {"AmazonOrderId": "111-1", "PostedDate": iso(NOW - timedelta(days=3)), "MarketplaceName": "Amazon.com",
             "ShipmentItemList": [{"SellerSKU": "SKU-1", "ItemChargeList": [{"ChargeType": "Principal", "ChargeAmount": {"CurrencyCode": "USD", "CurrencyAmount": 10.5}}]}]}
    windows = []

    def events(request, context):
        windows.append(params(request))
        return {"payload": {"FinancialEvents": {"ShipmentEventList": [event], "RefundEventList": []}}}

    keys = []
    for _ in range(2):
        with requests_mock.Mocker() as mock:
            mock.post(LWA, json={"access_token": "Atza|unit-access", "expires_in": 3600})
            mock.get(f"{API}/finances/v0/financialEvents", json=events)
            output = run_read(config(replication_start_date=iso(NOW - timedelta(days=400))), ["ShipmentEvents"])
        records = [m.record.data for m in output.records]
        assert records and all(r["marketplace_id"] == US and r["event_type"] == "ShipmentEvent" for r in records)
        keys.append(sorted(r["event_id"] for r in records))
    assert keys[0] == keys[1]
    for p in windows:
        after = datetime.strptime(p["PostedAfter"], "%Y-%m-%dT%H:%M:%SZ")
        before = datetime.strptime(p["PostedBefore"], "%Y-%m-%dT%H:%M:%SZ")
        assert before - after <= timedelta(days=180)


def test_vendor_config_calls_vendor_apis_only_in_7_day_windows():
    cfg = config(account_type="Vendor", refresh_token="Atzr|unit-vendor", replication_start_date=iso(NOW - timedelta(days=20)))
    source = SourceAmazonSellerPartner(config=cfg)
    names = {s.name for s in source.streams(source._config)}
    assert "VendorOrders" in names and "Orders" not in names and "ListFinancialEvents" not in names
    with requests_mock.Mocker() as mock:
        mock.post(LWA, json={"access_token": "Atza|unit-vendor-access", "expires_in": 3600})
        mock.get(f"{API}/vendor/orders/v1/purchaseOrders", json={"payload": {"orders": [{"purchaseOrderNumber": "PO1"}]}})
        output = run_read(cfg, ["VendorOrders"])
        calls = [params(r) for r in mock.request_history if "purchaseOrders" in r.url]
        assert not [r for r in mock.request_history if "/orders/v0/" in r.url]
    assert len(calls) == 3
    for p in calls:
        after = datetime.strptime(p["changedAfter"], "%Y-%m-%dT%H:%M:%SZ")
        before = datetime.strptime(p["changedBefore"], "%Y-%m-%dT%H:%M:%SZ")
        assert before - after <= timedelta(days=7)
    assert {m.record.data["marketplace_id"] for m in output.records} == {US}


VENDOR_CURSORS = [
    ("VendorOrders", "/vendor/orders/v1/purchaseOrders", ["payload", "orders"], "changedAfter", "changedBefore"),
    ("VendorOrdersStatus", "/vendor/orders/v1/purchaseOrdersStatus", ["payload", "ordersStatus"], "updatedAfter", "updatedBefore"),
    ("VendorDirectFulfillmentOrders", "/vendor/directFulfillment/orders/2021-12-28/purchaseOrders", ["orders"], "createdAfter", "createdBefore"),
    ("VendorDirectFulfillmentShipping", "/vendor/directFulfillment/shipping/2021-12-28/shippingLabels", ["shippingLabels"], "createdAfter", "createdBefore"),
]


@pytest.mark.parametrize("stream, path, records_path, after, before", VENDOR_CURSORS, ids=[v[0] for v in VENDOR_CURSORS])
def test_vendor_state_moves_to_the_window_end_and_the_next_sync_starts_there(stream, path, records_path, after, before):
    cfg = config(account_type="Vendor", refresh_token="Atzr|unit-vendor", replication_start_date=iso(NOW - timedelta(days=20)),
                 lookback_window_days=0)
    windows = []

    def page(request, context):
        windows.append(params(request))
        body = {"purchaseOrderNumber": f"PO-{len(windows)}"}
        for key in reversed(records_path):
            body = {key: [body] if key == records_path[-1] else body}
        return body

    with requests_mock.Mocker() as mock:
        mock.post(LWA, json={"access_token": "Atza|unit-vendor-access", "expires_in": 3600})
        mock.get(f"{API}{path}", json=page)
        first = run_read(cfg, [stream])
        first_windows = list(windows)
        assert len(first_windows) == 3 and len(first.records) == 3
        # every record carries the real cursor field: its window's end
        assert sorted(m.record.data[before] for m in first.records) == sorted(w[before] for w in first_windows)
        state = [m.state for m in first.state_messages][-1]
        windows.clear()
        second = run_read(cfg, [stream], state=[state])
    last_end = max(datetime.strptime(w[before], "%Y-%m-%dT%H:%M:%SZ") for w in first_windows)
    # the second sync starts where the first ended, not at the start date: nothing read twice
    assert windows and datetime.strptime(windows[0][after], "%Y-%m-%dT%H:%M:%SZ") >= last_end
    assert len(second.records) == len(windows) <= 1


def test_no_transformation_writes_to_a_templated_field_name():
    """The CDK does not interpolate AddFields paths: a '{{ ... }}' path would become a literal key."""
    templated = []

    def walk(node, where):
        if isinstance(node, dict):
            if node.get("type") == "AddFields" or "fields" in node and isinstance(node.get("fields"), list):
                for field in node.get("fields") or []:
                    if isinstance(field, dict) and any("{{" in str(part) for part in field.get("path") or []):
                        templated.append((where, field.get("path")))
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}[{index}]")

    walk(assemble_manifest(), "")
    assert templated == []


def test_fba_inventory_pages_with_top_level_next_token_per_marketplace():
    def summaries(request, context):
        p = params(request)
        if "nextToken" in p:
            return {"payload": {"inventorySummaries": [{"sellerSku": "B"}]}, "pagination": {}}
        return {"payload": {"inventorySummaries": [{"sellerSku": "A"}]}, "pagination": {"nextToken": "t2"}}

    with requests_mock.Mocker() as mock:
        mock.post(LWA, json={"access_token": "Atza|unit-access", "expires_in": 3600})
        mock.get(f"{API}/fba/inventory/v1/summaries", json=summaries)
        output = run_read(config(marketplaces=["US", "CA"]), ["FbaInventorySummaries"], mode="full_refresh")
        first = [params(r) for r in mock.request_history if "summaries" in r.url and "nextToken" not in r.url]
    assert sorted(p["marketplaceIds"] for p in first) == sorted([US, CA])
    assert all(p["granularityId"] == p["marketplaceIds"] and p["granularityType"] == "Marketplace" for p in first)
    assert sorted((r.record.data["marketplace_id"], r.record.data["sellerSku"]) for r in output.records) == sorted(
        [(US, "A"), (US, "B"), (CA, "A"), (CA, "B")]
    )


def test_an_expired_fba_next_token_reads_the_marketplace_again_from_its_first_page():
    first_pages = []

    def summaries(request, context):
        p = params(request)
        if "nextToken" in p:
            if len(first_pages) == 1:  # the first nextToken arrives too late (Amazon's 30 s)
                context.status_code = 400
                return {"errors": [{"code": "InvalidInput", "message": "Next token is invalid or expired", "details": ""}]}
            return {"payload": {"inventorySummaries": [{"sellerSku": "B"}]}, "pagination": {}}
        first_pages.append(p)
        return {"payload": {"inventorySummaries": [{"sellerSku": "A"}]}, "pagination": {"nextToken": "t2"}}

    with requests_mock.Mocker() as mock:
        lwa = mock.post(LWA, json={"access_token": "Atza|unit-access", "expires_in": 3600})
        mock.get(f"{API}/fba/inventory/v1/summaries", json=summaries)
        output = run_read(config(), ["FbaInventorySummaries"], mode="full_refresh")
    assert output.errors == []
    assert len(first_pages) == 2 and lwa.call_count == 1
    # every SKU arrives; the first page's twice at most (same primary key)
    assert {r.record.data["sellerSku"] for r in output.records} == {"A", "B"}


def test_a_missing_role_names_the_role_and_api_without_refreshing_the_token():
    with requests_mock.Mocker() as mock:
        lwa = mock.post(LWA, json={"access_token": "Atza|unit-access", "expires_in": 3600})
        mock.get(f"{API}/fba/inventory/v1/summaries", status_code=403,
                 json={"errors": [{"code": "Unauthorized", "message": "Access to requested resource is denied.", "details": ""}]})
        output = run_read(config(), ["FbaInventorySummaries"], mode="full_refresh")
    errors = [m.trace.error for m in output.errors]
    assert lwa.call_count == 1
    assert errors and all(e.failure_type.value == "config_error" for e in errors)
    assert any("Amazon Fulfillment" in e.message and "FBA Inventory API" in e.message for e in errors)


def test_expired_token_is_refreshed_once_and_request_retried():
    with requests_mock.Mocker() as mock:
        mock.post(LWA, [{"json": {"access_token": "Atza|old", "expires_in": 3600}}, {"json": {"access_token": "Atza|new", "expires_in": 3600}}])
        tokens = []

        def participations(request, context):
            # The CDK retries the same request object, so record the header as it was sent.
            tokens.append(request.headers.get("x-amz-access-token"))
            if len(tokens) == 1:
                context.status_code = 403
                return {"errors": [{"code": "Unauthorized", "message": "The access token you provided has expired."}]}
            return {"payload": [{"marketplace": {"id": US}, "participation": {"isParticipating": True}}]}

        mock.get(f"{API}/sellers/v1/marketplaceParticipations", json=participations)
        output = run_read(config(), ["MarketplaceParticipations"], mode="full_refresh")
    assert tokens == ["Atza|old", "Atza|new"]
    assert [m.record.data["marketplace_id"] for m in output.records] == [US]


EXPIRED = {"errors": [{"code": "Unauthorized", "message": "Access to requested resource is denied.",
                       "details": "The access token you provided has expired."}]}


def test_a_token_that_expires_twice_in_one_retry_chain_is_refreshed_twice(monkeypatch):
    slept = []
    monkeypatch.setattr("time.sleep", slept.append)  # the CDK's backoff between attempts
    answers = [(403, EXPIRED), (503, {"errors": []}), (403, EXPIRED), (200, None)]
    sent = []

    def participations(request, context):
        sent.append(request.headers.get("x-amz-access-token"))
        status, body = answers[len(sent) - 1]
        context.status_code = status
        return body or {"payload": [{"marketplace": {"id": US}, "participation": {"isParticipating": True}}]}

    with requests_mock.Mocker() as mock:
        mock.post(LWA, [{"json": {"access_token": f"Atza|token-{n}", "expires_in": 3600}} for n in range(1, 4)])
        mock.get(f"{API}/sellers/v1/marketplaceParticipations", json=participations)
        output = run_read(config(), ["MarketplaceParticipations"], mode="full_refresh")
    assert output.errors == []
    assert sent == ["Atza|token-1", "Atza|token-2", "Atza|token-2", "Atza|token-3"]
    # after a refresh the retry goes at once (the CDK's extra second); the 503 waits its backoff
    cdk_waits = [s for s in slept if s >= 1]
    assert cdk_waits[0] == 1 and cdk_waits[2] == 1 and cdk_waits[1] > 1, slept
    assert [m.record.data["marketplace_id"] for m in output.records] == [US]


def test_tokens_that_never_stop_expiring_end_as_a_transient_error(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    monkeypatch.setattr(SpApiRateLimits, "acquire_call", lambda self, request, block=True, timeout=None: None)
    with requests_mock.Mocker() as mock:
        mock.post(LWA, json={"access_token": "Atza|unit-access", "expires_in": 3600})
        calls = mock.get(f"{API}/sellers/v1/marketplaceParticipations", status_code=403, json=EXPIRED)
        output = run_read(config(), ["MarketplaceParticipations"], mode="full_refresh")
    errors = [m.trace.error for m in output.errors]
    assert calls.call_count == 31  # the manifest's max_retries (30) + 1
    assert errors and {e.failure_type.value for e in errors} == {"transient_error"}


def _buyer_info_read(rdt_response):
    seen = []

    def buyer_info(request, context):
        seen.append(request.headers.get("x-amz-access-token"))
        return {"payload": {"AmazonOrderId": "111-1", "BuyerEmail": "buyer@example.test"}}

    with requests_mock.Mocker() as mock:
        mock.post(LWA, json={"access_token": "Atza|plain", "expires_in": 3600})
        mock.post(f"{API}/tokens/2021-03-01/restrictedDataToken", **rdt_response)
        mock.get(
            f"{API}/orders/v0/orders",
            json={"payload": {"Orders": [{"AmazonOrderId": "111-1", "LastUpdateDate": iso(NOW - timedelta(days=1)), "MarketplaceId": US}]}},
        )
        mock.get(f"{API}/orders/v0/orders/111-1/buyerInfo", json=buyer_info)
        output = run_read(config(orders_api="v0", include_pii=True, replication_start_date=iso(NOW - timedelta(days=5))), ["OrderBuyerInfo"])
        rdt_bodies = [r.json() for r in mock.request_history if "restrictedDataToken" in r.url]
    return output, seen, rdt_bodies


def test_v0_buyer_info_uses_a_restricted_data_token_when_pii_is_on():
    output, seen, rdt_bodies = _buyer_info_read({"json": {"restrictedDataToken": "Atz.sprdt|rdt-1", "expiresIn": 3600}})
    assert seen == ["Atz.sprdt|rdt-1"]
    assert rdt_bodies == [{"restrictedResources": [{"method": "GET", "path": "/orders/v0/orders/{orderId}/buyerInfo"}]}]
    assert [m.record.data["BuyerEmail"] for m in output.records] == ["buyer@example.test"]


def test_v0_buyer_info_falls_back_to_the_plain_token_with_a_warning_when_the_rdt_is_refused():
    output, seen, _ = _buyer_info_read({"status_code": 403, "json": {"errors": [{"code": "Unauthorized", "message": "Access denied"}]}})
    assert seen == ["Atza|plain"]
    warnings = [m.log.message for m in output.logs if m.log.level.name in ("WARN", "WARNING")]
    assert any("Restricted Data Token" in w and "plain token" in w for w in warnings)
    assert len(output.records) == 1
