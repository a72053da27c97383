"""Whose subscriptions a caller may see and change, and who may subscribe for whom.

The kernel's rules per role (shared/access.py) applied to subscriptions: a partner sees and
changes only its own (another partner's id is a 404, as if it did not exist); an admin sees
every partner's and subscribes on a partner's behalf.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.auth import Principal, Role
from shared.errors import Forbidden, RuleViolation


@dataclass(frozen=True)
class Subscriber:
    """Who a new subscription belongs to and what its scopes allow."""

    owner: str
    organisation: str | None
    scopes: list[str]


def owner_scope(principal: Principal) -> str | None:
    """The owner the caller's reads and changes are limited to (None: every owner's)."""
    return None if principal.role == Role.admin else principal.subject


def subscriber(
    principal: Principal, *, owner: str | None, scopes: list[str] | None, organisation: str | None
) -> Subscriber:
    """A partner subscribes for itself, with its key's scopes; an admin for a partner it names."""
    if principal.role == Role.admin:
        if not owner or scopes is None:
            raise RuleViolation(
                "webhooks.owner",
                "An admin creates a subscription for a partner: give `owner` (its API key) and `scopes`.",
            )
        return Subscriber(owner, organisation, scopes)
    if owner or scopes is not None or organisation:
        raise Forbidden("Only an admin may set `owner`, `scopes` or `organisation`.")
    return Subscriber(principal.subject, principal.name, list(principal.scopes))
