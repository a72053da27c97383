"""Periodic work of the audit service: the daily certificate expiry pass.

It runs once at start-up (catching up whatever expired while the service was down) and
then at every Lima midnight. Several replicas may run it: the pass expires each
certificate once whichever replica gets there first.
"""

from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI

from services.audit.domain.dates import next_lima_midnight
from services.audit.handlers.certificates import expire_certificates
from shared.clock import wait_unless_stopped

log = logging.getLogger("eco.audit.jobs")
RETRY_SECONDS = 60.0


async def certificate_expiry_job(app: FastAPI, stop: asyncio.Event) -> None:
    clock = app.state.clock
    while not stop.is_set():
        wait = RETRY_SECONDS
        try:
            as_of, expired = await expire_certificates(app.state.uow_factory())
            log.info("expiry pass as of %s expired %d certificate(s)", as_of, len(expired))
            wait = max(1.0, (next_lima_midnight(clock.now()) - clock.now()).total_seconds())
        except Exception:
            log.exception("certificate expiry pass failed; retrying in %.0f s", RETRY_SECONDS)
        await wait_unless_stopped(stop, wait)
