"""/_emulator/truth agrees with what the REST APIs and reports serve; /_emulator/mutate moves orders."""

from __future__ import annotations

import concurrent.futures
import json
import subprocess
import sys
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import requests

from emulator_client import Client, lwa_token
from sp_api_emulator import financial_event_key
from sp_api_emulator.timeutil import iso, parse_iso, utcnow
from report_helpers import run, tsv_rows

US, DE, FR = "ATVPDKIKX0DER", "A1PA6795UKMFR9", "A13V1IB3VIYZZH"
REPO = Path(__file__).resolve().parents[2]


def _since(days: float) -> str:
    return iso(utcnow() - timedelta(days=days))


def _truth(emulator, **params):
    response = requests.get(emulator.api_url + "/_emulator/truth", params=params, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def test_orders_and_items_match_get_orders(emulator):
    client = Client(emulator)
    start, end = _since(200), _since(2)
    truth = _truth(emulator, account="seller", marketplaceId=DE, start=start, end=end, dateField="LastUpdateDate")
    orders, params = [], {"MarketplaceIds": DE, "LastUpdatedAfter": start, "LastUpdatedBefore": end}
    while True:
        payload = client.get("/orders/v0/orders", **params).json()["payload"]
        orders += [o["AmazonOrderId"] for o in payload["Orders"]]
        if "NextToken" not in payload:
            break
        params = {"MarketplaceIds": DE, "NextToken": payload["NextToken"]}
    assert sorted(orders) == truth["orders"] and len(orders) > 20
    items = [i["OrderItemId"] for o in orders
             for i in client.get(f"/orders/v0/orders/{o}/orderItems").json()["payload"]["OrderItems"]]
    assert sorted(items) == truth["order_items"]


def _charge_and_fee_sums(events_by_list, posted_of) -> dict:
    """month -> currency -> {charges, fees}: ChargeComponent / FeeComponent amounts found in the events."""
    sums: dict = defaultdict(lambda: defaultdict(lambda: {"charges": Decimal("0"), "fees": Decimal("0")}))

    def walk(node, month):
        if isinstance(node, dict):
            for kind, type_key, amount_key in (("charges", "ChargeType", "ChargeAmount"), ("fees", "FeeType", "FeeAmount"),
                                               ("fees", "feeType", "feeAmount")):
                if type_key in node and amount_key in node:
                    money = node[amount_key]
                    sums[month][money["CurrencyCode"]][kind] += Decimal(str(money["CurrencyAmount"]))
            for value in node.values():
                walk(value, month)
        elif isinstance(node, list):
            for value in node:
                walk(value, month)

    for name, events in events_by_list.items():
        for event in events:
            walk(event, posted_of(name, event)[:7])
    return sums


def test_financial_events_and_groups_match_finances(emulator):
    start, end = _since(150), _since(1)
    posted = {}
    for region, currencies in (("NA", {"USD", "CAD"}), ("EU", {"EUR", "GBP"}), ("FE", {"JPY"})):
        client = Client(emulator, region=region)
        truth = _truth(emulator, start=start, end=end, region=region)
        found, bodies = defaultdict(list), defaultdict(list)
        params = {"PostedAfter": start, "PostedBefore": end, "MaxResultsPerPage": 50}
        while True:
            payload = client.get("/finances/v0/financialEvents", **params).json()["payload"]
            for name, events in payload["FinancialEvents"].items():
                found[name] += [financial_event_key(name, e) for e in events]
                bodies[name] += events
            if "NextToken" not in payload:
                break
            params = {"NextToken": payload["NextToken"]}
        assert {k: sorted(v) for k, v in found.items() if v} == truth["financial_events"], region
        assert {"ShipmentEventList", "RefundEventList", "ServiceFeeEventList", "AdjustmentEventList"} \
            <= set(truth["financial_events"])
        # A regional endpoint serves its own marketplaces' events only (the demo once showed JPY fees for US).
        seen = {m["CurrencyCode"] for events in bodies.values() for e in events for m in _money_objects(e)}
        assert seen == currencies, region
        # The truth's amounts are the components of what is served, per month and currency.
        undated = {key: event for key, event in zip(found["ServiceFeeEventList"], bodies["ServiceFeeEventList"])}
        posted_by_key = {e.key: iso(e.posted) for e in emulator.emulator.dataset.seller.events}

        def posted_of(name, event):
            date = event.get("PostedDate") or event.get("postedDate")
            return date or posted_by_key[financial_event_key(name, event)]

        sums = _charge_and_fee_sums(bodies, posted_of)
        expected = {month: {currency: {k: Decimal(v) for k, v in amounts.items()} for currency, amounts in per.items()}
                    for month, per in truth["financial_event_amounts"].items()}
        served = {month: {currency: dict(amounts) for currency, amounts in per.items()} for month, per in sums.items()}
        assert served == expected and undated, region
        posted[region] = truth
        groups, params = [], {"FinancialEventGroupStartedAfter": start, "FinancialEventGroupStartedBefore": end,
                              "MaxResultsPerPage": 100}
        while True:
            payload = client.get("/finances/v0/financialEventGroups", **params).json()["payload"]
            groups += [g["FinancialEventGroupId"] for g in payload["FinancialEventGroupList"]]
            if "NextToken" not in payload:
                break
            params = {"NextToken": payload["NextToken"]}
        assert sorted(groups) == truth["financial_event_groups"]
    everywhere = _truth(emulator, start=start, end=end)
    assert sorted(k for t in posted.values() for keys in t["financial_events"].values() for k in keys) \
        == sorted(k for keys in everywhere["financial_events"].values() for k in keys)
    # Each shipped order's ShipmentEvent carries the same items and amounts as getOrderItems.
    client = Client(emulator)
    shipment_orders = [k.split("|")[0] for k in posted["NA"]["financial_events"]["ShipmentEventList"]][:5]
    for order_id in shipment_orders:
        events = client.get(f"/finances/v0/orders/{order_id}/financialEvents").json()["payload"]["FinancialEvents"]
        shipment = events["ShipmentEventList"][0]
        items = client.get(f"/orders/v0/orders/{order_id}/orderItems").json()["payload"]["OrderItems"]
        principal = {i["OrderItemId"]: c["ChargeAmount"]["CurrencyAmount"] for i in shipment["ShipmentItemList"]
                     for c in i["ItemChargeList"] if c["ChargeType"] == "Principal"}
        assert principal == {i["OrderItemId"]: float(i["ItemPrice"]["Amount"]) for i in items}


def _money_objects(node):
    if isinstance(node, dict):
        if "CurrencyCode" in node:
            yield node
        for value in node.values():
            yield from _money_objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _money_objects(value)


def test_vendor_orders_match_get_purchase_orders(emulator):
    client = Client(emulator, "vendor")
    now = utcnow()
    numbers = []
    for week in range(4):
        after, before = now - timedelta(days=7 * (week + 1)), now - timedelta(days=7 * week)
        payload = client.get("/vendor/orders/v1/purchaseOrders", createdAfter=iso(after), createdBefore=iso(before),
                             includeDetails="false").json()["payload"]
        numbers += [o["purchaseOrderNumber"] for o in payload["orders"] if o["purchaseOrderNumber"] not in numbers]
    truth = _truth(emulator, account="vendor", start=iso(now - timedelta(days=28)), end=iso(now))
    assert sorted(numbers) == truth["vendor_orders"] and numbers


def test_report_row_counts_match_documents(emulator):
    client = Client(emulator)
    start, end = _since(250), _since(220)
    truth = _truth(emulator, marketplaceId=FR, start=start, end=end,
                   reportTypes="GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL,GET_MERCHANT_LISTINGS_ALL_DATA")
    assert set(truth["reports"]) == {"GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", "GET_MERCHANT_LISTINGS_ALL_DATA"}
    for report_type, count in truth["reports"].items():
        report, text = run(client, report_type, [FR], start, end)
        assert report["processingStatus"] == "DONE"
        assert len(tsv_rows(text)[1]) == count > 0
    everything = _truth(emulator, marketplaceId=US, start=_since(30), end=_since(1))
    assert len(everything["reports"]) >= 50


def test_mutate_moves_recent_orders_into_a_fresh_window(make_emulator):
    running = make_emulator()
    client = Client(running)
    window_start = _since(10 / 1440)  # the last 10 minutes
    changed = requests.post(running.api_url + "/_emulator/mutate", json={"orders": 4}, timeout=10).json()["orders"]
    assert len(changed) == 4 == len(set(changed))
    seller = running.emulator.dataset.seller
    payload = client.get("/orders/v0/orders", MarketplaceIds=",".join(seller.market_ids()),
                         LastUpdatedAfter=window_start).json()["payload"]
    returned = {o["AmazonOrderId"]: o for o in payload["Orders"]}
    assert set(changed) <= set(returned)
    for order_id in changed:
        updated = parse_iso(returned[order_id]["LastUpdateDate"])
        assert timedelta(minutes=2) < utcnow() - updated < timedelta(minutes=4)
    truth = running.truth(start=window_start)
    assert set(changed) <= set(truth["orders"])


def test_stats_reset(make_emulator):
    running = make_emulator()
    Client(running).get("/sellers/v1/marketplaceParticipations")
    assert running.stats()["operations"]["getMarketplaceParticipations"]["2xx"] == 1
    assert requests.post(running.api_url + "/_emulator/stats/reset", timeout=10).json()["operations"] == {}


def test_many_clients_at_once(emulator):
    seller = emulator.emulator.dataset.seller

    def work(n: int) -> int:
        client = Client(emulator, "seller" if n % 3 else "vendor")
        if client.account == "vendor":
            return client.get("/vendor/orders/v1/purchaseOrders", createdAfter=_since(6)).status_code
        order = seller.orders_by_purchase[-(n + 1)]
        return client.get(f"/orders/v0/orders/{order.amazon_order_id}/orderItems").status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        assert set(pool.map(work, range(48))) == {200}


def test_command_line_prints_urls_and_serves(tmp_path):
    process = subprocess.Popen([sys.executable, "-m", "sp_api_emulator", "--port", "0", "--seed", "3",
                                "--time-scale", "60", "--faults", "getOrders:500=0.5"],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = json.loads(process.stdout.readline())
        assert line["lwa_url"] == line["api_url"] + "/auth/o2/token"
        assert line["api_url"].startswith("http://127.0.0.1:")

        class Running:
            api_url, lwa_url = line["api_url"], line["lwa_url"]

        assert lwa_token(Running).status_code == 200
        health = requests.get(line["api_url"] + "/_emulator/health", timeout=10).json()
        assert health == {"status": "ok", "profile": "small", "seed": 3, "timeScale": 60.0,
                          "sellerId": "A1EMULATORSELLER", "vendorCode": "EMUV1"}
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
    bad = subprocess.run([sys.executable, "-m", "sp_api_emulator", "--faults", "nonsense"], cwd=REPO,
                         capture_output=True, text=True, timeout=30)
    assert bad.returncode == 2 and "--faults" in bad.stderr


def test_report_truth_holds_each_documents_text_and_meaning(make_emulator):
    running = make_emulator()
    client = Client(running)
    start, end = _since(40), _since(1)
    ledger, ledger_text = run(client, "GET_LEDGER_DETAIL_VIEW_DATA", [US], start, end)
    feedback, feedback_text = run(client, "GET_SELLER_FEEDBACK_DATA", [DE], _since(400), end)
    sales, _ = run(client, "GET_SALES_AND_TRAFFIC_REPORT", [US], start, end, {"dateGranularity": "DAY", "asinGranularity": "CHILD"})
    response = requests.get(running.api_url + "/_emulator/truth/reports", params={"account": "seller"}, timeout=60)
    assert response.status_code == 200
    by_id = {r["reportId"]: r for r in response.json()["reports"]}
    # the flat file's text, cell by cell, and what it means
    truth = by_id[ledger["reportId"]]
    header, rows = tsv_rows(ledger_text)
    assert truth["columns"] == header
    assert [[cell or None for cell in row.values()] for row in rows] == truth["text"]
    for row, values in zip(rows, truth["values"]):
        meant = dict(zip(header, values))
        month, day, year = row["Date"].split("/")
        assert meant["Date"] == f"{year}-{month}-{day}"
        assert meant["Date and Time"] == parse_iso(row["Date and Time"].replace("+0000", "+00:00")).strftime("%Y-%m-%dT%H:%M:%S+00:00")
        assert meant["Quantity"] == int(row["Quantity"])
    # a localised header: English column names, German text, ISO meaning
    truth = by_id[feedback["reportId"]]
    header, rows = tsv_rows(feedback_text)
    assert truth["columns"][0] == "Date" and header[0] == "Datum"
    assert [row["Datum"] for row in rows] == [text[0] for text in truth["text"]]
    assert all(len(values[0]) == 10 and values[0][4] == "-" for values in truth["values"])
    # JSON: the rows of each records path
    records = by_id[sales["reportId"]]["records"]
    assert set(records) == {"salesAndTrafficByDate", "salesAndTrafficByAsin"} and records["salesAndTrafficByDate"]
    # reports Amazon made are there too
    assert any(r["reportType"] == "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2" for r in by_id.values())


def test_report_truth_rejects_an_unknown_account(emulator):
    response = requests.get(emulator.api_url + "/_emulator/truth/reports", params={"account": "nobody"}, timeout=10)
    assert response.status_code == 400
