"""The order streams on Orders API 2026-01-01 against mocked searchOrders answers: one read feeds all four
streams, the query and its pages, personal data, a refused paginationToken, errors, state."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional
from urllib.parse import parse_qs, urlsplit

import pytest
import requests_mock
from airbyte_cdk.models import AirbyteStateMessageSerializer, ConfiguredAirbyteCatalogSerializer, FailureType
from airbyte_cdk.test.entrypoint_wrapper import read

from source_amazon_seller_partner.config import ORDERS_DATA_DELAY
from source_amazon_seller_partner.source import SourceAmazonSellerPartner
from unit_tests.mock_api import API, CA, LWA, US, config

NOW = datetime.now(timezone.utc).replace(microsecond=0)
SEARCH = f"{API}/orders/2026-01-01/orders"
TOKEN_REFUSED = {"errors": [{"code": "InvalidInput", "message": "The paginationToken you have submitted is not valid. "
                             "All parameters must match the original request except maxResultsPerPage."}]}
STREAMS = ["Orders", "OrderItems", "OrderBuyerInfo", "OrderAddress"]


def iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def params(request) -> Dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}


def money(amount: str, currency: str = "USD") -> Dict[str, str]:
    return {"amount": amount, "currencyCode": currency}


def an_order(order_id: str, updated: str, marketplace: str = US, fulfilled_by: str = "MERCHANT",
             buyer: Optional[Dict[str, Any]] = None, street: bool = True) -> Dict[str, Any]:
    address = {"city": "Austin", "stateOrRegion": "TX", "countryCode": "US", "addressType": "RESIDENTIAL"}
    if street:
        address.update({"name": "Jane Doe", "addressLine1": "1 Main St", "postalCode": "78701", "phone": "+1 555"})
    order: Dict[str, Any] = {
        "orderId": order_id, "createdTime": updated, "lastUpdatedTime": updated, "programs": ["PRIME"],
        "salesChannel": {"channelName": "AMAZON", "marketplaceId": marketplace, "marketplaceName": "Amazon.com"},
        "recipient": {"deliveryAddress": address},
        "proceeds": {"grandTotal": money("21.60")},
        "fulfillment": {"fulfillmentStatus": "SHIPPED", "fulfilledBy": fulfilled_by, "fulfillmentServiceLevel": "SECOND_DAY"},
        "orderItems": [{"orderItemId": f"{order_id}-i1", "quantityOrdered": 2,
                        "product": {"asin": "B0TEST", "sellerSku": "SKU-1", "title": "Mug",
                                    "condition": {"conditionType": "NEW", "conditionSubtype": "NEW"}},
                        "proceeds": {"proceedsTotal": money("21.60"), "breakdowns": [
                            {"type": "ITEM", "subtotal": money("20.00")},
                            {"type": "TAX", "subtotal": money("1.60"),
                             "detailedBreakdowns": [{"subtype": "ITEM", "value": money("1.60")}]}]},
                        "fulfillment": {"quantityFulfilled": 2, "quantityUnfulfilled": 0,
                                        "packing": {"giftOption": {"giftMessage": "Happy birthday", "giftWrapLevel": "STANDARD"}}}}],
    }
    if buyer is not None:
        order["buyer"] = buyer
    return order


class SearchOrdersMock:
    """searchOrders as Amazon answers it: pages of `page_size`, the filters required again with a token."""

    def __init__(self, orders: List[Dict[str, Any]], page_size: int = 2, refuse_tokens: int = 0, status: int = 200,
                 body: Optional[Dict[str, Any]] = None) -> None:
        self.orders, self.page_size, self.refuse_tokens = orders, page_size, refuse_tokens
        self.status, self.body = status, body
        self.calls: List[Dict[str, str]] = []

    def __call__(self, request, context):
        p = params(request)
        self.calls.append(p)
        context.headers["x-amzn-RateLimit-Limit"] = "1000"
        if self.status != 200:
            context.status_code = self.status
            return self.body
        if "paginationToken" in p and self.refuse_tokens:
            self.refuse_tokens -= 1
            context.status_code = 400
            return TOKEN_REFUSED
        window = [o for o in self.orders if p["lastUpdatedAfter"] <= o["lastUpdatedTime"] <= p["lastUpdatedBefore"]]
        offset = int(p.get("paginationToken", "0"))
        body: Dict[str, Any] = {"orders": window[offset:offset + self.page_size], "lastUpdatedBefore": p["lastUpdatedBefore"]}
        if offset + self.page_size < len(window):
            body["pagination"] = {"nextToken": str(offset + self.page_size)}
        return body


def run(mock_search: SearchOrdersMock, names: List[str], state=None, expect_failure: bool = False, **extra):
    cfg = config(marketplaces=["US", "CA"], replication_start_date=iso(NOW - timedelta(days=30)),
                 lookback_window_days=0, **extra)
    cat = ConfiguredAirbyteCatalogSerializer.load({"streams": [
        {"stream": {"name": n, "json_schema": {}, "supported_sync_modes": ["full_refresh", "incremental"]},
         "sync_mode": "incremental", "destination_sync_mode": "append"} for n in names]})
    with requests_mock.Mocker() as mock:
        mock.post(LWA, json={"access_token": "Atza|unit-access", "expires_in": 3600})
        mock.get(SEARCH, json=mock_search)
        output = read(SourceAmazonSellerPartner(catalog=cat, config=cfg, state=state), cfg, cat, state,
                      expecting_exception=expect_failure)
        other_calls = [r.url for r in mock.request_history if not r.url.startswith((SEARCH, LWA))]
    return output, other_calls


def records_of(output, stream: str) -> List[Dict[str, Any]]:
    return [m.record.data for m in output.records if m.record.stream == stream]


def test_one_search_orders_read_feeds_all_four_streams():
    orders = [an_order(f"111-000000{n}-0000000", iso(NOW - timedelta(days=n, hours=1))) for n in range(1, 6)]
    search = SearchOrdersMock(orders, page_size=2)
    output, other_calls = run(search, STREAMS)
    assert output.errors == [] and other_calls == []  # no v0 call, no Restricted Data Token
    first_pages = [c for c in search.calls if "paginationToken" not in c]
    follow_ups = [c for c in search.calls if "paginationToken" in c]
    # one window (30 days < period_in_days 90) of 5 orders: 3 pages, read once for the four streams
    assert len(first_pages) == 1 and len(follow_ups) == 2
    query = first_pages[0]
    assert query["marketplaceIds"] == f"{US},{CA}" and query["maxResultsPerPage"] == "100"
    assert set(query["includedData"].split(",")) == {"RECIPIENT", "PROCEEDS", "EXPENSE", "PROMOTION", "CANCELLATION",
                                                     "FULFILLMENT", "PACKAGES", "TAX", "PAYMENT", "FULFILLMENT_ORDERS"}
    # a follow-up page repeats every parameter (Amazon refuses the token alone)
    assert all({k: v for k, v in c.items() if k != "paginationToken"} == query for c in follow_ups)
    assert {r["AmazonOrderId"] for r in records_of(output, "Orders")} == {o["orderId"] for o in orders}
    assert len(records_of(output, "OrderItems")) == len(records_of(output, "OrderBuyerInfo")) == 5
    order = records_of(output, "Orders")[0]
    assert (order["OrderStatus"], order["FulfillmentChannel"], order["ShipmentServiceLevelCategory"]) == ("Shipped", "MFN", "SecondDay")
    assert order["IsPrime"] is True and order["IsBusinessOrder"] is False and order["OrderTotal"] == {"CurrencyCode": "USD", "Amount": "21.60"}
    assert order["programs"] == ["PRIME"] and order["marketplace_id"] == US
    item = records_of(output, "OrderItems")[0]
    assert item["ItemPrice"]["Amount"] == "20.00" and item["ItemTax"]["Amount"] == "1.60"
    assert item["AmazonOrderId"] == item["OrderItemId"][:-3] and item["LastUpdateDate"]


def test_personal_data_is_left_out_unless_include_pii_is_on():
    buyer = {"buyerName": "Jane Doe", "buyerEmail": "jane@marketplace.amazon.com"}
    orders = [an_order("111-0000001-0000001", iso(NOW - timedelta(days=2)), buyer=buyer)]
    without, _ = run(SearchOrdersMock(orders), STREAMS)
    assert records_of(without, "Orders")[0]["ShippingAddress"] == {"City": "Austin", "StateOrRegion": "TX",
                                                                     "CountryCode": "US", "AddressType": "Residential"}
    assert "BuyerInfo" not in records_of(without, "Orders")[0]
    assert set(records_of(without, "OrderBuyerInfo")[0]) == {"AmazonOrderId", "LastUpdateDate", "marketplace_id"}
    assert "giftMessage" not in records_of(without, "OrderItems")[0]["fulfillment"]["packing"]["giftOption"]
    search = SearchOrdersMock(orders)
    with_pii, other_calls = run(search, STREAMS, include_pii=True)
    assert other_calls == []  # 2026-01-01 needs no Restricted Data Token
    assert "BUYER" in search.calls[0]["includedData"].split(",")
    assert records_of(with_pii, "OrderBuyerInfo")[0]["BuyerEmail"] == "jane@marketplace.amazon.com"
    assert records_of(with_pii, "OrderAddress")[0]["ShippingAddress"]["AddressLine1"] == "1 Main St"
    assert records_of(with_pii, "OrderItems")[0]["BuyerInfo"]["GiftMessageText"] == "Happy birthday"


def test_a_missing_role_is_named_with_its_dataset_once():
    orders = [an_order(f"111-000000{n}-0000000", iso(NOW - timedelta(days=n)), buyer={"buyerName": "Jane"}, street=False)
              for n in range(1, 4)]
    output, _ = run(SearchOrdersMock(orders), ["Orders", "OrderAddress"], include_pii=True)
    warnings = [m.log.message for m in output.logs if m.log.level.name in ("WARN", "WARNING")]
    delivery = [w for w in warnings if "Direct-to-Consumer Delivery" in w]
    assert len([w for w in delivery if "includedData RECIPIENT" in w]) == 1
    assert len([w for w in delivery if "includedData BUYER" in w and "e-mail" in w]) == 1
    assert not [w for w in warnings if "Tax Invoicing" in w]  # the buyer's name came
    assert len(records_of(output, "Orders")) == 3  # the sync goes on


def test_access_denied_is_a_config_error_naming_the_operation_and_roles():
    denied = SearchOrdersMock([], status=403, body={"errors": [{"code": "Unauthorized", "message": "Access to requested resource is denied."}]})
    output, _ = run(denied, ["Orders", "OrderItems"], expect_failure=True)
    errors = [m.trace.error for m in output.errors if m.trace.error.stream_descriptor]
    assert {e.stream_descriptor.name for e in errors} == {"Orders", "OrderItems"}
    assert all(e.failure_type == FailureType.config_error for e in errors)
    assert all("searchOrders" in e.message and "Inventory and Order Tracking" in e.message for e in errors)
    assert len(denied.calls) == 1  # one failed read, not one per stream


def test_a_refused_pagination_token_reads_the_window_again_without_losing_orders():
    orders = [an_order(f"111-000000{n}-0000000", iso(NOW - timedelta(days=n))) for n in range(1, 6)]
    search = SearchOrdersMock(orders, page_size=2, refuse_tokens=1)
    output, _ = run(search, ["Orders", "OrderItems"])
    assert output.errors == []
    delivered = [r["AmazonOrderId"] for r in records_of(output, "Orders")]
    assert set(delivered) == {o["orderId"] for o in orders}
    assert len(delivered) == 5 + 2  # the first page came twice: duplicates by primary key, no gap
    assert len([c for c in search.calls if "paginationToken" not in c]) == 2
    warnings = [m.log.message for m in output.logs if m.log.level.name in ("WARN", "WARNING")]
    assert any("paginationToken" in w and "first page" in w for w in warnings)


def test_a_window_whose_token_is_always_refused_fails_saying_what_to_change():
    orders = [an_order(f"111-000000{n}-0000000", iso(NOW - timedelta(days=n))) for n in range(1, 6)]
    output, _ = run(SearchOrdersMock(orders, page_size=2, refuse_tokens=100), ["Orders"], expect_failure=True)
    errors = [m.trace.error for m in output.errors if m.trace.error.stream_descriptor]
    assert errors and all(e.failure_type == FailureType.config_error and "period_in_days" in e.message for e in errors)


def _state(stream: str, blob: Dict[str, Any]):
    return AirbyteStateMessageSerializer.load({"type": "STREAM", "stream": {"stream_descriptor": {"name": stream}, "stream_state": blob}})


def _per_marketplace(us: datetime, ca: datetime) -> Dict[str, Any]:
    return {"use_global_cursor": False, "lookback_window": 1, "state": {"LastUpdateDate": iso(max(us, ca))},
            "states": [{"partition": {"marketplace_id": US}, "cursor": {"LastUpdateDate": iso(us)}},
                       {"partition": {"marketplace_id": CA}, "cursor": {"LastUpdateDate": iso(ca)}}]}


@pytest.mark.parametrize("stream", ["Orders", "OrderItems"])
def test_a_v0_path_state_continues_from_its_earliest_marketplace(stream):
    us, ca = NOW - timedelta(days=3), NOW - timedelta(days=6)
    blob = _per_marketplace(us, ca)
    if stream == "OrderItems":  # v0's substream: a global cursor (the latest) and the parent's per-marketplace state
        blob = {"use_global_cursor": True, "state": {"LastUpdateDate": iso(us)}, "parent_state": {"Orders": blob}}
    search = SearchOrdersMock([])
    output, _ = run(search, [stream], state=[_state(stream, blob)])
    assert output.errors == []
    # not the global (latest) cursor; less Amazon's 30 minutes for order data
    assert min(c["lastUpdatedAfter"] for c in search.calls) == iso(ca - ORDERS_DATA_DELAY)
    assert output.most_recent_state.stream_state.__dict__.keys() == {"LastUpdateDate"}


def test_a_v0_path_state_without_a_configured_marketplace_reads_from_the_start_date():
    us = NOW - timedelta(days=3)
    blob = {"states": [{"partition": {"marketplace_id": US}, "cursor": {"LastUpdateDate": iso(us)}}]}
    search = SearchOrdersMock([])
    output, _ = run(search, ["Orders"], state=[_state("Orders", blob)])
    assert min(c["lastUpdatedAfter"] for c in search.calls) == iso(NOW - timedelta(days=30))
    warnings = [m.log.message for m in output.logs if m.log.level.name in ("WARN", "WARNING")]
    assert any(CA in w and "start date" in w for w in warnings)


def test_the_2026_state_is_one_cursor_that_the_v0_path_continues_from():
    orders = [an_order("111-0000001-0000001", iso(NOW - timedelta(days=4)))]
    output, _ = run(SearchOrdersMock(orders), ["Orders"])
    state = output.most_recent_state.stream_state.__dict__
    assert state == {"LastUpdateDate": iso(NOW - timedelta(days=4))}
    with requests_mock.Mocker() as mock:
        mock.post(LWA, json={"access_token": "Atza|unit-access", "expires_in": 3600})
        v0 = mock.get(f"{API}/orders/v0/orders", json={"payload": {"Orders": []}})
        cfg = config(orders_api="v0", marketplaces=["US", "CA"], lookback_window_days=0)
        cat = ConfiguredAirbyteCatalogSerializer.load({"streams": [{"stream": {"name": "Orders", "json_schema": {},
                                                                                "supported_sync_modes": ["incremental"]},
                                                                     "sync_mode": "incremental", "destination_sync_mode": "append"}]})
        messages = [_state("Orders", state)]
        read(SourceAmazonSellerPartner(catalog=cat, config=cfg, state=messages), cfg, cat, messages)
    starts = {(params(r)["MarketplaceIds"], params(r)["LastUpdatedAfter"]) for r in v0.request_history}
    resumed = iso(NOW - timedelta(days=4) - ORDERS_DATA_DELAY)
    assert starts == {(US, resumed), (CA, resumed)}


def test_an_unknown_orders_api_is_one_config_error_line():
    cfg = config(orders_api="2027-01-01")
    source = SourceAmazonSellerPartner(config=cfg)
    assert source.config_error is not None
    assert "'orders_api' must be 2026-01-01 or v0" in source.config_error.message
