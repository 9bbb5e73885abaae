"""JSON report documents: instances of Amazon's report schemas (amazon_schemas/), streamed.

The envelope (reportSpecification, aggregates) is generated from Amazon's schema; the arrays named by
the report type's json_records_paths hold one row per dataset entity (ASIN, day, ...), rendered one at
a time so a large report never sits in memory.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Dict, Iterator, List, Sequence, Tuple

from ..marketplaces import Market
from ..models import Dataset, Product, ReportRequest
from ..timeutil import iso_date, utcnow
from .definitions import ReportType
from .rows import RowContext
from .schema_faker import SchemaFaker, amazon_schema

PERIOD_STEPS = {"DAY": 1, "WEEK": 7, "MONTH": 30, "QUARTER": 91, "YEAR": 365}
MAX_PERIODS = 31


# -- rows --------------------------------------------------------------------------------------

def _periods(req: ReportRequest, dataset: Dataset) -> List[Tuple[datetime, datetime]]:
    step = timedelta(days=PERIOD_STEPS.get((req.options.get("reportPeriod") or req.options.get("dateGranularity")
                                            or "DAY").upper(), 1))
    end = req.end or dataset.built_at
    start = req.start or end - step
    start = start.replace(hour=0, minute=0, second=0, microsecond=0)
    periods = []
    while start <= end and len(periods) < MAX_PERIODS:
        periods.append((start, min(end, start + step - timedelta(seconds=1))))
        start += step
    return periods or [(start, end)]


def _products(dataset: Dataset, account_type: str) -> Sequence[Product]:
    return dataset.vendor.products if account_type == "vendor" else dataset.seller.products


def _sales_by_date(dataset: Dataset, req: ReportRequest, market: Market) -> Iterator[RowContext]:
    periods = _periods(req, dataset)
    orders = dataset.seller.orders_in_window([market.id], "PurchaseDate", periods[0][0], periods[-1][1], utcnow(),
                                             req.cutoff)
    for start, end in periods:
        chosen = [o for o in orders if start <= o.purchase_date <= end and o.has_amounts]
        sales = sum((i.item_price for o in chosen for i in o.items), Decimal("0"))
        units = sum(i.quantity for o in chosen for i in o.items)
        items = sum(len(o.items) for o in chosen)
        shipped = [o for o in chosen if o.status == "Shipped"]
        yield RowContext(key=f"{market.code}|{iso_date(start)}", market=market, moment=start, values={
            "date": iso_date(start),
            "salesByDate.orderedProductSales.amount": float(sales),
            "salesByDate.orderedProductSales.currencyCode": market.currency,
            "salesByDate.unitsOrdered": units,
            "salesByDate.totalOrderItems": items,
            "salesByDate.unitsShipped": sum(i.quantity_shipped for o in shipped for i in o.items),
            "salesByDate.ordersShipped": len(shipped),
        })


def json_rows(dataset: Dataset, req: ReportRequest, path: Tuple[str, ...], row_schema: Dict[str, Any]) -> Iterator[RowContext]:
    market = req.markets[0] if req.markets else dataset.seller.markets[0]
    if path and path[-1] == "salesAndTrafficByDate":
        yield from _sales_by_date(dataset, req, market)
        return
    if path and path[-1] in ("performanceMetrics",):
        yield RowContext(key=f"{market.code}|health", market=market, moment=req.end or dataset.built_at)
        return
    properties = set((row_schema.get("properties") or {}).keys())
    periodic = bool({"startDate", "endDate", "startTime", "endTime"} & properties)
    periods = _periods(req, dataset) if periodic else [(req.start or dataset.built_at, req.end or dataset.built_at)]
    for start, end in periods:
        for product in _products(dataset, req.account_type):
            yield RowContext(key=f"{product.asin}|{market.code}|{iso_date(start)}", market=market, moment=start,
                             product=product, values={"startDate": start, "endDate": end,
                                                      "startTime": start, "endTime": end})


def _records_schema(root: Dict[str, Any], faker: SchemaFaker, path: Tuple[str, ...]) -> Dict[str, Any]:
    schema = root
    for part in path:
        schema = faker.resolve(schema).get("properties", {}).get(part, {})
    schema = faker.resolve(schema)
    return faker.resolve(schema.get("items") or {})


def json_document(dataset: Dataset, definition: ReportType, req: ReportRequest, null_records: bool = False) -> Iterator[str]:
    """The document's text in pieces: envelope text with each records array streamed row by row
    (`null_records`: `null` in their place, the fault of a document Amazon changed under a client)."""
    paths = list(dict.fromkeys(definition.json_records_paths))
    root = amazon_schema(definition.report_type, definition.account_type)
    faker = SchemaFaker(root, req)
    markers = {path: f"\u0000ROWS{n}\u0000" for n, path in enumerate(paths)}
    envelope = faker.value(root, (), None, {path: markers[path] for path in paths})
    text = json.dumps(envelope, ensure_ascii=False)
    paths.sort(key=lambda p: text.find(json.dumps(markers[p])))
    for path in paths:
        head, _, text = text.partition(json.dumps(markers[path]))
        if null_records:
            yield head + "null"
            continue
        yield head + "["
        row_schema = _records_schema(root, faker, path)
        first = True
        for ctx in json_rows(dataset, req, path, row_schema):
            row = faker.value(row_schema, path + ("*",), ctx, {})
            yield ("" if first else ",") + json.dumps(row, ensure_ascii=False)
            first = False
        yield "]"
    yield text


def count_json_rows(dataset: Dataset, definition: ReportType, req: ReportRequest) -> int:
    paths = list(dict.fromkeys(definition.json_records_paths))
    if not paths:
        return 0
    root = amazon_schema(definition.report_type, definition.account_type)
    faker = SchemaFaker(root, req)
    row_schema = _records_schema(root, faker, paths[0])
    return sum(1 for _ in json_rows(dataset, req, paths[0], row_schema))
