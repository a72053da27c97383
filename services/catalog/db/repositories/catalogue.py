"""The public catalogue (``organisations``): its search, the hot path, and its upkeep.

Reads run on SQLAlchemy Core over a pooled ``AsyncConnection`` (``ReadConnDep``), not an
ORM session: measured on this machine the ORM session served ~0.4x the requests of raw
asyncpg on a primary-key read, and the catalogue's p99 target is 20 ms.

The query. Every word of the visitor's text is a prefix (``organ`` finds "orgánico") and all
must match. The catalogue's vocabulary (``search_words``: its distinct words) turns each word
into lexemes (see ``TERMS``): the few words it starts become exact lexemes (faster in the GIN
index than a prefix term); a word that no word of the catalogue starts with is a typo, and its
nearest vocabulary words by trigram similarity join it as alternatives, so "alpca" searches
``alpca:* | alpaca`` and "alpaca andna" ``alpaca & (andna:* | andina)``. The vocabulary is
small (80 words in the bench's catalogue of 100,000; ~0.1 ms a lookup measured with 56,000
synthetic words), where the former fallback (word similarity of the whole query against every
organisation's text) rechecked ~13,000 rows for "alpca" at 100,000 organisations (150 ms, and
found none) and ~850 ms for a word matching nothing. The query is computed once per statement
(the ``terms`` CTE, an InitPlan): written inline, ``to_tsquery`` was re-evaluated for every
row the window tested, most of the two-word search's time (2.4 ms -> 0.5 ms at 100,000 rows).

Why a text search takes up to three steps. Results are in name order (keyset
pagination on ``(sort_key, ruc)``), and a GIN index finds matches but cannot give that
order. Postgres picks between "walk the name index and test each row" (fast when many rows
match) and "collect every match from the GIN index, then sort" (fast when few do) from
its selectivity estimate, and for prefix queries (``organ:*``) that estimate is a guess:
measured at 100,000 rows, a word matching nothing chose the walk and took 300 ms. So we
decide by looking instead of guessing:

1. *window*: walk the name index for the next ``WINDOW`` listed rows after the cursor (and
   from the query's *bound*, a lower bound of the names holding its lexemes, see ``TERMS``)
   and keep those that match. Enough matches there means they are exactly the next page
   (the order is preserved): the common words are answered by ~1,000 index-ordered rows.
2. *long walk*: the window found some matches, at least ``DENSE`` (a density of 0.5 % or
   more), but not a page: walk on to ``LONG_WINDOW`` rows, which should then hold a page.
   Measured at 100,000 rows, "cafe del sur" (2.7 % of the catalogue, 13 in the first window):
   the index step sorted 2,356 matches read from the table in 3-11 ms; the long walk answers
   after 1,425 index-only rows in ~1 ms.
3. *index*: otherwise matches are rarer, so collect them from the GIN index and sort them
   (the order is by an expression, ``sort_key || ''``, precisely so that the planner cannot
   switch back to the walk).

The steps travel as one statement (``_text_search``): steps 2 and 3 are CTEs gated by
one-time filters on the earlier counts, so only the needed ones run, in one round trip. The
window sizes are parameters (``_params``), not constants of the statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.catalog.db.tables import organisations, search_lexemes, search_words
from services.catalog.domain.certificates import CertificateStatus, VerificationStatus
from services.catalog.domain.search import words
from shared.errors import NotFound
from shared.pagination import page_of, typed_cursor
from shared.repository import Executor, Repository

WINDOW = 1000
LONG_WINDOW = 10_000
DENSE = 5  # matches in the first window that make the long walk worth it
LISTED = (
    "ruc", "name", "legal_name", "trade_name", "region", "ciiu_code", "size_class", "women_led", "website",
    "products", "certificate_number", "certificate_status", "issued_on", "expires_on", "body_name", "sort_key",
    "mark_status",
)  # fmt: skip
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
WALK = sa.bindparam("window", type_=sa.Integer)
LONG_WALK = sa.bindparam("long_window", type_=sa.Integer)
ENOUGH = sa.bindparam("dense", type_=sa.Integer)
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


# The full-text query of the visitor's words (``:words``, cut by ``domain.search.words``), one
# tsquery: the words AND'ed, each with its alternatives OR'ed (``catalog.all_of`` / ``any_of``,
# migration 0006: built from lexemes, never from text spliced into tsquery syntax). A stop
# word drops out, as ``to_tsquery`` drops it. Per word, from the vocabulary:
# * the words it starts (a range of the ``COLLATE "C"`` primary key, where byte order keeps a
#   prefix's words together): up to EXPAND of them, each becomes its exact lexeme ("pisco" ->
#   'pisc'). Measured at 100,000 rows, the GIN index intersects exact lexemes ~6x faster than
#   prefix terms, which it must collect whole (pisco & hass & imperial: 5.9 ms -> 0.9 ms).
#   This relies on the vocabulary holding every word of the catalogue: ``upsert`` adds them
#   in its own statement, and anything writing ``organisations`` otherwise (a bulk load) must
#   call ``recompute_search_words``;
# * more than EXPAND ("c", "org"): the word as a prefix term (``c:*``, ``catalog.prefix_term``);
# * none: a typo. The prefix term stays, joined by its nearest words: trigram similarity
#   >= 0.3 (``%``, pg_trgm's default threshold, on the GIN index), the NEAREST best, dropping
#   any more than MARGIN below the best ("andna": andina 0.44 kept, andino 0.30 not).
# And the *bound* where the walks start: a row matching every word holds, for each word with
# lexemes it may match, so its name is at least the least ``first_key`` of those
# (``search_lexemes``: a lower bound of the names holding each lexeme); the bound is the
# greatest of those over the words. The lexemes a word may match: its started words' (exact),
# or for a typo its corrections' and every lexeme its prefix term starts (a range of the
# ``COLLATE "C"`` key; usually none); a word starting more than EXPAND words bounds nothing.
# "pesquera", only ever the first word of its organisations' names: the walk starts at
# "pesquera ..." and reads 21 rows (0.3 ms) instead of the index step sorting its 4,254
# matches (7.6 ms); its typo "pesqera" likewise (8.6 ms before the bound).
EXPAND = 8
NEAREST = 3
MARGIN = 0.1
TERMS = f"""
SELECT catalog.all_of(per_word.query) AS query, max(per_word.bound) AS bound
FROM (
    SELECT catalog.any_of(alternative.query) AS query, min(seek.bound) AS bound
    FROM (SELECT n, catalog.fold(w) AS w FROM unnest(:words) WITH ORDINALITY AS given (w, n)) AS word
    CROSS JOIN LATERAL (
        SELECT count(*) AS found, array_agg(started.word) AS words
        FROM (
            SELECT k.word FROM catalog.search_words AS k
            WHERE k.word >= word.w AND k.word < word.w || chr(1114111)
            LIMIT {EXPAND + 1}
        ) AS started
    ) AS known
    CROSS JOIN LATERAL (
        SELECT array_agg(near.word) AS words
        FROM (
            SELECT s.word, similarity(s.word, word.w) AS sim, max(similarity(s.word, word.w)) OVER () AS best
            FROM catalog.search_words AS s
            WHERE known.found = 0 AND s.word % word.w
            ORDER BY sim DESC, s.word
            LIMIT {NEAREST}
        ) AS near
        WHERE near.sim >= near.best - {MARGIN}
    ) AS near
    CROSS JOIN LATERAL (
        SELECT CASE WHEN known.found <= {EXPAND} THEN min(held.first_key) END AS bound
        FROM (
            SELECT l.first_key
            FROM unnest(CASE WHEN known.found > 0 THEN known.words ELSE near.words END) AS exact (word)
            CROSS JOIN unnest(tsvector_to_array(to_tsvector('spanish'::regconfig, exact.word))) AS lexeme (lexeme)
            JOIN catalog.search_lexemes AS l ON l.lexeme = lexeme.lexeme
            UNION ALL
            SELECT l.first_key
            FROM unnest(tsvector_to_array(to_tsvector('spanish'::regconfig, word.w))) AS stem (lexeme)
            JOIN catalog.search_lexemes AS l
              ON l.lexeme >= stem.lexeme AND l.lexeme < stem.lexeme || chr(1114111)
            WHERE known.found = 0
        ) AS held
    ) AS seek
    CROSS JOIN LATERAL (
        SELECT catalog.prefix_term(word.w)
        WHERE known.found NOT BETWEEN 1 AND {EXPAND}
        UNION ALL
        SELECT plainto_tsquery('spanish'::regconfig, started.word)
        FROM unnest(known.words) AS started (word)
        WHERE known.found BETWEEN 1 AND {EXPAND}
        UNION ALL
        SELECT plainto_tsquery('spanish'::regconfig, correction.word)
        FROM unnest(near.words) AS correction (word)
    ) AS alternative (query)
    WHERE numnode(plainto_tsquery('spanish'::regconfig, word.w)) > 0
    GROUP BY word.n
) AS per_word
"""


def _terms() -> sa.CTE:
    """The query and the bound as a one-row CTE: computed once per statement, read by each step."""
    text = sa.text(TERMS).bindparams(sa.bindparam("words", type_=ARRAY(sa.Text)))
    return text.columns(sa.column("query", TSQUERY), sa.column("bound", sa.Text)).cte("terms")


def _full_text(terms: sa.CTE):
    """The match of a row: its ``search_vector`` against the one query of ``terms``."""

    def match(cols) -> sa.ColumnElement[bool]:
        return cols.search_vector.op("@@")(sa.select(terms.c.query).scalar_subquery())

    return match


def _from_bound(terms: sa.CTE) -> sa.ColumnElement[bool]:
    """Rows named at or after the bound of ``terms`` (every row when there is none)."""
    return o.sort_key >= sa.select(sa.func.coalesce(terms.c.bound, "")).scalar_subquery()


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


def _window_hits(
    f: CatalogueFilters, match, cursor: str | None, size: sa.BindParameter[int], *gates
) -> sa.Select:
    """Steps 1 and 2: the matches among the next ``size`` rows of the covering-index walk."""
    columns = ("ruc", "sort_key", "ciiu_code", "size_class", "women_led", "search_vector")
    window = (
        sa.select(*(o[c] for c in columns))
        .where(*gates, *_walk(f, cursor))
        .order_by(o.sort_key, o.ruc)
        .limit(size)
        .subquery("window")
    )
    w = window.c
    return (
        sa.select(w.ruc, w.sort_key).where(match(w), *_filters(w, f)).order_by(w.sort_key, w.ruc).limit(FETCH)
    )


def _index_hits(f: CatalogueFilters, match, cursor: str | None, *gates) -> sa.Select:
    """Step 3: every match from the GIN index, sorted; ``gates`` decide whether it runs.

    The order is by an expression (``sort_key || ''``) so the planner cannot turn this back
    into a walk of the name index on a wrong estimate.
    """
    where = [*gates, match(o), *_walk(f, cursor), *_filters(o, f)]
    return sa.select(o.ruc, o.sort_key).where(*where).order_by(o.sort_key.concat(""), o.ruc).limit(FETCH)


def _text_search(f: CatalogueFilters, cursor: str | None) -> sa.Select:
    """The query and the three steps as ONE statement: steps 2 and 3 are CTEs gated by
    one-time filters on the earlier counts, so Postgres runs only what is needed."""
    terms = _terms()
    match, bound = _full_text(terms), _from_bound(terms)
    window = _window_hits(f, match, cursor, WALK, bound).cte("window_hits").prefix_with("MATERIALIZED")
    in_window = sa.select(sa.func.count()).select_from(window).scalar_subquery()
    long_gate = sa.and_(in_window <= LIMIT, in_window >= ENOUGH)
    walked = (
        _window_hits(f, match, cursor, LONG_WALK, long_gate, bound)
        .cte("long_hits")
        .prefix_with("MATERIALIZED")
    )
    in_walk = sa.select(sa.func.count()).select_from(walked).scalar_subquery()
    index_gate = sa.and_(in_window <= LIMIT, in_walk <= LIMIT)
    # No bound on the index step: it only filters there, and "sort_key >= bound" would tempt the
    # planner back into a walk of the name index (measured: 85,000 rows, 24 ms).
    indexed = _index_hits(f, match, cursor, index_gate).cte("index_hits").prefix_with("MATERIALIZED")
    hits = sa.union_all(
        sa.select(window.c.ruc, window.c.sort_key).where(in_window > LIMIT),
        sa.select(walked.c.ruc, walked.c.sort_key).where(in_walk > LIMIT),
        sa.select(indexed.c.ruc, indexed.c.sort_key),
    ).subquery("hits")
    return _page_of_hits(hits)


def _statement(kind: str, f: CatalogueFilters, cursor: str | None) -> sa.Select:
    shape = (kind, f.statuses, bool(f.region), bool(f.ciiu), bool(f.size_class), f.women_led, bool(cursor))
    stmt = _SHAPES.get(shape)
    if stmt is None:
        stmt = _listing(f, cursor) if kind == "listing" else _text_search(f, cursor)
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
        params.update(words=words(q), window=WINDOW, long_window=LONG_WINDOW, dense=DENSE)
    return params


async def search(
    conn: Executor, f: CatalogueFilters, *, today: date, cursor: str | None, limit: int
) -> tuple[list[sa.Row[Any]], str | None]:
    """A name-ordered page of listed organisations (see the module docstring for the strategy)."""
    q = (f.q or "").strip()
    if q and not words(q):  # only symbols: no word to look for, nothing can match
        return [], None
    stmt = _statement("text" if q else "listing", f, cursor)
    rows = list((await conn.execute(stmt, _params(f, q, today, cursor, limit))).all())
    return page_of(rows, limit, key=lambda r: (r.sort_key, r.ruc))


def vocabulary_of(source: sa.FromClause) -> sa.Select[Any]:
    """The distinct words of ``source``'s ``search_text`` (migration 0006's ``catalog.words_of``),
    in word order. A function in FROM sees the items before it (implicitly LATERAL)."""
    words_of = (
        sa.func.catalog.words_of(source.c.search_text).table_valued("word").render_derived(name="words")
    )
    return (
        sa.select(words_of.c.word)
        .select_from(source.join(words_of, sa.true()))
        .distinct()
        .order_by(words_of.c.word)
    )


def lexemes_of(source: sa.FromClause) -> sa.Select[Any]:
    """The lexemes of ``source``'s ``search_vector``, each with the least ``sort_key`` holding
    it, in lexeme order (the rows of ``search_lexemes``)."""
    lexeme = sa.func.unnest(sa.func.tsvector_to_array(source.c.search_vector)).table_valued("lexeme")
    lexeme = lexeme.render_derived(name="lexemes")
    return (
        sa.select(lexeme.c.lexeme, sa.func.min(source.c.sort_key).label("first_key"))
        .select_from(source.join(lexeme, sa.true()))
        .group_by(lexeme.c.lexeme)
        .order_by(lexeme.c.lexeme)
    )


_UPSERTS: dict[tuple[str, ...], Any] = {}


def _upsert(columns: tuple[str, ...]) -> Any:
    """The upsert of an entry given ``columns`` (bind parameters named after them), with the
    vocabulary and lexeme bounds it maintains. Both go in key order, so two projections
    touching the same keys concurrently wait on each other instead of deadlocking; a lexeme
    already bounded at or below this name is not even locked."""
    stmt = _UPSERTS.get(columns)
    if stmt is not None:
        return stmt
    insert = pg_insert(organisations).values({c: sa.bindparam(c, type_=o[c].type) for c in columns})
    upserted = (
        insert.on_conflict_do_update(
            index_elements=[o.ruc], set_={c: insert.excluded[c] for c in columns if c != "ruc"}
        )
        .returning(o.search_text, o.search_vector, o.sort_key)
        .cte("upserted")
    )
    new_words = (
        pg_insert(search_words)
        .from_select(["word"], vocabulary_of(upserted))
        .on_conflict_do_nothing()
        .cte("new_words")
    )
    held = lexemes_of(upserted).subquery("held")
    lower = sa.select(held.c.lexeme, held.c.first_key).where(
        ~sa.exists().where(
            search_lexemes.c.lexeme == held.c.lexeme, search_lexemes.c.first_key <= held.c.first_key
        )
    )
    bounds = pg_insert(search_lexemes).from_select(["lexeme", "first_key"], lower)
    bounds = bounds.on_conflict_do_update(
        index_elements=[search_lexemes.c.lexeme],
        set_={"first_key": bounds.excluded.first_key},
        where=bounds.excluded.first_key < search_lexemes.c.first_key,
    )
    stmt = _UPSERTS[columns] = bounds.add_cte(new_words)
    return stmt


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
        """Write the entry recomputed from the read model (``handlers.projection``), and in the
        same statement add its words to the vocabulary (a word is searchable with a typo as
        soon as its organisation is) and lower its lexemes' bounds to its name where needed
        (``_upsert``). The values travel as parameters of a statement built once per set of
        columns: building it took ~1 ms of CPU a call, ten times what Postgres spends on it."""
        await self.db.execute(_upsert(tuple(values)), values)

    async def recompute_search_words(self) -> None:
        """The vocabulary and the lexemes' bounds afresh from the organisations (the catalogue
        rebuild; a bulk load).

        Upserts only add words and lower bounds: a word whose last organisation changed its
        name or left the catalogue stays, harmless (a typo may be corrected to it, alongside
        the other corrections), and a bound may stay lower than needed (a longer walk), until
        this recomputes them. DELETE, not TRUNCATE: searches keep reading the old rows until
        the commit instead of waiting for it; the SHARE ROW EXCLUSIVE locks make a concurrent
        upsert wait before it writes either table, not deadlock with this."""
        for table in (search_words, search_lexemes):
            await self.db.execute(sa.text(f"LOCK TABLE {table.fullname} IN SHARE ROW EXCLUSIVE MODE"))
            await self.db.execute(sa.delete(table))
        await self.db.execute(
            pg_insert(search_words)
            .from_select(["word"], vocabulary_of(organisations))
            .on_conflict_do_nothing()
        )
        await self.db.execute(
            pg_insert(search_lexemes).from_select(["lexeme", "first_key"], lexemes_of(organisations))
        )

    async def delete(self, *, ruc: str) -> None:
        await self.db.execute(sa.delete(organisations).where(o.ruc == ruc))
