"""Webhook fan-out: 10,000 certificate events to 20 subscriptions on a local receiver.

Against ``make run`` (it needs Postgres, Kafka and the webhooks service; ``make infra &&
deploy/services.sh up webhooks`` is enough). A receiver (uvicorn, its own process) listens on
127.0.0.1; 20 subscriptions to every ``certificate.*`` type point at it. Then:

* **burst**: 10,000 certificate events (1,000 companies x 10 status changes, so each RUC's chain
  is really ordered) are put on Kafka as fast as the producer goes; 200,000 deliveries;
* **trickle**: 200 more events at ~20/s, the latency an idle platform gives.

Printed: deliveries/s, p50/p99 from "event acknowledged by Kafka" to "delivery received"
(same machine clock), the webhooks process's peak RSS, and how many deliveries arrived out of
order per (subscription, RUC) (must be 0) or with a bad signature (sampled, must be 0).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import socket
import sys
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import orjson
from kafka import KafkaProducer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from services.webhooks.domain.catalogue import message_id
from shared.events.contracts import audit
from shared.events.envelope import EventEnvelope
from shared.ruc import make_ruc
from shared.settings import get_settings
from tests.support.testing import identity_headers

COMPANIES = int(os.environ.get("BENCH_COMPANIES", "1000"))
CHANGES = int(os.environ.get("BENCH_CHANGES_PER_COMPANY", "10"))
SUBSCRIPTIONS = int(os.environ.get("BENCH_SUBSCRIPTIONS", "20"))
TRICKLE = int(os.environ.get("BENCH_TRICKLE_EVENTS", "200"))
TYPES = [
    "certificate.issued",
    "certificate.suspended",
    "certificate.reinstated",
    "certificate.withdrawn",
    "certificate.expired",
]


# --- the receiver, in its own process ------------------------------------------------------------


def _receiver(port: int, count, conn, secrets: dict[str, str]) -> None:
    import uvicorn
    from standardwebhooks.webhooks import Webhook

    records: list[tuple[str, str, float, str]] = []
    bad = [0]
    hooks = {path: Webhook(secret) for path, secret in secrets.items()}

    async def app(scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        now = time.time()
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        msg_id = headers.get("webhook-id", "")
        data = orjson.loads(body)["data"]
        records.append((scope["path"], msg_id, now, data.get("ruc", "")))
        if len(records) % 97 == 0:  # verify a sample: verification costs the receiver CPU
            try:
                hooks[scope["path"]].verify(body, headers)
            except Exception:
                bad[0] += 1
        with count.get_lock():
            count.value += 1
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    def serve_pipe() -> None:
        conn.recv()
        conn.send((records, bad[0]))

    threading.Thread(target=serve_pipe, daemon=True).start()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, loop="uvloop", http="httptools", lifespan="off", log_level="warning"
    )
    uvicorn.Server(config).run()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def rss_of(pid: int) -> tuple[float, float]:
    """(current, peak) resident set of a process in MiB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def webhooks_pid() -> int | None:
    path = Path(__file__).resolve().parent.parent / ".local" / "run" / "webhooks.pid"
    return int(path.read_text()) if path.exists() else None


def events_for(ruc: str, n: int, at: datetime) -> list[audit.EventContract]:
    cid, number = uuid.uuid4(), f"BPE-B-{uuid.uuid4().hex[:8]}"
    out: list = [
        audit.CertificateIssued(
            certificate_id=cid,
            certificate_number=number,
            participant_id=uuid.uuid4(),
            ruc=ruc,
            holder_name="x",
            body_id=uuid.uuid4(),
            body_name="x",
            standard_version="0-draft",
            issued_on=date(2026, 1, 1),
            expires_on=date(2028, 1, 1),
        )
    ]
    for i in range(1, n):
        t = at + timedelta(milliseconds=i)
        if i % 2:
            out.append(
                audit.CertificateSuspended(
                    certificate_id=cid, certificate_number=number, ruc=ruc, reason="x", suspended_at=t
                )
            )
        else:
            out.append(
                audit.CertificateReinstated(
                    certificate_id=cid,
                    certificate_number=number,
                    ruc=ruc,
                    expires_on=date(2028, 1, 1),
                    reinstated_at=t,
                )
            )
    return out


produced_order: list[str] = []


def produce(
    settings, producer: KafkaProducer, events: list, acked: dict[str, float], *, pace: float = 0.0
) -> None:
    for event in events:
        envelope = EventEnvelope.wrap(event, producer="audit", occurred_at=datetime.now(UTC), trace={})
        mid = message_id(
            envelope.event_id,
            {
                audit.CertificateIssued.TOPIC: "certificate.issued",
                audit.CertificateSuspended.TOPIC: "certificate.suspended",
                audit.CertificateReinstated.TOPIC: "certificate.reinstated",
            }[event.TOPIC],
        )
        produced_order.append(mid)
        future = producer.send(
            settings.topic(event.TOPIC),
            key=envelope.key.encode(),
            value=orjson.dumps(envelope.model_dump(mode="json")),
        )
        future.add_callback(lambda _md, mid=mid: acked.__setitem__(mid, time.time()))
        if pace:
            time.sleep(pace)  # the trickle's pacing, not a wait for a condition
    producer.flush(timeout=60)


def wait_for(count, target: int, timeout: float, pid: int | None, peak: list[float]) -> float:
    deadline = time.monotonic() + timeout
    last_print = 0.0
    while count.value < target:
        if pid:
            peak[0] = max(peak[0], rss_of(pid)[0])
        if time.monotonic() > deadline:
            raise SystemExit(f"only {count.value}/{target} deliveries within {timeout:.0f}s")
        if time.monotonic() - last_print > 10:
            last_print = time.monotonic()
            print(f"  ... {count.value}/{target} received")
        time.sleep(0.2)  # the poll interval of a deadline loop
    return time.time()


def unread_events(settings) -> int:
    """Events the webhooks consumer group has not read yet: they would reach this run's receiver."""
    from kafka import KafkaAdminClient, KafkaConsumer

    from services.webhooks.events.consume import TOPIC_HANDLERS

    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
    consumer = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap)
    try:
        committed = admin.list_consumer_group_offsets(settings.consumer_group)
        topics = {settings.topic(t) for t in TOPIC_HANDLERS}
        ends = consumer.end_offsets([tp for tp in committed if tp.topic in topics])
        return sum(max(0, end - committed[tp].offset) for tp, end in ends.items())
    finally:
        admin.close()
        consumer.close()


def main() -> int:
    settings = get_settings().for_service("webhooks")
    backlog = unread_events(settings)
    if backlog:
        print(f"the webhooks consumer still has {backlog} unread events; run again when it has caught up")
        return 2
    api = f"{settings.service_url('webhooks')}/api/v1/webhooks"
    admin = identity_headers(settings, "admin", subject="bench", ttl=3600)
    port = free_port()
    paths = [f"/s{i}" for i in range(SUBSCRIPTIONS)]
    created: list[str] = []
    secrets: dict[str, str] = {}
    with httpx.Client(timeout=30) as http:
        # An interrupted earlier run may have left its subscriptions behind.
        for stale in http.get(f"{api}/subscriptions", params={"owner": "apikey:bench"}, headers=admin).json()[
            "data"
        ]:
            http.delete(f"{api}/subscriptions/{stale['id']}", headers=admin)
        for path in paths:
            response = http.post(
                f"{api}/subscriptions",
                headers=admin,
                json={
                    "url": f"http://127.0.0.1:{port}{path}",
                    "event_types": TYPES,
                    "owner": "apikey:bench",
                    "scopes": ["audit:read"],
                    "description": "bench/webhooks.py",
                },
            )
            response.raise_for_status()
            created.append(response.json()["id"])
            secrets[path] = response.json()["secret"]
    count = mp.Value("q", 0)
    parent, child = mp.Pipe()
    receiver = mp.Process(target=_receiver, args=(port, count, child, secrets), daemon=True)
    receiver.start()
    pid = webhooks_pid()
    peak = [rss_of(pid)[0] if pid else 0.0]
    try:
        time.sleep(1.0)  # let the receiver bind before the first delivery (it only retries otherwise)
        producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all", linger_ms=5)
        base = datetime.now(UTC)
        burst = [
            e
            for c in range(COMPANIES)
            for e in events_for(make_ruc("20", f"{70_000_000 + c:08d}"), CHANGES, base)
        ]
        acked: dict[str, float] = {}
        print(
            f"burst: {len(burst)} events -> {SUBSCRIPTIONS} subscriptions ({len(burst) * SUBSCRIPTIONS} deliveries)"
        )
        started = time.time()
        produce(settings, producer, burst, acked)
        produced = time.time()
        target = len(burst) * SUBSCRIPTIONS
        finished = wait_for(count, target, 1800, pid, peak)
        print(f"  produced in {produced - started:.1f} s; all received after {finished - started:.1f} s")
        burst_rate = target / (finished - started)

        trickle_events = [
            e for c in range(TRICKLE) for e in events_for(make_ruc("20", f"{80_000_000 + c:08d}"), 1, base)
        ]
        print(f"trickle: {len(trickle_events)} events at ~20/s")
        trickle_acked: dict[str, float] = {}
        produce(settings, producer, trickle_events, trickle_acked, pace=0.05)
        expected = target + len(trickle_events) * SUBSCRIPTIONS
        wait_for(count, expected, 300, pid, peak)
        producer.close()

        parent.send("dump")
        records, bad = parent.recv()
    finally:
        receiver.terminate()
        with httpx.Client(timeout=30) as http:
            for sid in created:
                http.delete(f"{api}/subscriptions/{sid}", headers=admin)

    burst_lat = [(t - acked[m]) * 1000 for _, m, t, _ in records if m in acked]
    trickle_lat = [(t - trickle_acked[m]) * 1000 for _, m, t, _ in records if m in trickle_acked]
    # Order per (subscription, RUC): compared with the order the events were produced in. Events of
    # one company on different topics may be *read* in another order by the consumer; a chain head
    # already sent cannot be overtaken, so such pairs show up here (see services/webhooks/README.md).
    order = {m: i for i, m in enumerate(produced_order)}
    out_of_order = 0
    last: dict[tuple[str, str], int] = {}
    for path, m, _, ruc in sorted(records, key=lambda r: r[2]):
        position = order.get(m, -1)
        if position < last.get((path, ruc), -1):
            out_of_order += 1
        last[(path, ruc)] = max(position, last.get((path, ruc), -1))
    if os.environ.get("BENCH_DEBUG"):
        chains: dict = {}
        for path, m, t, ruc in sorted(records, key=lambda r: r[2]):
            chains.setdefault((path, ruc), []).append((order.get(m), round(t % 1000, 3)))
        bad_chains = [(k, v) for k, v in chains.items() if [x[0] for x in v] != sorted(x[0] for x in v)]
        for k, v in bad_chains[:3]:
            print("  chain", k, v)
    unique = len({(p, m) for p, m, _, _ in records})
    print()
    print(f"deliveries received      {len(records)} ({unique} distinct; duplicates {len(records) - unique})")
    print(f"burst throughput         {burst_rate:,.0f} deliveries/s")
    print(
        f"burst latency            p50 {percentile(burst_lat, 0.5):,.0f} ms, p99 {percentile(burst_lat, 0.99):,.0f} ms"
    )
    print(
        f"trickle latency          p50 {percentile(trickle_lat, 0.5):,.0f} ms, p99 {percentile(trickle_lat, 0.99):,.0f} ms"
    )
    if pid:
        current, hwm = rss_of(pid)
        print(f"webhooks process RSS     {current:,.0f} MiB now, {max(hwm, peak[0]):,.0f} MiB peak")
    else:
        print(
            "webhooks process RSS     unknown (no .local/run/webhooks.pid: not started by deploy/services.sh)"
        )
    print(f"received out of produce order within a (subscription, RUC) chain: {out_of_order}")
    print(f"bad signatures (sampled) {bad}")
    return 0 if bad == 0 and unique == expected else 1


if __name__ == "__main__":
    raise SystemExit(main())
