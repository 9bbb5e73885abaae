"""Late data and the configured range, against the emulator (which holds every change back from reports
for its type's documented delay and serves finance events 48 hours after posting):

- a change Amazon records after a sync, stamped inside the documented delay before that sync's end, is
  delivered by the next incremental sync: each order report stream, Orders on both Orders APIs, the
  finance streams (emulator `mutate` with `minutesAgo`: a change made then, recorded now);
- no report record's own date precedes the configured start (here 14:00, not a whole day).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Mapping

import pytest

from integration_tests.acceptance_configs import emulator_config
from integration_tests.test_rest_streams_emulator import sync
from source_amazon_seller_partner.catalog.reports import load_report_catalog
from source_amazon_seller_partner.dates import format_datetime
from source_amazon_seller_partner.reports.row_range import RowRange

US = "ATVPDKIKX0DER"
BY_UPDATE = {"GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL": "amazon-order-id",
             "GET_XML_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL": "AmazonOrderID"}
BY_ORDER_DATE = {"GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL": "amazon-order-id",
                 "GET_FLAT_FILE_ARCHIVED_ORDERS_DATA_BY_ORDER_DATE": "amazon-order-id",
                 "GET_XML_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL": "AmazonOrderID"}


def _states(output) -> List[Any]:
    return [message.state for message in output.state_messages]


def _ids(records: Mapping[str, List[Dict[str, Any]]], stream: str, key: str) -> set:
    return {record[key] for record in records.get(stream, [])}


def test_a_late_order_change_reaches_every_order_report_stream_in_the_next_sync(make_emulator):
    emu = make_emulator()
    config = emulator_config(emu.api_url, emu.lwa_url, days=2, marketplaces=["US"])  # no lookback_window_days
    streams = [*BY_UPDATE, *BY_ORDER_DATE]
    _, first = sync(config, streams)
    # After the first sync Amazon records changes made 3 minutes ago, before that sync's end: orders that
    # moved on, and orders placed then.
    moved = emu.mutate(3, marketplace_id=US, minutes_ago=3)
    placed = emu.mutate(3, marketplace_id=US, minutes_ago=3, new_orders=True)
    second, _ = sync(config, streams, state=_states(first))
    for stream, key in BY_UPDATE.items():
        assert set(moved + placed) <= _ids(second, stream, key), stream
    for stream, key in BY_ORDER_DATE.items():
        assert set(placed) <= _ids(second, stream, key), stream


@pytest.mark.parametrize("orders_api", ["2026-01-01", "v0"])
def test_a_late_order_change_reaches_orders_in_the_next_sync_even_without_a_lookback(make_emulator, orders_api):
    emu = make_emulator()
    config = emulator_config(emu.api_url, emu.lwa_url, days=2, marketplaces=["US"], orders_api=orders_api,
                             lookback_window_days=0)
    recent = emu.mutate(1, marketplace_id=US, minutes_ago=5, new_orders=True)
    records, first = sync(config, ["Orders", "OrderItems"])
    assert set(recent) <= _ids(records, "Orders", "AmazonOrderId")  # the saved cursor is 5 minutes ago
    late = emu.mutate(2, marketplace_id=US, minutes_ago=20, new_orders=True)  # before the saved cursor
    second, _ = sync(config, ["Orders", "OrderItems"], state=_states(first))
    assert set(late) <= _ids(second, "Orders", "AmazonOrderId")
    assert set(late) <= _ids(second, "OrderItems", "AmazonOrderId")


def test_finance_events_posted_late_within_48_hours_are_not_lost(make_emulator):
    emu = make_emulator()
    config = emulator_config(emu.api_url, emu.lwa_url, days=5, marketplaces=["US"], lookback_window_days=0)
    streams = ["ShipmentEvents", "FinancialTransactions"]
    _, first = sync(config, streams)
    # orders placed, confirmed and shipped 47 hours ago whose events Amazon posts only now
    late = emu.mutate(2, marketplace_id=US, minutes_ago=47 * 60, new_orders=True)
    emu.mutate(2, marketplace_id=US, minutes_ago=47 * 60)
    assert set(emu.mutate(2, marketplace_id=US, minutes_ago=47 * 60)) == set(late)
    second, _ = sync(config, streams, state=_states(first))
    assert set(late) <= _ids(second, "ShipmentEvents", "AmazonOrderId")
    related = {r["relatedIdentifierValue"] for t in second["FinancialTransactions"]
               for r in t.get("relatedIdentifiers") or [] if r["relatedIdentifierName"] == "ORDER_ID"}
    assert set(late) <= related


def test_no_report_record_is_dated_before_the_configured_start(make_emulator):
    emu = make_emulator()
    start = (datetime.now(timezone.utc) - timedelta(days=9)).replace(hour=14, minute=0, second=0, microsecond=0)
    config = emulator_config(emu.api_url, emu.lwa_url, marketplaces=["US"], replication_start_date=format_datetime(start))
    dated = {s.name: s.row_date for s in load_report_catalog()
             if s.account_type == "seller" and s.window_kind in ("date_range", "period") and not s.required_options}
    records, _ = sync(config, list(dated))
    assert records["GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"]  # not vacuous: the range has orders
    for stream, rows in records.items():
        column = dated[stream] or "dataStartTime"
        early = [row[column] for row in rows if not RowRange(column, start).keeps(row)]
        assert not early, f"{stream}: {len(early)} row(s) dated before {format_datetime(start)}, e.g. {early[:3]}"
        assert all(start <= datetime.fromisoformat(row["dataStartTime"].replace("Z", "+00:00"))
                   for row in rows if row.get("dataStartTime")), stream  # nothing before the start was asked for
