"""Who may see or change what, beyond the role check of the route: the kernel's rules
(shared/access.py) applied to enrollment's records.

A company sees only its own RUC; a monitor sees the participants currently assigned to
it (matched by the monitor's ``user_subject``, the id its login carries) and their
companies; officers, admins and partner systems see everything they are routed to. What a
caller may not see is 404, as if it did not exist.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from services.enrollment.db.repositories import Executor
from services.enrollment.db.tables import applications, monitor_assignments, monitors
from shared.access import hidden
from shared.auth import Principal, Role
from shared.errors import NotFound


def is_staff(principal: Principal) -> bool:
    return principal.role in (Role.promperu_officer, Role.admin)


def monitored_application_ids(subject: str) -> sa.Select:
    """Applications whose open assignment belongs to the monitor logged in as ``subject``."""
    return (
        sa.select(monitor_assignments.c.application_id)
        .join(monitors, monitors.c.id == monitor_assignments.c.monitor_id)
        .where(monitor_assignments.c.to_on.is_(None), monitors.c.user_subject == subject)
    )


def monitored_company_ids(subject: str) -> sa.Select:
    return sa.select(applications.c.company_id).where(
        applications.c.id.in_(monitored_application_ids(subject))
    )


def _not_assigned(what: str, ident: object) -> NotFound:
    return hidden(what, ident)


async def ensure_may_read_company(
    db: Executor, principal: Principal, *, ruc: str, company_id: uuid.UUID
) -> None:
    principal.ensure_company(ruc)
    if principal.role == Role.monitor:
        stmt = sa.select(
            sa.exists(monitored_company_ids(principal.subject).where(applications.c.company_id == company_id))
        )
        if not (await db.execute(stmt)).scalar_one():
            raise _not_assigned("Company", ruc)


async def ensure_may_read_application(
    db: Executor, principal: Principal, *, ruc: str, application_id: uuid.UUID
) -> None:
    principal.ensure_company(ruc)
    if principal.role == Role.monitor:
        stmt = sa.select(
            sa.exists(
                monitored_application_ids(principal.subject).where(
                    monitor_assignments.c.application_id == application_id
                )
            )
        )
        if not (await db.execute(stmt)).scalar_one():
            raise _not_assigned("Application", application_id)


def company_filter(principal: Principal, company_ruc_col: sa.ColumnElement, company_id_col: sa.ColumnElement):
    """The WHERE clause limiting a listing of companies to what ``principal`` may see."""
    if principal.role == Role.company:
        return company_ruc_col == (principal.ruc or "")
    if principal.role == Role.monitor:
        return company_id_col.in_(monitored_company_ids(principal.subject))
    return sa.true()


def application_filter(principal: Principal, company_ruc_col: sa.ColumnElement):
    if principal.role == Role.company:
        return company_ruc_col == (principal.ruc or "")
    if principal.role == Role.monitor:
        return applications.c.id.in_(monitored_application_ids(principal.subject))
    return sa.true()
