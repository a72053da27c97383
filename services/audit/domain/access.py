"""Who may see and do what with audit data, beyond the role check on each route.

The kernel's rules per role (shared/access.py) applied to audit's records.

The route's ``require_roles`` admits a role; these rules then look at the record:
a company sees only its own RUC, a monitor fills the self-assessment only of the
participants assigned to it (recognised by the login subject the admission event
carries, or by the monitor id when enrollment has no login recorded), an auditor reads every
pre-audit but starts, records, concludes and cancels only those it leads, and a
certification body sees only the audits assigned to it.
"""

from __future__ import annotations

import uuid
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from services.audit.domain.filters import ByBody, ByCompany
from shared.access import hidden, is_assigned_monitor
from shared.auth import Principal, Role
from shared.errors import Forbidden

Filter = TypeVar("Filter", bound=BaseModel)


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


def narrow(principal: Principal, filters: Filter) -> Filter:
    """A listing as the caller may see it: a company's own RUC, a body's own audits."""
    scope: dict[str, Any] = {}
    given: BaseModel = filters
    if isinstance(given, ByCompany):
        scope["ruc"] = company_filter(principal, given.ruc)
    if isinstance(given, ByBody):
        scope["body_id"] = body_filter(principal, given.body_id)
    return filters.model_copy(update=scope)


def ensure_can_see(principal: Principal, ruc: str) -> None:
    """Company: only itself. A certification body has no business with a company's findings."""
    if principal.role == Role.certification_body:
        raise Forbidden(
            "A certification body sees only the certification audits assigned to it.",
            detail_es="Un organismo de certificación solo ve las auditorías que se le asignaron.",
        )
    principal.ensure_company(ruc)


class PreauditLike(Protocol):
    id: uuid.UUID
    auditor: str


def ensure_leads(principal: Principal, preaudit: PreauditLike) -> None:
    """An auditor changes only the pre-audits it leads (officers and admins any)."""
    if principal.role == Role.auditor and preaudit.auditor != principal.subject:
        raise Forbidden(
            "An auditor starts, records, concludes and cancels only the pre-audits it leads.",
            detail_es="Un auditor solo inicia, registra, concluye y cancela las pre auditorías que dirige.",
            extra={"auditor": preaudit.auditor},
        )


def ensure_can_fill(principal: Principal, participant: ParticipantLike) -> None:
    """The company itself, its assigned monitor, or PROMPERÚ staff fill a self-assessment."""
    if principal.role == Role.monitor:
        if not is_assigned_monitor(
            principal, monitor_subject=participant.monitor_subject, monitor_id=participant.monitor_id
        ):
            raise hidden("Participant", participant.ruc)
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
    """Another body's audit is not there for this body: 404 (shared/access.py)."""
    if principal.role == Role.certification_body and _own_body(principal) != body_id:
        raise hidden("Certification audit", "assigned to another body")


class AuditLike(Protocol):
    ruc: str
    body_id: uuid.UUID


def ensure_can_see_audit(principal: Principal, audit: AuditLike) -> None:
    """A body sees the audits assigned to it; a company its own; staff all."""
    if principal.role == Role.certification_body:
        ensure_assigned_body(principal, audit.body_id)
    else:
        principal.ensure_company(audit.ruc)


def ensure_may_override_order(principal: Principal) -> None:
    """Holding a pre-audit before training and assistance are done is an officer's call."""
    if principal.role not in (Role.promperu_officer, Role.admin):
        raise Forbidden(
            "Only a PROMPERÚ officer may override the programme order.",
            detail_es="Solo un funcionario de PROMPERÚ puede alterar el orden del programa.",
            extra={"allowed_roles": [Role.promperu_officer.value]},
        )


def ensure_may_approve_official(principal: Principal) -> None:
    """Only an admin marks a version of the standard as PROMPERÚ's official one."""
    if principal.role != Role.admin:
        raise Forbidden(
            "Only an admin marks a version of the standard official.",
            detail_es="Solo un administrador marca como oficial una versión del estándar.",
            extra={"allowed_roles": [Role.admin.value]},
        )


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
