"""The indicators' written rules: definitions for every figure, the public hub's small cells, the
trained share, the window."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.circular.domain.indicators import FIGURES, PUBLIC_FIGURES, Cell, Window, suppress
from services.circular.domain.reference import METHODOLOGIES, Depth, EntityType
from services.circular.domain.trainings import is_trained
from shared.errors import RuleViolation


def test_every_figure_has_a_definition_in_both_languages_and_the_report_figures_name_their_source():
    for figure in FIGURES.values():
        assert len(figure.definition) > 40 and len(figure.definition_es) > 40, figure.name
    sources = {name for name, f in FIGURES.items() if f.source}
    assert sources == {
        "companies_sensitised",
        "companies_started_transition",
        "companies_started_transition_women_led",
        "people_trained",
    }
    assert set(PUBLIC_FIGURES) <= set(FIGURES)


def test_the_four_methodologies_cover_the_documents_two_axes_once_each():
    assert {(m.entity_type, m.depth) for m in METHODOLOGIES.values()} == {
        (e, d) for e in EntityType for d in Depth
    }


def test_small_public_cells_are_withheld_and_a_lone_one_takes_the_next_smallest_with_it():
    assert suppress([("arequipa", 3), ("la_libertad", 40), ("lima", 12)]) == [
        Cell("arequipa", None, True),
        Cell("la_libertad", 40),
        Cell("lima", None, True),
    ]
    # two small cells hide each other; zero tells nothing about anyone
    assert suppress([("a", 1), ("b", 2), ("c", 0), ("d", 9)]) == [
        Cell("a", None, True),
        Cell("b", None, True),
        Cell("c", 0),
        Cell("d", 9),
    ]
    assert suppress([("a", 5), ("b", 7)]) == [Cell("a", 5), Cell("b", 7)]
    # one small cell beside zeros would be the total itself: a zero is withheld with it
    assert suppress([("arequipa", 0), ("la_libertad", 3), ("lima", 0)]) == [
        Cell("arequipa", None, True),
        Cell("la_libertad", None, True),
        Cell("lima", 0),
    ]


def test_a_trainee_is_trained_from_the_trainings_share_of_hours():
    assert is_trained(Decimal(32), Decimal(40), Decimal("0.80"))
    assert not is_trained(Decimal("31.5"), Decimal(40), Decimal("0.80"))


def test_a_window_ending_before_it_starts_is_refused():
    with pytest.raises(RuleViolation):
        Window(as_of=date(2024, 1, 1), start=date(2024, 3, 1))
