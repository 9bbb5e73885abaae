"""GET /_emulator/truth: what a correct client must end up with for a window, straight from the dataset."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Dict, Iterable, List, Optional, Union

from .exceptions import InvalidInput
from .models import ReportRequest, stable_id
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


def _add(totals: Dict[str, Dict[str, Dict[str, Decimal]]], moment: datetime, currency: str, **amounts: Decimal) -> None:
    per_currency = totals.setdefault(moment.strftime("%Y-%m"), {}).setdefault(currency, {})
    for name, amount in amounts.items():
        per_currency[name] = per_currency.get(name, Decimal("0")) + amount


def _as_text(totals: Dict[str, Dict[str, Dict[str, Decimal]]]) -> Dict[str, Any]:
    return {month: {currency: {name: str(amount) for name, amount in sorted(sums.items())}
                    for currency, sums in sorted(per_month.items())}
            for month, per_month in sorted(totals.items())}


def _finances(dataset, markets: List[str], start_at: datetime, end_at: datetime, now: datetime,
              lag: timedelta) -> Dict[str, Any]:
    """Finance events as Finances v0 serves them now (released ones) and as listTransactions does (all),
    both without those posted less than `lag` ago (the models' 48 hours)."""
    events: Dict[str, List[str]] = {}
    amounts: Dict[str, Dict[str, Dict[str, Decimal]]] = {}
    transactions: Dict[str, Dict[str, Dict[str, Decimal]]] = {}
    transaction_ids: List[str] = []
    for event in dataset.seller.events_in_window(start_at, end_at, markets):
        if not event.arrived(now, lag):
            continue
        transaction_ids.append(stable_id("transaction", event.key, length=43))
        _add(transactions, event.posted, event.market.currency, total=event.net)
        if event.visible_in_v0(now):
            events.setdefault(event.list_name, []).append(event.key)
            _add(amounts, event.posted, event.market.currency, charges=event.charges, fees=event.fees)
    return {"financial_events": {name: sorted(keys) for name, keys in sorted(events.items())},
            "financial_event_amounts": _as_text(amounts),
            "transactions": sorted(transaction_ids),
            "transaction_amounts": _as_text(transactions)}


def truth(emu, account: str = "seller", marketplaceId: Optional[str] = None, start: DateLike = None,
          end: DateLike = None, dateField: str = "LastUpdateDate",
          reportTypes: Optional[Iterable[str]] = None, region: Optional[str] = None) -> Dict[str, Any]:
    """Ids of orders (dateField in [start, end]), their items, financial events and groups (posted/started in
    [start, end)), vendor orders (created in [start, end]) and row counts per report type for that window.

    Finance truth: `financial_events` (keys per event list, what listFinancialEvents serves now: deferred
    events are hidden until released), `financial_event_amounts` (month -> currency -> sums of those
    events' ChargeComponents and FeeComponents, as decimal strings), `transactions` (transaction ids
    listTransactions serves, deferred ones included) and `transaction_amounts` (month -> currency ->
    their total). `region` (NA, EU, FE) limits every list to that regional endpoint's marketplaces."""
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
    if region is not None:
        if region not in ("NA", "EU", "FE"):
            raise InvalidInput("region must be NA, EU or FE.")
        markets = [m.id for m in holder.markets if m.region == region and m.id in markets]
    result: Dict[str, Any] = {"account": account, "marketplaceIds": markets, "start": iso(start_at), "end": iso(end_at),
                              "dateField": dateField, "orders": [], "order_items": [], "financial_events": {},
                              "financial_event_amounts": {}, "transactions": [], "transaction_amounts": {},
                              "financial_event_groups": [], "vendor_orders": [], "vendor_df_orders": [], "reports": {}}
    if account == "seller":
        orders = dataset.seller.orders_in_window(markets, dateField, start_at, end_at, now)
        result["orders"] = sorted(o.amazon_order_id for o in orders)
        result["order_items"] = sorted(i.order_item_id for o in orders for i in o.items)
        result.update(_finances(dataset, markets, start_at, end_at, now, emu.timing.finance_delay()))
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
        # as a report requested now would hold them (its type's data delay)
        request = ReportRequest(report_type, account, tuple(markets), start_at.replace(microsecond=0),
                                end_at.replace(microsecond=0), dict(definition.default_options),
                                emu.reports.cutoff(report_type, now))
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
