"""The drills' own stack: enrollment and catalog as real uvicorn processes on their own ports,
database (``ecoeficiencia_drill``) and Kafka namespace (``test.drill.``), so a drill's counts
are its own. Postgres and Kafka are this checkout's (stopped and started through
``deploy/postgres/pg.sh`` and ``deploy/kafka/kafka.sh``, by their pid files)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator

import pytest

from shared.events.kafka import create_topics
from shared.migrations import upgrade
from shared.settings import Settings
from tests.drills.harness import ProcessTarget

DRILL_NAMESPACE = "test.drill."
DRILL_DATABASE = "ecoeficiencia_drill"
# Next to the e2e stack (ECO_E2E_PORT_BASE + 0..24), so checkouts side by side do not collide.
_BASE = int(os.environ.get("ECO_E2E_PORT_BASE", "18080"))
PORTS = {"enrollment": _BASE + 40, "catalog": _BASE + 41}
# Shorter than the default 30 s so that the outbox-age check shows within the drills.
OUTBOX_MAX_AGE_SECONDS = 10


@pytest.fixture(scope="session")
def drill_target(platform_ready: Settings) -> Iterator[ProcessTarget]:
    settings = platform_ready.model_copy(
        update={
            "kafka_namespace": DRILL_NAMESPACE,
            "pg_database": DRILL_DATABASE,
            "outbox_max_age_seconds": OUTBOX_MAX_AGE_SECONDS,
        }
    )
    create_topics(settings)
    for schema in ("enrollment", "catalog"):
        asyncio.run(upgrade(settings.for_service(schema)))
    env = os.environ | {
        "ECO_ENV": "test",
        "ECO_PG_DATABASE": DRILL_DATABASE,
        "ECO_KAFKA_NAMESPACE": DRILL_NAMESPACE,
        "ECO_IDENTITY_SECRET": settings.identity_secret,
        "ECO_OUTBOX_MAX_AGE_SECONDS": str(OUTBOX_MAX_AGE_SECONDS),
        **{f"ECO_{name.upper()}_PORT": str(port) for name, port in PORTS.items()},
    }
    target = ProcessTarget(settings, env, PORTS)
    try:
        target.start_all()
        yield target
    finally:
        # Each drill starts again what it stopped, even when it fails (harness.Drill.__aexit__).
        for name in list(target.processes):
            target.stop(name)
