"""Generate the JSON schemas of the REST streams from Amazon's SP-API Swagger models.

Each schema describes ONE record of a stream. It is built from a definition in Amazon's model:
every `#/definitions/X` reference is inlined, Swagger-only and validation keywords are dropped,
every property is nullable, and objects accept unknown properties, because Amazon adds fields
and enum values without notice and a sync must not break on them. The connector's own fields
(marketplace_id, cursor fields, derived keys) are added afterwards.

Also writes `financial_event_types.json`: one entry per event list of Finances v0
`FinancialEvents`, in the model's order; the manifest's per-event-type streams are built from it.

Usage:
    python tools/generate_rest_schemas.py [--models-dir DIR] [--check]

--check writes nothing and exits 1 when a generated file is missing or out of date.
The script only ever writes the files it generates (see `generate_files`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = REPO_ROOT / "source_amazon_seller_partner"
SCHEMAS_DIR = PACKAGE_DIR / "schemas"
EVENT_TYPES_FILE = PACKAGE_DIR / "catalog" / "financial_event_types.json"
# Amazon's models (Apache-2.0) as the repository ships them for the emulator; SPAPI_MODELS_DIR points elsewhere.
DEFAULT_MODELS_DIR = Path(os.environ.get("SPAPI_MODELS_DIR", REPO_ROOT / "sp_api_emulator" / "amazon_models"))

ORDERS_MODEL = "orders-api-model/ordersV0.json"
ORDERS_2026_MODEL = "orders-api-model/orders_2026-01-01.json"
FINANCES_MODEL = "finances-api-model/financesV0.json"
TRANSACTIONS_MODEL = "finances-api-model/finances_2024-06-19.json"
VENDOR_ORDERS_MODEL = "vendor-orders-api-model/vendorOrders.json"
VENDOR_DF_ORDERS_MODEL = "vendor-direct-fulfillment-orders-api-model/vendorDirectFulfillmentOrders_2021-12-28.json"
VENDOR_DF_SHIPPING_MODEL = (
    "vendor-direct-fulfillment-shipping-api-model/vendorDirectFulfillmentShipping_2021-12-28.json"
)
FBA_INVENTORY_MODEL = "fba-inventory-api-model/fbaInventory.json"
SELLERS_MODEL = "sellers-api-model/sellers.json"

JSON_SCHEMA_DRAFT = "http://json-schema.org/draft-07/schema#"
# Amazon's other formats (int32, int64, double) say nothing a JSON type does not already say.
KEPT_FORMATS = frozenset({"date-time", "date"})


# ---------------------------------------------------------------------------------------------
# Swagger definition -> JSON schema


def _nullable(swagger_type: str | list[str]) -> list[str]:
    types = [swagger_type] if isinstance(swagger_type, str) else list(swagger_type)
    return ["null"] + [t for t in types if t != "null"]


def _ref_name(ref: str) -> str:
    prefix = "#/definitions/"
    if not ref.startswith(prefix):
        raise ValueError(f"unsupported $ref {ref!r}: only local definitions are expected")
    return ref[len(prefix) :]


def _swagger_type(node: dict) -> str | list[str] | None:
    if "type" in node:
        return node["type"]
    if "properties" in node or "allOf" in node:
        return "object"
    return None


def _open_placeholder(target: dict) -> dict:
    """What a recursive reference becomes: the right container, contents left open."""
    target_type = _swagger_type(target)
    if target_type == "object":
        return {"type": ["null", "object"], "additionalProperties": True}
    if target_type == "array":
        return {"type": ["null", "array"]}
    return {}


def _merge_all_of(parts: list[dict], description: str | None) -> dict:
    # Amazon uses allOf to list alternative shapes (e.g. Context), so the union of their
    # properties is what a record may carry.
    merged: dict[str, Any] = {"type": ["null", "object"]}
    if description:
        merged["description"] = description
    properties: dict[str, dict] = {}
    for part in parts:
        for name, prop in part.get("properties", {}).items():
            if name in properties and properties[name] != prop:
                properties[name] = _widen(properties[name], prop)
            else:
                properties.setdefault(name, prop)
    merged["properties"] = properties
    merged["additionalProperties"] = True
    return merged


def _widen(first: dict, second: dict) -> dict:
    """A property two allOf parts define differently: accept either type."""
    widened = dict(first)
    first_types = first.get("type", [])
    second_types = second.get("type", [])
    if not first_types or not second_types:
        widened.pop("type", None)
        widened.pop("format", None)
        return widened
    widened["type"] = list(dict.fromkeys(list(first_types) + list(second_types)))
    if first.get("format") != second.get("format"):
        widened.pop("format", None)
    return widened


def convert(node: dict, definitions: dict[str, dict], resolving: tuple[str, ...] = ()) -> dict:
    """Convert one Swagger schema node; `resolving` holds the definitions being inlined above it."""
    description = node.get("description")
    if "$ref" in node:
        name = _ref_name(node["$ref"])
        target = definitions[name]
        if name in resolving:
            resolved = _open_placeholder(target)
        else:
            resolved = convert(target, definitions, resolving + (name,))
        if description:
            # The property's own description is more specific than the definition's.
            resolved = {**resolved, "description": description}
        return resolved
    if "allOf" in node:
        parts = [convert(part, definitions, resolving) for part in node["allOf"]]
        return _merge_all_of(parts, description)

    swagger_type = _swagger_type(node)
    schema: dict[str, Any] = {}
    if swagger_type is not None:
        schema["type"] = _nullable(swagger_type)
    if description:
        schema["description"] = description
    if node.get("format") in KEPT_FORMATS:
        schema["format"] = node["format"]
    if swagger_type == "object":
        schema["properties"] = {
            name: convert(prop, definitions, resolving) for name, prop in node.get("properties", {}).items()
        }
        schema["additionalProperties"] = True
    elif swagger_type == "array":
        schema["items"] = convert(node.get("items", {}), definitions, resolving)
    return schema


def record_schema(model: dict, definition: str, extra_properties: dict[str, dict], source: str) -> dict:
    """The schema of one record: the definition inlined, plus the connector's own properties."""
    definitions = model["definitions"]
    body = convert(definitions[definition], definitions, (definition,))
    properties = dict(body.get("properties", {}))
    for name, prop in extra_properties.items():
        # A field Amazon already defines keeps Amazon's definition.
        properties.setdefault(name, prop)
    schema: dict[str, Any] = {
        "$schema": JSON_SCHEMA_DRAFT,
        "$comment": (
            f"Generated by tools/generate_rest_schemas.py from {source} #/definitions/{definition}; do not edit."
        ),
        "type": "object",
    }
    if body.get("description"):
        schema["description"] = body["description"]
    schema["properties"] = properties
    schema["additionalProperties"] = True
    return schema


# ---------------------------------------------------------------------------------------------
# The connector's own properties


def _string(description: str) -> dict:
    return {"type": ["null", "string"], "description": description}


def _date_time(description: str) -> dict:
    return {"type": ["null", "string"], "description": description, "format": "date-time"}


MARKETPLACE_ID = _string("Added by the connector: the marketplace id the request was made for.")
SELLER_ID = _string("Added by the connector for compatibility with earlier versions; may be empty.")


def _window_end(parameter: str) -> dict:
    return _date_time(f"Added by the connector: the {parameter} the request was made with (the end of its window).")


LAST_UPDATE_DATE_OF_ORDER = _date_time(
    "Added by the connector: LastUpdateDate of the order this record belongs to (the stream's cursor)."
)


@dataclass(frozen=True)
class StreamSpec:
    stream: str
    model_file: str
    definition: str
    extra_properties: dict[str, dict] = field(default_factory=dict)


def rest_stream_specs() -> list[StreamSpec]:
    return [
        StreamSpec("Orders", ORDERS_MODEL, "Order", {"marketplace_id": MARKETPLACE_ID, "seller_id": SELLER_ID}),
        StreamSpec(
            "OrderItems",
            ORDERS_MODEL,
            "OrderItem",
            {
                "AmazonOrderId": _string("Added by the connector: the order this item belongs to."),
                "LastUpdateDate": LAST_UPDATE_DATE_OF_ORDER,
                "marketplace_id": MARKETPLACE_ID,
            },
        ),
        StreamSpec(
            "OrderBuyerInfo",
            ORDERS_MODEL,
            "OrderBuyerInfo",
            {"LastUpdateDate": LAST_UPDATE_DATE_OF_ORDER, "marketplace_id": MARKETPLACE_ID},
        ),
        StreamSpec(
            "OrderAddress",
            ORDERS_MODEL,
            "OrderAddress",
            {"LastUpdateDate": LAST_UPDATE_DATE_OF_ORDER, "marketplace_id": MARKETPLACE_ID},
        ),
        StreamSpec(
            "ListFinancialEvents",
            FINANCES_MODEL,
            "FinancialEvents",
            {
                "PostedBefore": _window_end("PostedBefore"),
                "PostedAfter": _date_time("Added by the connector: the PostedAfter the request was made with."),
                "marketplace_id": MARKETPLACE_ID,
            },
        ),
        StreamSpec(
            "ListFinancialEventGroups", FINANCES_MODEL, "FinancialEventGroup", {"marketplace_id": MARKETPLACE_ID}
        ),
        StreamSpec("FinancialTransactions", TRANSACTIONS_MODEL, "Transaction", {"marketplace_id": MARKETPLACE_ID}),
        StreamSpec(
            "VendorOrders",
            VENDOR_ORDERS_MODEL,
            "Order",
            {"changedBefore": _window_end("changedBefore"), "marketplace_id": MARKETPLACE_ID},
        ),
        StreamSpec(
            "VendorOrdersStatus",
            VENDOR_ORDERS_MODEL,
            "OrderStatus",
            {"updatedBefore": _window_end("updatedBefore"), "marketplace_id": MARKETPLACE_ID},
        ),
        StreamSpec(
            "VendorDirectFulfillmentOrders",
            VENDOR_DF_ORDERS_MODEL,
            "Order",
            {"createdBefore": _window_end("createdBefore"), "marketplace_id": MARKETPLACE_ID},
        ),
        StreamSpec(
            "VendorDirectFulfillmentShipping",
            VENDOR_DF_SHIPPING_MODEL,
            "ShippingLabel",
            {"createdBefore": _window_end("createdBefore"), "marketplace_id": MARKETPLACE_ID},
        ),
        StreamSpec(
            "FbaInventorySummaries", FBA_INVENTORY_MODEL, "InventorySummary", {"marketplace_id": MARKETPLACE_ID}
        ),
        StreamSpec(
            "MarketplaceParticipations", SELLERS_MODEL, "MarketplaceParticipation", {"marketplace_id": MARKETPLACE_ID}
        ),
    ]


# Columns the published connector (4.6.4) exposed that Amazon's current models do not define;
# kept so existing destinations keep their columns.
PUBLISHED_ONLY_COLUMNS: dict[str, dict[str, dict]] = {
    "ListFinancialEvents": {
        "PerformanceBondRefundEventList": {
            "type": ["null", "array"],
            "description": "Kept for compatibility with earlier versions; Amazon's current model no longer defines it.",
            "items": {"type": ["null", "object"], "additionalProperties": True},
        },
    },
}


# Dates Amazon's Orders v0 model leaves as plain strings although Amazon documents them (and the
# sandbox sends them) as ISO 8601 date-times; the published connector typed them date-time, so
# destinations already hold them as timestamps.
DATE_TIMES_THE_MODEL_OMITS: dict[str, tuple[str, ...]] = {
    "Orders": (
        "PurchaseDate",
        "LastUpdateDate",
        "EarliestShipDate",
        "LatestShipDate",
        "EarliestDeliveryDate",
        "LatestDeliveryDate",
    ),
    "OrderItems": ("ScheduledDeliveryStartDate", "ScheduledDeliveryEndDate"),
}


def dataset_columns() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Stream -> (2026 definition, its properties kept as columns): the datasets of Orders API 2026-01-01
    that v0 has no column for (source_amazon_seller_partner/orders/ fills them)."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from source_amazon_seller_partner.orders import items, order

    return {"Orders": ("Order", order.NEW_COLUMNS), "OrderItems": ("OrderItem", items.NEW_COLUMNS)}


def add_dataset_columns(schema: dict, model: dict, definition: str, names: tuple[str, ...]) -> None:
    """Add 2026 properties under their own names; a name that differs from a v0 column only by case would
    collide in case-insensitive destinations (BigQuery, Snowflake), so it is refused."""
    definitions = model["definitions"]
    taken = {name.lower(): name for name in schema["properties"]}
    for name in names:
        if name.lower() in taken:
            raise ValueError(f"2026 column {name!r} collides with {taken[name.lower()]!r}")
        prop = convert(definitions[definition]["properties"][name], definitions, (definition,))
        prop["description"] = "Orders API 2026-01-01 only (empty on the v0 path). " + prop.get("description", "")
        schema["properties"][name] = prop


def mark_date_times(schema: dict, names: tuple[str, ...]) -> None:
    for name in names:
        prop = schema["properties"].get(name)
        if prop is None or prop.get("type") != ["null", "string"]:
            raise ValueError(f"{name} is no longer a string property of the model; review DATE_TIMES_THE_MODEL_OMITS")
        prop["format"] = "date-time"


# ---------------------------------------------------------------------------------------------
# Finances v0: one stream per event list


def _resolve(node: dict, definitions: dict[str, dict]) -> dict:
    seen: set[str] = set()
    while "$ref" in node:
        name = _ref_name(node["$ref"])
        if name in seen:
            raise ValueError(f"$ref cycle at {name}")
        seen.add(name)
        node = definitions[name]
    return node


def _stream_name_of_list(list_name: str) -> str:
    base = list_name[: -len("List")] if list_name.endswith("List") else list_name
    return base if base.endswith("s") else base + "s"


def _posted_date_field(item: dict, definitions: dict[str, dict]) -> str | None:
    """The item's posting date: PostedDate, else its only 'posted' date-time, else its only date-time."""
    properties = item.get("properties", {})
    if "PostedDate" in properties:
        return "PostedDate"
    date_times = [
        name for name, prop in properties.items() if _resolve(prop, definitions).get("format") == "date-time"
    ]
    posted = [name for name in date_times if "posted" in name.lower()]
    if len(posted) == 1:
        return posted[0]
    if len(date_times) == 1:
        return date_times[0]
    return None


def financial_event_types(finances_model: dict) -> list[dict]:
    definitions = finances_model["definitions"]
    event_types = []
    for list_name, list_ref in definitions["FinancialEvents"]["properties"].items():
        list_schema = _resolve(list_ref, definitions)
        item_ref = list_schema.get("items", {}).get("$ref")
        if list_schema.get("type") != "array" or item_ref is None:
            raise ValueError(f"FinancialEvents.{list_name} is not a list of a defined event")
        item_name = _ref_name(item_ref)
        event_types.append(
            {
                "stream": _stream_name_of_list(list_name),
                "list": list_name,
                "item": item_name,
                "posted_date_field": _posted_date_field(definitions[item_name], definitions),
            }
        )
    return event_types


def _posted_date_description(posted_date_field: str | None) -> str:
    # Used only for events whose model has no PostedDate of its own.
    if posted_date_field:
        return f"Added by the connector: the event's posting date (Amazon's field {posted_date_field})."
    return "Added by the connector: Amazon's event carries no date of its own."


def financial_event_stream_specs(event_types: list[dict]) -> list[StreamSpec]:
    specs = []
    for event_type in event_types:
        extras = {
            "event_id": _string("Added by the connector: a key derived from the event's content (the primary key)."),
            "event_type": _string("Added by the connector: the event's type."),
            "PostedDate": _date_time(_posted_date_description(event_type["posted_date_field"])),
            "marketplace_id": MARKETPLACE_ID,
        }
        specs.append(StreamSpec(event_type["stream"], FINANCES_MODEL, event_type["item"], extras))
    return specs


# ---------------------------------------------------------------------------------------------
# Files


def _dump(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def generate_files(models_dir: Path) -> dict[Path, str]:
    """Every file this script owns, path -> content. Nothing else is ever written."""
    models: dict[str, dict] = {}

    def model(relative_path: str) -> dict:
        if relative_path not in models:
            with open(models_dir / relative_path, encoding="utf-8") as model_file:
                models[relative_path] = json.load(model_file)
        return models[relative_path]

    event_types = financial_event_types(model(FINANCES_MODEL))
    files: dict[Path, str] = {EVENT_TYPES_FILE: _dump(event_types)}
    datasets = dataset_columns()
    for spec in rest_stream_specs() + financial_event_stream_specs(event_types):
        extras = {**PUBLISHED_ONLY_COLUMNS.get(spec.stream, {}), **spec.extra_properties}
        schema = record_schema(model(spec.model_file), spec.definition, extras, spec.model_file)
        mark_date_times(schema, DATE_TIMES_THE_MODEL_OMITS.get(spec.stream, ()))
        if spec.stream in datasets:
            add_dataset_columns(schema, model(ORDERS_2026_MODEL), *datasets[spec.stream])
        path = SCHEMAS_DIR / f"{spec.stream}.json"
        if path in files:
            raise ValueError(f"two streams would write {path.name}")
        files[path] = _dump(schema)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", type=Path, default=DEFAULT_MODELS_DIR, help="Amazon's models/ folder")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file is out of date")
    args = parser.parse_args(argv)

    files = generate_files(args.models_dir)
    stale = [path for path, content in files.items() if not path.exists() or path.read_text("utf-8") != content]
    if args.check:
        for path in stale:
            print(f"out of date: {path.relative_to(REPO_ROOT)}")
        return 1 if stale else 0
    SCHEMAS_DIR.mkdir(parents=True, exist_ok=True)
    for path in stale:
        path.write_text(files[path], encoding="utf-8")
    print(f"{len(files)} files generated, {len(stale)} changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
