"""GET /_emulator/truth: what a correct client must end up with for a window, straight from the dataset."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Dict, Iterable, List, Optional, Union

from .exceptions import InvalidInput
from .models import ReportRequest
from .timeutil import iso, parse_iso, utcnow

DateLike = Union[str, datetime, None]


def _moment(value: DateLike, default: datetime, name: str) -> datetime:
    if value is None or value == "":
        return default
    if isinstance(value, datetime):
        return value
    try:
        return parse_iso(value)
    except ValueError:
        raise InvalidInput(f"Invalid {name}: '{value}'.") from None


def truth(emu, account: str = "seller", marketplaceId: Optional[str] = None, start: DateLike = None,
          end: DateLike = None, dateField: str = "LastUpdateDate",
          reportTypes: Optional[Iterable[str]] = None) -> Dict[str, Any]:
    """Ids of orders (dateField in [start, end]), their items, financial events and groups (posted/started in
    [start, end)), vendor orders (created in [start, end]) and row counts per report type for that window."""
    if account not in ("seller", "vendor"):
        raise InvalidInput("account must be seller or vendor.")
    if dateField not in ("LastUpdateDate", "PurchaseDate"):
        raise InvalidInput("dateField must be LastUpdateDate or PurchaseDate.")
    now = utcnow()
    dataset = emu.dataset
    start_at = _moment(start, dataset.built_at - timedelta(days=3650), "start")
    end_at = _moment(end, now, "end")
    holder = dataset.account(account)
    markets = [marketplaceId] if marketplaceId else holder.market_ids()
    if marketplaceId and marketplaceId not in holder.market_ids():
        raise InvalidInput(f"marketplaceId {marketplaceId} is not a marketplace of the {account} account.")
    result: Dict[str, Any] = {"account": account, "marketplaceIds": markets, "start": iso(start_at), "end": iso(end_at),
                              "dateField": dateField, "orders": [], "order_items": [], "financial_events": {},
                              "financial_event_groups": [], "vendor_orders": [], "vendor_df_orders": [], "reports": {}}
    if account == "seller":
        orders = dataset.seller.orders_in_window(markets, dateField, start_at, end_at, now)
        result["orders"] = sorted(o.amazon_order_id for o in orders)
        result["order_items"] = sorted(i.order_item_id for o in orders for i in o.items)
        events: Dict[str, List[str]] = {}
        for event in dataset.seller.events_in_window(start_at, end_at, markets):
            events.setdefault(event.list_name, []).append(event.key)
        result["financial_events"] = {name: sorted(keys) for name, keys in sorted(events.items())}
        result["financial_event_groups"] = sorted(g.group_id for g in dataset.seller.groups
                                                  if g.market.id in markets and start_at <= g.start < end_at)
    else:
        result["vendor_orders"] = sorted(po.number for po in dataset.vendor.purchase_orders
                                         if po.market.id in markets and start_at <= po.created <= end_at)
        result["vendor_df_orders"] = sorted(o.number for o in dataset.vendor.df_orders
                                            if o.market.id in markets and start_at <= o.created <= end_at)
    wanted = set(reportTypes) if reportTypes else None
    for (report_type, account_type), definition in sorted(emu.reports.definitions.items()):
        if account_type != account or not definition.requestable:
            continue
        if wanted is not None and report_type not in wanted:
            continue
        request = ReportRequest(report_type, account, tuple(markets), start_at.replace(microsecond=0),
                                end_at.replace(microsecond=0), dict(definition.default_options))
        result["reports"][report_type] = emu.reports.row_count(request)
    return result


def report_truth(emu, account: str = "seller", reportTypes: Optional[Iterable[str]] = None) -> Dict[str, Any]:
    """Every DONE report of the account (requested or made by Amazon) with the values its document holds
    (reports/truth_values.py): what a correct client delivers, value by value."""
    from .reports.truth_values import report_values

    if account not in ("seller", "vendor"):
        raise InvalidInput("account must be seller or vendor.")
    wanted = list(reportTypes or [])
    epoch = emu.dataset.built_at - timedelta(days=3650)
    reports = emu.reports.listing(account, wanted, ["DONE"], [], epoch, utcnow() + timedelta(days=1))
    return {"account": account, "reports": [report_values(emu.dataset, report) for report in reports]}
