"""Which platform events become which webhook messages, who may receive them, and their payload.

A webhook message is ``{"type", "timestamp", "data"}`` (the Standard Webhooks shape). ``data``
carries ids, statuses, dates and links, never personal data: no names, no reasons typed by
staff (they may name people), no monitor or attendee details. A partner receives a type only if
its API key holds the scope that lets it read the same facts through the API (``REQUIRED_SCOPE``).

The right to use the mark runs with the certificate (audit's contract says so), so certificate
events also yield ``mark_licence.*`` messages; a subscription picks either family or both.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from shared.clock import LIMA
from shared.events.contracts import audit, enrollment, training
from shared.events.envelope import EventEnvelope


class EventType(StrEnum):
    certificate_issued = "certificate.issued"
    certificate_suspended = "certificate.suspended"
    certificate_reinstated = "certificate.reinstated"
    certificate_withdrawn = "certificate.withdrawn"
    certificate_expired = "certificate.expired"
    mark_licence_granted = "mark_licence.granted"
    mark_licence_suspended = "mark_licence.suspended"
    mark_licence_revoked = "mark_licence.revoked"
    participant_admitted = "participant.admitted"
    participant_training_completed = "participant.training_completed"
    participant_certification_eligible = "participant.certification_eligible"


PING = "webhook.ping"

# The scope a partner key needs to receive a type: the one that reads the same facts via the API.
REQUIRED_SCOPE: dict[EventType, str] = {
    **{t: "audit:read" for t in EventType if t.value.startswith(("certificate.", "mark_licence."))},
    EventType.participant_admitted: "enrollment:read",
    EventType.participant_certification_eligible: "enrollment:read",
    EventType.participant_training_completed: "training:read",
}

CERTIFICATE_TOPICS = (
    audit.CertificateIssued.TOPIC,
    audit.CertificateSuspended.TOPIC,
    audit.CertificateReinstated.TOPIC,
    audit.CertificateWithdrawn.TOPIC,
    audit.CertificateExpired.TOPIC,
)


@dataclass(frozen=True)
class Message:
    """One webhook message derived from one platform event."""

    id: str
    type: str
    ruc: str
    occurred_at: datetime
    data: dict[str, Any]
    region: str | None = None

    def body(self) -> dict[str, Any]:
        return {"type": self.type, "timestamp": _iso(self.occurred_at), "data": self.data}


@dataclass(frozen=True)
class FeedEntry:
    """A certificate status change, for the public status feed."""

    certificate_id: uuid.UUID
    certificate_number: str
    ruc: str
    status: str
    event_type: str
    changed_at: datetime
    details: dict[str, Any] = field(default_factory=dict)


# Every delivered topic has this many partitions (checked in events/consume.py), so one
# company's events sit in the same partition number on each of them.
PARTITIONS = 3


def partition_of(ruc: str, partitions: int = PARTITIONS) -> int:
    """The partition Kafka's default partitioner (murmur2 of the key) gives a company's events."""
    from kafka.partitioner.default import murmur2

    return int(murmur2(ruc.encode()) & 0x7FFFFFFF) % partitions


def message_id(event_id: uuid.UUID, event_type: str) -> str:
    """Stable per (event, type): a redelivered Kafka message maps to the same ``webhook-id``."""
    return f"msg_{uuid.uuid5(event_id, event_type).hex}"


def required_scope(event_type: str) -> str | None:
    try:
        return REQUIRED_SCOPE[EventType(event_type)]
    except ValueError:
        return None


def allowed_types(scopes: list[str]) -> set[str]:
    return {t.value for t, scope in REQUIRED_SCOPE.items() if scope in scopes}


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _day_start(day: date) -> datetime:
    """Programme dates are Lima dates: a certificate expires at the start of that day in Lima."""
    return datetime.combine(day, time(0), tzinfo=LIMA).astimezone(UTC)


def _certificate_links(base_url: str, number: str, ruc: str) -> dict[str, str]:
    return {
        "verification": f"{base_url}/api/v1/catalog/certificates/{number}/verification",
        "organisation": f"{base_url}/api/v1/catalog/organisations/{ruc}",
        "certificate": f"{base_url}/api/v1/audit/certificates/{number}",
    }


def _participant_links(base_url: str, ruc: str, participant_id: uuid.UUID) -> dict[str, str]:
    return {
        "company": f"{base_url}/api/v1/enrollment/companies/{ruc}",
        "training_progress": f"{base_url}/api/v1/training/participants/{participant_id}/progress",
    }


# certificate topic -> (certificate status, mark licence event type, when it happened)
_CERTIFICATE: dict[str, tuple[EventType, str, EventType]] = {
    audit.CertificateIssued.TOPIC: (EventType.certificate_issued, "valid", EventType.mark_licence_granted),
    audit.CertificateSuspended.TOPIC: (
        EventType.certificate_suspended,
        "suspended",
        EventType.mark_licence_suspended,
    ),
    audit.CertificateReinstated.TOPIC: (
        EventType.certificate_reinstated,
        "valid",
        EventType.mark_licence_granted,
    ),
    audit.CertificateWithdrawn.TOPIC: (
        EventType.certificate_withdrawn,
        "withdrawn",
        EventType.mark_licence_revoked,
    ),
    audit.CertificateExpired.TOPIC: (
        EventType.certificate_expired,
        "expired",
        EventType.mark_licence_revoked,
    ),
}


def _certificate_changed_at(event: Any, envelope: EventEnvelope) -> datetime:
    for name in ("suspended_at", "reinstated_at", "withdrawn_at"):
        value: datetime | None = getattr(event, name, None)
        if value is not None:
            return value
    if isinstance(event, audit.CertificateIssued):
        return envelope.occurred_at
    if isinstance(event, audit.CertificateExpired):
        return _day_start(event.expired_on)
    return envelope.occurred_at


def certificate_change(topic: str, event: Any, envelope: EventEnvelope, base_url: str) -> FeedEntry:
    _, status, _ = _CERTIFICATE[topic]
    details: dict[str, Any] = {}
    for name in ("issued_on", "expires_on", "expired_on", "mark_use_until", "supersedes_certificate_number"):
        value = getattr(event, name, None)
        if value is not None:
            details[name] = value.isoformat() if isinstance(value, date) else value
    details["links"] = _certificate_links(base_url, event.certificate_number, event.ruc)
    return FeedEntry(
        certificate_id=event.certificate_id,
        certificate_number=event.certificate_number,
        ruc=event.ruc,
        status=status,
        event_type=_CERTIFICATE[topic][0].value,
        changed_at=_certificate_changed_at(event, envelope),
        details=details,
    )


def messages_for(topic: str, event: Any, envelope: EventEnvelope, base_url: str) -> list[Message]:
    """The webhook messages one platform event yields (none for topics nobody subscribes to)."""
    if topic in _CERTIFICATE:
        cert_type, status, mark_type = _CERTIFICATE[topic]
        change = certificate_change(topic, event, envelope, base_url)
        common = {
            "certificate_id": str(event.certificate_id),
            "certificate_number": event.certificate_number,
            "ruc": event.ruc,
            "status": status,
            "changed_at": _iso(change.changed_at),
        }
        cert_data = common | {k: v for k, v in change.details.items() if k != "links"}
        cert_data["links"] = change.details["links"]
        mark_data = {
            **common,
            "mark_licence": {"granted": "granted", "suspended": "suspended", "revoked": "revoked"}[
                mark_type.value.split(".")[1]
            ],
            "links": change.details["links"],
        }
        if getattr(event, "mark_use_until", None) is not None:
            mark_data["mark_use_until"] = event.mark_use_until.isoformat()
        elif getattr(event, "expires_on", None) is not None and mark_type == EventType.mark_licence_granted:
            mark_data["mark_use_until"] = event.expires_on.isoformat()
        return [
            Message(
                message_id(envelope.event_id, cert_type), cert_type, event.ruc, change.changed_at, cert_data
            ),
            Message(
                message_id(envelope.event_id, mark_type), mark_type, event.ruc, change.changed_at, mark_data
            ),
        ]
    if topic == enrollment.ParticipantAdmitted.TOPIC:
        kind, at, status = EventType.participant_admitted, event.admitted_at, "admitted"
        extra: dict[str, Any] = {"cohort_id": str(event.cohort_id)}
    elif topic == training.ProgramCompleted.TOPIC:
        kind, at, status = EventType.participant_training_completed, event.completed_at, "training_completed"
        extra = {"cohort_id": str(event.cohort_id), "workshops_attended": list(event.workshops_attended)}
    elif topic == enrollment.ParticipantCertificationEligible.TOPIC:
        kind, at, status = (
            EventType.participant_certification_eligible,
            event.eligible_at,
            "certification_eligible",
        )
        extra = {"cohort_id": str(event.cohort_id)}
    else:
        return []
    data = {
        "participant_id": str(event.participant_id),
        "ruc": event.ruc,
        "status": status,
        "changed_at": _iso(at),
        **extra,
        "links": _participant_links(base_url, event.ruc, event.participant_id),
    }
    region = getattr(event, "region", None)
    return [Message(message_id(envelope.event_id, kind), kind, event.ruc, at, data, region=region)]


def ping_message(subscription_id: uuid.UUID, now: datetime) -> Message:
    return Message(
        id=f"msg_{uuid.uuid4().hex}",
        type=PING,
        ruc="",
        occurred_at=now,
        data={"subscription_id": str(subscription_id), "message": "ping"},
    )
