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
