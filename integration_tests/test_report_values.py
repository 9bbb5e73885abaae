"""Every report stream, read from emulator documents in Amazon's formats, value by value.

One sync per account and region reads every report stream of the catalog (seller: US, DE and JP;
vendor: US and DE) from a private emulator. For each stream and marketplace the records must equal what
the documents say (GET /_emulator/truth/reports): every column of every row, typed as the stream's
schema types it (dates and moments compared by meaning, text as Amazon wrote it), JSON rows as the
document holds them, XML records by id and fields. Keys: a stream's primary key is filled and unique
over all it delivered.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, List, Mapping, Tuple

import pytest
from airbyte_cdk.models import ConfiguredAirbyteCatalogSerializer
from airbyte_cdk.test.entrypoint_wrapper import read

from integration_tests.acceptance_configs import running_emulator_config
from integration_tests.conftest import FAST_TIME_SCALE
from source_amazon_seller_partner.catalog.reports import load_report_catalog
from source_amazon_seller_partner.source import SourceAmazonSellerPartner
from sp_api_emulator import start_emulator

SCHEMAS = Path(__file__).resolve().parent.parent / "source_amazon_seller_partner" / "schemas"
STAMPS = ("marketplace_id", "dataStartTime", "dataEndTime", "report_id")
MARKETS = {"US": "ATVPDKIKX0DER", "DE": "A1PA6795UKMFR9", "JP": "A1VC38T7YXB528"}
SYNCS = [("seller", "US"), ("seller", "DE"), ("seller", "JP"), ("vendor", "US"), ("vendor", "DE")]
CATALOG = load_report_catalog()
SPECS = {spec.name: spec for spec in CATALOG}
# Where 4.6.4 (and so its users' tables) names columns other than Amazon's header: the feedback
# report, whose header Amazon localises, by position (tests/fixtures of Airbyte's connector).
NAMES_OF_4_6_4 = {"GET_SELLER_FEEDBACK_DATA": ["date", "rating", "comments", "response", "order_id", "rater_email"]}
# Columns whose dates 4.6.4 passed on as Amazon wrote them (and this connector too, to keep users' tables)
KEPT_AS_WRITTEN = {("GET_FBA_FULFILLMENT_MONTHLY_INVENTORY_DATA", "month")}
# the two options Amazon requires without a default (the streams are offered only when set)
USER_OPTIONS = [
    {"stream_name": "GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT", "report_name": "GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT",
     "options_list": [{"option_name": "asin", "option_value": "B000000001"}]},
    {"stream_name": "GET_MARKETPLACE_ASIN_PAGE_VIEW_METRICS", "report_name": "GET_MARKETPLACE_ASIN_PAGE_VIEW_METRICS",
     "options_list": [{"option_name": "productType", "option_value": "HOME"}]},
]


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _catalog(names: List[str]):
    return ConfiguredAirbyteCatalogSerializer.load({"streams": [
        {"stream": {"name": name, "json_schema": {}, "supported_sync_modes": ["full_refresh", "incremental"]},
         "sync_mode": "incremental", "destination_sync_mode": "append"} for name in names]})


class Sync:
    """What one sync delivered and what the emulator's documents say."""

    def __init__(self, account: str, market: str, records: Dict[str, List[Dict[str, Any]]], errors: List[str],
                 truth: List[Dict[str, Any]], streams: List[str]) -> None:
        self.account, self.market, self.records, self.errors, self.truth, self.streams = account, market, records, errors, truth, streams


@pytest.fixture(scope="module")
def syncs() -> Dict[Tuple[str, str], Sync]:
    running = start_emulator(seed=1, profile="small", time_scale=FAST_TIME_SCALE)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    start, end = (now - timedelta(days=45)).replace(hour=0, minute=0, second=0), now - timedelta(hours=1)
    done = {}
    try:
        for account, market in SYNCS:
            names = [spec.name for spec in CATALOG if spec.account_type == account]
            config = running_emulator_config(
                running, region=market, marketplaces=[market], replication_start_date=_iso(start),
                replication_end_date=_iso(end), report_options_list=USER_OPTIONS,
            )
            if account == "vendor":
                config.update(account_type="Vendor", refresh_token=running.credentials.vendor_refresh_token)
            before = {r["reportId"] for r in running.report_truth(account=account)["reports"]}
            output = read(SourceAmazonSellerPartner(catalog=_catalog(names), config=config), config, _catalog(names))
            records: Dict[str, List[Dict[str, Any]]] = defaultdict(list)
            for message in output.records:
                records[message.record.stream].append(message.record.data)
            errors = [(m.trace.error.stream_descriptor.name if m.trace.error.stream_descriptor else None, m.trace.error.message)
                      for m in output.errors]
            truth = [r for r in running.report_truth(account=account)["reports"]
                     if MARKETS[market] in r["marketplaceIds"] and (r["reportId"] not in before or r["reportType"].startswith(("GET_V2_SETTLEMENT", "GET_ORDER_REPORT")))]
            done[(account, market)] = Sync(account, market, records, errors, truth, names)
    finally:
        running.stop()
    return done


# ------------------------------------------------------------------------------------- comparing


def _schema(stream: str) -> Mapping[str, Any]:
    return json.loads((SCHEMAS / f"{stream}.json").read_text())["properties"]


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH = re.compile(r"\d{4}-\d{2}")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})")  # RFC 3339
_DECIMAL = re.compile(r"-?\d+\.\d+")


def _category(meanings: List[Any]) -> str:
    """What a column holds, from the document's meaning of its cells (the emulator's truth)."""
    present = [m for m in meanings if m is not None]
    if not present:
        return "text"
    for name, test in (("int", lambda m: isinstance(m, int)), ("decimal", lambda m: isinstance(m, str) and _DECIMAL.fullmatch(m)),
                       ("moment", lambda m: isinstance(m, str) and _MOMENT.fullmatch(m)),
                       ("date", lambda m: isinstance(m, str) and _DATE.fullmatch(m)),
                       ("month", lambda m: isinstance(m, str) and _MONTH.fullmatch(m))):
        if all(test(m) for m in present):
            return name
    return "text"


def _utc(value: str) -> str:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def _delivered_cell(category: str, value: Any) -> Any:
    """A record's value as the column's category demands: a moment must be RFC 3339, a date ISO."""
    if value is None:
        return None
    if category in ("int", "decimal"):  # a count in a column the schema types as a number is still the count
        try:
            return Decimal(str(value)).normalize()
        except ArithmeticError:
            return ("not a number", value)
    if category == "moment":
        return _utc(value) if isinstance(value, str) and _MOMENT.fullmatch(value) else ("not RFC 3339", value)
    if category in ("date", "month"):
        pattern = _DATE if category == "date" else _MONTH
        return value if isinstance(value, str) and pattern.fullmatch(value) else (f"not an ISO {category}", value)
    return value


def _expected_cell(category: str, written: Any, meant: Any) -> Any:
    if meant is None:
        return None
    if category in ("int", "decimal"):
        return Decimal(str(meant)).normalize()
    if category == "moment":
        return _utc(meant)
    if category in ("date", "month"):
        return meant
    return written


def _categories(stream: str, columns: List[str], reports: List[Mapping[str, Any]]) -> List[str]:
    """Per column: its category; a column the stream's schema does not list reaches the destination as
    Amazon wrote it (text), as do the columns 4.6.4 passed on as written."""
    known = set(_schema(stream))
    names = _connector_names(stream, columns)
    categories = []
    for index, name in enumerate(names):
        if name not in known or (stream, name) in KEPT_AS_WRITTEN:
            categories.append("text")
        else:
            categories.append(_category([row[index] for report in reports for row in report["values"]]))
    return categories


def _connector_names(stream: str, columns: List[str]) -> List[str]:
    """Amazon's English header, with the first columns renamed where 4.6.4's names replace them."""
    renamed = NAMES_OF_4_6_4.get(stream, [])
    return renamed + columns[len(renamed):]


def _moment(value: Any) -> Any:
    return _utc(value) if isinstance(value, str) and _MOMENT.fullmatch(value) else value


def _json_record(record: Mapping[str, Any]) -> str:
    return json.dumps({k: v for k, v in record.items() if k not in STAMPS}, sort_keys=True, ensure_ascii=False)


def _xml_record(report_type: str, record: Mapping[str, Any]) -> str:
    if "BROWSE_TREE" in report_type:
        return json.dumps([record.get("browseNodeId"), record.get("browseNodeName")])
    items = record.get("OrderItem") if "ALL_ORDERS" in report_type else record.get("Item")
    items = items if isinstance(items, list) else [items] if items else []
    date = record.get("PurchaseDate") if "ALL_ORDERS" in report_type else None
    status = record.get("OrderStatus") if "ALL_ORDERS" in report_type else None
    return json.dumps([record.get("AmazonOrderID"), status, _moment(date), sorted(i.get("SKU") for i in items)])


def _xml_truth(report_type: str, truth: Mapping[str, Any]) -> str:
    if "BROWSE_TREE" in report_type:
        return json.dumps([truth["browseNodeId"], truth["browseNodeName"]])
    all_orders = "ALL_ORDERS" in report_type
    return json.dumps([truth["AmazonOrderID"], truth["OrderStatus"] if all_orders else None,
                       _moment(truth["PurchaseDate"]) if all_orders else None, sorted(truth["SKU"])])


def expected_and_delivered(sync: Sync, stream: str) -> Tuple[Counter, Counter]:
    spec = SPECS[stream]
    reports = [r for r in sync.truth if r["reportType"] == spec.report_type
               and all(r["reportOptions"].get(k) == v for k, v in spec.default_options.items())]
    records = sync.records.get(stream, [])
    if spec.window_kind == "settlement":  # listed, not requested: the reports this sync read
        read_ids = {r.get("report_id") for r in records}
        reports = [r for r in reports if r["reportId"] in read_ids]
    expected: Counter = Counter()
    delivered: Counter = Counter()
    if spec.format == "tsv":
        columns = reports[0]["columns"] if reports else []
        names = _connector_names(stream, columns)
        categories = _categories(stream, columns, reports)
        for report in reports:
            for text, values in zip(report["text"], report["values"]):
                expected[tuple(zip(names, map(_expected_cell, categories, text, values)))] += 1
        for record in records:
            delivered[tuple((name, _delivered_cell(category, record.get(name))) for name, category in zip(names, categories))] += 1
    elif spec.format == "json":
        path = ".".join(spec.json_records_path)
        for report in reports:
            for row in report["records"].get(path) or []:
                expected[_json_record(row)] += 1
        for record in records:
            delivered[_json_record(record)] += 1
    else:
        for report in reports:
            for row in report["records"]:
                expected[_xml_truth(spec.report_type, row)] += 1
        for record in records:
            delivered[_xml_record(spec.report_type, record)] += 1
    return expected, delivered


CASES = [(account, market, spec.name) for account, market in SYNCS for spec in CATALOG if spec.account_type == account]


@pytest.mark.parametrize("account, market, stream", CASES, ids=[f"{a}-{m}-{s}" for a, m, s in CASES])
def test_every_value_of_every_report_stream(syncs, account, market, stream):
    sync = syncs[(account, market)]
    # its own errors, or the sync's (the CDK's closing summary of failed streams names them one by one)
    assert not [message for name, message in sync.errors
                if name == stream or (name is None and not message.startswith("During the sync, the following streams"))]
    expected, delivered = expected_and_delivered(sync, stream)
    missing, extra = expected - delivered, delivered - expected
    assert not missing and not extra, (
        f"{stream} in {market}: {sum(expected.values())} rows expected, {sum(delivered.values())} delivered, "
        f"{sum(missing.values())} not as expected; {_first_difference(missing, extra)}")


def _first_difference(missing: Counter, extra: Counter) -> str:
    """The cells that differ between a row expected and the delivered row closest to it."""
    if not missing or not extra:
        return f"missing: {next(iter(missing), None)}; unexpected: {next(iter(extra), None)}"
    want = next(iter(missing))
    if not isinstance(want, tuple):
        return f"expected {want}, e.g. delivered {next(iter(extra))}"
    got = max(extra, key=lambda row: len(set(row) & set(want)) if isinstance(row, tuple) else 0)
    got_cells = dict(got) if isinstance(got, tuple) else {}
    return "; ".join(f"{name}: expected {value!r}, delivered {got_cells.get(name)!r}"
                     for name, value in want if got_cells.get(name) != value)


def test_the_syncs_cover_every_report_stream_with_data(syncs):
    """Each report stream delivers rows in at least one marketplace (else the value test proves little)."""
    empty = [spec.name for spec in CATALOG
             if not any(sync.records.get(spec.name) for sync in syncs.values() if sync.account == spec.account_type)]
    assert empty == []


@pytest.mark.parametrize("stream", [spec.name for spec in CATALOG if spec.format == "tsv"], ids=lambda s: s)
def test_the_columns_amazon_documents_are_in_the_schema(syncs, stream):
    """Columns on Amazon's attribute pages (the emulator marks the ones it could not confirm, and an
    undocumented one such as the unsuppressed inventory's `store`) are typed by the stream's schema."""
    spec = SPECS[stream]
    reports = [r for sync in syncs.values() if sync.account == spec.account_type for r in sync.truth
               if r["reportType"] == spec.report_type]
    assert reports, f"no {stream} document to compare with"
    columns = reports[0]["columns"]
    documented = [name for name, known, _ in zip(_connector_names(stream, columns), reports[0]["documented"], columns) if known]
    assert sorted(set(documented) - set(_schema(stream))) == []


@pytest.mark.parametrize("stream", [spec.name for spec in CATALOG if spec.primary_key], ids=lambda s: s)
def test_primary_keys_are_filled_and_unique_over_the_emulators_data(syncs, stream):
    spec = SPECS[stream]
    keys = [tuple(record.get(path[0]) for path in spec.primary_key)
            for sync in syncs.values() if sync.account == spec.account_type for record in sync.records.get(stream, [])]
    assert keys, f"{stream} delivered nothing to check its key on"
    assert not [k for k in keys if any(part in (None, "") for part in k)], f"{stream}: empty key parts"
    duplicates = [k for k, n in Counter(keys).items() if n > 1]
    assert not duplicates, f"{stream}: {len(duplicates)} keys repeat, e.g. {duplicates[0]}"
