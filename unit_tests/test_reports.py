"""The report job against a mocked SP-API (requests-mock): request body, reuse/resume, polling
outcomes, re-download of cut documents, charsets, secrets kept out of logs, and the CDK's state."""

from __future__ import annotations

import gzip
import io
import json
import logging
import re
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import requests
import requests_mock
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.streams.concurrent.cursor import CursorField
from airbyte_cdk.sources.types import StreamSlice
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_amazon_seller_partner.catalog.reports import load_report_catalog
from source_amazon_seller_partner.reports.listing import RecentReports
from source_amazon_seller_partner.reports.retriever import ReportRetriever
from source_amazon_seller_partner.reports.settings import JobSettings
from source_amazon_seller_partner.source import SourceAmazonSellerPartner

API = "https://sp.test"
LWA = "https://lwa.test/auth/o2/token"
REPORTS = f"{API}/reports/2021-06-30/reports"
DOCUMENTS = f"{API}/reports/2021-06-30/documents"
SIGNATURE = "X-Amz-Signature=c2VjcmV0LXByZXNpZ25lZC1zaWduYXR1cmU"
US = "ATVPDKIKX0DER"
START, END = "2026-10-01T00:00:00Z", "2026-10-30T23:59:59Z"
SCHEMAS = Path(__file__).resolve().parent.parent / "source_amazon_seller_partner" / "schemas"

ORDERS = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
ORDER_COLUMNS = ["amazon-order-id", "sku", "last-updated-date", "quantity", "item-price", "product-name"]
ORDER_ROWS = [
    ["111-0000001-0000001", "SKU-A", "2026-10-02T10:00:00+00:00", "2", "19.99", "Caf\u00e9 mug \u20ac edition"],
    ["111-0000002-0000002", "SKU-B", "2026-10-03T11:30:00+00:00", "1", "5.00", '"Big" box'],
    ["111-0000003-0000003", "SKU-C", "2026-10-04T12:45:00+00:00", "3", "1,234.50", "Cr\u00e8me br\u00fbl\u00e9e"],
]


# ------------------------------------------------------------------------------------------ helpers


def orders_tsv(encoding: str = "cp1252") -> bytes:
    lines = ["\t".join(ORDER_COLUMNS)] + ["\t".join(row) for row in ORDER_ROWS]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def make_sync(**overrides: Any) -> SourceAmazonSellerPartner:
    """One sync's source (its config and context) against the mocked API."""
    raw: Dict[str, Any] = {
        "aws_environment": "PRODUCTION",
        "region": "US",
        "account_type": "Seller",
        "lwa_app_id": "amzn1.application-oa2-client.test",
        "lwa_client_secret": "test-client-secret",
        "refresh_token": "Atzr|test-refresh-token",
        "api_url": API,
        "lwa_url": LWA,
        "replication_start_date": "2026-09-01T00:00:00Z",
        "report_fatal_retry_cooldown_seconds": 0,
        "_report_poll_first_seconds": 0,
        "_report_wait_timeout_seconds": 5,
    }
    raw.update(overrides)
    return SourceAmazonSellerPartner(config=raw)


class RecordingCursor:
    """Stands in for the CDK cursor: records what the job marks as read."""

    cursor_field = CursorField("dataEndTime")

    def __init__(self) -> None:
        self.observed: List[Any] = []

    def observe(self, record: Any) -> None:
        self.observed.append(dict(record))


def retriever(sync: SourceAmazonSellerPartner, stream: str = ORDERS) -> ReportRetriever:
    return ReportRetriever(config=sync._config, parameters={}, name=stream, cursor=RecordingCursor(), context=sync.context)


def schema_of(stream: str) -> Dict[str, Any]:
    return json.loads((SCHEMAS / f"{stream}.json").read_text())


def window(start: str = START, end: str = END, marketplace: str = US) -> StreamSlice:
    return StreamSlice(partition={"marketplace_id": marketplace}, cursor_slice={"start_time": start, "end_time": end})


def read(sync: SourceAmazonSellerPartner, stream: str = ORDERS, stream_slice: Optional[StreamSlice] = None) -> List[Dict[str, Any]]:
    job = retriever(sync, stream)
    return list(job.read_records(schema_of(stream), stream_slice or window()))


def created_ago(minutes: float) -> str:
    return (datetime.now(timezone.utc) - timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def mock_auth(m: requests_mock.Mocker) -> None:
    m.post(LWA, json={"access_token": "Atza|test-access-token", "token_type": "bearer", "expires_in": 3600})


def mock_listing(m: requests_mock.Mocker, reports: Optional[List[Dict[str, Any]]] = None) -> None:
    m.get(REPORTS, json={"reports": reports or []})


def mock_report(m: requests_mock.Mocker, report_id: str, statuses: List[Dict[str, Any]]) -> None:
    m.get(f"{REPORTS}/{report_id}", [{"json": {"reportId": report_id, **status}} for status in statuses])


def mock_document(m: requests_mock.Mocker, document_id: str, bodies: List[Dict[str, Any]], compression: Optional[str] = None) -> None:
    """getReportDocument answers a fresh presigned URL per call; the host answers `bodies` in turn
    (the last one again and again), whichever of the document's URLs is asked."""
    answers = []
    for index in range(len(bodies)):
        answer: Dict[str, Any] = {"reportDocumentId": document_id, "url": f"https://s3.test/{document_id}/{index}?{SIGNATURE}"}
        if compression:
            answer["compressionAlgorithm"] = compression
        # Amazon names the operation's rate on its answers; a fast one keeps tests with many refused
        # URLs (one getReportDocument each) from waiting out the documented 1 call a minute.
        answers.append({"json": answer, "headers": {"x-amzn-RateLimit-Limit": "100"}})
    m.get(re.compile(rf"^https://s3\.test/{document_id}/"), bodies)
    m.get(f"{DOCUMENTS}/{document_id}", answers)


def created_reports(m: requests_mock.Mocker) -> List[Dict[str, Any]]:
    return [r.json() for r in m.request_history if r.method == "POST" and r.url == REPORTS]


def calls(m: requests_mock.Mocker, method: str, url_prefix: str) -> list:
    return [r for r in m.request_history if r.method == method and r.url.split("?")[0] == url_prefix]


@pytest.fixture
def mocker():
    with requests_mock.Mocker(case_sensitive=True) as m:
        mock_auth(m)
        yield m


# ------------------------------------------------------------------------------------ request body


def test_create_report_body_has_window_marketplace_and_user_options(mocker):
    stream = "GET_LEDGER_SUMMARY_VIEW_DATA"
    config = make_sync(
        report_options_list=[
            {
                "stream_name": "my_ledger",
                "report_name": stream,
                "options_list": [
                    {"option_name": "aggregatedByTimePeriod", "option_value": "MONTHLY"},
                    {"option_name": "extraOption", "option_value": "yes"},
                ],
            }
        ]
    )
    mock_listing(mocker)
    mocker.post(REPORTS, status_code=202, json={"reportId": "R1"})
    mock_report(mocker, "R1", [{"processingStatus": "CANCELLED"}])

    assert read(config, stream) == []
    assert created_reports(mocker) == [
        {
            "reportType": stream,
            "marketplaceIds": [US],
            "dataStartTime": START,
            "dataEndTime": END,
            "reportOptions": {"aggregateByLocation": "COUNTRY", "aggregatedByTimePeriod": "MONTHLY", "extraOption": "yes"},
        }
    ]
    # the presigned-URL host never got the SP-API token; SP-API calls did
    assert all(r.headers.get("x-amz-access-token") == "Atza|test-access-token" for r in mocker.request_history if r.url.startswith(API))


def test_reports_dated_by_options_get_the_window_in_their_options(mocker):
    stream = "GET_COUPON_PERFORMANCE_REPORT"
    mock_listing(mocker)
    mocker.post(REPORTS, status_code=202, json={"reportId": "R1"})
    mock_report(mocker, "R1", [{"processingStatus": "CANCELLED"}])

    assert read(make_sync(), stream) == []
    body = created_reports(mocker)[0]
    assert body["reportOptions"] == {"couponStartDateFrom": body["dataStartTime"], "couponStartDateTo": body["dataEndTime"]}


def test_options_entry_for_the_stream_name_wins_over_the_report_type_entry(mocker):
    stream = "GET_LEDGER_SUMMARY_VIEW_DATA"
    config = make_sync(
        report_options_list=[
            {"stream_name": "other", "report_name": stream, "options_list": [{"option_name": "aggregateByLocation", "option_value": "FC"}]},
            {"stream_name": stream, "report_name": stream, "options_list": [{"option_name": "aggregatedByTimePeriod", "option_value": "WEEKLY"}]},
        ]
    )
    mock_listing(mocker)
    mocker.post(REPORTS, status_code=202, json={"reportId": "R1"})
    mock_report(mocker, "R1", [{"processingStatus": "CANCELLED"}])
    read(config, stream)
    assert created_reports(mocker)[0]["reportOptions"] == {"aggregateByLocation": "COUNTRY", "aggregatedByTimePeriod": "WEEKLY"}


def test_snapshot_reports_are_requested_without_dates(mocker):
    stream = "GET_MERCHANT_LISTINGS_ALL_DATA"
    mock_listing(mocker)
    mocker.post(REPORTS, status_code=202, json={"reportId": "R1"})
    mock_report(mocker, "R1", [{"processingStatus": "CANCELLED"}])
    read(make_sync(), stream)
    assert created_reports(mocker) == [{"reportType": stream, "marketplaceIds": [US]}]


# ---------------------------------------------------------------------------------- DONE and decoding


def test_done_report_rows_are_typed_stamped_and_cp1252_text_is_intact(mocker):
    config = make_sync()
    mock_listing(mocker)
    mocker.post(REPORTS, status_code=202, json={"reportId": "R1"})
    mock_report(mocker, "R1", [{"processingStatus": "IN_QUEUE"}, {"processingStatus": "IN_PROGRESS"}, {"processingStatus": "DONE", "reportDocumentId": "D1"}])
    mock_document(mocker, "D1", [{"content": orders_tsv("cp1252"), "headers": {"Content-Type": "text/plain;charset=Cp1252"}}])

    job = retriever(config)
    records = list(job.read_records(schema_of(ORDERS), window()))

    assert [r["amazon-order-id"] for r in records] == [row[0] for row in ORDER_ROWS]
    assert records[0]["product-name"] == "Caf\u00e9 mug \u20ac edition"
    assert records[1]["product-name"] == '"Big" box'  # a quote is data in SP-API flat files
    assert records[2]["product-name"] == "Cr\u00e8me br\u00fbl\u00e9e"
    assert records[0]["quantity"] == 2 and records[2]["item-price"] == 1234.5
    assert {(r["marketplace_id"], r["dataStartTime"], r["dataEndTime"]) for r in records} == {(US, START, END)}
    # the presigned URL was fetched without SP-API credentials
    downloads = [r for r in mocker.request_history if r.url.startswith("https://s3.test/")]
    assert len(downloads) == 1 and "x-amz-access-token" not in downloads[0].headers
    # the window is marked read up to the next window's start
    assert job.cursor.observed == [{"dataEndTime": "2026-10-31T00:00:00Z"}]


def test_json_report_items_are_streamed_from_a_gzip_document(mocker):
    stream = "GET_SALES_AND_TRAFFIC_REPORT"
    document = {
        "reportSpecification": {"reportType": stream},
        "salesAndTrafficByDate": [
            {"date": "2026-10-01", "salesByDate": {"unitsOrdered": 3}, "trafficByDate": {"pageViews": 10}},
            {"date": "2026-10-02", "salesByDate": {"unitsOrdered": 4}, "trafficByDate": {"pageViews": 12}},
        ],
        "salesAndTrafficByAsin": [{"parentAsin": "B000000001"}],
    }
    mock_listing(mocker)
    mocker.post(REPORTS, status_code=202, json={"reportId": "R1"})
    mock_report(mocker, "R1", [{"processingStatus": "DONE", "reportDocumentId": "D1"}])
    mock_document(mocker, "D1", [{"content": gzip.compress(json.dumps(document).encode())}], compression="GZIP")

    records = read(make_sync(), stream)
    assert [(r["date"], r["salesByDate"]["unitsOrdered"], r["marketplace_id"]) for r in records] == [("2026-10-01", 3, US), ("2026-10-02", 4, US)]


def test_shift_jis_is_the_default_charset_for_japan(mocker):
    config = make_sync(region="JP")
    jp = "A1VC38T7YXB528"
    body = ("amazon-order-id\tsku\tproduct-name\r\n503-1\tSKU-J\t\u65e5\u672c\u8a9e\u2460\r\n").encode("cp932")
    mock_listing(mocker)
    mocker.post(REPORTS, status_code=202, json={"reportId": "R1"})
    mock_report(mocker, "R1", [{"processingStatus": "DONE", "reportDocumentId": "D1"}])
    mock_document(mocker, "D1", [{"content": body, "headers": {"Content-Type": "text/plain"}}])
    records = read(config, stream_slice=window(marketplace=jp))
    assert records[0]["product-name"] == "\u65e5\u672c\u8a9e\u2460"


# ----------------------------------------------------------------------------------- reuse and resume


def test_a_matching_recent_report_is_reused_and_no_report_is_created(mocker):
    listing = [
        {"reportId": "OTHER-MP", "reportType": ORDERS, "marketplaceIds": ["A2EUQ1WTGCTBG2"], "processingStatus": "DONE",
         "dataStartTime": "2026-10-01T00:00:00+00:00", "dataEndTime": "2026-10-30T23:59:59+00:00", "createdTime": created_ago(5), "reportDocumentId": "DX"},
        {"reportId": "OTHER-WINDOW", "reportType": ORDERS, "marketplaceIds": [US], "processingStatus": "DONE",
         "dataStartTime": "2026-09-01T00:00:00+00:00", "dataEndTime": "2026-09-30T23:59:59+00:00", "createdTime": created_ago(5), "reportDocumentId": "DX"},
        {"reportId": "MATCH", "reportType": ORDERS, "marketplaceIds": [US], "processingStatus": "DONE",
         "dataStartTime": "2026-10-01T00:00:00+00:00", "dataEndTime": "2026-10-30T23:59:59+00:00", "createdTime": created_ago(10), "reportDocumentId": "D1"},
    ]
    mock_listing(mocker, listing)
    mock_report(mocker, "MATCH", [{"processingStatus": "DONE", "reportDocumentId": "D1"}])
    mock_document(mocker, "D1", [{"content": orders_tsv()}])

    records = read(make_sync())

    assert len(records) == 3
    assert created_reports(mocker) == []
    listing_calls = calls(mocker, "GET", REPORTS)
    assert len(listing_calls) == 1
    query = listing_calls[0].qs
    # every status: CANCELLED and FATAL requests count against per-type quotas too (never reused)
    assert query["reportTypes"] == [ORDERS] and query["processingStatuses"] == ["IN_QUEUE,IN_PROGRESS,DONE,CANCELLED,FATAL"]
    assert query["pageSize"] == ["100"] and "createdSince" in query


def test_a_pending_report_of_an_earlier_sync_is_resumed_not_requested_again(mocker):
    listing = [
        {"reportId": "PENDING", "reportType": ORDERS, "marketplaceIds": [US], "processingStatus": "IN_PROGRESS",
         "dataStartTime": START, "dataEndTime": END, "createdTime": created_ago(600)},
    ]
    # reuse of DONE reports is off: a pending report for the same window is still resumed
    config = make_sync(report_reuse_max_age_minutes=0)
    mock_listing(mocker, listing)
    mock_report(mocker, "PENDING", [{"processingStatus": "IN_PROGRESS"}, {"processingStatus": "DONE", "reportDocumentId": "D1"}])
    mock_document(mocker, "D1", [{"content": orders_tsv()}])

    assert len(read(config)) == 3
    assert created_reports(mocker) == []
    assert len(calls(mocker, "GET", f"{REPORTS}/PENDING")) == 2


def test_the_last_window_resumes_a_report_that_ends_at_an_earlier_syncs_now(mocker):
    config = make_sync(replication_end_date="2026-10-30T23:59:59Z")
    earlier_now = "2026-10-20T08:00:00Z"
    listing = [{"reportId": "EARLIER", "reportType": ORDERS, "marketplaceIds": [US], "processingStatus": "IN_QUEUE",
                "dataStartTime": START, "dataEndTime": earlier_now, "createdTime": created_ago(300)}]
    mock_listing(mocker, listing)
    mock_report(mocker, "EARLIER", [{"processingStatus": "DONE", "reportDocumentId": "D1"}])
    mock_document(mocker, "D1", [{"content": orders_tsv()}])

    job = retriever(config)
    records = list(job.read_records(schema_of(ORDERS), window(START, config._config["_end_date"])))

    assert created_reports(mocker) == []
    assert {r["dataEndTime"] for r in records} == {earlier_now}
    # the state stops where that report's data stops, not at this window's end
    assert job.cursor.observed == [{"dataEndTime": "2026-10-20T08:00:01Z"}]


def test_get_reports_follows_next_token_sent_alone(mocker):
    page_two = [{"reportId": "MATCH", "reportType": ORDERS, "marketplaceIds": [US], "processingStatus": "DONE",
                 "dataStartTime": START, "dataEndTime": END, "createdTime": created_ago(1), "reportDocumentId": "D1"}]
    mocker.get(REPORTS, [{"json": {"reports": [], "nextToken": "token+/=1"}}, {"json": {"reports": page_two}}])
    mock_report(mocker, "MATCH", [{"processingStatus": "DONE", "reportDocumentId": "D1"}])
    mock_document(mocker, "D1", [{"content": orders_tsv()}])

    assert len(read(make_sync())) == 3
    listing_calls = calls(mocker, "GET", REPORTS)
    assert len(listing_calls) == 2
    assert listing_calls[1].qs == {"nextToken": ["token+/=1"]}
    assert created_reports(mocker) == []


def test_report_types_waiting_together_share_one_listing_call(mocker):
    types = ["T_FIRST", "T_SECOND", "T_THIRD"]
    config = make_sync()
    index = RecentReports(config.context.transport("listing", {}), JobSettings.from_config(config._config))
    first_call_entered = threading.Event()

    def listing(request, context):
        if not first_call_entered.is_set():
            first_call_entered.set()
            deadline = time.monotonic() + 5
            # hold the first call until the other two types are waiting behind it
            while len(index._waiting) < 3 and time.monotonic() < deadline:
                time.sleep(0.01)
        return {"reports": []}

    mocker.get(REPORTS, json=listing)
    first = threading.Thread(target=index.reports_of, args=(types[0],))
    first.start()
    assert first_call_entered.wait(5)
    others = [threading.Thread(target=index.reports_of, args=(t,)) for t in types[1:]]
    for thread in others:
        thread.start()
    for thread in [first, *others]:
        thread.join(10)

    listed = [r.qs["reportTypes"][0] for r in calls(mocker, "GET", REPORTS)]
    assert listed[0] == "T_FIRST"
    assert len(listed) == 2 and sorted(listed[1].split(",")) == ["T_SECOND", "T_THIRD"]


def test_announced_report_types_are_listed_ten_per_call(mocker):
    sync = make_sync()
    types = [f"T_{n:02d}" for n in range(23)]
    index = sync.context.recent_reports
    index.expect(types)
    mocker.get(REPORTS, json={"reports": []})
    for report_type in reversed(types):
        index.reports_of(report_type)
    listed = [r.qs["reportTypes"][0].split(",") for r in calls(mocker, "GET", REPORTS)]
    assert [len(batch) for batch in listed] == [10, 10, 3]
    assert sorted(t for batch in listed for t in batch) == types
    assert listed[0][0] == "T_22"  # the type a slice is waiting for comes first


# ---------------------------------------------------------------------------------- CANCELLED / FATAL


def test_cancelled_report_yields_no_records_logs_why_and_completes_the_window(mocker, caplog):
    mock_listing(mocker)
    mocker.post(REPORTS, status_code=202, json={"reportId": "R1"})
    mock_report(mocker, "R1", [{"processingStatus": "IN_QUEUE"}, {"processingStatus": "CANCELLED"}])
    job = retriever(make_sync())
    with caplog.at_level(logging.INFO, logger="airbyte"):
        records = list(job.read_records(schema_of(ORDERS), window()))
    assert records == []
    assert f"Report {ORDERS} for {START}..{END} in marketplace {US} was CANCELLED by Amazon: no data for this range." in caplog.text
    assert job.cursor.observed == [{"dataEndTime": "2026-10-31T00:00:00Z"}]


def test_fatal_twice_fails_with_amazons_reason_and_the_window(mocker, caplog):
    mock_listing(mocker)
    mocker.post(REPORTS, [{"status_code": 202, "json": {"reportId": "F1"}}, {"status_code": 202, "json": {"reportId": "F2"}}])
    mock_report(mocker, "F1", [{"processingStatus": "FATAL", "reportDocumentId": "DF1"}])
    mock_report(mocker, "F2", [{"processingStatus": "FATAL", "reportDocumentId": "DF2"}])
    reason = '{"errorDetails": "This report cannot be generated for the requested period. Try a shorter range."}'
    mock_document(mocker, "DF1", [{"text": reason}])
    mock_document(mocker, "DF2", [{"text": reason}])
    job = retriever(make_sync())

    with caplog.at_level(logging.INFO, logger="airbyte"), pytest.raises(AirbyteTracedException) as failure:
        list(job.read_records(schema_of(ORDERS), window()))

    message = failure.value.message
    assert ORDERS in message and f"{START}..{END}" in message and US in message
    assert "This report cannot be generated for the requested period" in message
    assert failure.value.failure_type == FailureType.system_error
    assert len(created_reports(mocker)) == 2  # the second is a new request, not the FATAL one again
    assert "This report cannot be generated" in caplog.text  # the first reason is logged before retrying
    assert job.cursor.observed == []  # the window stays unread


def test_a_fatal_reason_is_read_through_a_throttled_document_host(mocker, monkeypatch):
    from source_amazon_seller_partner.reports import documents as documents_module

    monkeypatch.setattr(documents_module, "pause", lambda seconds: None)
    mock_listing(mocker)
    mocker.post(REPORTS, [{"status_code": 202, "json": {"reportId": "F1"}}, {"status_code": 202, "json": {"reportId": "F2"}}])
    slow_down = {"status_code": 503, "text": "<Error><Code>SlowDown</Code></Error>"}
    reason = {"text": '{"errorDetails": "The report cannot be generated for this seller."}'}
    for report_id in ("F1", "F2"):
        mock_report(mocker, report_id, [{"processingStatus": "FATAL", "reportDocumentId": f"D{report_id}"}])
        mock_document(mocker, f"D{report_id}", [slow_down, slow_down, reason])
    with pytest.raises(AirbyteTracedException) as failure:
        list(retriever(make_sync()).read_records(schema_of(ORDERS), window()))
    assert "The report cannot be generated for this seller" in failure.value.message


def test_a_fatal_reason_reaches_logs_and_errors_sanitised(mocker, caplog):
    mock_listing(mocker)
    mocker.post(REPORTS, [{"status_code": 202, "json": {"reportId": "F1"}}, {"status_code": 202, "json": {"reportId": "F2"}}])
    details = ("Report failed \x00\x1b[31mfor seller jane.doe@example.test; see "
               "https://s3.test/reason?X-Amz-Signature=c2lnbmF0dXJl&X-Amz-Expires=300 and /path?token=abc " + "x" * 700)
    for report_id in ("F1", "F2"):
        mock_report(mocker, report_id, [{"processingStatus": "FATAL", "reportDocumentId": f"D{report_id}"}])
        mock_document(mocker, f"D{report_id}", [{"text": json.dumps({"errorDetails": details})}])
    with caplog.at_level(logging.INFO, logger="airbyte"), pytest.raises(AirbyteTracedException) as failure:
        list(retriever(make_sync()).read_records(schema_of(ORDERS), window()))
    logged = [r.getMessage() for r in caplog.records if "FATAL" in r.getMessage()]
    for text in [failure.value.message, *logged]:
        assert "Report failed" in text and "for seller <e-mail>" in text
        assert "jane.doe@example.test" not in text and "c2lnbmF0dXJl" not in text and "s3.test" not in text and "token=abc" not in text
        assert "\x00" not in text and "\x1b" not in text and "\n" not in text
        assert "x" * 301 not in text and len(text) < 700  # Amazon's reason is cut to 300 characters


def test_fatal_for_missing_access_is_a_config_error(mocker):
    mock_listing(mocker)
    mocker.post(REPORTS, [{"status_code": 202, "json": {"reportId": "F1"}}, {"status_code": 202, "json": {"reportId": "F2"}}])
    mock_report(mocker, "F1", [{"processingStatus": "FATAL"}])
    mock_report(mocker, "F2", [{"processingStatus": "FATAL", "reportDocumentId": "DF2"}])
    mock_document(mocker, "DF2", [{"text": "Access to the requested report type is denied: the Brand Analytics role is required."}])
    with pytest.raises(AirbyteTracedException) as failure:
        read(make_sync())
    assert failure.value.failure_type == FailureType.config_error
    assert "Brand Analytics role is required" in failure.value.message


def test_fatal_then_done_after_the_cooldown_yields_the_records(mocker):
    mock_listing(mocker)
    mocker.post(REPORTS, [{"status_code": 202, "json": {"reportId": "F1"}}, {"status_code": 202, "json": {"reportId": "R2"}}])
    mock_report(mocker, "F1", [{"processingStatus": "FATAL"}])
    mock_report(mocker, "R2", [{"processingStatus": "DONE", "reportDocumentId": "D2"}])
    mock_document(mocker, "D2", [{"content": orders_tsv()}])
    assert len(read(make_sync())) == 3
    assert len(created_reports(mocker)) == 2


def test_a_report_still_in_progress_at_the_timeout_fails_the_window_as_transient(mocker, caplog):
    config = make_sync(_report_wait_timeout_seconds=0.3, _report_poll_first_seconds=0.05)
    mock_listing(mocker)
    mocker.post(REPORTS, status_code=202, json={"reportId": "SLOW"})
    mock_report(mocker, "SLOW", [{"processingStatus": "IN_PROGRESS"}])
    job = retriever(config)
    with caplog.at_level(logging.INFO, logger="airbyte"), pytest.raises(AirbyteTracedException) as failure:
        list(job.read_records(schema_of(ORDERS), window()))
    assert failure.value.failure_type == FailureType.transient_error
    assert ORDERS in failure.value.message and f"{START}..{END}" in failure.value.message and "SLOW" in failure.value.message
    assert "resumes it" in caplog.text
    assert job.cursor.observed == []


# --------------------------------------------------------------------------------- cut downloads


class DroppingBody(io.RawIOBase):
    """A response body whose connection drops after `limit` bytes."""

    def __init__(self, data: bytes, limit: int) -> None:
        self._data, self._limit, self._position = data, limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._position >= self._limit:
            raise ConnectionResetError("connection reset by peer")
        count = min(len(buffer), self._limit - self._position)
        buffer[:count] = self._data[self._position : self._position + count]
        self._position += count
        return count


def test_a_truncated_gzip_is_downloaded_again_without_duplicates(mocker):
    complete = gzip.compress(orders_tsv())
    mock_listing(mocker)
    mocker.post(REPORTS, status_code=202, json={"reportId": "R1"})
    mock_report(mocker, "R1", [{"processingStatus": "DONE", "reportDocumentId": "D1"}])
    mock_document(mocker, "D1", [{"content": complete[:-12]}, {"content": complete}], compression="GZIP")

    records = read(make_sync())

    assert [r["amazon-order-id"] for r in records] == [row[0] for row in ORDER_ROWS]
    assert len(calls(mocker, "GET", f"{DOCUMENTS}/D1")) == 1  # the URL is used again while the host accepts it


def test_a_dropped_connection_is_downloaded_again(mocker):
    body = orders_tsv()
    mock_listing(mocker)
    mocker.post(REPORTS, status_code=202, json={"reportId": "R1"})
    mock_report(mocker, "R1", [{"processingStatus": "DONE", "reportDocumentId": "D1"}])
    mock_document(mocker, "D1", [{"body": DroppingBody(body, 40)}, {"content": body}])
    assert [r["sku"] for r in read(make_sync())] == ["SKU-A", "SKU-B", "SKU-C"]


# S3's answer to an expired or refused presigned URL
S3_ACCESS_DENIED = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"


def test_presigned_urls_never_reach_logs_or_errors(mocker, caplog):
    complete = gzip.compress(orders_tsv())
    mock_listing(mocker)
    mocker.post(REPORTS, status_code=202, json={"reportId": "R1"})
    mock_report(mocker, "R1", [{"processingStatus": "DONE", "reportDocumentId": "D1"}])
    mock_document(
        mocker, "D1",
        [{"content": complete[:-12]}, {"body": DroppingBody(complete, 10)}, {"status_code": 403, "text": S3_ACCESS_DENIED}],
        compression="GZIP",
    )
    with caplog.at_level(logging.DEBUG), pytest.raises(AirbyteTracedException) as failure:
        read(make_sync())

    # the cut (1 of 20 retries of cut documents), the drop (1 of 40 host retries), the URL that expired
    # during the drop's wait (replaced free), then 40 refusals of fresh URLs until the host's budget is spent
    assert "could not be downloaded whole (the document host answered HTTP 403 AccessDenied) after 43 attempts" in failure.value.message
    # requests-mock's own debug lines stand in for the network here: they are not the connector's
    logged = [r.getMessage() for r in caplog.records if not r.name.startswith("requests_mock")]
    assert sum("downloading it again" in line for line in logged) == 41  # the last refusal is not retried
    assert sum("expired while the connector waited" in line for line in logged) == 1
    # one URL for the cut, the drop and its expiry; a fresh one after it and after each refusal retried
    assert len(calls(mocker, "GET", f"{DOCUMENTS}/D1")) == 41
    for text in [failure.value.message, failure.value.internal_message or "", *logged]:
        assert SIGNATURE not in text and "s3.test" not in text


def test_urllib3_debug_lines_lose_the_presigned_query(caplog):
    from source_amazon_seller_partner.reports.redaction import install_presigned_url_redactor

    install_presigned_url_redactor()

    pool_logger = logging.getLogger("urllib3.connectionpool")
    with caplog.at_level(logging.DEBUG, logger="urllib3.connectionpool"):
        pool_logger.debug('%s://%s:%s "%s %s %s" %s %s', "https", "s3.test", 443, "GET", f"/D1/0?{SIGNATURE}&X-Amz-Expires=300", "HTTP/1.1", 200, 10)
        pool_logger.debug('%s://%s:%s "%s %s %s" %s %s', "https", "sp.test", 443, "GET", "/reports/2021-06-30/reports?pageSize=100", "HTTP/1.1", 200, 10)
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0] == 'https://s3.test:443 "GET /D1/0?<redacted> HTTP/1.1" 200 10'
    assert lines[1].endswith('"GET /reports/2021-06-30/reports?pageSize=100 HTTP/1.1" 200 10')


# --------------------------------------------------------------------------------------- settlement


def test_settlement_reports_are_listed_and_read_never_requested(mocker):
    stream = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE"
    listing = [
        {"reportId": "S2", "reportType": stream, "marketplaceIds": [US], "processingStatus": "DONE", "createdTime": "2026-10-20T00:00:00+00:00",
         "dataStartTime": "2026-10-05T00:00:00+00:00", "dataEndTime": "2026-10-19T00:00:00+00:00", "reportDocumentId": "DS2"},
        {"reportId": "S1", "reportType": stream, "marketplaceIds": [US], "processingStatus": "DONE", "createdTime": "2026-10-06T00:00:00+00:00",
         "dataStartTime": "2026-09-21T00:00:00+00:00", "dataEndTime": "2026-10-05T00:00:00+00:00", "reportDocumentId": "DS1"},
        {"reportId": "S-EU", "reportType": stream, "marketplaceIds": ["A1PA6795UKMFR9"], "processingStatus": "DONE", "createdTime": "2026-10-07T00:00:00+00:00",
         "dataStartTime": "2026-09-21T00:00:00+00:00", "dataEndTime": "2026-10-05T00:00:00+00:00", "reportDocumentId": "DS3"},
    ]
    mock_listing(mocker, listing)
    header = "settlement-id\ttotal-amount\tcurrency\ttransaction-type\torder-id\r\n"
    mock_document(mocker, "DS1", [{"content": (header + "100\t10,50\tEUR\tOrder\t111-1\r\n").encode("cp1252")}])
    mock_document(mocker, "DS2", [{"content": (header + "200\t20.00\tEUR\tOrder\t111-2\r\n200\t\tEUR\tRefund\t111-3\r\n").encode("cp1252")}])
    job = retriever(make_sync(), stream)
    slice_ = StreamSlice(partition={}, cursor_slice={"start_time": "2026-09-01T00:00:00Z", "end_time": "2026-10-30T23:59:59Z"})

    records = list(job.read_records(schema_of(stream), slice_))

    assert [(r["report_id"], r["order-id"], r["dataEndTime"]) for r in records] == [
        ("S1", "111-1", "2026-10-05T00:00:00Z"), ("S2", "111-2", "2026-10-19T00:00:00Z"), ("S2", "111-3", "2026-10-19T00:00:00Z"),
    ]
    assert records[0]["marketplace_id"] == US and records[2]["total-amount"] is None
    assert created_reports(mocker) == []
    query = calls(mocker, "GET", REPORTS)[0].qs
    assert query["reportTypes"] == [stream] and query["processingStatuses"] == ["DONE"]
    assert query["createdUntil"] == ["2026-10-30T23:59:59Z"]
    assert job.cursor.observed == [{"dataEndTime": "2026-10-31T00:00:00Z"}]


# ------------------------------------------------------------------------------- the CDK's state


def test_state_advances_past_a_cancelled_window_in_a_real_read(mocker):
    """Through the whole source: the CANCELLED window's state moves to the next window's start."""
    from airbyte_cdk.models import ConfiguredAirbyteCatalogSerializer
    from airbyte_cdk.test.entrypoint_wrapper import read as entrypoint_read

    config = {
        "aws_environment": "PRODUCTION", "region": "US", "account_type": "Seller",
        "lwa_app_id": "amzn1.application-oa2-client.test", "lwa_client_secret": "test-client-secret",
        "refresh_token": "Atzr|test-refresh-token", "api_url": API, "lwa_url": LWA,
        "replication_start_date": "2026-10-01T00:00:00Z", "replication_end_date": "2026-10-20T00:00:00Z",
        "report_fatal_retry_cooldown_seconds": 0, "_report_poll_first_seconds": 0,
    }
    catalog = ConfiguredAirbyteCatalogSerializer.load({"streams": [{
        "stream": {"name": ORDERS, "json_schema": {}, "supported_sync_modes": ["full_refresh", "incremental"]},
        "sync_mode": "incremental", "destination_sync_mode": "append",
    }]})
    mock_listing(mocker)
    mocker.post(REPORTS, status_code=202, json={"reportId": "R1"})
    mock_report(mocker, "R1", [{"processingStatus": "CANCELLED"}])

    output = entrypoint_read(SourceAmazonSellerPartner(catalog=catalog, config=config, state=None), config, catalog)

    assert output.records == []
    assert not output.errors
    final_state = output.state_messages[-1].state.stream.stream_state.__dict__
    partition_states = {s["partition"]["marketplace_id"]: s["cursor"] for s in final_state["states"]}
    assert partition_states == {US: {"dataEndTime": "2026-10-20T00:00:01Z"}}
    assert created_reports(mocker)[0]["dataStartTime"] == "2026-10-01T00:00:00Z"


# ---------------------------------------------------------------------------- stream definitions


def _windows(config_overrides: Dict[str, Any], stream: str) -> List[tuple]:
    raw = {
        "aws_environment": "PRODUCTION", "region": "US", "account_type": "Seller",
        "lwa_app_id": "amzn1.application-oa2-client.test", "lwa_client_secret": "test-client-secret",
        "refresh_token": "Atzr|test-refresh-token", "api_url": API, "lwa_url": LWA,
        "replication_start_date": "2026-06-03T05:00:00Z", "replication_end_date": "2026-09-30T12:00:00Z",
    }
    raw.update(config_overrides)
    source = SourceAmazonSellerPartner(config=raw)
    streams = {s.name: s for s in source.streams(source._config)}
    slices = [p.to_slice() for p in streams[stream].generate_partitions()]
    # in window order (the cursor hands them out newest first: test_windows_are_handed_out_newest_first)
    return sorted((s.partition.get("marketplace_id"), s.cursor_slice["start_time"], s.cursor_slice["end_time"]) for s in slices)


def test_date_range_windows_take_the_smaller_of_period_in_days_and_the_reports_maximum():
    # from the configured start as given (05:00), nothing before it
    returns = _windows({"period_in_days": 90}, "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE")  # Amazon: 60 days at most
    assert returns == [
        (US, "2026-06-03T05:00:00Z", "2026-08-02T04:59:59Z"),
        (US, "2026-08-02T05:00:00Z", "2026-09-30T12:00:00Z"),
    ]
    orders = _windows({"period_in_days": 40, "marketplaces": ["US", "CA"]}, ORDERS)  # 30 days at most
    assert len(orders) == 2 * 4 and [w for w in orders if w[0] == US][0] == (US, "2026-06-03T05:00:00Z", "2026-07-03T04:59:59Z")
    weekly = _windows({"period_in_days": 7}, ORDERS)
    assert weekly[1] == (US, "2026-06-10T05:00:00Z", "2026-06-17T04:59:59Z")


def test_period_reports_get_whole_periods_and_follow_the_users_report_period():
    stream = "GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT"  # WEEK by default: Sunday to Saturday
    weeks = _windows({}, stream)
    assert weeks[0] == (US, "2026-06-07T00:00:00Z", "2026-06-13T23:59:59Z")
    assert weeks[-1] == (US, "2026-09-20T00:00:00Z", "2026-09-26T23:59:59Z")
    assert all(datetime.fromisoformat(start[:-1]).weekday() == 6 for _, start, _ in weeks)
    options = [{"stream_name": "terms_monthly", "report_name": stream, "options_list": [{"option_name": "reportPeriod", "option_value": "MONTH"}]}]
    months = _windows({"report_options_list": options}, stream)
    assert months == [
        (US, "2026-07-01T00:00:00Z", "2026-07-31T23:59:59Z"),
        (US, "2026-08-01T00:00:00Z", "2026-08-31T23:59:59Z"),
    ]
    vendor = {"account_type": "Vendor", "replication_start_date": "2026-09-27T00:00:00Z"}
    # DAY; Amazon: "Requests can span multiple date range periods", so every whole day in one report
    assert _windows(vendor, "GET_VENDOR_SALES_REPORT") == [(US, "2026-09-27T00:00:00Z", "2026-09-29T23:59:59Z")]  # the 30th is not over
    # a period_in_days the user sets: reports of at most that many days
    days = _windows({**vendor, "period_in_days": 1}, "GET_VENDOR_SALES_REPORT")
    assert days == [(US, f"2026-09-{d}T00:00:00Z", f"2026-09-{d}T23:59:59Z") for d in (27, 28, 29)]
    # a start at 05:00: the 27th began before it, so whole days from the 28th
    later = _windows({**vendor, "replication_start_date": "2026-09-27T05:00:00Z"}, "GET_VENDOR_SALES_REPORT")
    assert later == [(US, "2026-09-28T00:00:00Z", "2026-09-29T23:59:59Z")]


def test_period_reports_that_may_span_periods_get_all_whole_periods_in_one_report():
    # Market basket: "Requests can span multiple reporting periods" (WEEK by default, Sunday to Saturday)
    assert _windows({}, "GET_BRAND_ANALYTICS_MARKET_BASKET_REPORT") == [(US, "2026-06-07T00:00:00Z", "2026-09-26T23:59:59Z")]
    # Search terms: "Requests cannot span multiple periods": one week each
    assert len(_windows({}, "GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT")) == 16


def test_date_range_reports_without_a_documented_maximum_are_one_report_unless_the_user_shortens_them():
    # Amazon documents no maximum for sales and traffic: one report for the whole range, whatever the spec's default
    assert _windows({}, "GET_SALES_AND_TRAFFIC_REPORT") == [(US, "2026-06-03T05:00:00Z", "2026-09-30T12:00:00Z")]
    assert len(_windows({"period_in_days": 30}, "GET_SALES_AND_TRAFFIC_REPORT")) == 4
    # documented maxima hold without the user's period_in_days: 30 days for the order reports
    assert len(_windows({}, ORDERS)) == 4


def test_windows_are_handed_out_newest_first():
    source = SourceAmazonSellerPartner(config={
        "aws_environment": "PRODUCTION", "region": "US", "account_type": "Seller", "marketplaces": ["US", "CA"],
        "lwa_app_id": "amzn1.application-oa2-client.test", "lwa_client_secret": "test-client-secret",
        "refresh_token": "Atzr|test-refresh-token", "api_url": API, "lwa_url": LWA,
        "replication_start_date": "2026-06-03T05:00:00Z", "replication_end_date": "2026-09-30T12:00:00Z",
    })
    stream = {s.name: s for s in source.streams(source._config)}[ORDERS]
    slices = [p.to_slice() for p in stream.generate_partitions()]
    for marketplace in (US, "A2EUQ1WTGCTBG2"):
        starts = [s.cursor_slice["start_time"] for s in slices if s.partition["marketplace_id"] == marketplace]
        assert len(starts) == 4 and starts == sorted(starts, reverse=True)


def test_snapshots_and_settlements_have_one_window():
    assert _windows({}, "GET_MERCHANT_LISTINGS_ALL_DATA") == [(US, "2026-06-03T05:00:00Z", "2026-09-30T12:00:00Z")]
    settlement = _windows({}, "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE")
    assert len(settlement) == 1 and settlement[0][0] is None  # listed for the account, not per marketplace
    earliest = datetime.now(timezone.utc) - timedelta(days=90)
    assert datetime.fromisoformat(settlement[0][1].replace("Z", "+00:00")) >= earliest


def test_vendor_configs_get_vendor_reports_and_seller_configs_seller_reports():
    from source_amazon_seller_partner.catalog.manifest import spec_defaults
    from source_amazon_seller_partner.catalog.report_streams import report_stream_definitions

    specs = load_report_catalog()
    # a config that gives every option some report requires, so that every stream is offered
    options = [{"report_name": s.report_type, "stream_name": s.name, "options_list": [{"option_name": o, "option_value": "x"} for o in s.required_options]}
               for s in specs if s.required_options]
    groups = report_stream_definitions(specs, {**spec_defaults(), "report_options_list": options})
    by_condition = {group["condition"]: {s["name"] for s in group["streams"]} for group in groups}
    assert by_condition["{{ config.get('_is_vendor') }}"] == {s.name for s in specs if s.account_type == "vendor"}
    assert by_condition["{{ not config.get('_is_vendor') }}"] == {s.name for s in specs if s.account_type == "seller"}


def test_fatal_for_a_too_soon_identical_request_is_transient(mocker):
    mock_listing(mocker)
    mocker.post(REPORTS, [{"status_code": 202, "json": {"reportId": "F1"}}, {"status_code": 202, "json": {"reportId": "F2"}}])
    reason = "Report 55 with the same type, marketplaces, dates and options was created a short time ago."
    for report_id in ("F1", "F2"):
        mock_report(mocker, report_id, [{"processingStatus": "FATAL", "reportDocumentId": f"D{report_id}"}])
        mock_document(mocker, f"D{report_id}", [{"text": reason}])
    with pytest.raises(AirbyteTracedException) as failure:
        list(retriever(make_sync()).read_records(schema_of(ORDERS), window()))
    # Not the user's mistake, although the reason mentions "options": a later sync succeeds.
    assert failure.value.failure_type == FailureType.transient_error


def test_every_lost_create_report_answer_is_looked_up_before_asking_again(monkeypatch):
    """The first lost answer created nothing; the second created R2: asking a third time would be a
    duplicate Amazon ends FATAL."""
    from airbyte_cdk.sources.streams.http.error_handlers.response_models import ErrorResolution, ResponseAction

    from source_amazon_seller_partner.reports import create as create_module

    monkeypatch.setattr(create_module, "pause", lambda seconds: None)
    sent = []

    class LossyTransport:
        max_retries = 20

        def send_once(self, method, path, json=None):
            sent.append(json)
            raise requests.ConnectionError("the answer was lost")

        def resolve(self, response):
            return ErrorResolution(response_action=ResponseAction.SUCCESS)

        def backoff_seconds(self, response, attempt):
            return 0.0

    listings = iter([None, {"reportId": "R2"}])
    report_id = create_module.create_report(LossyTransport(), {"reportType": "T"}, "report T", lambda: next(listings))
    assert report_id == "R2"
    assert len(sent) == 2
