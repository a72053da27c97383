"""A success story's review workflow: written by the company, published after PROMPERÚ review.

    draft --submit--> submitted --publish--> published
                          |
                          +--reject--> rejected --submit--> submitted

Only a draft or a rejected story may be edited; a published story is final (a
correction is a new story), so what buyers and the hub have read never changes under them.
"""

from __future__ import annotations

from enum import StrEnum

from shared.errors import InvalidTransition


class StoryStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    published = "published"
    rejected = "rejected"


TRANSITIONS: dict[StoryStatus, frozenset[StoryStatus]] = {
    StoryStatus.draft: frozenset({StoryStatus.submitted}),
    StoryStatus.submitted: frozenset({StoryStatus.published, StoryStatus.rejected}),
    StoryStatus.rejected: frozenset({StoryStatus.submitted}),
    StoryStatus.published: frozenset(),
}

EDITABLE = frozenset({StoryStatus.draft, StoryStatus.rejected})


def transition(current: StoryStatus | str, target: StoryStatus) -> StoryStatus:
    current = StoryStatus(current)
    if target not in TRANSITIONS[current]:
        raise InvalidTransition("Success story", current.value, target.value, sorted(TRANSITIONS[current]))
    return target


def ensure_editable(current: StoryStatus | str) -> None:
    current = StoryStatus(current)
    if current not in EDITABLE:
        raise InvalidTransition(
            "Success story", current.value, "edited", sorted(s.value for s in TRANSITIONS[current])
        )
