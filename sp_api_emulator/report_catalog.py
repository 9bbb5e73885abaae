"""Which report types the emulator serves, in which format, with which columns.

Read at start-up from the connector's catalog (source_amazon_seller_partner/report_streams.yaml,
columns = the property order of schemas/<stream>.json minus the connector-added properties).
When the catalog is missing, a built-in set covers orders, listings, inventory and settlement.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

log = logging.getLogger("sp_api_emulator")

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "source_amazon_seller_partner"
CONNECTOR_ADDED = ("marketplace_id", "dataStartTime", "dataEndTime", "report_id")


@dataclass(frozen=True)
class Column:
    name: str
    schema: Dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def types(self) -> Tuple[str, ...]:
        kind = self.schema.get("type", "string")
        return tuple(kind) if isinstance(kind, list) else (kind,)

    @property
    def format(self) -> Optional[str]:
        return self.schema.get("format")


@dataclass(frozen=True)
class ReportDefinition:
    report_type: str
    account_type: str  # seller | vendor
    format: str  # tsv | json | xml
    window_kind: str  # date_range | snapshot | period | settlement
    columns: Tuple[Column, ...] = ()  # tsv/xml: the record's fields in order
    json_records_paths: Tuple[Tuple[str, ...], ...] = ()
    row_schemas: Tuple[Dict[str, Any], ...] = field(default=(), hash=False, compare=False)  # per records path
    xml_record_tag: Optional[str] = None
    default_options: Dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    max_days: Optional[int] = None
    history_days: Optional[int] = None

    @property
    def requestable(self) -> bool:
        return self.window_kind != "settlement"


def _columns(schema: Dict[str, Any]) -> Tuple[Column, ...]:
    return tuple(Column(name, prop) for name, prop in (schema.get("properties") or {}).items()
                 if name not in CONNECTOR_ADDED)


# -- built-in fallbacks (used only when the connector's catalog is absent) ------------------------

_ORDER_COLUMNS = ["amazon-order-id", "merchant-order-id", "purchase-date", "last-updated-date", "order-status",
                  "fulfillment-channel", "sales-channel", "order-channel", "ship-service-level", "product-name", "sku",
                  "asin", "item-status", "quantity", "currency", "item-price", "item-tax", "shipping-price",
                  "shipping-tax", "gift-wrap-price", "gift-wrap-tax", "item-promotion-discount",
                  "ship-promotion-discount", "ship-city", "ship-state", "ship-postal-code", "ship-country",
                  "promotion-ids", "is-business-order", "purchase-order-number", "price-designation"]
_LISTING_COLUMNS = ["item-name", "item-description", "listing-id", "seller-sku", "price", "quantity", "open-date",
                    "image-url", "item-is-marketplace", "product-id-type", "item-note", "item-condition", "asin1",
                    "product-id", "pending-quantity", "fulfillment-channel", "merchant-shipping-group", "status"]
_INVENTORY_COLUMNS = ["seller-sku", "fulfillment-channel-sku", "asin", "condition-type", "Warehouse-Condition-code",
                      "Quantity Available"]
_SETTLEMENT_COLUMNS = ["settlement-id", "settlement-start-date", "settlement-end-date", "deposit-date",
                       "total-amount", "currency", "transaction-type", "order-id", "merchant-order-id",
                       "adjustment-id", "shipment-id", "marketplace-name", "shipment-fee-type", "shipment-fee-amount",
                       "order-fee-type", "order-fee-amount", "fulfillment-id", "posted-date", "order-item-code",
                       "merchant-order-item-id", "merchant-adjustment-item-id", "sku", "quantity-purchased",
                       "price-type", "price-amount", "item-related-fee-type", "item-related-fee-amount",
                       "misc-fee-amount", "other-fee-amount", "other-fee-reason-description", "promotion-id",
                       "promotion-type", "promotion-amount", "direct-payment-type", "direct-payment-amount",
                       "other-amount"]
_NUMERIC = {"quantity", "item-price", "item-tax", "shipping-price", "shipping-tax", "gift-wrap-price", "gift-wrap-tax",
            "item-promotion-discount", "ship-promotion-discount", "price", "Quantity Available", "total-amount",
            "price-amount", "item-related-fee-amount", "other-amount", "quantity-purchased"}
_DATES = {"purchase-date", "last-updated-date", "open-date", "settlement-start-date", "settlement-end-date",
          "deposit-date", "posted-date"}


def _builtin_columns(names: List[str]) -> Tuple[Column, ...]:
    result = []
    for name in names:
        schema: Dict[str, Any] = {"type": ["null", "string"]}
        if name in _NUMERIC:
            schema = {"type": ["null", "integer" if "quantity" in name.lower() else "number"]}
        elif name in _DATES:
            schema = {"type": ["null", "string"], "format": "date-time"}
        result.append(Column(name, schema))
    return tuple(result)


def builtin_definitions() -> Dict[Tuple[str, str], ReportDefinition]:
    defs = [
        ReportDefinition("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", "seller", "tsv", "date_range",
                         _builtin_columns(_ORDER_COLUMNS), max_days=30, history_days=730),
        ReportDefinition("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL", "seller", "tsv", "date_range",
                         _builtin_columns(_ORDER_COLUMNS), max_days=30, history_days=730),
        ReportDefinition("GET_XML_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", "seller", "xml", "date_range",
                         xml_record_tag="Order", history_days=730),
        ReportDefinition("GET_XML_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL", "seller", "xml", "date_range",
                         xml_record_tag="Order", history_days=730),
        ReportDefinition("GET_MERCHANT_LISTINGS_ALL_DATA", "seller", "tsv", "snapshot", _builtin_columns(_LISTING_COLUMNS)),
        ReportDefinition("GET_MERCHANT_LISTINGS_DATA", "seller", "tsv", "snapshot", _builtin_columns(_LISTING_COLUMNS)),
        ReportDefinition("GET_AFN_INVENTORY_DATA", "seller", "tsv", "snapshot", _builtin_columns(_INVENTORY_COLUMNS)),
        ReportDefinition("GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE", "seller", "tsv", "settlement",
                         _builtin_columns(_SETTLEMENT_COLUMNS), history_days=90),
        ReportDefinition("GET_XML_BROWSE_TREE_DATA", "seller", "xml", "snapshot", xml_record_tag="Node"),
    ]
    return {(d.report_type, d.account_type): d for d in defs}


# -- the connector's catalog ------------------------------------------------------------------

def _read_schema(stream_name: str) -> Dict[str, Any]:
    path = PACKAGE_DIR / "schemas" / f"{stream_name}.json"
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, json.JSONDecodeError):
        return {}


def _connector_specs() -> list:
    try:
        from source_amazon_seller_partner.components.report_catalog import load_report_catalog

        return load_report_catalog(PACKAGE_DIR / "report_streams.yaml")
    except Exception as error:  # the catalog is optional for the emulator; say why it was skipped
        log.warning("report catalog not loaded (%s); using built-in report definitions", error)
        return []


def load_definitions() -> Dict[Tuple[str, str], ReportDefinition]:
    """Report definitions keyed by (report type, account type)."""
    definitions = builtin_definitions()
    grouped: Dict[Tuple[str, str], list] = {}
    for spec in _connector_specs():
        grouped.setdefault((spec.report_type, spec.account_type), []).append(spec)
    for key, specs in grouped.items():
        first = specs[0]
        schemas = [_read_schema(s.name) for s in specs]
        columns = _columns(schemas[0]) or (definitions[key].columns if key in definitions else ())
        paths = tuple(tuple(s.json_records_path) for s in specs if s.json_records_path)
        row_schemas = tuple(schema for s, schema in zip(specs, schemas) if s.json_records_path)
        definitions[key] = ReportDefinition(
            report_type=first.report_type, account_type=first.account_type, format=first.format,
            window_kind=first.window_kind, columns=columns, json_records_paths=paths, row_schemas=row_schemas,
            xml_record_tag=first.xml_record_tag, default_options=dict(first.default_options),
            max_days=first.max_days, history_days=first.history_days)
    return definitions
