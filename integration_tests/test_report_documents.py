"""Report documents that misbehave as Amazon's do, end to end against the emulator: a byte no charset
decodes and a BOM before Cp1252 text never block a stream, a JSON report without its records array
fails its window without moving the state, and refused or throttled downloads are fetched again."""

from __future__ import annotations

from datetime import timedelta

from integration_tests.test_report_streams import (
    ORDERS_TSV,
    SALES_TRAFFIC_JSON,
    US,
    config_for,
    day_start,
    iso,
    log_lines,
    partition_cursors,
    read_streams,
    utc_now,
)


def _window(days: int = 20):
    now = utc_now()
    return day_start(now - timedelta(days=days)), now - timedelta(hours=1)


def test_an_undecodable_byte_after_a_bom_is_replaced_logged_and_the_state_moves(make_emulator):
    emu = make_emulator(faults=f"bad_byte={ORDERS_TSV};bom={ORDERS_TSV}")
    start, end = _window()
    output = read_streams(config_for(emu, replication_start_date=iso(start), replication_end_date=iso(end)), [ORDERS_TSV])

    assert not output.errors
    truth = emu.truth(account="seller", marketplaceId=US, start=iso(start), end=iso(end), reportTypes=[ORDERS_TSV])["reports"]
    assert len(output.records) == truth[ORDERS_TSV] > 2
    replaced = [r.record.data for r in output.records if any("\ufffd" in str(v) for v in r.record.data.values())]
    assert len(replaced) == 1  # the one bad byte, nothing else garbled
    texts = [v for r in output.records for v in r.record.data.values() if isinstance(v, str)]
    assert not any("\u00c3" in t or "\u00e2\u20ac" in t for t in texts)  # Cp1252 text after the BOM read as Cp1252
    warnings = [line for line in log_lines(output) if "U+FFFD" in line]
    assert warnings and all("line 3" in w and "(id " in w for w in warnings)
    assert partition_cursors(output, ORDERS_TSV) == {US: iso(end + timedelta(seconds=1))}


def test_a_json_report_without_its_records_fails_the_window_and_keeps_the_state(make_emulator):
    emu = make_emulator(faults=f"null_records={SALES_TRAFFIC_JSON}")
    start, end = _window(3)
    output = read_streams(config_for(emu, replication_start_date=iso(start), replication_end_date=iso(end)),
                          [SALES_TRAFFIC_JSON], expect_failure=True)

    assert output.records == []
    messages = [e.trace.error.message for e in output.errors if e.trace.error.stream_descriptor]
    assert messages and "GET_SALES_AND_TRAFFIC_REPORT" in messages[0] and "salesAndTrafficByDate" in messages[0]
    assert partition_cursors(output, SALES_TRAFFIC_JSON).get(US) in (None, iso(start))


def test_refused_and_throttled_downloads_are_fetched_again(make_emulator):
    emu = make_emulator(faults="getReportDocument:403=0.4;downloadReportDocument:403=0.3,429=0.2,503=0.2;seed=5")
    start, end = _window()
    config = config_for(emu, replication_start_date=iso(start), replication_end_date=iso(end), _document_backoff_seconds=0.01)
    output = read_streams(config, [ORDERS_TSV, SALES_TRAFFIC_JSON])

    assert not output.errors
    truth = emu.truth(account="seller", marketplaceId=US, start=iso(start), end=iso(end), reportTypes=[ORDERS_TSV, SALES_TRAFFIC_JSON])["reports"]
    delivered = {s: sum(1 for r in output.records if r.record.stream == s) for s in (ORDERS_TSV, SALES_TRAFFIC_JSON)}
    assert delivered == truth
    faults = emu.stats()["operations"]
    injected = sum(faults["getReportDocument"]["faults"].values()) + sum(faults["downloadReportDocument"]["faults"].values())
    assert injected >= 2  # the faults happened and were survived
