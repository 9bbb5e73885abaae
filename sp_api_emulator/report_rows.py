"""Rows of a report, derived from the dataset: which entities a report type lists, and each column's value.

A report type maps to a row source (order items, listings, FBA inventory, financial events, ...);
each row is a RowContext. A column's value comes from the context's explicit values, then a table of
well-known column names, then a deterministic guess from the column's name and JSON-schema type,
so every catalog report (even exotic ones) gets plausible, stable rows.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence

from .models import (Dataset, FinancialEvent, InventoryLevel, Listing, Market, MARKETS_BY_ID, Order, OrderItem,
                     Product)
from .report_catalog import Column, ReportDefinition
from .timeutil import iso_date, iso_offset, utcnow


@dataclass(frozen=True)
class ReportRequest:
    report_type: str
    account_type: str
    marketplace_ids: tuple
    start: Optional[datetime]
    end: Optional[datetime]
    options: Dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    @property
    def markets(self) -> List[Market]:
        return [MARKETS_BY_ID[m] for m in self.marketplace_ids if m in MARKETS_BY_ID]


@dataclass
class RowContext:
    key: str
    market: Market
    moment: datetime
    order: Optional[Order] = None
    item: Optional[OrderItem] = None
    product: Optional[Product] = None
    listing: Optional[Listing] = None
    inventory: Optional[InventoryLevel] = None
    event: Optional[FinancialEvent] = None
    values: Dict[str, Any] = field(default_factory=dict)  # exact column name -> value


# ---------------------------------------------------------------------------------------------
# Row sources
# ---------------------------------------------------------------------------------------------

def source_kind(report_type: str) -> str:
    t = report_type
    if "SETTLEMENT" in t:
        return "settlement"
    if t == "GET_ORDER_REPORT_DATA_SHIPPING":
        return "orders_by_purchase"
    if "LEDGER" in t:
        return "ledger"
    if "BROWSE_TREE" in t:
        return "browse_tree"
    if "RETURNS" in t:
        return "returns"
    if "REIMBURSEMENT" in t:
        return "reimbursements"
    if "FEEDBACK" in t:
        return "feedback"
    if "REMOVAL" in t:
        return "removals"
    if "AMAZON_FULFILLED_SHIPMENTS" in t or "CUSTOMER_SHIPMENT" in t:
        return "shipments"
    if "PENDING_ORDERS" in t:
        return "pending_orders"
    if "ACTIONABLE_ORDER" in t:
        return "actionable_orders"
    if "ORDERS" in t and "LAST_UPDATE" in t:
        return "orders_by_update"
    if "ORDER" in t or "SALES_TAX" in t:
        return "orders_by_purchase"
    if "LISTING" in t:
        return "listings"
    return "inventory"


def _in_window(moment: datetime, req: ReportRequest) -> bool:
    return (req.start is None or moment >= req.start) and (req.end is None or moment <= req.end)


def _order_rows(dataset: Dataset, req: ReportRequest, date_field: str,
                keep: Callable[[Order], bool] = lambda o: True) -> Iterator[RowContext]:
    seller = dataset.seller
    now = utcnow()
    for order in seller.orders_in_window(req.marketplace_ids, date_field, req.start, req.end, now):
        if not keep(order):
            continue
        for item in order.items:
            yield RowContext(key=item.order_item_id, market=order.market,
                             moment=order.purchase_date if date_field == "PurchaseDate" else order.last_update_date,
                             order=order, item=item, product=item.product)


def _listing_rows(dataset: Dataset, req: ReportRequest) -> Iterator[RowContext]:
    t = req.report_type
    if "INACTIVE" in t or "CANCELLED" in t:
        wanted = {"Inactive"}
    elif "FYP" in t:
        wanted = {"Incomplete", "Inactive"}
    elif "ALL_DATA" in t:
        wanted = {"Active", "Inactive", "Incomplete"}
    else:
        wanted = {"Active"}
    markets = set(req.marketplace_ids)
    for listing in dataset.seller.listings:
        if listing.market.id in markets and listing.status in wanted:
            yield RowContext(key=f"{listing.listing_id}", market=listing.market, moment=listing.product.created,
                             product=listing.product, listing=listing)


def _periods(req: ReportRequest, dataset: Dataset, step: timedelta) -> List[datetime]:
    end = req.end or dataset.built_at
    start = req.start or end - step
    moments, moment = [], start
    while moment <= end and len(moments) < 400:
        moments.append(moment)
        moment += step
    return moments


def _inventory_rows(dataset: Dataset, req: ReportRequest, dated: bool) -> Iterator[RowContext]:
    markets = set(req.marketplace_ids)
    levels = [lvl for lvl in dataset.seller.inventory if lvl.market.id in markets]
    listings = {(l.product.sku, l.market.id): l for l in dataset.seller.listings}
    moments = _periods(req, dataset, timedelta(days=7)) if dated else [dataset.built_at]
    for moment in moments:
        for level in levels:
            yield RowContext(key=f"{level.product.sku}|{level.market.code}|{iso_date(moment)}", market=level.market,
                             moment=moment, product=level.product, inventory=level,
                             listing=listings.get((level.product.sku, level.market.id)))


def _event_rows(dataset: Dataset, req: ReportRequest, list_names: Sequence[str]) -> Iterator[RowContext]:
    for event in dataset.seller.events_in_window(req.start, (req.end + timedelta(seconds=1)) if req.end else None,
                                                 req.marketplace_ids):
        if event.list_name not in list_names:
            continue
        order = dataset.seller.orders_by_id.get(event.order_id) if event.order_id else None
        product = None
        if order is not None:
            product = order.items[0].product
        elif event.list_name == "AdjustmentEventList":
            sku = event.body["AdjustmentItemList"][0]["SellerSKU"]
            product = next((p for p in dataset.seller.products if p.sku == sku), None)
        yield RowContext(key=event.key, market=event.market, moment=event.posted, order=order,
                         item=order.items[0] if order else None, product=product, event=event)


def _ledger_rows(dataset: Dataset, req: ReportRequest) -> Iterator[RowContext]:
    """Customer shipments of FBA orders, one row per order item (detail) - enough to reconcile."""
    for ctx in _order_rows(dataset, req, "LastUpdateDate",
                           lambda o: o.status == "Shipped" and o.fulfillment_channel == "AFN"):
        ctx.values.update({"Event Type": "Shipments", "Reference ID": ctx.order.amazon_order_id,
                           "Quantity": -ctx.item.quantity, "Disposition": "SELLABLE",
                           "Country": "GB" if ctx.market.code == "UK" else ctx.market.code})
        yield ctx


def _feedback_rows(dataset: Dataset, req: ReportRequest) -> Iterator[RowContext]:
    from .catalog_text import REVIEW_COMMENTS

    for ctx in _order_rows(dataset, req, "LastUpdateDate", lambda o: o.status == "Shipped"):
        if zlib.crc32(ctx.order.amazon_order_id.encode()) % 7 or ctx.item is not ctx.order.items[0]:
            continue
        digest = zlib.crc32(ctx.key.encode())
        comments = REVIEW_COMMENTS[ctx.market.lang]
        ctx.values.update({"date": iso_date(ctx.order.last_update_date + timedelta(days=3)),
                           "rating": 5 - digest % 3, "comments": comments[digest % len(comments)], "response": "",
                           "order_id": ctx.order.amazon_order_id, "rater_email": ctx.order.buyer_email})
        yield ctx


def _settlement_rows(dataset: Dataset, req: ReportRequest) -> Iterator[RowContext]:
    """Amazon's V2 settlement flat file: a summary row, then one row per charge/fee of each event."""
    market = req.markets[0]
    start = req.start
    group = next((g for g in dataset.seller.groups if g.market.id == market.id and g.start == start), None)
    if group is None:
        return
    summary = {"settlement-id": group.settlement_id, "settlement-start-date": iso_offset(group.start),
               "settlement-end-date": iso_offset(group.end), "deposit-date": iso_offset(group.transfer_date),
               "total-amount": group.total, "currency": market.currency}
    yield RowContext(key=f"{group.settlement_id}|summary", market=market, moment=group.start,
                     values={**summary, "__only": True})
    base = {"settlement-id": group.settlement_id}
    for event in dataset.seller.events_in_window(group.start, group.end, [market.id]):
        yield from _settlement_event_rows(event, base, market)


def _amount(value: Dict[str, Any]) -> Decimal:
    return Decimal(str(value["CurrencyAmount"]))


def _settlement_event_rows(event: FinancialEvent, base: Dict[str, Any], market: Market) -> Iterator[RowContext]:
    body = event.body
    common = {**base, "marketplace-name": market.sales_channel, "posted-date": iso_date(event.posted)}
    if event.list_name in ("ShipmentEventList", "RefundEventList"):
        refund = event.list_name == "RefundEventList"
        items = body.get("ShipmentItemAdjustmentList" if refund else "ShipmentItemList", [])
        for item in items:
            order_common = {**common, "transaction-type": "Refund" if refund else "Order",
                            "order-id": body["AmazonOrderId"], "merchant-order-id": body.get("SellerOrderId"),
                            "shipment-id": "", "fulfillment-id": "AFN" if item.get("ItemFeeList") and any(
                                f["FeeType"] == "FBAPerUnitFulfillmentFee" for f in item["ItemFeeList"]) else "MFN",
                            "order-item-code": item.get("OrderItemId") or item.get("OrderAdjustmentItemId"),
                            "sku": item.get("SellerSKU"), "quantity-purchased": item.get("QuantityShipped")}
            charges = item.get("ItemChargeAdjustmentList" if refund else "ItemChargeList", [])
            fees = item.get("ItemFeeAdjustmentList" if refund else "ItemFeeList", [])
            for n, charge in enumerate(charges):
                yield RowContext(key=f"{event.key}|{order_common['order-item-code']}|c{n}", market=market,
                                 moment=event.posted, event=event,
                                 values={**order_common, "price-type": charge["ChargeType"],
                                         "price-amount": _amount(charge["ChargeAmount"]), "__only": True})
            for n, fee in enumerate(fees):
                yield RowContext(key=f"{event.key}|{order_common['order-item-code']}|f{n}", market=market,
                                 moment=event.posted, event=event,
                                 values={**order_common, "item-related-fee-type": fee["FeeType"],
                                         "item-related-fee-amount": _amount(fee["FeeAmount"]), "__only": True})
            for n, promo in enumerate(item.get("PromotionList", [])):
                yield RowContext(key=f"{event.key}|{order_common['order-item-code']}|p{n}", market=market,
                                 moment=event.posted, event=event,
                                 values={**order_common, "promotion-id": promo["PromotionId"],
                                         "promotion-type": promo["PromotionType"],
                                         "promotion-amount": _amount(promo["PromotionAmount"]), "__only": True})
        return
    if event.net == 0:
        return
    reason = (body.get("FeeDescription") or body.get("AdjustmentType") or body.get("SellerCouponDescription")
              or body.get("dealDescription") or ("Cost of Advertising" if "invoiceId" in body else event.list_name))
    yield RowContext(key=event.key, market=market, moment=event.posted, event=event,
                     values={**common, "transaction-type": "other-transaction",
                             "other-fee-reason-description": reason, "other-amount": event.net,
                             "sku": body.get("SellerSKU") or (body.get("AdjustmentItemList") or [{}])[0].get("SellerSKU"),
                             "__only": True})


def row_contexts(dataset: Dataset, req: ReportRequest) -> Iterator[RowContext]:
    """Every row of a flat-file/XML report for this request, in file order."""
    kind = source_kind(req.report_type)
    if kind == "orders_by_purchase":
        return _order_rows(dataset, req, "PurchaseDate")
    if kind == "orders_by_update":
        return _order_rows(dataset, req, "LastUpdateDate")
    if kind == "pending_orders":
        return _order_rows(dataset, ReportRequest(req.report_type, req.account_type, req.marketplace_ids, None, None),
                           "PurchaseDate", lambda o: o.status == "Pending")
    if kind == "actionable_orders":
        return _order_rows(dataset, req, "PurchaseDate",
                           lambda o: o.status == "Unshipped" and o.fulfillment_channel == "MFN")
    if kind == "shipments":
        return _order_rows(dataset, req, "LastUpdateDate",
                           lambda o: o.status == "Shipped" and o.fulfillment_channel == "AFN")
    if kind == "listings":
        return _listing_rows(dataset, req)
    if kind == "returns":
        return _event_rows(dataset, req, ["RefundEventList"])
    if kind == "reimbursements":
        return _event_rows(dataset, req, ["AdjustmentEventList"])
    if kind == "ledger":
        return _ledger_rows(dataset, req)
    if kind == "feedback":
        return _feedback_rows(dataset, req)
    if kind == "settlement":
        return _settlement_rows(dataset, req)
    if kind == "browse_tree":
        return iter(())  # XML only; see report_documents.browse_tree_nodes
    dated = req.start is not None and ("MONTHLY" in req.report_type or "RECEIPTS" in req.report_type
                                       or "ADJUSTMENTS" in req.report_type or "REMOVAL" in req.report_type
                                       or "STORAGE" in req.report_type or "NONCOMPLIANCE" in req.report_type
                                       or "CURRENT_INVENTORY" in req.report_type or "SUMMARY" in req.report_type)
    return _inventory_rows(dataset, req, dated)


# ---------------------------------------------------------------------------------------------
# Column values
# ---------------------------------------------------------------------------------------------

def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _country(market: Market) -> str:
    return "GB" if market.code == "UK" else market.code


def _status_word(order: Order) -> str:
    return "Cancelled" if order.status == "Canceled" else order.status


def _amount_of(attr: str) -> Callable[[RowContext], Any]:
    def value(ctx: RowContext) -> Any:
        if ctx.item is None or ctx.order is None:
            return None
        return getattr(ctx.item, attr) if ctx.order.has_amounts else ""
    return value


def _zero_if_order(ctx: RowContext) -> Any:
    if ctx.order is None:
        return None
    return Decimal("0.00") if ctx.order.has_amounts else ""


def _quantity(ctx: RowContext) -> Any:
    if ctx.item is not None:
        return ctx.item.quantity
    if ctx.inventory is not None:
        return ctx.inventory.fulfillable
    if ctx.listing is not None:
        return "" if ctx.product.channel == "AFN" else ctx.listing.quantity
    return None


def _fulfillment_channel(ctx: RowContext) -> Any:
    if ctx.order is not None:
        return "Amazon" if ctx.order.fulfillment_channel == "AFN" else "Merchant"
    if ctx.product is not None:
        return f"AMAZON_{ctx.market.region}" if ctx.product.channel == "AFN" else "DEFAULT"
    return None


def _price(ctx: RowContext) -> Any:
    if ctx.listing is not None:
        return ctx.listing.price
    if ctx.item is not None and ctx.order is not None:
        return ctx.item.item_price if ctx.order.has_amounts else ""
    return None


def _opt(getter: Callable[[RowContext], Any]) -> Callable[[RowContext], Any]:
    def value(ctx: RowContext) -> Any:
        try:
            return getter(ctx)
        except AttributeError:  # the row has no such entity
            return None
    return value


KNOWN: Dict[str, Callable[[RowContext], Any]] = {
    # orders
    "amazonorderid": _opt(lambda c: c.order.amazon_order_id),
    "orderid": _opt(lambda c: c.order.amazon_order_id),
    "merchantorderid": _opt(lambda c: c.order.seller_order_id),
    "purchasedate": _opt(lambda c: c.order.purchase_date),
    "orderdate": _opt(lambda c: c.order.purchase_date),
    "paymentsdate": _opt(lambda c: c.order.purchase_date + timedelta(minutes=5)),
    "lastupdateddate": _opt(lambda c: c.order.last_update_date),
    "shipmentdate": _opt(lambda c: c.order.ship_date),
    "reportingdate": _opt(lambda c: c.order.last_update_date),
    "orderstatus": _opt(lambda c: c.order.status),
    "itemstatus": _opt(lambda c: _status_word(c.order)),
    "saleschannel": _opt(lambda c: c.order.market.sales_channel),
    "orderchannel": _opt(lambda c: ""),
    "shipservicelevel": _opt(lambda c: c.order.ship_category),
    "amazonorderitemid": _opt(lambda c: c.item.order_item_id),
    "orderitemid": _opt(lambda c: c.item.order_item_id),
    "amazonorderitemcode": _opt(lambda c: c.item.order_item_id),
    "quantitypurchased": _opt(lambda c: c.item.quantity),
    "quantityshipped": _opt(lambda c: c.item.quantity_shipped),
    "itemprice": _amount_of("item_price"),
    "itemtax": _amount_of("item_tax"),
    "shippingprice": _amount_of("shipping_price"),
    "shippingtax": _amount_of("shipping_tax"),
    "itempromotiondiscount": _amount_of("promotion_discount"),
    "shippromotiondiscount": _zero_if_order,
    "giftwrapprice": _zero_if_order,
    "giftwraptax": _zero_if_order,
    "promotionids": _opt(lambda c: ",".join(c.item.promotion_ids)),
    "shipcity": _opt(lambda c: c.order.address.city),
    "shipstate": _opt(lambda c: c.order.address.state),
    "shippostalcode": _opt(lambda c: c.order.address.postal_code),
    "shipcountry": _opt(lambda c: c.order.address.country),
    "shipaddress1": _opt(lambda c: c.order.address.line1),
    "shipphonenumber": _opt(lambda c: c.order.address.phone),
    "recipientname": _opt(lambda c: c.order.buyer_name),
    "buyername": _opt(lambda c: c.order.buyer_name),
    "buyeremail": _opt(lambda c: c.order.buyer_email),
    "isbusinessorder": _opt(lambda c: "true" if c.order.is_business else "false"),
    "purchaseordernumber": _opt(lambda c: c.order.purchase_order_number or ""),
    "pricedesignation": _opt(lambda c: ""),
    "cpf": _opt(lambda c: ""),
    "signatureconfirmationrecommended": _opt(lambda c: "false"),
    "isprime": _opt(lambda c: "true" if c.order.is_prime else "false"),
    "trackingnumber": _opt(lambda c: f"1Z{c.item.order_item_id[:12]}"),
    "carrier": _opt(lambda c: {"NA": "UPS", "EU": "DHL", "FE": "Yamato"}[c.market.region]),
    "fulfillmentcenterid": _opt(lambda c: {"NA": "SEA8", "EU": "LEJ1", "FE": "NRT5"}[c.market.region]),
    # products and listings
    "sku": _opt(lambda c: c.product.sku),
    "sellersku": _opt(lambda c: c.product.sku),
    "msku": _opt(lambda c: c.product.sku),
    "merchantsku": _opt(lambda c: c.product.sku),
    "asin": _opt(lambda c: c.product.asin),
    "asin1": _opt(lambda c: c.product.asin),
    "fnsku": _opt(lambda c: c.product.fnsku or c.product.asin),
    "fulfillmentchannelsku": _opt(lambda c: c.product.fnsku or c.product.asin),
    "productname": _opt(lambda c: c.product.title(c.market)),
    "itemname": _opt(lambda c: c.product.title(c.market)),
    "title": _opt(lambda c: c.product.title(c.market)),
    "brand": _opt(lambda c: c.product.brand),
    "itemdescription": _opt(lambda c: f"{c.product.brand} – {c.product.title(c.market)}"),
    "listingid": _opt(lambda c: c.listing.listing_id),
    "opendate": _opt(lambda c: c.product.created),
    "productidtype": _opt(lambda c: "1"),
    "productid": _opt(lambda c: c.product.asin),
    "externalproductid": _opt(lambda c: c.product.ean),
    "ean": _opt(lambda c: c.product.ean),
    "upc": _opt(lambda c: c.product.upc),
    "itemcondition": _opt(lambda c: "11"),
    "itemismarketplace": _opt(lambda c: "y"),
    "status": _opt(lambda c: c.listing.status),
    "pendingquantity": _opt(lambda c: 0),
    "merchantshippinggroup": _opt(lambda c: "Migrated Template"),
    "imageurl": _opt(lambda c: f"https://m.media-amazon.com/images/I/{c.product.asin}.jpg"),
    "price": _price,
    "yourprice": _opt(lambda c: c.listing.price),
    "quantity": _quantity,
    "fulfillmentchannel": _fulfillment_channel,
    "currency": _opt(lambda c: c.market.currency),
    "currencycode": _opt(lambda c: c.market.currency),
    "currencyunit": _opt(lambda c: c.market.currency),
    # FBA inventory
    "conditiontype": _opt(lambda c: "NewItem"),
    "condition": _opt(lambda c: "New"),
    "warehouseconditioncode": _opt(lambda c: "SELLABLE"),
    "quantityavailable": _opt(lambda c: c.inventory.fulfillable),
    "quantityforlocalfulfillment": _opt(lambda c: c.inventory.fulfillable),
    "available": _opt(lambda c: c.inventory.fulfillable),
    "afnfulfillablequantity": _opt(lambda c: c.inventory.fulfillable),
    "afnwarehousequantity": _opt(lambda c: c.inventory.fulfillable + c.inventory.reserved + c.inventory.unfulfillable),
    "afnunsellablequantity": _opt(lambda c: c.inventory.unfulfillable),
    "afnreservedquantity": _opt(lambda c: c.inventory.reserved),
    "afntotalquantity": _opt(lambda c: c.inventory.total),
    "afninboundworkingquantity": _opt(lambda c: c.inventory.inbound_working),
    "afninboundshippedquantity": _opt(lambda c: c.inventory.inbound_shipped),
    "afninboundreceivingquantity": _opt(lambda c: c.inventory.inbound_receiving),
    "afnresearchingquantity": _opt(lambda c: c.inventory.researching),
    "afnlistingexists": _opt(lambda c: "Yes" if c.inventory else None),
    "mfnlistingexists": _opt(lambda c: "No" if c.inventory else None),
    "mfnfulfillablequantity": _opt(lambda c: "" if c.inventory else None),
    "country": _opt(lambda c: _country(c.market)),
    "countrycode": _opt(lambda c: _country(c.market)),
    "marketplace": _opt(lambda c: c.market.sales_channel),
    "marketplaceid": _opt(lambda c: c.market.id),
    "marketplacename": _opt(lambda c: c.market.sales_channel),
    "snapshotdate": _opt(lambda c: c.moment),
    # events (returns, reimbursements)
    "returndate": _opt(lambda c: c.event.posted),
    "returnrequestdate": _opt(lambda c: c.event.posted),
    "approvaldate": _opt(lambda c: c.event.posted),
    "reimbursementid": _opt(lambda c: c.event.body["AdjustmentItemList"][0]["TransactionNumber"]),
    "amountperunit": _opt(lambda c: _amount(c.event.body["AdjustmentItemList"][0]["PerUnitAmount"])),
    "amounttotal": _opt(lambda c: _amount(c.event.body["AdjustmentAmount"])),
    "quantityreimbursedcash": _opt(lambda c: int(c.event.body["AdjustmentItemList"][0]["Quantity"])),
    "quantityreimbursedtotal": _opt(lambda c: int(c.event.body["AdjustmentItemList"][0]["Quantity"])),
    "quantityreimbursedinventory": _opt(lambda c: 0 if c.event else None),
    "reason": _opt(lambda c: c.event.body.get("AdjustmentType") or "DEFECTIVE"),
}


def _digest(ctx: RowContext, column: str) -> int:
    return zlib.crc32(f"{ctx.key}|{column}".encode("utf-8"))


def guess(column: Column, ctx: RowContext) -> Any:
    """A deterministic, type-correct value for a column nothing above knows."""
    types = column.types
    lowered = column.name.lower()
    digest = _digest(ctx, column.name)
    if column.format in ("date-time", "date") or "date" in lowered or lowered.endswith("time"):
        return ctx.moment
    if "integer" in types:
        return digest % 50
    if "number" in types:
        return Decimal(digest % 10000) / 100
    if "boolean" in types:
        return "false"
    if "sku" in lowered:
        return ctx.product.sku if ctx.product else ""
    if "asin" in lowered:
        return ctx.product.asin if ctx.product else ""
    if "currency" in lowered:
        return ctx.market.currency
    if "country" in lowered:
        return _country(ctx.market)
    if "marketplace" in lowered:
        return ctx.market.id
    if "name" in lowered or "title" in lowered:
        return ctx.product.title(ctx.market) if ctx.product else ""
    return ""


def column_value(column: Column, ctx: RowContext) -> Any:
    if column.name in ctx.values:
        return ctx.values[column.name]
    if ctx.values.get("__only"):  # rows that spell out every value (settlement lines)
        return ""
    known = KNOWN.get(_norm(column.name))
    if known is not None:
        value = known(ctx)
        if value is not None:
            return value
    return guess(column, ctx)


def format_value(value: Any, column: Column) -> str:
    """The text a flat file carries for a value (no quoting, tabs and newlines flattened)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return iso_date(value) if column.format == "date" else iso_offset(value)
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\t", " ").replace("\r", " ").replace("\n", " ")
    return text


def tsv_lines(definition: ReportDefinition, contexts: Iterator[RowContext]) -> Iterator[str]:
    columns = definition.columns
    yield "\t".join(c.name for c in columns) + "\n"
    for ctx in contexts:
        yield "\t".join(format_value(column_value(c, ctx), c) for c in columns) + "\n"

