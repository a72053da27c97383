"""Which PROMPERÚ follow-up monitor a new participant gets: the least loaded active one."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class MonitorLoad:
    monitor_id: uuid.UUID
    name: str
    active: bool
    participants: int  # current assignments of participants still in the programme


def pick_monitor(monitors: list[MonitorLoad]) -> MonitorLoad | None:
    """Fewest active participants; ties by name (then id, so the choice is always the same)."""
    candidates = [m for m in monitors if m.active]
    if not candidates:
        return None
    return min(candidates, key=lambda m: (m.participants, m.name.casefold(), str(m.monitor_id)))
