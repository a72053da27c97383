"""Issue 11's four fault drills on real processes, real Postgres and real Kafka (run last).

Each drill prints its figures (``-s`` shows them; they are also in the report's sections) and
asserts: no committed write without its event, every effect exactly once, nothing
dead-lettered, no 500, and ``/ready`` degraded while the fault lasted.
"""

from __future__ import annotations

import pytest

from tests.drills.harness import (
    BROKER_DOWN_SECONDS,
    POSTGRES_DOWN_SECONDS,
    DrillReport,
    broker_down_mid_burst,
    consumer_killed_mid_burst,
    postgres_down_under_lagging_consumer,
    relay_killed_with_backlog_while_broker_down,
)

pytestmark = pytest.mark.drill


def _check(report: DrillReport, record_property) -> None:
    print("\n" + report.summary())
    record_property("drill", report.summary())
    assert report.failures() == [], report.summary()
    assert report.committed > 0 and report.events == report.committed
    assert report.effects == report.committed and report.inbox_rows == report.events
    assert report.dlq == 0


async def test_broker_stopped_mid_burst_for_30_seconds(drill_target, record_property):
    report = await broker_down_mid_burst(drill_target)
    _check(report, record_property)
    assert report.fault_seconds >= BROKER_DOWN_SECONDS
    assert report.writes_201 == report.writes, "writes do not need the broker"
    assert report.degraded_readings["enrollment"] > 0
    assert "enrollment: kafka unavailable" in report.degraded_problems
    assert "enrollment: outbox: an unpublished event is older than 10 s" in report.degraded_problems


async def test_postgres_stopped_15_seconds_under_a_lagging_consumer(drill_target, record_property):
    report = await postgres_down_under_lagging_consumer(drill_target)
    _check(report, record_property)
    assert report.fault_seconds >= POSTGRES_DOWN_SECONDS
    assert report.writes_503 > 0, "writes during the outage answer 503 (with Retry-After), never 500"
    assert report.degraded_readings["enrollment"] > 0 and report.degraded_readings["catalog"] > 0
    assert "catalog: database unavailable" in report.degraded_problems
    assert any(
        p.startswith("catalog: consumer retrying a transient failure") for p in report.degraded_problems
    )


async def test_consumer_killed_with_sigkill_mid_burst(drill_target, record_property):
    report = await consumer_killed_mid_burst(drill_target)
    _check(report, record_property)
    assert report.degraded_readings["catalog"] > 0, "the killed consumer's /ready stopped answering ok"


async def test_relay_service_killed_with_sigkill_with_a_backlog_while_the_broker_is_down(
    drill_target, record_property
):
    report = await relay_killed_with_backlog_while_broker_down(drill_target)
    _check(report, record_property)
    assert report.writes_201 == report.writes
    assert "enrollment: kafka unavailable" in report.degraded_problems
