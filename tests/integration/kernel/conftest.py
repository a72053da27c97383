"""A scratch schema for testing the kernel itself, apart from any service's tables."""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db import create_engine, create_sessionmaker, dispose_engine
from shared.events.envelope import EventContract
from shared.events.kafka import create_topics
from shared.events.tables import messaging_tables
from shared.settings import Settings
from shared.uow import UnitOfWorkFactory
from tests.support.testing import TestClock

SCHEMA = "kernel_test"
PROBE_TOPIC = "kernel.probe.created"

metadata = sa.MetaData()
WIDGETS = sa.Table(
    "widgets",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("effects", sa.Integer, nullable=False, server_default="0"),
    schema=SCHEMA,
)
TABLES = messaging_tables(SCHEMA, metadata)


class ProbeCreated(EventContract):
    TOPIC = PROBE_TOPIC
    KEY_FIELD = "widget_id"
    widget_id: str


@pytest.fixture(scope="session")
def kernel_settings(platform_ready: Settings) -> Settings:
    superpassword = os.environ.get("ECO_PG_SUPERPASSWORD", "postgres-dev")
    settings = platform_ready.for_service("kernel_test", pg_user="postgres", pg_password=superpassword)
    create_topics(settings, {PROBE_TOPIC: 3, PROBE_TOPIC + ".dlq": 1})
    return settings


@pytest.fixture(scope="session")
async def kernel_engine(kernel_settings: Settings) -> AsyncEngine:
    engine = create_engine(kernel_settings)
    async with engine.begin() as conn:
        await conn.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}"))
        await conn.run_sync(metadata.create_all)
    yield engine
    await dispose_engine(engine)


@pytest.fixture(scope="session")
def kernel_uow(kernel_engine: AsyncEngine) -> UnitOfWorkFactory:
    return UnitOfWorkFactory(
        kernel_engine,
        create_sessionmaker(kernel_engine),
        schema=SCHEMA,
        producer="kernel_test",
        clock=TestClock(),
    )


def probe_settings(kernel_settings: Settings) -> Settings:
    """The kernel's settings in a namespace of their own (fresh topics and consumer group), with
    the probe topic and its DLQ created."""
    settings = kernel_settings.for_service(
        "kernel_test",
        pg_user=kernel_settings.pg_user,
        pg_password=kernel_settings.pg_password,
        kafka_namespace=kernel_settings.kafka_namespace + uuid.uuid4().hex[:6] + ".",
    )
    create_topics(settings, {PROBE_TOPIC: 3, PROBE_TOPIC + ".dlq": 1})
    return settings
