"""The certificate status feed: every status change, in the order recorded, resumable by cursor."""

from __future__ import annotations

from typing import Any

from services.webhooks.db.repositories import FeedRepository
from shared.deps import ReadDb
from shared.pagination import decode_cursor, encode_cursor, invalid_cursor


def _seq(cursor: str | None) -> int:
    if not cursor:
        return 0
    (value,) = decode_cursor(cursor, 1)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise invalid_cursor()
    return value


async def changes_since(
    db: ReadDb, *, since: str | None, limit: int, ruc: str | None = None
) -> tuple[list[dict[str, Any]], str, bool]:
    """Changes after the cursor, oldest first; the cursor to resume from; whether more are waiting."""
    after = _seq(since)
    rows = [dict(r._mapping) for r in await FeedRepository(db).all(after=after, ruc=ruc, limit=limit + 1)]
    has_more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1]["seq"] if rows else after
    return rows, encode_cursor([last]), has_more


async def latest(db: ReadDb, *, limit: int) -> list[dict[str, Any]]:
    """The newest changes, newest first (the JSON Feed rendition)."""
    return [dict(r._mapping) for r in await FeedRepository(db).all_newest(limit=limit)]


async def json_feed(db: ReadDb, *, base_url: str, limit: int) -> dict[str, Any]:
    """The newest ``limit`` changes as a JSON Feed 1.1 document (https://jsonfeed.org/version/1.1)."""
    base = base_url.rstrip("/")
    items = [
        {
            "id": f"{base}/api/v1/webhooks/feed/certificates#{r['seq']}",
            "url": r["details"].get("links", {}).get("verification"),
            "title": f"Certificate {r['certificate_number']} ({r['ruc']}): {r['status']}",
            "content_text": (
                f"Certificate {r['certificate_number']} of RUC {r['ruc']} is {r['status']} "
                f"({r['event_type']}) as of {r['changed_at'].isoformat()}."
            ),
            "date_published": r["changed_at"].isoformat(),
            "tags": [r["status"], r["event_type"]],
            "_ecoeficiencia": {
                "certificate_id": str(r["certificate_id"]),
                "certificate_number": r["certificate_number"],
                "ruc": r["ruc"],
                "status": r["status"],
                "details": r["details"],
            },
        }
        for r in await latest(db, limit=limit)
    ]
    return {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Ecoeficiencia: certificate status changes",
        "home_page_url": f"{base}/api/v1/catalog/organisations",
        "feed_url": f"{base}/api/v1/webhooks/feed/certificates.json",
        "description": "Issued, suspended, reinstated, withdrawn and expired certificates, newest first.",
        "items": items,
    }
