"""The one repository base: its 404 names the record in both languages."""

import sqlalchemy as sa

from shared.errors import NotFound
from shared.repository import Repository

_things = sa.Table("things", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True))


class _Companies(Repository):
    table = _things
    noun = "Company"
    noun_es = "La empresa"


class _Plain(Repository):
    table = _things
    noun = "Widget"


def test_the_404_names_the_record_in_english_and_spanish() -> None:
    missing = _Companies(db=None)._missing("20100047218")  # type: ignore[arg-type]  # no query runs
    assert isinstance(missing, NotFound)
    assert missing.detail == "Company 20100047218 does not exist."
    assert missing.detail_es == "La empresa 20100047218 no existe."
    assert missing.extra["resource"] == "Company"


def test_without_a_spanish_noun_the_english_one_is_used() -> None:
    missing = _Plain(db=None)._missing(7)  # type: ignore[arg-type]  # no query runs
    assert missing.detail_es == "Widget 7 no existe."
