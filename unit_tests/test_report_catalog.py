"""The report catalog (report_streams.yaml) and its schemas keep the contract the report job, the emulator
and the decoders rely on, and keep every report stream of the published connector 4.6.4 with its columns."""

import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator, FormatChecker

from source_amazon_seller_partner.catalog.reports import CATALOG_PATH, load_report_catalog

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "source_amazon_seller_partner"
SCHEMA_DIR = PACKAGE_DIR / "schemas"
REFERENCE_STREAMS = Path(__file__).resolve().parent / "fixtures" / "airbyte_4_6_4" / "official-4.6.4-streams.json"
# Amazon's report schemas (Apache-2.0) as the repository ships them for the emulator
AMAZON_REPORT_SCHEMAS = Path(__file__).resolve().parents[1] / "sp_api_emulator" / "amazon_schemas"

FORMATS = {"tsv", "json", "xml"}
WINDOW_KINDS = {"date_range", "snapshot", "period", "settlement"}
ACCOUNT_TYPES = {"seller", "vendor"}
CONNECTOR_FIELDS = ("marketplace_id", "dataStartTime", "dataEndTime")
FLAT_FILE_TYPES = ({"type": ["null", "string"]}, {"type": ["null", "integer"]}, {"type": ["null", "number"]},
                   {"type": ["null", "string"], "format": "date-time"}, {"type": ["null", "string"], "format": "date"})
ITEM_COLUMNS = {"sku", "order-item-id", "shipment-item-id"}

with open(CATALOG_PATH, encoding="utf-8") as handle:
    CATALOG = yaml.safe_load(handle)["report_streams"]
BY_NAME = {entry["name"]: entry for entry in CATALOG}


def schema_of(name):
    with open(SCHEMA_DIR / f"{name}.json", encoding="utf-8") as handle:
        return json.load(handle)


def reference_report_streams():
    streams = json.loads(REFERENCE_STREAMS.read_text(encoding="utf-8"))
    return {name: spec for name, spec in streams.items() if name.startswith("GET_")}


def is_flat_file_order_report(entry):
    report_type = entry["report_type"]
    return entry["format"] == "tsv" and "ORDER" in report_type and "REMOVAL" not in report_type


def test_catalog_has_at_least_60_uniquely_named_streams():
    names = [entry["name"] for entry in CATALOG]
    assert len(names) >= 60
    assert len(names) == len(set(names))


def test_the_connectors_loader_reads_every_entry():
    specs = load_report_catalog()
    assert [spec.name for spec in specs] == [entry["name"] for entry in CATALOG]


def test_every_published_report_stream_is_present_with_its_columns_in_order():
    reference = reference_report_streams()
    assert len(reference) == 38
    for name, spec in reference.items():
        assert name in BY_NAME, f"{name} missing from the catalog"
        properties = list(schema_of(name)["properties"])
        missing = [column for column in spec["columns"] if column not in properties]
        assert not missing, f"{name} lacks {missing}"
        positions = [properties.index(column) for column in spec["columns"]]
        assert positions == sorted(positions), f"{name} does not keep the published column order"


@pytest.mark.parametrize("entry", CATALOG, ids=lambda entry: entry["name"])
def test_entry_follows_the_catalog_contract(entry):
    assert entry["report_type"].isupper() and entry["report_type"].startswith("GET_")
    assert entry["format"] in FORMATS
    assert entry["account_type"] in ACCOUNT_TYPES
    assert isinstance(entry["role"], str) and entry["role"]
    assert isinstance(entry["default_enabled"], bool)
    assert isinstance(entry["description"], str) and entry["description"]
    assert isinstance(entry["default_options"], dict)
    if entry["format"] == "json":
        path = entry["json_records_path"]
        assert isinstance(path, list) and path and all(isinstance(key, str) for key in path)
    else:
        assert "json_records_path" not in entry
    if entry["format"] == "xml":
        assert isinstance(entry["xml_record_tag"], str) and entry["xml_record_tag"]
    else:
        assert "xml_record_tag" not in entry


@pytest.mark.parametrize("entry", CATALOG, ids=lambda entry: entry["name"])
def test_window_is_valid_for_its_kind(entry):
    window = entry["window"]
    assert window["kind"] in WINDOW_KINDS
    for key in ("max_days", "history_days"):
        value = window[key]
        assert value is None or (isinstance(value, int) and not isinstance(value, bool) and value > 0)
    if window["kind"] == "period":
        assert "reportPeriod" in entry["default_options"], "period reports are requested one reportPeriod at a time"
    if window["kind"] == "settlement":
        assert window["history_days"] == 90, "Amazon keeps listed reports 90 days"
    if window["kind"] == "snapshot":
        assert window["max_days"] is None


@pytest.mark.parametrize("entry", CATALOG, ids=lambda entry: entry["name"])
def test_schema_is_valid_and_carries_the_connector_fields(entry):
    schema = schema_of(entry["name"])
    Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["type"] == "object" and schema["additionalProperties"] is True
    properties = schema["properties"]
    expected_tail = list(CONNECTOR_FIELDS)
    if entry["window"]["kind"] == "settlement":
        expected_tail.insert(0, "report_id")
    assert list(properties)[-len(expected_tail):] == expected_tail
    for name, property_schema in properties.items():
        assert "null" in property_schema["type"], f"{name} is not nullable"


@pytest.mark.parametrize("entry", [e for e in CATALOG if e["format"] == "tsv"], ids=lambda entry: entry["name"])
def test_flat_file_columns_are_typed_scalars(entry):
    for name, property_schema in schema_of(entry["name"])["properties"].items():
        assert property_schema in FLAT_FILE_TYPES, f"{name}: {property_schema}"


@pytest.mark.parametrize("entry", CATALOG, ids=lambda entry: entry["name"])
def test_primary_key_and_cursor_are_columns_of_the_schema(entry):
    properties = schema_of(entry["name"])["properties"]
    primary_key = entry["primary_key"]
    if primary_key is not None:
        assert primary_key and all(isinstance(path, list) and path for path in primary_key)
        for path in primary_key:
            assert path[0] in properties, f"primary key column {path} not in the schema"
    assert entry["cursor_field"] in properties


@pytest.mark.parametrize("entry", [e for e in CATALOG if is_flat_file_order_report(e)], ids=lambda e: e["name"])
def test_flat_file_order_reports_key_on_order_and_item(entry):
    key_columns = [path[0] for path in entry["primary_key"] or []]
    assert any("order-id" in column for column in key_columns), key_columns
    assert ITEM_COLUMNS & set(key_columns), key_columns


def test_the_order_report_check_covers_the_order_reports():
    checked = {entry["name"] for entry in CATALOG if is_flat_file_order_report(entry)}
    assert {"GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL",
            "GET_FLAT_FILE_ARCHIVED_ORDERS_DATA_BY_ORDER_DATE", "GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING"} <= checked


def test_vendor_reports_are_marked_vendor():
    for entry in CATALOG:
        if entry["report_type"].startswith("GET_VENDOR_"):
            assert entry["account_type"] == "vendor", entry["name"]


def amazon_rows_schemas(records_path):
    """(document, item schema) for every Amazon report schema with an array of items at records_path."""
    for schema_file in sorted(AMAZON_REPORT_SCHEMAS.glob("*.json")):
        document = json.loads(schema_file.read_text(encoding="utf-8"))
        node = document
        for key in records_path:
            node = (node.get("properties") or {}).get(key)
            if node is None:
                break
        else:
            items = node["items"]
            if "$ref" in items:
                items = document["definitions"][items["$ref"].split("/")[-1]]
            yield document, items


def own_columns(name):
    return [column for column in schema_of(name)["properties"] if column not in CONNECTOR_FIELDS]


JSON_ENTRIES = [e for e in CATALOG if e["format"] == "json"]


@pytest.mark.parametrize("entry", JSON_ENTRIES, ids=lambda entry: entry["name"])
def test_json_rows_match_amazons_report_schema(entry):
    """The stream's row properties are those of the items at json_records_path in Amazon's schema."""
    matches = [list(items["properties"]) for _, items in amazon_rows_schemas(entry["json_records_path"])]
    assert own_columns(entry["name"]) in matches, f"no Amazon schema has these rows at {entry['json_records_path']}"


@pytest.mark.parametrize("entry", JSON_ENTRIES, ids=lambda entry: entry["name"])
def test_amazons_example_rows_validate_against_the_stream_schema(entry):
    validator = Draft7Validator(schema_of(entry["name"]), format_checker=FormatChecker())
    rows_checked = 0
    for document, items in amazon_rows_schemas(entry["json_records_path"]):
        if list(items["properties"]) != own_columns(entry["name"]):
            continue
        for example in document.get("examples", []):
            rows = example
            for key in entry["json_records_path"]:
                rows = rows.get(key, [])
            for row in rows:
                errors = [error.message for error in validator.iter_errors(row)]
                assert not errors, errors
                rows_checked += 1
    assert rows_checked > 0, "Amazon's schema has no example rows to check"


def test_every_requested_report_cites_the_range_amazon_documents_and_names_a_known_quota():
    from source_amazon_seller_partner.reports.quotas import QUOTAS

    for entry in CATALOG:
        window = entry["window"]
        assert len(window.get("range_source", "")) > 20, entry["name"]
        if window["kind"] == "period":
            assert window.get("periods_per_report") in ("one", "many"), entry["name"]
        else:
            assert "periods_per_report" not in window, entry["name"]
        assert entry.get("quota") in (None, *QUOTAS), entry["name"]
    by_type = {entry["report_type"]: entry for entry in CATALOG}
    assert by_type["GET_SALES_AND_TRAFFIC_REPORT"]["quota"] == "sales_and_traffic"
    assert by_type["GET_AFN_INVENTORY_DATA"]["quota"] == "near_real_time"
    assert by_type["GET_VENDOR_SALES_REPORT"]["window"]["periods_per_report"] == "many"
    assert by_type["GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT"]["window"]["periods_per_report"] == "one"


def test_amazons_documented_maximum_ranges_hold():
    """The catalog's longest windows against what its sources say (30 days for the order reports and FBA
    shipments, 60 for returns, one day for vendor real-time reports, seven for page-view metrics)."""
    maxima = {entry["name"]: entry["window"]["max_days"] for entry in CATALOG}
    for name in ("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", "GET_XML_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL",
                 "GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL"):
        assert maxima[name] == 30
    assert maxima["GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE"] == 60
    assert maxima["GET_VENDOR_REAL_TIME_SALES_REPORT"] == 1 and maxima["GET_MARKETPLACE_ASIN_PAGE_VIEW_METRICS"] == 7
    assert maxima["GET_SALES_AND_TRAFFIC_REPORT"] is None  # no maximum: one report for the whole history
