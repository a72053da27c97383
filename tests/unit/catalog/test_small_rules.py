"""Region nodes, search words and the success-story workflow (the RUC's rule is the kernel's:
tests/unit/kernel/test_ruc.py)."""

from __future__ import annotations

import pytest

from services.catalog.domain.regions import RegionNode, fold, region_node
from services.catalog.domain.search import MAX_TERMS, words
from services.catalog.domain.stories import StoryStatus, ensure_editable, transition
from shared.errors import InvalidTransition


@pytest.mark.parametrize(
    ("region", "node"),
    [
        ("Arequipa", RegionNode.arequipa),
        ("LA LIBERTAD", RegionNode.la_libertad),
        ("Lima Metropolitana", RegionNode.lima),
        ("lima provincias", RegionNode.lima),
        ("Cusco", RegionNode.others),
        (None, RegionNode.others),
    ],
)
def test_regions_fall_into_the_commissions_nodes(region, node):
    assert region_node(region) is node


def test_fold_drops_accents_and_case():
    assert fold("  CAFÉ   Orgánico ") == "cafe organico"


def test_search_words_are_cut_so_symbols_never_reach_tsquery():
    assert words("Café orgánico") == ["Café", "orgánico"]
    assert words("a|b & !c:*") == ["a", "b", "c"]
    assert words("  ¡¿ ") == []
    assert words("foo_bar") == ["foo", "bar"]
    assert len(words(" ".join(f"w{i}" for i in range(20)))) == MAX_TERMS


def test_a_story_is_reviewed_once_submitted_and_a_rejected_one_may_be_sent_again():
    # the company writes a draft and sends it; an officer publishes or rejects it
    assert transition("draft", StoryStatus.submitted) is StoryStatus.submitted
    assert transition("submitted", StoryStatus.published) is StoryStatus.published
    assert transition("submitted", StoryStatus.rejected) is StoryStatus.rejected
    # a rejected story goes back for review once corrected
    assert transition("rejected", StoryStatus.submitted) is StoryStatus.submitted
    # no draft is published without review, and a published story stays published
    with pytest.raises(InvalidTransition) as err:
        transition("draft", StoryStatus.published)
    assert err.value.extra["allowed_transitions"] == ["submitted"]
    for target in StoryStatus:
        with pytest.raises(InvalidTransition):
            transition("published", target)


def test_only_drafts_and_rejected_stories_can_be_edited():
    ensure_editable("draft")
    ensure_editable("rejected")
    for status in ("submitted", "published"):
        with pytest.raises(InvalidTransition):
            ensure_editable(status)
