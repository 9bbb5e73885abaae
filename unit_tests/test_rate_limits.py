import threading

import requests

from source_amazon_seller_partner.components.rate_limits import SAFETY_FACTOR, SpApiRateLimits, TokenBucket, match_operation


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.lock = threading.Lock()

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        with self.lock:
            self.now += seconds


def test_operations_are_matched_by_method_and_path():
    assert match_operation("GET", "https://x/orders/v0/orders?MarketplaceIds=A").name == "getOrders"
    assert match_operation("GET", "https://x/orders/v0/orders/111-1/orderItems").name == "getOrderItems"
    assert match_operation("GET", "https://x/orders/v0/orders/111-1").name == "getOrder"
    assert match_operation("POST", "https://x/reports/2021-06-30/reports").name == "createReport"
    assert match_operation("GET", "https://x/reports/2021-06-30/reports").name == "getReports"
    assert match_operation("GET", "https://x/reports/2021-06-30/reports/123").name == "getReport"
    assert match_operation("GET", "https://s3.example/doc?X-Amz-Signature=1") is None


def test_burst_then_rate():
    clock = FakeClock()
    bucket = TokenBucket(rate=0.5, burst=3, clock=clock, sleep=clock.sleep)
    waits = [bucket.acquire() for _ in range(5)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert abs(waits[3] - 1 / (0.5 * SAFETY_FACTOR)) < 1e-6
    assert abs(clock.now - 2 / (0.5 * SAFETY_FACTOR)) < 1e-6


def test_rate_learned_from_header_and_429_empties_bucket():
    limits = SpApiRateLimits()
    request = requests.Request("GET", "https://x/orders/v0/orders").prepare()
    response = requests.Response()
    response.status_code = 200
    response.headers["x-amzn-RateLimit-Limit"] = "1.0"
    limits.update_from_response(request, response)
    bucket = limits.bucket(match_operation("GET", request.url))
    assert bucket.rate == 1.0
    throttled = requests.Response()
    throttled.status_code = 429
    limits.update_from_response(request, throttled)
    assert limits.throttled == {"getOrders": 1}
    assert bucket.reserve() > 0  # the next caller must wait a full interval


def test_bucket_shared_across_threads_never_exceeds_rate():
    clock = FakeClock()
    bucket = TokenBucket(rate=2.0, burst=2, clock=clock, sleep=lambda s: None)
    reservations = []
    lock = threading.Lock()

    def worker():
        for _ in range(25):
            wait = bucket.reserve()
            with lock:
                reservations.append(wait)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # 100 calls at time 0: the n-th beyond the burst waits (n - burst + 1) intervals, all distinct.
    assert len(set(round(w, 6) for w in reservations if w > 0)) == 98
    assert max(reservations) == (100 - 2) / (2.0 * SAFETY_FACTOR)
