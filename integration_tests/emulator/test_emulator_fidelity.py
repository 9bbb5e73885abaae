"""Fidelity: every response shape the emulator produces validates against Amazon's model definitions
(closed: no property the model does not define), and Amazon's static sandbox examples for the
implemented operations validate against the same definitions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Dict, List

import pytest

from emulator_client import Client
from sp_api_emulator.timeutil import iso, utcnow
from spapi_models import errors, sandbox_examples

ORDERS = "orders-api-model/ordersV0.json"
ORDERS_2026 = "orders-api-model/orders_2026-01-01.json"
FINANCES = "finances-api-model/financesV0.json"
TRANSACTIONS = "finances-api-model/finances_2024-06-19.json"
REPORTS = "reports-api-model/reports_2021-06-30.json"
SELLERS = "sellers-api-model/sellers.json"
VENDOR = "vendor-orders-api-model/vendorOrders.json"
DF_ORDERS = "vendor-direct-fulfillment-orders-api-model/vendorDirectFulfillmentOrders_2021-12-28.json"
DF_SHIPPING = "vendor-direct-fulfillment-shipping-api-model/vendorDirectFulfillmentShipping_2021-12-28.json"
FBA = "fba-inventory-api-model/fbaInventory.json"
TOKENS = "tokens-api-model/tokens_2021-03-01.json"
CATALOG = "catalog-items-api-model/catalogItems_2022-04-01.json"
LISTINGS = "listings-items-api-model/listingsItems_2021-08-01.json"

US, DE, JP = "ATVPDKIKX0DER", "A1PA6795UKMFR9", "A1VC38T7YXB528"

# Every implemented SP-API operation: (model file, method, model path).
IMPLEMENTED = [
    (SELLERS, "GET", "/sellers/v1/marketplaceParticipations"),
    (SELLERS, "GET", "/sellers/v1/account"),
    (ORDERS, "GET", "/orders/v0/orders"),
    (ORDERS, "GET", "/orders/v0/orders/{orderId}"),
    (ORDERS, "GET", "/orders/v0/orders/{orderId}/buyerInfo"),
    (ORDERS, "GET", "/orders/v0/orders/{orderId}/address"),
    (ORDERS, "GET", "/orders/v0/orders/{orderId}/orderItems"),
    (ORDERS, "GET", "/orders/v0/orders/{orderId}/orderItems/buyerInfo"),
    (ORDERS_2026, "GET", "/orders/2026-01-01/orders"),
    (ORDERS_2026, "GET", "/orders/2026-01-01/orders/{orderId}"),
    (FINANCES, "GET", "/finances/v0/financialEvents"),
    (FINANCES, "GET", "/finances/v0/financialEventGroups"),
    (FINANCES, "GET", "/finances/v0/financialEventGroups/{eventGroupId}/financialEvents"),
    (FINANCES, "GET", "/finances/v0/orders/{orderId}/financialEvents"),
    (TRANSACTIONS, "GET", "/finances/2024-06-19/transactions"),
    (REPORTS, "POST", "/reports/2021-06-30/reports"),
    (REPORTS, "GET", "/reports/2021-06-30/reports"),
    (REPORTS, "GET", "/reports/2021-06-30/reports/{reportId}"),
    (REPORTS, "DELETE", "/reports/2021-06-30/reports/{reportId}"),
    (REPORTS, "GET", "/reports/2021-06-30/documents/{reportDocumentId}"),
    (VENDOR, "GET", "/vendor/orders/v1/purchaseOrders"),
    (VENDOR, "GET", "/vendor/orders/v1/purchaseOrders/{purchaseOrderNumber}"),
    (VENDOR, "GET", "/vendor/orders/v1/purchaseOrdersStatus"),
    (DF_ORDERS, "GET", "/vendor/directFulfillment/orders/2021-12-28/purchaseOrders"),
    (DF_ORDERS, "GET", "/vendor/directFulfillment/orders/2021-12-28/purchaseOrders/{purchaseOrderNumber}"),
    (DF_SHIPPING, "GET", "/vendor/directFulfillment/shipping/2021-12-28/shippingLabels"),
    (DF_SHIPPING, "GET", "/vendor/directFulfillment/shipping/2021-12-28/shippingLabels/{purchaseOrderNumber}"),
    (FBA, "GET", "/fba/inventory/v1/summaries"),
    (TOKENS, "POST", "/tokens/2021-03-01/restrictedDataToken"),
    (CATALOG, "GET", "/catalog/2022-04-01/items"),
    (LISTINGS, "GET", "/listings/2021-08-01/items/{sellerId}"),
]

# Sandbox examples that break their own model, checked one by one; the reason is the model's, not ours.
BROKEN_EXAMPLES: Dict[str, str] = {
    f"{SELLERS} GET /sellers/v1/account 200#0":
        "marketplace lacks defaultCurrencyCode/defaultLanguageCode, both required by Marketplace",
    f"{VENDOR} GET /vendor/orders/v1/purchaseOrders 200#0":
        "orderedQuantity.unitOfMeasure 'CASES' is not in the model's enum ['Cases', 'Eaches']",
    f"{VENDOR} GET /vendor/orders/v1/purchaseOrders 200#6":
        "order lacks purchaseOrderState and orderDetails.purchaseOrderStateChangedDate, both required",
    f"{VENDOR} GET /vendor/orders/v1/purchaseOrders/{{purchaseOrderNumber}} 200#1":
        "order lacks purchaseOrderState and orderDetails.purchaseOrderStateChangedDate, both required",
}


def _since(days: float) -> str:
    return iso(utcnow() - timedelta(days=days))


def _cases(emulator) -> List[Dict[str, Any]]:
    """Requests covering every operation, success and error shapes; ids come from the dataset."""
    data = emulator.emulator.dataset
    seller, vendor = data.seller, data.vendor
    order = next(o for o in reversed(seller.orders_by_purchase) if o.status == "Shipped")
    canceled = next(o for o in reversed(seller.orders_by_purchase) if o.status == "Canceled")
    jp_order = next(o for o in reversed(seller.orders_by_purchase) if o.market.code == "JP")
    # The cases call the NA endpoint, which serves only NA groups; which market's group opened last
    # depends on the day (each market has its own settlement calendar).
    group = next(g for g in reversed(seller.groups) if not g.is_open and g.market.region == "NA")
    open_group = next(g for g in seller.groups if g.is_open and g.market.region == "NA")
    po = vendor.purchase_orders[-1]
    df = next(o for o in reversed(vendor.df_orders) if o.label_created)
    now_ish = _since(30 / 86400)  # 30 seconds ago: inside the 2-minute rule
    c = []

    def case(model, method, template, path, params=None, body=None, status=200, account="seller", name=None):
        c.append(dict(model=model, method=method, template=template, path=path, params=params or {}, body=body,
                      status=status, account=account, name=name or f"{method} {path} {status}"))

    case(SELLERS, "GET", "/sellers/v1/marketplaceParticipations", "/sellers/v1/marketplaceParticipations")
    case(SELLERS, "GET", "/sellers/v1/marketplaceParticipations", "/sellers/v1/marketplaceParticipations",
         account="vendor", name="participations vendor")
    case(SELLERS, "GET", "/sellers/v1/account", "/sellers/v1/account")
    case(ORDERS, "GET", "/orders/v0/orders", "/orders/v0/orders",
         {"MarketplaceIds": f"{US},{DE},{JP}", "CreatedAfter": _since(700)}, name="getOrders created")
    case(ORDERS, "GET", "/orders/v0/orders", "/orders/v0/orders",
         {"MarketplaceIds": US, "LastUpdatedAfter": _since(30), "OrderStatuses": "Canceled,Shipped"},
         name="getOrders last updated")
    case(ORDERS, "GET", "/orders/v0/orders", "/orders/v0/orders", {"MarketplaceIds": US}, status=400,
         name="getOrders no date")
    case(ORDERS, "GET", "/orders/v0/orders", "/orders/v0/orders",
         {"MarketplaceIds": US, "CreatedAfter": _since(2), "CreatedBefore": now_ish}, status=400, name="2 minutes")
    for suffix, template in [("", "/orders/v0/orders/{orderId}"), ("/buyerInfo", "/orders/v0/orders/{orderId}/buyerInfo"),
                             ("/address", "/orders/v0/orders/{orderId}/address"),
                             ("/orderItems", "/orders/v0/orders/{orderId}/orderItems"),
                             ("/orderItems/buyerInfo", "/orders/v0/orders/{orderId}/orderItems/buyerInfo")]:
        for chosen in (order, canceled, jp_order):
            case(ORDERS, "GET", template, f"/orders/v0/orders/{chosen.amazon_order_id}{suffix}",
                 name=f"{template} {chosen.status} {chosen.market.code}")
    case(ORDERS, "GET", "/orders/v0/orders/{orderId}", "/orders/v0/orders/999-0000000-0000000", status=404)
    _orders_2026_cases(case, order, canceled, jp_order)
    case(FINANCES, "GET", "/finances/v0/financialEvents", "/finances/v0/financialEvents",
         {"PostedAfter": _since(120)}, name="events 120 days")
    case(FINANCES, "GET", "/finances/v0/financialEvents", "/finances/v0/financialEvents",
         {"PostedAfter": _since(400), "PostedBefore": _since(1)}, name="events window over 180 days")
    case(FINANCES, "GET", "/finances/v0/financialEvents", "/finances/v0/financialEvents",
         {"PostedAfter": now_ish}, status=400)
    case(FINANCES, "GET", "/finances/v0/financialEventGroups", "/finances/v0/financialEventGroups",
         {"FinancialEventGroupStartedAfter": _since(170), "MaxResultsPerPage": 100})
    case(FINANCES, "GET", "/finances/v0/financialEventGroups/{eventGroupId}/financialEvents",
         f"/finances/v0/financialEventGroups/{group.group_id}/financialEvents")
    case(FINANCES, "GET", "/finances/v0/financialEventGroups/{eventGroupId}/financialEvents",
         f"/finances/v0/financialEventGroups/{open_group.group_id}/financialEvents", name="open group events")
    case(FINANCES, "GET", "/finances/v0/orders/{orderId}/financialEvents",
         f"/finances/v0/orders/{order.amazon_order_id}/financialEvents")
    case(TRANSACTIONS, "GET", "/finances/2024-06-19/transactions", "/finances/2024-06-19/transactions",
         {"postedAfter": _since(90)})
    case(TRANSACTIONS, "GET", "/finances/2024-06-19/transactions", "/finances/2024-06-19/transactions", {},
         status=400)
    case(REPORTS, "POST", "/reports/2021-06-30/reports", "/reports/2021-06-30/reports",
         body={"reportType": "GET_MERCHANT_LISTINGS_ALL_DATA", "marketplaceIds": [JP]}, status=202)
    case(REPORTS, "POST", "/reports/2021-06-30/reports", "/reports/2021-06-30/reports",
         body={"reportType": "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE", "marketplaceIds": [US]}, status=400)
    case(REPORTS, "GET", "/reports/2021-06-30/reports", "/reports/2021-06-30/reports",
         {"reportTypes": "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE,GET_MERCHANT_LISTINGS_ALL_DATA", "pageSize": 100})
    case(REPORTS, "GET", "/reports/2021-06-30/reports", "/reports/2021-06-30/reports", {"nextToken": "x",
                                                                                         "pageSize": 10}, status=400)
    settlement = emulator.emulator.reports.listing("seller", ["GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE"], [], [],
                                                   utcnow() - timedelta(days=90), utcnow())[0]
    case(REPORTS, "GET", "/reports/2021-06-30/reports/{reportId}", f"/reports/2021-06-30/reports/{settlement.report_id}")
    case(REPORTS, "GET", "/reports/2021-06-30/reports/{reportId}", "/reports/2021-06-30/reports/1", status=404)
    case(REPORTS, "GET", "/reports/2021-06-30/documents/{reportDocumentId}",
         f"/reports/2021-06-30/documents/{settlement.document_id}")
    case(REPORTS, "DELETE", "/reports/2021-06-30/reports/{reportId}",
         f"/reports/2021-06-30/reports/{settlement.report_id}", status=400)
    case(VENDOR, "GET", "/vendor/orders/v1/purchaseOrders", "/vendor/orders/v1/purchaseOrders",
         {"createdAfter": _since(7)}, account="vendor")
    case(VENDOR, "GET", "/vendor/orders/v1/purchaseOrders", "/vendor/orders/v1/purchaseOrders",
         {"changedAfter": _since(40), "changedBefore": _since(33), "includeDetails": "false"}, account="vendor",
         name="purchase orders without details")
    case(VENDOR, "GET", "/vendor/orders/v1/purchaseOrders", "/vendor/orders/v1/purchaseOrders",
         {"createdAfter": _since(30)}, status=400, account="vendor", name="vendor window over 7 days")
    case(VENDOR, "GET", "/vendor/orders/v1/purchaseOrders/{purchaseOrderNumber}",
         f"/vendor/orders/v1/purchaseOrders/{po.number}", account="vendor")
    case(VENDOR, "GET", "/vendor/orders/v1/purchaseOrdersStatus", "/vendor/orders/v1/purchaseOrdersStatus",
         {"updatedAfter": _since(7)}, account="vendor")
    case(VENDOR, "GET", "/vendor/orders/v1/purchaseOrdersStatus", "/vendor/orders/v1/purchaseOrdersStatus",
         {"createdAfter": _since(60), "createdBefore": _since(54)}, account="vendor", name="status older week")
    case(DF_ORDERS, "GET", "/vendor/directFulfillment/orders/2021-12-28/purchaseOrders",
         "/vendor/directFulfillment/orders/2021-12-28/purchaseOrders",
         {"createdAfter": iso(df.created - timedelta(days=3)), "createdBefore": iso(df.created + timedelta(days=3))},
         account="vendor")
    case(DF_ORDERS, "GET", "/vendor/directFulfillment/orders/2021-12-28/purchaseOrders/{purchaseOrderNumber}",
         f"/vendor/directFulfillment/orders/2021-12-28/purchaseOrders/{df.number}", account="vendor")
    case(DF_SHIPPING, "GET", "/vendor/directFulfillment/shipping/2021-12-28/shippingLabels",
         "/vendor/directFulfillment/shipping/2021-12-28/shippingLabels",
         {"createdAfter": iso(df.label_created - timedelta(days=3)),
          "createdBefore": iso(df.label_created + timedelta(days=3))}, account="vendor")
    case(DF_SHIPPING, "GET", "/vendor/directFulfillment/shipping/2021-12-28/shippingLabels/{purchaseOrderNumber}",
         f"/vendor/directFulfillment/shipping/2021-12-28/shippingLabels/{df.number}", account="vendor")
    case(FBA, "GET", "/fba/inventory/v1/summaries", "/fba/inventory/v1/summaries",
         {"granularityType": "Marketplace", "granularityId": DE, "marketplaceIds": DE, "details": "true"})
    case(FBA, "GET", "/fba/inventory/v1/summaries", "/fba/inventory/v1/summaries",
         {"granularityType": "Marketplace", "granularityId": US, "marketplaceIds": f"{US},{DE}"}, status=400)
    case(TOKENS, "POST", "/tokens/2021-03-01/restrictedDataToken", "/tokens/2021-03-01/restrictedDataToken",
         body={"restrictedResources": [{"method": "GET", "path": "/orders/v0/orders",
                                        "dataElements": ["buyerInfo", "shippingAddress"]}]})
    case(TOKENS, "POST", "/tokens/2021-03-01/restrictedDataToken", "/tokens/2021-03-01/restrictedDataToken",
         body={"restrictedResources": []}, status=400)
    case(CATALOG, "GET", "/catalog/2022-04-01/items", "/catalog/2022-04-01/items",
         {"marketplaceIds": DE, "keywords": "kaffeemühle", "includedData": "summaries,identifiers,productTypes"})
    case(CATALOG, "GET", "/catalog/2022-04-01/items", "/catalog/2022-04-01/items",
         {"marketplaceIds": JP, "identifiers": ",".join(p.asin for p in seller.products[:20]), "identifiersType": "ASIN",
          "pageSize": 20, "includedData": "attributes,classifications,dimensions,identifiers,images,productTypes,"
                                          "relationships,salesRanks,summaries,vendorDetails"}, name="catalog everything")
    case(CATALOG, "GET", "/catalog/2022-04-01/items", "/catalog/2022-04-01/items",
         {"marketplaceIds": US, "identifiers": seller.products[0].ean, "identifiersType": "EAN"}, name="catalog EAN")
    case(LISTINGS, "GET", "/listings/2021-08-01/items/{sellerId}", f"/listings/2021-08-01/items/{seller.seller_id}",
         {"marketplaceIds": JP, "includedData": "summaries,offers"})
    case(LISTINGS, "GET", "/listings/2021-08-01/items/{sellerId}", f"/listings/2021-08-01/items/{seller.seller_id}",
         {"marketplaceIds": US, "pageSize": 20, "lastUpdatedAfter": _since(2000),
          "includedData": "summaries,attributes,issues,offers,fulfillmentAvailability,productTypes"},
         name="listings everything")
    # cross-account and auth errors
    case(ORDERS, "GET", "/orders/v0/orders", "/orders/v0/orders", {"MarketplaceIds": US, "CreatedAfter": _since(9)},
         status=403, account="vendor", name="vendor calling Orders")
    case(VENDOR, "GET", "/vendor/orders/v1/purchaseOrders", "/vendor/orders/v1/purchaseOrders", status=403,
         name="seller calling Vendor Orders")
    return c


ALL_ORDER_DATA = "BUYER,RECIPIENT,PROCEEDS,EXPENSE,PROMOTION,CANCELLATION,FULFILLMENT,PACKAGES,TAX,PAYMENT,FULFILLMENT_ORDERS"


def _orders_2026_cases(case, order, canceled, jp_order) -> None:
    """searchOrders and getOrder 2026-01-01: every dataset, every kind of order, the error answers."""
    search, one = "/orders/2026-01-01/orders", "/orders/2026-01-01/orders/{orderId}"
    case(ORDERS_2026, "GET", search, search, {"createdAfter": _since(700), "includedData": ALL_ORDER_DATA,
                                              "marketplaceIds": f"{US},{DE},{JP}"}, name="searchOrders everything")
    case(ORDERS_2026, "GET", search, search, {"lastUpdatedAfter": _since(10), "marketplaceIds": JP,
                                              "maxResultsPerPage": 1}, name="searchOrders JP basic")
    case(ORDERS_2026, "GET", search, search, {"lastUpdatedAfter": _since(60), "fulfillmentStatuses": "CANCELLED,SHIPPED",
                                              "fulfilledBy": "MERCHANT", "includedData": ALL_ORDER_DATA},
         name="searchOrders filtered")
    case(ORDERS_2026, "GET", search, search, {}, status=400, name="searchOrders no date")
    case(ORDERS_2026, "GET", search, search, {"lastUpdatedAfter": _since(60), "paginationToken": "bogus"}, status=400,
         name="searchOrders foreign token")
    for chosen in (order, canceled, jp_order):
        case(ORDERS_2026, "GET", one, f"/orders/2026-01-01/orders/{chosen.amazon_order_id}",
             {"includedData": ALL_ORDER_DATA}, name=f"getOrder 2026 {chosen.status} {chosen.market.code}")
    case(ORDERS_2026, "GET", one, "/orders/2026-01-01/orders/999-0000000-0000000", status=404, name="getOrder 2026 404")


def test_every_response_shape_matches_the_model(emulator):
    clients = {"seller": Client(emulator, "seller"), "vendor": Client(emulator, "vendor")}
    problems = []
    cases = _cases(emulator)
    for case in cases:
        response = clients[case["account"]].call(case["method"], case["path"], params=case["params"], json=case["body"])
        if response.status_code != case["status"]:
            problems.append(f"{case['name']}: status {response.status_code} != {case['status']}: {response.text[:300]}")
            continue
        assert response.headers.get("x-amzn-RequestId"), case["name"]
        if case["status"] in (200, 202, 400, 404):
            assert float(response.headers["x-amzn-RateLimit-Limit"]) > 0, case["name"]
        if not response.content:
            continue
        found = errors(case["model"], case["method"], case["template"], case["status"], response.json())
        problems.extend(f"{case['name']}: {p}" for p in found[:5])
    assert len(cases) >= 60
    assert not problems, "\n".join(problems)


def test_every_page_of_search_orders_matches_the_model_whatever_roles_the_app_has(make_emulator):
    """All pages of a long window (every order of the dataset in the 2026 shape), for an app with every role
    and for one with no personal-data role."""
    for roles in (None, {"Inventory and Order Tracking"}):
        client = Client(make_emulator(**({} if roles is None else {"roles": roles})))
        params = {"lastUpdatedAfter": _since(720), "lastUpdatedBefore": _since(1), "includedData": ALL_ORDER_DATA}
        token, pages, problems = None, 0, []
        while True:
            body = client.get("/orders/2026-01-01/orders", **params, **({"paginationToken": token} if token else {})).json()
            problems += errors(ORDERS_2026, "GET", "/orders/2026-01-01/orders", 200, body)[:5]
            pages += 1
            token = (body.get("pagination") or {}).get("nextToken")
            if not token:
                break
        assert pages >= 4 and not problems, problems


def test_report_and_document_shapes_match_the_model(emulator):
    client = Client(emulator)
    created = client.post("/reports/2021-06-30/reports", {
        "reportType": "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", "marketplaceIds": [US],
        "dataStartTime": _since(301), "dataEndTime": _since(290)})
    assert created.status_code == 202
    assert not errors(REPORTS, "POST", "/reports/2021-06-30/reports", 202, created.json())
    report_id = created.json()["reportId"]
    seen = set()
    for _ in range(200):
        report = client.get(f"/reports/2021-06-30/reports/{report_id}").json()
        assert not errors(REPORTS, "GET", "/reports/2021-06-30/reports/{reportId}", 200, report), report
        seen.add(report["processingStatus"])
        if report["processingStatus"] == "DONE":
            break
    assert report["processingStatus"] == "DONE"
    document = client.get(f"/reports/2021-06-30/documents/{report['reportDocumentId']}").json()
    assert not errors(REPORTS, "GET", "/reports/2021-06-30/documents/{reportDocumentId}", 200, document)
    assert document["compressionAlgorithm"] == "GZIP"


@pytest.mark.parametrize("model,method,path", IMPLEMENTED, ids=[f"{m} {p}" for _, m, p in IMPLEMENTED])
def test_sandbox_examples_match_the_model(model, method, path):
    """Amazon's static sandbox responses are wire-shape fixtures: they must fit the definitions we validate with."""
    examples = list(sandbox_examples(model, method, path))
    for status, index, example in examples:
        key = f"{model} {method} {path} {status}#{index}"
        if "response" not in example:  # e.g. cancelReport's 200 has no body
            continue
        found = errors(model, method, path, status, example["response"], strict=False)
        if key in BROKEN_EXAMPLES:
            assert found, f"{key} is listed as broken but validates: remove it from BROKEN_EXAMPLES"
            continue
        assert not found, f"{key}: {found[:3]}"


def test_the_closed_validator_rejects_what_the_model_does_not_define(emulator):
    """Guards the check above against passing vacuously."""
    body = Client(emulator).get("/orders/v0/orders", MarketplaceIds=US, CreatedAfter=_since(30)).json()
    assert not errors(ORDERS, "GET", "/orders/v0/orders", 200, body)
    body["payload"]["Orders"][0]["Bogus"] = 1
    assert errors(ORDERS, "GET", "/orders/v0/orders", 200, body)
    del body["payload"]["Orders"][0]["Bogus"]
    searched = Client(emulator).get("/orders/2026-01-01/orders", lastUpdatedAfter=_since(30), includedData="PROCEEDS").json()
    assert not errors(ORDERS_2026, "GET", "/orders/2026-01-01/orders", 200, searched)
    searched["orders"][0]["orderItems"][0]["product"]["ItemPrice"] = {"amount": "1.00", "currencyCode": "USD"}
    assert errors(ORDERS_2026, "GET", "/orders/2026-01-01/orders", 200, searched)
    body["payload"]["Orders"][0]["OrderTotal"]["Amount"] = 12.5  # Orders money is a string
    assert errors(ORDERS, "GET", "/orders/v0/orders", 200, body)
    body["payload"]["Orders"][0]["OrderTotal"]["Amount"] = "12.50"
    body["payload"]["Orders"][0]["PurchaseDate"] = "yesterday"
    assert not errors(ORDERS, "GET", "/orders/v0/orders", 200, body)  # v0 dates are plain strings in the model
    groups = Client(emulator).get("/finances/v0/financialEventGroups", FinancialEventGroupStartedAfter=_since(60)).json()
    groups["payload"]["FinancialEventGroupList"][0]["FinancialEventGroupStart"] = "yesterday"
    assert errors(FINANCES, "GET", "/finances/v0/financialEventGroups", 200, groups)  # format: date-time
