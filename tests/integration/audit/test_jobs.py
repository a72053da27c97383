"""The daily expiry job: runs at start, expires what is due by the app clock's Lima date."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from services.audit.jobs import certificate_expiry_job
from shared.auth import Role
from tests.integration.audit.support import API, admit, headers, make_eligible, register_body
from tests.integration.audit.test_certification import LEAP_EVENING, certify
from tests.support.testing import eventually


async def test_the_job_expires_due_certificates_as_soon_as_it_starts(
    client, audit_app, audit_settings, clock
):
    company = await admit(client, audit_settings)
    await make_eligible(client, audit_settings, company)
    body = await register_body(client, audit_settings, valid_from="2028-01-01", valid_to="2031-12-31")
    with clock.at(LEAP_EVENING):
        number = (await certify(client, audit_settings, company, body, day=clock.today())).certificate[
            "number"
        ]
    officer = headers(audit_settings, Role.promperu_officer)

    async def status() -> str:
        return (await client.get(f"{API}/certificates/{number}", headers=officer)).json()["status"]

    stop = asyncio.Event()
    # 00:30 in Lima on the expiry date: the first pass of the day must catch it.
    with clock.at(datetime(2030, 2, 28, 5, 30, tzinfo=UTC)):
        job = asyncio.create_task(certificate_expiry_job(audit_app, stop))
        try:
            assert await eventually(lambda: _is(status, "expired"), message="expired by the job") is True
        finally:
            stop.set()
            await asyncio.wait_for(job, timeout=10)
    assert job.done() and job.exception() is None


async def _is(status, expected: str) -> bool:
    return await status() == expected
