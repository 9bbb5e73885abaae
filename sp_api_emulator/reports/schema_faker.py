"""Deterministic instances of Amazon's JSON report schemas; leaf values come from the row when it knows them."""

from __future__ import annotations

import functools
import json
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from ..models import ReportRequest
from ..timeutil import iso, iso_date
from .rows import RowContext
from .types_json import AMAZON_SCHEMAS

# Amazon's report schemas ship with the emulator (Apache-2.0, see amazon_schemas/README.md).
REPORT_SCHEMAS_DIR = Path(__file__).resolve().parents[1] / "amazon_schemas"


@functools.lru_cache(maxsize=None)
def amazon_schema(report_type: str, account_type: str) -> Optional[Dict[str, Any]]:
    name = AMAZON_SCHEMAS.get((report_type, account_type))
    if name is None:
        return None
    with open(REPORT_SCHEMAS_DIR / name, encoding="utf-8") as handle:
        return json.load(handle)


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
        # identifiers (couponId, campaignId, promotionId...) are unique per entity at Amazon: the whole digest
        text = f"{name}-{digest}" if name.endswith("Id") else f"{name}-{digest % 1000}"
        return text if len(text) >= minimum else text.ljust(minimum, "x")
