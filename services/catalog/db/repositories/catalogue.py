"""The public catalogue (``organisations``): its search, the hot path, and its upkeep.

Reads run on SQLAlchemy Core over a pooled ``AsyncConnection`` (``ReadConnDep``), not an
ORM session: measured on this machine the ORM session served ~0.4x the requests of raw
asyncpg on a primary-key read, and the catalogue's p99 target is 20 ms.

Why a text search takes up to three steps. Results are in name order (keyset
pagination on ``(sort_key, ruc)``), and a GIN index finds matches but cannot give that
order. Postgres picks between "walk the name index and test each row" (fast when many rows
match) and "collect every match from the GIN index, then sort" (fast when few do) from
its selectivity estimate, and for prefix queries (``organ:*``) that estimate is a guess:
measured at 100,000 rows, a word matching nothing chose the walk and took 300 ms. So we
decide by looking instead of guessing:

1. *window*: walk the name index for the next ``WINDOW`` listed rows after the cursor and
   keep those that match. Enough matches there means they are exactly the next page
   (the order is preserved): the common words are answered by ~1,000 index-ordered rows.
2. *index*: otherwise matches are rarer than ``limit / WINDOW``, so collect them from the
   GIN index and sort them (the order is by an expression, ``sort_key || ''``, precisely
   so that the planner cannot switch back to the walk).
3. *similar words*: when full text finds nothing at all, the same through the trigram
   index with word similarity (typos).

The three steps travel as one statement (``_text_search``): steps 2 and 3 are CTEs gated
by one-time filters on the earlier counts, so only the needed ones run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.catalog.db.tables import organisations
from services.catalog.domain.certificates import CertificateStatus, VerificationStatus
from services.catalog.domain.search import prefix_query
from shared.errors import NotFound
from shared.pagination import page_of, typed_cursor
from shared.repository import Executor, Repository

WINDOW = 1000
LISTED = (
    "ruc", "name", "legal_name", "trade_name", "region", "ciiu_code", "size_class", "women_led", "website",
    "products", "certificate_number", "certificate_status", "issued_on", "expires_on", "body_name", "sort_key",
    "mark_status",
)  # fmt: skip
SPANISH: sa.ColumnClause[Any] = sa.literal_column("'spanish'::regconfig")
o = organisations.c


@dataclass(frozen=True)
class CatalogueFilters:
    q: str | None = None
    region: str | None = None
    ciiu: str | None = None
    size_class: str | None = None
    women_led: bool | None = None
    statuses: tuple[VerificationStatus, ...] = (VerificationStatus.valid,)


# Each statement is built once per *shape* (which filters are given, the statuses, a cursor or
# not) with bind parameters for the values, and reused: building the three-step statement took
# ~5 ms of CPU per search at 100,000 rows (SQLAlchemy constructs), ten times the query itself
# (issue 15). The values travel as parameters, as they did as literals.
TODAY = sa.bindparam("today", type_=sa.Date)
LIMIT = sa.bindparam("limit", type_=sa.Integer)  # the page size
FETCH = sa.bindparam("fetch", type_=sa.Integer)  # page size + 1: the extra row tells if there is more
_SHAPES: dict[tuple[object, ...], sa.Select] = {}


def _status(cols, statuses: tuple[VerificationStatus, ...]) -> sa.ColumnElement[bool]:
    """SQL twin of ``domain.certificates.effective_status``: a live certificate past its date is expired."""
    live = (CertificateStatus.valid.value, CertificateStatus.suspended.value)

    def one(status: VerificationStatus) -> sa.ColumnElement[bool]:
        if status is VerificationStatus.expired:
            return sa.or_(
                cols.certificate_status == CertificateStatus.expired.value,
                sa.and_(cols.certificate_status.in_(live), cols.expires_on <= TODAY),
            )
        if status.value in live:
            return sa.and_(cols.certificate_status == status.value, cols.expires_on > TODAY)
        return cols.certificate_status == status.value

    return sa.or_(*(one(s) for s in statuses))


def _filters(cols, f: CatalogueFilters) -> list[sa.ColumnElement[bool]]:
    """The filters other than region (region picks the index to walk, see ``_walk``)."""
    out = []
    if f.ciiu:
        out.append(cols.ciiu_code.startswith(sa.bindparam("ciiu", type_=sa.Text), escape="\\"))
    if f.size_class:
        out.append(sa.func.lower(cols.size_class) == sa.bindparam("size_class", type_=sa.Text))
    if f.women_led is not None:
        out.append(cols.women_led.is_(f.women_led))
    return out


def _after(cols, cursor: str | None) -> list[sa.ColumnElement[bool]]:
    if not cursor:
        return []
    after = [
        sa.bindparam("after_sort", type_=cols.sort_key.type),
        sa.bindparam("after_ruc", type_=cols.ruc.type),
    ]
    return [sa.tuple_(cols.sort_key, cols.ruc) > sa.tuple_(*after)]


def _full_text(cols) -> sa.ColumnElement[bool]:
    """Every word as a prefix (``organ`` finds "orgánico"), accents and case folded on both sides."""
    tsquery = sa.bindparam("tsquery", type_=sa.Text)
    return cols.search_vector.op("@@")(sa.func.to_tsquery(SPANISH, sa.func.catalog.fold(tsquery)))


def _similar_words(cols) -> sa.ColumnElement[bool]:
    """Word similarity (pg_trgm ``%>``) on the folded text: finds "cafee" or "alpca"."""
    return cols.search_text.op("%>")(sa.func.catalog.fold(sa.bindparam("q", type_=sa.Text)))


def _page_of_hits(hits: sa.Subquery) -> sa.Select[Any]:
    """The listed columns of the hits (``ruc``, ``sort_key``), read by primary key, in order."""
    return (
        sa.select(*(o[c] for c in LISTED))
        .select_from(hits.join(organisations, o.ruc == hits.c.ruc))
        .order_by(hits.c.sort_key, hits.c.ruc)
    )


def _walk(f: CatalogueFilters, cursor: str | None) -> list[sa.ColumnElement[bool]]:
    """Conditions of a name-ordered walk of a covering index (index-only, no table reads).

    The ``(status | region, status), sort_key, ruc`` indexes INCLUDE what the filters and
    the text match read, so walking them never touches the table; only the final page
    is fetched by primary key. A region filter picks the region index.
    """
    where = [_status(o, f.statuses), *_after(o, cursor)]
    if f.region:
        where.append(o.region_key == sa.func.catalog.fold(sa.bindparam("region", type_=sa.Text)))
    return where


def _listing(f: CatalogueFilters, cursor: str | None) -> sa.Select:
    """No text: the filtered walk in name order, one statement."""
    hits = sa.select(o.ruc, o.sort_key).where(*_walk(f, cursor), *_filters(o, f)).order_by(o.sort_key, o.ruc)
    return _page_of_hits(hits.limit(FETCH).subquery("hits"))


def _window_hits(f: CatalogueFilters, match, cursor: str | None) -> sa.Select:
    """Step 1: the matches among the next ``WINDOW`` rows of the covering-index walk."""
    columns = ("ruc", "sort_key", "ciiu_code", "size_class", "women_led", "search_vector")
    window = (
        sa.select(*(o[c] for c in columns))
        .where(*_walk(f, cursor))
        .order_by(o.sort_key, o.ruc)
        .limit(WINDOW)
        .subquery("window")
    )
    w = window.c
    return (
        sa.select(w.ruc, w.sort_key).where(match(w), *_filters(w, f)).order_by(w.sort_key, w.ruc).limit(FETCH)
    )


def _index_hits(f: CatalogueFilters, match, cursor: str | None, *gates) -> sa.Select:
    """Steps 2 and 3: every match from the GIN index, sorted; ``gates`` decide whether it runs.

    The order is by an expression (``sort_key || ''``) so the planner cannot turn this back
    into a walk of the name index on a wrong estimate.
    """
    where = [*gates, match(o), *_walk(f, cursor), *_filters(o, f)]
    return sa.select(o.ruc, o.sort_key).where(*where).order_by(o.sort_key.concat(""), o.ruc).limit(FETCH)


def _text_search(f: CatalogueFilters, cursor: str | None) -> sa.Select:
    """The three steps as ONE statement: each later step is a CTE gated by a one-time filter
    on the earlier ones' counts, so Postgres runs only what is needed, in one round trip."""
    window = _window_hits(f, _full_text, cursor).cte("window_hits").prefix_with("MATERIALIZED")
    in_window = sa.select(sa.func.count()).select_from(window).scalar_subquery()
    indexed = (
        _index_hits(f, _full_text, cursor, in_window <= LIMIT).cte("index_hits").prefix_with("MATERIALIZED")
    )
    nothing_found = [in_window == 0, ~sa.exists(sa.select(indexed.c.ruc))]
    fuzzy = _index_hits(f, _similar_words, cursor, *nothing_found).cte("similar_hits")
    hits = sa.union_all(
        sa.select(window.c.ruc, window.c.sort_key).where(in_window > LIMIT),
        sa.select(indexed.c.ruc, indexed.c.sort_key),
        sa.select(fuzzy.c.ruc, fuzzy.c.sort_key),
    ).subquery("hits")
    return _page_of_hits(hits)


def _statement(kind: str, f: CatalogueFilters, cursor: str | None) -> sa.Select:
    shape = (kind, f.statuses, bool(f.region), bool(f.ciiu), bool(f.size_class), f.women_led, bool(cursor))
    stmt = _SHAPES.get(shape)
    if stmt is None:
        if kind == "listing":
            stmt = _listing(f, cursor)
        elif kind == "similar":
            stmt = _page_of_hits(_index_hits(f, _similar_words, cursor).subquery("hits"))
        else:
            stmt = _text_search(f, cursor)
        _SHAPES[shape] = stmt
    return stmt


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _params(f: CatalogueFilters, q: str, today: date, cursor: str | None, limit: int) -> dict[str, object]:
    params: dict[str, object] = {"today": today, "limit": limit, "fetch": limit + 1}
    if f.region:
        params["region"] = f.region.strip()
    if f.ciiu:
        params["ciiu"] = _escape_like(f.ciiu)
    if f.size_class:
        params["size_class"] = f.size_class.strip().lower()
    if cursor:
        params["after_sort"], params["after_ruc"] = typed_cursor(cursor, [o.sort_key, o.ruc])
    if q:
        params["q"] = q
        params["tsquery"] = prefix_query(q)
    return params


async def search(
    conn: Executor, f: CatalogueFilters, *, today: date, cursor: str | None, limit: int
) -> tuple[list[sa.Row[Any]], str | None]:
    """A name-ordered page of listed organisations (see the module docstring for the strategy)."""
    q = (f.q or "").strip()
    if not q:
        kind = "listing"
    elif prefix_query(q) is None:  # only symbols: nothing for full text, try similarity
        kind = "similar"
    else:
        kind = "text"
    stmt = _statement(kind, f, cursor)
    rows = list((await conn.execute(stmt, _params(f, q, today, cursor, limit))).all())
    return page_of(rows, limit, key=lambda r: (r.sort_key, r.ruc))


class OrganisationRepository(Repository):
    """The catalogue's entries: one per company with an issued certificate (``ruc``)."""

    table = organisations
    noun = "Certified organisation"
    noun_es = "La organización certificada"

    def _missing(self, ident: object) -> NotFound:
        return NotFound(self.noun, ident, detail_es=f"La organización {ident} no está en el catálogo.")

    async def page(
        self, *, filters: CatalogueFilters, today: date, cursor: str | None, limit: int
    ) -> tuple[list[sa.Row[Any]], str | None]:
        return await search(self.db, filters, today=today, cursor=cursor, limit=limit)

    async def get(self, *, ruc: str) -> sa.Row[Any] | None:
        """The listed columns of one entry."""
        return await self._one(sa.select(*(o[c] for c in LISTED)).where(o.ruc == ruc))

    async def get_or_raise(self, *, ruc: str) -> sa.Row[Any]:
        row = await self.get(ruc=ruc)
        if row is None:
            raise self._missing(ruc)
        return row

    async def upsert(self, *, values: dict[str, Any]) -> None:
        """Write the entry recomputed from the read model (``handlers.projection``)."""
        stmt = pg_insert(organisations).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[o.ruc], set_={k: stmt.excluded[k] for k in values if k != "ruc"}
        )
        await self.db.execute(stmt)

    async def delete(self, *, ruc: str) -> None:
        await self.db.execute(sa.delete(organisations).where(o.ruc == ruc))
