"""A state machine as an explicit transition table.

Every lifecycle of the audit service (pre-audit, non-conformity, certification audit,
certificate) is one of these, so the whole set of legal moves can be read at a glance
and every refusal names the moves the current state does allow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from shared.errors import InvalidTransition


@dataclass(frozen=True)
class StateMachine:
    entity: str
    transitions: Mapping[str, frozenset[str]]

    @property
    def states(self) -> list[str]:
        return list(self.transitions)

    def allowed(self, current: str) -> list[str]:
        return sorted(self.transitions.get(current, frozenset()))

    def can(self, current: str, target: str) -> bool:
        return target in self.transitions.get(current, frozenset())

    def ensure(self, current: str, target: str) -> str:
        """Return ``target`` when the move is legal; raise InvalidTransition (409) otherwise."""
        if not self.can(current, target):
            raise InvalidTransition(self.entity, current, target, self.allowed(current))
        return target
