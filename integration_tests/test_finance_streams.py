"""Finance streams against the emulator: one fetch per page whatever is selected, a fixed end date synced
twice (the second re-reads Amazon's 48 hours), charge/fee rows that add up to the events, transactions complete, pages refused or tokens
expired along the way, and only the region's marketplaces."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from typing import Any, Dict, Iterable, Mapping

from integration_tests.acceptance_configs import emulator_config, running_emulator_config
from integration_tests.sync_harness import Connector, fixed_window
from integration_tests.test_rest_streams_emulator import sync
from sp_api_emulator import financial_event_key
from source_amazon_seller_partner.catalog.finance_streams import financial_event_types
from source_amazon_seller_partner.dates import parse_datetime

US, CA = "ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"
EVENT_STREAMS = [t["stream"] for t in financial_event_types()]
COMPONENT_STREAMS = ["FinancialChargeComponents", "FinancialFeeComponents"]
TRANSACTION_STREAMS = ["FinancialTransactions", "FinancialTransactionBreakdowns"]
ALL_FINANCE = ["ListFinancialEvents", *EVENT_STREAMS, *COMPONENT_STREAMS, *TRANSACTION_STREAMS]
ADDED_EVENT_FIELDS = {"event_id", "event_type", "marketplace_id"}


def calls(emulator, operation: str) -> int:
    return emulator.stats()["operations"].get(operation, {}).get("requests", 0)


def amounts_by_month(rows: Iterable[Mapping[str, Any]], date_field: str = "posted_date") -> Dict[str, Dict[str, Decimal]]:
    sums: Dict[str, Dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in rows:
        sums[row[date_field][:7]][row["currency"]] += Decimal(str(row["amount"]))
    return {month: dict(per) for month, per in sums.items()}


def test_one_stream_or_all_of_them_make_the_same_calls(emulator):
    config = emulator_config(emulator.api_url, emulator.lwa_url, days=400, marketplaces=["US", "CA"], financial_events_step="30")
    made = {}
    for label, names in (("one event stream", ["ShipmentEvents"]), ("one transaction stream", ["FinancialTransactions"]),
                         ("all finance streams", ALL_FINANCE)):
        emulator.reset_stats()
        records, _ = sync(config, names)
        assert records, label
        made[label] = (calls(emulator, "listFinancialEvents"), calls(emulator, "listTransactions"))
    assert made["one event stream"][0] >= 14  # 400 days in 30-day windows, one page or more each
    assert made["all finance streams"][0] == made["one event stream"][0], made
    assert made["all finance streams"][1] == made["one transaction stream"][1] >= 14, made


def test_a_fixed_end_date_then_an_incremental_sync_exit_0_twice(make_emulator, tmp_path):
    emu = make_emulator()
    start, end = fixed_window(60)
    config = running_emulator_config(emu, marketplaces=["US", "CA"], replication_start_date=start, replication_end_date=end,
                                     lookback_window_days=0)
    streams = ["ListFinancialEvents", "ShipmentEvents", "ServiceFeeEvents", *COMPONENT_STREAMS, *TRANSACTION_STREAMS]
    connector = Connector(tmp_path)
    first = connector.run("read", config, streams, timeout=120)
    assert first.exit_code == 0 and not first.errors(), first.errors()
    assert first.records("ShipmentEvents") and first.records("FinancialTransactions")
    emu.reset_stats()
    second = connector.run("read", config, streams, state=[m for m in first.state_messages()], timeout=120)
    assert second.exit_code == 0 and not second.errors(), second.errors()
    # Amazon may still add events posted in the 48 hours before the end (its models' note): that window, one
    # page of each API, is all the second sync reads, and it finds the same events again
    assert calls(emu, "listFinancialEvents") == calls(emu, "listTransactions") == 1
    lower = parse_datetime(end) - timedelta(hours=48)
    for stream, date_field, key in (("ShipmentEvents", "PostedDate", "event_id"), ("FinancialTransactions", "postedDate", "transactionId")):
        again = second.records(stream)
        assert all(lower <= parse_datetime(r[date_field]) <= parse_datetime(end) for r in again), stream
        assert {r[key] for r in again} <= {r[key] for r in first.records(stream)}, stream


def test_charge_and_fee_rows_add_up_to_the_events_for_every_currency_and_month(emulator):
    config = emulator_config(emulator.api_url, emulator.lwa_url, days=200, marketplaces=["US", "CA"], financial_events_step="1")
    records, _ = sync(config, COMPONENT_STREAMS + ["ServiceFeeEvents"])
    normalized = {"start": config["replication_start_date"]}
    truth = emulator.truth(account="seller", region="NA", **normalized)
    charges = amounts_by_month(records["FinancialChargeComponents"])
    fees = amounts_by_month(records["FinancialFeeComponents"])
    expected = truth["financial_event_amounts"]
    assert len(expected) >= 6
    for month, per_currency in expected.items():
        for currency, sums in per_currency.items():
            assert charges.get(month, {}).get(currency, Decimal("0")) == Decimal(sums["charges"]), (month, currency)
            assert fees.get(month, {}).get(currency, Decimal("0")) == Decimal(sums["fees"]), (month, currency)
    assert {c for per in charges.values() for c in per} == {"USD", "CAD"}
    for rows in records.values():
        assert len({(r.get("event_id"), r.get("component_path")) for r in rows}) == len(rows)


def test_transactions_are_complete_and_their_breakdowns_add_up(emulator):
    config = emulator_config(emulator.api_url, emulator.lwa_url, days=200, marketplaces=["US", "CA"])
    records, _ = sync(config, TRANSACTION_STREAMS)
    truth = emulator.truth(account="seller", region="NA", start=config["replication_start_date"])
    transactions = records["FinancialTransactions"]
    assert sorted(t["transactionId"] for t in transactions) == truth["transactions"]
    seller = emulator.emulator.dataset.seller
    us_mfn = {t["transactionId"] for t in transactions for r in t["relatedIdentifiers"]
              if r["relatedIdentifierName"] == "ORDER_ID" and seller.orders_by_id[r["relatedIdentifierValue"]].market.id == US
              and seller.orders_by_id[r["relatedIdentifierValue"]].fulfillment_channel == "MFN"}
    assert us_mfn  # Amazon hides them when asked per marketplace
    assert {t["transactionStatus"] for t in transactions} == {"RELEASED", "DEFERRED", "DEFERRED_RELEASED"}
    assert {t["marketplace_id"] for t in transactions} == {US, CA}
    rows = records["FinancialTransactionBreakdowns"]
    top = amounts_by_month([r for r in rows if r["breakdown_level"] == "transaction"])
    for month, per_currency in truth["transaction_amounts"].items():
        for currency, sums in per_currency.items():
            assert top[month][currency] == Decimal(sums["total"]), (month, currency)
    assert len({(r["transaction_id"], r["breakdown_id"]) for r in rows}) == len(rows)


def test_pages_refused_as_too_large_and_expired_tokens_lose_nothing(make_emulator):
    emu = make_emulator(faults="finance_page_bytes=6000;expire_page_tokens=3")
    config = emulator_config(emu.api_url, emu.lwa_url, days=300, marketplaces=["US", "CA"])
    streams = ["ListFinancialEvents", *EVENT_STREAMS, *COMPONENT_STREAMS]
    records, output = sync(config, streams)
    truth = emu.truth(account="seller", region="NA", start=config["replication_start_date"])
    for entry in financial_event_types():
        delivered = records.get(entry["stream"], [])
        keys = [financial_event_key(entry["list"], {k: v for k, v in r.items() if k not in ADDED_EVENT_FIELDS}) for r in delivered]
        assert sorted(keys) == truth["financial_events"].get(entry["list"], []), entry["stream"]  # each once
    assert emu.stats()["operations"]["listFinancialEvents"]["other_errors"] >= 4
    logged = " ".join(m.log.message for m in output.logs)
    assert "MaxResultsPerPage=50" in logged and "page token" in logged


def test_a_european_seller_gets_its_regions_events_only(emulator):
    config = emulator_config(emulator.region_urls["EU"], emulator.lwa_url, region="DE", days=120,
                             marketplaces=["DE", "FR", "UK"])
    records, _ = sync(config, ["ShipmentEvents", "FinancialFeeComponents", "FinancialTransactions"])
    currencies = {c["ChargeAmount"]["CurrencyCode"] for e in records["ShipmentEvents"] for i in e["ShipmentItemList"]
                  for c in i["ItemChargeList"]}
    assert currencies == {"EUR", "GBP"}
    assert {r["currency"] for r in records["FinancialFeeComponents"]} <= {"EUR", "GBP"}
    assert {e["marketplace_id"] for e in records["ShipmentEvents"]} == {"A1PA6795UKMFR9", "A13V1IB3VIYZZH", "A1F83G8C2ARO7P"}
    assert {t["marketplace_id"] for t in records["FinancialTransactions"]} == {"A1PA6795UKMFR9", "A13V1IB3VIYZZH", "A1F83G8C2ARO7P"}
