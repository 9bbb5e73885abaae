"""Amazon's rules and limits as the emulator enforces them: LWA, tokens, rate limits, date rules, paging."""

from __future__ import annotations

import time
from datetime import timedelta

import requests

from emulator_client import Client, lwa_token
from sp_api_emulator.responses import inventory
from sp_api_emulator.timeutil import iso, utcnow

US, DE, JP = "ATVPDKIKX0DER", "A1PA6795UKMFR9", "A1VC38T7YXB528"
QUOTA_BODY = {"errors": [{"code": "QuotaExceeded", "message": "You exceeded your quota for the requested resource.",
                          "details": ""}]}


def _since(days: float) -> str:
    return iso(utcnow() - timedelta(days=days))


def test_get_orders_burst_of_20_then_429(make_emulator):
    running = make_emulator(time_scale=1)
    client = Client(running, retry_throttled=False)
    params = {"MarketplaceIds": US, "CreatedAfter": _since(3)}
    for n in range(20):
        response = client.get("/orders/v0/orders", **params)
        assert response.status_code == 200, (n, response.text)
        assert response.headers["x-amzn-RateLimit-Limit"] == "0.0167"
    throttled = client.get("/orders/v0/orders", **params)
    assert throttled.status_code == 429
    assert throttled.json() == QUOTA_BODY
    assert "x-amzn-RateLimit-Limit" not in throttled.headers
    assert throttled.headers["x-amzn-RequestId"]
    stats = running.stats()["operations"]["getOrders"]
    assert (stats["requests"], stats["2xx"], stats["429_throttled"], stats["429_injected"]) == (21, 20, 1, 0)
    # Buckets are per operation and per client: getOrder and the vendor account are unaffected.
    order_id = running.emulator.dataset.seller.orders_by_update[-1].amazon_order_id
    assert client.get(f"/orders/v0/orders/{order_id}").status_code == 200


def test_time_scale_multiplies_rate_and_refill(make_emulator):
    running = make_emulator(time_scale=30)
    client = Client(running, retry_throttled=False)
    params = {"MarketplaceIds": US, "CreatedAfter": _since(3)}
    first = client.get("/orders/v0/orders", **params)
    assert first.headers["x-amzn-RateLimit-Limit"] == "0.501"  # 0.0167/s x 30
    statuses = [client.get("/orders/v0/orders", **params).status_code for _ in range(25)]
    assert statuses.count(200) in (19, 20) and statuses[-1] == 429  # the burst, plus at most one refill
    time.sleep(2.2)  # 0.5 tokens/s at K=30
    assert client.get("/orders/v0/orders", **params).status_code == 200


def test_lwa_answers_like_login_with_amazon(emulator):
    good = lwa_token(emulator)
    assert good.status_code == 200
    body = good.json()
    assert body["access_token"].startswith("Atza|") and body["token_type"] == "bearer"
    assert body["expires_in"] == 6  # 3600 s / time scale 600
    bad_secret = lwa_token(emulator, client_secret="wrong")
    assert bad_secret.status_code == 401 and bad_secret.json()["error"] == "invalid_client"
    bad_client = lwa_token(emulator, client_id="amzn1.application-oa2-client.other")
    assert bad_client.status_code == 401 and bad_client.json()["error"] == "invalid_client"
    bad_grant = lwa_token(emulator, refresh_token="Atzr|revoked")
    assert bad_grant.status_code == 400 and bad_grant.json()["error"] == "invalid_grant"
    assert "Atzr|revoked" not in bad_grant.text and "wrong" not in bad_secret.text
    bad_type = lwa_token(emulator, grant_type="client_credentials")
    assert bad_type.status_code == 400 and bad_type.json()["error"] == "unsupported_grant_type"


def test_custom_credentials_are_the_only_ones_accepted(make_emulator):
    running = make_emulator(client_id="amzn1.application-oa2-client.custom", client_secret="s3cret",
                            refresh_token="Atzr|custom-seller")
    form = {"grant_type": "refresh_token", "refresh_token": "Atzr|custom-seller",
            "client_id": "amzn1.application-oa2-client.custom", "client_secret": "s3cret"}
    assert requests.post(running.lwa_url, data=form, timeout=10).status_code == 200
    assert lwa_token(running).status_code == 401  # the defaults no longer work


def test_access_tokens_are_required_and_expire(make_emulator):
    running = make_emulator(time_scale=1800)  # tokens live 2 s
    client = Client(running, retry_throttled=False)
    missing = requests.get(running.api_url + "/sellers/v1/marketplaceParticipations", timeout=10)
    assert missing.status_code == 403 and missing.json()["errors"][0]["code"] == "Unauthorized"
    unknown = client.call("GET", "/sellers/v1/marketplaceParticipations", token="Atza|made-up")
    assert unknown.status_code == 403
    assert client.call("GET", "/sellers/v1/marketplaceParticipations", token=client.token).status_code == 200
    time.sleep(2.2)
    expired = client.call("GET", "/sellers/v1/marketplaceParticipations", token=client.token)
    assert expired.status_code == 403
    assert expired.json()["errors"][0] == {"code": "Unauthorized", "message": "The access token you provided has expired.",
                                           "details": ""}


def test_accounts_only_reach_their_own_apis(emulator):
    seller, vendor = Client(emulator, "seller"), Client(emulator, "vendor")
    denied = vendor.get("/orders/v0/orders", MarketplaceIds=US, CreatedAfter=_since(2))
    assert denied.status_code == 403
    assert denied.json()["errors"][0]["message"] == "Access to requested resource is denied."
    assert seller.get("/vendor/orders/v1/purchaseOrders").status_code == 403
    assert [p["marketplace"]["countryCode"] for p in vendor.get("/sellers/v1/marketplaceParticipations").json()["payload"]] \
        == ["US", "DE"]
    assert [p["marketplace"]["countryCode"] for p in seller.get("/sellers/v1/marketplaceParticipations").json()["payload"]] \
        == ["US", "CA", "DE", "FR", "GB", "JP"]
    report = vendor.post("/reports/2021-06-30/reports", {"reportType": "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL",
                                                          "marketplaceIds": [US]})
    assert report.status_code == 400 and "does not support account ID" in report.json()["errors"][0]["message"]


def test_get_orders_rules(emulator):
    client = Client(emulator)

    def status(**params):
        return client.get("/orders/v0/orders", **params).status_code

    assert status(CreatedAfter=_since(3)) == 400  # MarketplaceIds required
    assert status(MarketplaceIds=US) == 400  # one of CreatedAfter / LastUpdatedAfter
    assert status(MarketplaceIds=US, CreatedAfter=_since(3), LastUpdatedAfter=_since(3)) == 400
    assert status(MarketplaceIds=US, CreatedAfter=_since(3), LastUpdatedBefore=_since(1)) == 400
    assert status(MarketplaceIds=US, CreatedAfter=_since(3), CreatedBefore=iso(utcnow() - timedelta(seconds=60))) == 400
    assert status(MarketplaceIds=US, CreatedAfter=_since(3), CreatedBefore=iso(utcnow() - timedelta(seconds=200))) == 200
    assert status(MarketplaceIds=US, LastUpdatedAfter=iso(utcnow() - timedelta(seconds=30))) == 400
    assert status(MarketplaceIds=",".join([US] * 51), CreatedAfter=_since(3)) == 400
    assert status(MarketplaceIds="A1NOTAMARKET", CreatedAfter=_since(3)) == 400
    assert status(MarketplaceIds=US, CreatedAfter=_since(3), MaxResultsPerPage=0) == 400
    assert status(MarketplaceIds=US, CreatedAfter=_since(3), MaxResultsPerPage=101) == 400
    assert status(MarketplaceIds=US, CreatedAfter=_since(3), OrderStatuses="Unshipped") == 400  # needs PartiallyShipped
    assert status(MarketplaceIds=US, CreatedAfter="not-a-date") == 400
    before = _since(1)
    body = client.get("/orders/v0/orders", MarketplaceIds=US, CreatedAfter=_since(3), CreatedBefore=before).json()
    assert body["payload"]["CreatedBefore"] == before


def test_orders_older_than_two_years_are_not_served(emulator):
    client = Client(emulator)
    seller = emulator.emulator.dataset.seller
    old = [o for o in seller.orders_by_purchase if o.purchase_date < utcnow() - timedelta(days=731)]
    old_us = [o for o in old if o.market.code == "US"]
    old_jp = [o for o in old if o.market.code == "JP"]
    assert old_us and old_jp, "the small profile has orders older than 2 years"
    ids = set()
    params = {"MarketplaceIds": US, "CreatedAfter": _since(900), "MaxResultsPerPage": 100}
    while True:
        payload = client.get("/orders/v0/orders", **params).json()["payload"]
        ids |= {o["AmazonOrderId"] for o in payload["Orders"]}
        if "NextToken" not in payload:
            break
        params = {"MarketplaceIds": US, "NextToken": payload["NextToken"]}
    assert ids and not ids & {o.amazon_order_id for o in old_us}
    assert client.get(f"/orders/v0/orders/{old_us[0].amazon_order_id}").status_code == 404
    # Japan keeps its history (Amazon serves JP orders since 2016).
    assert client.get(f"/orders/v0/orders/{old_jp[0].amazon_order_id}").status_code == 200


def test_personal_data_needs_a_restricted_data_token(emulator):
    client = Client(emulator)
    order = next(o for o in reversed(emulator.emulator.dataset.seller.orders_by_purchase) if o.status == "Shipped")
    plain = client.get(f"/orders/v0/orders/{order.amazon_order_id}/address").json()["payload"]["ShippingAddress"]
    assert "Name" not in plain and "AddressLine1" not in plain and plain["City"] == order.address.city
    rdt = client.post("/tokens/2021-03-01/restrictedDataToken",
                      {"restrictedResources": [{"method": "GET", "path": "/orders/v0/orders/{orderId}/address"}]})
    assert rdt.status_code == 200 and rdt.json()["restrictedDataToken"].startswith("Atz.sprdt|")
    token = rdt.json()["restrictedDataToken"]
    full = client.call("GET", f"/orders/v0/orders/{order.amazon_order_id}/address", token=token)
    assert full.status_code == 200 and full.json()["payload"]["ShippingAddress"]["Name"] == order.buyer_name
    # An RDT only opens the resources it names.
    assert client.call("GET", f"/orders/v0/orders/{order.amazon_order_id}", token=token).status_code == 403


def test_finance_rules(emulator):
    client = Client(emulator)

    def get(**params):
        return client.get("/finances/v0/financialEvents", **params)

    assert get().status_code == 400  # PostedAfter required
    assert get(PostedAfter=iso(utcnow() - timedelta(seconds=30))).status_code == 400  # 2-minute rule
    assert get(PostedAfter=_since(10), PostedBefore=_since(20)).status_code == 400  # before < after
    wide = get(PostedAfter=_since(400), PostedBefore=_since(1)).json()["payload"]
    assert not any(wide["FinancialEvents"].values()) and "NextToken" not in wide  # > 180 days: nothing
    narrow = get(PostedAfter=_since(170), PostedBefore=_since(1)).json()["payload"]
    assert any(narrow["FinancialEvents"].values())
    groups = client.get("/finances/v0/financialEventGroups", FinancialEventGroupStartedAfter=_since(170)).json()
    assert len(groups["payload"]["FinancialEventGroupList"]) == 10 and groups["payload"]["NextToken"]  # default 10


def test_vendor_window_rules(emulator):
    client = Client(emulator, "vendor")
    assert client.get("/vendor/orders/v1/purchaseOrders", createdAfter=_since(8), createdBefore=_since(0.5)).status_code == 400
    assert client.get("/vendor/orders/v1/purchaseOrders", createdAfter=_since(6), createdBefore=_since(0.5)).status_code == 200
    assert client.get("/vendor/orders/v1/purchaseOrders", createdAfter=_since(200), createdBefore=_since(195)).status_code == 400
    assert client.get("/vendor/directFulfillment/orders/2021-12-28/purchaseOrders").status_code == 400  # dates required
    assert client.get("/vendor/directFulfillment/shipping/2021-12-28/shippingLabels",
                      createdAfter=_since(30), createdBefore=_since(1)).status_code == 400


def test_get_reports_next_token_must_come_alone(emulator):
    client = Client(emulator)
    first = client.get("/reports/2021-06-30/reports", reportTypes="GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE", pageSize=2)
    assert first.status_code == 200
    token = first.json()["nextToken"]
    with_other = client.get("/reports/2021-06-30/reports", nextToken=token, pageSize=2)
    assert with_other.status_code == 400 and with_other.json()["errors"][0]["code"] == "InvalidInput"
    alone = client.get("/reports/2021-06-30/reports", nextToken=token)
    assert alone.status_code == 200 and len(alone.json()["reports"]) == 2
    assert {r["reportId"] for r in alone.json()["reports"]}.isdisjoint(r["reportId"] for r in first.json()["reports"])
    assert client.get("/reports/2021-06-30/reports").status_code == 400  # reportTypes or nextToken
    assert client.get("/reports/2021-06-30/reports", reportTypes="X", pageSize=101).status_code == 400


def test_fba_inventory_rules_and_next_token_expiry(make_emulator, monkeypatch):
    monkeypatch.setattr(inventory, "PAGE_SIZE", 3)
    running = make_emulator(fba_next_token_ttl_seconds=15, min_client_window_seconds=0.1, time_scale=50)  # 0.3 s
    client = Client(running, retry_throttled=True)
    base = {"granularityType": "Marketplace", "granularityId": US, "marketplaceIds": US}
    assert client.get("/fba/inventory/v1/summaries", **{**base, "marketplaceIds": f"{US},{DE}"}).status_code == 400
    assert client.get("/fba/inventory/v1/summaries", **{**base, "startDateTime": _since(600)}).status_code == 400
    first = client.get("/fba/inventory/v1/summaries", **base).json()
    token = first["pagination"]["nextToken"]
    assert client.get("/fba/inventory/v1/summaries", **base, nextToken=token).status_code == 200
    time.sleep(0.4)
    expired = client.get("/fba/inventory/v1/summaries", **base, nextToken=token)
    assert expired.status_code == 400 and "expired" in expired.json()["errors"][0]["message"]


def test_paging_returns_every_order_once(emulator):
    client = Client(emulator)
    seller = emulator.emulator.dataset.seller
    params = {"MarketplaceIds": f"{US},{DE}", "LastUpdatedAfter": _since(365), "LastUpdatedBefore": _since(1),
              "MaxResultsPerPage": 7}
    ids = []
    while True:
        payload = client.get("/orders/v0/orders", **params).json()["payload"]
        ids += [o["AmazonOrderId"] for o in payload["Orders"]]
        if "NextToken" not in payload:
            break
        params = {"MarketplaceIds": f"{US},{DE}", "NextToken": payload["NextToken"]}
    expected = [o.amazon_order_id for o in seller.orders_in_window([US, DE], "LastUpdateDate", utcnow() - timedelta(days=365),
                                                                    utcnow() - timedelta(days=1), utcnow())]
    assert len(ids) == len(set(ids)) and sorted(ids) == sorted(expected) and len(ids) > 50
