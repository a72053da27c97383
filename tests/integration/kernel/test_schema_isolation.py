"""Each DB role (the four services' and the gateway's) reaches its own schema and nothing else."""

from __future__ import annotations

import asyncpg
import pytest

from shared.settings import DB_SCHEMAS

# A table each schema surely has (the gateway keeps API key hashes, no outbox).
A_TABLE = {schema: "outbox" for schema in DB_SCHEMAS} | {"gateway": "api_keys"}


async def _connect(settings):
    return await asyncpg.connect(
        host=settings.pg_host,
        port=settings.pg_port,
        user=settings.db_user,
        password=settings.db_password,
        database=settings.pg_database,
    )


@pytest.mark.parametrize("service", DB_SCHEMAS)
async def test_role_reads_and_writes_its_own_schema(settings_for, service):
    conn = await _connect(settings_for(service))
    try:
        async with conn.transaction():
            await conn.execute(f"CREATE TABLE {service}.isolation_probe (id int)")
            await conn.execute(f"INSERT INTO {service}.isolation_probe VALUES (1)")
            assert await conn.fetchval(f"SELECT count(*) FROM {service}.isolation_probe") == 1
            await conn.execute(f"DROP TABLE {service}.isolation_probe")
    finally:
        await conn.close()


@pytest.mark.parametrize("service", DB_SCHEMAS)
async def test_role_cannot_read_another_services_schema(settings_for, service):
    conn = await _connect(settings_for(service))
    try:
        for other in DB_SCHEMAS:
            if other == service:
                continue
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.fetch(f"SELECT * FROM {other}.{A_TABLE[other]} LIMIT 1")
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(f"CREATE TABLE {other}.intruder (id int)")
    finally:
        await conn.close()


async def test_role_cannot_create_objects_in_public(settings_for):
    conn = await _connect(settings_for("enrollment"))
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("CREATE TABLE public.intruder (id int)")
    finally:
        await conn.close()
