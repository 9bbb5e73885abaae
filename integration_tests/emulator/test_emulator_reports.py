"""Report lifecycle and documents: IN_QUEUE -> DONE, CANCELLED, FATAL, presigned URLs, settlement,
and documents that agree with the REST APIs and with Amazon's report schemas."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import jsonschema
import pytest
import requests

from emulator_client import Client
from sp_api_emulator.reports.schema_faker import required_options
from sp_api_emulator.reports.types_json import AMAZON_SCHEMAS
from sp_api_emulator.timeutil import iso, parse_iso, utcnow
from report_helpers import create, download, run, tsv_rows, wait
from spapi_models import FORMATS, load_report_schema
from value_kinds import value_ok

US, CA, DE, JP = "ATVPDKIKX0DER", "A2EUQ1WTGCTBG2", "A1PA6795UKMFR9", "A1VC38T7YXB528"


def _since(days: float) -> str:
    return iso(utcnow() - timedelta(days=days))


def _orders_via_api(client, marketplace: str, start: str, end: str):
    orders, params = [], {"MarketplaceIds": marketplace, "LastUpdatedAfter": start, "LastUpdatedBefore": end}
    while True:
        payload = client.get("/orders/v0/orders", **params).json()["payload"]
        orders += payload["Orders"]
        if "NextToken" not in payload:
            return orders
        params = {"MarketplaceIds": marketplace, "NextToken": payload["NextToken"]}


def test_report_goes_in_queue_to_done_and_matches_get_orders(make_emulator):
    running = make_emulator(time_scale=10)  # IN_QUEUE 0.2 s, IN_PROGRESS 0.5 s
    client = Client(running)
    start, end = _since(105), _since(15)
    created = create(client, "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL", [US], start, end)
    report, seen = wait(client, created.json()["reportId"])
    assert seen == ["IN_QUEUE", "IN_PROGRESS", "DONE"]
    assert report["dataStartTime"] == start and report["dataEndTime"] == end
    text, response, document = download(client, report["reportDocumentId"])
    assert document["compressionAlgorithm"] == "GZIP"
    assert response.headers["Content-Type"] == "text/plain; charset=Cp1252"
    header, rows = tsv_rows(text)
    assert header[:4] == ["amazon-order-id", "merchant-order-id", "purchase-date", "last-updated-date"]

    api_orders = {o["AmazonOrderId"]: o for o in _orders_via_api(client, US, start, end)}
    report_orders = defaultdict(list)
    for row in rows:
        report_orders[row["amazon-order-id"]].append(row)
    assert len(api_orders) > 10 and set(report_orders) == set(api_orders)
    for order_id, order in api_orders.items():
        lines = report_orders[order_id]
        assert {r["last-updated-date"] for r in lines} == {order["LastUpdateDate"].replace("Z", "+00:00")}
        items = client.get(f"/orders/v0/orders/{order_id}/orderItems").json()["payload"]["OrderItems"]
        assert sorted(r["sku"] for r in lines) == sorted(i["SellerSKU"] for i in items)
        if "OrderTotal" not in order:  # canceled: no money anywhere
            assert order["OrderStatus"] == "Canceled" and all(r["item-price"] == "" for r in lines)
            continue
        total = sum(Decimal(r[c]) for r in lines for c in ("item-price", "item-tax", "shipping-price", "shipping-tax"))
        total -= sum(Decimal(r["item-promotion-discount"]) for r in lines)
        assert total == Decimal(order["OrderTotal"]["Amount"]), order_id
        by_sku = {i["SellerSKU"]: i for i in items}
        for row in lines:
            assert Decimal(row["item-price"]) == Decimal(by_sku[row["sku"]]["ItemPrice"]["Amount"])
            assert int(row["quantity"]) == by_sku[row["sku"]]["QuantityOrdered"]


def test_empty_range_is_cancelled_and_missing_start_means_now(emulator):
    client = Client(emulator)
    report, text = run(client, "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", [US], _since(3650), _since(3640))
    assert report["processingStatus"] == "CANCELLED" and "reportDocumentId" not in report and text is None
    report, _ = run(client, "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", [CA])  # no dataStartTime: now..now
    assert report["processingStatus"] == "CANCELLED"


def test_identical_request_soon_after_is_fatal_with_a_reason(emulator):
    client = Client(emulator)
    args = ("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", [DE], _since(120), _since(100))
    first, _ = run(client, *args)
    assert first["processingStatus"] == "DONE"
    second, _ = wait(client, create(client, *args).json()["reportId"])
    assert second["processingStatus"] == "FATAL" and second["reportDocumentId"]
    text, _, document = download(client, second["reportDocumentId"])
    assert "compressionAlgorithm" not in document
    assert first["reportId"] in json.loads(text)["errorDetails"]
    time.sleep(1800 / 600 + 0.2)  # the cooldown (30 min) scaled by K=600
    third, _ = run(client, *args)
    assert third["processingStatus"] == "DONE"


def test_presigned_url_needs_no_auth_refuses_it_and_expires(make_emulator):
    running = make_emulator(time_scale=1000, min_client_window_seconds=0.3)  # 300 s / 1000 = 0.3 s
    client = Client(running)
    report, _ = run(client, "GET_MERCHANT_LISTINGS_ALL_DATA", [US])
    document = client.get(f"/reports/2021-06-30/documents/{report['reportDocumentId']}").json()
    assert "X-Amz-Signature=" in document["url"] and "X-Amz-Expires=0" in document["url"]
    refused = requests.get(document["url"], headers={"x-amz-access-token": client.token}, timeout=10)
    assert refused.status_code == 400 and b"InvalidArgument" in refused.content
    assert requests.get(document["url"], timeout=10).status_code == 200
    tampered = document["url"].replace("X-Amz-Signature=", "X-Amz-Signature=0")
    assert requests.get(tampered, timeout=10).status_code == 403
    time.sleep(0.4)
    expired = requests.get(document["url"], timeout=10)
    assert expired.status_code == 403 and b"Request has expired" in expired.content


def test_content_encoding_header_on_request(emulator):
    client = Client(emulator)
    report, _ = run(client, "GET_MERCHANT_LISTINGS_DATA", [UK := "A1F83G8C2ARO7P"])
    url = client.get(f"/reports/2021-06-30/documents/{report['reportDocumentId']}",
                     enableContentEncodingUrlHeader="true").json()["url"]
    response = requests.get(url, timeout=10)  # requests decompresses Content-Encoding: gzip itself
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.content.decode("cp1252").startswith("item-name\t")


def test_cancel_only_in_queue(make_emulator):
    running = make_emulator(time_scale=1)  # IN_QUEUE for 2 s
    client = Client(running)
    report_id = create(client, "GET_AFN_INVENTORY_DATA", [US]).json()["reportId"]
    assert client.call("DELETE", f"/reports/2021-06-30/reports/{report_id}").status_code == 200
    assert client.get(f"/reports/2021-06-30/reports/{report_id}").json()["processingStatus"] == "CANCELLED"
    assert client.call("DELETE", f"/reports/2021-06-30/reports/{report_id}").status_code == 400


def test_japanese_documents_are_shift_jis(emulator):
    client = Client(emulator)
    created = create(client, "GET_MERCHANT_LISTINGS_ALL_DATA", [JP])
    report, _ = wait(client, created.json()["reportId"])
    text, response, _ = download(client, report["reportDocumentId"])
    assert response.headers["Content-Type"] == "text/plain; charset=Shift_JIS"
    assert "ステンレス製コーヒーミル" in text


def test_non_ascii_survives_cp1252(emulator):
    client = Client(emulator)
    report, text = run(client, "GET_MERCHANT_LISTINGS_ALL_DATA", [DE])
    assert "Kaffeemühle" in text and "Größe" in text and "25 €" in text
    assert any(line.startswith('"') for line in text.split("\n")), "a title starting with a quote"


def test_settlement_reports_are_listed_not_requested(emulator):
    client = Client(emulator)
    listed = client.get("/reports/2021-06-30/reports", reportTypes="GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE",
                        marketplaceIds=US, pageSize=100).json()["reports"]
    assert 5 <= len(listed) <= 7  # every 14 days, last 90 days
    assert all(parse_iso(r["createdTime"]) > utcnow() - timedelta(days=90) for r in listed)
    report = listed[0]
    text, _, _ = download(client, report["reportDocumentId"])
    header, rows = tsv_rows(text)
    assert header[0] == "settlement-id" and rows[0]["total-amount"] and rows[0]["currency"] == "USD"
    groups = client.get("/finances/v0/financialEventGroups", FinancialEventGroupStartedAfter=report["dataStartTime"],
                        FinancialEventGroupStartedBefore=iso(parse_iso(report["dataStartTime"]) + timedelta(hours=1)))
    group = next(g for g in groups.json()["payload"]["FinancialEventGroupList"] if g["OriginalTotal"]["CurrencyCode"] == "USD")
    assert Decimal(rows[0]["total-amount"]) == Decimal(str(group["OriginalTotal"]["CurrencyAmount"]))
    # Settlement files write `2024-05-01 00:00:00 UTC`; the group's end is the same instant.
    assert datetime.strptime(rows[0]["settlement-end-date"], "%Y-%m-%d %H:%M:%S UTC").replace(tzinfo=timezone.utc) \
        == parse_iso(group["FinancialEventGroupEnd"])
    assert sum(Decimal(r[c] or "0") for r in rows[1:] for c in ("price-amount", "item-related-fee-amount",
                                                                 "promotion-amount", "other-amount")) \
        == Decimal(rows[0]["total-amount"])


def _catalog(emulator, fmt: str, account: str = "seller"):
    return sorted((d for (t, a), d in emulator.emulator.reports.definitions.items()
                   if a == account and d.format == fmt and d.requestable), key=lambda d: d.report_type)


def test_every_flat_file_report_decodes_with_its_columns_and_types(emulator):
    client = Client(emulator)
    definitions = _catalog(emulator, "tsv")
    assert len(definitions) >= 10
    problems, done = [], 0
    for n, definition in enumerate(definitions):
        report, text = run(client, definition.report_type, [US], _since(200 + n), _since(1 + n),
                           definition.default_options or None)
        if report["processingStatus"] == "CANCELLED":
            continue
        assert report["processingStatus"] == "DONE", (definition.report_type, report)
        done += 1
        header, rows = tsv_rows(text)
        assert header == [c.name for c in definition.columns], definition.report_type
        for row in rows:
            for column in definition.columns:
                if not value_ok(row[column.name], column.kind):
                    problems.append(f"{definition.report_type} {column.name}={row[column.name]!r}")
    assert done >= len(definitions) - 3
    assert not problems, problems[:20]


@pytest.mark.parametrize("account", ["seller", "vendor"])
def test_json_reports_are_instances_of_amazons_schemas(emulator, account):
    client = Client(emulator, account)
    market = US
    definitions = _catalog(emulator, "json", account)
    assert definitions
    asin = emulator.emulator.dataset.account(account).products[0].asin
    for n, definition in enumerate(definitions):
        options = dict(definition.default_options)
        for option in required_options(definition.report_type, account):  # e.g. asin, campaignStartDateFrom
            options.setdefault(option, asin if option == "asin" else _since(30) if "Date" in option else "x")
        report, text = run(client, definition.report_type, [market], _since(20 + n), _since(3 + n), options or None)
        assert report["processingStatus"] == "DONE", (definition.report_type, report)
        document = json.loads(text)
        schema_file = AMAZON_SCHEMAS[(definition.report_type, account)]
        validator = jsonschema.Draft7Validator(load_report_schema(schema_file), format_checker=FORMATS)
        found = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]
        assert not found, (definition.report_type, found[:5])
        for path in definition.json_records_paths:
            node = document
            for part in path:
                node = node[part]
            assert isinstance(node, list) and node, (definition.report_type, path)


def test_reports_without_required_options_are_fatal(emulator):
    client = Client(emulator, "vendor")
    report, _ = run(client, "GET_VENDOR_SALES_REPORT", [US], _since(9), _since(2), {"reportPeriod": "DAY"})
    assert report["processingStatus"] == "FATAL"
    text, _, _ = download(client, report["reportDocumentId"])
    assert "distributorView" in json.loads(text)["errorDetails"]
    seller = Client(emulator)
    report, _ = run(seller, "GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT", [US], _since(14), _since(8),
                    {"reportPeriod": "WEEK"})
    assert report["processingStatus"] == "FATAL"  # Amazon's schema requires the asin option
    report, _ = run(seller, "GET_BRAND_ANALYTICS_MARKET_BASKET_REPORT", [US], _since(14), _since(8))
    assert report["processingStatus"] == "FATAL"  # reportPeriod is required


def test_sales_and_traffic_counts_come_from_the_orders(emulator):
    client = Client(emulator)
    report, text = run(client, "GET_SALES_AND_TRAFFIC_REPORT", [US], _since(60), _since(2),
                       {"dateGranularity": "DAY", "asinGranularity": "CHILD"})
    by_date = json.loads(text)["salesAndTrafficByDate"]
    seller = emulator.emulator.dataset.seller
    day = max(by_date, key=lambda d: d["salesByDate"]["unitsOrdered"])
    start = parse_iso(day["date"])
    orders = [o for o in seller.orders_by_purchase if o.market.id == US and start <= o.purchase_date < start + timedelta(days=1)
              and o.status != "Canceled"]
    assert day["salesByDate"]["unitsOrdered"] == sum(i.quantity for o in orders for i in o.items) > 0


def test_xml_reports_parse(emulator):
    client = Client(emulator)
    report, text = run(client, "GET_XML_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL", [DE], _since(90), _since(4))
    root = ET.fromstring(text)
    orders = root.findall("./Message/Order")
    truth = emulator.truth(marketplaceId=DE, start=report["dataStartTime"], end=report["dataEndTime"])
    assert sorted(o.findtext("AmazonOrderID") for o in orders) == truth["orders"]
    assert sorted(i.findtext("AmazonOrderItemCode") for o in orders for i in o.findall("OrderItem")) == truth["order_items"]
    report, text = run(client, "GET_XML_BROWSE_TREE_DATA", [JP])
    nodes = ET.fromstring(text).findall("./Node")
    assert len(nodes) > 5 and nodes[0].findtext("browseNodeName")


def test_large_profile_serves_the_big_documents(make_emulator, monkeypatch):
    """The large profile's documents come from reports/large.py; sizes shrunk here to stay fast."""
    from sp_api_emulator.reports import documents as report_documents

    monkeypatch.setattr(report_documents, "LARGE_TSV_ROWS", 3000)
    monkeypatch.setattr(report_documents, "LARGE_JSON_BYTES", 300_000)
    running = make_emulator(profile="large")
    client = Client(running)
    report, text = run(client, "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", [US], _since(5), _since(1))
    header, rows = tsv_rows(text.replace("\r\n", "\n"))
    assert header[0] == "amazon-order-id" and len(rows) == 3000
    assert running.truth(marketplaceId=US, reportTypes=["GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"])[
        "reports"] == {"GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL": 3000}
    report, text = run(client, "GET_SALES_AND_TRAFFIC_REPORT", [US], _since(5), _since(1))
    document = json.loads(text)
    assert len(text.encode()) >= 250_000 and document["salesAndTrafficByAsin"]


def test_snapshot_requests_are_identical_whatever_their_dates(make_emulator):
    running = make_emulator(time_scale=60)  # cooldown 30 s
    client = Client(running)
    first, _ = run(client, "GET_AFN_INVENTORY_DATA", [US])
    second, _ = run(client, "GET_AFN_INVENTORY_DATA", [US], _since(3), _since(1))
    assert (first["processingStatus"], second["processingStatus"]) == ("DONE", "FATAL")
    other_market, _ = run(client, "GET_AFN_INVENTORY_DATA", [DE])
    assert other_market["processingStatus"] == "DONE"


def test_sales_and_traffic_is_metered_per_seller_account(make_emulator):
    """4 requests an hour, 96 a day per seller account (Amazon, April 2026): the fifth within the hour is a 429."""
    client = Client(make_emulator(time_scale=60))  # an hour: 60 s
    statuses = [create(client, "GET_SALES_AND_TRAFFIC_REPORT", [US], _since(days + 1), _since(days),
                       {"dateGranularity": "DAY", "asinGranularity": "PARENT"}).status_code for days in range(2, 7)]
    assert statuses == [202, 202, 202, 202, 429]
    refused = create(client, "GET_SALES_AND_TRAFFIC_REPORT", [CA], _since(3), _since(2))
    assert refused.status_code == 429 and refused.json()["errors"][0]["code"] == "QuotaExceeded"
    # other report types are not metered with it
    assert create(client, "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", [US], _since(30), _since(29)).status_code == 202


def test_sales_and_traffic_metering_windows():
    from sp_api_emulator.exceptions import QuotaExceeded
    from sp_api_emulator.reports.quotas import ReportQuotas

    quotas = ReportQuotas(scale=1.0)
    hour = 3600.0
    for number in range(96):  # 4 an hour: 24 hours of requests, one every 15 minutes
        quotas.admit("seller", "GET_SALES_AND_TRAFFIC_REPORT", now=number * hour / 4)
    with pytest.raises(QuotaExceeded):  # the hour has room again, the day has none
        quotas.admit("seller", "GET_SALES_AND_TRAFFIC_REPORT", now=96 * hour / 4 - 1)
    quotas.admit("seller", "GET_SALES_AND_TRAFFIC_REPORT", now=24 * hour + 1)  # the first one left the day
    quotas.admit("vendor", "GET_SALES_AND_TRAFFIC_REPORT", now=24 * hour + 1)  # another account: its own count


def test_near_real_time_fba_report_requested_again_within_30_minutes_is_cancelled(emulator):
    """"a 30-minute waiting period must pass before Amazon will generate an updated version" (FBA reports)."""
    client = Client(emulator)
    first, _ = run(client, "GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL", [US], _since(20), _since(10))
    assert first["processingStatus"] == "DONE"
    sooner, _ = run(client, "GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL", [US], _since(30), _since(20))
    assert sooner["processingStatus"] == "CANCELLED" and "reportDocumentId" not in sooner
    other_market, _ = run(client, "GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL", [CA], _since(30), _since(20))
    assert other_market["processingStatus"] == "DONE"
    # not a near-real-time type: no wait
    orders = [run(client, "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", [US], _since(d + 10), _since(d))[0]
              for d in (10, 30)]
    assert [r["processingStatus"] for r in orders] == ["DONE", "DONE"]


def test_near_real_time_wait_runs_from_the_processing_end():
    from sp_api_emulator.reports.quotas import ReportQuotas

    quotas = ReportQuotas(scale=2.0)  # 30 minutes: 900 s
    quotas.generating("seller", "GET_AFN_INVENTORY_DATA", [US], processing_end=100.0)
    assert quotas.too_soon("seller", "GET_AFN_INVENTORY_DATA", [US], now=50.0)  # still being generated
    assert quotas.too_soon("seller", "GET_AFN_INVENTORY_DATA", [US], now=999.0)
    assert not quotas.too_soon("seller", "GET_AFN_INVENTORY_DATA", [US], now=1000.0)
    assert not quotas.too_soon("seller", "GET_AFN_INVENTORY_DATA", [CA], now=50.0)
    assert not quotas.too_soon("seller", "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", [US], now=50.0)
