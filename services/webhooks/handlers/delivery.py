"""The delivery use cases the worker runs: claim due deliveries, record what their attempts gave."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from services.webhooks.db.tables import deliveries, subscriptions
from services.webhooks.domain.catalogue import PARTITIONS
from services.webhooks.domain.policy import RetryPolicy
from services.webhooks.handlers.chains import lock_chains, promote_next
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


_CLAIM = sa.text(
    """
    UPDATE webhooks.deliveries AS d SET leased_until = CAST(:lease AS timestamptz)
    FROM (
        SELECT id FROM (
            SELECT d2.id, d2.next_attempt_at,
                   row_number() OVER (PARTITION BY d2.subscription_id ORDER BY d2.next_attempt_at, d2.id) AS n
            FROM webhooks.deliveries d2
            JOIN webhooks.subscriptions s ON s.id = d2.subscription_id AND s.active
            JOIN webhooks.messages m2 ON m2.id = d2.message_id
            WHERE d2.state = 'pending' AND d2.next_attempt_at <= CAST(:now AS timestamptz)
              AND (d2.manual OR d2.attempts > 0 OR m2.occurred_at <= CAST(:settled AS timestamptz))
              AND (d2.manual OR d2.attempts > 0 OR m2.partition IS NULL
                   OR m2.occurred_at <= (CAST(:watermarks AS timestamptz[]))[m2.partition + 1])
              AND (d2.leased_until IS NULL OR d2.leased_until <= CAST(:now AS timestamptz))
              AND d2.subscription_id <> ALL(CAST(:saturated AS uuid[]))
        ) AS due
        WHERE n <= :per_subscription
        ORDER BY next_attempt_at, id
        LIMIT :limit
    ) AS c, webhooks.messages AS m, webhooks.subscriptions AS s
    WHERE d.id = c.id AND m.id = d.message_id AND s.id = d.subscription_id
      AND d.state = 'pending'
      AND (d.leased_until IS NULL OR d.leased_until <= CAST(:now AS timestamptz))
    RETURNING d.id, d.subscription_id, d.ruc, d.message_id, d.attempts, d.created_at, m.body, s.url, s.secret
    """
)


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
        rows = await uow.session.execute(
            _CLAIM,
            {
                "now": now,
                "lease": now + lease,
                "limit": limit,
                "per_subscription": per_subscription,
                "saturated": saturated,
                "settled": now - settle,
                "watermarks": watermarks or [datetime.max.replace(tzinfo=UTC)] * PARTITIONS,
            },
        )
        claimed = [Claimed(**row._mapping) for row in rows]
        await uow.commit()
    return claimed


_ATTEMPT = sa.text(
    """
    INSERT INTO webhooks.attempts (delivery_id, attempted_at, status_code, latency_ms, error)
    SELECT CAST(:delivery_id AS bigint), CAST(:attempted_at AS timestamptz), CAST(:status_code AS integer),
           CAST(:latency_ms AS double precision), CAST(:error AS text)
    WHERE EXISTS (SELECT 1 FROM webhooks.deliveries WHERE id = CAST(:delivery_id AS bigint))
    """
)


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
        await lock_chains(uow, [(o.delivery.subscription_id, o.delivery.ruc) for o in outcomes])
        # A subscription deleted meanwhile took its deliveries along: its outcomes are dropped.
        await uow.session.execute(
            _ATTEMPT,
            [
                {
                    "delivery_id": o.delivery.id,
                    "attempted_at": o.attempted_at,
                    "status_code": o.status_code,
                    "latency_ms": o.latency_ms,
                    "error": o.error,
                }
                for o in outcomes
            ],
        )
        updates = []
        completed: set[tuple[uuid.UUID, str]] = set()
        for o in outcomes:
            row = {
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
        d = deliveries.c
        await uow.session.execute(
            sa.update(deliveries)
            .where(d.id == sa.bindparam("b_id"), d.state == "pending")
            .values(
                state=sa.bindparam("b_state"),
                attempts=sa.bindparam("b_attempts"),
                last_status=sa.bindparam("b_last_status"),
                last_error=sa.bindparam("b_last_error"),
                next_attempt_at=sa.bindparam("b_next"),
                completed_at=sa.bindparam("b_completed"),
                leased_until=None,
            ),
            updates,
        )
        await promote_next(uow, completed, now)
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
    s = subscriptions.c
    if healthy:
        await uow.session.execute(
            sa.update(subscriptions).where(s.id.in_(healthy)).values(failing_since=None, last_success_at=now)
        )
    rows = []
    if recovered_then_failed:
        rows += await uow.session.execute(
            sa.update(subscriptions)
            .where(s.id.in_(recovered_then_failed))
            .values(failing_since=now, last_success_at=now, last_failure_at=now)
            .returning(s.id, s.failing_since, s.active)
        )
    if failing:
        rows += await uow.session.execute(
            sa.update(subscriptions)
            .where(s.id.in_(failing))
            .values(failing_since=sa.func.coalesce(s.failing_since, now), last_failure_at=now)
            .returning(s.id, s.failing_since, s.active)
        )
    disabled = 0
    for row in rows:
        if row.active and policy.disables(row.failing_since, now):
            await uow.session.execute(
                sa.update(subscriptions)
                .where(s.id == row.id)
                .values(
                    active=False,
                    disabled_at=now,
                    disabled_reason=_reason(last[row.id], row.failing_since),
                    updated_at=now,
                )
            )
            disabled += 1
    return disabled


async def backlog(uow: UnitOfWork) -> dict[str, float]:
    """Pending work for the metrics: open deliveries, those already retried, the oldest one's age."""
    now = uow.clock.now()
    async with uow:
        row = (
            await uow.session.execute(
                sa.text(
                    """
                    SELECT count(*) FILTER (WHERE state IN ('pending', 'queued')) AS pending,
                           count(*) FILTER (WHERE state = 'pending' AND attempts > 0) AS retrying,
                           min(created_at) FILTER (WHERE state IN ('pending', 'queued')) AS oldest
                    FROM webhooks.deliveries
                    WHERE state IN ('pending', 'queued')
                    """
                )
            )
        ).one()
    oldest = (now - row.oldest).total_seconds() if row.oldest is not None else 0.0
    return {
        "pending": row.pending,
        "retry_backlog": row.retrying,
        "oldest_pending_age_seconds": max(oldest, 0.0),
    }
