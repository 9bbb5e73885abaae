"""Fault injection: spec parsing, each fault kind, counting in stats, runtime changes, seeded outcomes."""

from __future__ import annotations

import gzip
import time
import zlib
from datetime import timedelta

import pytest
import requests

from emulator_client import Client, lwa_token
from sp_api_emulator.faults import FaultSpecError, parse_fault_spec
from sp_api_emulator.timeutil import iso, utcnow
from report_helpers import create, run, wait

US = "ATVPDKIKX0DER"
ORDERS = {"MarketplaceIds": US, "CreatedAfter": iso(utcnow() - timedelta(days=30))}


def test_fault_spec_parsing():
    plan = parse_fault_spec("getOrders:429=0.1,500=0.02;*:503=0.02;drop=0.01;truncate_gzip=0.5;token_expiry=120;"
                            "report_fatal=GET_X;report_cancel=GET_Y,GET_W;report_stuck=GET_Z;slow=getOrders:5;seed=7")
    assert plan.probability("getOrders", "429") == 0.1 and plan.probability("getOrders", "500") == 0.02
    assert plan.probability("getOrders", "503") == 0.02 and plan.probability("getReport", "503") == 0.02
    assert plan.probability("lwaToken", "503") == 0.0  # `*` spares the token endpoint unless named
    assert plan.probability("getReport", "drop") == 0.01 and plan.truncate_gzip == 0.5
    assert plan.token_expiry_seconds == 120 and plan.seed == 7
    assert plan.report_fate("GET_X") == "FATAL" and plan.report_fate("GET_W") == "CANCELLED"
    assert plan.report_fate("GET_Z") == "STUCK" and plan.report_fate("GET_OTHER") is None
    assert plan.delay("getOrders") == 5 and plan.delay("getReport") == 0
    assert parse_fault_spec("").probabilities == {} and parse_fault_spec(None).spec == ""
    for bad in ["getOrders:418=0.1", "getOrders:429=2", "nonsense", "drop=x", "slow=5", "token_expiry=-1"]:
        with pytest.raises(FaultSpecError):
            parse_fault_spec(bad)


def test_injected_errors_have_amazons_bodies_and_are_counted(make_emulator):
    running = make_emulator(faults="getOrders:500=1;getOrder:429=1;*:503=0")
    client = Client(running, retry_throttled=False)
    failed = client.get("/orders/v0/orders", **ORDERS)
    assert failed.status_code == 500 and failed.json()["errors"][0]["code"] == "InternalFailure"
    order_id = running.emulator.dataset.seller.orders_by_update[-1].amazon_order_id
    throttled = client.get(f"/orders/v0/orders/{order_id}")
    assert throttled.status_code == 429 and throttled.json()["errors"][0]["code"] == "QuotaExceeded"
    assert "x-amzn-RateLimit-Limit" not in throttled.headers
    assert client.get("/sellers/v1/marketplaceParticipations").status_code == 200
    stats = running.stats()["operations"]
    assert stats["getOrders"]["faults"] == {"500": 1} and stats["getOrders"]["other_errors"] == 1
    assert stats["getOrder"]["429_injected"] == 1 and stats["getOrder"]["429_throttled"] == 0


def test_wildcard_spares_lwa_and_faults_change_at_runtime(make_emulator):
    running = make_emulator()
    client = Client(running, retry_throttled=False)
    response = requests.post(running.api_url + "/_emulator/faults", json={"spec": "*:503=1"}, timeout=10)
    assert response.status_code == 200 and response.json() == {"spec": "*:503=1"}
    assert client.get("/sellers/v1/marketplaceParticipations").status_code == 503
    assert lwa_token(running).status_code == 200
    assert requests.post(running.api_url + "/_emulator/faults", json={"spec": "bogus=1"}, timeout=10).status_code == 400
    assert requests.get(running.api_url + "/_emulator/faults", timeout=10).json() == {"spec": "*:503=1"}
    requests.post(running.api_url + "/_emulator/faults", json={"spec": ""}, timeout=10)
    assert client.get("/sellers/v1/marketplaceParticipations").status_code == 200


def test_dropped_connections(make_emulator):
    running = make_emulator(faults="getOrders:drop=1;downloadReportDocument:drop=1")
    client = Client(running, retry_throttled=False)
    with pytest.raises(requests.exceptions.RequestException):
        client.get("/orders/v0/orders", **ORDERS)
    report, _ = wait(client, create(client, "GET_MERCHANT_LISTINGS_ALL_DATA", [US]).json()["reportId"])
    url = client.get(f"/reports/2021-06-30/documents/{report['reportDocumentId']}").json()["url"]
    with pytest.raises(requests.exceptions.RequestException):
        requests.get(url, timeout=10).content
    assert running.stats()["operations"]["getOrders"]["faults"] == {"drop": 1}


def test_truncated_gzip_documents(make_emulator):
    running = make_emulator(faults="truncate_gzip=1")
    client = Client(running)
    report, _ = wait(client, create(client, "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", [US],
                                    iso(utcnow() - timedelta(days=300)), iso(utcnow() - timedelta(days=1))).json()["reportId"])
    document = client.get(f"/reports/2021-06-30/documents/{report['reportDocumentId']}").json()
    body = requests.get(document["url"], timeout=10).content  # the HTTP body itself is complete
    with pytest.raises(EOFError):
        gzip.decompress(body)
    partial = zlib.decompressobj(31)
    text = partial.decompress(body).decode("cp1252")
    assert not partial.eof and text.startswith("amazon-order-id\t") and text.count("\n") > 5
    assert running.stats()["operations"]["downloadReportDocument"]["faults"] == {"truncate_gzip": 1}


def test_early_token_expiry(make_emulator):
    running = make_emulator(time_scale=1, faults="token_expiry=0.5")
    token = lwa_token(running)
    assert token.json()["expires_in"] == 3600  # what LWA promises...
    client = Client(running, retry_throttled=False)
    assert client.call("GET", "/sellers/v1/marketplaceParticipations", token=client.token).status_code == 200
    time.sleep(0.6)
    expired = client.call("GET", "/sellers/v1/marketplaceParticipations", token=client.token)
    assert expired.status_code == 403 and "expired" in expired.json()["errors"][0]["message"]  # ...is not kept


def test_report_fates_by_type(make_emulator):
    running = make_emulator(faults="report_fatal=GET_MERCHANT_LISTINGS_ALL_DATA;report_cancel=GET_AFN_INVENTORY_DATA;"
                                   "report_stuck=GET_MERCHANT_LISTINGS_DATA")
    client = Client(running)
    fatal, _ = run(client, "GET_MERCHANT_LISTINGS_ALL_DATA", [US])
    assert fatal["processingStatus"] == "FATAL" and fatal["reportDocumentId"]
    cancelled, _ = run(client, "GET_AFN_INVENTORY_DATA", [US])
    assert cancelled["processingStatus"] == "CANCELLED"
    stuck, seen = wait(client, create(client, "GET_MERCHANT_LISTINGS_DATA", [US]).json()["reportId"], timeout=0.5)
    assert seen[-1] == "IN_PROGRESS"
    faults = running.stats()["operations"]["createReport"]["faults"]
    assert faults == {"report_fatal": 1, "report_cancelled": 1, "report_stuck": 1}


def test_slow_responses(make_emulator):
    running = make_emulator(faults="slow=getOrders:0.4")
    client = Client(running)
    started = time.monotonic()
    assert client.get("/orders/v0/orders", **ORDERS).status_code == 200
    assert time.monotonic() - started >= 0.4
    assert running.stats()["operations"]["getOrders"]["faults"] == {"slow": 1}


def test_faults_are_seeded(make_emulator):
    outcomes = []
    for _ in range(2):
        running = make_emulator(seed=5, faults="getMarketplaceParticipations:500=0.3,503=0.3")
        client = Client(running, retry_throttled=False)
        outcomes.append([client.get("/sellers/v1/marketplaceParticipations").status_code for _ in range(12)])
    assert outcomes[0] == outcomes[1] and {200, 500, 503} & set(outcomes[0]) == {200, 500, 503}


def test_bare_403_and_document_host_throttling(make_emulator):
    running = make_emulator(faults="getReportDocument:403=1;downloadReportDocument:429=1")
    client = Client(running, retry_throttled=False)
    report, _ = wait(client, create(client, "GET_MERCHANT_LISTINGS_ALL_DATA", [US]).json()["reportId"])
    bare = client.get(f"/reports/2021-06-30/documents/{report['reportDocumentId']}")
    assert bare.status_code == 403 and bare.content == b""
    running.set_faults("downloadReportDocument:429=1")
    document = client.get(f"/reports/2021-06-30/documents/{report['reportDocumentId']}").json()
    throttled = requests.get(document["url"], timeout=10)
    assert throttled.status_code == 429 and b"<Code>SlowDown</Code>" in throttled.content
    running.set_faults("downloadReportDocument:403=1")
    refused = requests.get(document["url"], timeout=10)
    assert refused.status_code == 403 and refused.content == b""
    faults = running.stats()["operations"]
    assert faults["getReportDocument"]["faults"] == {"403": 1} and faults["downloadReportDocument"]["faults"] == {"429": 1, "403": 1}


def test_document_quirks_bad_byte_bom_and_null_records(make_emulator):
    running = make_emulator(faults="bad_byte=GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL;"
                                   "bom=GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL;null_records=GET_SALES_AND_TRAFFIC_REPORT")
    client = Client(running)
    start, end = iso(utcnow() - timedelta(days=30)), iso(utcnow() - timedelta(hours=1))
    report, _ = wait(client, create(client, "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", [US], start, end).json()["reportId"])
    document = client.get(f"/reports/2021-06-30/documents/{report['reportDocumentId']}").json()
    body = gzip.decompress(requests.get(document["url"], timeout=30).content)
    assert body.startswith(b"\xef\xbb\xbf")  # a UTF-8 BOM ...
    assert "charset=Cp1252" in requests.get(document["url"], timeout=30).headers["Content-Type"]  # ... on Cp1252
    lines = body.split(b"\n")
    assert b"\x81" not in lines[0] + lines[1] and lines[2].endswith(b" \x81")
    report, _ = wait(client, create(client, "GET_SALES_AND_TRAFFIC_REPORT", [US], start, end,
                                    {"dateGranularity": "DAY", "asinGranularity": "CHILD"}).json()["reportId"])
    document = client.get(f"/reports/2021-06-30/documents/{report['reportDocumentId']}").json()
    parsed = __import__("json").loads(gzip.decompress(requests.get(document["url"], timeout=30).content))
    assert parsed["salesAndTrafficByDate"] is None and parsed["salesAndTrafficByAsin"] is None
