"""Section V evaluated against the stored data: on demand, by an officer, or after a change."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from services.enrollment.db.repositories import ApplicationRepository, SiteRepository
from services.enrollment.domain.applications import REEVALUATED_STATES, status_after_evaluation
from services.enrollment.domain.company import CompanyFacts, SiteFacts
from services.enrollment.domain.eligibility import (
    EligibilityInput,
    EligibilityReport,
    SwornDeclaration,
    evaluate,
)
from shared.repository import Executor
from shared.uow import UnitOfWork


async def report_for(
    db: Executor, application: sa.Row[Any], company: sa.Row[Any], on: date
) -> EligibilityReport:
    sites = await SiteRepository(db).all_for_company(company_id=company.id)
    sworn = None
    if application.sworn_accepted_at is not None:
        sworn = SwornDeclaration(
            accepted_by_subject=application.sworn_accepted_by_subject,
            accepted_by_name=application.sworn_accepted_by_name,
            accepted_by_dni=application.sworn_accepted_by_dni,
            accepted_at=application.sworn_accepted_at,
        )
    facts = EligibilityInput(
        CompanyFacts.from_row(company), [SiteFacts.from_row(s) for s in sites], sworn, on
    )
    return evaluate(facts)


async def apply_evaluation(
    uow: UnitOfWork, application: sa.Row[Any], company: sa.Row[Any], *, by: str | None, reason: str
) -> sa.Row[Any]:
    """Evaluate now, store the report, and move eligible <-> ineligible when the outcome changed."""
    report = await report_for(uow.session, application, company, uow.clock.today())
    target = status_after_evaluation(application.status, report.eligible)
    now = uow.clock.now()
    values: dict[str, Any] = {"eligibility_report": report.as_dict(), "evaluated_at": now, "updated_at": now}
    repo = ApplicationRepository(uow.session)
    if target != application.status:
        values["status"] = target.value
        await repo.record_transition(
            application_id=application.id,
            from_status=application.status,
            to_status=target.value,
            at=now,
            by=by,
            reason=reason if report.eligible else f"{reason}; failed: {', '.join(report.failed_rules)}",
        )
    return await repo.update(application_id=application.id, values=values)


async def reevaluate_company(uow: UnitOfWork, company: sa.Row[Any], *, by: str | None, reason: str) -> None:
    """Every evaluated, not yet admitted application of ``company`` follows its data."""
    repo = ApplicationRepository(uow.session)
    pending = await repo.all_for_company(
        company_id=company.id, statuses=[s.value for s in REEVALUATED_STATES], for_update=True
    )
    for application in pending:
        await apply_evaluation(uow, application, company, by=by, reason=reason)
