"""XML report documents (all-orders envelope, scheduled order report, browse tree), streamed per record."""

from __future__ import annotations

from itertools import groupby
from typing import Iterator, List
from xml.sax.saxutils import escape, quoteattr

from ..catalog_text import PRODUCT_KINDS
from ..marketplaces import Market
from ..models import Dataset, Order, ReportRequest
from ..timeutil import iso_offset
from .definitions import ReportType
from .rows import RowContext, row_contexts

ENVELOPE_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                 '<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                 'xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">\n'
                 '<Header><DocumentVersion>1.00</DocumentVersion></Header>\n')


def _el(tag: str, value: object) -> str:
    return f"<{tag}>{escape(str(value))}</{tag}>"


def _amount(kind: str, amount, currency: str) -> str:
    return f"<Component><Type>{kind}</Type><Amount currency={quoteattr(currency)}>{amount:.2f}</Amount></Component>"


def _orders(contexts: Iterator[RowContext]) -> Iterator[Order]:
    for _, group in groupby(contexts, key=lambda c: c.order.amazon_order_id):
        yield next(group).order


def _all_orders_record(order: Order) -> str:
    currency = order.market.currency
    fulfillment = "Amazon" if order.fulfillment_channel == "AFN" else "Merchant"
    parts = [
        "<Message><Order>",
        _el("AmazonOrderID", order.amazon_order_id),
        _el("MerchantOrderID", order.seller_order_id),
        _el("PurchaseDate", iso_offset(order.purchase_date)),
        _el("LastUpdatedDate", iso_offset(order.last_update_date)),
        _el("OrderStatus", order.status),
        _el("SalesChannel", order.market.sales_channel),
        "<FulfillmentData>", _el("FulfillmentChannel", fulfillment), _el("ShipServiceLevel", order.ship_category),
        "<Address>", _el("City", order.address.city), _el("State", order.address.state),
        _el("PostalCode", order.address.postal_code), _el("Country", order.address.country), "</Address>",
        "</FulfillmentData>",
        _el("IsBusinessOrder", "true" if order.is_business else "false"),
    ]
    for item in order.items:
        parts += ["<OrderItem>", _el("AmazonOrderItemCode", item.order_item_id), _el("ASIN", item.product.asin),
                  _el("SKU", item.product.sku), _el("ItemStatus", "Cancelled" if order.status == "Canceled" else order.status),
                  _el("ProductName", item.product.title(order.market)), _el("Quantity", item.quantity)]
        if order.has_amounts:
            parts += ["<ItemPrice>", _amount("Principal", item.item_price, currency), _amount("Tax", item.item_tax, currency)]
            if item.shipping_price:
                parts += [_amount("Shipping", item.shipping_price, currency),
                          _amount("ShippingTax", item.shipping_tax, currency)]
            parts.append("</ItemPrice>")
            for promo in item.promotion_ids:
                parts += ["<Promotion>", _el("PromotionIDs", promo),
                          f"<ItemPromotionDiscount>{-item.promotion_discount:.2f}</ItemPromotionDiscount>",
                          "</Promotion>"]
        parts.append("</OrderItem>")
    parts.append("</Order></Message>\n")
    return "".join(parts)


def _order_report_record(order: Order, message_id: int) -> str:
    currency = order.market.currency
    address = order.address
    parts = [f"<Message><MessageID>{message_id}</MessageID><OrderReport>",
             _el("AmazonOrderID", order.amazon_order_id), _el("AmazonSessionID", order.amazon_order_id),
             _el("OrderDate", iso_offset(order.purchase_date)), _el("OrderPostedDate", iso_offset(order.purchase_date)),
             "<BillingData>", _el("BuyerEmailAddress", order.buyer_email), _el("BuyerName", order.buyer_name),
             _el("BuyerPhoneNumber", address.phone), "</BillingData>",
             "<FulfillmentData>", _el("FulfillmentMethod", "Ship"), _el("FulfillmentServiceLevel", order.ship_category),
             "<Address>", _el("Name", address.name), _el("AddressFieldOne", address.line1), _el("City", address.city),
             _el("StateOrRegion", address.state), _el("PostalCode", address.postal_code),
             _el("CountryCode", address.country), _el("PhoneNumber", address.phone), "</Address>",
             "</FulfillmentData>", _el("IsBusinessOrder", "true" if order.is_business else "false")]
    for item in order.items:
        parts += ["<Item>", _el("AmazonOrderItemCode", item.order_item_id), _el("SKU", item.product.sku),
                  _el("Title", item.product.title(order.market)), _el("Quantity", item.quantity),
                  _el("ProductTaxCode", "A_GEN_TAX"), "<ItemPrice>", _amount("Principal", item.item_price, currency),
                  _amount("Tax", item.item_tax, currency), "</ItemPrice>", "</Item>"]
    parts.append("</OrderReport></Message>\n")
    return "".join(parts)


def browse_tree_nodes(market: Market) -> List[dict]:
    root_id = 16310101 + sorted(("US", "CA", "DE", "FR", "UK", "JP")).index(market.code)
    name = {"ja": "ホーム＆キッチン", "de": "Küche, Haushalt & Wohnen", "fr": "Cuisine & Maison"}.get(market.lang,
                                                                                               "Home & Kitchen")
    nodes = [{"id": str(root_id), "name": name, "path_ids": str(root_id), "path_names": name,
              "children": [str(root_id * 100 + n) for n in range(len(PRODUCT_KINDS))]}]
    for n, (_, titles) in enumerate(PRODUCT_KINDS):
        child = titles[market.lang].split(",")[0].strip('"')
        nodes.append({"id": str(root_id * 100 + n), "name": child, "path_ids": f"{root_id},{root_id * 100 + n}",
                      "path_names": f"{name},{child}", "children": []})
    return nodes


def _browse_tree(req: ReportRequest) -> Iterator[str]:
    yield '<?xml version="1.0" encoding="UTF-8"?>\n<Result>\n'
    for market in req.markets[:1]:
        for node in browse_tree_nodes(market):
            children = "".join(f"<id>{c}</id>" for c in node["children"])
            yield ("<Node>" + _el("browseNodeId", node["id"]) + '<browseNodeAttributes count="0"/>'
                   + _el("browseNodeName", node["name"]) + _el("browseNodeStoreContextName", node["name"])
                   + _el("browsePathById", node["path_ids"]) + _el("browsePathByName", node["path_names"])
                   + _el("hasChildren", "true" if node["children"] else "false")
                   + f'<childNodes count="{len(node["children"])}">{children}</childNodes>'
                   + _el("productTypeDefinitions", "HOME") + '<refinementsInformation count="0"/>' + "</Node>\n")
    yield "</Result>\n"


def count_browse_nodes(req: ReportRequest) -> int:
    return len(browse_tree_nodes(req.markets[0])) if req.markets else 0


def xml_document(dataset: Dataset, definition: ReportType, req: ReportRequest) -> Iterator[str]:
    if "BROWSE_TREE" in req.report_type:
        yield from _browse_tree(req)
        return
    contexts = row_contexts(dataset, req)
    if "ALL_ORDERS" in req.report_type:
        yield ENVELOPE_HEAD + "<MessageType>AllOrdersReport</MessageType>\n"
        for order in _orders(contexts):
            yield _all_orders_record(order)
        yield "</AmazonEnvelope>\n"
        return
    if req.report_type == "GET_ORDER_REPORT_DATA_SHIPPING":
        yield ENVELOPE_HEAD + "<MessageType>OrderReport</MessageType>\n"
        for n, order in enumerate(_orders(contexts), start=1):
            yield _order_report_record(order, n)
        yield "</AmazonEnvelope>\n"
        return
    raise ValueError(f"no XML writer for {req.report_type}")


def count_xml_records(dataset: Dataset, req: ReportRequest) -> int:
    if "BROWSE_TREE" in req.report_type:
        return count_browse_nodes(req)
    contexts = row_contexts(dataset, req)
    return sum(1 for _ in _orders(contexts))
