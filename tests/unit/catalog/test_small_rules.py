"""RUC check digit, region nodes, search words and the success-story workflow."""

from __future__ import annotations

import pytest

from services.catalog.domain.regions import RegionNode, fold, region_node
from services.catalog.domain.search import MAX_TERMS, prefix_query, words
from services.catalog.domain.stories import StoryStatus, ensure_editable, transition
from shared.errors import InvalidTransition
from shared.ruc import check_digit, complete_ruc, is_valid_ruc


def test_known_ruc_passes_the_sunat_check_digit_and_a_changed_digit_fails():
    assert is_valid_ruc("20100070970")  # PROMPERÚ's own example in the kernel's problem examples
    assert check_digit("2010007097") == 0
    assert not is_valid_ruc("20100070971")
    assert not is_valid_ruc("2010007097")
    assert not is_valid_ruc("99100070970")  # no such taxpayer type
    assert is_valid_ruc(complete_ruc("2060123456"))


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


def test_search_words_become_prefix_terms_and_symbols_never_reach_tsquery():
    assert prefix_query("Café orgánico") == "Café:* & orgánico:*"
    assert prefix_query("a|b & !c:*") == "a:* & b:* & c:*"
    assert prefix_query("  ¡¿ ") is None
    assert words("foo_bar") == ["foo", "bar"]
    assert len(words(" ".join(f"w{i}" for i in range(20)))) == MAX_TERMS


def test_story_workflow_follows_its_table():
    assert transition("draft", StoryStatus.submitted) is StoryStatus.submitted
    assert transition("rejected", StoryStatus.submitted) is StoryStatus.submitted
    with pytest.raises(InvalidTransition) as err:
        transition("draft", StoryStatus.published)
    assert err.value.extra["allowed_transitions"] == ["submitted"]
    with pytest.raises(InvalidTransition):
        transition("published", StoryStatus.rejected)


def test_only_drafts_and_rejected_stories_can_be_edited():
    ensure_editable("draft")
    ensure_editable("rejected")
    for status in ("submitted", "published"):
        with pytest.raises(InvalidTransition):
            ensure_editable(status)
