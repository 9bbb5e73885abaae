"""Streaming report decoders: flat files, JSON, XML, charsets, damaged documents, value typing."""

from __future__ import annotations

import gzip
import http.server
import io
import logging
import threading
import xml.etree.ElementTree as ElementTree

import pytest
import requests

from source_amazon_seller_partner.decoding import (
    MalformedDocumentError,
    MissingRecordsError,
    TruncatedDocumentError,
    UnknownCharsetError,
    charset_from_content_type,
    iter_json_records,
    iter_tsv_records,
    iter_xml_records,
    make_caster,
    normalize_datetime,
    open_text_stream,
    read_json_value,
)


class TrickleStream(io.RawIOBase):
    """A non-seekable body that returns at most ``step`` bytes per read, like an HTTP response."""

    def __init__(self, data: bytes, step: int = 7) -> None:
        super().__init__()
        self._data = data
        self._position = 0
        self._step = step

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self._data[self._position : self._position + min(len(buffer), self._step)]
        buffer[: len(chunk)] = chunk
        self._position += len(chunk)
        return len(chunk)


def tsv_records(data: bytes, *, charset: str = "cp1252", compressed: bool | None = None) -> list[dict]:
    return list(iter_tsv_records(open_text_stream(TrickleStream(data), compressed=compressed, charset=charset)))


# --- flat files -------------------------------------------------------------------------------


def test_fields_starting_with_a_quote_stay_verbatim_and_do_not_swallow_rows():
    rows = [
        "sku\tproduct-name\tquantity",
        'A1\t"Big" box\t1',
        'A2\t"\t2',
        "A3\tplain\t3",
        'A4\ttrailing "quote\t4',
        "A5\tlast\t5",
    ]
    records = tsv_records(("\n".join(rows) + "\n").encode("cp1252"))
    assert len(records) == len(rows) - 1
    assert [r["product-name"] for r in records] == ['"Big" box', '"', "plain", 'trailing "quote', "last"]
    assert [r["quantity"] for r in records] == ["1", "2", "3", "4", "5"]


def test_crlf_line_ends_and_empty_fields():
    data = b"a\tb\tc\r\n1\t\t3\r\n\t\t\r\n4\t5\t\r\n"
    assert tsv_records(data) == [
        {"a": "1", "b": None, "c": "3"},
        {"a": None, "b": None, "c": None},
        {"a": "4", "b": "5", "c": None},
    ]


def test_last_row_without_line_end_and_blank_lines_skipped():
    assert tsv_records(b"\r\na\tb\n\n1\t2\n\n3\t4") == [{"a": "1", "b": "2"}, {"a": "3", "b": "4"}]


def test_short_rows_padded_and_long_rows_keep_extra_fields():
    records = tsv_records(b"a\tb\tc\n1\n1\t2\t3\t4\t\n")
    assert records == [
        {"a": "1", "b": None, "c": None},
        {"a": "1", "b": "2", "c": "3", "_extra_1": "4", "_extra_2": None},
    ]


def test_only_line_feeds_and_carriage_returns_end_rows():
    # form feed, NEL (U+0085 in latin-1) and LINE SEPARATOR are line breaks to str.splitlines, not here
    data = "a\tb\nx\x0cy\tp\x85q\u2028r\n".encode("utf-8")
    assert tsv_records(data, charset="utf-8") == [{"a": "x\x0cy", "b": "p\x85q\u2028r"}]


def test_repeated_and_blank_header_names_keep_every_column(caplog):
    with caplog.at_level(logging.WARNING, logger="airbyte"):
        records = tsv_records(b"sku\tprice\tprice\t\nA\t1\t2\t3\n")
    assert records == [{"sku": "A", "price": "1", "price_2": "2", "_column_4": "3"}]
    assert len(caplog.records) == 2


def test_utf8_bom_is_stripped():
    data = b"\xef\xbb\xbfsku\ttitle\nA1\tCaf\xc3\xa9\n"
    assert tsv_records(data, charset="utf-8") == [{"sku": "A1", "title": "Café"}]


def test_utf8_bom_under_a_cp1252_label_decodes_as_utf8():
    data = b"\xef\xbb\xbfsku\ttitle\nA1\tCaf\xc3\xa9 \xe2\x82\xac\n"
    assert tsv_records(data, charset="cp1252") == [{"sku": "A1", "title": "Café €"}]


def test_bom_inside_gzip_is_stripped():
    data = gzip.compress("\ufeffsku\ttitle\nA1\tx\n".encode("utf-8"))
    assert tsv_records(data, charset="utf-8") == [{"sku": "A1", "title": "x"}]


def test_cp1252_euro_and_accents():
    data = b"title\tprice\nCaf\xe9 Cr\xe8me\t5 \x80\nStra\xdfe M\xfcnchen\t\n"
    assert data.count(b"\x80") == 1
    assert tsv_records(data, charset=charset_from_content_type("text/plain;charset=Cp1252")) == [
        {"title": "Café Crème", "price": "5 €"},
        {"title": "Straße München", "price": None},
    ]


def test_shift_jis_japanese_title_including_microsoft_extensions():
    title = "日本語の商品名 ①"  # ① exists in cp932 (Windows-31J) but not in strict Shift_JIS
    data = ("sku\titem-name\nJP-1\t" + title + "\n").encode("cp932")
    with pytest.raises(UnicodeEncodeError):
        title.encode("shift_jis")
    charset = charset_from_content_type("text/tab-separated-values; charset=Shift_JIS")
    assert tsv_records(data, charset=charset) == [{"sku": "JP-1", "item-name": title}]


def test_iso_8859_1():
    data = "name\tcity\nJosé\tKöln\n".encode("latin-1")
    charset = charset_from_content_type("text/plain; charset=ISO-8859-1")
    assert tsv_records(data, charset=charset) == [{"name": "José", "city": "Köln"}]


def test_a_byte_invalid_in_the_charset_is_replaced_and_logged_with_the_report_and_its_line(caplog):
    lines = open_text_stream(TrickleStream(b"a\tb\nok\t1\n\xff\xfe\t2\nok\t3\n"), compressed=False, charset="utf-8",
                             source="the document of report X (id 42)")
    with caplog.at_level(logging.WARNING, logger="airbyte"):
        records = list(iter_tsv_records(lines))
    assert records == [{"a": "ok", "b": "1"}, {"a": "\ufffd\ufffd", "b": "2"}, {"a": "ok", "b": "3"}]
    [warning] = [r.getMessage() for r in caplog.records]
    assert "report X (id 42)" in warning and "line 3" in warning and "utf-8" in warning


def test_cp1252s_unmapped_0x81_is_replaced_not_fatal(caplog):
    data = b"title\tprice\nCaf\xe9\t5 \x80\nBad \x81 byte\t1\n"
    with pytest.raises(UnicodeDecodeError):
        data.decode("cp1252")
    with caplog.at_level(logging.WARNING, logger="airbyte"):
        records = tsv_records(data, charset="cp1252")
    assert records == [{"title": "Café", "price": "5 €"}, {"title": "Bad \ufffd byte", "price": "1"}]
    assert "line 3" in caplog.records[0].getMessage()


def test_a_utf8_bom_before_cp1252_text_reads_the_text_as_cp1252():
    data = b"\xef\xbb\xbfsku\ttitle\nA1\tCaf\xe9 5\x80\nA2\tplain\n"
    assert tsv_records(data, charset="cp1252") == [{"sku": "A1", "title": "Café 5€"}, {"sku": "A2", "title": "plain"}]


@pytest.mark.parametrize("marketplace_charset", ["cp1252", "cp932"])
def test_without_a_declared_charset_utf8_text_is_utf8(marketplace_charset):
    data = "sku\ttitle\nA1\tCafé 5€\nA2\t日本語\n".encode("utf-8")
    lines = open_text_stream(TrickleStream(data), compressed=None, charset=marketplace_charset, declared=False)
    assert list(iter_tsv_records(lines)) == [{"sku": "A1", "title": "Café 5€"}, {"sku": "A2", "title": "日本語"}]


@pytest.mark.parametrize("charset, text", [("cp1252", "Café 5€ – Straße"), ("cp932", "日本語の商品名 ①")])
def test_without_a_declared_charset_other_text_is_the_marketplaces_charset(charset, text):
    data = ("sku\ttitle\nA1\tplain\nA2\t" + text + "\n").encode(charset)
    lines = open_text_stream(TrickleStream(data), compressed=None, charset=charset, declared=False)
    assert list(iter_tsv_records(lines)) == [{"sku": "A1", "title": "plain"}, {"sku": "A2", "title": text}]


def test_a_bare_carriage_return_inside_a_field_is_data_not_a_row_end():
    rows = [f"ORDER-{n}\tline one\rline two {n}\t{n}" for n in range(24)]
    data = ("id\tcomment\tn\r\n" + "\r\n".join(rows) + "\r\n").encode("cp1252")
    records = tsv_records(data)
    assert len(records) == 24
    assert records[5] == {"id": "ORDER-5", "comment": "line one\rline two 5", "n": "5"}


def test_localised_header_names_are_replaced_by_position():
    data = "Datum\tBewertung\tKommentare\tNeu\n1.2.24\t5\tgut\tx\n".encode("utf-8")
    seen = []
    lines = open_text_stream(TrickleStream(data), compressed=None, charset="utf-8")
    records = list(iter_tsv_records(lines, header_names=["date", "rating", "comments"], on_header=seen.append))
    assert records == [{"date": "1.2.24", "rating": "5", "comments": "gut", "Neu": "x"}]
    assert seen == [["date", "rating", "comments", "Neu"]]


@pytest.mark.parametrize("data", [b"", b"\n\n", b"\xef\xbb\xbf", gzip.compress(b"")])
def test_empty_document_yields_nothing(data):
    assert tsv_records(data) == []


@pytest.mark.parametrize("data", [b"a\tb\n", b"a\tb", b"a\tb\r\n\r\n", gzip.compress(b"a\tb\r\n")])
def test_header_only_document_yields_nothing(data):
    assert tsv_records(data) == []


def test_gzip_is_detected_when_compression_is_unknown():
    plain = "a\tb\n1\té\n".encode("cp1252")
    expected = [{"a": "1", "b": "é"}]
    assert tsv_records(plain, compressed=None) == expected
    assert tsv_records(gzip.compress(plain), compressed=None) == expected
    assert tsv_records(gzip.compress(plain), compressed=True) == expected
    assert tsv_records(plain, compressed=False) == expected


def test_truncated_gzip_raises_after_the_complete_rows():
    rows = "".join(f"ORDER-{n}\t{n}\n" for n in range(20_000))
    compressed = gzip.compress(("id\tn\n" + rows).encode("cp1252"))
    half = TrickleStream(compressed[: len(compressed) // 2], step=4096)
    records = iter_tsv_records(open_text_stream(half, compressed=None, charset="cp1252"))
    seen = []
    with pytest.raises(TruncatedDocumentError):
        for record in records:
            seen.append(record)
    assert 0 < len(seen) < 20_000
    assert seen[-1]["id"] == f"ORDER-{len(seen) - 1}"  # what was yielded is intact


def test_gzip_without_trailer_raises():
    compressed = gzip.compress(b"a\tb\n1\t2\n")
    with pytest.raises(TruncatedDocumentError):
        tsv_records(compressed[:-8])


def test_corrupt_gzip_raises_malformed():
    compressed = bytearray(gzip.compress(b"a\tb\n" + b"1\t2\n" * 1000))
    compressed[20:30] = b"\xff" * 10
    with pytest.raises(MalformedDocumentError):
        tsv_records(bytes(compressed))


def test_closing_the_text_stream_leaves_the_response_open():
    raw = TrickleStream(b"a\n1\n")
    text = open_text_stream(raw, compressed=False, charset="utf-8")
    text.close()
    assert not raw.closed


@pytest.mark.parametrize("content_encoding", [None, "gzip"])
def test_streams_a_real_http_response_body(content_encoding):
    """The report job's path: requests with stream=True, response.raw, charset from the header."""
    rows = "".join(f"ORDER-{n}\tCaf\u00e9 \u20ac{n}\n" for n in range(3000))
    body = gzip.compress(("order-id\ttitle\n" + rows).encode("cp1252"))

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/plain;charset=Cp1252")
            if content_encoding:
                self.send_header("Content-Encoding", content_encoding)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        with requests.get(f"http://127.0.0.1:{server.server_port}/doc", stream=True, timeout=10) as response:
            charset = charset_from_content_type(response.headers.get("Content-Type"))
            records = list(iter_tsv_records(open_text_stream(response.raw, compressed=None, charset=charset)))
    finally:
        server.shutdown()
        server.server_close()
    assert len(records) == 3000
    assert records[-1] == {"order-id": "ORDER-2999", "title": "Café €2999"}


# --- charset ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type, expected",
    [
        ("text/plain;charset=Cp1252", "cp1252"),
        ("text/plain; charset=\"UTF-8\"", "utf-8"),
        ("text/plain; charset=ISO-8859-1", "latin-1"),
        ("text/plain; charset=Shift_JIS", "cp932"),
        ("text/plain; charset=windows-31j", "cp932"),
        ("text/plain; charset=MS932", "cp932"),
        ("text/plain; charset=x-sjis", "cp932"),
        ("text/plain; CHARSET=euc-jp", "euc_jp"),  # known to Python's codec registry
        ("text/plain", "cp1252"),
        ("", "cp1252"),
        (None, "cp1252"),
    ],
)
def test_charset_from_content_type(content_type, expected):
    assert charset_from_content_type(content_type) == expected


def test_charset_default_is_configurable_and_unknown_charset_is_an_error():
    assert charset_from_content_type("application/octet-stream", default="utf-8") == "utf-8"
    assert charset_from_content_type("text/plain; charset=", default="Cp1252") == "cp1252"
    with pytest.raises(UnknownCharsetError, match="x-unknown-42"):
        charset_from_content_type("text/plain; charset=x-unknown-42")
    assert issubclass(UnknownCharsetError, ValueError)


# --- JSON -------------------------------------------------------------------------------------

SALES_DOCUMENT = (
    b'{"reportSpecification": {"reportType": "GET_SALES_AND_TRAFFIC_REPORT", "marketplaceIds": ["ATVPDKIKX0DER"]},'
    b' "salesAndTrafficByDate": [{"date": "2024-01-01", "salesByDate": {"unitsOrdered": 3}}],'
    b' "report": {"items": [{"childAsin": "B01", "units": 7, "rate": 12.5, "big": 9223372036854775807,'
    b' "amount": {"amount": 0.1, "currencyCode": "EUR"}, "tags": ["x"], "none": null},'
    b' {"childAsin": "B02", "units": -1, "rate": 1e2, "tags": []}]}}'
)


def test_json_nested_path_streams_items_with_native_numbers():
    records = list(iter_json_records(TrickleStream(SALES_DOCUMENT), ["report", "items"], compressed=None))
    assert records == [
        {"childAsin": "B01", "units": 7, "rate": 12.5, "big": 9223372036854775807,
         "amount": {"amount": 0.1, "currencyCode": "EUR"}, "tags": ["x"], "none": None},
        {"childAsin": "B02", "units": -1, "rate": 100.0, "tags": []},
    ]
    first, second = records
    assert type(first["units"]) is int and type(first["rate"]) is float
    assert type(first["amount"]["amount"]) is float and type(second["rate"]) is float


def test_json_top_level_array_gzip():
    document = gzip.compress(b'[{"a": 1}, {"a": 2.5}]')
    assert list(iter_json_records(TrickleStream(document), [], compressed=None)) == [{"a": 1}, {"a": 2.5}]


@pytest.mark.parametrize(
    "document, what",
    [(SALES_DOCUMENT, "is missing"), (b'{"nope": null}', "is null"), (b'{"nope": {"a": [1]}}', "holds an object, not an array"),
     (b'{"nope": "x"}', "holds a string, not an array")],
)
def test_json_records_path_missing_null_or_not_an_array_is_an_error(document, what):
    assert list(iter_json_records(io.BytesIO(b'{"nope": []}'), ["nope"], compressed=None)) == []  # empty is fine
    for raw in (io.BytesIO(document), io.BytesIO(gzip.compress(document))):
        with pytest.raises(MissingRecordsError, match=f"`nope` {what}"):
            list(iter_json_records(raw, ["nope"], compressed=None))


def test_json_metadata_value():
    specification = read_json_value(TrickleStream(SALES_DOCUMENT), ["reportSpecification"], compressed=None)
    assert specification == {"reportType": "GET_SALES_AND_TRAFFIC_REPORT", "marketplaceIds": ["ATVPDKIKX0DER"]}
    assert read_json_value(TrickleStream(SALES_DOCUMENT), ["absent"], compressed=None) is None


def test_json_truncated_plain_and_gzip():
    cut = SALES_DOCUMENT[: SALES_DOCUMENT.index(b'"B02"') + 10]
    seen = []
    with pytest.raises(TruncatedDocumentError):
        for item in iter_json_records(TrickleStream(cut), ["report", "items"], compressed=None):
            seen.append(item["childAsin"])
    assert seen == ["B01"]
    compressed = gzip.compress(SALES_DOCUMENT * 50)
    with pytest.raises(TruncatedDocumentError):
        list(iter_json_records(TrickleStream(compressed[:-30]), ["report", "items"], compressed=True))


def test_json_invalid_raises_malformed_without_quoting_the_document():
    with pytest.raises(MalformedDocumentError) as raised:
        list(iter_json_records(TrickleStream(b'{"items": [{"a": "secret"}, {"a": tru}]}'), ["items"], compressed=None))
    assert "secret" not in str(raised.value)


def test_json_integer_beyond_64_bits_is_a_documented_limit():
    with pytest.raises(MalformedDocumentError, match="overflow"):
        list(iter_json_records(TrickleStream(b'[{"a": 18446744073709551616}]'), [], compressed=None))


# --- XML --------------------------------------------------------------------------------------

ALL_ORDERS_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Header><DocumentVersion>1.00</DocumentVersion></Header>
  <MessageType>AllOrdersReport</MessageType>
  <Message>
    <MessageID>1</MessageID>
    <Order>
      <AmazonOrderID>111-0000001-0000001</AmazonOrderID>
      <PurchaseDate>2024-01-05T10:00:00+00:00</PurchaseDate>
      <SalesChannel>Amazon.de</SalesChannel>
      <FulfillmentData><FulfillmentChannel>Amazon</FulfillmentChannel>
        <Address><City>K\xc3\xb6ln</City></Address></FulfillmentData>
      <OrderItem>
        <ASIN>B000000001</ASIN><SKU>SKU-1</SKU><Quantity>1</Quantity>
        <ItemPrice><Component><Type>Principal</Type><Amount currency="EUR">10.00</Amount></Component>
                   <Component><Type>Tax</Type><Amount currency="EUR">1.90</Amount></Component></ItemPrice>
      </OrderItem>
      <OrderItem><ASIN>B000000002</ASIN><SKU>SKU-2</SKU><Quantity>2</Quantity><GiftMessage/></OrderItem>
    </Order>
  </Message>
  <Message>
    <MessageID>2</MessageID>
    <Order>
      <AmazonOrderID>111-0000002-0000002</AmazonOrderID>
      <OrderItem><ASIN>B000000003</ASIN><SKU>SKU-3</SKU></OrderItem>
      <OrderItem><ASIN>B000000004</ASIN><SKU>SKU-4</SKU></OrderItem>
    </Order>
  </Message>
</AmazonEnvelope>
"""


def test_xml_all_orders_envelope():
    orders = list(iter_xml_records(TrickleStream(gzip.compress(ALL_ORDERS_XML)), "Order", compressed=None))
    assert [order["AmazonOrderID"] for order in orders] == ["111-0000001-0000001", "111-0000002-0000002"]
    first = orders[0]
    assert first["FulfillmentData"] == {"FulfillmentChannel": "Amazon", "Address": {"City": "Köln"}}
    assert isinstance(first["OrderItem"], list) and len(first["OrderItem"]) == 2
    assert first["OrderItem"][0]["ItemPrice"]["Component"] == [
        {"Type": "Principal", "Amount": {"@currency": "EUR", "#text": "10.00"}},
        {"Type": "Tax", "Amount": {"@currency": "EUR", "#text": "1.90"}},
    ]
    assert first["OrderItem"][1] == {"ASIN": "B000000002", "SKU": "SKU-2", "Quantity": "2", "GiftMessage": None}
    assert [item["SKU"] for item in orders[1]["OrderItem"]] == ["SKU-3", "SKU-4"]


def test_xml_force_list_and_browse_tree_nodes():
    tree = b"""<Result xmlns="urn:example">
      <Node><browseNodeId>1</browseNodeId><browseNodeName>Books</browseNodeName>
        <childNodes count="2"><id>2</id><id>3</id></childNodes><hasChildren>true</hasChildren></Node>
      <Node><browseNodeId>2</browseNodeId><browseNodeName>Caf\xc3\xa9</browseNodeName>
        <childNodes count="1"><id>4</id></childNodes></Node>
    </Result>"""
    nodes = list(iter_xml_records(TrickleStream(tree), "Node", compressed=False, force_list={"id"}))
    assert nodes == [
        {"browseNodeId": "1", "browseNodeName": "Books", "childNodes": {"@count": "2", "id": ["2", "3"]},
         "hasChildren": "true"},
        {"browseNodeId": "2", "browseNodeName": "Café", "childNodes": {"@count": "1", "id": ["4"]}},
    ]


def test_xml_keeps_no_finished_elements_in_memory(monkeypatch):
    messages = 5000
    message = b"<Message><MessageID>%d</MessageID><Order><Id>%d</Id></Order></Message>"
    body = b"".join(message % (n, n) for n in range(messages))
    roots = []
    real_iterparse = ElementTree.iterparse

    def spying_iterparse(*args, **kwargs):
        for event, element in real_iterparse(*args, **kwargs):
            if not roots:
                roots.append(element)
            yield event, element

    monkeypatch.setattr(ElementTree, "iterparse", spying_iterparse)
    document = TrickleStream(b"<AmazonEnvelope>" + body + b"</AmazonEnvelope>", step=64 * 1024)
    most_children = 0
    ids = []
    for order in iter_xml_records(document, "Order", compressed=False):
        ids.append(order["Id"])
        most_children = max(most_children, len(roots[0]))
    assert ids == [str(n) for n in range(messages)]
    # only what the parser has read ahead (one input chunk) is ever held, and nothing at the end
    assert most_children < messages / 10
    assert len(roots[0]) == 0


def test_xml_truncated_and_malformed():
    with pytest.raises(TruncatedDocumentError):
        list(iter_xml_records(TrickleStream(ALL_ORDERS_XML[:-40]), "Order", compressed=None))
    with pytest.raises(TruncatedDocumentError):
        list(iter_xml_records(TrickleStream(gzip.compress(ALL_ORDERS_XML)[:-12]), "Order", compressed=None))
    with pytest.raises(MalformedDocumentError):
        list(iter_xml_records(TrickleStream(b"<a><Order></b></a>"), "Order", compressed=None))


# --- value typing -----------------------------------------------------------------------------

SCHEMA = {
    "type": "object",
    "properties": {
        "quantity": {"type": ["null", "integer"]},
        "item-price": {"type": ["null", "number"]},
        "is-business-order": {"type": ["null", "boolean"]},
        "purchase-date": {"type": ["null", "string"], "format": "date-time"},
        "report-date": {"type": ["null", "string"], "format": "date"},
        "sku": {"type": ["null", "string"]},
        "free": {},
    },
}


def test_caster_types_values_and_empty_becomes_none():
    cast = make_caster(SCHEMA)
    record = {
        "quantity": "3", "item-price": "1234.50", "is-business-order": "true",
        "purchase-date": "05.01.2024 10:00:00 UTC", "report-date": "Jan 5, 2024",
        "sku": "0012", "free": "7", "unknown-column": "8",
    }
    assert cast(record) == {
        "quantity": 3, "item-price": 1234.5, "is-business-order": True,
        "purchase-date": "2024-01-05T10:00:00+00:00", "report-date": "2024-01-05",
        "sku": "0012", "free": "7", "unknown-column": "8",
    }
    empty = cast({"quantity": "", "item-price": "", "is-business-order": "", "purchase-date": "", "sku": None})
    assert empty == dict.fromkeys(["quantity", "item-price", "is-business-order", "purchase-date", "sku"])
    assert cast({}) == {}


@pytest.mark.parametrize(
    "column, raw, expected",
    [
        ("quantity", "-7", -7), ("quantity", "12.0", 12), ("quantity", "1,234", 1234),
        ("item-price", "1,234.50", 1234.5), ("item-price", "1.234,50", 1234.5), ("item-price", "12,50", 12.5),
        ("item-price", "-0.99", -0.99), ("item-price", "3", 3.0),
        ("is-business-order", "Yes", True), ("is-business-order", "N", False), ("is-business-order", "FALSE", False),
    ],
)
def test_caster_number_and_boolean_forms(column, raw, expected):
    value = make_caster(SCHEMA)({column: raw})[column]
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(
    "column, raw", [("quantity", "12.5"), ("quantity", "n/a"), ("item-price", "NaN"), ("item-price", "$5"),
                    ("is-business-order", "maybe"), ("purchase-date", "01/05/2024"), ("purchase-date", "soon")],
)
def test_caster_keeps_unparseable_values_and_warns_once_per_column(column, raw, caplog):
    cast = make_caster(SCHEMA)
    with caplog.at_level(logging.WARNING, logger="airbyte"):
        assert cast({column: raw})[column] == raw
        assert cast({column: raw})[column] == raw
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and repr(column) in warnings[0].getMessage()
    assert raw not in warnings[0].getMessage() or raw in column  # values can be personal data


def test_caster_logs_each_column_the_schema_does_not_know_once(caplog):
    cast = make_caster(SCHEMA, stream="GET_X")
    with caplog.at_level(logging.WARNING, logger="airbyte"):
        cast.check_header(["sku", "store", "quantity"])
        cast.check_header(["sku", "store", "quantity", "new-one"])
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2
    assert "GET_X" in messages[0] and "'store'" in messages[0] and "'new-one'" in messages[1]
    assert cast({"store": "Amazon.fr", "quantity": "2"}) == {"store": "Amazon.fr", "quantity": 2}


@pytest.mark.parametrize(
    "fmt, marketplace, raw, expected",
    [
        ("us_date", None, "11/21/2023", "2023-11-21"), ("us_date", None, "09/13/2026", "2026-09-13"),
        ("us_date", None, "11/2023", "2023-11-01"), ("us_date", None, "13/01/2023", None),
        ("marketplace_short_date", "ATVPDKIKX0DER", "1/13/17", "2017-01-13"),
        ("marketplace_short_date", "ATVPDKIKX0DER", "11/15/26", "2026-11-15"),
        ("marketplace_short_date", "A1PA6795UKMFR9", "13.1.17", "2017-01-13"),
        ("marketplace_short_date", "A1F83G8C2ARO7P", "13/1/17", "2017-01-13"),
        ("marketplace_short_date", "A13V1IB3VIYZZH", "13/12/17", "2017-12-13"),
        ("marketplace_short_date", "A1VC38T7YXB528", "17/1/13", "2017-01-13"),
        ("marketplace_short_date", "A2NODRKZP88ZB9", "2017-01-13", "2017-01-13"),
        ("marketplace_short_date", "A1PA6795UKMFR9", "1/13/17", None),
    ],
)
def test_column_formats_read_ambiguous_dates_per_report_and_marketplace(fmt, marketplace, raw, expected):
    schema = {"properties": {"d": {"type": ["null", "string"], "format": "date"}}}
    cast = make_caster(schema, {"d": fmt})
    assert cast({"d": raw}, marketplace)["d"] == (expected or raw)


def test_caster_is_safe_to_share_between_threads():
    cast = make_caster(SCHEMA)
    failures = []

    def work(offset: int) -> None:
        for n in range(2000):
            record = cast({"quantity": str(n + offset), "item-price": "bad"})
            if record["quantity"] != n + offset:
                failures.append(record)

    threads = [threading.Thread(target=work, args=(k * 10_000,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2024-01-05T10:00:00+00:00", "2024-01-05T10:00:00+00:00"),
        ("2024-01-05T10:00:00Z", "2024-01-05T10:00:00Z"),
        ("2024-01-05", "2024-01-05"),
        ("2024-01-05 10:00:00 UTC", "2024-01-05T10:00:00+00:00"),
        ("2024-01-05 10:00:00.123 PST", "2024-01-05T10:00:00.123-08:00"),
        ("2024-01-05 10:00:00 +0100", "2024-01-05T10:00:00+01:00"),
        ("2026-07-06T00:00:00-0700", "2026-07-06T00:00:00-07:00"),  # the ledger's `Date and Time`
        ("2025-03-04 16:02:06 MEZ", "2025-03-04T16:02:06+01:00"),  # amazon.de listings
        ("2025-07-04 16:02:06 MESZ", "2025-07-04T16:02:06+02:00"),
        ("05.01.2024 10:00:00 UTC", "2024-01-05T10:00:00+00:00"),
        ("05.01.2024", "2024-01-05"),
        ("Jan 5, 2024", "2024-01-05"),
        ("Jan 5, 2024 1:02:03 PM PST", "2024-01-05T13:02:03-08:00"),
        ("Dec 31, 2023 12:00:00 AM JST", "2023-12-31T00:00:00+09:00"),
        ("01/05/2024", None),  # US or European order: unknown
        ("2024-01-05 10:00:00 IST", None),  # ambiguous zone
        ("31.02.2024", None),  # no such day
        ("Foo 5, 2024", None),
    ],
)
def test_normalize_datetime(raw, expected):
    assert normalize_datetime(raw) == expected
