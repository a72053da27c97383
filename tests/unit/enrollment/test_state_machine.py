"""The life of an application, stated in the programme's words (not read back from the table)."""

from __future__ import annotations

import itertools

import pytest

from services.enrollment.domain.applications import Status, ensure_transition, status_after_evaluation
from shared.errors import InvalidTransition

S = Status


def may(current: Status, target: Status) -> bool:
    try:
        ensure_transition(current, target)
    except InvalidTransition:
        return False
    return True


def test_a_participant_goes_from_draft_to_completed_one_step_at_a_time():
    journey = [
        S.draft,
        S.submitted,
        S.eligible,
        S.admitted,
        S.commitment_issued,
        S.commitment_signed,
        S.active,
        S.completed,
    ]
    for current, following in itertools.pairwise(journey):
        assert may(current, following), f"{current} -> {following}"
    # No step may be skipped: admission before evaluation, activity before the signed letter...
    for i, current in enumerate(journey[:-2]):
        for later in journey[i + 2 :]:
            assert not may(current, later), f"{current} skips to {later}"


def test_a_draft_is_only_submitted_or_withdrawn():
    assert {t for t in S if may(S.draft, t)} == {S.submitted, S.withdrawn}


def test_the_evaluation_decides_between_eligible_and_ineligible():
    assert may(S.submitted, S.eligible) and may(S.submitted, S.ineligible)
    assert not may(S.submitted, S.admitted) and not may(S.submitted, S.rejected)


def test_only_an_eligible_or_waitlisted_application_is_admitted():
    assert may(S.eligible, S.admitted) and may(S.waitlisted, S.admitted)
    assert not may(S.ineligible, S.admitted)
    assert not may(S.ineligible, S.waitlisted)


def test_eligibility_follows_the_company_data_until_admission_and_no_longer():
    assert may(S.eligible, S.ineligible) and may(S.ineligible, S.eligible)
    assert may(S.waitlisted, S.ineligible)
    for participant in (S.admitted, S.commitment_issued, S.commitment_signed, S.active):
        assert not may(participant, S.ineligible) and not may(participant, S.eligible)


def test_an_application_is_rejected_before_admission_only():
    for deciding in (S.eligible, S.ineligible, S.waitlisted):
        assert may(deciding, S.rejected)
    for participant in (S.admitted, S.commitment_issued, S.commitment_signed, S.active):
        assert not may(participant, S.rejected)


def test_a_company_may_withdraw_at_any_stage_until_the_end():
    ongoing = [s for s in S if s not in (S.rejected, S.withdrawn, S.completed)]
    assert len(ongoing) == 9
    for current in ongoing:
        assert may(current, S.withdrawn), current


@pytest.mark.parametrize("final", [S.rejected, S.withdrawn, S.completed])
def test_rejected_withdrawn_and_completed_are_final(final):
    assert not any(may(final, target) for target in S)
    with pytest.raises(InvalidTransition, match="final state") as caught:
        ensure_transition(final, S.active)
    assert caught.value.extra["allowed_transitions"] == []


def test_a_refused_move_is_a_409_saying_what_the_application_may_do():
    with pytest.raises(InvalidTransition) as caught:
        ensure_transition(S.admitted, S.active)
    error = caught.value
    assert error.status == 409
    assert error.extra["current_state"] == "admitted"
    assert error.extra["attempted"] == "active"
    assert sorted(error.extra["allowed_transitions"]) == ["commitment_issued", "withdrawn"]


@pytest.mark.parametrize(
    "current,eligible,expected",
    [
        (S.submitted, True, S.eligible),
        (S.submitted, False, S.ineligible),
        (S.eligible, True, S.eligible),
        (S.eligible, False, S.ineligible),
        (S.ineligible, True, S.eligible),
        (S.ineligible, False, S.ineligible),
        (S.waitlisted, True, S.waitlisted),  # keeps its place on the list
        (S.waitlisted, False, S.ineligible),
    ],
)
def test_where_an_evaluation_leaves_an_application(current, eligible, expected):
    assert status_after_evaluation(current, eligible) == expected


@pytest.mark.parametrize("current", [S.draft, S.admitted, S.active, S.rejected])
def test_evaluation_is_refused_outside_the_evaluation_stage(current):
    with pytest.raises(InvalidTransition):
        status_after_evaluation(current, True)
