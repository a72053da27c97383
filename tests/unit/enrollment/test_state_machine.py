"""The application state machine: every legal move passes, every other one is a 409 listing the allowed."""

import pytest

from services.enrollment.domain.applications import (
    TRANSITIONS,
    Status,
    ensure_transition,
    status_after_evaluation,
)
from shared.errors import InvalidTransition

LEGAL = [(a, b) for a, targets in TRANSITIONS.items() for b in targets]
ILLEGAL = [(a, b) for a in Status for b in Status if b not in TRANSITIONS[a]]


def test_the_table_covers_every_status():
    assert set(TRANSITIONS) == set(Status)


@pytest.mark.parametrize("current,target", LEGAL, ids=[f"{a}->{b}" for a, b in LEGAL])
def test_legal_transition(current, target):
    ensure_transition(current, target)


@pytest.mark.parametrize("current,target", ILLEGAL, ids=[f"{a}->{b}" for a, b in ILLEGAL])
def test_illegal_transition_lists_the_allowed_ones(current, target):
    with pytest.raises(InvalidTransition) as caught:
        ensure_transition(current, target)
    error = caught.value
    assert error.status == 409
    assert error.extra["current_state"] == current.value
    assert error.extra["attempted"] == target.value
    assert error.extra["allowed_transitions"] == [s.value for s in TRANSITIONS[current]]


@pytest.mark.parametrize("final", [Status.rejected, Status.withdrawn, Status.completed])
def test_final_states_allow_nothing(final):
    assert TRANSITIONS[final] == ()
    with pytest.raises(InvalidTransition, match="final state"):
        ensure_transition(final, Status.active)


@pytest.mark.parametrize(
    "current,eligible,expected",
    [
        (Status.submitted, True, Status.eligible),
        (Status.submitted, False, Status.ineligible),
        (Status.eligible, False, Status.ineligible),
        (Status.ineligible, True, Status.eligible),
        (Status.waitlisted, True, Status.waitlisted),
        (Status.waitlisted, False, Status.ineligible),
    ],
)
def test_evaluation_outcome(current, eligible, expected):
    target = status_after_evaluation(current, eligible)
    assert target == expected
    if target != current:
        ensure_transition(current, target)


@pytest.mark.parametrize("current", [Status.draft, Status.admitted, Status.active, Status.rejected])
def test_evaluation_is_refused_outside_the_evaluation_stage(current):
    with pytest.raises(InvalidTransition):
        status_after_evaluation(current, True)
