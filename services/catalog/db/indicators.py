"""Reads of the milestones the indicators count, from the event-fed tables."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from services.catalog.db.tables import certificates, companies, participants

c, p, cert = companies.c, participants.c, certificates.c


async def registrations(session: AsyncSession) -> list[sa.Row]:
    """Registered companies not deleted since; one re-registered after a deletion counts from
    that latest registration."""
    stmt = sa.select(
        c.ruc,
        sa.case((c.deleted_at.is_(None), c.registered_at), else_=c.last_registered_at).label("registered_at"),
    ).where(
        c.registered_at.is_not(None),
        sa.or_(c.deleted_at.is_(None), c.last_registered_at > c.deleted_at),
    )
    return list((await session.execute(stmt)).all())


async def participant_milestones(session: AsyncSession) -> list[sa.Row]:
    """Every participant with the company's snapshot profile as a fallback."""
    stmt = sa.select(
        p.participant_id,
        p.ruc,
        p.cohort_id,
        p.cohort_name,
        sa.func.coalesce(p.women_led, c.women_led, sa.false()).label("women_led"),
        p.admitted_at,
        p.completed_at,
        p.completion_revoked_at,
        p.preaudit_passed_at,
    ).select_from(participants.outerjoin(companies, companies.c.ruc == p.ruc))
    return list((await session.execute(stmt)).all())


async def certifications(session: AsyncSession) -> list[sa.Row]:
    """Issued certificates with the holder's cohort and region (the company's, else the admission's)."""
    stmt = (
        sa.select(
            cert.ruc,
            cert.issued_on,
            p.cohort_id,
            sa.func.coalesce(c.region, p.region).label("region"),
        )
        .select_from(
            certificates.outerjoin(participants, p.participant_id == cert.participant_id).outerjoin(
                companies, c.ruc == cert.ruc
            )
        )
        .where(cert.issued_on.is_not(None))
    )
    return list((await session.execute(stmt)).all())
