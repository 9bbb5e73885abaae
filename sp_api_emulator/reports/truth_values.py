"""What a report's document says, as values a client must end up with (GET /_emulator/truth/reports).

Flat files: per row, each column's text as written and its meaning: a date as `YYYY-MM-DD`, a month
as `YYYY-MM`, a moment as ISO 8601 UTC, an amount as its decimal string, a count as an integer, other
text as is; empty is null. Column names are Amazon's English ones (a localised header has the same
columns in the same order). JSON: the rows of each records path, as the document holds them. XML:
per record its identifier and a few fields. Computed from the same rows as the document itself.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Dict, List, Optional

from ..models import Dataset, Report
from ..timeutil import UTC, iso_offset
from .definitions import Column
from .documents import document_format
from .formats import format_value
from .json_writer import _records_schema, json_rows
from .rows import row_contexts
from .schema_faker import SchemaFaker, amazon_schema
from .values import column_value
from .xml_writer import _orders, browse_tree_nodes

_DATE_KINDS = {"date", "mdy", "feedback", "posted"}
_MONTH_KINDS = {"my", "ym"}


def _text_meaning(value: Any, codec: str) -> Any:
    return _as_written(value, codec) if isinstance(value, str) and not value.isascii() else value


def meaning(value: Any, column: Column) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value.astimezone(UTC).replace(microsecond=0)
        if column.kind in _DATE_KINDS:
            return moment.date().isoformat()
        if column.kind in _MONTH_KINDS:
            return moment.strftime("%Y-%m")
        return iso_offset(moment)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, int):
        return value
    return format_value(value, column) or None


def _as_written(text: str, codec: str) -> Optional[str]:
    """The text the document holds: a character its charset lacks is written as `?` (as documents.encode does)."""
    return text.encode(codec, errors="replace").decode(codec) or None


def _tsv(dataset: Dataset, report: Report) -> Dict[str, Any]:
    columns = report.definition.columns
    codec = document_format(report.definition, report.request).codec
    text: List[List[Optional[str]]] = []
    values: List[List[Any]] = []
    for ctx in row_contexts(dataset, report.request):
        raw = [column_value(column, ctx) for column in columns]
        text.append([_as_written(format_value(v, c, ctx.market), codec) for v, c in zip(raw, columns)])
        values.append([_text_meaning(meaning(v, c), codec) for v, c in zip(raw, columns)])
    return {"columns": [c.name for c in columns], "documented": [c.documented for c in columns], "text": text,
            "values": values}


def _json(dataset: Dataset, report: Report) -> Dict[str, Any]:
    definition, req = report.definition, report.request
    root = amazon_schema(definition.report_type, definition.account_type)
    faker = SchemaFaker(root, req)
    records = {}
    for path in dict.fromkeys(definition.json_records_paths):
        row_schema = _records_schema(root, faker, path)
        records[".".join(path)] = [faker.value(row_schema, path + ("*",), ctx, {})
                                   for ctx in json_rows(dataset, req, path, row_schema)]
    return {"records": records}


def _xml(dataset: Dataset, report: Report) -> Dict[str, Any]:
    req = report.request
    if "BROWSE_TREE" in req.report_type:
        nodes = browse_tree_nodes(req.markets[0]) if req.markets else []
        return {"records": [{"browseNodeId": n["id"], "browseNodeName": n["name"]} for n in nodes]}
    records = []
    for order in _orders(row_contexts(dataset, req)):
        records.append({"AmazonOrderID": order.amazon_order_id, "OrderStatus": order.status,
                        "PurchaseDate": iso_offset(order.purchase_date.astimezone(UTC).replace(microsecond=0)),
                        "SKU": [item.product.sku for item in order.items]})
    return {"records": records}


def report_values(dataset: Dataset, report: Report) -> Dict[str, Any]:
    """The report's identity and its document's values (None for the large profile's generated files)."""
    definition, req = report.definition, report.request
    body: Dict[str, Any] = {"reportId": report.report_id, "reportType": req.report_type,
                            "marketplaceIds": list(req.marketplace_ids), "reportOptions": dict(req.options),
                            "format": definition.format}
    if definition.format == "tsv":
        body.update(_tsv(dataset, report))
    elif definition.format == "json":
        body.update(_json(dataset, report))
    else:
        body.update(_xml(dataset, report))
    return body
