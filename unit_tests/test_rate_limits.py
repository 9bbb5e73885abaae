import queue
import threading
import time

import pytest
import requests
from airbyte_cdk.sources.streams.concurrent.partition_enqueuer import PartitionEnqueuer

from source_amazon_seller_partner.rate_limits import (
    JITTER_TOLERANCE_SECONDS,
    PRIORITY_PARTITION_GENERATION,
    PRIORITY_RECORDS,
    RATE_ROUNDING_FACTOR,
    SpApiRateLimits,
    TokenBucket,
    caller_priority,
    match_operation,
)


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def wait(self, condition, seconds):
        assert seconds is not None, "a lone caller must never wait without a deadline"
        self.now += seconds


def interval(rate):
    return 1 / (rate * RATE_ROUNDING_FACTOR)


def test_operations_are_matched_by_method_and_path():
    assert match_operation("GET", "https://x/orders/v0/orders?MarketplaceIds=A").name == "getOrders"
    assert match_operation("GET", "https://x/orders/v0/orders/111-1/orderItems").name == "getOrderItems"
    assert match_operation("GET", "https://x/orders/v0/orders/111-1").name == "getOrder"
    assert match_operation("POST", "https://x/reports/2021-06-30/reports").name == "createReport"
    assert match_operation("GET", "https://x/reports/2021-06-30/reports").name == "getReports"
    assert match_operation("GET", "https://x/reports/2021-06-30/reports/123").name == "getReport"
    assert match_operation("GET", "https://s3.example/doc?X-Amz-Signature=1") is None


def test_burst_less_the_margin_then_the_rate():
    clock = FakeClock()
    bucket = TokenBucket(rate=0.5, burst=3, clock=clock, wait=clock.wait)
    waits = [bucket.acquire() for _ in range(5)]
    free = 3 - bucket.margin
    assert free == 2  # at 0.5/s one token already covers the jitter tolerance
    assert waits[: int(free)] == [0.0] * int(free)
    assert waits[int(free):] == pytest.approx([interval(0.5)] * (5 - int(free)))
    assert clock.now == pytest.approx((5 - free) * interval(0.5))


def test_pace_is_within_one_percent_of_the_rate():
    # The safety margin is a token, not a slower rate: a long sync runs at the advertised rate.
    clock = FakeClock()
    bucket = TokenBucket(rate=30.0, burst=30, clock=clock, wait=clock.wait)
    for _ in range(3029):
        bucket.acquire()
    assert clock.now == pytest.approx(3000 / 30.0, rel=0.01)
    assert clock.now >= 3000 / 30.0


def test_margin_covers_the_jitter_tolerance_within_the_burst():
    assert TokenBucket(rate=0.5, burst=30).margin == 1  # Amazon's getOrderItems: 2 s of slack
    assert TokenBucket(rate=30.0, burst=30).margin == pytest.approx(30.0 * JITTER_TOLERANCE_SECONDS)
    assert TokenBucket(rate=120.0, burst=2).margin == 1  # never more than burst - 1
    assert TokenBucket(rate=10.0, burst=1).capacity == 1
    bucket = TokenBucket(rate=0.5, burst=30)
    bucket.set_rate(30.0)  # a learned rate moves the margin, and the tokens with it
    assert bucket.capacity == 30 - 30.0 * JITTER_TOLERANCE_SECONDS
    assert bucket.seconds_until_token() == 0.0


def test_rate_learned_from_header_and_429_empties_bucket_with_margin():
    limits = SpApiRateLimits()
    request = requests.Request("GET", "https://x/orders/v0/orders").prepare()
    response = requests.Response()
    response.status_code = 200
    response.headers["x-amzn-RateLimit-Limit"] = "1.0"
    limits.update_from_response(request, response)
    bucket = limits.bucket(match_operation("GET", request.url))
    assert bucket.rate == 1.0 and bucket.learned_rate == 1.0
    throttled = requests.Response()
    throttled.status_code = 429
    limits.update_from_response(request, throttled)
    assert limits.throttled == {"getOrders": 1}
    # Amazon's bucket held less than a token: wait for one, plus the margin, before the next call.
    assert bucket.seconds_until_token() == pytest.approx((1 + bucket.margin) * interval(1.0), rel=0.01)


def test_bucket_shared_across_threads_never_exceeds_rate():
    rate, burst, threads, calls = 100.0, 3, 4, 10
    last_read = threading.local()

    def clock():  # the last time a thread read is when its token was granted
        last_read.value = time.monotonic()
        return last_read.value

    bucket = TokenBucket(rate=rate, burst=burst, clock=clock)
    grants = []
    lock = threading.Lock()

    def worker():
        for _ in range(calls):
            bucket.acquire()
            with lock:
                grants.append(last_read.value)

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.monotonic()
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    grants.sort()
    assert len(grants) == threads * calls
    capacity = bucket.capacity
    # However the threads interleave, no stretch of time sees more grants than the bucket allows.
    for i, first in enumerate(grants):
        for j in range(i, len(grants)):
            allowed = capacity + (grants[j] - first) * rate * RATE_ROUNDING_FACTOR + 1e-6
            assert j - i + 1 <= allowed
    assert grants[-1] - started >= (threads * calls - capacity) / rate * 0.99


def test_partition_generation_goes_before_waiting_record_reads():
    bucket = TokenBucket(rate=1e-6, burst=2)  # one free token, then practically none
    bucket.acquire()
    order = []
    lock = threading.Lock()

    def take(name, priority):
        bucket.acquire(priority)
        with lock:
            order.append(name)

    def wait_for_waiters(count):
        deadline = time.monotonic() + 5
        while bucket.waiters < count:
            assert time.monotonic() < deadline
            time.sleep(0.005)

    threads = []
    for name, priority in [("orders-1", PRIORITY_RECORDS), ("orders-2", PRIORITY_RECORDS),
                           ("items-parent", PRIORITY_PARTITION_GENERATION), ("orders-3", PRIORITY_RECORDS)]:
        threads.append(threading.Thread(target=take, args=(name, priority)))
        threads[-1].start()
        wait_for_waiters(len(threads))
    bucket.set_rate(1000.0)  # tokens flow again: waiters are served by priority, then arrival
    for t in threads:
        t.join(5)
    assert order == ["items-parent", "orders-1", "orders-2", "orders-3"]


def test_a_waiter_that_gives_up_leaves_the_queue():
    clock = FakeClock()

    def interrupted(condition, seconds):
        raise KeyboardInterrupt

    bucket = TokenBucket(rate=1.0, burst=2, clock=clock, wait=interrupted)
    bucket.acquire()
    with pytest.raises(KeyboardInterrupt):
        bucket.acquire()
    assert bucket.waiters == 0


def test_requests_made_while_generating_partitions_get_priority():
    seen = []

    class ParentReadingStream:
        name = "OrderItems"

        def generate_partitions(self):
            for _ in range(2):
                seen.append(caller_priority())  # where a parent read would call acquire_call
                yield object()

    class NoLimit:
        def prune_to_validate_has_reached_futures_limit(self):
            return False

    PartitionEnqueuer(queue.Queue(), NoLimit()).generate_partitions(ParentReadingStream())
    assert seen == [PRIORITY_PARTITION_GENERATION] * 2
    assert caller_priority() == PRIORITY_RECORDS


class RenewingToken:
    """The LWA provider's current token, renewed whenever the fake clock passed `renew_at`."""

    def __init__(self, clock, renew_at):
        self.clock, self.renew_at = clock, renew_at

    def __call__(self):
        return "Atza|second" if self.clock.now >= self.renew_at else "Atza|first"


def _limits_with_fake_time(renew_at):
    clock = FakeClock()
    limits = SpApiRateLimits(current_token=RenewingToken(clock, renew_at),
                             new_bucket=lambda op: TokenBucket(op.rate, op.burst, clock=clock, wait=clock.wait))
    return limits, clock


def _get_orders(token):
    return requests.Request("GET", "https://x/orders/v0/orders", headers={"x-amz-access-token": token}).prepare()


def test_a_request_that_waited_past_a_token_renewal_goes_out_with_the_current_token():
    limits, clock = _limits_with_fake_time(renew_at=5.0)
    current_token = RenewingToken(clock, renew_at=5.0)
    capacity = int(limits.bucket(match_operation("GET", "https://x/orders/v0/orders")).capacity)
    sent = []
    for _ in range(capacity + 1):
        request = _get_orders(current_token())  # stamped as the CDK does, just before the budget
        limits.acquire_call(request)
        sent.append(request.headers["x-amz-access-token"])
    # The burst went out at once with the first token; the next call waited a minute (getOrders'
    # rate), past the renewal, and leaves with the renewed token instead of an expired one.
    assert sent == ["Atza|first"] * capacity + ["Atza|second"]
    assert clock.now > 5.0


def test_a_restricted_data_token_is_never_replaced():
    limits, clock = _limits_with_fake_time(renew_at=5.0)
    sent = [_get_orders("Atz.sprdt|restricted") for _ in range(25)]
    for request in sent:
        limits.acquire_call(request)
    assert clock.now > 5.0
    assert {request.headers["x-amz-access-token"] for request in sent} == {"Atz.sprdt|restricted"}
