import pytest

from bench.lower_bound import admitted_requests, lower_bound, operation_seconds, scaled_limits


def test_requests_within_the_burst_cost_nothing():
    assert operation_seconds(requests=30, rate=0.5, burst=30) == 0.0
    assert operation_seconds(requests=0, rate=0.5, burst=30) == 0.0


def test_each_request_beyond_the_burst_waits_one_refill_interval():
    assert operation_seconds(requests=31, rate=0.5, burst=30) == pytest.approx(2.0)
    assert operation_seconds(requests=20_000, rate=30.0, burst=30) == pytest.approx(19_970 / 30)


def test_the_slowest_operation_sets_the_bound_because_operations_run_in_parallel():
    limits = {"getOrders": (1.0, 20), "getOrderItems": (30.0, 30), "getReport": (120.0, 15)}
    bound = lower_bound({"getOrders": 220, "getOrderItems": 20_000, "getReport": 400}, limits)
    assert bound.limiting_operation == "getOrderItems"
    assert bound.seconds == pytest.approx(19_970 / 30)
    per_operation = {b.operation: b.seconds for b in bound.operations}
    assert per_operation == pytest.approx({"getOrders": 200.0, "getOrderItems": 19_970 / 30, "getReport": 385 / 120})


def test_operations_without_a_limit_are_not_metered():
    bound = lower_bound({"lwaToken": 500, "downloadReportDocument": 900, "getOrders": 21}, {"getOrders": (1.0, 20)})
    assert [b.operation for b in bound.operations] == ["getOrders"]
    assert bound.seconds == pytest.approx(1.0)


def test_a_floor_wins_only_when_it_is_longer_than_every_rate_bound():
    limits = {"createReport": (1.0, 15)}
    assert lower_bound({"createReport": 10}, limits, floor_seconds=0.5).limiting_operation == "floor"
    assert lower_bound({"createReport": 10}, limits, floor_seconds=0.5).seconds == 0.5
    assert lower_bound({"createReport": 25}, limits, floor_seconds=0.5).limiting_operation == "createReport"


def test_nothing_metered_gives_zero_and_no_limiting_operation():
    bound = lower_bound({"getOrders": 5}, {"getOrders": (1.0, 20)})
    assert bound.seconds == 0.0 and bound.limiting_operation is None


def test_time_scale_multiplies_rates_and_keeps_bursts():
    scaled = scaled_limits({"getOrders": (0.0167, 20), "getOrderItems": (0.5, 30)}, 60)
    assert scaled["getOrders"] == (pytest.approx(1.002), 20)
    assert scaled["getOrderItems"] == (pytest.approx(30.0), 30)
    with pytest.raises(ValueError):
        scaled_limits({}, 0)


def test_throttled_requests_are_not_counted_but_injected_faults_are():
    # A 429 from the bucket took no token; an injected fault was admitted before it failed.
    entry = {"requests": 120, "2xx": 100, "429_throttled": 15, "429_injected": 5, "other_errors": 0}
    assert admitted_requests(entry) == 105


def test_as_dict_lists_the_slowest_operation_first():
    bound = lower_bound({"a": 40, "b": 100}, {"a": (1.0, 10), "b": (10.0, 10)})
    described = bound.as_dict()
    assert list(described["operations"]) == ["a", "b"]
    assert described["seconds"] == 30.0 and described["limiting_operation"] == "a"


def test_orders_paths_count_the_requests_each_path_needs_for_the_same_orders():
    from datetime import datetime, timedelta, timezone

    from bench.orders_bounds import paths_side_by_side, requests_per_path, windows

    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    cut = windows(start, start + timedelta(days=200), 90)
    assert [(a.day, a.month, b - a) for a, b in cut][:2] == [(1, 1, timedelta(days=90, seconds=-1)), (1, 4, timedelta(days=90, seconds=-1))]
    assert len(cut) == 3 and cut[-1][1] == start + timedelta(days=200)
    counts = {(0, "US"): 250, (0, "CA"): 30, (1, "US"): 0, (1, "CA"): 100, (2, "US"): 1}
    assert requests_per_path(counts, ["US", "CA"], 3) == {
        "v0": {"getOrders": 3 + 1 + 1 + 1 + 1 + 1, "getOrderItems": 381},  # at least one page per marketplace and window
        "2026-01-01": {"searchOrders": 3 + 1 + 1},  # 280 orders of window 0 together: 3 pages
    }
    limits = {"getOrders": (1.0, 20), "getOrderItems": (30.0, 30), "searchOrders": (0.336, 20)}
    sides = paths_side_by_side(lambda m, a, b: 2000, ["US", "CA"], start, start + timedelta(days=200), 90, limits)
    assert sides["2026-01-01"]["requests"] == {"searchOrders": 3 * 40}
    assert sides["v0"]["requests"] == {"getOrders": 6 * 20, "getOrderItems": 12000}
    assert sides["v0"]["limiting_operation"] == "getOrderItems"
    assert sides["2026-01-01"]["lower_bound_seconds"] == pytest.approx(100 / 0.336, abs=0.01)
