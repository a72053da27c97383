"""Success stories drafted from the circular service's finished transition journeys.

``circular.journey.finished`` carries the journey's figures (baseline and prices from the
commitment, the result from the latest measurement) with their sources. The hub turns them into
a **draft** story in the company's name: it stays private until the company submits it and an
officer publishes it, as any story (domain/stories.py). The story's id is derived from the
journey's (``story_id_for``), so a replayed event or a rebuild finds the draft and leaves it,
and whatever the company edited since, alone; ``created_by`` names the journey it came from.
"""

from __future__ import annotations

import uuid

from services.catalog.db.repositories.hub import EmissionFactorRepository, StoryRepository
from services.catalog.domain.savings import Resource
from services.catalog.domain.stories import StoryStatus
from shared.events.contracts import circular
from shared.events.envelope import EventEnvelope
from shared.uow import UnitOfWork

# uuid5 namespace of stories drafted from journeys: story id = uuid5(namespace, journey id).
JOURNEY_STORIES = uuid.UUID("6f0c3a52-4d7e-5b1a-9c2e-8a1d3e5f7b90")
KNOWN = {r.value for r in Resource}


def story_id_for(journey_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(JOURNEY_STORIES, str(journey_id))


async def draft_from_journey(
    uow: UnitOfWork, event: circular.JourneyFinished, envelope: EventEnvelope
) -> None:
    story_id = story_id_for(event.journey_id)
    figures = {
        f.resource: {"baseline": str(f.baseline), "after": str(f.after), "unit_price": str(f.unit_price)}
        for f in event.figures
        if f.resource in KNOWN
    }
    async with uow:
        stories = StoryRepository(uow.session)
        if await stories.get(story_id=story_id) is not None or not figures:
            return
        now = uow.clock.now()
        # The emission factors in force today, the defaults per resource (the company may choose others
        # when it edits the draft), as a story written in the hub gets them.
        in_force = await EmissionFactorRepository(uow.session).all_in_force(on=uow.clock.today())
        factor_refs = {
            row.resource: {"code": row.code, "version": row.version} for row in in_force if row.is_default
        }
        await stories.create(
            values={
                "story_id": story_id,
                "ruc": event.ruc,
                "company_name": event.legal_name,
                "title": event.title,
                "measure": event.measure,
                "status": StoryStatus.draft.value,
                "figures": figures,
                "investment": event.investment,
                "factor_refs": factor_refs,
                "created_by": f"circular:journey:{event.journey_id}",
                "created_at": now,
                "updated_at": now,
            },
        )
        await uow.commit()
