"""Completion, session and participant state machines."""

from __future__ import annotations

import pytest

from services.training.domain.completion import CompletionState, decide, evaluate, transition
from services.training.domain.participants import ParticipantStatus, accepts, ensure_active
from services.training.domain.sessions import (
    DeliveryMode,
    SessionAction,
    SessionStatus,
    apply,
    check_delivery,
)
from shared.errors import InvalidTransition, RuleViolation

ALL = list(range(1, 11))


def test_completing_publishes_once_and_stays_quiet_while_complete():
    done = evaluate(ALL, range(0, 11), withdrawn=False)
    first = decide(CompletionState.in_progress, done)
    assert first.state == CompletionState.completed and first.event == CompletionState.completed
    again = decide(first.state, done)
    assert again.event is None


def test_undoing_completion_revokes_and_completing_again_publishes_again():
    missing_ten = evaluate(ALL, range(1, 10), withdrawn=False)
    assert missing_ten.missing == [10]
    revoked = decide(CompletionState.completed, missing_ten)
    assert revoked == decide(CompletionState.completed, missing_ten)
    assert revoked.state == CompletionState.revoked and revoked.event == CompletionState.revoked
    assert decide(revoked.state, missing_ten).event is None
    back = decide(revoked.state, evaluate(ALL, ALL, withdrawn=False))
    assert back.event == CompletionState.completed


def test_a_withdrawn_company_never_completes():
    evaluation = evaluate(ALL, ALL, withdrawn=True)
    assert not evaluation.complete and evaluation.missing == []
    assert decide(CompletionState.in_progress, evaluation).event is None
    assert decide(CompletionState.completed, evaluation).event == CompletionState.revoked


def test_illegal_completion_transition_lists_the_allowed_ones():
    with pytest.raises(InvalidTransition) as caught:
        transition(CompletionState.revoked, CompletionState.revoked)
    assert caught.value.extra["allowed_transitions"] == ["completed"]


def test_a_cancelled_session_allows_nothing():
    assert apply(SessionStatus.scheduled, SessionAction.cancel) == SessionStatus.cancelled
    for action in SessionAction:
        with pytest.raises(InvalidTransition) as caught:
            apply(SessionStatus.cancelled, action)
        assert caught.value.extra["allowed_transitions"] == []


def test_delivery_needs_a_venue_or_a_link():
    check_delivery(DeliveryMode.virtual, venue=None, link="https://meet.example/abc")
    with pytest.raises(RuleViolation) as caught:
        check_delivery(DeliveryMode.in_person, venue=None, link="https://meet.example/abc")
    assert caught.value.extra["rule"] == "venue_required"
    with pytest.raises(RuleViolation):
        check_delivery(DeliveryMode.virtual, venue="Lima", link=None)


def test_withdrawal_is_final():
    assert accepts(ParticipantStatus.admitted, ParticipantStatus.withdrawn)
    assert not accepts(ParticipantStatus.withdrawn, ParticipantStatus.admitted)
    assert not accepts(ParticipantStatus.withdrawn, ParticipantStatus.withdrawn)
    with pytest.raises(RuleViolation):
        ensure_active(ParticipantStatus.withdrawn, "20100070970")


def test_attendance_is_recorded_once_the_session_has_begun():
    import uuid
    from datetime import UTC, datetime, timedelta

    from services.training.domain.sessions import Session, ensure_started

    starts = datetime(2025, 4, 8, 14, tzinfo=UTC)
    session = Session(
        uuid.uuid4(),
        uuid.uuid4(),
        1,
        starts,
        60,
        "virtual",
        None,
        "x",
        None,
        None,
        "scheduled",
        None,
        None,
        starts,
        starts,
    )
    assert session.ends_at == starts + timedelta(hours=1)
    ensure_started(session, starts)
    with pytest.raises(RuleViolation) as caught:
        ensure_started(session, starts - timedelta(seconds=1))
    assert caught.value.extra["rule"] == "session_not_started"
