"""Finances as Amazon serves them: per regional endpoint, pages refused when too large, NextTokens that
expire, deferred events, and listTransactions' statuses, breakdowns and marketplace filter."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from emulator_client import Client
from sp_api_emulator.timeutil import iso, parse_iso, utcnow
from spapi_models import errors

FINANCES = "finances-api-model/financesV0.json"
TRANSACTIONS = "finances-api-model/finances_2024-06-19.json"
US, CA, DE, JP = "ATVPDKIKX0DER", "A2EUQ1WTGCTBG2", "A1PA6795UKMFR9", "A1VC38T7YXB528"
REGION_MARKETS = {"NA": {US, CA}, "EU": {DE, "A13V1IB3VIYZZH", "A1F83G8C2ARO7P"}, "FE": {JP}}


def _since(days: float) -> str:
    return iso(utcnow() - timedelta(days=days))


def _all_pages(client, path, params, token_name="NextToken", items=lambda p: [p]):
    found = []
    while True:
        response = client.get(path, **params)
        assert response.status_code == 200, response.text
        payload = response.json()["payload"]
        found += items(payload)
        if not payload.get(token_name):
            return found
        params = {**params, token_name: payload[token_name]}


def test_each_regional_endpoint_serves_its_own_marketplaces(emulator):
    for region, markets in REGION_MARKETS.items():
        client = Client(emulator, region=region)
        transactions = _all_pages(client, "/finances/2024-06-19/transactions", {"postedAfter": _since(170)},
                                  "nextToken", lambda p: p["transactions"])
        assert {t["marketplaceDetails"]["marketplaceId"] for t in transactions} == markets, region
        groups = _all_pages(client, "/finances/v0/financialEventGroups", {"FinancialEventGroupStartedAfter": _since(170),
                                                                           "MaxResultsPerPage": 100},
                            items=lambda p: p["FinancialEventGroupList"])
        assert groups and all(g["FinancialEventGroupId"] for g in groups)
    seller = emulator.emulator.dataset.seller
    de_group = next(g for g in seller.groups if g.market.id == DE)
    path = f"/finances/v0/financialEventGroups/{de_group.group_id}/financialEvents"
    assert Client(emulator, region="EU").get(path).status_code == 200
    assert Client(emulator, region="NA").get(path).status_code == 404  # another region's group
    # An unknown region prefix is no endpoint at all.
    assert Client(emulator).session.get(emulator.api_url + "/_region/XX/sellers/v1/marketplaceParticipations",
                                        timeout=10).status_code == 404


def test_a_page_too_large_is_refused_with_amazons_invalid_input(make_emulator):
    running = make_emulator(faults="finance_page_bytes=20000")
    client = Client(running)
    params = {"PostedAfter": _since(170), "PostedBefore": _since(1)}
    refused = client.get("/finances/v0/financialEvents", MaxResultsPerPage=100, **params)
    assert refused.status_code == 400
    assert refused.json() == {"errors": [{"code": "InvalidInput", "message": "Input not valid.", "details": ""}]}
    assert not errors(FINANCES, "GET", "/finances/v0/financialEvents", 400, refused.json())
    small = client.get("/finances/v0/financialEvents", MaxResultsPerPage=10, **params)
    assert small.status_code == 200 and len(small.content) <= 20000


def test_next_tokens_expire(make_emulator):
    running = make_emulator(finance_next_token_ttl_seconds=0, min_client_window_seconds=0)
    client = Client(running)
    first = client.get("/finances/v0/financialEvents", PostedAfter=_since(170), MaxResultsPerPage=5).json()["payload"]
    expired = client.get("/finances/v0/financialEvents", NextToken=first["NextToken"])
    assert expired.status_code == 400
    assert expired.json()["errors"][0]["code"] == "InvalidInput"
    assert expired.json()["errors"][0]["message"].startswith("Token is not valid, token duration is")
    # The fault expires exactly the next N tokens, whatever their age.
    running = make_emulator(faults="expire_page_tokens=1")
    client = Client(running)
    first = client.get("/finances/v0/financialEvents", PostedAfter=_since(170), MaxResultsPerPage=5).json()["payload"]
    assert client.get("/finances/v0/financialEvents", NextToken=first["NextToken"]).status_code == 400
    assert client.get("/finances/v0/financialEvents", NextToken=first["NextToken"]).status_code == 200
    page = client.get("/finances/2024-06-19/transactions", postedAfter=_since(170)).json()["payload"]
    assert client.get("/finances/2024-06-19/transactions", nextToken=page["nextToken"]).status_code == 200


def test_deferred_events_wait_for_their_release(emulator):
    seller = emulator.emulator.dataset.seller
    now = utcnow()
    held = [e for e in seller.events if e.released and e.released > now and e.market.id in (US, CA)]
    released = [e for e in seller.events if e.released and e.released <= now and e.market.id in (US, CA)]
    assert held and released
    client = Client(emulator)
    start = iso(min(e.posted for e in held) - timedelta(days=30))
    v0 = _all_pages(client, "/finances/v0/financialEvents", {"PostedAfter": start},
                    items=lambda p: p["FinancialEvents"]["ShipmentEventList"])
    served = {(e["AmazonOrderId"], e["PostedDate"]) for e in v0}
    assert not served & {(e.order_id, iso(e.posted)) for e in held}
    assert {(e.order_id, iso(e.posted)) for e in released if e.posted >= parse_iso(start)} <= served
    transactions = _all_pages(client, "/finances/2024-06-19/transactions", {"postedAfter": start}, "nextToken",
                              lambda p: p["transactions"])
    statuses = Counter(t["transactionStatus"] for t in transactions)
    assert statuses["DEFERRED"] and statuses["DEFERRED_RELEASED"] and statuses["RELEASED"]
    for transaction in transactions:
        deferral = [c for c in transaction["contexts"] if c["contextType"] == "DeferredContext"]
        assert bool(deferral) == (transaction["transactionStatus"] != "RELEASED")
        if transaction["transactionStatus"] == "DEFERRED":
            assert parse_iso(deferral[0]["maturityDate"]) > now
    only_deferred = _all_pages(client, "/finances/2024-06-19/transactions",
                               {"postedAfter": start, "transactionStatus": "DEFERRED"}, "nextToken",
                               lambda p: p["transactions"])
    assert len(only_deferred) == statuses["DEFERRED"]


def _leaves(breakdowns, path=()):
    for node in breakdowns or []:
        here = path + (node["breakdownType"],)
        if node.get("breakdowns"):
            yield from _leaves(node["breakdowns"], here)
        else:
            yield here, Decimal(str(node["breakdownAmount"]["currencyAmount"]))


def test_transaction_breakdowns_add_up(emulator):
    transactions = _all_pages(Client(emulator), "/finances/2024-06-19/transactions", {"postedAfter": _since(170)},
                              "nextToken", lambda p: p["transactions"])
    kinds = Counter(t["transactionType"] for t in transactions)
    assert {"Shipment", "Refund", "ServiceFee", "FBAInventoryReimbursement"} <= set(kinds)
    for transaction in transactions:
        total = Decimal(str(transaction["totalAmount"]["currencyAmount"]))
        assert sum(a for _, a in _leaves(transaction["breakdowns"])) == total, transaction["transactionType"]
        for item in transaction["items"]:
            if "breakdowns" in item:
                assert sum(a for _, a in _leaves(item["breakdowns"])) == Decimal(str(item["totalAmount"]["currencyAmount"]))
        if transaction["transactionType"] in ("Shipment", "Refund"):
            assert sum(Decimal(str(i["totalAmount"]["currencyAmount"])) for i in transaction["items"]) == total
            assert all(i.get("breakdowns") for i in transaction["items"])
        if transaction["transactionType"] == "FBAInventoryReimbursement":
            assert transaction["items"] and not any("breakdowns" in i for i in transaction["items"])
    assert not errors(TRANSACTIONS, "GET", "/finances/2024-06-19/transactions", 200,
                      {"payload": {"transactions": transactions}})


def test_marketplace_filter_of_us_drops_mfn_orders(emulator):
    client = Client(emulator)
    seller = emulator.emulator.dataset.seller

    def order_ids(**params):
        found = _all_pages(client, "/finances/2024-06-19/transactions", {"postedAfter": _since(170), **params},
                           "nextToken", lambda p: p["transactions"])
        return {r["relatedIdentifierValue"] for t in found for r in t["relatedIdentifiers"]
                if r["relatedIdentifierName"] == "ORDER_ID" and t["marketplaceDetails"]["marketplaceId"] == US}

    everything, filtered = order_ids(), order_ids(marketplaceId=US)
    mfn = {o for o in everything if seller.orders_by_id[o].fulfillment_channel == "MFN"}
    assert mfn and filtered == everything - mfn
    assert Client(emulator).get("/finances/2024-06-19/transactions", postedAfter=_since(30),
                                marketplaceId=DE).status_code == 400  # not a marketplace of the NA endpoint
