"""The unit of work's transaction on the driver pool (``shared.db.KernelTransaction``), against
the real Postgres: every kind of statement the repositories send, SQLAlchemy's exceptions,
savepoints, and connections that die or are abandoned mid-transaction."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from shared.db import _READ_POOLS, KernelTransaction, _gone
from shared.errors import classify_failure
from tests.integration.kernel.conftest import TABLES, WIDGETS, ProbeCreated
from tests.support.testing import eventually


async def _count(engine, *ids: str) -> int:
    async with engine.connect() as conn:
        return (
            await conn.execute(sa.select(sa.func.count()).where(WIDGETS.c.id.in_(list(ids))))
        ).scalar_one()


async def test_the_unit_of_work_runs_on_the_driver_pool(kernel_uow):
    async with kernel_uow() as uow:
        assert isinstance(uow.session, KernelTransaction)


async def test_every_kind_of_statement_runs_in_one_transaction(kernel_engine, kernel_uow):
    ids = [uuid.uuid4().hex for _ in range(3)]
    async with kernel_uow() as uow:
        db = uow.session
        for n, widget in enumerate(ids):
            await db.execute(sa.insert(WIDGETS).values(id=widget, effects=n))
        found = await db.execute(
            sa.select(WIDGETS.c.id, WIDGETS.c.effects)
            .where(WIDGETS.c.id.in_(ids[:2]))
            .order_by(WIDGETS.c.effects)
        )
        assert [(r.id, r.effects) for r in found] == [(ids[0], 0), (ids[1], 1)]  # an IN list, expanded
        # the same shape with another count of elements: the SQL is per call
        assert len((await db.execute(sa.select(WIDGETS).where(WIDGETS.c.id.in_(ids)))).all()) == 3
        text = await db.execute(sa.text("SELECT :n + 1 AS next, 'x' AS label").bindparams(n=41))
        assert text.one()._mapping == {"next": 42, "label": "x"}
        updated = await db.execute(sa.update(WIDGETS).where(WIDGETS.c.id.in_(ids)).values(effects=7))
        assert updated.rowcount == 3
        await db.execute(sa.text(f"LOCK TABLE {WIDGETS.fullname} IN SHARE ROW EXCLUSIVE MODE"))
        for widget in ids:
            uow.publish(ProbeCreated(widget_id=widget))  # three outbox rows: one executemany
        assert await _count(kernel_engine, *ids) == 0  # not committed yet: another connection sees none
        await uow.commit()
    assert await _count(kernel_engine, *ids) == 3
    async with kernel_engine.connect() as conn:
        events = (
            await conn.execute(
                sa.select(sa.func.count()).where(
                    TABLES.outbox.c.envelope["payload"]["widget_id"].astext.in_(ids)
                )
            )
        ).scalar_one()
    assert events == 3


async def test_a_unique_violation_is_sqlalchemys_integrity_error_and_rolls_back(kernel_engine, kernel_uow):
    widget = uuid.uuid4().hex
    with pytest.raises(sa.exc.IntegrityError) as raised:
        async with kernel_uow() as uow:
            await uow.session.execute(sa.insert(WIDGETS).values(id=widget))
            await uow.session.execute(sa.insert(WIDGETS).values(id=widget))
    assert raised.value.orig.sqlstate == "23505" and not raised.value.connection_invalidated
    assert classify_failure(raised.value) == "unknown"
    assert await _count(kernel_engine, widget) == 0


async def test_a_savepoint_rolls_back_its_block_alone(kernel_engine, kernel_uow):
    kept, dropped = uuid.uuid4().hex, uuid.uuid4().hex
    async with kernel_uow() as uow:
        await uow.session.execute(sa.insert(WIDGETS).values(id=kept))
        with pytest.raises(sa.exc.IntegrityError):
            async with uow.session.begin_nested():
                await uow.session.execute(sa.insert(WIDGETS).values(id=dropped))
                await uow.session.execute(sa.insert(WIDGETS).values(id=kept))  # taken: the block fails
        await uow.commit()
    assert await _count(kernel_engine, kept) == 1 and await _count(kernel_engine, dropped) == 0


@pytest.mark.parametrize("noticed", [False, True], ids=["sent-before-the-close-is-seen", "after"])
async def test_a_connection_killed_mid_transaction_is_transient_and_not_pooled(
    kernel_engine, kernel_uow, noticed
):
    """Whether the next statement goes out before asyncpg sees the connection close, or after
    (its pool then takes the connection back at once and every call on it raises)."""
    widget = uuid.uuid4().hex
    with pytest.raises(sa.exc.DBAPIError) as raised:
        async with kernel_uow() as uow:
            await uow.session.execute(sa.insert(WIDGETS).values(id=widget))
            pid = (await uow.session.execute(sa.select(sa.func.pg_backend_pid()))).scalar_one()
            async with kernel_engine.connect() as other:
                await other.execute(sa.select(sa.func.pg_terminate_backend(pid)))
            if noticed:
                raw = uow.session.raw
                await eventually(lambda: _gone(raw), timeout=10, message="asyncpg sees the close")
            await uow.session.execute(sa.select(WIDGETS).where(WIDGETS.c.id == widget))
    assert raised.value.connection_invalidated and classify_failure(raised.value) == "transient"
    for _ in range(12):  # every pooled connection still works: the dead one was let go
        async with kernel_uow() as uow:
            assert (await uow.session.execute(sa.select(sa.func.pg_backend_pid()))).scalar_one() != pid
            await uow.commit()
    assert await _count(kernel_engine, widget) == 0


async def test_a_unit_of_work_cancelled_mid_transaction_leaves_no_transaction_behind(
    kernel_engine, kernel_uow
):
    widget = uuid.uuid4().hex
    inside = asyncio.Event()

    async def abandoned() -> None:
        async with kernel_uow() as uow:
            await uow.session.execute(sa.insert(WIDGETS).values(id=widget))
            inside.set()
            await asyncio.Event().wait()  # cancelled here, the row written, nothing committed

    task = asyncio.create_task(abandoned())
    await inside.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    pool = await _READ_POOLS[kernel_engine.pool].get()
    connections = [await pool.acquire() for _ in range(pool.get_size())]
    try:
        assert not any(c.is_in_transaction() for c in connections)
    finally:
        for c in connections:
            await pool.release(c)
    assert await _count(kernel_engine, widget) == 0
    # each pooled connection, the abandoned one among them, still opens real transactions
    after = [uuid.uuid4().hex for _ in range(pool.get_size() + 1)]
    for other in after:
        async with kernel_uow() as uow:
            await uow.session.execute(sa.insert(WIDGETS).values(id=other))
            await uow.commit()
    assert await _count(kernel_engine, *after) == len(after)


async def test_statements_only_sqlalchemy_runs_join_the_same_transaction(kernel_engine, kernel_uow):
    """Several rows' VALUES with ON CONFLICT, and many parameter sets with RETURNING, run through
    SQLAlchemy's own execution, on the unit of work's connection, inside its transaction."""
    ids = [uuid.uuid4().hex for _ in range(5)]
    with pytest.raises(RuntimeError, match="roll it all back"):
        async with kernel_uow() as uow:
            db = uow.session
            upserted = await db.execute(
                pg_insert(WIDGETS)
                .values([{"id": i, "effects": n} for n, i in enumerate(ids[:3])])
                .on_conflict_do_update(index_elements=[WIDGETS.c.id], set_={"effects": 9})
                .returning(WIDGETS.c.id)
            )
            assert sorted(r.id for r in upserted) == sorted(ids[:3])
            many = await db.execute(sa.insert(WIDGETS).returning(WIDGETS.c.id), [{"id": i} for i in ids[3:]])
            assert sorted(r.id for r in many) == sorted(ids[3:])
            seen = await db.execute(sa.select(sa.func.count()).where(WIDGETS.c.id.in_(ids)))
            assert seen.scalar_one() == 5  # the same transaction sees what SQLAlchemy wrote
            raise RuntimeError("roll it all back")
    assert await _count(kernel_engine, *ids) == 0


async def test_a_failed_begin_gives_its_connection_back(kernel_uow, kernel_engine, monkeypatch):
    """BEGIN failing on a live connection (the unit of work never entered, so its exit never
    runs) must not keep the connection checked out: a few of those would empty the pool."""
    import asyncpg.transaction

    pool = await _READ_POOLS[kernel_engine.pool].get()
    async with kernel_uow() as uow:  # at least one connection in the pool
        await uow.commit()
    start = asyncpg.transaction.Transaction.start

    async def refused(self):
        raise asyncpg.exceptions.InsufficientPrivilegeError("no transactions today")

    monkeypatch.setattr(asyncpg.transaction.Transaction, "start", refused)
    for _ in range(pool.get_max_size() + 2):  # more than the pool holds: a leak would hang here
        with pytest.raises(sa.exc.DBAPIError):
            async with kernel_uow():
                pass
    monkeypatch.setattr(asyncpg.transaction.Transaction, "start", start)
    async with kernel_uow() as uow:
        assert (await uow.session.execute(sa.select(sa.literal(1)))).scalar_one() == 1
        await uow.commit()
