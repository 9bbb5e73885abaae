"""The REST streams the full connector already reads declaratively, taken from manifest.yaml as they are.

Three changes make them Builder-ready: a stream's schema is inline (`#/schemas/<name>`, the Builder
reads no files); the two custom components among them give way to native ones (the buyer-info and
address requesters send the plain LWA token, as the full connector does without `include_pii`; the
Listings router is a ListPartitionRouter and the stream is offered only once `seller_id` is set); and
the order streams are the v0 ones (`orders_api: v0` in the full connector), the only Orders API a
manifest can map to v0's columns.
"""

from __future__ import annotations

import copy
from typing import Any, Dict, List, Mapping

# definitions copied from manifest.yaml (with those they $ref, listed too)
SHARED_DEFINITIONS = (
    "marketplace_partitions",
    "add_marketplace_from_partition",
    "next_token_paginator",
    "page_token_paginator",
    "rest_window_cursor",
    "vendor_window_cursor",
    "vendor_stream",
    "vendor_marketplace",
    "order_child_stream",
)

SELLER_STREAMS = {
    "MarketplaceParticipations": "marketplace_participations_stream",
    "Orders": "orders_stream",
    "OrderItems": "order_items_stream",
    "OrderBuyerInfo": "order_buyer_info_stream",
    "OrderAddress": "order_address_stream",
    "ListFinancialEventGroups": "financial_event_groups_stream",
    "FbaInventorySummaries": "fba_inventory_summaries_stream",
}
LISTINGS_STREAMS = {"ListingsItems": "listings_items_stream"}
VENDOR_STREAMS = {
    "VendorOrders": "vendor_orders_stream",
    "VendorOrdersStatus": "vendor_orders_status_stream",
    "VendorDirectFulfillmentOrders": "vendor_df_orders_stream",
    "VendorDirectFulfillmentShipping": "vendor_df_shipping_stream",
}


def inline_schema(name: str) -> Dict[str, Any]:
    return {"type": "InlineSchemaLoader", "schema": {"$ref": f"#/schemas/{name}"}}


def _native(node: Any) -> Any:
    """A definition with the connector's custom components replaced by the CDK's own."""
    if isinstance(node, list):
        return [_native(item) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("type") == "CustomAuthenticator":
        return {"$ref": "#/definitions/authenticator"}
    if node.get("type") == "CustomPartitionRouter" and node.get("class_name", "").endswith("SellerMarketplacePartitionRouter"):
        return {key: _native(value) for key, value in node.items() if key != "class_name"} | {"type": "ListPartitionRouter"}
    if node.get("$ref") == "#/definitions/schema_loader":
        return None  # replaced by the stream's inline schema
    return {key: _native(value) for key, value in node.items() if key != "schema_loader" or value.get("$ref") != "#/definitions/schema_loader"}


def shared_definitions(full_definitions: Mapping[str, Any]) -> Dict[str, Any]:
    return {name: _native(copy.deepcopy(full_definitions[name])) for name in SHARED_DEFINITIONS}


def stream_definitions(full_definitions: Mapping[str, Any], names: Mapping[str, str]) -> Dict[str, Dict[str, Any]]:
    """Each stream's definition (its own keys; the bases it $refs are in shared_definitions)."""
    streams = {}
    for name, key in names.items():
        definition = _native(copy.deepcopy(full_definitions[key]))
        definition["schema_loader"] = inline_schema(name)
        streams[key] = definition
    return streams


def stream_refs(names: Mapping[str, str]) -> List[Dict[str, str]]:
    return [{"$ref": f"#/definitions/{key}"} for key in names.values()]
