"""The event catalogue as an AsyncAPI 3.0 document, generated from the typed contracts.

One channel per topic (its Kafka address, partitions and retention), one message per
contract: the envelope with ``payload`` typed by the contract's JSON Schema (pydantic's),
the Kafka key (the company's RUC, or the cohort id), the headers the relay sets, and the
versions a consumer understands. Operations: the producing service sends, each consuming
service (``shared.events.coverage``) receives. The gateway serves it at
``GET /api/v1/gateway/asyncapi.json``; ``tests/unit/test_asyncapi.py`` validates it with the
AsyncAPI parser.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from shared.events.contracts import CONTRACTS, DLQ_SUFFIX
from shared.events.coverage import COVERAGE
from shared.events.envelope import EventContract, EventEnvelope
from shared.events.versions import understood_versions

SCHEMA_REF = "#/components/schemas/"
KEY_DESCRIPTIONS = {
    "ruc": "The company's RUC (11 digits): every event about one company lands on one partition, in order.",
    "cohort_id": "The cohort's id (UUID): a cohort's sessions stay in order.",
    "activity_id": "The sensitisation activity's id (UUID): an activity's recordings stay in order.",
}


def _channel_id(topic: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", topic)


def _message_id(contract: type[EventContract]) -> str:
    return contract.__name__


def _hoist(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """Move pydantic's ``$defs`` into components/schemas and point the refs there."""
    schema = copy.deepcopy(schema)
    for name, definition in schema.pop("$defs", {}).items():
        schemas.setdefault(name, _rewrite(definition))
    hoisted: dict[str, Any] = _rewrite(schema)
    return hoisted


def _rewrite(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: (SCHEMA_REF + v.rsplit("/", 1)[-1] if k == "$ref" and isinstance(v, str) else _rewrite(v))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rewrite(v) for v in node]
    return node


def _producer(topic: str) -> str:
    return topic.split(".", 1)[0]


def build_asyncapi(*, kafka_host: str = "127.0.0.1:9092", version: str = "1.0.0") -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    envelope = _hoist(EventEnvelope.model_json_schema(), schemas)
    envelope["description"] = (
        "The envelope every message carries; `payload` is the contract of the message's event type."
    )
    schemas["EventEnvelope"] = envelope
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}

    for topic in sorted(CONTRACTS):
        contract = CONTRACTS[topic]
        name = _message_id(contract)
        schemas[name] = _hoist(contract.model_json_schema(), schemas)
        versions = list(understood_versions(contract))
        decision = COVERAGE.get(topic)
        reasons = decision.consumers if decision else {}
        consumers = sorted(reasons)
        messages[name] = {
            "name": topic,
            "title": name,
            "summary": (contract.__doc__ or topic).strip().splitlines()[0],
            "contentType": "application/json",
            "headers": {"$ref": SCHEMA_REF + "KafkaHeaders"},
            "payload": {
                "allOf": [
                    {"$ref": SCHEMA_REF + "EventEnvelope"},
                    {
                        "type": "object",
                        "properties": {
                            "event_type": {"type": "string", "const": topic},
                            "schema_version": {
                                "type": "integer",
                                "enum": versions,
                                "description": f"published as v{contract.VERSION}; consumers upcast "
                                f"{', '.join(f'v{v}' for v in versions if v != contract.VERSION) or 'nothing'}",
                            },
                            "key": {"type": "string", "description": KEY_DESCRIPTIONS[contract.KEY_FIELD]},
                            "payload": {"$ref": SCHEMA_REF + name},
                        },
                    },
                ]
            },
            "bindings": {
                "kafka": {
                    "key": {"type": "string", "description": KEY_DESCRIPTIONS[contract.KEY_FIELD]},
                    "bindingVersion": "0.5.0",
                }
            },
            "x-schema-version": contract.VERSION,
            "x-understood-versions": versions,
            "x-personal-data": dict(contract.PERSONAL_DATA),
        }
        channel_id = _channel_id(topic)
        description = f"Published by {_producer(topic)}; consumed by {', '.join(consumers) or 'nobody'}."
        if decision:
            description += " " + " ".join(f"{s}: {why}." for s, why in sorted(decision.consumers.items()))
            description += f" Others: {decision.others}."
        channels[channel_id] = {
            "address": topic,
            "title": topic,
            "description": description,
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
            "bindings": {
                "kafka": {
                    "topic": topic,
                    "partitions": contract.PARTITIONS,
                    "replicas": 1,
                    "topicConfiguration": {"retention.ms": -1, "retention.bytes": -1},
                    "bindingVersion": "0.5.0",
                }
            },
        }
        dlq_id = _channel_id(topic + DLQ_SUFFIX)
        channels[dlq_id] = {
            "address": topic + DLQ_SUFFIX,
            "title": topic + DLQ_SUFFIX,
            "description": "Copies of messages a consumer group gave up on, one per failing group, with "
            "dlq.* headers (docs/events.md, `python -m shared.cli dlq`).",
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
            "bindings": {"kafka": {"topic": topic + DLQ_SUFFIX, "partitions": 1, "bindingVersion": "0.5.0"}},
        }
        ref = {"$ref": f"#/channels/{channel_id}"}
        message_ref = {"$ref": f"#/channels/{channel_id}/messages/{name}"}
        operations[f"{_producer(topic)}_publishes_{channel_id}"] = {
            "action": "send",
            "channel": ref,
            "messages": [message_ref],
            "summary": f"{_producer(topic)} publishes {topic} (transactional outbox, acks=all)",
        }
        for consumer in consumers:
            operations[f"{consumer}_consumes_{channel_id}"] = {
                "action": "receive",
                "channel": ref,
                "messages": [message_ref],
                "summary": f"{consumer}: {reasons[consumer]}",
            }

    schemas["KafkaHeaders"] = {
        "type": "object",
        "description": "Headers the outbox relay sets on every message.",
        "properties": {
            "event_type": {"type": "string", "description": "the topic's logical name"},
            "event_id": {"type": "string", "format": "uuid"},
            "content-type": {"type": "string", "const": "application/json"},
            "traceparent": {"type": "string", "description": "W3C trace context"},
            "tracestate": {"type": "string"},
            "redrive.consumer_group": {
                "type": "string",
                "description": "set on a message re-driven from a DLQ: only this group applies it",
            },
        },
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Ecoeficiencia Platform events",
            "version": version,
            "description": "Every event the services publish on Kafka: one topic per event type, keyed by "
            "the company's RUC, in one envelope. Contracts are versioned; consumers upcast older "
            "versions and dead-letter unknown newer ones. Topic coverage and dead-letter operations: "
            "docs/events.md.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "kafka": {
                "host": kafka_host,
                "protocol": "kafka",
                "description": "Topic and group names carry ECO_KAFKA_NAMESPACE as a prefix (empty in production).",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }
