"""The one envelope every Kafka message carries, whatever its payload."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field


class EventContract(BaseModel):
    """Base of a versioned payload. ``TOPIC`` is also the event type.

    Consumers tolerate unknown fields (``extra="ignore"``) so a producer may add
    optional fields without a version bump; removing or retyping one bumps ``VERSION``
    and adds an upcaster from the previous version to ``UPCASTERS`` (see
    ``shared.events.versions``): the versions a consumer understands are ``UPCASTERS``'
    keys plus ``VERSION``.

    Payloads carry identifiers, not personal data (Ley 29733): a person's name, DNI,
    e-mail or phone goes into a contract only when a consumer needs it, and
    ``PERSONAL_DATA`` then says which fields and why (docs/data-retention.md).
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    TOPIC: ClassVar[str]
    VERSION: ClassVar[int] = 1
    PARTITIONS: ClassVar[int] = 3
    KEY_FIELD: ClassVar[str] = "ruc"
    # from-version -> function turning a payload of that version into the next version's
    UPCASTERS: ClassVar[Mapping[int, Callable[[dict[str, Any]], dict[str, Any]]]] = {}
    # personal-data field -> which consumer needs it and why (empty: identifiers only)
    PERSONAL_DATA: ClassVar[Mapping[str, str]] = {}

    def key(self) -> str:
        """The partition key: events about one company stay in order."""
        return str(getattr(self, self.KEY_FIELD))


class EventEnvelope(BaseModel):
    model_config = ConfigDict(extra="ignore")

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    event_type: str
    schema_version: int
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    producer: str
    key: str
    payload: dict[str, Any]
    trace: dict[str, str] = Field(default_factory=dict, description="W3C traceparent/tracestate")

    @classmethod
    def wrap(
        cls, event: EventContract, *, producer: str, occurred_at: datetime, trace: dict[str, str]
    ) -> EventEnvelope:
        return cls(
            event_type=event.TOPIC,
            schema_version=event.VERSION,
            occurred_at=occurred_at,
            producer=producer,
            key=event.key(),
            payload=event.model_dump(mode="json"),
            trace=trace,
        )
