"""Finance streams against a mocked listFinancialEvents / listTransactions: shared pages, windows, page
size reduction, expired NextTokens, event keys, charge/fee rows, breakdown rows, state."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List
from urllib.parse import parse_qs, urlsplit

import pytest
import requests_mock
from airbyte_cdk.models import AirbyteStateMessageSerializer, ConfiguredAirbyteCatalogSerializer
from airbyte_cdk.sources.declarative.interpolation.jinja import JinjaInterpolation
from airbyte_cdk.test.entrypoint_wrapper import read

from source_amazon_seller_partner.config import FINANCES_DATA_DELAY
from source_amazon_seller_partner.finances.components import component_rows
from source_amazon_seller_partner.finances.fetch import TransactionPage, event_id
from source_amazon_seller_partner.finances.records import BreakdownRecords
from source_amazon_seller_partner.finances.windows import RequestWindow, request_window
from source_amazon_seller_partner.source import SourceAmazonSellerPartner
from unit_tests.mock_api import API, CA, LWA, US, config

EVENTS_URL = f"{API}/finances/v0/financialEvents"
TRANSACTIONS_URL = f"{API}/finances/2024-06-19/transactions"
FORMAT = "%Y-%m-%dT%H:%M:%SZ"
NOW = datetime.now(timezone.utc).replace(microsecond=0)
DE = "A1PA6795UKMFR9"


def iso(moment: datetime) -> str:
    return moment.strftime(FORMAT)


def parse(text: str) -> datetime:
    return datetime.strptime(text, FORMAT).replace(tzinfo=timezone.utc)


def params(request) -> Dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}


def run_read(cfg, names, state=None):
    catalog = ConfiguredAirbyteCatalogSerializer.load({"streams": [
        {"stream": {"name": n, "json_schema": {}, "supported_sync_modes": ["full_refresh", "incremental"]},
         "sync_mode": "incremental", "destination_sync_mode": "append"} for n in names]})
    return read(SourceAmazonSellerPartner(catalog=catalog, config=cfg, state=state), cfg, catalog, state)


def money(amount: float, currency: str = "USD") -> Dict[str, Any]:
    return {"CurrencyCode": currency, "CurrencyAmount": amount}


def shipment(n: int, posted: datetime) -> Dict[str, Any]:
    return {"AmazonOrderId": f"111-{n:07d}", "PostedDate": iso(posted), "MarketplaceName": "Amazon.com",
            "ShipmentItemList": [{"SellerSKU": f"SKU-{n}", "OrderItemId": f"OI{n}",
                                  "ItemChargeList": [{"ChargeType": "Principal", "ChargeAmount": money(10.0 + n)},
                                                     {"ChargeType": "Tax", "ChargeAmount": money(0.8)}],
                                  "ItemFeeList": [{"FeeType": "Commission", "FeeAmount": money(-1.5)}]}]}


def service_fee(n: int) -> Dict[str, Any]:
    return {"FeeReason": "Subscription fee", "FeeDescription": f"month {n}",
            "FeeList": [{"FeeType": "Subscription", "FeeAmount": money(-39.99)}]}


class FakeFinances:
    """listFinancialEvents as Amazon answers it: [PostedAfter, PostedBefore), PostedAfter == PostedBefore
    refused, NextToken pages, pages over `max_events` events refused with InvalidInput, and the next
    `expire` NextTokens refused as expired."""

    def __init__(self, shipments: List[Dict[str, Any]], fees: List[Dict[str, Any]], max_events: int = 1000, expire: int = 0):
        self.shipments, self.fees, self.max_events, self.expire = shipments, fees, max_events, expire
        self.calls: List[Dict[str, str]] = []

    def __call__(self, request, context):
        p = params(request)
        self.calls.append(p)
        after, before = parse(p["PostedAfter"]), parse(p["PostedBefore"])
        if after >= before:
            context.status_code = 400
            return {"errors": [{"code": "InvalidInput", "message": "PostedBefore must be later than PostedAfter."}]}
        if "NextToken" in p and self.expire:
            self.expire -= 1
            context.status_code = 400
            return {"errors": [{"code": "InvalidInput", "message": "Token is not valid, token duration is 3 minutes.", "details": ""}]}
        size = int(p.get("MaxResultsPerPage", 100))
        if size > self.max_events:
            context.status_code = 400
            return {"errors": [{"code": "InvalidInput", "message": "Input not valid.", "details": ""}]}
        events = [("ShipmentEventList", e) for e in self.shipments if after <= parse(e["PostedDate"]) < before]
        if p["PostedAfter"] <= iso(NOW - timedelta(days=10)) < p["PostedBefore"]:  # undated fees: one window
            events += [("ServiceFeeEventList", e) for e in self.fees]
        offset = int(p.get("NextToken", "0").split(":")[-1]) if "NextToken" in p else 0
        chunk = events[offset:offset + size]
        payload: Dict[str, Any] = {"FinancialEvents": {
            "ShipmentEventList": [e for name, e in chunk if name == "ShipmentEventList"],
            "ServiceFeeEventList": [e for name, e in chunk if name == "ServiceFeeEventList"]}}
        if offset + size < len(events):
            payload["NextToken"] = f"token-{len(self.calls)}:{offset + size}"
        return {"payload": payload}


def mocked(mock: requests_mock.Mocker, fake: FakeFinances) -> None:
    mock.post(LWA, json={"access_token": "Atza|unit-access", "expires_in": 3600})
    mock.get(EVENTS_URL, json=fake)


def records_of(output, stream: str) -> List[Dict[str, Any]]:
    return [m.record.data for m in output.records if m.record.stream == stream]


# ------------------------------------------------------------------------------------------ sharing

ALL_EVENT_STREAMS = ["ListFinancialEvents", "ShipmentEvents", "ServiceFeeEvents", "RefundEvents", "AdjustmentEvents",
                     "FinancialChargeComponents", "FinancialFeeComponents"]


def test_every_finance_stream_reads_the_same_pages_once():
    shipments = [shipment(n, NOW - timedelta(days=300) + timedelta(hours=7 * n)) for n in range(900)]
    counts = {}
    for names in (["ShipmentEvents"], ALL_EVENT_STREAMS):
        fake = FakeFinances(shipments, [service_fee(1)])
        with requests_mock.Mocker() as mock:
            mocked(mock, fake)
            output = run_read(config(replication_start_date=iso(NOW - timedelta(days=365))), names)
        assert not output.errors, [e.trace.error.message for e in output.errors]
        counts[len(names)] = len(fake.calls)
        assert {r["AmazonOrderId"] for r in records_of(output, "ShipmentEvents")} == {e["AmazonOrderId"] for e in shipments}
    assert counts[1] >= 10  # several windows and pages
    assert counts[len(ALL_EVENT_STREAMS)] == counts[1]


# ------------------------------------------------------------------------------------------ windows


def test_window_boundaries_meet_without_gap_or_overlap():
    end = NOW - timedelta(minutes=3)
    first = request_window({"start_time": "2026-01-01T00:00:00Z", "end_time": "2026-06-29T23:59:59Z"}, end)
    second = request_window({"start_time": "2026-06-30T00:00:00Z", "end_time": iso(end)}, end)
    assert first.key == ("2026-01-01T00:00:00Z", "2026-06-30T00:00:00Z") and first.end == second.start
    assert second.end == end and not second.empty
    assert request_window({"start_time": iso(end), "end_time": iso(end)}, end).empty


def test_an_event_posted_in_the_last_second_of_a_window_is_read():
    boundary = (NOW - timedelta(days=100)).replace(hour=0, minute=0, second=0)
    event = shipment(1, boundary - timedelta(seconds=1))
    fake = FakeFinances([event], [])
    with requests_mock.Mocker() as mock:
        mocked(mock, fake)
        output = run_read(config(replication_start_date=iso(boundary - timedelta(days=7)), financial_events_step="7"),
                          ["ShipmentEvents"])
    assert not output.errors, [e.trace.error.message for e in output.errors]
    assert iso(boundary) in {c["PostedBefore"] for c in fake.calls}  # the event sits in the first window's last second
    assert [r["AmazonOrderId"] for r in records_of(output, "ShipmentEvents")] == [event["AmazonOrderId"]]


def test_a_fixed_end_date_then_an_incremental_sync_both_succeed_and_the_second_reads_only_amazons_48_hours():
    end = NOW - timedelta(days=5)
    cfg = config(replication_start_date=iso(end - timedelta(days=40)), replication_end_date=iso(end), lookback_window_days=0)
    names = ["ListFinancialEvents", "ShipmentEvents", "FinancialFeeComponents"]
    fake = FakeFinances([shipment(n, end - timedelta(days=n + 1)) for n in range(20)], [service_fee(1)])
    with requests_mock.Mocker() as mock:
        mocked(mock, fake)
        first = run_read(cfg, names)
    assert not first.errors and records_of(first, "ShipmentEvents")
    state = [m.state for m in first.state_messages]
    assert {s.stream.stream_state.__dict__.get(f) for s in state
            for f in ("PostedBefore", "PostedDate", "posted_date") if s.stream.stream_state.__dict__.get(f)} == {iso(end)}
    calls_before = len(fake.calls)
    with requests_mock.Mocker() as mock:
        mocked(mock, fake)
        second = run_read(cfg, names, state=state)
    assert not second.errors, [e.trace.error.message for e in second.errors]
    # the range is read to its end; only the 48 hours before it, which Amazon may still fill, are asked again
    assert fake.calls[calls_before:] == [{"MaxResultsPerPage": "100", "PostedAfter": iso(end - FINANCES_DATA_DELAY),
                                          "PostedBefore": iso(end)}]
    again = {r["event_id"] for r in records_of(second, "ShipmentEvents")}
    assert again and again <= {r["event_id"] for r in records_of(first, "ShipmentEvents")}


# ------------------------------------------------------------------------------------ Amazon's 400s


def test_a_page_refused_as_too_large_is_read_again_with_smaller_pages(caplog):
    shipments = [shipment(n, NOW - timedelta(days=20) + timedelta(hours=n)) for n in range(120)]
    fake = FakeFinances(shipments, [], max_events=30)
    with requests_mock.Mocker() as mock, caplog.at_level(logging.WARNING):
        mocked(mock, fake)
        output = run_read(config(replication_start_date=iso(NOW - timedelta(days=30))), ["ShipmentEvents", "ListFinancialEvents"])
    assert not output.errors
    delivered = records_of(output, "ShipmentEvents")
    assert sorted(r["AmazonOrderId"] for r in delivered) == sorted(e["AmazonOrderId"] for e in shipments)
    assert [int(c["MaxResultsPerPage"]) for c in fake.calls][:3] == [100, 50, 25]
    assert {int(c["MaxResultsPerPage"]) for c in fake.calls[2:]} == {25}
    logged = " ".join(m.log.message for m in output.logs) + caplog.text
    assert "MaxResultsPerPage=50" in logged and "MaxResultsPerPage=25" in logged


def test_a_page_refused_even_at_one_event_fails_with_one_clear_line():
    fake = FakeFinances([shipment(1, NOW - timedelta(days=3))], [], max_events=0)
    with requests_mock.Mocker() as mock:
        mocked(mock, fake)
        output = run_read(config(replication_start_date=iso(NOW - timedelta(days=10))), ["ShipmentEvents"])
    messages = [e.trace.error.message for e in output.errors]
    assert messages and all("MaxResultsPerPage=1" in m and "Input not valid." in m for m in messages)
    assert [int(c["MaxResultsPerPage"]) for c in fake.calls] == [100, 50, 25, 12, 6, 3, 1]
    assert not any("Traceback" in m for m in messages)


def test_an_expired_next_token_restarts_the_window_and_no_event_is_sent_twice():
    shipments = [shipment(n, NOW - timedelta(days=20) + timedelta(hours=n)) for n in range(250)]
    fake = FakeFinances(shipments, [service_fee(1), service_fee(1)], expire=2)  # two identical fees stay two
    with requests_mock.Mocker() as mock:
        mocked(mock, fake)
        output = run_read(config(replication_start_date=iso(NOW - timedelta(days=30))),
                          ["ShipmentEvents", "ServiceFeeEvents", "ListFinancialEvents"])
    assert not output.errors
    delivered = [r["AmazonOrderId"] for r in records_of(output, "ShipmentEvents")]
    assert sorted(delivered) == sorted(e["AmazonOrderId"] for e in shipments) and len(delivered) == len(set(delivered))
    assert len(records_of(output, "ServiceFeeEvents")) == 2
    pages = records_of(output, "ListFinancialEvents")
    assert sum(len(p.get("ShipmentEventList", [])) for p in pages) == len(shipments)
    assert sum(1 for c in fake.calls if "NextToken" not in c) == 3  # the first page, then two restarts


def test_tokens_that_keep_expiring_fail_the_window_with_one_clear_line():
    shipments = [shipment(n, NOW - timedelta(days=20) + timedelta(hours=n)) for n in range(250)]
    fake = FakeFinances(shipments, [], expire=1000)
    with requests_mock.Mocker() as mock:
        mocked(mock, fake)
        output = run_read(config(replication_start_date=iso(NOW - timedelta(days=30))), ["ShipmentEvents"])
    messages = [e.trace.error.message for e in output.errors]
    assert messages and "kept refusing" in messages[0] and "page tokens expired" in messages[0]
    assert len(fake.calls) < 20


# ------------------------------------------------------------------------------------------- keys


@pytest.mark.parametrize("event", [
    shipment(3, NOW),
    {"FeeDescription": "Ümlaut <b> & 'quoted' \"double\" – €", "FeeList": [{"FeeAmount": money(-0.1)}], "n": None},
    {"nested": {"z": [1, 2.5, {"a": True}], "a": "x"}, "PostedDate": "2026-01-01T00:00:00Z"},
])
def test_event_keys_are_the_ones_earlier_versions_wrote(event):
    """event_id was `(event_type ~ '|' ~ (record | tojson)) | hash('sha256')` in the manifest: keys must not change."""
    jinja = JinjaInterpolation().eval("{{ (parameters['t'] ~ '|' ~ (record | tojson)) | hash('sha256') }}",
                                      config={}, record=event, parameters={"t": "ServiceFeeEvent"})
    assert event_id("ServiceFeeEvent", event) == jinja


def test_records_carry_key_type_date_and_marketplace():
    fee, ship = service_fee(7), shipment(5, NOW - timedelta(days=3))
    fake = FakeFinances([ship], [fee])
    with requests_mock.Mocker() as mock:
        mocked(mock, fake)
        output = run_read(config(replication_start_date=iso(NOW - timedelta(days=30))), ["ShipmentEvents", "ServiceFeeEvents"])
    (shipment_record,) = records_of(output, "ShipmentEvents")
    assert shipment_record["event_id"] == event_id("ShipmentEvent", ship)
    assert shipment_record["event_type"] == "ShipmentEvent" and shipment_record["PostedDate"] == ship["PostedDate"]
    assert shipment_record["marketplace_id"] == US
    (fee_record,) = records_of(output, "ServiceFeeEvents")
    assert "marketplace_id" not in fee_record  # Amazon does not say; the CDK leaves nulls out
    window_end = max(parse(c["PostedBefore"]) for c in fake.calls)
    assert fee_record["PostedDate"] == iso(window_end - timedelta(seconds=1))


# ---------------------------------------------------------------------------------- charge / fee rows


def test_charges_and_fees_become_one_row_each_with_stable_keys():
    event = {"AmazonOrderId": "111-1", "PostedDate": "2026-03-04T05:06:07Z", "MarketplaceName": "Amazon.ca",
             "ShipmentItemList": [
                 {"SellerSKU": "A", "OrderItemId": "OI1",
                  "ItemChargeList": [{"ChargeType": "Principal", "ChargeAmount": money(20, "CAD")},
                                     {"ChargeType": "Tax", "ChargeAmount": money(2.6, "CAD")}],
                  "ItemFeeList": [{"FeeType": "Commission", "FeeAmount": money(-3, "CAD")}],
                  "ItemTaxWithheldList": [{"TaxCollectionModel": "MarketplaceFacilitator",
                                           "TaxesWithheld": [{"ChargeType": "MarketplaceFacilitatorTax-Principal",
                                                              "ChargeAmount": money(-2.6, "CAD")}]}]},
                 {"SellerSKU": "B", "OrderItemId": "OI2",
                  "ItemChargeList": [{"ChargeType": "Principal", "ChargeAmount": money(5, "CAD")}]}],
             "ShipmentFeeList": [{"FeeType": "ShippingHB", "FeeAmount": money(-1, "CAD")}]}
    base = {"event_stream": "ShipmentEvents", "event_id": "k", "order_id": "111-1", "posted_date": event["PostedDate"],
            "marketplace_id": CA}
    charges = list(component_rows("charge", event, base))
    fees = list(component_rows("fee", event, base))
    assert [(r["component_path"], r["item_id"], r["charge_type"], r["amount"]) for r in charges] == [
        ("ShipmentItemList[0].ItemChargeList[0]", "OI1", "Principal", 20),
        ("ShipmentItemList[0].ItemChargeList[1]", "OI1", "Tax", 2.6),
        ("ShipmentItemList[0].ItemTaxWithheldList[0].TaxesWithheld[0]", "OI1", "MarketplaceFacilitatorTax-Principal", -2.6),
        ("ShipmentItemList[1].ItemChargeList[0]", "OI2", "Principal", 5),
    ]
    assert [(r["component_path"], r["item_id"], r["fee_type"], r["seller_sku"]) for r in fees] == [
        ("ShipmentItemList[0].ItemFeeList[0]", "OI1", "Commission", "A"), ("ShipmentFeeList[0]", None, "ShippingHB", None)]
    assert {r["currency"] for r in charges + fees} == {"CAD"} and all(r["marketplace_id"] == CA for r in charges + fees)
    assert list(component_rows("charge", event, base)) == charges  # the same rows, keys and all, every time
    deal = {"postedDate": "2026-03-04T00:00:00Z", "feeType": "RunLightningDealFee", "feeAmount": money(-70)}
    assert [(r["fee_type"], r["amount"]) for r in component_rows("fee", deal, base)] == [("RunLightningDealFee", -70)]


def test_component_streams_sum_to_the_events_amounts():
    shipments = [shipment(n, NOW - timedelta(days=20) + timedelta(hours=n)) for n in range(30)]
    fake = FakeFinances(shipments, [service_fee(1)])
    with requests_mock.Mocker() as mock:
        mocked(mock, fake)
        output = run_read(config(replication_start_date=iso(NOW - timedelta(days=30))),
                          ["FinancialChargeComponents", "FinancialFeeComponents"])
    charges, fees = records_of(output, "FinancialChargeComponents"), records_of(output, "FinancialFeeComponents")
    assert round(sum(r["amount"] for r in charges), 2) == round(sum(10.0 + n + 0.8 for n in range(30)), 2)
    assert round(sum(r["amount"] for r in fees), 2) == round(-1.5 * 30 - 39.99, 2)
    assert len({(r["event_id"], r["component_path"]) for r in charges}) == len(charges) == 60
    assert {r["event_stream"] for r in fees} == {"ShipmentEvents", "ServiceFeeEvents"}


# ---------------------------------------------------------------------------------- transactions


def transaction(n: int, marketplace: str, posted: datetime, currency: str = "USD") -> Dict[str, Any]:
    def node(kind, amount, children=None):
        return {"breakdownType": kind, "breakdownAmount": {"currencyCode": currency, "currencyAmount": amount},
                **({"breakdowns": children} if children is not None else {})}

    return {"transactionId": f"T{n}", "transactionType": "Shipment", "transactionStatus": "RELEASED",
            "postedDate": iso(posted), "totalAmount": {"currencyCode": currency, "currencyAmount": 8.5},
            "marketplaceDetails": {"marketplaceId": marketplace},
            "relatedIdentifiers": [{"relatedIdentifierName": "ORDER_ID", "relatedIdentifierValue": f"111-{n}"}],
            "breakdowns": [node("Sales", 10, [node("ProductCharges", 10, [])]), node("Expenses", -1.5, [node("AmazonFees", -1.5)])],
            "items": [{"totalAmount": {"currencyCode": currency, "currencyAmount": 8.5},
                       "breakdowns": [node("ProductCharges", 10, [node("Principal", 9), node("Tax", 1)]),
                                      node("AmazonFees", -1.5, [node("Commission", -1.5)])]}]}


def test_breakdown_rows_add_up_per_level():
    page = TransactionPage([transaction(1, US, NOW)], 0)
    rows = list(BreakdownRecords([US]).records(page, RequestWindow(NOW - timedelta(days=1), NOW)))
    top = [r for r in rows if r["breakdown_level"] == "transaction"]
    items = [r for r in rows if r["breakdown_level"] == "item"]
    assert [(r["breakdown_path"], r["amount"]) for r in top] == [("Sales/ProductCharges", 10), ("Expenses/AmazonFees", -1.5)]
    assert [(r["breakdown_id"], r["breakdown_path"]) for r in items] == [
        ("item[0]/0/0", "ProductCharges/Principal"), ("item[0]/0/1", "ProductCharges/Tax"), ("item[0]/1/0", "AmazonFees/Commission")]
    assert sum(r["amount"] for r in top) == sum(r["amount"] for r in items) == 8.5
    assert {(r["transaction_id"], r["order_id"], r["marketplace_id"]) for r in rows} == {("T1", "111-1", US)}
    assert len({(r["transaction_id"], r["breakdown_id"]) for r in rows}) == len(rows)


def test_transactions_are_read_once_for_both_streams_without_marketplace_filter():
    calls = []

    def answer(request, context):
        p = params(request)
        calls.append(p)
        if "nextToken" not in p:
            return {"payload": {"transactions": [transaction(1, US, NOW - timedelta(days=2)),
                                                 transaction(2, DE, NOW - timedelta(days=2), "EUR")], "nextToken": "t2"}}
        return {"payload": {"transactions": [transaction(3, CA, NOW - timedelta(days=1), "CAD")]}}

    cfg = config(replication_start_date=iso(NOW - timedelta(days=30)), marketplaces=["US", "CA"])
    with requests_mock.Mocker() as mock:
        mock.post(LWA, json={"access_token": "Atza|unit-access", "expires_in": 3600})
        mock.get(TRANSACTIONS_URL, json=answer)
        output = run_read(cfg, ["FinancialTransactions", "FinancialTransactionBreakdowns"])
    assert not output.errors
    assert len(calls) == 2 and not any("marketplaceId" in c for c in calls)
    assert {r["transactionId"]: r["marketplace_id"] for r in records_of(output, "FinancialTransactions")} == {"T1": US, "T3": CA}
    assert {r["transaction_id"] for r in records_of(output, "FinancialTransactionBreakdowns")} == {"T1", "T3"}


def test_a_per_marketplace_transactions_state_is_read_from_its_earliest_marketplace():
    older, newer = NOW - timedelta(days=20), NOW - timedelta(days=5)
    state = [AirbyteStateMessageSerializer.load({"type": "STREAM", "stream": {
        "stream_descriptor": {"name": "FinancialTransactions"}, "stream_state": {
            "states": [{"partition": {"marketplace_id": US}, "cursor": {"postedDate": iso(newer)}},
                       {"partition": {"marketplace_id": CA}, "cursor": {"postedDate": iso(older)}}],
            "state": {"postedDate": iso(newer)}, "use_global_cursor": False}}})]
    calls = []

    def answer(request, context):
        calls.append(params(request))
        return {"payload": {"transactions": []}}

    cfg = config(replication_start_date=iso(NOW - timedelta(days=300)), lookback_window_days=0)
    with requests_mock.Mocker() as mock:
        mock.post(LWA, json={"access_token": "Atza|unit-access", "expires_in": 3600})
        mock.get(TRANSACTIONS_URL, json=answer)
        output = run_read(cfg, ["FinancialTransactions"], state=state)
    assert not output.errors
    assert min(c["postedAfter"] for c in calls) == iso(older - FINANCES_DATA_DELAY)  # less Amazon's 48 hours
    final = output.state_messages[-1].state.stream.stream_state.__dict__
    assert set(final) == {"postedDate"} and parse(final["postedDate"]) > newer


def test_marketplace_of_an_event_is_what_amazon_names_or_nothing():
    from source_amazon_seller_partner.finances.records import event_marketplace
    from source_amazon_seller_partner.marketplaces import BY_SITE_NAME

    assert event_marketplace({"MarketplaceName": "Amazon.co.uk"}, BY_SITE_NAME) == "A1F83G8C2ARO7P"
    assert event_marketplace({"MarketplaceName": "Amazon.com.mx"}, BY_SITE_NAME) == "A1AM78C64UM0Y8"  # not configured: still named
    assert event_marketplace({"MarketplaceId": "A2EUQ1WTGCTBG2", "MarketplaceCountryCode": "CA"}, BY_SITE_NAME) == CA
    assert event_marketplace({"FeeReason": "Subscription fee", "StoreName": "x"}, BY_SITE_NAME) is None
    assert event_marketplace({"MarketplaceName": "Amazon.example"}, BY_SITE_NAME) is None
