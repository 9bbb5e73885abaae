"""Checks that keep the user documentation true to the code: README.md, docs/amazon-seller-partner.md,
and the promises README makes about `make demo` (its streams, queries and progress lines)."""

from __future__ import annotations

import io
import json
import re
import sys
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "tools"))

import stream_table  # noqa: E402  (tools/ is not a package)

README_PATH = REPO_ROOT / "README.md"
DOCS_PAGE_PATH = REPO_ROOT / "docs" / "amazon-seller-partner.md"
REFERENCE = Path(__file__).resolve().parent / "fixtures" / "airbyte_4_6_4"  # Airbyte's published 4.6.4: its spec and streams
README = README_PATH.read_text(encoding="utf-8")
DOCS_PAGE = DOCS_PAGE_PATH.read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """The body of a `## heading` section, up to the next `## ` heading."""
    match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    assert match, f"section '## {heading}' is missing"
    return match.group(1)


def table_rows(table: str) -> List[List[str]]:
    """Cells of a Markdown table's body rows (header and separator skipped), `\\|` unescaped."""
    rows = []
    for line in table.strip().splitlines()[2:]:
        cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
        rows.append([cell.strip().replace("\\|", "|") for cell in cells])
    return rows


def first_code(cell: str) -> str:
    match = re.search(r"`([^`]+)`", cell)
    return match.group(1) if match else cell


@pytest.fixture(scope="module")
def discovered():
    return stream_table.discover_all()


@pytest.fixture(scope="module")
def rows(discovered):
    return stream_table.build_rows(discovered)


@pytest.fixture(scope="module")
def spec() -> Dict:
    from source_amazon_seller_partner.catalog.manifest import assemble_manifest

    return assemble_manifest()["spec"]["connection_specification"]


# ------------------------------------------------------------------------------------ stream table

@pytest.mark.parametrize("path", [README_PATH, DOCS_PAGE_PATH], ids=["README", "docs page"])
def test_stream_table_is_current(rows, path):
    current = stream_table.document_table(path.read_text(encoding="utf-8"))
    assert current is not None, f"{path.name} lacks the stream table markers"
    assert current == stream_table.render_markdown(rows), (
        f"{path.name}'s stream table is stale: run `.venv/bin/python tools/stream_table.py --write`")


def test_every_discovered_stream_is_in_readme_table(discovered):
    documented = {first_code(row[0]) for row in table_rows(stream_table.document_table(README) or "")}
    for account_type, (_, catalog) in discovered.items():
        missing = sorted(stream.name for stream in catalog.streams if stream.name not in documented)
        assert not missing, f"{account_type} streams missing from README's stream table: {missing}"


def test_stream_table_rows_are_complete(rows):
    assert {"Seller"} <= {account for row in rows for account in row.accounts} >= {"Vendor"}
    for row in rows:
        assert row.source and row.sync_modes, row
        assert "full refresh" in row.sync_modes, row
        assert ("incremental" in row.sync_modes) == bool(row.cursor), row


# ------------------------------------------------------------------------------ config reference

def _documented_default(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def test_config_reference_matches_spec(spec):
    match = re.search(r"<!-- BEGIN config_reference[^>]*-->(.*?)<!-- END config_reference -->", README, flags=re.S)
    assert match, "README's configuration reference markers are missing"
    documented = {first_code(row[0]): row for row in table_rows(match.group(1))}
    properties = spec["properties"]
    assert sorted(set(properties) - set(documented)) == [], "spec keys missing from README's configuration reference"
    assert sorted(set(documented) - set(properties)) == [], "README documents keys the spec does not have"
    for key, schema in properties.items():
        _, required, default, description = documented[key]
        assert required == ("yes" if key in spec.get("required", []) else "no"), f"'{key}': Required column is wrong"
        assert default.replace("`", "") == _documented_default(schema.get("default")), f"'{key}': Default column is wrong"
        assert description.strip(), f"'{key}' has no description"


# ------------------------------------------------------------------------------------- emulator

def test_emulator_credentials_in_readme_match_the_emulator():
    from integration_tests import acceptance_configs as configs
    from sp_api_emulator import (DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET,
                                                   DEFAULT_SELLER_REFRESH_TOKEN, DEFAULT_VENDOR_REFRESH_TOKEN)

    emulator_section = section(README, "The SP-API emulator")
    pairs = [
        (configs.CLIENT_ID, DEFAULT_CLIENT_ID),
        (configs.CLIENT_SECRET, DEFAULT_CLIENT_SECRET),
        (configs.SELLER_REFRESH_TOKEN, DEFAULT_SELLER_REFRESH_TOKEN),
        (configs.VENDOR_REFRESH_TOKEN, DEFAULT_VENDOR_REFRESH_TOKEN),
    ]
    for from_configs, from_emulator in pairs:
        assert from_configs == from_emulator, "acceptance_configs.py and the emulator disagree"
        assert from_configs in emulator_section, f"README's emulator section lacks {from_configs!r}"


# ------------------------------------------------------------------------------------- migration

def test_published_connector_streams_columns_and_keys_still_exist(discovered, spec):
    published_streams = json.loads((REFERENCE / "official-4.6.4-streams.json").read_text())
    published_spec = json.loads((REFERENCE / "official-4.6.4-spec.json").read_text())["spec"]["connectionSpecification"]
    ours = {stream.name: stream for _, catalog in discovered.values() for stream in catalog.streams}
    assert sorted(set(published_streams) - set(ours)) == [], "4.6.4 streams this connector lacks"
    for name, published in published_streams.items():
        columns = set(ours[name].json_schema.get("properties", {}))
        assert sorted(set(published["columns"]) - columns) == [], f"{name}: 4.6.4 columns missing from the schema"
    assert sorted(set(published_spec["properties"]) - set(spec["properties"])) == [], "4.6.4 config keys missing"
    published_reports = published_spec["properties"]["report_options_list"]["items"]["properties"]["report_name"].get("enum", [])
    our_reports = spec["properties"]["report_options_list"]["items"]["properties"]["report_name"].get("enum", [])
    assert sorted(set(published_reports) - set(our_reports)) == [], "4.6.4 report_name values this connector rejects"


def test_migration_section_names_every_new_key(spec):
    published_spec = json.loads((REFERENCE / "official-4.6.4-spec.json").read_text())["spec"]["connectionSpecification"]
    migration = section(README, "Migrating from Airbyte's connector 4.6.4")
    new_keys = sorted(set(spec["properties"]) - set(published_spec["properties"]))
    assert new_keys, "expected keys beyond 4.6.4's"
    missing = [key for key in new_keys if f"`{key}`" not in migration]
    assert not missing, f"README's migration section does not mention the new keys {missing}"


# ---------------------------------------------------------------------------- structure and versions

def test_readme_keeps_the_leads_sections():
    setup = section(README, "Set-up: two commands")
    assert "make demo" in setup and "make test" in setup
    section(README, "Performance")  # the lead fills it with benchmark numbers


def test_changelog_starts_with_the_package_version():
    version = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["poetry"]["version"]
    image_tag = yaml.safe_load((REPO_ROOT / "metadata.yaml").read_text())["data"]["dockerImageTag"]
    changelog = section(DOCS_PAGE, "Changelog")
    versions = re.findall(r"^\|\s*(\d+\.\d+\.\d+)\s*\|", changelog, flags=re.M)
    assert versions, "the docs page's changelog has no version rows"
    assert versions[0] == version == image_tag


def test_docs_page_has_airbytes_sections():
    for heading in ("Prerequisites", "Setup guide", "Supported sync modes", "Supported streams",
                    "Performance considerations", "Data type map", "Limitations & Troubleshooting", "Changelog"):
        section(DOCS_PAGE, heading)


# ------------------------------------------------------------------------------------------ demo

def test_demo_streams_are_the_documented_ones(discovered):
    from demo import streams as demo_streams
    from source_amazon_seller_partner.catalog.reports import load_report_catalog

    quick_start = section(README, "Quick start: `make demo`")
    seller_streams = {stream.name for stream in discovered["Seller"][1].streams}
    for name in demo_streams.DEFAULT_REST_STREAMS:
        assert f"`{name}`" in quick_start, f"README's quick start does not name the demo stream {name}"
    catalog = {spec.name: spec for spec in load_report_catalog()}
    for name in demo_streams.EXCLUDED_REPORT_STREAMS:
        assert catalog[name].default_enabled, f"{name} is left out of the demo but not default_enabled"
        assert f"`{name}`" in quick_start, f"README does not say the demo leaves out {name}"
    selected = demo_streams.demo_stream_names()
    assert set(selected) <= seller_streams
    assert set(demo_streams.EXCLUDED_REPORT_STREAMS).isdisjoint(selected)
    expected_reports = [s.name for s in catalog.values()
                        if s.default_enabled and s.account_type == "seller" and s.name not in demo_streams.EXCLUDED_REPORT_STREAMS]
    assert selected == demo_streams.DEFAULT_REST_STREAMS + expected_reports


def test_demo_table_names_follow_pyairbyte(discovered):
    normalizers = pytest.importorskip("airbyte._util.name_normalizers", reason="PyAirbyte (the demo group) is not installed")
    from demo.queries import table_name

    for _, catalog in discovered.values():
        for stream in catalog.streams:
            assert table_name(stream.name) == normalizers.LowerCaseNormalizer.normalize(stream.name)


def _sample_database(path: Path) -> None:
    """Tables shaped as PyAirbyte writes them (JSON columns for objects), with a few known amounts."""
    duckdb = pytest.importorskip("duckdb", reason="duckdb (the demo group) is not installed")
    money = lambda currency, amount: json.dumps({"CurrencyCode": currency, "CurrencyAmount": amount})  # noqa: E731
    with duckdb.connect(str(path)) as db:
        db.execute("CREATE TABLE marketplaceparticipations (marketplace_id VARCHAR, marketplace JSON)")
        db.execute("INSERT INTO marketplaceparticipations VALUES ('ATVPDKIKX0DER', '{\"countryCode\": \"US\"}'), "
                   "('A2EUQ1WTGCTBG2', '{\"countryCode\": \"CA\"}')")
        db.execute("CREATE TABLE orders (amazonorderid VARCHAR, purchasedate TIMESTAMP, marketplace_id VARCHAR, ordertotal JSON)")
        db.executemany("INSERT INTO orders VALUES (?, ?, ?, ?)", [
            ("1", "2026-11-20 10:00:00", "ATVPDKIKX0DER", '{"CurrencyCode": "USD", "Amount": "10.50"}'),
            ("2", "2026-11-20 18:00:00", "ATVPDKIKX0DER", '{"CurrencyCode": "USD", "Amount": "4.25"}'),
            ("3", "2026-11-21 09:00:00", "A2EUQ1WTGCTBG2", '{"CurrencyCode": "CAD", "Amount": "7.00"}'),
            ("4", "2026-11-21 09:30:00", "ATVPDKIKX0DER", None),  # canceled: no total
        ])
        # What the connector writes to the component streams (schemas/FinancialFeeComponents.json ...).
        db.execute("CREATE TABLE financialfeecomponents (event_stream VARCHAR, posted_date TIMESTAMP, currency VARCHAR, amount DOUBLE)")
        db.executemany("INSERT INTO financialfeecomponents VALUES (?, ?, ?, ?)", [
            ("ShipmentEvents", "2026-10-03 00:00:00", "USD", -1.5), ("ShipmentEvents", "2026-10-03 00:00:00", "USD", -2.0),
            ("ShipmentEvents", "2026-10-03 00:00:00", "USD", -0.5), ("ServiceFeeEvents", "2026-11-22 00:00:00", "USD", -39.99),
            ("RefundEvents", "2026-10-15 00:00:00", "USD", 1.2), ("CouponPaymentEvents", "2026-10-20 00:00:00", "CAD", -0.6),
        ])
        db.execute("CREATE TABLE financialchargecomponents (event_stream VARCHAR, posted_date TIMESTAMP, currency VARCHAR, amount DOUBLE)")
        db.executemany("INSERT INTO financialchargecomponents VALUES (?, ?, ?, ?)", [
            ("RefundEvents", "2026-10-15 00:00:00", "USD", -20.0), ("RefundEvents", "2026-10-15 00:00:00", "USD", -1.6),
            ("ShipmentEvents", "2026-10-03 00:00:00", "USD", 25.0),  # a sale: neither a fee nor a refund
        ])


def test_demo_queries_compute_the_documented_numbers(tmp_path):
    from demo.queries import FEES_AND_REFUNDS_BY_MONTH, SALES_BY_MARKETPLACE_AND_DAY, format_table, rows_per_stream, run_query

    database = tmp_path / "sample.duckdb"
    _sample_database(database)

    columns, sales = run_query(database, SALES_BY_MARKETPLACE_AND_DAY)
    assert columns == ["day", "marketplace", "currency", "orders", "sales"]
    assert [(str(day), market, currency, orders, amount) for day, market, currency, orders, amount in sales] == [
        ("2026-11-21", "CA", "CAD", 1, Decimal("7.00")),
        ("2026-11-20", "US", "USD", 2, Decimal("14.75")),
    ]

    columns, months = run_query(database, FEES_AND_REFUNDS_BY_MONTH)
    assert columns == ["month", "currency", "item_fees", "service_fees", "other_fees", "refunds"]
    assert months == [
        ("2026-11", "USD", None, Decimal("-39.99"), None, None),
        ("2026-10", "CAD", None, None, Decimal("-0.60"), None),
        ("2026-10", "USD", Decimal("-4.00"), None, Decimal("1.20"), Decimal("-21.60")),
    ]
    text = format_table(columns, months)
    assert text.splitlines()[0].split() == columns and "-21.60" in text
    assert "unnest(" not in FEES_AND_REFUNDS_BY_MONTH and "->>" not in FEES_AND_REFUNDS_BY_MONTH  # a plain GROUP BY

    assert rows_per_stream(database, ["Orders", "FinancialFeeComponents", "NoSuchStream"]) == {
        "Orders": 4, "FinancialFeeComponents": 6, "NoSuchStream": 0}


def _messages():
    from airbyte_cdk.models import (AirbyteLogMessage, AirbyteMessage, AirbyteRecordMessage, AirbyteStreamStatus,
                                    AirbyteStreamStatusTraceMessage, AirbyteTraceMessage, Level, StreamDescriptor,
                                    TraceType, Type)

    def status(stream, value):
        return AirbyteMessage(type=Type.TRACE, trace=AirbyteTraceMessage(
            type=TraceType.STREAM_STATUS, emitted_at=0.0,
            stream_status=AirbyteStreamStatusTraceMessage(stream_descriptor=StreamDescriptor(name=stream), status=value)))

    def record(stream):
        return AirbyteMessage(type=Type.RECORD, record=AirbyteRecordMessage(stream=stream, data={}, emitted_at=0))

    def log(level, text):
        return AirbyteMessage(type=Type.LOG, log=AirbyteLogMessage(level=level, message=text))

    return [
        status("Orders", AirbyteStreamStatus.STARTED),
        log(Level.INFO, "Marking stream GET_SALES_AND_TRAFFIC_REPORT as STARTED"),
        record("Orders"), record("Orders"), record("Orders"),
        log(Level.INFO, "Listed 0 recent report(s) of GET_AFN_INVENTORY_DATA for reuse."),
        log(Level.INFO, "Requested report GET_AFN_INVENTORY_DATA for the snapshot in marketplace X: report id 7."),
        log(Level.INFO, "Report GET_AFN_INVENTORY_DATA in marketplace X was CANCELLED by Amazon: no data for this range."),
        log(Level.WARN, "Amazon ended report GET_X FATAL: too soon."),
        status("Orders", AirbyteStreamStatus.COMPLETE),
        record("GET_AFN_INVENTORY_DATA"),
    ]


def test_demo_progress_shows_streams_counts_and_reports():
    from demo.progress import ProgressPrinter

    now = [100.0]
    out = io.StringIO()
    printer = ProgressPrinter(out=out, clock=lambda: now[0], quiet_seconds=10)
    for message in _messages():
        printer.observe(message)
    lines = [line.split("] ", 1)[1] for line in out.getvalue().splitlines()]
    assert lines == [
        "started  Orders",
        "report   Requested report GET_AFN_INVENTORY_DATA for the snapshot in marketplace X: report id 7.",
        "report   Report GET_AFN_INVENTORY_DATA in marketplace X was CANCELLED by Amazon: no data for this range.",
        "warning  Amazon ended report GET_X FATAL: too soon.",
        "done     Orders: 3 records in 0.0 s",
        "started  GET_AFN_INVENTORY_DATA",
    ]
    assert (printer.reports_requested, printer.reports_cancelled) == (1, 1)

    printer.tick()  # printed a moment ago: nothing new
    assert len(out.getvalue().splitlines()) == len(lines)
    now[0] += 10
    printer.tick()
    assert out.getvalue().splitlines()[-1].endswith(
        "progress 4 records so far; 1 streams finished; 1 reports requested (1 cancelled: no data); "
        "running: GET_AFN_INVENTORY_DATA (1)")
