"""Pre-audit (section III.3): PROMPERÚ's internal audit, with the zero-non-conformity rule.

scheduled -> in_progress -> passed | failed; a failed pre-audit passes once every one of
its non-conformities is verified closed (see ``nonconformities.verify_corrective_action``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from services.audit.api.schemas import PreauditCreate, ResultsRecord
from services.audit.config import AuditConfig
from services.audit.db.repositories import (
    NonconformityRepository,
    ParticipantRepository,
    PreauditRepository,
    StandardRepository,
)
from services.audit.domain import dates
from services.audit.domain.access import ensure_can_see, ensure_leads, ensure_may_override_order, narrow
from services.audit.domain.filters import PreauditFilter
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
from shared.auth import Principal
from shared.deps import ReadDb
from shared.errors import Conflict, InvalidInput, RuleViolation
from shared.uow import UnitOfWork


@dataclass(frozen=True)
class PreauditView:
    preaudit: sa.Row[Any]
    results: list[sa.Row[Any]]


async def page(
    db: ReadDb, caller: Principal, *, filters: PreauditFilter, cursor: str | None, limit: int
) -> tuple[list[sa.Row[Any]], str | None]:
    return await PreauditRepository(db).page(filters=narrow(caller, filters), cursor=cursor, limit=limit)


async def read(db: ReadDb, caller: Principal, *, preaudit_id: uuid.UUID) -> PreauditView:
    repo = PreauditRepository(db)
    preaudit = await repo.get_or_raise(preaudit_id=preaudit_id)
    ensure_can_see(caller, preaudit.ruc)
    return PreauditView(preaudit, await repo.all_results(preaudit_id=preaudit_id))


async def schedule(
    uow: UnitOfWork, caller: Principal, body: PreauditCreate, config: AuditConfig
) -> sa.Row[Any]:
    """Schedule after training and technical assistance (PBE III), or on an officer's recorded override."""
    overridden = body.order_override_reason is not None
    if overridden:
        ensure_may_override_order(caller)
    async with uow:
        participants = ParticipantRepository(uow.session)
        participant = await participants.get_or_raise(participant_id=body.participant_id, for_update=True)
        ensure_active(participant)
        progress = await _progress(participants, participant)
        ensure_programme_order(progress, config.required_assistance_visits, overridden=overridden)
        repo = PreauditRepository(uow.session)
        open_one = await repo.get_open(participant_id=body.participant_id)
        if open_one is not None:
            raise Conflict(
                f"{participant.legal_name} already has an open pre-audit ({open_one.status}).",
                detail_es=f"{participant.legal_name} ya tiene una pre auditoría abierta ({open_one.status}).",
                extra={"preaudit_id": str(open_one.id)},
            )
        standard = await StandardRepository(uow.session).get_named(version=body.standard_version)
        ensure_programme_structure(standard.version, structure_of(standard), purpose="a pre-audit")
        now = uow.clock.now()
        override = {
            "order_override_by": caller.subject,
            "order_override_reason": body.order_override_reason,
            "order_override_at": now,
        }
        row = await repo.create(
            values={
                "id": uuid.uuid4(),
                "participant_id": body.participant_id,
                "ruc": participant.ruc,
                "standard_version": standard.version,
                "auditor": caller.subject,
                "auditor_name": body.auditor_name or caller.name,
                "audit_date": body.audit_date,
                "remediation_days": body.remediation_days or config.remediation_days,
                "status": PreauditStatus.scheduled,
                "created_at": now,
                **(override if overridden else {}),
            }
        )
        await uow.commit()
    return row


async def start(uow: UnitOfWork, caller: Principal, preaudit_id: uuid.UUID) -> sa.Row[Any]:
    return await _move(uow, caller, preaudit_id, PreauditStatus.in_progress)


async def cancel(uow: UnitOfWork, caller: Principal, preaudit_id: uuid.UUID) -> sa.Row[Any]:
    return await _move(uow, caller, preaudit_id, PreauditStatus.cancelled)


async def _move(
    uow: UnitOfWork, caller: Principal, preaudit_id: uuid.UUID, target: PreauditStatus
) -> sa.Row[Any]:
    async with uow:
        repo, preaudit = await _led(uow, caller, preaudit_id)
        changes: dict[str, Any] = {"status": PREAUDIT.ensure(preaudit.status, target)}
        if target == PreauditStatus.in_progress:
            changes["started_at"] = uow.clock.now()
        row = await repo.update(preaudit_id=preaudit_id, values=changes)
        await uow.commit()
    return row


async def record_results(
    uow: UnitOfWork, caller: Principal, preaudit_id: uuid.UUID, body: ResultsRecord
) -> int:
    """Record (or correct) results in bulk: one statement however many there are.

    Returns how many results the pre-audit now has.
    """
    results = [r.model_dump(mode="json") for r in body.results]
    async with uow:
        repo, preaudit = await _led(uow, caller, preaudit_id)
        if preaudit.status != PreauditStatus.in_progress:
            raise Conflict(
                f"Results are recorded while the pre-audit is in progress; it is '{preaudit.status}'.",
                detail_es=f"Los resultados se registran con la pre auditoría en curso; está en '{preaudit.status}'.",
                extra={"current_state": preaudit.status},
            )
        known = set(
            await StandardRepository(uow.session).all_requirement_codes(version=preaudit.standard_version)
        )
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
        await repo.save_results(preaudit_id=preaudit_id, results=results, at=uow.clock.now())
        recorded = await repo.count_results(preaudit_id=preaudit_id)
        await uow.commit()
    return recorded


async def conclude(
    uow: UnitOfWork, caller: Principal, preaudit_id: uuid.UUID, config: AuditConfig
) -> sa.Row[Any]:
    """Apply the zero-non-conformity rule to a complete pre-audit.

    Passed: publish ``audit.preaudit.passed``. Failed: every non-conformity gets the
    remediation deadline (audit date + remediation days) and an open record the company
    answers with a corrective action; publish ``audit.preaudit.failed`` with the counts.
    """
    async with uow:
        repo, preaudit = await _led(uow, caller, preaudit_id)
        results = await repo.all_results(preaudit_id=preaudit_id)
        result = outcome(r.result for r in results)
        target = PreauditStatus.passed if result.passed else PreauditStatus.failed
        PREAUDIT.ensure(preaudit.status, target)
        participants = ParticipantRepository(uow.session)
        participant = await participants.get_or_raise(participant_id=preaudit.participant_id)
        ensure_programme_order(
            await _progress(participants, participant),
            config.required_assistance_visits,
            overridden=preaudit.order_override_by is not None,
        )
        required = await StandardRepository(uow.session).all_requirement_codes(
            version=preaudit.standard_version
        )
        missing = missing_requirements(required, (r.requirement_code for r in results))
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
            preaudit_id=preaudit_id,
            values={
                "status": target,
                "concluded_at": now,
                "passed_at": now if result.passed else None,
                "remediation_deadline": deadline,
                "conforming": result.conforming,
                "observations": result.observations,
                "minor": result.minor,
                "major": result.major,
            },
        )
        if result.passed:
            uow.publish(publish.preaudit_passed(preaudit, participant, now))
        else:
            await NonconformityRepository(uow.session).create_many(
                rows=[
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


async def _led(
    uow: UnitOfWork, caller: Principal, preaudit_id: uuid.UUID
) -> tuple[PreauditRepository, sa.Row[Any]]:
    """The pre-audit, locked, once the caller may lead it."""
    repo = PreauditRepository(uow.session)
    preaudit = await repo.get_or_raise(preaudit_id=preaudit_id, for_update=True)
    ensure_leads(caller, preaudit)
    return repo, preaudit


async def _progress(participants: ParticipantRepository, participant: sa.Row[Any]) -> ProgrammeProgress:
    visits = await participants.count_assistance(participant_id=participant.participant_id)
    return ProgrammeProgress(participant.training_completed_at, visits)
