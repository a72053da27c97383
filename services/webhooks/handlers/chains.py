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

import hashlib
import uuid
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa

from shared.uow import UnitOfWork


def chain_key(subscription_id: uuid.UUID, ruc: str) -> int:
    digest = hashlib.sha256(f"webhooks/{subscription_id}/{ruc}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def lock_chains(uow: UnitOfWork, chains: Iterable[tuple[uuid.UUID, str]]) -> None:
    keys = sorted({chain_key(s, r) for s, r in chains})
    if not keys:
        return
    await uow.session.execute(
        sa.text(
            "SELECT count(pg_advisory_xact_lock(k)) FROM "
            "(SELECT k FROM unnest(CAST(:keys AS bigint[])) AS t(k) ORDER BY k) AS ordered"
        ),
        {"keys": keys},
    )


# An untouched head (never attempted, not being sent) steps back into the queue, so that the
# chain's next delivery is chosen again below, by when its event happened.
_DEMOTE = sa.text(
    """
    UPDATE webhooks.deliveries SET state = 'queued', next_attempt_at = NULL
    WHERE subscription_id = ANY(CAST(:subscriptions AS uuid[])) AND ruc = CAST(:ruc AS text)
      AND state = 'pending' AND attempts = 0
      AND (leased_until IS NULL OR leased_until <= CAST(:now AS timestamptz))
    """
)

_ENQUEUE = sa.text(
    """
    INSERT INTO webhooks.deliveries
        (subscription_id, message_id, ruc, state, next_attempt_at, manual, created_at)
    SELECT s.id, CAST(:message_id AS text), CAST(:ruc AS text), 'queued', NULL,
           CAST(:manual AS boolean), CAST(:now AS timestamptz)
    FROM unnest(CAST(:subscriptions AS uuid[])) AS s(id)
    RETURNING id
    """
)


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
    await lock_chains(uow, [(s, ruc) for s in subscriptions])
    params = {
        "message_id": message_id,
        "ruc": ruc,
        "subscriptions": subscriptions,
        "now": now,
        "manual": manual,
    }
    await uow.session.execute(_DEMOTE, params)
    result = await uow.session.execute(_ENQUEUE, params)
    ids = [row.id for row in result]
    await promote_next(uow, {(s, ruc) for s in subscriptions}, now)
    return ids


_PROMOTE = sa.text(
    """
    UPDATE webhooks.deliveries AS d SET state = 'pending', next_attempt_at = CAST(:now AS timestamptz)
    FROM (
        SELECT DISTINCT ON (q.subscription_id, q.ruc) q.id
        FROM unnest(CAST(:subscriptions AS uuid[]), CAST(:rucs AS text[])) AS c(subscription_id, ruc)
        JOIN webhooks.deliveries q
          ON q.subscription_id = c.subscription_id AND q.ruc = c.ruc AND q.state = 'queued'
        JOIN webhooks.messages m ON m.id = q.message_id
        WHERE NOT EXISTS (
            SELECT 1 FROM webhooks.deliveries p
            WHERE p.subscription_id = c.subscription_id AND p.ruc = c.ruc AND p.state = 'pending'
        )
        ORDER BY q.subscription_id, q.ruc, m.occurred_at, q.id
    ) AS head
    WHERE d.id = head.id
    """
)


async def promote_next(uow: UnitOfWork, chains: set[tuple[uuid.UUID, str]], now: datetime) -> None:
    """Chains without a head get one: their queued delivery whose event happened first.

    The caller holds the chains' locks (taken before it completed or demoted their heads)."""
    if not chains:
        return
    ordered = sorted(chains, key=str)
    await uow.session.execute(
        _PROMOTE,
        {"subscriptions": [s for s, _ in ordered], "rucs": [r for _, r in ordered], "now": now},
    )
