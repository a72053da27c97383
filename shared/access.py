"""Who may act where: one rule per role, the same in every service.

Each route admits roles (``require_roles``, published as ``x-roles``); then the record decides.
Every service's access code (``services/<svc>/domain/access.py`` or ``handlers/access.py``)
applies these rules and nothing else; the role × operation × tenant matrix
(tests/e2e/test_access_matrix.py) checks them through nginx.

What a caller may not know exists answers 404, never 403: a company asking about another
company's RUC, a monitor about a company not assigned to it, a body about another body's
audit learn nothing from the answer. 403 is kept for what the caller's role may never do,
which the OpenAPI document already tells.
"""

from __future__ import annotations

import uuid

from shared.auth import Principal, Role
from shared.errors import DomainError, NotFound

RULES: dict[Role, str] = {
    Role.company: "its own RUC only: its application, participation, attendees, self-assessment, evidence, "
    "pre-audits and certificates (read), and its own cohort's sessions; anything else is 404",
    Role.monitor: "the companies currently assigned to it (by the `sub` of its login, or its monitor id): "
    "reads them, fills their self-assessments, registers their attendees, records, corrects and "
    "deletes their attendance, logs their technical assistance; any other company is 404",
    Role.auditor: "reads every participant's audit file; starts, records, closes and cancels only the "
    "pre-audits it leads (its `sub`)",
    Role.certification_body: "only the certification audits assigned to its `body_id`; others are 404",
    Role.promperu_officer: "the whole programme",
    Role.partner: "what its API key's scopes allow: `<service>:read` (GET) and `<service>:write`",
    Role.admin: "everything",
}


class Hidden(NotFound):
    """404 for a record the caller may not know exists. It names nothing: the record's own
    keys (another company's RUC behind an application id) would tell what the 404 hides."""

    def __init__(self, what: str) -> None:
        DomainError.__init__(
            self,
            f"{what} not found.",
            detail_es="No se encontró el recurso solicitado.",
            extra={"resource": what},
        )


def hidden(what: str, ident: object = None) -> NotFound:
    """The answer for something the caller may not know exists: the same as for nothing."""
    return Hidden(what)


def is_assigned_monitor(
    principal: Principal, *, monitor_subject: str | None, monitor_id: uuid.UUID | None
) -> bool:
    """A monitor is recognised by its login subject, or by its monitor id when enrollment
    had no login recorded for it."""
    known = {monitor_subject, str(monitor_id) if monitor_id else None} - {None}
    return principal.subject in known


def ensure_monitor_of(
    principal: Principal,
    *,
    what: str,
    ident: object,
    monitor_subject: str | None,
    monitor_id: uuid.UUID | None,
) -> None:
    """A monitor acts only for its assigned companies; other roles are not concerned here."""
    if principal.role == Role.monitor and not is_assigned_monitor(
        principal, monitor_subject=monitor_subject, monitor_id=monitor_id
    ):
        raise hidden(what, ident)
