"""The whole programme for one company, through nginx only, every cross-service step via Kafka.

The same journey ``make demo`` shows a person (deploy/demo/journey.py); here it runs
against the test stack and each step's assertions are the journey's own checks.
"""

from __future__ import annotations

import re

import pytest

from deploy.demo import journey

pytestmark = pytest.mark.e2e


def test_one_company_from_registration_to_expired_certificate(stack):
    lines: list[str] = []
    done = journey.run(stack.gateway_url, log=lines.append, wait_seconds=90)
    transcript = "\n".join(lines)
    assert done.facts["participant_id"]
    assert re.fullmatch(r"BPE-\d{4}-\d{6}-[A-Z]", done.facts["certificate"])
    for milestone in (
        "eligibility: 12/12 rules passed",
        "training: completed",
        "failed: 1 minor, 1 major",
        "pre-audit passed",
        "enrollment: certification-eligible",
        "'status': 'valid'",
        "the verification says expired",
        "left the catalogue",
    ):
        assert milestone in transcript, f"missing milestone {milestone!r}:\n{transcript}"
