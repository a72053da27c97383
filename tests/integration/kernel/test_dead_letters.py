"""Dead-letter operations on real Kafka: list, show, re-drive to the one group that failed,
discard; depth read from Kafka (it survives a restart); headers never carry SQL parameters."""

from __future__ import annotations

import asyncio
import json
import re
import uuid

import orjson
import pytest
import sqlalchemy as sa
from kafka import KafkaProducer
from sqlalchemy.dialects.postgresql import insert as pg_insert

from shared import cli
from shared.events.consumer import ConsumerRunner
from shared.events.dlq import DeadLetterStore, parse_ref
from shared.events.kafka import create_topics
from tests.integration.kernel.conftest import PROBE_TOPIC, WIDGETS, ProbeCreated
from tests.integration.kernel.test_consumer import envelope_bytes
from tests.support.testing import TopicReader, eventually

DLQ = PROBE_TOPIC + ".dlq"


class Handler:
    """Adds one to ``<label>:<widget>``; fails on widgets named ``broken-*`` while ``broken``."""

    def __init__(self, label: str) -> None:
        self.label, self.broken = label, True

    async def __call__(self, uow, event, envelope) -> None:
        widget_id = event["widget_id"]
        if self.broken and widget_id.startswith("broken-"):
            raise RuntimeError(f"{self.label} cannot handle {widget_id}")
        if widget_id.startswith("sql-"):
            # A bug that reaches the database with personal data among the parameters.
            await uow.session.execute(
                sa.text("SELECT CAST(:email AS text)::int"), {"email": "monitora@example.pe"}
            )
        stmt = pg_insert(WIDGETS).values(id=f"{self.label}:{widget_id}", effects=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=[WIDGETS.c.id], set_={"effects": WIDGETS.c.effects + 1}
        )
        await uow.session.execute(stmt)


@pytest.fixture
async def two_groups(kernel_settings, kernel_uow):
    """Groups ``<ns>alpha`` and ``<ns>beta`` consume the probe topic of a fresh namespace."""
    ns = f"{kernel_settings.kafka_namespace}{uuid.uuid4().hex[:6]}."
    base = dict(pg_user=kernel_settings.pg_user, pg_password=kernel_settings.pg_password, kafka_namespace=ns)
    create_topics(kernel_settings.for_service("kernel_test", **base), {PROBE_TOPIC: 3, DLQ: 1})
    runners, stop = {}, asyncio.Event()
    tasks = []
    for label in ("alpha", "beta"):
        settings = kernel_settings.for_service(label, **base)
        handler = Handler(label)
        runner = ConsumerRunner(settings, kernel_uow, {PROBE_TOPIC: handler}, retry_backoff_seconds=0.01)
        runner.handler = handler
        runners[label] = runner
        tasks.append(asyncio.create_task(runner.run(stop)))
    for runner in runners.values():
        await eventually(runner.assigned.is_set, timeout=60, message="consumer assigned")
    runners["beta"].handler.broken = False  # only alpha has the bug
    yield runners
    stop.set()
    await asyncio.gather(*tasks)


def _send(settings, widget_id: str, key: str) -> None:
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    try:
        producer.send(
            settings.topic(PROBE_TOPIC),
            key=key.encode(),
            value=envelope_bytes(widget_id),
            headers=[("event_type", PROBE_TOPIC.encode())],
        ).get(10)
    finally:
        producer.close()


async def effects(kernel_engine, label: str, widget_id: str) -> int | None:
    async with kernel_engine.connect() as conn:
        return await conn.scalar(sa.select(WIDGETS.c.effects).where(WIDGETS.c.id == f"{label}:{widget_id}"))


def run_cli(monkeypatch, capsys, settings, *argv: str) -> str:
    monkeypatch.setenv("ECO_KAFKA_NAMESPACE", settings.kafka_namespace)
    monkeypatch.setenv("ECO_KAFKA_BOOTSTRAP", settings.kafka_bootstrap)
    capsys.readouterr()
    assert cli.main(list(argv)) == 0
    return capsys.readouterr().out


def depth(settings, group: str) -> dict[str, int]:
    store = DeadLetterStore(settings)  # a new client each time: nothing is remembered in memory
    try:
        return store.depth(group, [PROBE_TOPIC])
    finally:
        store.close()


async def test_redrive_reaches_only_the_failing_group_keeps_the_partition_and_is_recorded(
    two_groups, kernel_engine, monkeypatch, capsys
):
    alpha, beta = two_groups["alpha"], two_groups["beta"]
    settings = alpha.settings
    widget, key = f"broken-{uuid.uuid4().hex[:8]}", f"RUC-{uuid.uuid4().hex[:8]}"
    await asyncio.to_thread(_send, settings, widget, key)
    await eventually(lambda: alpha.stats.dead_lettered == 1, message="alpha dead-letters it")
    await eventually(lambda: effects(kernel_engine, "beta", widget), message="beta applies it")

    assert await asyncio.to_thread(depth, settings, alpha.group) == {PROBE_TOPIC: 1}
    assert await asyncio.to_thread(depth, settings, beta.group) == {}
    listing = json.loads(
        run_cli(monkeypatch, capsys, settings, "dlq", "list", "--topic", PROBE_TOPIC, "--json", "--messages")
    )
    assert listing["groups"] == [
        {"group": "alpha", "topic": PROBE_TOPIC, "unhandled": 1, "handled": 0}  # names without the namespace
    ]
    [message] = listing["messages"]
    shown = json.loads(run_cli(monkeypatch, capsys, settings, "dlq", "show", message["ref"]))
    assert shown["key"] == key and shown["envelope"]["payload"]["widget_id"] == widget
    assert shown["headers"]["dlq.error_class"] == "RuntimeError"
    assert shown["error"] == f"RuntimeError: alpha cannot handle {widget}"
    original_partition = int(shown["headers"]["dlq.original_partition"])

    # The bug is fixed; the operator re-drives alpha's copies.
    alpha.handler.broken = False
    topic_reader = await asyncio.to_thread(TopicReader, settings, PROBE_TOPIC)
    try:
        out = run_cli(
            monkeypatch, capsys, settings, "dlq", "redrive", "--group", alpha.group, "--topic", PROBE_TOPIC
        )
        assert out.startswith(
            f"re-driven {message['ref']} -> {settings.topic(PROBE_TOPIC)}:{original_partition}:"
        )
        await topic_reader.wait_for(lambda e: e.get("payload", {}).get("widget_id") == widget)
        record = topic_reader.messages[-1]
    finally:
        topic_reader.close()
    headers = dict(record.headers)
    assert record.partition == original_partition and record.key == key.encode()
    assert not [h for h in headers if h.startswith("dlq.")]
    assert headers["redrive.consumer_group"] == alpha.group.encode()
    assert headers["redrive.from"].decode() == ":".join(map(str, parse_ref(settings, message["ref"])))

    await eventually(lambda: effects(kernel_engine, "alpha", widget), message="alpha applies the re-drive")
    await eventually(lambda: beta.stats.skipped_redrives == 1, message="beta skips alpha's re-drive")
    assert await effects(kernel_engine, "beta", widget) == 1 and beta.stats.duplicates == 0
    assert await asyncio.to_thread(depth, settings, alpha.group) == {}
    listing = json.loads(
        run_cli(monkeypatch, capsys, settings, "dlq", "list", "--topic", PROBE_TOPIC, "--json")
    )
    assert listing["groups"][0]["unhandled"] == 0 and listing["groups"][0]["handled"] == 1
    history = run_cli(monkeypatch, capsys, settings, "dlq", "history").splitlines()
    dlq_topic, partition, offset = message["ref"].rsplit(":", 2)
    assert any(
        " redrive " in line and alpha.group in line and line.endswith(f"{dlq_topic}:{partition}:{offset}")
        for line in history
    ), history


async def test_discard_marks_one_copy_handled_out_of_order_and_depth_survives_a_restart(
    two_groups, kernel_engine, monkeypatch, capsys
):
    alpha = two_groups["alpha"]
    settings = alpha.settings
    widgets = [f"broken-{uuid.uuid4().hex[:8]}" for _ in range(3)]
    for widget in widgets:
        await asyncio.to_thread(_send, settings, widget, "same-key")
    await eventually(lambda: alpha.stats.dead_lettered == 3, message="three dead letters")
    listing = json.loads(
        run_cli(monkeypatch, capsys, settings, "dlq", "list", "--topic", PROBE_TOPIC, "--json", "--messages")
    )
    refs = [m["ref"] for m in listing["messages"]]
    assert len(refs) == 3

    out = run_cli(monkeypatch, capsys, settings, "dlq", "discard", refs[1])  # the middle one
    assert out.strip() == f"discarded {refs[1]} ({alpha.group})"
    assert await asyncio.to_thread(depth, settings, alpha.group) == {PROBE_TOPIC: 2}
    listing = json.loads(
        run_cli(monkeypatch, capsys, settings, "dlq", "list", "--topic", PROBE_TOPIC, "--json", "--messages")
    )
    assert [m["ref"] for m in listing["messages"]] == [refs[0], refs[2]]

    run_cli(
        monkeypatch,
        capsys,
        settings,
        "dlq",
        "discard",
        "--group",
        alpha.group,
        "--topic",
        PROBE_TOPIC,
        "--yes",
    )
    assert await asyncio.to_thread(depth, settings, alpha.group) == {}
    for widget in widgets:  # discarded, never applied by alpha
        assert await effects(kernel_engine, "alpha", widget) is None


async def test_a_database_error_reaches_the_dlq_as_class_and_sqlstate_only(two_groups):
    alpha = two_groups["alpha"]
    settings = alpha.settings
    dlq = await asyncio.to_thread(TopicReader, settings, DLQ)
    try:
        widget = f"sql-{uuid.uuid4().hex[:8]}"
        await asyncio.to_thread(_send, settings, widget, "k")
        # Both groups fail on it (the bug is in the database call), each dead-letters its copy.
        await dlq.wait_for(lambda e: e.get("payload", {}).get("widget_id") == widget, count=2)
        headers = [{k: v.decode() for k, v in m.headers} for m in dlq.messages]
    finally:
        dlq.close()
    assert sorted(h["dlq.consumer_group"] for h in headers) == sorted(r.group for r in two_groups.values())
    for h in headers:
        assert re.fullmatch(r"\w+Error \(SQLSTATE 22P02\)", h["dlq.error"]), h["dlq.error"]
        assert "monitora@example.pe" not in json.dumps(h) and "SELECT" not in h["dlq.error"]
        assert len(h["dlq.error"]) <= 500


def test_envelope_helper_is_a_probe():
    assert orjson.loads(envelope_bytes("w"))["event_type"] == ProbeCreated.TOPIC
