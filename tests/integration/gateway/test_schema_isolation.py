"""The API key hashes are the gateway role's alone, and that role reaches no service's data."""

from __future__ import annotations

import asyncpg
import pytest

from shared.settings import SERVICES


async def _connect(settings) -> asyncpg.Connection:
    return await asyncpg.connect(
        host=settings.pg_host,
        port=settings.pg_port,
        user=settings.db_user,
        password=settings.db_password,
        database=settings.pg_database,
    )


@pytest.mark.parametrize("service", SERVICES)
async def test_no_service_role_reads_the_api_keys(settings_for, service):
    conn = await _connect(settings_for(service))
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.fetch("SELECT secret_hash FROM gateway.api_keys LIMIT 1")
    finally:
        await conn.close()


async def test_the_gateway_role_reaches_only_its_own_schema(gateway_settings):
    conn = await _connect(gateway_settings)
    try:
        assert gateway_settings.db_user == "gateway_svc"
        await conn.fetch("SELECT id FROM gateway.api_keys LIMIT 1")
        for service in SERVICES:
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.fetch(f"SELECT * FROM {service}.outbox LIMIT 1")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("CREATE TABLE public.intruder (id int)")
    finally:
        await conn.close()
