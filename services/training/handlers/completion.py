"""Re-evaluating programme completion after anything that can change it.

Called by every use case that touches attendance, sessions, cohort settings or a
participant's status, inside that use case's transaction. The participants are locked
first, so two concurrent corrections of one company serialise and the second sees the
state the first left: ``completed`` is published once, whatever the interleaving.

Being the one place where a company's workshop results are computed after every change,
it also stores them as the company's matrix cells, so the cohort matrix (the programme
officer's hot read) is a plain read of rows the domain rule already produced.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection

from services.training.db.repositories import AttendanceRepository, CohortRepository, ParticipantRepository
from services.training.domain.completion import CompletionState, decide, evaluate
from services.training.domain.participants import ParticipantStatus
from services.training.domain.progress import (
    WorkshopResult,
    attended_workshops,
    progress_cells,
    workshop_results,
)
from services.training.events import publish
from shared.uow import UnitOfWork


async def reevaluate(
    uow: UnitOfWork,
    *,
    participant_ids: Collection[uuid.UUID] | None = None,
    cohort_id: uuid.UUID | None = None,
    reason: str,
) -> dict[uuid.UUID, CompletionState]:
    """Apply the completion rule to the given participants; returns the states that changed."""
    repo = ParticipantRepository(uow.session)
    locked = await repo.all(participant_ids=participant_ids, cohort_id=cohort_id, for_update=True)
    if not locked:
        return {}
    cohorts = CohortRepository(uow.session)
    settings = {cid: await cohorts.get_or_raise(cohort_id=cid) for cid in {p.cohort_id for p in locked}}
    presences = await AttendanceRepository(uow.session).presences(
        participant_ids=[p.participant_id for p in locked]
    )
    cohort_of = {p.participant_id: p.cohort_id for p in locked}
    results: dict[uuid.UUID, dict[int, WorkshopResult]] = {}
    for cid, cohort in settings.items():
        of_cohort = [x for x in presences if cohort_of[x.participant_id] == cid]
        results |= workshop_results(of_cohort, cohort.min_attendance_share)

    now = uow.clock.now()
    changed: dict[uuid.UUID, CompletionState] = {}
    changed_cells = []
    for participant in locked:
        mine = results.get(participant.participant_id, {})
        cells = progress_cells(mine)
        if (cells.attended, cells.share, cells.minutes) != (
            participant.cells_attended,
            participant.cells_share,
            participant.cells_minutes,
        ):
            changed_cells.append({"participant": participant.participant_id} | vars(cells))
        attended = attended_workshops(mine)
        evaluation = evaluate(
            settings[participant.cohort_id].mandatory_workshops,
            attended,
            withdrawn=participant.status == ParticipantStatus.withdrawn,
        )
        decision = decide(CompletionState(participant.completion_state), evaluation)
        if decision.event is None:
            continue
        completed = decision.state == CompletionState.completed
        await repo.update(
            participant_id=participant.participant_id,
            values={
                "completion_state": decision.state.value,
                "completed_at": now if completed else None,
                "completion_changed_at": now,
                "updated_at": now,
            },
        )
        if completed:
            uow.publish(publish.program_completed(participant, evaluation.attended, now))
        else:
            uow.publish(publish.completion_revoked(participant, evaluation.missing, now, reason))
        changed[participant.participant_id] = decision.state
    await repo.update_cells(rows=changed_cells)
    return changed
