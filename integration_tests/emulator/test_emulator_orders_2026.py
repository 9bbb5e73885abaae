"""Orders API 2026-01-01 as the emulator serves it: Amazon's parameter rules and error bodies, paginationToken
lifetime and scope, role-gated personal data, the same orders and amounts as Orders v0, v0 still served and
marked deprecated."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from emulator_client import Client
from sp_api_emulator.roles import ALL_ROLES, DIRECT_TO_CONSUMER, TAX_INVOICING
from sp_api_emulator.timeutil import iso, utcnow

US, CA, JP = "ATVPDKIKX0DER", "A2EUQ1WTGCTBG2", "A1VC38T7YXB528"
SEARCH = "/orders/2026-01-01/orders"
ALL_DATA = "BUYER,RECIPIENT,PROCEEDS,EXPENSE,PROMOTION,CANCELLATION,FULFILLMENT,PACKAGES,TAX,PAYMENT,FULFILLMENT_ORDERS"
TOKEN_INVALID = ("The paginationToken you have submitted is not valid. All parameters must match the original "
                 "request except maxResultsPerPage.")


def _since(days: float) -> str:
    return iso(utcnow() - timedelta(days=days))


def _error(response) -> str:
    assert response.status_code == 400, response.text
    errors = response.json()["errors"]
    assert len(errors) == 1 and errors[0]["code"] == "InvalidInput"
    return errors[0]["message"]


def _all_pages(client, params):
    orders, token = [], None
    while True:
        body = client.get(SEARCH, **params, **({"paginationToken": token} if token else {})).json()
        orders += body["orders"]
        token = (body.get("pagination") or {}).get("nextToken")
        if not token:
            return orders


@pytest.mark.parametrize("params, expected", [
    ({}, "Exactly one of createdAfter and lastUpdatedAfter"),
    ({"createdAfter": "A", "lastUpdatedAfter": "B"}, "Exactly one of createdAfter and lastUpdatedAfter"),
    ({"createdAfter": "C", "lastUpdatedBefore": "D"}, "lastUpdatedBefore cannot be provided with createdAfter"),
    ({"lastUpdatedAfter": "B", "createdBefore": "D"}, "createdBefore cannot be provided with lastUpdatedAfter"),
    ({"lastUpdatedAfter": "B", "lastUpdatedBefore": "NOW"}, "at least 2 minutes earlier"),
    ({"lastUpdatedAfter": "B", "lastUpdatedBefore": "E"}, "lastUpdatedBefore must be equal to or after lastUpdatedAfter"),
    ({"lastUpdatedAfter": "B", "maxResultsPerPage": 0}, "maxResultsPerPage"),
    ({"lastUpdatedAfter": "B", "maxResultsPerPage": 101}, "maxResultsPerPage"),
    ({"lastUpdatedAfter": "B", "includedData": "BUYER,ITEMS"}, "includedData"),
    ({"lastUpdatedAfter": "B", "fulfillmentStatuses": "Shipped"}, "fulfillmentStatuses"),
    ({"lastUpdatedAfter": "B", "fulfilledBy": "AFN"}, "fulfilledBy"),
    ({"lastUpdatedAfter": "B", "marketplaceIds": ",".join([US] * 51)}, "at most 50"),
    ({"lastUpdatedAfter": "not a date"}, "not a valid ISO 8601"),
])
def test_search_orders_refuses_what_amazon_refuses(emulator, params, expected):
    dates = {"A": _since(10), "B": _since(10), "C": _since(10), "D": _since(1), "E": _since(20), "NOW": _since(1 / 86400)}
    request = {k: dates.get(v, v) if isinstance(v, str) else v for k, v in params.items()}
    response = Client(emulator).get(SEARCH, **request)
    assert expected in _error(response)
    assert float(response.headers["x-amzn-RateLimit-Limit"]) == pytest.approx(0.0056 * 600)


def test_pagination_token_needs_the_same_parameters_but_not_the_same_page_size_or_datasets(emulator):
    client = Client(emulator)
    params = {"lastUpdatedAfter": _since(200), "lastUpdatedBefore": _since(1), "marketplaceIds": f"{US},{CA}",
              "maxResultsPerPage": 4}
    first = client.get(SEARCH, **params).json()
    token = first["pagination"]["nextToken"]
    # Amazon's SDK tracker (issue 5144): the filters must come again with the token.
    assert "Exactly one of" in _error(client.get(SEARCH, paginationToken=token))
    for changed in ({"marketplaceIds": US}, {"lastUpdatedBefore": _since(2)}, {"fulfilledBy": "AMAZON"}):
        assert _error(client.get(SEARCH, **{**params, **changed}, paginationToken=token)) == TOKEN_INVALID
    assert _error(client.get(SEARCH, **params, paginationToken=token[:-3] + "abc")) == TOKEN_INVALID
    following = client.get(SEARCH, **{**params, "maxResultsPerPage": 7, "includedData": "PROCEEDS"}, paginationToken=token)
    assert following.status_code == 200
    orders = following.json()["orders"]
    assert len(orders) == 7 and any("proceeds" in o for o in orders)
    assert not any("proceeds" in o for o in first["orders"]) and not any("fulfillment" in o for o in orders)
    assert not {o["orderId"] for o in orders} & {o["orderId"] for o in first["orders"]}


def test_pagination_token_expires_after_its_lifetime_and_is_the_apps_own(make_emulator):
    running = make_emulator(pagination_token_ttl_seconds=0, min_client_window_seconds=0)
    client = Client(running)
    params = {"lastUpdatedAfter": _since(200), "lastUpdatedBefore": _since(1), "maxResultsPerPage": 2}
    token = client.get(SEARCH, **params).json()["pagination"]["nextToken"]
    assert _error(client.get(SEARCH, **params, paginationToken=token)) == TOKEN_INVALID
    # A token of another emulator (another signing key) is foreign.
    other = make_emulator()
    foreign = Client(other).get(SEARCH, **params).json()["pagination"]["nextToken"]
    assert _error(Client(make_emulator()).get(SEARCH, **params, paginationToken=foreign)) == TOKEN_INVALID


def test_the_pagination_expiry_fault_expires_the_next_n_tokens(make_emulator):
    running = make_emulator(faults="pagination_expiry=1")
    client = Client(running)
    params = {"lastUpdatedAfter": _since(200), "lastUpdatedBefore": _since(1), "maxResultsPerPage": 2}
    token = client.get(SEARCH, **params).json()["pagination"]["nextToken"]
    assert _error(client.get(SEARCH, **params, paginationToken=token)) == TOKEN_INVALID
    assert client.get(SEARCH, **params, paginationToken=token).status_code == 200
    assert running.stats()["operations"]["searchOrders"]["faults"] == {"pagination_expiry": 1}


def test_search_orders_serves_the_same_orders_items_and_amounts_as_v0(emulator):
    client = Client(emulator)
    after, before = _since(300), _since(1)
    orders = _all_pages(client, {"lastUpdatedAfter": after, "lastUpdatedBefore": before, "marketplaceIds": f"{US},{CA},{JP}",
                                 "includedData": ALL_DATA})
    v0, params = [], {"MarketplaceIds": f"{US},{CA},{JP}", "LastUpdatedAfter": after, "LastUpdatedBefore": before}
    while True:
        payload = client.get("/orders/v0/orders", **params).json()["payload"]
        v0 += payload["Orders"]
        if "NextToken" not in payload:
            break
        params = {"MarketplaceIds": params["MarketplaceIds"], "NextToken": payload["NextToken"]}
    assert len(orders) == len(v0) > 30
    by_id = {o["orderId"]: o for o in orders}
    compared = 0
    for old in v0[:60]:
        new = by_id[old["AmazonOrderId"]]
        assert new["lastUpdatedTime"] == old["LastUpdateDate"] and new["createdTime"] == old["PurchaseDate"]
        assert new["salesChannel"]["marketplaceId"] == old["MarketplaceId"]
        assert new["fulfillment"]["fulfilledBy"] == {"AFN": "AMAZON", "MFN": "MERCHANT"}[old["FulfillmentChannel"]]
        if "OrderTotal" in old:
            assert new["proceeds"]["grandTotal"]["amount"] == old["OrderTotal"]["Amount"]
        items = client.get(f"/orders/v0/orders/{old['AmazonOrderId']}/orderItems").json()["payload"]["OrderItems"]
        new_items = {i["orderItemId"]: i for i in new["orderItems"]}
        assert set(new_items) == {i["OrderItemId"] for i in items}
        for item in items:
            if "ItemPrice" not in item:
                assert "proceeds" not in new_items[item["OrderItemId"]]
                continue
            parts = {b["type"]: b for b in new_items[item["OrderItemId"]]["proceeds"]["breakdowns"]}
            assert parts["ITEM"]["subtotal"]["amount"] == item["ItemPrice"]["Amount"]
            tax = {d["subtype"]: Decimal(d["value"]["amount"]) for d in parts["TAX"].get("detailedBreakdowns", [])}
            assert tax.get("ITEM", Decimal(0)) == Decimal(item["ItemTax"]["Amount"])
            discount = -Decimal(parts["DISCOUNT"]["subtotal"]["amount"]) if "DISCOUNT" in parts else Decimal(0)
            assert discount == Decimal(item["PromotionDiscount"]["Amount"])
            compared += 1
    assert compared > 30


def test_personal_data_follows_the_apps_roles_not_a_restricted_data_token(make_emulator):
    def first_shipped_mfn(running):
        orders = _all_pages(Client(running), {"lastUpdatedAfter": _since(300), "lastUpdatedBefore": _since(1),
                                              "marketplaceIds": US, "includedData": "BUYER,RECIPIENT,FULFILLMENT"})
        return next(o for o in orders if o["fulfillment"]["fulfilledBy"] == "MERCHANT"
                    and o["fulfillment"]["fulfillmentStatus"] == "SHIPPED")

    full = first_shipped_mfn(make_emulator())
    assert {"buyerName", "buyerEmail"} <= set(full["buyer"])
    assert {"name", "addressLine1", "postalCode", "city"} <= set(full["recipient"]["deliveryAddress"])
    limited = first_shipped_mfn(make_emulator(roles={"Inventory and Order Tracking"}))
    assert "buyer" not in limited
    assert set(limited["recipient"]["deliveryAddress"]) == {"city", "stateOrRegion", "countryCode", "addressType"}
    tax_only = first_shipped_mfn(make_emulator(roles={"Inventory and Order Tracking", TAX_INVOICING}))
    assert set(tax_only["buyer"]) == {"buyerName"}
    delivery_only = first_shipped_mfn(make_emulator(roles={DIRECT_TO_CONSUMER}))
    assert set(delivery_only["buyer"]) == {"buyerEmail"} and "addressLine1" in delivery_only["recipient"]["deliveryAddress"]
    no_orders_role = Client(make_emulator(roles=ALL_ROLES - {
        "Amazon Fulfillment", "Buyer Communication", "Buyer Solicitation", "Finance and Accounting",
        "Inventory and Order Tracking", "Pricing", "Product Listing", "Professional Services", "Selling Partner Insights",
        DIRECT_TO_CONSUMER, TAX_INVOICING, "Tax Remittance"}))
    denied = no_orders_role.get(SEARCH, lastUpdatedAfter=_since(3))
    assert denied.status_code == 403 and denied.json()["errors"][0]["code"] == "Unauthorized"


def test_get_order_2026_and_v0_still_served_but_marked_deprecated(make_emulator):
    running = make_emulator()
    client = Client(running)
    order = running.emulator.dataset.seller.orders_by_update[-5]
    found = client.get(f"{SEARCH}/{order.amazon_order_id}", includedData="PROCEEDS,FULFILLMENT")
    assert found.status_code == 200 and found.json()["order"]["orderId"] == order.amazon_order_id
    assert float(found.headers["x-amzn-RateLimit-Limit"]) == pytest.approx(0.5 * 600)
    missing = client.get(f"{SEARCH}/999-0000000-0000000")
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "NotFound"
    assert client.get("/orders/v0/orders", MarketplaceIds=US, CreatedAfter=_since(3)).status_code == 200
    operations = running.stats()["operations"]
    assert operations["getOrders"]["deprecated"] is True
    assert operations["getOrder2026"]["requests"] == 2 and "deprecated" not in operations["getOrder2026"]
    assert "getOrder" not in operations  # v0's getOrder is counted apart from 2026's


def test_search_orders_burst_of_20_then_429(make_emulator):
    client = Client(make_emulator(time_scale=1), retry_throttled=False)
    statuses = [client.get(SEARCH, lastUpdatedAfter=_since(3)).status_code for _ in range(21)]
    assert statuses == [200] * 20 + [429]
