"""Training learns who follows each company from enrollment's admission and reassignment events,
whatever order they arrive in, and only that monitor acts for the company."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from shared.auth import Role
from shared.events.contracts.enrollment import MonitorReassigned, MonitorRef
from tests.integration.training.conftest import API, admitted_event, wait_participants
from tests.support.testing import eventually, publish_event

VISIT = {"held_on": "2025-05-12", "mode": "call", "duration_minutes": 30}


def _reassigned(admitted, subject: str, *, later_by: timedelta) -> MonitorReassigned:
    return MonitorReassigned(
        participant_id=admitted.participant_id,
        company_id=admitted.company_id,
        ruc=admitted.ruc,
        cohort_id=admitted.cohort_id,
        monitor=MonitorRef(monitor_id=uuid.uuid4(), name="Rosa Quispe", user_subject=subject),
        previous_monitor_id=admitted.monitor.monitor_id,
        reason="carga",
        reassigned_at=admitted.admitted_at + later_by,
    )


async def _acts(client, as_role, admitted, subject: str) -> int:
    url = f"{API}/participants/{admitted.participant_id}/assistance"
    return (await client.post(url, json=VISIT, headers=as_role(Role.monitor, subject=subject))).status_code


async def test_the_newest_monitor_takes_over_in_either_order(client, officer, as_role, training_settings):
    cohort = uuid.uuid4()
    first, second = admitted_event(cohort), admitted_event(cohort)
    new_first = _reassigned(first, f"rosa-{uuid.uuid4().hex[:6]}", later_by=timedelta(days=3))
    new_second = _reassigned(second, f"rosa-{uuid.uuid4().hex[:6]}", later_by=timedelta(days=3))
    # The usual order for the first company; the reassignment first for the second one.
    for event in (first, new_first, new_second, second):
        await asyncio.to_thread(publish_event, training_settings, event, producer="enrollment")
    await wait_participants(client, officer, cohort, 2)
    for admitted, reassigned in ((first, new_first), (second, new_second)):

        async def taken_over(admitted=admitted, reassigned=reassigned):
            return await _acts(client, as_role, admitted, reassigned.monitor.user_subject) == 201

        await eventually(taken_over, timeout=30, message="the new monitor acts for the company")
        assert await _acts(client, as_role, admitted, "monitor-luis") == 404  # the former one no longer

    async def filled_in() -> bool:  # the admission travels on another topic: it may come later
        seen = (await client.get(f"{API}/participants/{second.participant_id}", headers=officer)).json()
        return bool(seen["legal_name"] == second.legal_name)

    await eventually(filled_in, timeout=30, message="the admission still filled in the rest")
    assert await _acts(client, as_role, second, "monitor-luis") == 404  # and did not take the company back
