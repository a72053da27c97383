"""Bad-credential buckets per client address: a burst, then a steady rate, a real wait."""

from __future__ import annotations

from services.gateway.domain.throttle import FailureThrottle


def test_a_burst_then_the_wait_until_a_token_is_back():
    throttle = FailureThrottle(per_minute=6, burst=3)  # one token every 10 s
    for _ in range(3):
        assert throttle.retry_after("a", 100.0) is None
        throttle.failed("a", 100.0)
    assert throttle.retry_after("a", 100.0) == 10
    assert throttle.retry_after("a", 104.0) == 6
    assert throttle.retry_after("a", 110.0) is None  # one token back
    assert throttle.retry_after("b", 100.0) is None  # another address is not concerned


def test_a_full_bucket_is_forgotten_and_memory_is_bounded():
    throttle = FailureThrottle(per_minute=60, burst=2, max_clients=2)
    throttle.failed("a", 0.0)
    assert throttle.retry_after("a", 5.0) is None
    assert "a" not in throttle._buckets
    for client in ("x", "y", "z"):
        throttle.failed(client, 10.0)
    assert list(throttle._buckets) == ["y", "z"]
