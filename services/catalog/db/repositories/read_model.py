"""Repositories of the event-fed read model: companies, certificates, participants.

Every write is an upsert whose conflict branch *merges* instead of overwriting:
earliest-wins for "first time" facts (``least``), latest-wins for snapshots (compared
on the event's own time, then its id), so re-delivery is harmless and events from
different topics may interleave freely. The ``all_*`` reads are the milestones the
programme indicators count. Repositories never commit.
"""

from __future__ import annotations

import functools
import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.catalog.db.tables import certificates, companies, participants
from shared.repository import Repository

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

c, p, cert = companies.c, participants.c, certificates.c


@functools.cache
def _snapshot_upsert() -> Any:
    """The snapshot upsert, built once (its CASE per field made building and hashing it per
    event the largest CPU cost of the catalogue's consumer, issue 15); the row travels as
    parameters."""
    stmt = pg_insert(companies)
    new = stmt.excluded
    newer = sa.or_(
        c.snapshot_at.is_(None),
        sa.tuple_(new.snapshot_at, new.snapshot_event_id) > sa.tuple_(c.snapshot_at, c.snapshot_event_id),
    )
    merged: dict[str, Any] = {
        f: sa.case((newer, new[f]), else_=c[f])
        for f in (*SNAPSHOT_FIELDS, "snapshot_at", "snapshot_event_id")
    }
    merged["registered_at"] = sa.func.least(c.registered_at, new.registered_at)
    merged["last_registered_at"] = sa.func.greatest(c.last_registered_at, new.last_registered_at)
    return stmt.on_conflict_do_update(index_elements=[c.ruc], set_=merged)


class CompanyRepository(Repository):
    """Enrollment's company snapshots (``ruc``)."""

    table = companies
    noun = "Company"
    noun_es = "La empresa"

    async def get(self, *, ruc: str) -> sa.Row[Any] | None:
        return await self._one_by("ruc", ruc)

    async def record_snapshot(
        self,
        *,
        ruc: str,
        snapshot: dict[str, Any],
        occurred_at: datetime,
        event_id: uuid.UUID,
        registered: bool,
    ) -> None:
        """Keep the newest snapshot (by event time, then id); remember the first registration."""
        values = {
            "ruc": ruc,
            **{f: snapshot.get(f) for f in SNAPSHOT_FIELDS},
            "snapshot_at": occurred_at,
            "snapshot_event_id": event_id,
            "registered_at": occurred_at if registered else None,
            "last_registered_at": occurred_at if registered else None,
        }
        await self.db.execute(_snapshot_upsert(), values)

    async def record_deleted(self, *, ruc: str, deleted_at: datetime) -> None:
        """Remember the latest deletion (the company row may not exist yet: events have no order)."""
        stmt = pg_insert(companies).values(ruc=ruc, deleted_at=deleted_at)
        await self.db.execute(
            stmt.on_conflict_do_update(
                index_elements=[c.ruc],
                set_={"deleted_at": sa.func.greatest(c.deleted_at, stmt.excluded.deleted_at)},
            )
        )

    async def all_registered(self) -> list[sa.Row[Any]]:
        """Registered companies not deleted since; one re-registered after a deletion counts from
        that latest registration."""
        stmt = sa.select(
            c.ruc,
            sa.case((c.deleted_at.is_(None), c.registered_at), else_=c.last_registered_at).label(
                "registered_at"
            ),
        ).where(
            c.registered_at.is_not(None),
            sa.or_(c.deleted_at.is_(None), c.last_registered_at > c.deleted_at),
        )
        return await self._all(stmt)


class CertificateRepository(Repository):
    """Certificates as audit's events tell them (``certificate_id``; ``certificate_number`` unique)."""

    table = certificates
    noun = "Certificate"
    noun_es = "El certificado"

    async def get(
        self, *, certificate_id: uuid.UUID | None = None, certificate_number: str | None = None
    ) -> sa.Row[Any] | None:
        """By either key (give one)."""
        if certificate_number is not None:
            return await self._one_by("certificate_number", certificate_number)
        return await self._one_by("certificate_id", certificate_id)

    async def get_current(self, *, ruc: str) -> sa.Row[Any] | None:
        """The company's latest issued certificate (a renewal supersedes the one before)."""
        stmt = (
            self._select(cert.ruc == ruc, cert.issued_on.is_not(None))
            .order_by(cert.issued_on.desc(), cert.certificate_number.desc())
            .limit(1)
        )
        return await self._one(stmt)

    async def update(self, *, certificate_id: uuid.UUID, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._update(cert.certificate_id == certificate_id, values)

    async def record_issue(self, *, certificate_id: uuid.UUID, values: dict[str, Any]) -> None:
        """The issue facts of a certificate (the same in every redelivery: the latest copy stands)."""
        stmt = pg_insert(certificates).values(certificate_id=certificate_id, **values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[cert.certificate_id], set_={k: stmt.excluded[k] for k in values}
        )
        await self.db.execute(stmt)

    async def record_fact(
        self,
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
            index_elements=[cert.certificate_id],
            set_={fact: keep(cert[fact], stmt.excluded[fact])},
        )
        await self.db.execute(stmt)

    async def record_mark_licence(
        self,
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
        newer = sa.or_(cert.mark_changed_at.is_(None), cert.mark_changed_at <= stmt.excluded.mark_changed_at)
        stmt = stmt.on_conflict_do_update(
            index_elements=[cert.certificate_id],
            set_={k: sa.case((newer, stmt.excluded[k]), else_=cert[k]) for k in values},
        )
        await self.db.execute(stmt)

    async def all_issued(self) -> list[sa.Row[Any]]:
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
        return await self._all(stmt)


class ParticipantRepository(Repository):
    """Programme milestones per participant (``participant_id``)."""

    table = participants
    noun = "Participant"
    noun_es = "El participante"

    async def record(
        self,
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
        new = stmt.excluded
        merged: dict[str, Any] = {"ruc": new.ruc}
        merged |= {k: new[k] for k in authoritative}
        merged |= {k: sa.func.coalesce(p[k], new[k]) for k in fallback if k not in authoritative}
        merged |= {k: sa.func.least(p[k], new[k]) for k in earliest}
        merged |= {k: sa.func.greatest(p[k], new[k]) for k in latest}
        await self.db.execute(stmt.on_conflict_do_update(index_elements=[p.participant_id], set_=merged))

    async def all_milestones(self) -> list[sa.Row[Any]]:
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
        ).select_from(participants.outerjoin(companies, c.ruc == p.ruc))
        return await self._all(stmt)
