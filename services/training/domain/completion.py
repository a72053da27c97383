"""Completion of the training programme: the rule and the per-participant state machine.

A company completes the programme when it attended every workshop its cohort marks
mandatory (default Talleres 1-10); a withdrawn company never completes. The state is
kept per participant so that ``training.program.completed`` is published exactly once
while complete, ``completion_revoked`` once when a correction undoes it, and
``completed`` again if the company later completes anew; redeliveries and repeated
re-evaluations find the state already in place and publish nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from shared.errors import InvalidTransition


class CompletionState(StrEnum):
    in_progress = "in_progress"
    completed = "completed"
    revoked = "revoked"


TRANSITIONS: dict[CompletionState, frozenset[CompletionState]] = {
    CompletionState.in_progress: frozenset({CompletionState.completed}),
    CompletionState.completed: frozenset({CompletionState.revoked}),
    CompletionState.revoked: frozenset({CompletionState.completed}),
}


def transition(current: CompletionState, target: CompletionState) -> CompletionState:
    if target not in TRANSITIONS[current]:
        raise InvalidTransition(
            "Training completion", current.value, target.value, sorted(s.value for s in TRANSITIONS[current])
        )
    return target


@dataclass(frozen=True)
class Evaluation:
    complete: bool
    attended: list[int]
    missing: list[int]


def evaluate(mandatory: Iterable[int], attended: Iterable[int], *, withdrawn: bool) -> Evaluation:
    attended_sorted = sorted(set(attended))
    missing = sorted(set(mandatory) - set(attended_sorted))
    return Evaluation(complete=not withdrawn and not missing, attended=attended_sorted, missing=missing)


@dataclass(frozen=True)
class Decision:
    """What a re-evaluation changes: the new state and the event to publish (or nothing)."""

    state: CompletionState
    event: CompletionState | None


def decide(current: CompletionState, evaluation: Evaluation) -> Decision:
    if evaluation.complete and current != CompletionState.completed:
        return Decision(transition(current, CompletionState.completed), CompletionState.completed)
    if not evaluation.complete and current == CompletionState.completed:
        return Decision(transition(current, CompletionState.revoked), CompletionState.revoked)
    return Decision(current, None)
