"""Pre-audit (section III.3): PROMPERÚ's internal audit, with the zero-non-conformity rule.

scheduled -> in_progress -> passed | failed; a failed pre-audit passes once every one of
its non-conformities is verified closed (see ``nonconformities.verify_corrective_action``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from services.audit.db.repositories import (
    NonconformityRepository,
    ParticipantRepository,
    PreauditRepository,
    StandardRepository,
)
from services.audit.domain import dates
from services.audit.domain.access import company_filter, ensure_can_see, ensure_leads
from services.audit.domain.errors import InvalidInput
from services.audit.domain.findings import (
    RESULTS_NEEDING_FINDING,
    SEVERITY_OF,
    AuditResult,
    missing_requirements,
    outcome,
)
from services.audit.domain.lifecycles import PREAUDIT, NonconformityStatus, PreauditStatus
from services.audit.domain.participation import ensure_active
from services.audit.domain.standard import requirement_code_errors
from services.audit.domain.trust import ProgrammeProgress, ensure_programme_order, ensure_programme_structure
from services.audit.events import publish
from services.audit.handlers.standards import structure_of
from shared.auth import Principal, Role
from shared.errors import Conflict, Forbidden, RuleViolation
from shared.uow import UnitOfWork


@dataclass(frozen=True)
class PreauditView:
    preaudit: sa.Row
    results: list[sa.Row]


async def schedule_preaudit(
    uow: UnitOfWork,
    actor: Principal,
    *,
    participant_id: uuid.UUID,
    audit_date: date,
    version: str | None,
    remediation_days: int,
    auditor_name: str | None,
    required_visits: int = 1,
    override_reason: str | None = None,
) -> sa.Row:
    """Schedule after training and technical assistance (PBE III), or on an officer's recorded override."""
    if override_reason is not None and actor.role not in (Role.promperu_officer, Role.admin):
        raise Forbidden(
            "Only a PROMPERÚ officer may override the programme order.",
            detail_es="Solo un funcionario de PROMPERÚ puede alterar el orden del programa.",
            extra={"allowed_roles": [Role.promperu_officer.value]},
        )
    async with uow:
        participants = ParticipantRepository(uow.session)
        participant = await participants.get_or_raise(participant_id, for_update=True)
        ensure_active(participant)
        progress = ProgrammeProgress(
            participant.training_completed_at, await participants.assistance_count(participant_id)
        )
        ensure_programme_order(progress, required_visits, overridden=override_reason is not None)
        repo = PreauditRepository(uow.session)
        open_one = await repo.get_open(participant_id)
        if open_one is not None:
            raise Conflict(
                f"{participant.legal_name} already has an open pre-audit ({open_one.status}).",
                detail_es=f"{participant.legal_name} ya tiene una pre auditoría abierta ({open_one.status}).",
                extra={"preaudit_id": str(open_one.id)},
            )
        standards = StandardRepository(uow.session)
        standard = await (standards.get_or_raise(version) if version else standards.get_current())
        ensure_programme_structure(standard.version, structure_of(standard), purpose="a pre-audit")
        now = uow.clock.now()
        override = (
            {
                "order_override_by": actor.subject,
                "order_override_reason": override_reason,
                "order_override_at": now,
            }
            if override_reason is not None
            else {}
        )
        row = await repo.create(
            id=uuid.uuid4(),
            participant_id=participant_id,
            ruc=participant.ruc,
            standard_version=standard.version,
            auditor=actor.subject,
            auditor_name=auditor_name or actor.name,
            audit_date=audit_date,
            remediation_days=remediation_days,
            status=PreauditStatus.scheduled,
            created_at=now,
            **override,
        )
        await uow.commit()
    return row


async def list_preaudits(
    uow: UnitOfWork,
    actor: Principal,
    *,
    ruc: str | None,
    participant_id: uuid.UUID | None,
    status: str | None,
    auditor: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[sa.Row], str | None]:
    async with uow:
        return await PreauditRepository(uow.session).list(
            ruc=company_filter(actor, ruc),
            participant_id=participant_id,
            status=status,
            auditor=auditor,
            cursor=cursor,
            limit=limit,
        )


async def get_preaudit(uow: UnitOfWork, actor: Principal, preaudit_id: uuid.UUID) -> PreauditView:
    async with uow:
        repo = PreauditRepository(uow.session)
        preaudit = await repo.get_or_raise(preaudit_id)
        ensure_can_see(actor, preaudit.ruc)
        return PreauditView(preaudit, await repo.results(preaudit_id))


async def start_preaudit(uow: UnitOfWork, actor: Principal, preaudit_id: uuid.UUID) -> sa.Row:
    return await _move(uow, actor, preaudit_id, PreauditStatus.in_progress, started_at=True)


async def cancel_preaudit(uow: UnitOfWork, actor: Principal, preaudit_id: uuid.UUID) -> sa.Row:
    return await _move(uow, actor, preaudit_id, PreauditStatus.cancelled)


async def _move(
    uow: UnitOfWork,
    actor: Principal,
    preaudit_id: uuid.UUID,
    target: PreauditStatus,
    *,
    started_at: bool = False,
) -> sa.Row:
    async with uow:
        repo = PreauditRepository(uow.session)
        preaudit = await repo.get_or_raise(preaudit_id, for_update=True)
        ensure_leads(actor, preaudit)
        changes: dict[str, Any] = {"status": PREAUDIT.ensure(preaudit.status, target)}
        if started_at:
            changes["started_at"] = uow.clock.now()
        row = await repo.update(preaudit_id, **changes)
        await uow.commit()
    return row


async def record_results(
    uow: UnitOfWork, actor: Principal, preaudit_id: uuid.UUID, results: list[dict[str, Any]]
) -> int:
    """Record (or correct) results in bulk: one statement however many there are.

    Returns how many results the pre-audit now has.
    """
    async with uow:
        repo = PreauditRepository(uow.session)
        preaudit = await repo.get_or_raise(preaudit_id, for_update=True)
        ensure_leads(actor, preaudit)
        if preaudit.status != PreauditStatus.in_progress:
            raise Conflict(
                f"Results are recorded while the pre-audit is in progress; it is '{preaudit.status}'.",
                detail_es=f"Los resultados se registran con la pre auditoría en curso; está en '{preaudit.status}'.",
                extra={"current_state": preaudit.status},
            )
        by_aspect = await StandardRepository(uow.session).requirements_by_aspect(preaudit.standard_version)
        known = {code for codes in by_aspect.values() for code in codes}
        errors = requirement_code_errors(known, [r["requirement_code"] for r in results], "results")
        errors += [
            {
                "field": f"results[{i}].finding",
                "in": "body",
                "message": f"a finding text is required for '{r['result']}'",
            }
            for i, r in enumerate(results)
            if AuditResult(r["result"]) in RESULTS_NEEDING_FINDING and not (r.get("finding") or "").strip()
        ]
        if errors:
            raise InvalidInput(
                f"{len(errors)} result(s) are not valid for version {preaudit.standard_version}; none was recorded.",
                errors,
                detail_es=f"{len(errors)} resultado(s) no son válidos; no se registró ninguno.",
            )
        await repo.save_results(preaudit_id, results, at=uow.clock.now())
        recorded = await repo.count_results(preaudit_id)
        await uow.commit()
    return recorded


async def conclude_preaudit(
    uow: UnitOfWork, actor: Principal, preaudit_id: uuid.UUID, *, required_visits: int = 1
) -> sa.Row:
    """Apply the zero-non-conformity rule to a complete pre-audit.

    Passed: publish ``audit.preaudit.passed``. Failed: every non-conformity gets the
    remediation deadline (audit date + remediation days) and an open record the company
    answers with a corrective action; publish ``audit.preaudit.failed`` with the counts.
    """
    async with uow:
        repo = PreauditRepository(uow.session)
        preaudit = await repo.get_or_raise(preaudit_id, for_update=True)
        ensure_leads(actor, preaudit)
        results = await repo.results(preaudit_id)
        result = outcome(r.result for r in results)
        target = PreauditStatus.passed if result.passed else PreauditStatus.failed
        PREAUDIT.ensure(preaudit.status, target)
        participants = ParticipantRepository(uow.session)
        holder = await participants.get_or_raise(preaudit.participant_id)
        progress = ProgrammeProgress(
            holder.training_completed_at, await participants.assistance_count(preaudit.participant_id)
        )
        ensure_programme_order(progress, required_visits, overridden=preaudit.order_override_by is not None)
        required = await StandardRepository(uow.session).requirements_by_aspect(preaudit.standard_version)
        missing = missing_requirements(
            (c for codes in required.values() for c in codes), (r.requirement_code for r in results)
        )
        if missing:
            raise RuleViolation(
                "preaudit_incomplete",
                f"The pre-audit has no result for {len(missing)} requirement(s); record them before concluding.",
                detail_es=f"Faltan resultados para {len(missing)} requisito(s); regístrelos antes de concluir.",
                extra={"missing_requirements": missing},
            )
        now = uow.clock.now()
        deadline = (
            None
            if result.passed
            else dates.remediation_deadline(preaudit.audit_date, preaudit.remediation_days)
        )
        preaudit = await repo.update(
            preaudit_id,
            status=target,
            concluded_at=now,
            passed_at=now if result.passed else None,
            remediation_deadline=deadline,
            conforming=result.conforming,
            observations=result.observations,
            minor=result.minor,
            major=result.major,
        )
        participant = await ParticipantRepository(uow.session).get_or_raise(preaudit.participant_id)
        if result.passed:
            uow.publish(publish.preaudit_passed(preaudit, participant, now))
        else:
            await NonconformityRepository(uow.session).create_many(
                [
                    {
                        "id": uuid.uuid4(),
                        "preaudit_id": preaudit_id,
                        "participant_id": preaudit.participant_id,
                        "ruc": preaudit.ruc,
                        "requirement_code": r.requirement_code,
                        "severity": SEVERITY_OF[AuditResult(r.result)],
                        "finding": r.finding,
                        "deadline": deadline,
                        "status": NonconformityStatus.open,
                        "created_at": now,
                    }
                    for r in results
                    if AuditResult(r.result) in SEVERITY_OF
                ]
            )
            uow.publish(publish.preaudit_failed(preaudit, now))
        await uow.commit()
    return preaudit
