"""Session-wide fixtures: real Postgres and Kafka, brought up by ``make test``.

Tests use the ``ecoeficiencia_test`` database and the ``test.`` Kafka namespace
(topics and consumer groups), so a running ``make run`` platform is left alone.
"""

from __future__ import annotations

import asyncio
import os
import random
from collections import defaultdict
from datetime import datetime

import pytest

from shared.events.kafka import create_topics
from shared.migrations import upgrade
from shared.settings import DB_SCHEMAS, Settings
from tests.support.testing import TestClock

# The real-browser fixtures (headless Chromium through Selenium): tests/support/browser.py.
pytest_plugins = ["tests.support.browser"]

TEST_DATABASE = os.environ.get("ECO_TEST_DATABASE", "ecoeficiencia_test")
TEST_NAMESPACE = "test."

# Tests that break shared infrastructure run after every other test, in this order: the Kafka
# outage, then the fault drills (they also stop Postgres and kill processes) at the very end.
RUN_LAST_MARKERS = ("kafka_outage", "drill")

_seed: int | None = None
_time_travel = None


def pytest_configure(config: pytest.Config) -> None:
    """The order seed (``ECO_TEST_SEED``: a number repeats an order, ``off`` keeps file order)
    and, with ``ECO_TEST_NOW`` (an ISO instant with its offset), the whole process's clock."""
    global _seed, _time_travel
    raw = os.environ.get("ECO_TEST_SEED", "").strip().lower()
    if raw != "off":
        _seed = int(raw) if raw else random.SystemRandom().randrange(1, 10**6)
    now = os.environ.get("ECO_TEST_NOW", "").strip()
    if now and _time_travel is None:
        import time_machine  # a dev dependency, imported only when asked for

        instant = datetime.fromisoformat(now)
        if instant.tzinfo is None:
            raise pytest.UsageError(f"ECO_TEST_NOW needs a UTC offset: {now!r}")
        # tick=True: time flows on from that instant (deadlines and timeouts still work).
        _time_travel = time_machine.travel(instant, tick=True)
        _time_travel.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    global _time_travel
    if _time_travel is not None:
        _time_travel.stop()
        _time_travel = None


def _order_line() -> str:
    if _seed is None:
        return "test order: file order (ECO_TEST_SEED=off)"
    return f"test order: random, seed {_seed} (ECO_TEST_SEED={_seed} repeats this order)"


def pytest_report_header(config: pytest.Config) -> list[str]:
    lines = [_order_line()]
    if _time_travel is not None:
        lines.append(f"clock: the process starts at {os.environ['ECO_TEST_NOW']} (ECO_TEST_NOW)")
    return lines


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    terminalreporter.write_line(_order_line())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items[:] = test_order(items, _seed)


def test_order(items: list[pytest.Item], seed: int | None) -> list[pytest.Item]:
    """A random order: files shuffled, then classes and tests within each file (so module-
    and class-scoped fixtures are still set up once); ``seed=None`` keeps collection order.
    Tests marked with one of ``RUN_LAST_MARKERS`` (they stop the shared Kafka broker, ...)
    run last, in that order, so nothing else sees the outage."""
    ordered = list(items)
    if seed is not None:
        rng = random.Random(seed)
        by_file: dict[str, dict[str, list[pytest.Item]]] = defaultdict(lambda: defaultdict(list))
        for item in items:
            by_file[item.nodeid.split("::", 1)[0]][item.parent.nodeid if item.parent else ""].append(item)
        files = list(by_file.values())
        rng.shuffle(files)
        ordered = []
        for groups in files:
            parents = list(groups.values())
            rng.shuffle(parents)
            for group in parents:
                rng.shuffle(group)
                ordered.extend(group)
    ordered.sort(key=_run_last_rank)
    return ordered


test_order.__test__ = False  # a helper, not a test


def _run_last_rank(item: pytest.Item) -> int:
    """0 for ordinary tests, else 1 + the position of its marker in ``RUN_LAST_MARKERS``."""
    ranks = [i + 1 for i, marker in enumerate(RUN_LAST_MARKERS) if item.get_closest_marker(marker)]
    return max(ranks, default=0)


@pytest.fixture(autouse=True)
def _clocks_back_to_real_time():
    """Whatever a test did to an app's clock (moved, pinned) ends with it."""
    yield
    TestClock.reset_all()


@pytest.fixture(scope="session")
def base_settings() -> Settings:
    return Settings(
        env="test",
        pg_database=TEST_DATABASE,
        kafka_namespace=TEST_NAMESPACE,
        outbox_poll_seconds=0.2,
        consumer_max_attempts=3,
    )


@pytest.fixture(scope="session")
def platform_ready(base_settings: Settings) -> Settings:
    """Topics exist and every schema (the services' and the gateway's) is migrated (both idempotent)."""
    create_topics(base_settings)
    for schema in DB_SCHEMAS:
        asyncio.run(upgrade(base_settings.for_service(schema)))
    return base_settings


@pytest.fixture(scope="session")
def settings_for(platform_ready: Settings):
    def make(service: str, **overrides: object) -> Settings:
        return platform_ready.for_service(service, **overrides)

    return make
