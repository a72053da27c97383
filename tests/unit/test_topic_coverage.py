"""Every published topic has a consumption decision, and the services' handlers follow it."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from shared.events.contracts import CONTRACTS
from shared.events.coverage import CONSUMING_SERVICES, COVERAGE, consumed_by, render_markdown
from shared.events.versions import check_upcaster_chain, understood_versions

DOCS = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def test_every_published_topic_has_a_decision_and_no_decision_names_an_unknown_topic():
    assert sorted(set(CONTRACTS) - set(COVERAGE)) == [], "topics without a consumption decision"
    assert sorted(set(COVERAGE) - set(CONTRACTS)) == [], "decisions about topics nobody publishes"


def test_every_decision_says_why_the_other_services_do_not_consume():
    for topic, decision in COVERAGE.items():
        assert decision.others.strip(), topic
        assert set(decision.consumers) <= set(CONSUMING_SERVICES), topic
        assert all(reason.strip() for reason in decision.consumers.values()), topic


@pytest.mark.parametrize("service", CONSUMING_SERVICES)
def test_a_services_topic_handlers_match_the_table(service):
    handlers = importlib.import_module(f"services.{service}.events.consume").TOPIC_HANDLERS
    assert set(handlers) == consumed_by(service)


def test_the_catalogue_consumes_reinstatements_and_deletions():
    assert {"audit.certificate.reinstated", "enrollment.company.deleted"} <= consumed_by("catalog")


def test_docs_show_the_table_as_the_code_states_it():
    assert render_markdown() in DOCS.read_text(), "regenerate the table in docs/events.md"


def test_every_contract_declares_a_complete_upcaster_chain():
    problems = [p for contract in CONTRACTS.values() for p in check_upcaster_chain(contract)]
    assert problems == []
    assert understood_versions(CONTRACTS["enrollment.commitment.signed"]) == (1, 2)
