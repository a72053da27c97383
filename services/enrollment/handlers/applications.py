"""Applications, from draft to completion: read and list them with their history, the section V
report and the commitment letter; every write is one state-machine move.

Every move goes through ``_move``: the transition table decides (409 listing the allowed
moves otherwise), the history row and the event join the same transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from services.enrollment.db.repositories import (
    ApplicationRepository,
    CohortRepository,
    CompanyRepository,
    MonitorRepository,
    Page,
)
from services.enrollment.domain import access
from services.enrollment.domain.applications import (
    PARTICIPANT_STATES,
    REEVALUATED_STATES,
    ApplicationFilters,
    Status,
    ensure_transition,
)
from services.enrollment.domain.cohorts import ensure_window_open
from services.enrollment.domain.commitment import ensure_signer_is_legal_representative
from services.enrollment.domain.eligibility import EligibilityReport
from services.enrollment.domain.monitors import pick_monitor
from services.enrollment.events import publish
from services.enrollment.handlers.eligibility import apply_evaluation, report_for
from shared.auth import Principal
from shared.deps import ReadDb
from shared.errors import Conflict, RuleViolation
from shared.uow import UnitOfWork

# --- reads -----------------------------------------------------------------------------------


async def read(db: ReadDb, caller: Principal, *, application_id: uuid.UUID) -> sa.Row[Any]:
    """The application as readers see it (company, cohort, monitor), if the caller may know it."""
    scope = access.scope_of(caller)
    row = await ApplicationRepository(db).get_view(application_id=application_id, scope=scope)
    return access.visible(row, scope, what="Application", ident=application_id)


async def page(
    db: ReadDb, caller: Principal, filters: ApplicationFilters, *, sort: str, cursor: str | None, limit: int
) -> Page:
    """A company sees its own applications, a monitor those it follows, staff every one."""
    return await ApplicationRepository(db).page(
        scope=access.scope_of(caller), filters=filters, sort=sort, cursor=cursor, limit=limit
    )


async def history(db: ReadDb, caller: Principal, *, application_id: uuid.UUID) -> list[sa.Row[Any]]:
    """Every status change, who made it and why."""
    await read(db, caller, application_id=application_id)
    return await ApplicationRepository(db).transitions(application_id=application_id)


async def monitor_history(db: ReadDb, caller: Principal, *, application_id: uuid.UUID) -> list[sa.Row[Any]]:
    """Which monitors followed the participant, from when to when."""
    await read(db, caller, application_id=application_id)
    return await MonitorRepository(db).history(application_id=application_id)


async def eligibility_report(
    db: ReadDb, caller: Principal, *, application_id: uuid.UUID, today: date
) -> tuple[sa.Row[Any], EligibilityReport]:
    """Section V evaluated now against the current data; changes nothing."""
    view = await read(db, caller, application_id=application_id)
    company = await CompanyRepository(db).get_or_raise(company_id=view.company_id)
    return view, await report_for(db, view, company, today)


@dataclass(frozen=True)
class CommitmentLetter:
    application: sa.Row[Any]
    company: sa.Row[Any]
    cohort: sa.Row[Any]


async def commitment_letter(db: ReadDb, caller: Principal, *, application_id: uuid.UUID) -> CommitmentLetter:
    """What the letter shows, once issued (409 before)."""
    view = await read(db, caller, application_id=application_id)
    if view.commitment_issued_at is None:
        raise Conflict(
            f"No commitment letter has been issued for this application (status '{view.status}').",
            detail_es=f"No se ha emitido la carta de compromiso de esta postulación (estado '{view.status}').",
        )
    company = await CompanyRepository(db).get_or_raise(company_id=view.company_id)
    cohort = await CohortRepository(db).get_or_raise(cohort_id=view.cohort_id)
    return CommitmentLetter(view, company, cohort)


# --- writes ----------------------------------------------------------------------------------


async def _move(
    uow: UnitOfWork,
    app: sa.Row[Any],
    target: Status,
    *,
    by: str | None,
    reason: str | None = None,
    **values: Any,
) -> sa.Row[Any]:
    ensure_transition(app.status, target)
    now = uow.clock.now()
    repo = ApplicationRepository(uow.session)
    await repo.record_transition(
        application_id=app.id, from_status=app.status, to_status=target.value, at=now, by=by, reason=reason
    )
    return await repo.update(
        application_id=app.id, values={"status": target.value, "updated_at": now, **values}
    )


async def _load(
    uow: UnitOfWork, principal: Principal, application_id: uuid.UUID
) -> tuple[sa.Row[Any], sa.Row[Any]]:
    """The application (locked) and its company, refusing a company that is not the caller."""
    app = await ApplicationRepository(uow.session).get_or_raise(
        application_id=application_id, for_update=True
    )
    company = await CompanyRepository(uow.session).get_or_raise(company_id=app.company_id)
    principal.ensure_company(company.ruc)
    return app, company


async def _committed_view(uow: UnitOfWork, application_id: uuid.UUID) -> sa.Row[Any]:
    """The application as readers see it, then commit: what every write answers."""
    view = access.visible(
        await ApplicationRepository(uow.session).get_view(application_id=application_id),
        access.WHOLE_PROGRAMME,
        what="Application",
        ident=application_id,
    )
    await uow.commit()
    return view


async def create_application(
    uow: UnitOfWork, principal: Principal, *, ruc: str, cohort_id: uuid.UUID
) -> sa.Row[Any]:
    principal.ensure_company(ruc)
    async with uow:
        company = await CompanyRepository(uow.session).get_or_raise(ruc=ruc)
        await CohortRepository(uow.session).get_or_raise(cohort_id=cohort_id)
        now = uow.clock.now()
        repo = ApplicationRepository(uow.session)
        app = await repo.create(
            values={
                "id": uuid.uuid4(),
                "company_id": company.id,
                "cohort_id": cohort_id,
                "status": Status.draft.value,
                "created_by": principal.subject,
                "created_at": now,
                "updated_at": now,
            }
        )
        if app is None:
            raise Conflict(
                f"Company {ruc} already has an application to this cohort.",
                detail_es=f"La empresa {ruc} ya tiene una postulación a esta edición.",
            )
        await repo.record_transition(
            application_id=app.id, from_status=None, to_status=app.status, at=now, by=principal.subject
        )
        return await _committed_view(uow, app.id)


async def accept_sworn_declaration(
    uow: UnitOfWork, principal: Principal, application_id: uuid.UUID, *, name: str, dni: str
) -> sa.Row[Any]:
    """The legal representative accepts the sworn declaration of section V (who and when are kept)."""
    async with uow:
        app, company = await _load(uow, principal, application_id)
        if Status(app.status) not in (Status.draft, Status.submitted, *REEVALUATED_STATES):
            raise RuleViolation(
                "declaration.too_late",
                f"The sworn declaration belongs to the application stage; the application is '{app.status}'.",
                detail_es=f"La declaración jurada corresponde a la postulación; está en '{app.status}'.",
            )
        ensure_signer_is_legal_representative(
            dni, company.legal_rep_dni, company.legal_rep_name, document="sworn_declaration"
        )
        app = await ApplicationRepository(uow.session).update(
            application_id=app.id,
            values={
                "sworn_accepted_by_subject": principal.subject,
                "sworn_accepted_by_name": name,
                "sworn_accepted_by_dni": dni,
                "sworn_accepted_at": uow.clock.now(),
                "updated_at": uow.clock.now(),
            },
        )
        if Status(app.status) in REEVALUATED_STATES:
            app = await apply_evaluation(
                uow, app, company, by=principal.subject, reason="sworn declaration accepted"
            )
        return await _committed_view(uow, app.id)


async def submit_application(uow: UnitOfWork, principal: Principal, application_id: uuid.UUID) -> sa.Row[Any]:
    async with uow:
        app, company = await _load(uow, principal, application_id)
        ensure_transition(app.status, Status.submitted)
        cohort = await CohortRepository(uow.session).get_or_raise(cohort_id=app.cohort_id)
        ensure_window_open(
            cohort.name, cohort.applications_open_on, cohort.applications_close_on, uow.clock.today()
        )
        app = await _move(uow, app, Status.submitted, by=principal.subject, submitted_at=uow.clock.now())
        uow.publish(publish.application_submitted(app, company, cohort))
        return await _committed_view(uow, app.id)


async def evaluate_application(
    uow: UnitOfWork, principal: Principal, application_id: uuid.UUID
) -> sa.Row[Any]:
    async with uow:
        app, company = await _load(uow, principal, application_id)
        app = await apply_evaluation(uow, app, company, by=principal.subject, reason="evaluated by officer")
        return await _committed_view(uow, app.id)


async def admit_application(
    uow: UnitOfWork, principal: Principal, application_id: uuid.UUID, *, reason: str | None
) -> sa.Row[Any]:
    """Admit if still eligible today and a seat is free; the least loaded active monitor follows it."""
    async with uow:
        app, company = await _load(uow, principal, application_id)
        ensure_transition(app.status, Status.admitted)
        cohort = await CohortRepository(uow.session).get_or_raise(cohort_id=app.cohort_id, for_update=True)
        report = await report_for(uow.session, app, company, uow.clock.today())
        if not report.eligible:
            raise RuleViolation(
                "eligibility.not_met",
                f"The company no longer meets section V: {', '.join(report.failed_rules)}. Re-evaluate it.",
                detail_es=f"La empresa ya no cumple la sección V: {', '.join(report.failed_rules)}.",
                extra={"failed_rules": report.failed_rules},
            )
        taken = await CohortRepository(uow.session).seats_taken(cohort_id=cohort.id)
        if taken >= cohort.capacity:
            raise RuleViolation(
                "cohort.full",
                f"{cohort.name} has all {cohort.capacity} seats taken; waitlist the application instead.",
                detail_es=f"{cohort.name} tiene sus {cohort.capacity} vacantes ocupadas; pase a lista de espera.",
                extra={"capacity": cohort.capacity, "seats_taken": taken},
            )
        monitors = MonitorRepository(uow.session)
        await monitors.lock_assignments()
        chosen = pick_monitor(await monitors.loads())
        if chosen is None:
            raise RuleViolation(
                "monitor.none_active",
                "No active monitor can follow the participant; register or reactivate one first.",
                detail_es="No hay monitores activos para acompañar al participante; registre o active uno.",
            )
        now = uow.clock.now()
        app = await _move(
            uow,
            app,
            Status.admitted,
            by=principal.subject,
            reason=reason,
            admitted_at=now,
            decided_at=now,
            decision_reason=reason,
            eligibility_report=report.as_dict(),
            evaluated_at=now,
        )
        await monitors.assign(
            application_id=app.id,
            monitor_id=chosen.monitor_id,
            on=uow.clock.today(),
            at=now,
            reason="admission: least loaded active monitor",
            by=principal.subject,
        )
        monitor = await monitors.get_or_raise(monitor_id=chosen.monitor_id)
        uow.publish(publish.participant_admitted(app, company, cohort, monitor))
        return await _committed_view(uow, app.id)


async def decide_application(
    uow: UnitOfWork, principal: Principal, application_id: uuid.UUID, target: Status, *, reason: str | None
) -> sa.Row[Any]:
    """Waitlist or reject: a decision with its reason, no seat taken."""
    async with uow:
        app, _ = await _load(uow, principal, application_id)
        now = uow.clock.now()
        app = await _move(
            uow, app, target, by=principal.subject, reason=reason, decided_at=now, decision_reason=reason
        )
        return await _committed_view(uow, app.id)


async def issue_commitment_letter(
    uow: UnitOfWork, principal: Principal, application_id: uuid.UUID
) -> sa.Row[Any]:
    async with uow:
        app, _ = await _load(uow, principal, application_id)
        app = await _move(
            uow, app, Status.commitment_issued, by=principal.subject, commitment_issued_at=uow.clock.now()
        )
        return await _committed_view(uow, app.id)


async def sign_commitment(
    uow: UnitOfWork, principal: Principal, application_id: uuid.UUID, *, name: str, dni: str
) -> sa.Row[Any]:
    """Signed by the legal representative on record, or refused (RuleViolation)."""
    async with uow:
        app, company = await _load(uow, principal, application_id)
        ensure_transition(app.status, Status.commitment_signed)
        ensure_signer_is_legal_representative(dni, company.legal_rep_dni, company.legal_rep_name)
        app = await _move(
            uow,
            app,
            Status.commitment_signed,
            by=principal.subject,
            commitment_signed_at=uow.clock.now(),
            signed_by_name=name,
            signed_by_dni=dni,
        )
        uow.publish(publish.commitment_signed(app, company))
        return await _committed_view(uow, app.id)


async def activate_participant(
    uow: UnitOfWork, principal: Principal, application_id: uuid.UUID
) -> sa.Row[Any]:
    async with uow:
        app, _ = await _load(uow, principal, application_id)
        app = await _move(uow, app, Status.active, by=principal.subject, activated_at=uow.clock.now())
        return await _committed_view(uow, app.id)


async def withdraw_application(
    uow: UnitOfWork, principal: Principal, application_id: uuid.UUID, *, reason: str | None
) -> sa.Row[Any]:
    """Leave the programme; a participant frees its seat and its monitor, and the platform is told."""
    async with uow:
        app, company = await _load(uow, principal, application_id)
        was_participant = Status(app.status) in PARTICIPANT_STATES
        app = await _move(
            uow,
            app,
            Status.withdrawn,
            by=principal.subject,
            reason=reason,
            withdrawn_at=uow.clock.now(),
            withdrawal_reason=reason,
        )
        if was_participant:
            await MonitorRepository(uow.session).close_assignment(application_id=app.id, on=uow.clock.today())
            uow.publish(publish.participant_withdrawn(app, company))
        return await _committed_view(uow, app.id)


async def complete_participation(
    uow: UnitOfWork, principal: Principal, application_id: uuid.UUID
) -> sa.Row[Any]:
    async with uow:
        app, _ = await _load(uow, principal, application_id)
        app = await _move(uow, app, Status.completed, by=principal.subject, completed_at=uow.clock.now())
        await MonitorRepository(uow.session).close_assignment(application_id=app.id, on=uow.clock.today())
        return await _committed_view(uow, app.id)
