"""The Connector Builder edition: builder/manifest.yaml, a pure declarative manifest for Airbyte Cloud.

Airbyte Cloud's Standard, Plus and Pro plans run neither custom Docker images nor Builder custom
components, so the connector reaches Cloud as a manifest the Connector Builder imports: no `Custom*`
component, no config key made in Python. This package writes it from the full connector's own sources:
manifest.yaml (spec, error handler, the REST streams it already reads declaratively), the report catalog
(report_streams.yaml), financial_event_types.json, the marketplace table and the rate-limit table.

    python -m tools.builder_edition          # write builder/manifest.yaml (make builder-edition)
    python -m tools.builder_edition --check  # exit 1 when the committed file is not what it would write

Parts: config_rules.py (spec and derived config keys), http.py (LWA, error handler, API budget),
rest_streams.py, finance_streams.py, report_streams.py, schemas.py, render.py (the YAML text).
What the Builder edition leaves out, and the CDK limitation behind each gap: README.md, "Where it runs".
"""

from __future__ import annotations

from typing import Any, Dict, List

import yaml

from source_amazon_seller_partner.catalog.manifest import MANIFEST_PATH as FULL_MANIFEST_PATH
from source_amazon_seller_partner.catalog.reports import load_report_catalog

from . import finance_streams, http, report_streams, rest_streams
from .config_rules import builder_spec
from .render import MANIFEST_PATH, render_manifest
from .schemas import inline_schemas

__all__ = ["MANIFEST_PATH", "build_manifest", "render_manifest"]

SELLER = "not config.get('_is_vendor')"
VENDOR = "config.get('_is_vendor')"
CDK_VERSION = "7.39.1"


def _full_manifest() -> Dict[str, Any]:
    return yaml.safe_load(FULL_MANIFEST_PATH.read_text(encoding="utf-8"))


def _point_schemas(node: Any, entry_of: Dict[str, str]) -> Any:
    if isinstance(node, list):
        return [_point_schemas(item, entry_of) for item in node]
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/schemas/") and len(node) == 1:
            return {"$ref": f"#/schemas/{entry_of[ref[len('#/schemas/'):]]}"}
        return {key: _point_schemas(value, entry_of) for key, value in node.items()}
    return node


def build_manifest() -> Dict[str, Any]:
    full = _full_manifest()
    full_definitions = full["definitions"]

    definitions: Dict[str, Any] = {
        "datetime_format": full_definitions["datetime_format"],
        "authenticator": http.authenticator(),
        "error_handler": http.error_handler(full_definitions["error_handler"]),
        "requester": http.requester(),
    }
    definitions.update(rest_streams.shared_definitions(full_definitions))
    definitions.update(finance_streams.definitions())
    definitions.update(report_streams.definitions())

    seller = rest_streams.stream_definitions(full_definitions, rest_streams.SELLER_STREAMS)
    listings = rest_streams.stream_definitions(full_definitions, rest_streams.LISTINGS_STREAMS)
    vendor = rest_streams.stream_definitions(full_definitions, rest_streams.VENDOR_STREAMS)
    finances = finance_streams.finance_streams()
    reports, report_entries, conditional_reports = report_streams.report_streams({"seller": SELLER, "vendor": VENDOR})
    for group in (seller, listings, vendor, finances, reports):
        definitions.update(group)

    participations = rest_streams.stream_refs({"MarketplaceParticipations": "marketplace_participations_stream"})
    seller_refs: List[Dict[str, Any]] = [
        ref for ref in rest_streams.stream_refs(rest_streams.SELLER_STREAMS) if ref not in participations
    ]
    seller_refs[4:4] = [{"$ref": f"#/definitions/{key}"} for key in finances]  # after the order streams, as in the full connector
    streams: List[Any] = [
        *participations,
        {"type": "ConditionalStreams", "condition": f"{{{{ {SELLER} }}}}", "streams": seller_refs + report_entries["seller"]},
        # searchListingsItems takes the seller id in its path: offered once `seller_id` is set
        {"type": "ConditionalStreams", "condition": f"{{{{ {SELLER} and (config.get('seller_id') or '') | trim }}}}",
         "streams": rest_streams.stream_refs(rest_streams.LISTINGS_STREAMS)},
        {"type": "ConditionalStreams", "condition": f"{{{{ {VENDOR} }}}}",
         "streams": rest_streams.stream_refs(rest_streams.VENDOR_STREAMS) + report_entries["vendor"]},
        *conditional_reports,
    ]

    names = [definition["name"] for key, definition in definitions.items() if key.endswith("_stream") and "name" in definition]
    schemas, entry_of = inline_schemas(names)
    definitions = _point_schemas(definitions, entry_of)

    return {
        "version": CDK_VERSION,
        "type": "DeclarativeSource",
        "description": (
            "Amazon Selling Partner API (SP-API), Connector Builder edition: the declarative part of "
            "source-amazon-seller-partner-plus for Airbyte Cloud. Generated by tools/builder_edition."
        ),
        "check": {"type": "CheckStream", "stream_names": ["MarketplaceParticipations"]},
        "concurrency_level": full["concurrency_level"],
        "max_concurrent_async_job_count": report_streams.MAX_CONCURRENT_REPORTS,
        "api_budget": http.api_budget(),
        "definitions": definitions,
        "streams": streams,
        "spec": builder_spec(full["spec"], [spec.report_type for spec in load_report_catalog()]),
        "schemas": schemas,
    }
