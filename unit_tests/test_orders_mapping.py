"""2026-01-01 orders in v0's columns (orders/order.py, items.py, proceeds.py, personal.py) and the shared
page store (orders/pages.py), on Amazon's own sandbox answers and hand-made edge cases."""

from __future__ import annotations

import json
import os
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, List

import pytest
from jsonschema import Draft7Validator

from source_amazon_seller_partner.orders import items, order
from source_amazon_seller_partner.orders.items import item_records
from source_amazon_seller_partner.orders.order import order_record
from source_amazon_seller_partner.orders.pages import WindowPages
from source_amazon_seller_partner.orders.personal import address_record, buyer_info_record
from source_amazon_seller_partner.orders.proceeds import item_amounts
from source_amazon_seller_partner.orders.search import TokenRefused, Window

REPO = Path(__file__).resolve().parent.parent
MODEL = json.loads((REPO / "sp_api_emulator/amazon_models/orders-api-model/orders_2026-01-01.json").read_text())
SCHEMAS = REPO / "source_amazon_seller_partner" / "schemas"
PUBLISHED = json.loads((REPO / "unit_tests/fixtures/airbyte_4_6_4/official-4.6.4-streams.json").read_text())


def sandbox_orders() -> List[Dict[str, Any]]:
    """Every order of Amazon's static sandbox answers for searchOrders and getOrder."""
    found = []
    for path in ("/orders/2026-01-01/orders", "/orders/2026-01-01/orders/{orderId}"):
        for example in MODEL["paths"][path]["get"]["responses"]["200"]["x-amzn-api-sandbox"]["static"]:
            body = example["response"]
            found += body.get("orders") or [body["order"]]
    return found


def money(amount: str) -> Dict[str, str]:
    return {"amount": amount, "currencyCode": "EUR"}


@pytest.mark.parametrize("stream, records", [
    ("Orders", lambda o, pii: [order_record(o, pii)]),
    ("OrderItems", item_records),
    ("OrderBuyerInfo", lambda o, pii: [buyer_info_record(o, pii)]),
    ("OrderAddress", lambda o, pii: [address_record(o, pii)]),
])
@pytest.mark.parametrize("include_pii", [True, False])
def test_records_from_amazons_sandbox_answers_fit_the_stream_schemas(stream, records, include_pii):
    validator = Draft7Validator(json.loads((SCHEMAS / f"{stream}.json").read_text()))
    produced = [r for o in sandbox_orders() for r in records(o, include_pii)]
    assert len(produced) >= 6
    problems = [f"{e.json_path}: {e.message}" for r in produced for e in validator.iter_errors(r)]
    assert not problems
    schema_properties = set(json.loads((SCHEMAS / f"{stream}.json").read_text())["properties"])
    assert not {key for r in produced for key in r} - schema_properties  # no column the schema does not declare


@pytest.mark.parametrize("stream, module", [("Orders", order), ("OrderItems", items)])
def test_every_4_6_4_column_is_filled_or_documented_as_having_no_2026_source(stream, module):
    filled = set()
    for o in sandbox_orders() + [_rich_order()]:
        for record in ([order_record(o, True)] if stream == "Orders" else item_records(o, True)):
            filled |= set(record)
    published = set(PUBLISHED[stream]["columns"])
    assert published - filled <= set(module.NO_SOURCE), sorted(published - filled - set(module.NO_SOURCE))
    assert not set(module.NO_SOURCE) & filled  # a column listed as without source is really never filled
    readme = (REPO / "README.md").read_text()
    assert all(f"`{column}`" in readme for column in module.NO_SOURCE)


def test_no_new_column_differs_from_a_v0_column_by_case_only():
    for stream, module in (("Orders", order), ("OrderItems", items)):
        properties = json.loads((SCHEMAS / f"{stream}.json").read_text())["properties"]
        lowered = [name.lower() for name in properties]
        assert len(lowered) == len(set(lowered))
        assert set(module.NEW_COLUMNS) <= set(properties)


def _rich_order() -> Dict[str, Any]:
    """An order with what the sandbox answers lack: a replacement, a cash-on-delivery payment, gift wrap,
    tax collection, delivery preferences, cancellation, serial numbers."""
    item = {"orderItemId": "I1", "quantityOrdered": 1, "programs": ["TRANSPARENCY", "SUBSCRIBE_AND_SAVE"],
            "measurement": {"unit": "COUNT", "value": 1},
            "associatedOrderItems": [{"orderId": "O0", "orderItemId": "I0", "associationType": "VALUE_ADD_SERVICE"}],
            "product": {"asin": "B1", "sellerSku": "S1", "title": "T", "serialNumbers": ["SN1"],
                        "price": {"unitPrice": money("10.00"), "priceDesignation": "BUSINESS_PRICE"},
                        "condition": {"conditionType": "USED", "conditionSubtype": "VERY_GOOD", "conditionNote": "ok"},
                        "customization": {"customizedUrl": "https://example.test/c"}},
            "proceeds": {"proceedsTotal": money("15.00"), "breakdowns": [
                {"type": "ITEM", "subtotal": money("10.00")}, {"type": "SHIPPING", "subtotal": money("4.00")},
                {"type": "GIFT_WRAP", "subtotal": money("1.00")}, {"type": "COD_FEE", "subtotal": money("2.00")},
                {"type": "TAX", "subtotal": money("1.20"), "detailedBreakdowns": [
                    {"subtype": "ITEM", "value": money("1.00")}, {"subtype": "SHIPPING", "value": money("0.30")},
                    {"subtype": "GIFT_WRAP", "value": money("0.10")}, {"subtype": "DISCOUNT", "value": money("-0.20")}]},
                {"type": "DISCOUNT", "subtotal": money("-3.00"), "detailedBreakdowns": [
                    {"subtype": "ITEM", "value": money("-1.00")}, {"subtype": "COD_FEE", "value": money("-2.00")}]}]},
            "expense": {"pointsCost": {"pointsGranted": {"pointsNumber": 3, "pointsMonetaryValue": money("3")}}},
            "promotion": {"breakdowns": [{"promotionId": "P1"}]},
            "cancellation": {"cancellationRequest": {"requester": "BUYER", "cancelReason": "late"}},
            "tax": {"taxCollections": [{"model": "MARKETPLACE_FACILITATOR", "responsibleParty": "Amazon Services, Inc."}],
                    "taxCalculationBreakdowns": [{"reportingScheme": "IOSS"}]},
            "fulfillment": {"quantityFulfilled": 0, "quantityUnfulfilled": 1,
                            "packing": {"giftOption": {"giftMessage": "hi", "giftWrapLevel": "STANDARD"},
                                        "serialNumberRequirement": {"requirementType": "REQUIRED"}},
                            "picking": {"substitutionPreference": {"substitutionType": "CUSTOMER_PREFERENCE"}},
                            "shipping": {"scheduledDeliveryWindow": {"earliestDateTime": "2026-01-02T00:00:00Z",
                                                                     "latestDateTime": "2026-01-03T00:00:00Z"},
                                         "shippingConstraints": {"signatureConfirmation": "MANDATORY"},
                                         "internationalShipping": {"iossNumber": "IM123"}}}}
    return {"orderId": "O1", "createdTime": "2026-01-01T00:00:00Z", "lastUpdatedTime": "2026-01-01T01:00:00Z",
            "programs": ["PREORDER", "PREMIUM", "IN_STORE_PICK_UP", "INVOICE_BY_AMAZON"],
            "associatedOrders": [{"orderId": "O0", "associationType": "REPLACEMENT_ORIGINAL_ID"}],
            "salesChannel": {"channelName": "AMAZON", "marketplaceId": "A1PA6795UKMFR9", "marketplaceName": "Amazon.de"},
            "payment": {"paymentExecutions": [{"paymentMethod": "CashOnDelivery", "paymentAmount": money("15.00")}]},
            "tax": {"taxInvoicing": {"buyerInvoicePreference": "BUSINESS", "invoiceStatus": "NOT_REQUIRED"}},
            "fulfillment": {"fulfillmentStatus": "UNSHIPPED", "fulfilledBy": "MERCHANT"},
            "recipient": {"deliveryAddress": {"city": "Berlin", "countryCode": "DE", "addressType": "PICKUP_POINT"},
                          "deliveryPreference": {"dropOffLocation": "Door", "deliveryTime": {"businessHours": [
                              {"dayOfWeek": "MON", "timeWindows": [{"startTime": {"hour": 8, "minute": 0},
                                                                    "endTime": {"hour": 17, "minute": 0}}]}]}}},
            "orderItems": [item]}


def test_v0_spellings_flags_and_payment_of_a_rich_order():
    record = order_record(_rich_order(), include_pii=False)
    assert record["OrderType"] == "Preorder" and record["IsPremiumOrder"] and record["IsISPU"] and record["IsIBA"]
    assert record["IsReplacementOrder"] is True and record["ReplacedOrderId"] == "O0"
    assert (record["PaymentMethod"], record["PaymentMethodDetails"]) == ("COD", ["CashOnDelivery"])
    assert record["PaymentExecutionDetail"][0]["Payment"] == {"CurrencyCode": "EUR", "Amount": "15.00"}
    assert record["ElectronicInvoiceStatus"] == "NotRequired" and record["IsAccessPointOrder"] is True
    assert (record["OrderStatus"], record["NumberOfItemsShipped"], record["NumberOfItemsUnshipped"]) == ("Unshipped", 0, 1)
    [item] = item_records(_rich_order(), include_pii=True)
    assert (item["ConditionId"], item["ConditionSubtypeId"], item["PriceDesignation"]) == ("Used", "Very Good", "BusinessPrice")
    assert item["IsTransparency"] is True and item["AmazonPrograms"] == {"Programs": ["SUBSCRIBE_AND_SAVE"]}
    assert item["BuyerRequestedCancel"] == {"IsBuyerRequestedCancel": "true", "BuyerCancelReason": "late"}
    assert item["BuyerInfo"]["GiftWrapPrice"]["Amount"] == "1.00" and item["BuyerInfo"]["GiftWrapTax"]["Amount"] == "0.10"
    assert item["BuyerInfo"]["BuyerCustomizedInfo"] == {"CustomizedURL": "https://example.test/c"}
    assert (item["SerialNumberRequired"], item["IsGift"], item["IossNumber"]) == (True, "true", "IM123")
    assert item["DeemedResellerCategory"] == "IOSS" and item["TaxCollection"]["Model"] == "MarketplaceFacilitator"


def test_money_follows_amazons_proceeds_breakdowns():
    amounts = {k: Decimal(v["Amount"]) if v else None for k, v in item_amounts(_rich_order()["orderItems"][0]).items()}
    assert amounts == {"ItemPrice": Decimal("10.00"), "ShippingPrice": Decimal("4.00"), "ItemTax": Decimal("1.00"),
                       "ShippingTax": Decimal("0.30"), "PromotionDiscount": Decimal("1.00"), "ShippingDiscount": 0,
                       "PromotionDiscountTax": Decimal("0.20"), "ShippingDiscountTax": 0, "CODFee": Decimal("2.00"),
                       "CODFeeDiscount": Decimal("2.00")}


@pytest.mark.parametrize("breakdowns, expected", [
    # the DISCOUNT subtotal includes shipping: never taken as the item discount
    ([{"type": "ITEM", "subtotal": money("10")}, {"type": "SHIPPING", "subtotal": money("5")},
      {"type": "DISCOUNT", "subtotal": money("-6"), "detailedBreakdowns": [
          {"subtype": "ITEM", "value": money("-1")}, {"subtype": "SHIPPING", "value": money("-5")}]},
      {"type": "TAX", "subtotal": money("1.5"), "detailedBreakdowns": [
          {"subtype": "ITEM", "value": money("2")}, {"subtype": "DISCOUNT", "value": money("-0.5")}]}],
     {"PromotionDiscount": "1", "ShippingDiscount": "5", "PromotionDiscountTax": None, "ShippingDiscountTax": None}),
    # tax without details but shipping charged too: item and shipping tax cannot be told apart
    ([{"type": "ITEM", "subtotal": money("10")}, {"type": "SHIPPING", "subtotal": money("5")},
      {"type": "TAX", "subtotal": money("3")}], {"ItemTax": None, "ShippingTax": None}),
    # tax without details and nothing else charged: all of it is the item's
    ([{"type": "ITEM", "subtotal": money("10")}, {"type": "TAX", "subtotal": money("3")}],
     {"ItemTax": "3", "ShippingTax": "0.00", "ShippingPrice": "0.00"}),
])
def test_money_that_cannot_be_split_is_left_empty_not_guessed(breakdowns, expected):
    amounts = item_amounts({"proceeds": {"breakdowns": breakdowns}})
    assert {k: (amounts[k] or {}).get("Amount") for k in expected} == expected


def test_an_item_without_proceeds_has_no_money_columns():
    assert item_amounts({"orderItemId": "I"}) == {}


# ------------------------------------------------------------------------------------- page store

class FakePages:
    """searchOrders pages of two windows: 3 pages each, counted."""

    def __init__(self, refuse_once: bool = False) -> None:
        self.calls: List[tuple] = []
        self.refuse_once = refuse_once
        self.lock = threading.Lock()

    def __call__(self, window: Window, token):
        with self.lock:
            self.calls.append((window.start, token))
            if token == "2" and self.refuse_once:
                self.refuse_once = False
                raise TokenRefused()
        number = int(token or 0)
        orders = [{"orderId": f"{window.start}-{number}-{n}"} for n in range(2)]
        return orders, (str(number + 1) if number < 2 else None)


def test_consumers_share_the_pages_and_the_file_goes_when_all_selected_ones_read_it():
    fetch = FakePages()
    pages = WindowPages(fetch, consumers={"Orders", "OrderItems"})
    window = Window("A", "B")
    first = list(pages.read(window, "Orders"))
    assert len(first) == 6 and len(fetch.calls) == 3
    spool = pages._entries[window].file
    assert not spool.closed and os.fstat(spool.fileno()).st_nlink == 0  # anonymous: gone if the process dies
    assert list(pages.read(window, "OrderItems")) == first and len(fetch.calls) == 3  # no new call
    assert spool.closed and window not in pages._entries  # both selected streams read it


def test_consumers_in_threads_get_every_order_and_windows_take_turns():
    fetch = FakePages(refuse_once=True)
    pages = WindowPages(fetch, consumers={"Orders", "OrderItems", "OrderBuyerInfo"})
    results: Dict[tuple, List[str]] = {}
    windows = [Window("A", "B"), Window("C", "D")]

    def consume(window: Window, name: str) -> None:
        results[(window, name)] = [o["orderId"] for o in pages.read(window, name)]

    threads = [threading.Thread(target=consume, args=(w, n)) for w in windows for n in ("Orders", "OrderItems", "OrderBuyerInfo")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    for window in windows:
        expected = {f"{window.start}-{p}-{n}" for p in range(3) for n in range(2)}
        for name in ("Orders", "OrderItems", "OrderBuyerInfo"):
            assert set(results[(window, name)]) == expected  # a refused token repeats orders, never loses one
    # each window's calls are contiguous: one window is paged at a time
    starts = [start for start, _ in fetch.calls]
    assert starts == sorted(starts) or starts == sorted(starts, reverse=True)
    assert len(fetch.calls) == 3 + 3 + 3  # two windows of 3 pages, plus the refused token and the restart's 2 pages


def test_a_failed_fetch_fails_every_consumer_of_the_window():
    def failing(window, token):
        raise RuntimeError("boom")

    pages = WindowPages(failing, consumers={"Orders", "OrderItems"})
    for name in ("Orders", "OrderItems"):
        with pytest.raises(Exception) as raised:
            list(pages.read(Window("A", "B"), name))
        assert "boom" in str(raised.value)
