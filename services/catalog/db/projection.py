"""Writes of the event-fed read model: merges that give the same rows in any arrival order.

Every statement is an upsert whose conflict branch *merges* instead of overwriting:
earliest-wins for "first time" facts (``least``), latest-wins for snapshots (compared
on the event's own time, then its id), so re-delivery is harmless and events from
different topics may interleave freely. Repositories never commit.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.catalog.db.tables import certificates, companies, organisations, participants

# What the catalogue keeps of enrollment's company snapshot. Listed here, not derived from
# the contract: a field enrollment adds later must not need a catalogue column first.
SNAPSHOT_FIELDS = (
    "company_id",
    "legal_name",
    "trade_name",
    "region",
    "ciiu_code",
    "size_class",
    "women_led",
    "website",
    "products",
    "founded_on",
)

# Lifecycle facts that may happen more than once (a certificate suspended, reinstated,
# suspended again): the latest of each is kept.
REPEATABLE_FACTS = frozenset({"suspended_at", "reinstated_at"})


async def upsert_company_snapshot(
    session: AsyncSession,
    *,
    ruc: str,
    snapshot: dict[str, Any],
    occurred_at: datetime,
    event_id: uuid.UUID,
    registered: bool,
) -> None:
    """Keep the newest snapshot (by event time, then id); remember the first registration."""
    stmt = pg_insert(companies).values(
        ruc=ruc,
        **{f: snapshot.get(f) for f in SNAPSHOT_FIELDS},
        snapshot_at=occurred_at,
        snapshot_event_id=event_id,
        registered_at=occurred_at if registered else None,
        last_registered_at=occurred_at if registered else None,
    )
    new = stmt.excluded
    newer = sa.or_(
        companies.c.snapshot_at.is_(None),
        sa.tuple_(new.snapshot_at, new.snapshot_event_id)
        > sa.tuple_(companies.c.snapshot_at, companies.c.snapshot_event_id),
    )
    merged = {
        f: sa.case((newer, new[f]), else_=companies.c[f])
        for f in (*SNAPSHOT_FIELDS, "snapshot_at", "snapshot_event_id")
    }
    merged["registered_at"] = sa.func.least(companies.c.registered_at, new.registered_at)
    merged["last_registered_at"] = sa.func.greatest(companies.c.last_registered_at, new.last_registered_at)
    await session.execute(stmt.on_conflict_do_update(index_elements=[companies.c.ruc], set_=merged))


async def record_company_deleted(session: AsyncSession, *, ruc: str, deleted_at: datetime) -> None:
    """Remember the latest deletion (the company row may not exist yet: events have no order)."""
    stmt = pg_insert(companies).values(ruc=ruc, deleted_at=deleted_at)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[companies.c.ruc],
            set_={"deleted_at": sa.func.greatest(companies.c.deleted_at, stmt.excluded.deleted_at)},
        )
    )


async def upsert_certificate_issue(session: AsyncSession, *, certificate_id: uuid.UUID, values: dict) -> None:
    """The issue facts of a certificate (the same in every redelivery: the latest copy stands)."""
    stmt = pg_insert(certificates).values(certificate_id=certificate_id, **values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[certificates.c.certificate_id], set_={k: stmt.excluded[k] for k in values}
    )
    await session.execute(stmt)


async def record_certificate_fact(
    session: AsyncSession,
    *,
    certificate_id: uuid.UUID,
    certificate_number: str,
    ruc: str,
    fact: str,
    value: datetime | date,
) -> None:
    """Record a lifecycle fact: ``withdrawn_at`` and ``expired_on`` happen once (earliest wins);
    ``suspended_at`` and ``reinstated_at`` may repeat (latest wins, the later of the two counts)."""
    stmt = pg_insert(certificates).values(
        certificate_id=certificate_id, certificate_number=certificate_number, ruc=ruc, **{fact: value}
    )
    keep = sa.func.greatest if fact in REPEATABLE_FACTS else sa.func.least
    stmt = stmt.on_conflict_do_update(
        index_elements=[certificates.c.certificate_id],
        set_={fact: keep(certificates.c[fact], stmt.excluded[fact])},
    )
    await session.execute(stmt)


async def get_certificate(session: AsyncSession, *, certificate_id: uuid.UUID) -> sa.Row | None:
    stmt = sa.select(certificates).where(certificates.c.certificate_id == certificate_id)
    return (await session.execute(stmt)).first()


async def update_certificate_status(
    session: AsyncSession, *, certificate_id: uuid.UUID, status: str | None
) -> None:
    await session.execute(
        sa.update(certificates).where(certificates.c.certificate_id == certificate_id).values(status=status)
    )


async def current_certificate(session: AsyncSession, *, ruc: str) -> sa.Row | None:
    """The company's latest issued certificate (a renewal supersedes the one before)."""
    stmt = (
        sa.select(certificates)
        .where(certificates.c.ruc == ruc, certificates.c.issued_on.is_not(None))
        .order_by(certificates.c.issued_on.desc(), certificates.c.certificate_number.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).first()


async def get_company(session: AsyncSession, *, ruc: str) -> sa.Row | None:
    return (await session.execute(sa.select(companies).where(companies.c.ruc == ruc))).first()


async def upsert_organisation(session: AsyncSession, *, values: dict[str, Any]) -> None:
    stmt = pg_insert(organisations).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[organisations.c.ruc], set_={k: stmt.excluded[k] for k in values if k != "ruc"}
    )
    await session.execute(stmt)


async def delete_organisation(session: AsyncSession, *, ruc: str) -> None:
    await session.execute(sa.delete(organisations).where(organisations.c.ruc == ruc))


async def upsert_participant(
    session: AsyncSession,
    *,
    participant_id: uuid.UUID,
    ruc: str,
    authoritative: dict[str, Any] | None = None,
    fallback: dict[str, Any] | None = None,
    earliest: dict[str, datetime] | None = None,
    latest: dict[str, datetime] | None = None,
) -> None:
    """Merge what one event says about a participant.

    ``authoritative`` fields overwrite (the admission defines cohort and profile),
    ``fallback`` fields fill only what is still empty, ``earliest``/``latest`` keep the
    first/last time of a milestone.
    """
    authoritative, fallback = authoritative or {}, fallback or {}
    earliest, latest = earliest or {}, latest or {}
    stmt = pg_insert(participants).values(
        participant_id=participant_id, ruc=ruc, **authoritative, **fallback, **earliest, **latest
    )
    new, cols = stmt.excluded, participants.c
    merged: dict[str, Any] = {"ruc": new.ruc}
    merged |= {k: new[k] for k in authoritative}
    merged |= {k: sa.func.coalesce(cols[k], new[k]) for k in fallback if k not in authoritative}
    merged |= {k: sa.func.least(cols[k], new[k]) for k in earliest}
    merged |= {k: sa.func.greatest(cols[k], new[k]) for k in latest}
    await session.execute(stmt.on_conflict_do_update(index_elements=[cols.participant_id], set_=merged))


async def record_mark_licence(
    session: AsyncSession,
    *,
    certificate_id: uuid.UUID,
    certificate_number: str,
    ruc: str,
    status: str,
    valid_until: date,
    changed_at: datetime,
) -> None:
    """The licence's latest status: a change older than the recorded one is ignored."""
    values = {"mark_status": status, "mark_valid_until": valid_until, "mark_changed_at": changed_at}
    stmt = pg_insert(certificates).values(
        certificate_id=certificate_id, certificate_number=certificate_number, ruc=ruc, **values
    )
    c = certificates.c
    newer = sa.or_(c.mark_changed_at.is_(None), c.mark_changed_at <= stmt.excluded.mark_changed_at)
    stmt = stmt.on_conflict_do_update(
        index_elements=[c.certificate_id],
        set_={k: sa.case((newer, stmt.excluded[k]), else_=c[k]) for k in values},
    )
    await session.execute(stmt)
