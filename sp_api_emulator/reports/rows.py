"""Rows of a report, derived from the dataset: which entities a report type lists.

A report type maps to a row source (order items, listings, FBA inventory, financial events, ...);
each row is a RowContext. Column values come from values.py (the context's explicit values, then
well-known column names, then a deterministic guess from the column's name and kind), so every
report type gets plausible, stable rows that agree with the REST APIs.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence

from ..catalog_text import REVIEW_COMMENTS
from ..marketplaces import Market
from ..models import (Dataset, FinancialEvent, InventoryLevel, Listing, Order, OrderItem, Product,
                      ReportRequest)
from ..timeutil import iso_date, utcnow


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
    if "SHIPMENT_PROMOTION" in t:
        return "promotions"
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


def _order_rows(dataset: Dataset, req: ReportRequest, date_field: str,
                keep: Callable[[Order], bool] = lambda o: True) -> Iterator[RowContext]:
    seller = dataset.seller
    now = utcnow()
    for order in seller.orders_in_window(req.marketplace_ids, date_field, req.start, req.end, now, req.cutoff):
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


def _months(req: ReportRequest, dataset: Dataset) -> List[datetime]:
    """First days of the months that start in the window (monthly reports: one row per month)."""
    end = req.end or dataset.built_at
    start = req.start or end - timedelta(days=31)
    moment = start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if moment < start:
        moment = (moment + timedelta(days=32)).replace(day=1)
    months = []
    while moment <= end:
        months.append(moment)
        moment = (moment + timedelta(days=32)).replace(day=1)
    return months


def _inventory_rows(dataset: Dataset, req: ReportRequest, dated: bool) -> Iterator[RowContext]:
    markets = set(req.marketplace_ids)
    levels = [lvl for lvl in dataset.seller.inventory if lvl.market.id in markets]
    listings = {(l.product.sku, l.market.id): l for l in dataset.seller.listings}
    monthly = "MONTHLY" in req.report_type or req.report_type == "GET_FBA_STORAGE_FEE_CHARGES_DATA"
    if not dated:
        moments = [dataset.built_at]
    elif monthly:  # Amazon's monthly inventory and monthly storage fee reports: one row per month
        moments = _months(req, dataset)
    else:
        moments = _periods(req, dataset, timedelta(days=7))
    for moment in moments:
        for level in levels:
            yield RowContext(key=f"{level.product.sku}|{level.market.code}|{iso_date(moment)}", market=level.market,
                             moment=moment, product=level.product, inventory=level,
                             listing=listings.get((level.product.sku, level.market.id)))


def _event_rows(dataset: Dataset, req: ReportRequest, list_names: Sequence[str]) -> Iterator[RowContext]:
    for event in dataset.seller.events_in_window(req.start, (req.end + timedelta(seconds=1)) if req.end else None,
                                                 req.marketplace_ids, req.cutoff):
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
    """Customer shipments of FBA orders, one row per order item (detail) - enough to reconcile.
    Reconciled/Unreconciled quantities are only filled for adjustments, so they stay empty here."""
    for ctx in _order_rows(dataset, req, "LastUpdateDate",
                           lambda o: o.status == "Shipped" and o.fulfillment_channel == "AFN"):
        shipped = ctx.order.ship_date or ctx.order.last_update_date
        ctx.values.update({"Date": shipped, "Date and Time": shipped, "Event Type": "Shipments",
                           "Reference ID": ctx.order.amazon_order_id, "Quantity": -ctx.item.quantity,
                           "Disposition": "SELLABLE", "Reason": "", "Country": ctx.market.country,
                           "Reconciled Quantity": "", "Unreconciled Quantity": ""})
        yield ctx


def _ledger_summary_rows(dataset: Dataset, req: ReportRequest) -> Iterator[RowContext]:
    """One row per day, marketplace and FNSKU with customer shipments: the detail rows summed."""
    days: Dict[tuple, RowContext] = {}
    for ctx in _ledger_rows(dataset, req):
        day = ctx.values["Date"].replace(hour=0, minute=0, second=0, microsecond=0)
        key = (day, ctx.market.code, ctx.product.sku)
        row = days.get(key)
        if row is None:
            level = next((lvl for lvl in dataset.seller.inventory
                          if lvl.product.sku == ctx.product.sku and lvl.market.id == ctx.market.id), None)
            balance = level.fulfillable if level else 0
            row = days[key] = RowContext(key="|".join(map(str, key)), market=ctx.market, moment=day,
                                         product=ctx.product, inventory=level, values={
                                             "Date": day, "Disposition": "SELLABLE", "Location": ctx.market.country,
                                             "Customer Shipments": 0, "Starting Warehouse Balance": balance,
                                             "Ending Warehouse Balance": balance})
        row.values["Customer Shipments"] += ctx.values["Quantity"]
        row.values["Starting Warehouse Balance"] -= ctx.values["Quantity"]
    for key in sorted(days):
        row = days[key]
        for name in ("In Transit Between Warehouses", "Receipts", "Customer Returns", "Vendor Returns",
                     "Warehouse Transfer In/Out", "Found", "Lost", "Damaged", "Disposed", "Other Events",
                     "Unknown Events"):
            row.values[name] = 0
        yield row


def _feedback_rows(dataset: Dataset, req: ReportRequest) -> Iterator[RowContext]:
    for ctx in _order_rows(dataset, req, "LastUpdateDate", lambda o: o.status == "Shipped"):
        if zlib.crc32(ctx.order.amazon_order_id.encode()) % 7 or ctx.item is not ctx.order.items[0]:
            continue
        digest = zlib.crc32(ctx.key.encode())
        comments = REVIEW_COMMENTS[ctx.market.lang]
        ctx.values.update({"Date": ctx.order.last_update_date + timedelta(days=3), "Rating": 5 - digest % 3,
                           "Comments": comments[digest % len(comments)], "Your Response": "",
                           "Order ID": ctx.order.amazon_order_id, "Rater Email": ctx.order.buyer_email})
        yield ctx


def row_contexts(dataset: Dataset, req: ReportRequest) -> Iterator[RowContext]:
    """Every row of a flat-file/XML report for this request, in file order."""
    kind = source_kind(req.report_type)
    if kind == "orders_by_purchase":
        return _order_rows(dataset, req, "PurchaseDate")
    if kind == "orders_by_update":
        return _order_rows(dataset, req, "LastUpdateDate")
    if kind == "pending_orders":
        return _order_rows(dataset, ReportRequest(req.report_type, req.account_type, req.marketplace_ids, None, None,
                                                  cutoff=req.cutoff),
                           "PurchaseDate", lambda o: o.status == "Pending")
    if kind == "actionable_orders":
        return _order_rows(dataset, req, "PurchaseDate",
                           lambda o: o.status == "Unshipped" and o.fulfillment_channel == "MFN")
    if kind == "shipments":
        return _order_rows(dataset, req, "LastUpdateDate",
                           lambda o: o.status == "Shipped" and o.fulfillment_channel == "AFN")
    if kind == "promotions":  # the promotions report lists shipped items a promotion applied to
        return (ctx for ctx in _order_rows(dataset, req, "LastUpdateDate",
                                           lambda o: o.status == "Shipped" and o.fulfillment_channel == "AFN")
                if ctx.item.promotion_ids)
    if kind == "listings":
        return _listing_rows(dataset, req)
    if kind == "returns":
        return _event_rows(dataset, req, ["RefundEventList"])
    if kind == "reimbursements":
        return _event_rows(dataset, req, ["AdjustmentEventList"])
    if kind == "ledger":
        return _ledger_summary_rows(dataset, req) if "SUMMARY" in req.report_type else _ledger_rows(dataset, req)
    if kind == "feedback":
        return _feedback_rows(dataset, req)
    if kind == "settlement":
        from .settlement_rows import settlement_rows

        return settlement_rows(dataset, req)
    if kind == "browse_tree":
        return iter(())  # XML only; see xml_writer.browse_tree_nodes
    dated = req.start is not None and ("MONTHLY" in req.report_type or "RECEIPTS" in req.report_type
                                       or "ADJUSTMENTS" in req.report_type or "REMOVAL" in req.report_type
                                       or "STORAGE" in req.report_type or "NONCOMPLIANCE" in req.report_type
                                       or "CURRENT_INVENTORY" in req.report_type or "SUMMARY" in req.report_type)
    return _inventory_rows(dataset, req, dated)


