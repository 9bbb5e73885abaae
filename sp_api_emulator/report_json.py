"""JSON report documents: instances of Amazon's report schemas (spapi-models/schemas/reports), streamed.

The envelope (reportSpecification, aggregates) is generated from Amazon's schema; the arrays named by
the catalog's json_records_path hold one row per dataset entity (ASIN, day, ...), rendered one at a
time so a large report never sits in memory.
"""

from __future__ import annotations

import functools
import json
import os
import zlib
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

from .models import Dataset, Market, Product
from .report_catalog import ReportDefinition
from .report_rows import ReportRequest, RowContext
from .timeutil import iso, iso_date

# Amazon's report schemas ship with the emulator (Apache-2.0, see amazon_report_schemas/README.md);
# SP_API_MODELS_DIR points at a full spapi-models checkout instead.
REPORT_SCHEMAS_DIR = (Path(os.environ["SP_API_MODELS_DIR"]) / "schemas" / "reports" if os.environ.get("SP_API_MODELS_DIR")
                      else Path(__file__).resolve().parent / "amazon_report_schemas")

# (report type, account type) -> Amazon's schema file
AMAZON_SCHEMAS: Dict[Tuple[str, str], str] = {
    ("GET_SALES_AND_TRAFFIC_REPORT", "seller"): "sellerSalesAndTrafficReport.json",
    ("GET_V2_SELLER_PERFORMANCE_REPORT", "seller"): "accountHealthReport-2020-11-18.json",
    ("GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT", "seller"): "sellingPartnerSearchTermsReport.json",
    ("GET_BRAND_ANALYTICS_MARKET_BASKET_REPORT", "seller"): "sellingPartnerMarketBasketAnalysisReport.json",
    ("GET_BRAND_ANALYTICS_REPEAT_PURCHASE_REPORT", "seller"): "sellingPartnerRepeatPurchaseReport.json",
    ("GET_BRAND_ANALYTICS_SEARCH_CATALOG_PERFORMANCE_REPORT", "seller"):
        "sellingPartnerSearchCatalogPerformanceReport.json",
    ("GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT", "seller"): "sellingPartnerSearchQueryPerformanceReport.json",
    ("GET_MARKETPLACE_ASIN_PAGE_VIEW_METRICS", "seller"): "marketplaceAsinPageViewMetrics.json",
    ("GET_COUPON_PERFORMANCE_REPORT", "seller"): "sellerCouponReport.json",
    ("GET_COUPON_PERFORMANCE_REPORT", "vendor"): "vendorCouponReport.json",
    ("GET_PROMOTION_PERFORMANCE_REPORT", "seller"): "promotionReport.json",
    ("GET_B2B_PRODUCT_OPPORTUNITIES_RECOMMENDED_FOR_YOU", "seller"):
        "b2bProductOpportunitiesRecommendedForYouReport-2020-11-19.json",
    ("GET_B2B_PRODUCT_OPPORTUNITIES_NOT_YET_ON_AMAZON", "seller"):
        "b2bProductOpportunitiesNotYetOnAmazonReport-2020-11-19.json",
    ("GET_VENDOR_SALES_REPORT", "vendor"): "vendorSalesReport.json",
    ("GET_VENDOR_TRAFFIC_REPORT", "vendor"): "vendorTrafficReport.json",
    ("GET_VENDOR_INVENTORY_REPORT", "vendor"): "vendorInventoryReport.json",
    ("GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT", "vendor"): "vendorNetPureProductMarginReport.json",
    ("GET_VENDOR_REAL_TIME_SALES_REPORT", "vendor"): "vendorRealTimeSalesReport.json",
    ("GET_VENDOR_REAL_TIME_TRAFFIC_REPORT", "vendor"): "vendorRealTimeTrafficReport.json",
    ("GET_VENDOR_REAL_TIME_INVENTORY_REPORT", "vendor"): "vendorRealTimeInventoryReport.json",
    ("GET_VENDOR_FORECASTING_REPORT", "vendor"): "vendorForecastingReport.json",
}

PERIOD_STEPS = {"DAY": 1, "WEEK": 7, "MONTH": 30, "QUARTER": 91, "YEAR": 365}
MAX_PERIODS = 31


@functools.lru_cache(maxsize=None)
def amazon_schema(report_type: str, account_type: str) -> Optional[Dict[str, Any]]:
    name = AMAZON_SCHEMAS.get((report_type, account_type))
    if name is None:
        return None
    try:
        with open(REPORT_SCHEMAS_DIR / name, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, json.JSONDecodeError):
        return None


def required_options(report_type: str, account_type: str) -> List[str]:
    """reportOptions Amazon's schema requires in reportSpecification (e.g. asin, campaignStartDateFrom)."""
    root = amazon_schema(report_type, account_type)
    if root is None:
        return []
    faker = SchemaFaker(root, None)  # type: ignore[arg-type]
    spec = faker.resolve(faker.resolve(root).get("properties", {}).get("reportSpecification", {}))
    options = faker.resolve(spec.get("properties", {}).get("reportOptions", {}))
    return list(options.get("required", []))


class SchemaFaker:
    """Deterministic instances of a JSON schema; leaf values come from the row context when it knows them."""

    def __init__(self, root: Dict[str, Any], request: ReportRequest) -> None:
        self.root = root
        self.request = request

    def resolve(self, schema: Dict[str, Any]) -> Dict[str, Any]:
        seen = 0
        while "$ref" in schema and seen < 20:
            ref = schema["$ref"]
            target: Any = self.root
            for part in ref.lstrip("#/").split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
            seen += 1
        if "allOf" in schema:
            merged: Dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
            for part in schema["allOf"]:
                part = self.resolve(part)
                merged.setdefault("properties", {}).update(part.get("properties", {}))
                merged["required"] = list(merged.get("required", [])) + list(part.get("required", []))
                merged.setdefault("type", part.get("type"))
            schema = merged
        for key in ("oneOf", "anyOf"):
            if key in schema:
                rest = {k: v for k, v in schema.items() if k != key}
                schema = {**self.resolve(schema[key][0]), **rest}
        return schema

    @staticmethod
    def kind(schema: Dict[str, Any]) -> str:
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if kind is None:
            kind = "object" if "properties" in schema else "string"
        return kind

    def value(self, schema: Dict[str, Any], path: Tuple[str, ...], ctx: Optional[RowContext],
              rows: Dict[Tuple[str, ...], Any]) -> Any:
        schema = self.resolve(schema)
        if path in rows:
            return rows[path]
        dotted = ".".join(path[-3:])
        if ctx is not None:
            for length in (3, 2, 1):
                key = ".".join(path[-length:])
                if key in ctx.values:
                    known = ctx.values[key]
                    if isinstance(known, datetime):
                        return iso_date(known) if schema.get("format") == "date" else iso(known)
                    return known
        kind = self.kind(schema)
        name = path[-1] if path else ""
        if kind == "object":
            if name == "reportOptions" and "reportSpecification" in path:
                return dict(self.request.options)
            properties = schema.get("properties") or {}
            result = {prop: self.value(sub, path + (prop,), ctx, rows) for prop, sub in properties.items()}
            example = (schema.get("examples") or [{}])[0]
            for prop in schema.get("required", []):  # required but left undefined by the schema
                if prop not in result:
                    result[prop] = example.get(prop, f"{prop}-value") if isinstance(example, dict) else f"{prop}-value"
            return result
        if kind == "array":
            items = schema.get("items") or {"type": "string"}
            if name == "marketplaceIds":
                return list(self.request.marketplace_ids)
            count = max(1, int(schema.get("minItems", 1)))
            return [self.value(items, path + (str(i),), ctx, rows) for i in range(count)]
        return self.leaf(schema, kind, name, path, ctx, dotted)

    def leaf(self, schema: Dict[str, Any], kind: str, name: str, path: Tuple[str, ...], ctx: Optional[RowContext],
             dotted: str) -> Any:
        req = self.request
        lowered = name.lower()
        moment = ctx.moment if ctx is not None else (req.start or req.end or datetime.now().astimezone())
        digest = zlib.crc32(f"{ctx.key if ctx else 'doc'}|{dotted}".encode())
        fmt = schema.get("format")
        if "enum" in schema:
            options = [v for v in schema["enum"] if v is not None]
            return options[digest % len(options)] if options else None
        if name == "reportType":
            return req.report_type
        if name in ("dataStartTime", "dataEndTime") and "reportSpecification" in path:
            value = req.start if name == "dataStartTime" else req.end
            value = value or moment
            return iso_date(value) if fmt == "date" else iso(value)
        if kind in ("integer", "number"):
            low = schema.get("minimum", 0)
            high = schema.get("maximum", 500 if kind == "integer" else 1000)
            if "exclusiveMinimum" in schema:
                low = schema["exclusiveMinimum"] + (1 if kind == "integer" else 0.01)
            span = max(1, int(high - low))
            if kind == "integer":
                return int(low + digest % (span + 1)) if span < 10 ** 9 else int(low + digest % 1000)
            return round(low + (digest % (min(span, 100000) * 100)) / 100, 2)
        if kind == "boolean":
            return bool(digest % 2)
        if fmt == "date" or lowered in ("date", "startdate", "enddate"):
            return iso_date(moment)
        if fmt == "date-time" or lowered.endswith("time") or lowered.endswith("date"):
            return iso(moment)
        product = ctx.product if ctx is not None else None
        market = ctx.market if ctx is not None else (req.markets[0] if req.markets else None)
        if "asin" in lowered and product is not None:
            return product.asin
        if lowered in ("sku", "msku", "sellersku") and product is not None:
            return product.sku
        if lowered == "marketplaceid" and market is not None:
            return market.id
        if lowered == "currencycode" and market is not None:
            return market.currency
        if ("title" in lowered or lowered in ("itemname", "productname", "name")) and product is not None and market:
            return product.title(market)
        if ("searchterm" in lowered or "searchquery" in lowered) and product is not None and market:
            return product.title(market).split(",")[0].lower()
        if lowered in ("brand", "brandname") and product is not None:
            return product.brand
        if lowered == "ean" and product is not None:
            return product.ean
        if lowered == "upc" and product is not None:
            return product.upc
        minimum = int(schema.get("minLength", 1))
        text = f"{name}-{digest % 1000}"
        return text if len(text) >= minimum else text.ljust(minimum, "x")


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
    from .timeutil import utcnow

    periods = _periods(req, dataset)
    orders = dataset.seller.orders_in_window([market.id], "PurchaseDate", periods[0][0], periods[-1][1], utcnow())
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


def json_document(dataset: Dataset, definition: ReportDefinition, req: ReportRequest) -> Iterator[str]:
    """The document's text in pieces: envelope text with each records array streamed row by row."""
    paths = list(dict.fromkeys(definition.json_records_paths))
    root = amazon_schema(definition.report_type, definition.account_type)
    if root is None:  # no Amazon schema at hand: the catalog's row schemas in a bare envelope
        root = {"type": "object", "properties": {}}
        for path, row_schema in zip(paths, definition.row_schemas):
            node = root
            for part in path[:-1]:
                node = node["properties"].setdefault(part, {"type": "object", "properties": {}})
            node["properties"][path[-1]] = {"type": "array", "items": row_schema}
    faker = SchemaFaker(root, req)
    markers = {path: f"\u0000ROWS{n}\u0000" for n, path in enumerate(paths)}
    envelope = faker.value(root, (), None, {path: markers[path] for path in paths})
    text = json.dumps(envelope, ensure_ascii=False)
    paths.sort(key=lambda p: text.find(json.dumps(markers[p])))
    for path in paths:
        head, _, text = text.partition(json.dumps(markers[path]))
        yield head + "["
        row_schema = _records_schema(root, faker, path)
        first = True
        for ctx in json_rows(dataset, req, path, row_schema):
            row = faker.value(row_schema, path + ("*",), ctx, {})
            yield ("" if first else ",") + json.dumps(row, ensure_ascii=False)
            first = False
        yield "]"
    yield text


def count_json_rows(dataset: Dataset, definition: ReportDefinition, req: ReportRequest) -> int:
    paths = list(dict.fromkeys(definition.json_records_paths))
    if not paths:
        return 0
    root = amazon_schema(definition.report_type, definition.account_type) or {}
    faker = SchemaFaker(root, req)
    row_schema = _records_schema(root, faker, paths[0]) if root else (definition.row_schemas[0] if definition.row_schemas else {})
    return sum(1 for _ in json_rows(dataset, req, paths[0], row_schema))
