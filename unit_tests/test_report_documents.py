"""Report documents as Amazon writes and serves them (requests-mock): per-report date formats and
localised headers, text without a declared charset, undecodable bytes, JSON without its records
array, refused and throttled downloads, and the report options discover depends on."""

from __future__ import annotations

import gzip
import json
import logging
from typing import List

import pytest
import requests_mock
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_amazon_seller_partner.reports import documents as documents_module
from unit_tests.test_reports import (
    DOCUMENTS,
    REPORTS,
    SIGNATURE,
    US,
    created_reports,
    make_sync,
    mock_auth,
    mock_document,
    mock_listing,
    mock_report,
    read,
    retriever,
    schema_of,
    window,
)

DE = "A1PA6795UKMFR9"
LEDGER = "GET_LEDGER_DETAIL_VIEW_DATA"
FEEDBACK = "GET_SELLER_FEEDBACK_DATA"
SETTLEMENT_V2 = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"


@pytest.fixture
def mocker():
    with requests_mock.Mocker(case_sensitive=True) as m:
        mock_auth(m)
        yield m


@pytest.fixture
def pauses(monkeypatch) -> List[float]:
    waited: List[float] = []
    monkeypatch.setattr(documents_module, "pause", waited.append)
    return waited


def done_report(m: requests_mock.Mocker, bodies: list, compression=None) -> None:
    mock_listing(m)
    m.post(REPORTS, status_code=202, json={"reportId": "R1"})
    mock_report(m, "R1", [{"processingStatus": "DONE", "reportDocumentId": "D1"}])
    mock_document(m, "D1", bodies, compression=compression)


# ------------------------------------------------------------------------- Amazon's own spellings


def test_ledger_dates_become_iso_as_4_6_4_emitted_them(mocker):
    body = ("Date\tFNSKU\tMSKU\tEvent Type\tQuantity\tDate and Time\r\n"
            "09/21/2026\tX001\tSKU-1\tShipments\t-2\t2026-09-21T17:04:11-0800\r\n").encode("utf-8")  # in the synced range
    done_report(mocker, [{"content": body, "headers": {"Content-Type": "text/plain;charset=UTF-8"}}])
    [record] = read(make_sync(), LEDGER)
    assert record["Date"] == "2026-09-21"
    assert record["Date and Time"] == "2026-09-21T17:04:11-08:00"
    assert record["Quantity"] == -2


def test_localised_feedback_gets_4_6_4s_column_names_and_iso_dates(mocker):
    header = "Datum\tBewertung\tKommentare\tIhre Antwort\tBestellnummer\tE-Mail-Adresse des Bewerters"
    body = (header + "\n13.9.26\t2\tKarton beschädigt\t\t302-1234567-7654321\tx@marketplace.amazon.de\n").encode("cp1252")
    done_report(mocker, [{"content": body, "headers": {"Content-Type": "text/plain;charset=Cp1252"}}])
    [record] = read(make_sync(region="DE"), FEEDBACK, window(marketplace=DE))
    assert {k: v for k, v in record.items() if k not in ("dataStartTime", "dataEndTime")} == {
        "date": "2026-09-13", "rating": 2, "comments": "Karton beschädigt", "response": None,
        "order_id": "302-1234567-7654321", "rater_email": "x@marketplace.amazon.de", "marketplace_id": DE,
    }


def test_a_utf8_settlement_without_a_charset_is_not_read_as_cp1252(mocker):
    listing = [{"reportId": "S1", "reportType": SETTLEMENT_V2, "marketplaceIds": [US], "processingStatus": "DONE",
                "reportDocumentId": "D1", "createdTime": "2026-10-10T00:00:00+00:00",
                "dataStartTime": "2026-09-20T00:00:00+00:00", "dataEndTime": "2026-10-04T00:00:00+00:00"}]
    body = ("settlement-id\tsettlement-start-date\tamount-description\tamount\tposted-date-time\n"
            "11\t2026-09-20 00:00:00 UTC\t\t-5.00\t\n"
            "11\t\tCafé 5€ coupon\t-5.00\t2026-09-21 10:00:00 UTC\n").encode("utf-8")
    mocker.get(REPORTS, json={"reports": listing})
    mock_document(mocker, "D1", [{"content": body, "headers": {"Content-Type": "text/plain"}}])
    stream_slice = window("2026-09-01T00:00:00Z", "2026-10-30T23:59:59Z")
    records = list(retriever(make_sync(), SETTLEMENT_V2).read_records(schema_of(SETTLEMENT_V2), stream_slice))
    assert records[1]["amount-description"] == "Café 5€ coupon"
    assert records[0]["settlement-start-date"] == "2026-09-20T00:00:00+00:00"
    assert records[1]["posted-date-time"] == "2026-09-21T10:00:00+00:00"


def test_an_undecodable_byte_does_not_block_the_stream(mocker, caplog):
    body = b"amazon-order-id\tsku\tproduct-name\r\n111-1\tA\tfine\r\n111-2\tB\tbad \x81 byte\r\n"
    done_report(mocker, [{"content": body, "headers": {"Content-Type": "text/plain;charset=Cp1252"}}])
    job = retriever(make_sync())
    with caplog.at_level(logging.WARNING, logger="airbyte"):
        records = list(job.read_records(schema_of("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"), window()))
    assert [r["product-name"] for r in records] == ["fine", "bad \ufffd byte"]
    assert job.cursor.observed  # the window completed: the state moves on
    [warning] = [r.getMessage() for r in caplog.records if "U+FFFD" in r.getMessage()]
    assert "id R1" in warning and "line 3" in warning


def test_a_column_no_schema_knows_reaches_the_record_and_is_logged_once_per_stream(mocker, caplog):
    body = b"sku\tfnsku\tafn-fulfillable-quantity\tstore\r\nA\tX1\t4\tAmazon.com\r\nB\tX2\t5\tAmazon.com\r\n"
    done_report(mocker, [{"content": body, "headers": {"Content-Type": "text/plain;charset=Cp1252"}}])
    with caplog.at_level(logging.WARNING, logger="airbyte"):
        records = read(make_sync(), "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA")
    assert [(r["store"], r["afn-fulfillable-quantity"]) for r in records] == [("Amazon.com", 4), ("Amazon.com", 5)]
    logged = [r.getMessage() for r in caplog.records if "'store'" in r.getMessage()]
    assert len(logged) == 1 and "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA" in logged[0]


@pytest.mark.parametrize("document", [{"salesAndTrafficByDate": []}, {"salesAndTrafficByAsin": None}, {"salesAndTrafficByAsin": {}}])
def test_a_json_report_without_its_records_array_fails_the_window_but_an_empty_array_is_no_rows(mocker, document):
    stream = "GET_SALES_AND_TRAFFIC_REPORT_BY_ASIN"
    done_report(mocker, [{"content": json.dumps({"salesAndTrafficByAsin": []}).encode()}])
    job = retriever(make_sync(), stream)
    assert list(job.read_records(schema_of(stream), window())) == [] and job.cursor.observed  # empty: the window completes

    mocker.reset_mock()
    mock_auth(mocker)
    done_report(mocker, [{"content": gzip.compress(json.dumps(document).encode())}], compression="GZIP")
    job = retriever(make_sync(), stream)
    with pytest.raises(AirbyteTracedException) as failure:
        list(job.read_records(schema_of(stream), window()))
    assert "GET_SALES_AND_TRAFFIC_REPORT" in failure.value.message and "salesAndTrafficByAsin" in failure.value.message
    assert job.cursor.observed == []  # the state does not move past the window


# ----------------------------------------------------------------------------------- downloads


ORDERS_BODY = b"amazon-order-id\tsku\r\n111-1\tA\r\n"


def test_a_bare_403_from_get_report_document_is_asked_again(mocker, pauses):
    mock_listing(mocker)
    mocker.post(REPORTS, status_code=202, json={"reportId": "R1"})
    mock_report(mocker, "R1", [{"processingStatus": "DONE", "reportDocumentId": "D1"}])
    url = f"https://s3.test/D1/0?{SIGNATURE}"
    mocker.get(url.split("?")[0], content=ORDERS_BODY)
    mocker.get(f"{DOCUMENTS}/D1", [{"status_code": 403, "content": b""}, {"status_code": 403, "content": b""},
                                   {"json": {"reportDocumentId": "D1", "url": url}}])
    assert [r["sku"] for r in read(make_sync())] == ["A"]
    assert len(pauses) == 2


def test_a_403_with_amazons_error_body_from_get_report_document_is_not_retried_as_bare(mocker, pauses):
    mock_listing(mocker)
    mocker.post(REPORTS, status_code=202, json={"reportId": "R1"})
    mock_report(mocker, "R1", [{"processingStatus": "DONE", "reportDocumentId": "D1"}])
    denied = {"errors": [{"code": "Unauthorized", "message": "Access to requested resource is denied."}]}
    mocker.get(f"{DOCUMENTS}/D1", status_code=403, json=denied)
    with pytest.raises(AirbyteTracedException) as failure:
        read(make_sync())
    assert "denied access" in failure.value.message and pauses == []


def test_a_refused_document_url_is_fetched_again_with_a_fresh_url_at_once(mocker, pauses):
    done_report(mocker, [{"status_code": 403, "content": b""},
                         {"status_code": 403, "content": b"<?xml version='1.0'?><Error><Code>AccessDenied</Code>"
                                                          b"<Message>Request has expired</Message></Error>"},
                         {"content": ORDERS_BODY}])
    assert [r["sku"] for r in read(make_sync())] == ["A"]
    assert pauses == []
    assert len([r for r in mocker.request_history if r.url.startswith(DOCUMENTS)]) == 3


def test_a_throttled_or_failing_document_host_is_waited_out(mocker, pauses, caplog):
    slow_down = b"<?xml version='1.0'?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
    done_report(mocker, [{"status_code": 503, "content": slow_down, "headers": {"Retry-After": "7"}},
                         {"status_code": 500, "content": b"<Error><Code>InternalError</Code></Error>"},
                         {"status_code": 429, "content": slow_down},
                         {"content": ORDERS_BODY}])
    with caplog.at_level(logging.WARNING, logger="airbyte"):
        assert [r["sku"] for r in read(make_sync())] == ["A"]
    # Retry-After, then a jittered wait (workers failing together do not come back together) in the
    # upper half of 2 s doubling per attempt
    assert pauses[0] == 7.0 and len(pauses) == 3
    assert 2.0 <= pauses[1] <= 4.0 and 4.0 <= pauses[2] <= 8.0
    assert any("HTTP 503 SlowDown" in r.getMessage() for r in caplog.records)


def test_a_url_that_expired_while_the_connector_waited_is_replaced_without_costing_a_retry(mocker, pauses, caplog):
    expired = b"<?xml version='1.0'?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"
    done_report(mocker, [{"status_code": 503, "content": b"<Error><Code>SlowDown</Code></Error>"},
                         {"status_code": 403, "content": expired},
                         {"content": ORDERS_BODY}])
    with caplog.at_level(logging.INFO, logger="airbyte"):
        assert [r["sku"] for r in read(make_sync())] == ["A"]
    lines = [r.getMessage() for r in caplog.records]
    assert len(pauses) == 1  # the 503 only: the expired URL is replaced at once
    assert len([r for r in mocker.request_history if r.url.startswith(DOCUMENTS)]) == 2
    assert sum("expired while the connector waited" in line for line in lines) == 1
    assert sum("retries)" in line for line in lines) == 1  # one retry counted: the 503's


def test_a_url_refused_before_any_wait_costs_a_retry(mocker, pauses, caplog):
    denied = b"<?xml version='1.0'?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
    done_report(mocker, [{"status_code": 403, "content": denied}, {"content": ORDERS_BODY}])
    with caplog.at_level(logging.INFO, logger="airbyte"):
        assert [r["sku"] for r in read(make_sync())] == ["A"]
    lines = [r.getMessage() for r in caplog.records]
    assert pauses == []
    assert any("HTTP 403 AccessDenied; downloading it again with a fresh URL (1 of 40 retries)" in line for line in lines)


# ------------------------------------------------------------------------------ report options


def discovered(**config) -> set:
    import logging as _logging

    source = make_sync(**config)
    return {stream.name for stream in source.discover(_logging.getLogger("test"), source._config).streams}


def test_streams_whose_required_options_are_missing_are_not_offered():
    names = discovered()
    assert "GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT" not in names
    assert "GET_MARKETPLACE_ASIN_PAGE_VIEW_METRICS" not in names
    assert "GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT" in names
    options = [
        {"stream_name": "GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT",
         "report_name": "GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT",
         "options_list": [{"option_name": "asin", "option_value": "B000000001"}]},
        {"stream_name": "x", "report_name": "GET_MARKETPLACE_ASIN_PAGE_VIEW_METRICS",
         "options_list": [{"option_name": "productType", "option_value": "HOME"}]},
    ]
    names = discovered(report_options_list=options)
    assert {"GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT", "GET_MARKETPLACE_ASIN_PAGE_VIEW_METRICS"} <= names


def test_selecting_a_withheld_stream_says_which_option_enables_it():
    from airbyte_cdk.models import ConfiguredAirbyteCatalogSerializer

    catalog = ConfiguredAirbyteCatalogSerializer.load({"streams": [{
        "stream": {"name": "GET_MARKETPLACE_ASIN_PAGE_VIEW_METRICS", "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
        "sync_mode": "full_refresh", "destination_sync_mode": "append"}]})
    source = make_sync()
    with requests_mock.Mocker() as m:
        mock_auth(m)
        with pytest.raises(AirbyteTracedException) as failure:
            list(source.read(logging.getLogger("test"), source._config, catalog))
    assert "GET_MARKETPLACE_ASIN_PAGE_VIEW_METRICS needs the report option productType in report_options_list" in failure.value.message


@pytest.mark.parametrize("marketplace, currency", [(US, "USD"), (DE, "EUR")])
def test_vendor_real_time_sales_gets_the_marketplaces_currency_unless_the_user_sets_one(mocker, marketplace, currency):
    stream = "GET_VENDOR_REAL_TIME_SALES_REPORT"
    mock_listing(mocker)
    mocker.post(REPORTS, status_code=202, json={"reportId": "R1"})
    mock_report(mocker, "R1", [{"processingStatus": "CANCELLED"}])
    region = "DE" if marketplace == DE else "US"
    day = window("2026-10-01T00:00:00Z", "2026-10-01T23:59:59Z", marketplace)
    read(make_sync(account_type="Vendor", region=region), stream, day)
    options = [{"stream_name": stream, "report_name": stream, "options_list": [{"option_name": "currencyCode", "option_value": "CAD"}]}]
    read(make_sync(account_type="Vendor", region=region, report_options_list=options), stream, day)
    assert [body["reportOptions"] for body in created_reports(mocker)] == [{"currencyCode": currency}, {"currencyCode": "CAD"}]
