"""Contract versions: which ones a consumer understands, and how an older payload is upcast.

A contract declares its current ``VERSION`` and, in ``UPCASTERS``, one function per older
version turning a payload of version ``n`` into one of version ``n + 1`` (a plain
``dict -> dict``, no I/O). The versions it understands are therefore ``UPCASTERS``' keys
plus ``VERSION``; a consumer upcasts step by step to the current version before
validating, and refuses anything else (a newer version it cannot know, a version
nobody wrote an upcaster for) as a permanent error, so it goes to the dead-letter topic
with the reason instead of being read as if it were the current version.
"""

from __future__ import annotations

from typing import Any

from shared.events.envelope import EventContract
from shared.events.errors import UnknownSchemaVersion


def understood_versions(contract: type[EventContract]) -> tuple[int, ...]:
    return tuple(sorted({*contract.UPCASTERS, contract.VERSION}))


def check_upcaster_chain(contract: type[EventContract]) -> list[str]:
    """Problems with a contract's declaration (empty when every older version reaches the current one)."""
    problems = []
    for version in range(min(understood_versions(contract)), contract.VERSION):
        if version not in contract.UPCASTERS:
            problems.append(f"{contract.TOPIC}: no upcaster from v{version} to v{version + 1}")
    problems += [
        f"{contract.TOPIC}: upcaster from v{v} is not older than the current v{contract.VERSION}"
        for v in contract.UPCASTERS
        if v >= contract.VERSION
    ]
    return problems


def upcast(contract: type[EventContract], version: int, payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` (written as ``version``) as the contract's current version, or UnknownSchemaVersion."""
    understood = understood_versions(contract)
    if version not in understood:
        raise UnknownSchemaVersion(contract.TOPIC, version, understood)
    while version < contract.VERSION:
        payload = contract.UPCASTERS[version](dict(payload))
        version += 1
    return payload
