"""Implementation level per aspect and overall."""

from __future__ import annotations

from services.audit.domain.levels import level, overall_level, tally

STANDARD = {"A1": ["A1.R01", "A1.R02", "A1.R03", "A1.R04"], "A2": ["A2.R01", "A2.R02"]}


def test_implemented_counts_one_partial_half_and_unanswered_zero():
    answers = {"A1.R01": "implemented", "A1.R02": "partial", "A1.R03": "not_implemented"}
    a1, a2 = tally(STANDARD, answers)
    assert (a1.implemented, a1.partial, a1.not_implemented, a1.unanswered) == (1, 1, 1, 1)
    assert a1.level == 37.5
    assert a2.level == 0.0 and a2.unanswered == 2


def test_overall_weighs_every_requirement_not_every_aspect():
    answers = {"A2.R01": "implemented", "A2.R02": "implemented"}
    tallies = tally(STANDARD, answers)
    assert [t.level for t in tallies] == [0.0, 100.0]
    assert overall_level(tallies) == 33.3  # 2 of 6, not the mean of 0 and 100


def test_answers_outside_the_standard_are_ignored_and_empty_aspects_are_zero():
    assert tally({"A1": ["A1.R01"]}, {"Z9.R99": "implemented"})[0].level == 0.0
    assert level(0, 0, 0) == 0.0


def test_fully_implemented_is_100():
    answers = {code: "implemented" for codes in STANDARD.values() for code in codes}
    assert overall_level(tally(STANDARD, answers)) == 100.0
