"""A company's transition journey, stated in the programme's words (not read off TRANSITIONS)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.circular.domain.journeys import (
    Commitment,
    JourneyAction,
    JourneyStatus,
    Measurement,
    Resource,
    apply,
    check_commitment,
    check_follow_up,
    ensure_may_finish,
    ensure_story_possible,
    expected_annual_savings,
    latest_measurements,
    story_figures,
)
from shared.errors import InvalidTransition, RuleViolation

COMMITTED, FOLLOWING, FINISHED, ABANDONED = (
    JourneyStatus.committed,
    JourneyStatus.following_up,
    JourneyStatus.finished,
    JourneyStatus.abandoned,
)
FOLLOW_UP, FINISH, ABANDON = JourneyAction.follow_up, JourneyAction.finish, JourneyAction.abandon


def test_a_committed_company_is_followed_up_then_finishes():
    state = apply(COMMITTED, FOLLOW_UP)
    assert state is FOLLOWING
    assert apply(state, FOLLOW_UP) is FOLLOWING  # as many follow-ups as the measure needs
    assert apply(state, FINISH) is FINISHED


def test_a_company_cannot_finish_before_anything_was_followed_up():
    with pytest.raises(InvalidTransition) as caught:
        apply(COMMITTED, FINISH)
    assert sorted(caught.value.extra["allowed_transitions"]) == ["abandon", "follow_up"]


def test_a_company_may_abandon_at_any_point_before_the_end():
    assert apply(COMMITTED, ABANDON) is ABANDONED
    assert apply(FOLLOWING, ABANDON) is ABANDONED


@pytest.mark.parametrize("final", [FINISHED, ABANDONED])
def test_a_finished_or_abandoned_journey_takes_nothing_more(final):
    for action in (FOLLOW_UP, FINISH, ABANDON):
        with pytest.raises(InvalidTransition) as caught:
            apply(final, action)
        assert caught.value.extra["allowed_transitions"] == []


def test_states_are_read_from_their_stored_names():
    assert apply("following_up", FINISH) is FINISHED


SOLAR_DRYER = {
    Resource.energy: Commitment(baseline=Decimal(12000), expected=Decimal(7000), unit_price=Decimal("0.60")),
    Resource.water: Commitment(baseline=Decimal(800), expected=Decimal(650), unit_price=Decimal("5.20")),
}


def test_the_expected_savings_are_what_the_lower_consumption_would_have_cost():
    # energy 5000 kWh x 0.60 + water 150 m3 x 5.20
    assert expected_annual_savings(SOLAR_DRYER) == Decimal("3780.00")


def test_a_commitment_needs_a_resource_and_no_negative_figure():
    with pytest.raises(RuleViolation):
        check_commitment({}, Decimal(0))
    with pytest.raises(RuleViolation):
        check_commitment({Resource.waste: Commitment(Decimal(-1), Decimal(0), Decimal(1))}, Decimal(100))
    with pytest.raises(RuleViolation):
        check_commitment(SOLAR_DRYER, Decimal(-5))
    check_commitment(SOLAR_DRYER, Decimal(9000))


def test_savings_beyond_any_mipyme_are_a_unit_mistake():
    tonnes_as_grams = {Resource.raw_material: Commitment(Decimal(10) ** 10, Decimal(0), Decimal(500))}
    with pytest.raises(RuleViolation) as caught:
        check_commitment(tonnes_as_grams, Decimal(9000))
    assert caught.value.extra["rule"] == "journey.amount_too_large"


def test_a_follow_up_measures_only_what_was_committed():
    check_follow_up(SOLAR_DRYER, {Resource.energy: Decimal(7400)})
    with pytest.raises(RuleViolation) as caught:
        check_follow_up(SOLAR_DRYER, {Resource.waste: Decimal(10)})
    assert caught.value.detail.endswith("waste is not.")


def test_a_journey_finishes_only_with_a_measured_result():
    with pytest.raises(RuleViolation):
        ensure_may_finish({})


def test_only_a_finished_journey_makes_a_story():
    for state in (COMMITTED, FOLLOWING, ABANDONED):
        with pytest.raises(RuleViolation):
            ensure_story_possible(state)
    ensure_story_possible(FINISHED)


def test_the_story_takes_the_baseline_from_the_commitment_and_the_result_from_the_latest_measurement():
    measured = {
        Resource.energy: [
            Measurement("f1", date(2026, 5, 1), Decimal(9000)),
            Measurement("f3", date(2026, 9, 1), Decimal(7400)),
            Measurement("f2", date(2026, 7, 1), Decimal(8000)),
        ],
    }
    latest = latest_measurements(measured)
    (energy,) = story_figures("J1", SOLAR_DRYER, latest)  # water was never measured: not in the story
    assert (energy.baseline, energy.after, energy.unit_price) == (
        Decimal(12000),
        Decimal(7400),
        Decimal("0.60"),
    )
    assert energy.baseline_source == "circular/journeys/J1#commitment"
    assert energy.after_source == "circular/journeys/J1/follow-ups/f3"
    assert energy.measured_on == date(2026, 9, 1) and energy.unit == "kWh"


def test_two_measurements_on_one_day_the_later_recorded_wins():
    same_day = {
        Resource.water: [
            Measurement("a", date(2026, 6, 1), Decimal(700)),
            Measurement("b", date(2026, 6, 1), Decimal(690)),
        ]
    }
    assert latest_measurements(same_day)[Resource.water].follow_up_id == "b"
