"""Who consumes every published topic, and why the other services do not.

One decision per topic of ``shared.events.contracts``. ``tests/unit/test_topic_coverage.py``
fails when a topic has no decision here, or when a service's ``TOPIC_HANDLERS`` disagree
with it; ``docs/events.md`` shows :func:`render_markdown`'s table (checked by the same test).
A topic nobody consumes is still published: it is the record other systems (and future
consumers, replaying it from the beginning) rely on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CONSUMING_SERVICES: tuple[str, ...] = ("enrollment", "training", "audit", "catalog", "webhooks", "circular")


@dataclass(frozen=True)
class TopicCoverage:
    consumers: dict[str, str] = field(default_factory=dict)  # service -> what it does with the events
    others: str = ""  # why every other service ignores the topic


C = TopicCoverage
COVERAGE: dict[str, TopicCoverage] = {
    # --- enrollment -------------------------------------------------------------------------
    "enrollment.company.registered": C(
        {
            "catalog": "company snapshot for the catalogue's profile; 'registered' indicator",
            "webhooks": "the company's region, for subscriptions filtered by region",
        },
        "training and audit know companies only once admitted (enrollment.participant.admitted)",
    ),
    "enrollment.company.updated": C(
        {
            "catalog": "latest company snapshot (name, region, products) for the public profile",
            "webhooks": "the company's current region, for region filters",
        },
        "training and audit keep no company profile",
    ),
    "enrollment.company.deleted": C(
        {
            "catalog": "a deleted company stops counting as registered in the indicators",
            "webhooks": "forgets the company's region",
        },
        "only companies that never applied can be deleted, so training and audit never knew them",
    ),
    "enrollment.application.submitted": C(
        {},
        "no read model needs pending applications: only admission matters downstream",
    ),
    "enrollment.participant.admitted": C(
        {
            "training": "enrols the participant in its cohort's workshops",
            "audit": "who may self-assess / be pre-audited, and with which monitor",
            "catalog": "'admitted' indicator per cohort, region and women-led",
            "webhooks": "participant.admitted webhooks to subscribed partners (enrollment:read)",
        },
        "enrollment publishes it",
    ),
    "enrollment.participant.monitor_reassigned": C(
        {
            "audit": "the follow-up monitor who may record and see the participant's audits",
            "training": "the monitor who may record attendance and log assistance for the company",
        },
        "the catalogue shows no monitors",
    ),
    "enrollment.commitment.signed": C(
        {},
        "the commitment letter is an enrollment record; no other service acts on it "
        "(v2 carries identifiers only, Ley 29733)",
    ),
    "enrollment.participant.withdrawn": C(
        {
            "training": "marks the company withdrawn: it never completes, a completion it had is revoked",
            "audit": "marks the participant withdrawn in its participants read model",
        },
        "the catalogue's indicators count milestones reached; a withdrawal takes none back",
    ),
    "enrollment.participant.certification_eligible": C(
        {
            "audit": "records that the participant may ask for the certification audit",
            "webhooks": "participant.certification_eligible webhooks (enrollment:read)",
        },
        "training and the catalogue already hold both facts it combines (completion, pre-audit)",
    ),
    # --- training ---------------------------------------------------------------------------
    "training.session.scheduled": C(
        {},
        "the schedule is training's own; front ends read it from training's API",
    ),
    "training.session.cancelled": C({}, "as training.session.scheduled"),
    "training.attendance.recorded": C(
        {},
        "downstream only completion matters (training.program.completed / completion_revoked)",
    ),
    "training.program.completed": C(
        {
            "enrollment": "one of the two conditions of certification eligibility",
            "audit": "the programme order: a pre-audit comes after training completion",
            "catalog": "'trained' indicator",
            "webhooks": "participant.training_completed webhooks (training:read)",
        },
        "training publishes it",
    ),
    "training.program.completion_revoked": C(
        {
            "enrollment": "takes the training condition of eligibility back",
            "audit": "the pre-audit waits again for training completion",
            "catalog": "the 'trained' indicator no longer counts the participant",
        },
        "as training.program.completed",
    ),
    "training.assistance.logged": C(
        {"audit": "the programme order: a pre-audit comes after the technical assistance a cohort requires"},
        "enrollment and the catalogue keep no follow-up log",
    ),
    # --- audit ------------------------------------------------------------------------------
    "audit.selfassessment.updated": C({}, "the self-assessment is audit's own working record"),
    "audit.preaudit.passed": C(
        {
            "enrollment": "the second condition of certification eligibility",
            "catalog": "'pre-audit passed' indicator",
        },
        "training does not depend on audit results",
    ),
    "audit.preaudit.failed": C({}, "only a pass changes anything downstream; remediation is audit's"),
    "audit.nonconformity.closed": C({}, "remediation is audit's own record"),
    "audit.certification.requested": C({}, "the certification audit is audit's own process"),
    "audit.certificate.issued": C(
        {
            "catalog": "lists the organisation in the public catalogue; verification; 'certified' indicator",
            "webhooks": "certificate.issued and mark_licence.granted webhooks; the public status feed",
        },
        "enrollment and training are done with the company once it is certified",
    ),
    "audit.certificate.suspended": C(
        {
            "catalog": "the catalogue and verification show the certificate suspended",
            "webhooks": "certificate.suspended and mark_licence.suspended webhooks; status feed",
        },
        "as audit.certificate.issued",
    ),
    "audit.certificate.reinstated": C(
        {
            "catalog": "the certificate is valid again in the catalogue and in verification",
            "webhooks": "certificate.reinstated and mark_licence.granted webhooks; status feed",
        },
        "as audit.certificate.issued",
    ),
    "audit.certificate.withdrawn": C(
        {
            "catalog": "the certificate shows withdrawn; the organisation leaves the default listing",
            "webhooks": "certificate.withdrawn and mark_licence.revoked webhooks; status feed",
        },
        "as audit.certificate.issued",
    ),
    "audit.certificate.expired": C(
        {
            "catalog": "the certificate shows expired",
            "webhooks": "certificate.expired and mark_licence.revoked webhooks; status feed",
        },
        "as audit.certificate.issued",
    ),
    **{
        f"audit.marklicence.{change}": C(
            {"catalog": "the right to use the mark shown on verification and the organisation's page"},
            "enrollment and training do not deal with the mark",
        )
        for change in ("granted", "suspended", "reinstated", "withdrawn", "expired")
    },
    # --- circular ---------------------------------------------------------------------------
    "circular.activity.recorded": C(
        {},
        "the record of the programme's outreach for other systems (PRODUCE, the nodes' partners); no "
        "service acts on an activity: the indicators are computed where the activities live (circular)",
    ),
    "circular.company.sensitised": C(
        {},
        "keyed by RUC for whoever follows a company's circular path (a future catalogue badge or "
        "partner webhook); enrollment, training and audit deal with PROMPERÚ's certification programme, "
        "which a sensitised company may never join",
    ),
    "circular.journey.finished": C(
        {
            "catalog": "drafts a success story in the hub from the journey's figures, for the company to submit"
        },
        "enrollment, training and audit deal with PROMPERÚ's certification, not circular measures; the "
        "circular indicators read the journeys where they live",
    ),
}


def consumed_by(service: str) -> set[str]:
    return {topic for topic, decision in COVERAGE.items() if service in decision.consumers}


def render_markdown() -> str:
    """The table docs/events.md shows (kept identical by a test)."""
    lines = [
        "| topic | consumed by | why | why not the others |",
        "|---|---|---|---|",
    ]
    for topic in sorted(COVERAGE):
        decision = COVERAGE[topic]
        who = ", ".join(sorted(decision.consumers)) or "nobody"
        why = "; ".join(f"{s}: {r}" for s, r in sorted(decision.consumers.items())) or "-"
        lines.append(f"| `{topic}` | {who} | {why} | {decision.others} |")
    return "\n".join(lines) + "\n"
