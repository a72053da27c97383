"""The delivery use cases the worker runs: claim due deliveries, record what their attempts gave."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from services.webhooks.db.repositories import DeliveryRepository, SubscriptionRepository
from services.webhooks.domain.catalogue import PARTITIONS
from services.webhooks.domain.policy import RetryPolicy
from shared.deps import ReadDb
from shared.uow import UnitOfWork


@dataclass(frozen=True)
class Claimed:
    id: int
    subscription_id: uuid.UUID
    ruc: str
    message_id: str
    attempts: int
    created_at: datetime
    body: str
    url: str
    secret: str


@dataclass(frozen=True)
class Outcome:
    delivery: Claimed
    attempted_at: datetime
    status_code: int | None
    latency_ms: float
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


async def claim(
    uow: UnitOfWork,
    *,
    now: datetime,
    limit: int,
    lease: timedelta,
    per_subscription: int,
    saturated: list[uuid.UUID],
    settle: timedelta = timedelta(0),
    watermarks: list[datetime] | None = None,
) -> list[Claimed]:
    """Lease up to ``limit`` due deliveries (chain heads only are ever ``pending``); a first
    attempt waits until its event is ``settle`` old (an earlier one may still take its place)."""
    async with uow:
        rows = await DeliveryRepository(uow.session).claim(
            now=now,
            lease_until=now + lease,
            limit=limit,
            per_subscription=per_subscription,
            saturated=saturated,
            settled=now - settle,
            watermarks=watermarks or [datetime.max.replace(tzinfo=UTC)] * PARTITIONS,
        )
        claimed = [Claimed(**row._mapping) for row in rows]
        await uow.commit()
    return claimed


def _reason(outcome: Outcome, failing_since: datetime) -> str:
    last = (
        f"HTTP {outcome.status_code}" if outcome.status_code is not None else (outcome.error or "no answer")
    )
    return (
        f"Disabled automatically: every delivery attempt has failed since {failing_since.isoformat()} "
        f"(last attempt {outcome.attempted_at.isoformat()}: {last}). Fix the endpoint, then re-enable it."
    )


async def record(uow: UnitOfWork, outcomes: list[Outcome], policy: RetryPolicy) -> dict[str, int]:
    """Store the attempts, move deliveries on (delivered, retry later, failed), open next in chains,
    and disable endpoints that have failed for too long. One transaction for a batch of outcomes."""
    counts = {"delivered": 0, "retried": 0, "failed": 0, "disabled": 0}
    if not outcomes:
        return counts
    now = uow.clock.now()
    async with uow:
        repo = DeliveryRepository(uow.session)
        await repo.lock_chains(chains=[(o.delivery.subscription_id, o.delivery.ruc) for o in outcomes])
        # A subscription deleted meanwhile took its deliveries along: its outcomes are dropped.
        await repo.create_attempts(
            rows=[
                {
                    "delivery_id": o.delivery.id,
                    "attempted_at": o.attempted_at,
                    "status_code": o.status_code,
                    "latency_ms": o.latency_ms,
                    "error": o.error,
                }
                for o in outcomes
            ]
        )
        updates: list[dict[str, Any]] = []
        completed: set[tuple[uuid.UUID, str]] = set()
        for o in outcomes:
            row: dict[str, Any] = {
                "b_id": o.delivery.id,
                "b_attempts": o.delivery.attempts + 1,
                "b_last_status": o.status_code,
                "b_last_error": o.error,
                "b_next": None,
                "b_completed": None,
            }
            if o.ok:
                row |= {"b_state": "delivered", "b_completed": now}
                counts["delivered"] += 1
            elif policy.gives_up(o.delivery.created_at, now):
                row |= {"b_state": "failed", "b_completed": now}
                counts["failed"] += 1
            else:
                row |= {"b_state": "pending", "b_next": now + policy.wait(o.delivery.attempts + 1)}
                counts["retried"] += 1
            if row["b_state"] != "pending":
                completed.add((o.delivery.subscription_id, o.delivery.ruc))
            updates.append(row)
        await repo.complete(rows=updates)
        await repo.promote_heads(chains=completed, now=now)
        counts["disabled"] = await _update_endpoints(uow, outcomes, policy, now)
        await uow.commit()
    return counts


async def _update_endpoints(
    uow: UnitOfWork, outcomes: list[Outcome], policy: RetryPolicy, now: datetime
) -> int:
    """Endpoint health from the batch: a success clears ``failing_since``; a failure starts it (or
    keeps it); an endpoint failing since ``disable_after`` ago is disabled, with the reason."""
    last: dict[uuid.UUID, Outcome] = {}
    succeeded: set[uuid.UUID] = set()
    for o in sorted(outcomes, key=lambda o: o.attempted_at):
        last[o.delivery.subscription_id] = o
        if o.ok:
            succeeded.add(o.delivery.subscription_id)
    healthy = sorted((sid for sid, o in last.items() if o.ok), key=str)
    recovered_then_failed = sorted((sid for sid, o in last.items() if not o.ok and sid in succeeded), key=str)
    failing = sorted((sid for sid, o in last.items() if not o.ok and sid not in succeeded), key=str)
    repo = SubscriptionRepository(uow.session)
    if healthy:
        await repo.mark_healthy(ids=healthy, now=now)
    rows: list[sa.Row[Any]] = []
    if recovered_then_failed:
        rows += await repo.mark_failing(ids=recovered_then_failed, now=now, recovered=True)
    if failing:
        rows += await repo.mark_failing(ids=failing, now=now, recovered=False)
    disabled = 0
    for row in rows:
        if row.active and policy.disables(row.failing_since, now):
            await repo.update(
                subscription_id=row.id,
                values={
                    "active": False,
                    "disabled_at": now,
                    "disabled_reason": _reason(last[row.id], row.failing_since),
                    "updated_at": now,
                },
            )
            disabled += 1
    return disabled


async def backlog(db: ReadDb, *, now: datetime) -> dict[str, float]:
    """Pending work for the metrics: open deliveries, those already retried, the oldest one's age."""
    row = await DeliveryRepository(db).backlog()
    oldest = (now - row.oldest).total_seconds() if row.oldest is not None else 0.0
    return {
        "pending": row.pending,
        "retry_backlog": row.retrying,
        "oldest_pending_age_seconds": max(oldest, 0.0),
    }
