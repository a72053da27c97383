"""Repositories of schema ``webhooks`` (docs/conventions.md §1): one class per aggregate.

Subscriptions, their deliveries (with the per-(subscription, RUC) chains and the attempts of
each), the messages they carry, the RUC -> region map and the certificate status feed. They
run on the unit of work's session or on a read connection, and never commit.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.webhooks.db.tables import attempts, companies, deliveries, feed, messages, subscriptions
from shared.errors import NotFound
from shared.pagination import keyset_page, page_of
from shared.repository import Repository

PUBLIC_COLUMNS = [c for c in subscriptions.c if c.name != "secret"]
FEED_COLUMNS = [c for c in feed.c if c.name != "event_id"]


class SubscriptionRepository(Repository):
    """Who wants what, where. ``owner`` (a partner's subject) scopes every read: None is every owner's."""

    table = subscriptions
    noun = "Subscription"

    def _missing(self, ident: object) -> NotFound:
        return NotFound(self.noun, ident, detail_es=f"La suscripción {ident} no existe.")

    def _mine(self, owner: str | None) -> sa.ColumnElement[bool]:
        return sa.true() if owner is None else subscriptions.c.owner == owner

    async def get(
        self, *, subscription_id: uuid.UUID, owner: str | None = None, for_update: bool = False
    ) -> sa.Row[Any] | None:
        """Its public columns (never the secret)."""
        stmt = sa.select(*PUBLIC_COLUMNS).where(subscriptions.c.id == subscription_id, self._mine(owner))
        return await self._one(stmt.with_for_update() if for_update else stmt)

    async def get_or_raise(
        self, *, subscription_id: uuid.UUID, owner: str | None = None, for_update: bool = False
    ) -> sa.Row[Any]:
        row = await self.get(subscription_id=subscription_id, owner=owner, for_update=for_update)
        if row is None:
            raise self._missing(subscription_id)
        return row

    async def page(
        self, *, owner: str | None, only_owner: str | None, cursor: str | None, limit: int
    ) -> tuple[list[sa.Row[Any]], str | None]:
        """Oldest first; ``only_owner`` narrows an admin's listing to one partner."""
        s = subscriptions.c
        stmt = sa.select(*PUBLIC_COLUMNS).where(self._mine(owner))
        if only_owner:
            stmt = stmt.where(s.owner == only_owner)
        return await self._page(stmt, [s.created_at, s.id], cursor=cursor, limit=limit)

    async def all_matching(
        self, *, ruc: str, types: list[str], scopes: list[str], regions: list[str | None]
    ) -> list[sa.Row[Any]]:
        """(type, id) of the active subscriptions that want each message type, may receive it
        (scope) and whose RUC and region filters let it through; one query for all of an event's."""
        return list(
            await self.db.execute(
                sa.text(
                    """
            SELECT w.type, s.id
            FROM unnest(CAST(:types AS text[]), CAST(:scopes AS text[]), CAST(:regions AS text[]))
                 AS w(type, scope, region)
            JOIN webhooks.subscriptions s
              ON s.active AND w.type = ANY(s.event_types) AND w.scope = ANY(s.scopes)
             AND (s.rucs IS NULL OR CAST(:ruc AS text) = ANY(s.rucs))
             AND (s.regions IS NULL OR coalesce(
                    w.region, (SELECT c.region FROM webhooks.companies c WHERE c.ruc = CAST(:ruc AS text))
                 ) = ANY(s.regions))
            ORDER BY w.type, s.id
            """
                ),
                {"types": types, "scopes": scopes, "regions": regions, "ruc": ruc},
            )
        )

    async def create(self, *, values: dict[str, Any]) -> sa.Row[Any]:
        """Returns every column, the secret included (shown once, in the creation's answer)."""
        return await self._insert(values)

    async def update(self, *, subscription_id: uuid.UUID, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._update(subscriptions.c.id == subscription_id, values)

    async def delete(self, *, subscription_id: uuid.UUID) -> None:
        await self.db.execute(sa.delete(subscriptions).where(subscriptions.c.id == subscription_id))

    async def counts(self) -> sa.Row[Any]:
        """``active`` and ``disabled`` subscriptions."""
        s = subscriptions.c
        stmt = sa.select(
            sa.func.count().filter(s.active).label("active"),
            sa.func.count().filter(sa.not_(s.active)).label("disabled"),
        )
        row: sa.Row[Any] = (await self.db.execute(stmt)).one()
        return row

    # --- endpoint health (the delivery worker) ---------------------------------------------

    async def mark_healthy(self, *, ids: Sequence[uuid.UUID], now: datetime) -> None:
        await self.db.execute(
            sa.update(subscriptions)
            .where(subscriptions.c.id.in_(ids))
            .values(failing_since=None, last_success_at=now)
        )

    async def mark_failing(
        self, *, ids: Sequence[uuid.UUID], now: datetime, recovered: bool
    ) -> list[sa.Row[Any]]:
        """A failure starts ``failing_since`` (or keeps it); one that succeeded earlier in the same
        batch starts it again now. Returns ``(id, failing_since, active)``."""
        s = subscriptions.c
        values: dict[str, Any] = {"last_failure_at": now}
        if recovered:
            values |= {"failing_since": now, "last_success_at": now}
        else:
            values["failing_since"] = sa.func.coalesce(s.failing_since, now)
        stmt = (
            sa.update(subscriptions)
            .where(s.id.in_(ids))
            .values(**values)
            .returning(s.id, s.failing_since, s.active)
        )
        return list(await self.db.execute(stmt))


def chain_key(subscription_id: uuid.UUID, ruc: str) -> int:
    digest = hashlib.sha256(f"webhooks/{subscription_id}/{ruc}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


# An untouched head (never attempted, not being sent) steps back into the queue, so that the
# chain's next delivery is chosen again, by when its event happened.
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

_ATTEMPT = sa.text(
    """
    INSERT INTO webhooks.attempts (delivery_id, attempted_at, status_code, latency_ms, error)
    SELECT CAST(:delivery_id AS bigint), CAST(:attempted_at AS timestamptz), CAST(:status_code AS integer),
           CAST(:latency_ms AS double precision), CAST(:error AS text)
    WHERE EXISTS (SELECT 1 FROM webhooks.deliveries WHERE id = CAST(:delivery_id AS bigint))
    """
)


class DeliveryRepository(Repository):
    """One message to one subscription (``id``), in its (subscription, RUC) chain, with its attempts."""

    table = deliveries
    noun = "Delivery"

    def _missing(self, ident: object) -> NotFound:
        return NotFound(self.noun, ident, detail_es=f"El envío {ident} no existe.")

    def _view(self) -> sa.Select[Any]:
        d = deliveries.c
        return sa.select(
            d.id,
            d.subscription_id,
            d.message_id,
            messages.c.event_type,
            d.ruc,
            d.state,
            d.attempts,
            d.last_status,
            d.last_error,
            d.next_attempt_at,
            d.manual,
            d.created_at,
            d.completed_at,
        ).join(messages, messages.c.id == d.message_id)

    async def get(self, *, subscription_id: uuid.UUID, delivery_id: int) -> sa.Row[Any] | None:
        d = deliveries.c
        return await self._one(self._view().where(d.subscription_id == subscription_id, d.id == delivery_id))

    async def get_or_raise(self, *, subscription_id: uuid.UUID, delivery_id: int) -> sa.Row[Any]:
        row = await self.get(subscription_id=subscription_id, delivery_id=delivery_id)
        if row is None:
            raise self._missing(delivery_id)
        return row

    async def page(
        self, *, subscription_id: uuid.UUID, state: str | None, cursor: str | None, limit: int
    ) -> tuple[list[sa.Row[Any]], str | None]:
        """Newest first."""
        d = deliveries.c
        stmt = self._view().where(d.subscription_id == subscription_id)
        if state:
            stmt = stmt.where(d.state == state)
        rows = await self._all(keyset_page(stmt, [d.id], cursor=cursor, limit=limit, descending=True))
        return page_of(rows, limit, lambda r: (r.id,))

    async def all_attempts(self, *, delivery_ids: list[int], per_delivery: int) -> list[sa.Row[Any]]:
        """The latest ``per_delivery`` attempts of each delivery, newest first."""
        if not delivery_ids:
            return []
        a = attempts.c
        ranked = (
            sa.select(
                a.delivery_id,
                a.attempted_at,
                a.status_code,
                a.latency_ms,
                a.error,
                sa.func.row_number().over(partition_by=a.delivery_id, order_by=a.id.desc()).label("n"),
            )
            .where(a.delivery_id.in_(delivery_ids))
            .subquery()
        )
        return await self._all(
            sa.select(ranked).where(ranked.c.n <= per_delivery).order_by(ranked.c.delivery_id, ranked.c.n)
        )

    async def all_open_rucs(self, *, subscription_id: uuid.UUID) -> list[str]:
        """The RUCs of the subscription's open chains."""
        d = deliveries.c
        stmt = sa.select(d.ruc).where(
            d.subscription_id == subscription_id, d.state.in_(("queued", "pending"))
        )
        return list((await self.db.execute(stmt.distinct())).scalars())

    async def make_due(self, *, subscription_id: uuid.UUID, now: datetime) -> None:
        """Retries that waited while the subscription was disabled are due now."""
        d = deliveries.c
        await self.db.execute(
            sa.update(deliveries)
            .where(d.subscription_id == subscription_id, d.state == "pending")
            .values(next_attempt_at=now, leased_until=None)
        )

    async def delete(self, *, subscription_id: uuid.UUID) -> None:
        """Every delivery of the subscription (its attempts go with them)."""
        await self.db.execute(sa.delete(deliveries).where(deliveries.c.subscription_id == subscription_id))

    async def counts(self) -> sa.Row[Any]:
        """pending, queued, retry_backlog, delivered, failed, and the oldest open one's creation."""
        stmt = sa.text(
            """
            SELECT count(*) FILTER (WHERE state = 'pending') AS pending,
                   count(*) FILTER (WHERE state = 'queued') AS queued,
                   count(*) FILTER (WHERE state = 'pending' AND attempts > 0) AS retry_backlog,
                   count(*) FILTER (WHERE state = 'delivered') AS delivered,
                   count(*) FILTER (WHERE state = 'failed') AS failed,
                   min(created_at) FILTER (WHERE state IN ('pending', 'queued')) AS oldest
            FROM webhooks.deliveries
            """
        )
        row: sa.Row[Any] = (await self.db.execute(stmt)).one()
        return row

    async def backlog(self) -> sa.Row[Any]:
        """Open deliveries (``pending``), those already retried (``retrying``), the oldest one's creation."""
        stmt = sa.text(
            """
            SELECT count(*) FILTER (WHERE state IN ('pending', 'queued')) AS pending,
                   count(*) FILTER (WHERE state = 'pending' AND attempts > 0) AS retrying,
                   min(created_at) FILTER (WHERE state IN ('pending', 'queued')) AS oldest
            FROM webhooks.deliveries
            WHERE state IN ('pending', 'queued')
            """
        )
        row: sa.Row[Any] = (await self.db.execute(stmt)).one()
        return row

    # --- chains ------------------------------------------------------------------------------

    async def lock_chains(self, *, chains: Iterable[tuple[uuid.UUID, str]]) -> None:
        """The chains' transaction-scoped advisory locks, always in the same (sorted) order."""
        keys = sorted({chain_key(s, r) for s, r in chains})
        if not keys:
            return
        await self.db.execute(
            sa.text(
                "SELECT count(pg_advisory_xact_lock(k)) FROM "
                "(SELECT k FROM unnest(CAST(:keys AS bigint[])) AS t(k) ORDER BY k) AS ordered"
            ),
            {"keys": keys},
        )

    async def create_queued(
        self, *, message_id: str, ruc: str, subscriptions: list[uuid.UUID], now: datetime, manual: bool
    ) -> list[int]:
        """Queue the message to each subscription's chain, its untouched head stepping back first."""
        params = {
            "message_id": message_id,
            "ruc": ruc,
            "subscriptions": subscriptions,
            "now": now,
            "manual": manual,
        }
        await self.db.execute(_DEMOTE, params)
        return [row.id for row in await self.db.execute(_ENQUEUE, params)]

    async def promote_heads(self, *, chains: set[tuple[uuid.UUID, str]], now: datetime) -> None:
        """Chains without a head get one: their queued delivery whose event happened first."""
        if not chains:
            return
        ordered = sorted(chains, key=str)
        await self.db.execute(
            _PROMOTE,
            {"subscriptions": [s for s, _ in ordered], "rucs": [r for _, r in ordered], "now": now},
        )

    # --- the worker ----------------------------------------------------------------------------

    async def claim(
        self,
        *,
        now: datetime,
        lease_until: datetime,
        limit: int,
        per_subscription: int,
        saturated: list[uuid.UUID],
        settled: datetime,
        watermarks: list[datetime],
    ) -> list[sa.Row[Any]]:
        """Lease up to ``limit`` due chain heads of active subscriptions until ``lease_until``, at most
        ``per_subscription`` each and none of the ``saturated`` ones; a first attempt only for an
        event that happened by ``settled`` and by its partition's watermark (see the worker)."""
        params = {
            "now": now,
            "lease": lease_until,
            "limit": limit,
            "per_subscription": per_subscription,
            "saturated": saturated,
            "settled": settled,
            "watermarks": watermarks,
        }
        return list(await self.db.execute(_CLAIM, params))

    async def create_attempts(self, *, rows: list[dict[str, Any]]) -> None:
        """The attempts of a batch; one whose delivery was deleted meanwhile is dropped."""
        await self.db.execute(_ATTEMPT, rows)

    async def complete(self, *, rows: list[dict[str, Any]]) -> None:
        """Move a batch of pending deliveries on (``b_``-prefixed values per delivery)."""
        d = deliveries.c
        await self.db.execute(
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
            rows,
        )


class MessageRepository(Repository):
    """One webhook message per (platform event, type) (``id``, the ``webhook-id``), its body fixed once."""

    table = messages
    noun = "Message"

    async def create(self, *, values: dict[str, Any]) -> None:
        """Insert unless it exists (a redelivered event adds nothing)."""
        await self.db.execute(pg_insert(messages).values(**values).on_conflict_do_nothing())


class CompanyRepository(Repository):
    """RUC -> region, from enrollment's company events (for region filters)."""

    table = companies
    noun = "Company"
    noun_es = "La empresa"

    async def upsert(self, *, ruc: str, region: str | None, updated_at: datetime) -> None:
        stmt = pg_insert(companies).values(ruc=ruc, region=region, updated_at=updated_at)
        await self.db.execute(
            stmt.on_conflict_do_update(
                index_elements=[companies.c.ruc],
                set_={"region": region, "updated_at": stmt.excluded.updated_at},
            )
        )

    async def delete(self, *, ruc: str) -> None:
        await self.db.execute(sa.delete(companies).where(companies.c.ruc == ruc))


class FeedRepository(Repository):
    """Certificate status changes (``seq``, in the order recorded; one per event)."""

    table = feed
    noun = "Status change"

    async def create(self, *, values: dict[str, Any]) -> None:
        """Insert unless the event is already in (a redelivered event adds nothing)."""
        stmt = pg_insert(feed).values(**values).on_conflict_do_nothing(index_elements=[feed.c.event_id])
        await self.db.execute(stmt)

    async def all(self, *, after: int, ruc: str | None, limit: int) -> list[sa.Row[Any]]:
        """Up to ``limit`` changes after ``seq`` ``after``, oldest first."""
        stmt = sa.select(*FEED_COLUMNS).where(feed.c.seq > after).order_by(feed.c.seq).limit(limit)
        if ruc:
            stmt = stmt.where(feed.c.ruc == ruc)
        return await self._all(stmt)

    async def all_newest(self, *, limit: int) -> list[sa.Row[Any]]:
        """The newest ``limit`` changes, newest first."""
        return await self._all(sa.select(*FEED_COLUMNS).order_by(feed.c.seq.desc()).limit(limit))
