"""Replaying the topics from the beginning rebuilds exactly the catalogue the consumer built."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import sqlalchemy as sa

from services.catalog.db.repositories.catalogue import lexemes_of, vocabulary_of
from services.catalog.db.tables import organisations, search_lexemes, search_words
from services.catalog.rebuild import digest, rebuild
from tests.integration.catalog import events as ev
from tests.support.testing import eventually


def scripted_history() -> list:
    """A small programme: snapshots, updates, a full lifecycle, out-of-order facts, milestones."""
    cohort = uuid.uuid4()
    a, b, c = ev.new_ruc(), ev.new_ruc(), ev.new_ruc()
    pa = uuid.uuid4()
    cert_a, cert_b, cert_c = (
        ev.issued(a, "Alfa S.A.", participant_id=pa),
        ev.issued(b, "Beta"),
        ev.issued(c, "Gama"),
    )
    now = datetime.now(UTC)
    return [
        ev.suspended(cert_c),  # before its issue
        ev.registered(a, "Alfa S.A.", products=["harina de maca"], region="Junín"),
        ev.updated(a, "Alfa Andina S.A.", products=["harina de maca", "snacks"], region="Junín"),
        ev.admitted(a, cohort, at=now, participant_id=pa, women_led=True),
        ev.completed(a, pa, cohort, at=now),
        ev.preaudit_passed(a, pa, cohort, at=now),
        cert_a,
        cert_b,  # no snapshot for B yet
        ev.registered(b, "Beta Textil S.A.C.", region="Arequipa", women_led=True),
        ev.suspended(cert_b),
        ev.withdrawn(cert_b),
        cert_c,
        ev.expired(ev.issued(c, "Gama", certificate_id=uuid.uuid4(), issued_on=date(2020, 1, 1))),
    ], (a, b, c)


async def test_rebuild_from_the_topics_gives_an_identical_catalogue(catalog_app, catalog_settings):
    engine = catalog_app.state.engine
    await rebuild(catalog_settings)  # start from exactly what the topics say (the DB outlives runs)

    history, rucs = scripted_history()
    envelopes = await ev.publish(catalog_settings, *history)
    await eventually(lambda: ev.all_processed(catalog_app, *envelopes), timeout=60, message="history applied")
    live = await digest(engine)
    async with engine.connect() as conn:
        listed = (
            await conn.execute(sa.select(sa.func.count()).where(organisations.c.ruc.in_(rucs)))
        ).scalar()
    assert listed == 3

    report = await rebuild(catalog_settings)

    assert report.read >= len(history)
    assert report.applied + report.duplicates + len(report.skipped) == report.read
    assert report.digest == live
    assert await digest(engine) == live


async def test_a_second_rebuild_changes_nothing_but_what_upserts_left_stale(catalog_app, catalog_settings):
    """The read model is the same; the search vocabulary and lexeme bounds, which upserts only
    grow and lower, are recomputed: exactly the organisations' words and least names."""
    engine = catalog_app.state.engine
    # Organisations of its own on the topics: first in a run on a fresh database, the topics had
    # none and the vocabulary compared was empty on both sides.
    history, _ = scripted_history()
    envelopes = await ev.publish(catalog_settings, *history)
    await eventually(lambda: ev.all_processed(catalog_app, *envelopes), timeout=60, message="history applied")
    first = await rebuild(catalog_settings)
    stale = ev.token()
    async with engine.begin() as conn:
        await conn.execute(sa.insert(search_words).values(word=stale))
        await conn.execute(sa.insert(search_lexemes).values(lexeme=stale, first_key=""))

    second = await rebuild(catalog_settings)

    assert second.digest == first.digest
    assert second.read == first.read
    async with engine.connect() as conn:
        vocabulary = set((await conn.execute(sa.select(search_words.c.word))).scalars())
        used = set((await conn.execute(vocabulary_of(organisations))).scalars())
        bounds = set(
            (await conn.execute(sa.select(search_lexemes.c.lexeme, search_lexemes.c.first_key))).all()
        )
        least = set((await conn.execute(lexemes_of(organisations))).all())
    assert stale not in vocabulary
    assert vocabulary == used and used
    assert bounds == least and least
