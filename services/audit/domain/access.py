"""Who may see and do what with audit data, beyond the role check on each route.

The route's ``require_roles`` admits a role; these rules then look at the record:
a company sees only its own RUC, a monitor fills the self-assessment only of the
participants assigned to it (recognised by the login subject the admission event
carries, or by the monitor id when enrollment has no login recorded), and a certification body sees only the audits assigned to it.
"""

from __future__ import annotations

import uuid
from typing import Protocol

from shared.auth import Principal, Role
from shared.errors import Forbidden


class ParticipantLike(Protocol):
    ruc: str
    monitor_id: uuid.UUID | None
    monitor_subject: str | None


def company_filter(principal: Principal, ruc: str | None) -> str | None:
    """The RUC a listing is limited to: a company's own, whatever it asked for."""
    if principal.role != Role.company:
        return ruc
    if ruc is not None:
        principal.ensure_company(ruc)
    return principal.ruc or "-"


def ensure_can_see(principal: Principal, ruc: str) -> None:
    """Company: only itself. A certification body has no business with a company's findings."""
    if principal.role == Role.certification_body:
        raise Forbidden(
            "A certification body sees only the certification audits assigned to it.",
            detail_es="Un organismo de certificación solo ve las auditorías que se le asignaron.",
        )
    principal.ensure_company(ruc)


def _monitor_identities(participant: ParticipantLike) -> set[str]:
    ids = {participant.monitor_subject, str(participant.monitor_id) if participant.monitor_id else None}
    return {i for i in ids if i}


def ensure_can_fill(principal: Principal, participant: ParticipantLike) -> None:
    """The company itself, its assigned monitor, or PROMPERÚ staff fill a self-assessment."""
    if principal.role == Role.monitor:
        if principal.subject not in _monitor_identities(participant):
            raise Forbidden(
                "A monitor fills in only the self-assessments of the participants assigned to it.",
                detail_es="Un monitor solo completa autoevaluaciones de las empresas que acompaña.",
            )
        return
    if principal.role in (Role.promperu_officer, Role.admin):
        return
    if principal.role == Role.company:
        principal.ensure_company(participant.ruc)
        return
    raise Forbidden(
        f"A {principal.role} credential cannot change a self-assessment.",
        detail_es=f"Una credencial {principal.role} no puede modificar una autoevaluación.",
    )


def body_filter(principal: Principal, body_id: uuid.UUID | None) -> uuid.UUID | None:
    """The body a listing is limited to: a certification body's own."""
    if principal.role != Role.certification_body:
        return body_id
    own = _own_body(principal)
    if body_id is not None and body_id != own:
        raise _not_your_body()
    return own


def ensure_assigned_body(principal: Principal, body_id: uuid.UUID) -> None:
    if principal.role == Role.certification_body and _own_body(principal) != body_id:
        raise _not_your_body()


class AuditLike(Protocol):
    ruc: str
    body_id: uuid.UUID


def ensure_can_see_audit(principal: Principal, audit: AuditLike) -> None:
    """A body sees the audits assigned to it; a company its own; staff all."""
    if principal.role == Role.certification_body:
        ensure_assigned_body(principal, audit.body_id)
    else:
        principal.ensure_company(audit.ruc)


def _own_body(principal: Principal) -> uuid.UUID:
    try:
        return uuid.UUID(principal.body_id or "")
    except ValueError:
        raise Forbidden(
            "This certification-body credential names no body.",
            detail_es="Esta credencial de organismo de certificación no indica el organismo.",
        ) from None


def _not_your_body() -> Forbidden:
    return Forbidden(
        "This certification audit is assigned to another certification body.",
        detail_es="Esta auditoría de certificación está asignada a otro organismo de certificación.",
    )
