"""Per-(subscription, RUC) chains: a delivery is sent only after the one before it completed.

A new delivery is ``pending`` (sendable) when its chain holds no open delivery, else
``queued``; when the head completes (delivered, or failed for good) the queued one whose event
occurred first becomes pending (so two events of one company read from different topics in the
other order are still sent in the order they happened, once the first waits behind a head). Both sides take the chain's transaction-scoped advisory lock first, always in the
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


_ENQUEUE = sa.text(
    """
    INSERT INTO webhooks.deliveries
        (subscription_id, message_id, ruc, state, next_attempt_at, manual, created_at)
    SELECT s.id, CAST(:message_id AS text), CAST(:ruc AS text),
           CASE WHEN o.open THEN 'queued' ELSE 'pending' END,
           CASE WHEN o.open THEN NULL ELSE CAST(:now AS timestamptz) END,
           CAST(:manual AS boolean), CAST(:now AS timestamptz)
    FROM unnest(CAST(:subscriptions AS uuid[])) AS s(id)
    CROSS JOIN LATERAL (
        SELECT EXISTS (
            SELECT 1 FROM webhooks.deliveries d
            WHERE d.subscription_id = s.id AND d.ruc = CAST(:ruc AS text) AND d.state IN ('queued', 'pending')
        ) AS open
    ) AS o
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
    """Deliveries of one message to these subscriptions, each at the end of its chain."""
    if not subscriptions:
        return []
    await lock_chains(uow, [(s, ruc) for s in subscriptions])
    result = await uow.session.execute(
        _ENQUEUE,
        {
            "message_id": message_id,
            "ruc": ruc,
            "subscriptions": subscriptions,
            "now": now,
            "manual": manual,
        },
    )
    return [row.id for row in result]


_PROMOTE = sa.text(
    """
    UPDATE webhooks.deliveries SET state = 'pending', next_attempt_at = CAST(:now AS timestamptz)
    WHERE id = (
        SELECT d.id FROM webhooks.deliveries d JOIN webhooks.messages m ON m.id = d.message_id
        WHERE d.subscription_id = :subscription_id AND d.ruc = :ruc AND d.state = 'queued'
        ORDER BY m.occurred_at, d.id
        LIMIT 1
    )
    AND NOT EXISTS (
        SELECT 1 FROM webhooks.deliveries
        WHERE subscription_id = :subscription_id AND ruc = :ruc AND state = 'pending'
    )
    """
)


async def promote_next(uow: UnitOfWork, chains: set[tuple[uuid.UUID, str]], now: datetime) -> None:
    """After heads completed: the next queued delivery of each chain becomes sendable.

    The caller holds the chains' locks (taken before it completed the heads)."""
    if not chains:
        return
    await uow.session.execute(
        _PROMOTE, [{"subscription_id": s, "ruc": r, "now": now} for s, r in sorted(chains, key=str)]
    )
