"""Report documents in Amazon's own formats: ledger dates, localised feedback, settlement dates and
charsets, charset-less Content-Type, column drift, an undocumented column, listings' local times;
values always agree with the dataset and /_emulator/truth."""

from __future__ import annotations

import gzip
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
import requests

from emulator_client import Client
from report_helpers import run, tsv_rows
from sp_api_emulator.marketplaces import MARKETS
from sp_api_emulator.reports.catalog import REPORT_TYPES
from sp_api_emulator.timeutil import iso, parse_iso, utcnow

IDS = {code: market.id for code, market in MARKETS.items()}
FEEDBACK_HEADERS = {
    "US": ["Date", "Rating", "Comments", "Your Response", "Order ID", "Rater Email"],
    "UK": ["Date", "Rating", "Comments", "Your Response", "Order ID", "Rater Email"],
    "DE": ["Datum", "Bewertung", "Kommentare", "Ihre Antwort", "Bestellnummer", "E-Mail-Adresse des Bewerters"],
    "FR": ["Date", "Évaluation", "Commentaires", "Votre réponse", "Numéro de commande", "E-mail de l'évaluateur"],
    "JP": ["日付", "評価", "コメント", "出品者からの返信", "注文番号", "評価者のEメール"],
}
FEEDBACK_DATES = {"US": ("%m/%d/%y", r"\d{1,2}/\d{1,2}/\d{2}"), "UK": ("%d/%m/%y", r"\d{1,2}/\d{1,2}/\d{2}"),
                  "DE": ("%d.%m.%y", r"\d{1,2}\.\d{1,2}\.\d{2}"), "FR": ("%d/%m/%y", r"\d{1,2}/\d{1,2}/\d{2}"),
                  "JP": ("%y/%m/%d", r"\d{2}/\d{1,2}/\d{1,2}")}


def _since(days: float) -> str:
    return iso(utcnow() - timedelta(days=days))


def _utc(text: str, pattern: str) -> datetime:
    return datetime.strptime(text, pattern).replace(tzinfo=timezone.utc)


def test_ledger_detail_writes_amazons_headers_and_month_first_dates(emulator):
    client = Client(emulator)
    start, end = _since(120), _since(2)
    report, text = run(client, "GET_LEDGER_DETAIL_VIEW_DATA", [IDS["US"]], start, end)
    header, rows = tsv_rows(text)
    assert header == ["Date", "FNSKU", "ASIN", "MSKU", "Title", "Event Type", "Reference ID", "Quantity",
                      "Fulfillment Center", "Disposition", "Reason", "Country", "Reconciled Quantity",
                      "Unreconciled Quantity", "Date and Time"]
    seller = emulator.emulator.dataset.seller
    assert len(rows) == emulator.truth(marketplaceId=IDS["US"], start=start, end=end,
                                       reportTypes=["GET_LEDGER_DETAIL_VIEW_DATA"])["reports"][
        "GET_LEDGER_DETAIL_VIEW_DATA"] > 5
    for row in rows:
        assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", row["Date"]), row["Date"]
        moment = _utc(row["Date and Time"], "%Y-%m-%dT%H:%M:%S+0000")
        assert row["Date"] == moment.strftime("%m/%d/%Y")
        order = seller.orders_by_id[row["Reference ID"]]  # a shipment of a real order...
        assert order.fulfillment_channel == "AFN" and order.ship_date == moment  # ...shipped by Amazon then
        item = next(i for i in order.items if i.product.sku == row["MSKU"])
        assert int(row["Quantity"]) == -item.quantity and row["FNSKU"] == item.product.fnsku
        assert row["Event Type"] == "Shipments" and row["Country"] == "US"


def test_ledger_summary_adds_up_the_detail(emulator):
    client = Client(emulator)
    start, end = _since(90), _since(2)
    _, detail = run(client, "GET_LEDGER_DETAIL_VIEW_DATA", [IDS["DE"]], start, end)
    _, summary = run(client, "GET_LEDGER_SUMMARY_VIEW_DATA", [IDS["DE"]], start, end,
                     REPORT_TYPES[("GET_LEDGER_SUMMARY_VIEW_DATA", "seller")].default_options)
    header, rows = tsv_rows(summary)
    assert header[:7] == ["Date", "FNSKU", "ASIN", "MSKU", "Title", "Disposition", "Starting Warehouse Balance"]
    assert "Warehouse Transfer In/Out" in header and header[-1] == "Location"
    shipped = sum(int(r["Quantity"]) for r in tsv_rows(detail)[1])
    assert sum(int(r["Customer Shipments"]) for r in rows) == shipped < 0
    for row in rows:
        assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", row["Date"])
        assert int(row["Starting Warehouse Balance"]) + int(row["Customer Shipments"]) \
            == int(row["Ending Warehouse Balance"])


@pytest.mark.parametrize("code", sorted(FEEDBACK_HEADERS))
def test_feedback_headers_and_dates_follow_the_marketplace(emulator, code):
    client = Client(emulator)
    start, end = _since(400), _since(2)
    report, text = run(client, "GET_SELLER_FEEDBACK_DATA", [IDS[code]], start, end)
    assert report["processingStatus"] == "DONE", report
    header, rows = tsv_rows(text)
    assert header == FEEDBACK_HEADERS[code]
    assert len(rows) == emulator.truth(marketplaceId=IDS[code], start=start, end=end,
                                       reportTypes=["GET_SELLER_FEEDBACK_DATA"])["reports"]["GET_SELLER_FEEDBACK_DATA"]
    seller = emulator.emulator.dataset.seller
    pattern, shape = FEEDBACK_DATES[code]
    for row in rows:
        values = dict(zip(FEEDBACK_HEADERS["US"], row.values()))  # same column order in every language
        assert re.fullmatch(shape, values["Date"]), values["Date"]
        order = seller.orders_by_id[values["Order ID"]]
        assert order.status == "Shipped" and order.market.code == code
        expected = (order.last_update_date + timedelta(days=3)).date()
        assert _utc(values["Date"], pattern).date() == expected
        assert 1 <= int(values["Rating"]) <= 5 and values["Rater Email"] == order.buyer_email


def test_preferred_report_document_locale_picks_the_header_language(emulator):
    _, text = run(Client(emulator), "GET_SELLER_FEEDBACK_DATA", [IDS["DE"]], _since(400), _since(3),
                  {"preferredReportDocumentLocale": "en_US"})
    assert tsv_rows(text)[0] == FEEDBACK_HEADERS["US"]


def test_feedback_labels_cover_the_european_and_japanese_languages():
    columns = REPORT_TYPES[("GET_SELLER_FEEDBACK_DATA", "seller")].columns
    for lang in ("de", "fr", "it", "es", "ja"):
        labels = [c.header(lang) for c in columns]
        assert len(set(labels)) == 6 and labels != [c.name for c in columns], lang


def _settlements(client, report_type: str, code: str):
    return client.get("/reports/2021-06-30/reports", reportTypes=report_type, marketplaceIds=IDS[code],
                      pageSize=100).json()["reports"]


@pytest.mark.parametrize("report_type,codec", [("GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2", "utf-8"),
                                               ("GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE", "cp1252")])
def test_settlement_downloads_have_no_charset_and_amazons_dates(emulator, report_type, codec):
    client = Client(emulator)
    seen_dash = False
    for code in ("US", "DE"):
        groups = {g.settlement_id: g for g in emulator.emulator.dataset.seller.groups}
        for listed in _settlements(client, report_type, code):
            document = client.get(f"/reports/2021-06-30/documents/{listed['reportDocumentId']}").json()
            response = requests.get(document["url"], timeout=30)
            assert response.headers["Content-Type"] == "text/plain"  # no charset, as Amazon sends it
            assert "compressionAlgorithm" not in document
            body = response.content
            text = body.decode(codec)
            if "–" in text:  # an en dash (coupon/deal descriptions): one byte in Cp1252, three in UTF-8
                seen_dash = True
                assert ("\u2013".encode(codec)) in body
                if codec == "cp1252":
                    with pytest.raises(UnicodeDecodeError):
                        body.decode("utf-8")
            header, rows = tsv_rows(text)
            summary = rows[0]
            group = groups[summary["settlement-id"]]
            for name, moment in (("settlement-start-date", group.start), ("settlement-end-date", group.end),
                                 ("deposit-date", group.transfer_date)):
                assert summary[name] == moment.strftime("%Y-%m-%d %H:%M:%S UTC")
            assert Decimal(summary["total-amount"]) == group.total
            amounts = ("amount",) if report_type.endswith("_V2") else (
                "price-amount", "item-related-fee-amount", "promotion-amount", "other-amount")
            assert sum(Decimal(r[c] or "0") for r in rows[1:] for c in amounts) == group.total
            posted = r"\d{2}\.\d{2}\.\d{4}" if code == "DE" else r"\d{4}-\d{2}-\d{2}"
            for row in rows[1:]:
                assert re.fullmatch(posted, row["posted-date"]), (code, row["posted-date"])
                if "posted-date-time" in row:
                    assert re.fullmatch(posted + r" \d{2}:\d{2}:\d{2} UTC", row["posted-date-time"])
                    assert row["posted-date-time"].startswith(row["posted-date"])
    assert seen_dash, "no settlement document carried a non-ASCII character to check the charset with"


def test_a_gzip_document_without_charset_is_utf8(emulator):
    client = Client(emulator)
    report, _ = run(client, "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE", [IDS["DE"]], _since(59), _since(1))
    document = client.get(f"/reports/2021-06-30/documents/{report['reportDocumentId']}").json()
    response = requests.get(document["url"], timeout=30)
    assert response.headers["Content-Type"] == "text/plain" and document["compressionAlgorithm"] == "GZIP"
    text = gzip.decompress(response.content).decode("utf-8")
    header, rows = tsv_rows(text)
    assert header[:3] == ["Order ID", "Order date", "Return request date"] and rows
    assert any(not value.isascii() for row in rows for value in row.values())  # German titles, as UTF-8
    seller = emulator.emulator.dataset.seller
    for row in rows:
        order = seller.orders_by_id[row["Order ID"]]
        assert row["Merchant SKU"] == order.items[0].product.sku
        assert Decimal(row["Refunded Amount"]) == order.items[0].item_price


@pytest.mark.parametrize("report_type,present,absent", [
    ("GET_FBA_FULFILLMENT_REMOVAL_SHIPMENT_DETAIL_DATA", ["request-date", "shipped-quantity", "removal-order-type"],
     ["removal-date", "quantity"]),
    ("GET_FBA_FULFILLMENT_CUSTOMER_SHIPMENT_REPLACEMENT_DATA", ["replacement-amazon-order-id"], []),
    ("GET_FBA_INVENTORY_PLANNING_DATA", ["qty-to-be-charged-ltsf-11-mo", "projected-ltsf-11-mo",
                                         "qty-to-be-charged-ltsf-12-mo"], []),
    ("GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA", ["expected-domestic-fulfilment-fee-per-unit"]
     + [f"expected-efn-fulfilment-fee-per-unit-{c}" for c in ("uk", "de", "fr", "it", "es", "se")],
     ["expected-fulfillment-fee-per-unit"]),
])
def test_columns_amazon_added_over_time_are_in_the_files(emulator, report_type, present, absent):
    client = Client(emulator)
    report, text = run(client, report_type, [IDS["UK"]], _since(90), _since(1))
    assert report["processingStatus"] == "DONE", report
    header, rows = tsv_rows(text)
    assert set(present) <= set(header) and not set(absent) & set(header)
    assert rows and all(len(row) == len(header) for row in rows)


def test_an_undocumented_trailing_column(emulator):
    definition = REPORT_TYPES[("GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA", "seller")]
    assert [c.name for c in definition.columns if not c.documented] == ["store"]
    report, text = run(Client(emulator), "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA", [IDS["FR"]])
    header, rows = tsv_rows(text)
    assert header[-2:] == ["afn-future-supply-buyable", "store"]
    assert rows and {r["store"] for r in rows} == {"Amazon.fr"}
    levels = {lvl.product.sku: lvl for lvl in emulator.emulator.dataset.seller.inventory if lvl.market.code == "FR"}
    assert {r["sku"] for r in rows} == set(levels)
    assert all(int(r["afn-fulfillable-quantity"]) == levels[r["sku"]].fulfillable for r in rows)


@pytest.mark.parametrize("code,zones", [("US", {"PST", "PDT"}), ("DE", {"MEZ", "MESZ"}), ("JP", {"JST"})])
def test_listings_open_date_is_local_time_with_a_zone(emulator, code, zones):
    report, text = run(Client(emulator), "GET_MERCHANT_LISTINGS_ALL_DATA", [IDS[code]])
    _, rows = tsv_rows(text)
    created = {p.sku: p.created for p in emulator.emulator.dataset.seller.products}
    offsets = {"PST": -8, "PDT": -7, "MEZ": 1, "MESZ": 2, "JST": 9}
    for row in rows:
        stamp, zone = row["open-date"].rsplit(" ", 1)
        assert zone in zones
        local = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone(timedelta(hours=offsets[zone])))
        assert local == created[row["seller-sku"]].replace(microsecond=0)


def test_flat_files_name_their_source(emulator):
    """Every report type says where its columns and formats come from."""
    for definition in REPORT_TYPES.values():
        assert definition.source.strip(), definition.report_type
    assert parse_iso(_since(1))  # the helpers above agree with the emulator's time functions


def test_a_comment_typed_on_two_lines_keeps_its_carriage_return(emulator):
    start, end = _since(400), _since(2)
    _, text = run(Client(emulator), "GET_SELLER_FEEDBACK_DATA", [IDS["US"]], start, end)
    header, rows = tsv_rows(text)
    assert any("\r" in row["Comments"] for row in rows)  # Amazon keeps it; only LF ends a row
    assert len(rows) == emulator.truth(marketplaceId=IDS["US"], start=start, end=end,
                                       reportTypes=["GET_SELLER_FEEDBACK_DATA"])["reports"]["GET_SELLER_FEEDBACK_DATA"]


def test_the_promotions_report_lists_promoted_items_and_monthly_reports_one_row_per_month(emulator):
    client = Client(emulator)
    start, end = _since(120), _since(1)
    _, text = run(client, "GET_FBA_FULFILLMENT_CUSTOMER_SHIPMENT_PROMOTION_DATA", [IDS["US"]], start, end)
    _, rows = tsv_rows(text)
    assert rows and all(r["item-promotion-id"] and r["shipment-item-id"] and r["shipment-id"] for r in rows)
    for report_type, month_column in (("GET_FBA_FULFILLMENT_MONTHLY_INVENTORY_DATA", "month"),
                                      ("GET_FBA_STORAGE_FEE_CHARGES_DATA", "month_of_charge")):
        _, text = run(client, report_type, [IDS["US"]], start, end)
        _, rows = tsv_rows(text)
        keys = [(r[month_column], r["fnsku"]) for r in rows]
        assert rows and len(keys) == len(set(keys)), report_type
