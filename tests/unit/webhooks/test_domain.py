"""Pure rules of the webhooks service: signatures, retry waits, targets, payloads."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from services.webhooks.domain import catalogue, signing
from services.webhooks.domain.policy import RetryPolicy, TargetRefused, check_target
from shared.events.contracts import audit, enrollment
from shared.events.envelope import EventEnvelope

AT = datetime(2026, 5, 4, 15, 0, tzinfo=UTC)


def test_our_signature_verifies_with_the_reference_standard_webhooks_library():
    secret = signing.new_secret()
    body = '{"type":"certificate.issued","data":{"ruc":"20100070970"}}'
    now = int(datetime.now(UTC).timestamp())
    headers = signing.headers(secret, "msg_1", now, body)
    assert Webhook(secret).verify(body, headers) == {
        "type": "certificate.issued",
        "data": {"ruc": "20100070970"},
    }
    # ... and so is theirs with ours: the same bytes.
    ref = Webhook(secret).sign("msg_1", datetime.fromtimestamp(now, UTC), body)
    assert ref == headers["webhook-signature"]
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.new_secret()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace("0970", "0971"), headers)


def test_secrets_are_random_whsec_values():
    a, b = signing.new_secret(), signing.new_secret()
    assert a != b and a.startswith("whsec_") and len(a) > 40


def test_backoff_grows_exponentially_with_bounded_jitter():
    policy = RetryPolicy(base_seconds=5, max_seconds=3600, window_seconds=86400, disable_after_seconds=432000)
    rng = random.Random(7)
    for attempts, step in ((1, 5), (2, 10), (5, 80), (12, 3600), (40, 3600)):
        waits = [policy.wait(attempts, rng).total_seconds() for _ in range(50)]
        assert all(step / 2 <= w <= step for w in waits), (attempts, min(waits), max(waits))
        assert len(set(waits)) > 1, "jittered"


def test_the_default_schedule_keeps_retrying_for_at_least_a_day():
    policy = RetryPolicy(base_seconds=5, max_seconds=3600, window_seconds=86400, disable_after_seconds=432000)
    created = AT
    now, attempts = created, 0
    while not policy.gives_up(created, now):
        attempts += 1
        now += policy.wait(attempts, random.Random(attempts))
    assert now - created >= timedelta(hours=24) and attempts > 20
    assert not policy.disables(None, now)
    assert policy.disables(created, created + timedelta(days=5))
    assert not policy.disables(created, created + timedelta(days=4))


@pytest.mark.parametrize(
    "url",
    [
        "http://partner.pe/hooks",
        "https://127.0.0.1/hooks",
        "https://10.0.0.5/hooks",
        "https://localhost/hooks",
        "https://user:pw@partner.pe/hooks",
        "ftp://partner.pe/hooks",
    ],
)
def test_targets_outside_dev_must_be_public_https(url):
    with pytest.raises(TargetRefused):
        check_target(url, env="prod")


def test_targets_in_dev_and_test_may_be_local():
    assert check_target("http://127.0.0.1:9999/h", env="test") == "http://127.0.0.1:9999/h"
    assert check_target("https://hooks.partner.pe/in", env="prod") == "https://hooks.partner.pe/in"


def _envelope(event) -> EventEnvelope:
    return EventEnvelope.wrap(event, producer="audit", occurred_at=AT, trace={})


def test_certificate_events_yield_certificate_and_mark_messages_without_personal_data():
    event = audit.CertificateWithdrawn(
        certificate_id=uuid.uuid4(),
        certificate_number="BPE-2026-000123",
        ruc="20100070970",
        reason="Gerente Juan Pérez falsificó registros",
        withdrawn_at=AT,
    )
    envelope = _envelope(event)
    messages = catalogue.messages_for(event.TOPIC, event, envelope, "https://api.ecoeficiencia.pe")
    assert [m.type for m in messages] == ["certificate.withdrawn", "mark_licence.revoked"]
    assert all("Pérez" not in str(m.body()) and "reason" not in m.data for m in messages)
    assert messages[0].data["status"] == "withdrawn"
    assert messages[0].data["links"]["verification"] == (
        "https://api.ecoeficiencia.pe/api/v1/catalog/certificates/BPE-2026-000123/verification"
    )
    # The same event always maps to the same webhook-ids (a Kafka redelivery changes nothing).
    again = catalogue.messages_for(event.TOPIC, event, envelope, "https://api.ecoeficiencia.pe")
    assert [m.id for m in again] == [m.id for m in messages] and messages[0].id != messages[1].id


def test_milestones_need_their_service_scope_and_carry_no_names():
    event = enrollment.ParticipantAdmitted(
        participant_id=uuid.uuid4(),
        company_id=uuid.uuid4(),
        ruc="20100070970",
        legal_name="Textiles Ana María S.A.C.",
        cohort_id=uuid.uuid4(),
        cohort_name="Cusco 2026-I",
        region="Cusco",
        admitted_at=AT,
    )
    (message,) = catalogue.messages_for(event.TOPIC, event, _envelope(event), "https://x.pe")
    assert message.type == "participant.admitted" and message.region == "Cusco"
    assert "Ana María" not in str(message.body()) and "cohort_name" not in message.data
    assert catalogue.required_scope("participant.admitted") == "enrollment:read"
    assert catalogue.required_scope("participant.training_completed") == "training:read"
    assert catalogue.required_scope("certificate.issued") == "audit:read"
    assert catalogue.allowed_types(["enrollment:read"]) == {
        "participant.admitted",
        "participant.certification_eligible",
    }


def test_an_expiry_is_dated_at_the_start_of_its_lima_day():
    event = audit.CertificateExpired(
        certificate_id=uuid.uuid4(),
        certificate_number="BPE-1",
        ruc="20100070970",
        expired_on=date(2028, 3, 1),
    )
    change = catalogue.certificate_change(event.TOPIC, event, _envelope(event), "https://x.pe")
    assert change.status == "expired" and change.changed_at == datetime(2028, 3, 1, 5, tzinfo=UTC)


def test_partition_of_matches_the_producers_partitioner():
    from kafka.partitioner import DefaultPartitioner

    partitioner = DefaultPartitioner()
    for n in range(50):
        ruc = f"20{n:08d}1"
        expected = partitioner(ruc.encode(), [0, 1, 2], [0, 1, 2])
        assert catalogue.partition_of(ruc) == expected
