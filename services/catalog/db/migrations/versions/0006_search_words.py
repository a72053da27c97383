"""The catalogue's vocabulary for typo-tolerant search (issue 15).

Revision ID: catalog_0006
Revises: catalog_0005

A typo ("alpca") used to fall back to pg_trgm word similarity of the query against every
organisation's folded text: at 100,000 organisations the trigram index gave ~13,000
candidates to recheck (150 ms a query, and "alpca" still found nothing: its word similarity
to "alpaca" is 0.5, under the 0.6 threshold); a word matching nothing took ~850 ms. Now the
distinct words of the catalogue (``catalog.search_words``: 80 in the bench's generated
catalogue; with 56,000 synthetic words the similarity lookup still takes ~0.1 ms) are looked
up instead: the nearest known words of an unknown query word join it in the full-text query,
and the words a known prefix starts become exact lexemes (``db/repositories/catalogue.py``).

* ``catalog.words_of(text)``: the words of a folded document, as the ``simple`` text-search
  configuration cuts them (the same parser that builds ``search_vector``, no stemming), so a
  word found here goes back through ``to_tsquery('spanish', ...)`` to the same lexeme.
* ``search_words``: one row a word, ``COLLATE "C"`` so the words a prefix starts are one range
  of the primary key; a trigram GIN index for the similarity lookup, ``fastupdate = off``: new
  words are rare (most upserts add none) and a search should never scan a pending list. It
  only grows with the upserts (``OrganisationRepository.upsert``); the rebuild recomputes it.
* ``search_lexemes``: every lexeme of the organisations' ``search_vector`` with a lower bound
  of the names (``sort_key``) of the organisations holding it. A search walks the name index
  from the bound of its words instead of from the start: a word found only late in name order
  ("pesquera", the leading word of its organisations' names) was answered by sorting every
  match (7.6 ms at 100,000 rows), and is now a walk of 21 rows (0.15 ms). Upserts only lower
  the bound (a renamed organisation leaves it lower: still a lower bound); the rebuild
  recomputes it.
* ``catalog.prefix_term(word)``: a folded word as a prefix term, quoted: unaccent folds some
  word characters into tsquery syntax ("⑴" -> "(1)", "ʼ" -> "'", "ː" -> ":"), a syntax error
  (a 500, catalogue and hub searches alike) when spliced in raw before ``:*``.
* ``catalog.any_of`` / ``catalog.all_of``: OR / AND of tsqueries as aggregates (the
  ``tsquery_or`` / ``tsquery_and`` behind ``||`` / ``&&``; an empty tsquery, a stop word's,
  drops out), so the query is built from lexemes, never from text spliced into tsquery syntax.
* The trigram index on ``organisations.search_text`` served only the old fallback: dropped.
"""

import sqlalchemy as sa

revision = "catalog_0006"
down_revision = "catalog_0005"
branch_labels = None
depends_on = None

S = "catalog"

FUNCTIONS = (
    # The word quoted, its backslashes and quotes escaped, then ':*'.
    r"""CREATE OR REPLACE FUNCTION catalog.prefix_term(word text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT to_tsquery('spanish'::regconfig,
        '''' || replace(replace(word, '\', '\\'), '''', '\''') || ''':*') $$""",
    """CREATE OR REPLACE FUNCTION catalog.words_of(document text) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT unnest(tsvector_to_array(to_tsvector('simple'::regconfig, document))) $$""",
    """CREATE OR REPLACE AGGREGATE catalog.any_of(tsquery) (SFUNC = tsquery_or, STYPE = tsquery)""",
    """CREATE OR REPLACE AGGREGATE catalog.all_of(tsquery) (SFUNC = tsquery_and, STYPE = tsquery)""",
)


def upgrade() -> None:
    from alembic import op

    for statement in FUNCTIONS:
        op.execute(statement)
    op.create_table(
        "search_words",
        sa.Column("word", sa.Text(collation="C"), primary_key=True),
        schema=S,
    )
    op.create_index(
        "ix_catalog_search_words_trgm",
        "search_words",
        ["word"],
        postgresql_using="gin",
        postgresql_ops={"word": "gin_trgm_ops"},
        postgresql_with={"fastupdate": "off"},
        schema=S,
    )
    op.execute(
        f"INSERT INTO {S}.search_words (word) SELECT DISTINCT w FROM {S}.organisations, "
        f"{S}.words_of(search_text) AS w ORDER BY w ON CONFLICT DO NOTHING"
    )
    op.create_table(
        "search_lexemes",
        sa.Column("lexeme", sa.Text(collation="C"), primary_key=True),
        sa.Column("first_key", sa.Text, nullable=False),
        schema=S,
    )
    op.execute(
        f"INSERT INTO {S}.search_lexemes (lexeme, first_key) SELECT l, min(sort_key) FROM {S}.organisations, "
        f"unnest(tsvector_to_array(search_vector)) AS l GROUP BY l ORDER BY l"
    )
    op.drop_index("ix_catalog_organisations_trgm", table_name="organisations", schema=S)


def downgrade() -> None:
    from alembic import op

    op.create_index(
        "ix_catalog_organisations_trgm",
        "organisations",
        ["search_text"],
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
        schema=S,
    )
    op.drop_table("search_lexemes", schema=S)
    op.drop_table("search_words", schema=S)
    for name in ("all_of", "any_of"):
        op.execute(f"DROP AGGREGATE IF EXISTS catalog.{name}(tsquery)")
    op.execute("DROP FUNCTION IF EXISTS catalog.words_of(text)")
    op.execute("DROP FUNCTION IF EXISTS catalog.prefix_term(text)")
