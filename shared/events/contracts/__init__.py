"""Every event contract of the platform, and the topics they imply."""

from __future__ import annotations

from shared.events.contracts import audit, circular, enrollment, training
from shared.events.envelope import EventContract


def _collect() -> dict[str, type[EventContract]]:
    found: dict[str, type[EventContract]] = {}
    for module in (enrollment, training, audit, circular):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, EventContract) and "TOPIC" in vars(value):
                found[value.TOPIC] = value
    return found


CONTRACTS: dict[str, type[EventContract]] = _collect()
DLQ_SUFFIX = ".dlq"


def all_topics() -> dict[str, int]:
    """Logical topic name -> partition count, dead-letter topics included."""
    topics = {topic: contract.PARTITIONS for topic, contract in CONTRACTS.items()}
    topics |= {topic + DLQ_SUFFIX: 1 for topic in CONTRACTS}
    return topics
