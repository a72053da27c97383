"""Per-record access in circular, applying the kernel's rules (shared/access.py).

Officers and admins see every record. A partner system sees only the records it created (its API
key is the organiser's system): another partner's activity is a 404, as if it did not exist.
"""

from __future__ import annotations

from shared.access import hidden
from shared.auth import Principal, Role


def recorder_scope(caller: Principal) -> str | None:
    """Whose records a listing is limited to: a partner's own; None is everyone's."""
    return caller.subject if caller.role == Role.partner else None


def ensure_may_read_activity(caller: Principal, *, created_by: str) -> None:
    if caller.role == Role.partner and created_by != caller.subject:
        raise hidden("Activity")


def journey_scope(caller: Principal) -> str | None:
    """The RUC a journey listing is limited to: a company's own; None is every company's."""
    if caller.role == Role.company:
        return caller.ruc or ""  # a company credential bound to no RUC sees nothing
    return None


def ensure_may_read_journey(caller: Principal, *, ruc: str) -> None:
    """A company reads its own transition journeys only; another's is a 404."""
    if caller.role == Role.company and caller.ruc != ruc:
        raise hidden("Transition journey")
