"""Per-(subscription, RUC) chains: a delivery is sent only after the one before it completed.

Only a chain's head is ``pending`` (sendable); the rest are ``queued``. The head is the queued
delivery whose event happened first, chosen when the previous head completes (delivered, or
failed for good) and again whenever a delivery joins the chain while the head is untouched
(never attempted, not being sent). With the worker's settle delay (a head is first sent
``ECO_WEBHOOK_ORDER_SETTLE_SECONDS`` after its event), an earlier event of the same company that
the consumer reads a little later from another topic still goes first. Both sides take the chain's transaction-scoped advisory lock first, always in the
same (sorted) order, so an insert and a completion never miss each other and never deadlock.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from services.webhooks.db.repositories import DeliveryRepository
from shared.uow import UnitOfWork


async def enqueue(
    uow: UnitOfWork,
    message_id: str,
    ruc: str,
    subscriptions: list[uuid.UUID],
    now: datetime,
    *,
    manual: bool = False,
) -> list[int]:
    """Deliveries of one message to these subscriptions, each in its chain by event time."""
    if not subscriptions:
        return []
    repo = DeliveryRepository(uow.session)
    await repo.lock_chains(chains=[(s, ruc) for s in subscriptions])
    ids = await repo.create_queued(
        message_id=message_id, ruc=ruc, subscriptions=subscriptions, now=now, manual=manual
    )
    await repo.promote_heads(chains={(s, ruc) for s in subscriptions}, now=now)
    return ids
