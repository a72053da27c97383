"""Who sees which success story: the public only published ones, a company only its own."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from services.catalog.domain.access import ensure_may_read_story, ensure_may_write_story, story_scope
from shared.auth import Principal, Role
from shared.errors import NotFound

OWN, OTHER = "20100070970", "20601234560"
STORY_ID = uuid.UUID(int=7)


def principal(role: Role, ruc: str | None = None) -> Principal:
    return Principal(subject=f"{role}-1", role=role, ruc=ruc, expires_at=0)


@dataclass
class Story:
    ruc: str
    status: str
    story_id: uuid.UUID = STORY_ID


def test_the_public_reads_a_published_story_and_nothing_else():
    ensure_may_read_story(None, Story(OWN, "published"))
    for status in ("draft", "submitted", "rejected"):
        with pytest.raises(NotFound):
            ensure_may_read_story(None, Story(OWN, status))


def test_a_company_reads_and_writes_its_own_stories_only_and_learns_nothing_of_others():
    company = principal(Role.company, OWN)
    ensure_may_read_story(company, Story(OWN, "draft"))
    ensure_may_write_story(company, OWN)
    with pytest.raises(NotFound):
        ensure_may_read_story(company, Story(OTHER, "published"))
    with pytest.raises(NotFound):
        ensure_may_write_story(company, OTHER)


def test_an_officer_reads_every_story_in_any_state():
    ensure_may_read_story(principal(Role.promperu_officer), Story(OTHER, "submitted"))


def test_listings_the_public_sees_published_a_company_its_own_ruc_whatever_it_asks():
    public = story_scope(None, statuses=["draft"], ruc=OTHER)
    assert (public.statuses, public.ruc) == (["published"], OTHER)
    mine = story_scope(principal(Role.company, OWN), statuses=["draft"], ruc=OTHER)
    assert (mine.statuses, mine.ruc) == (["draft"], OWN)
    officer = story_scope(principal(Role.promperu_officer), statuses=None, ruc=OTHER)
    assert (officer.statuses, officer.ruc) == (None, OTHER)
    with pytest.raises(NotFound):  # a company credential bound to no RUC sees nothing
        story_scope(principal(Role.company), statuses=None, ruc=None)
