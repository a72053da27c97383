"""The circular service's words for its OpenAPI: what each operation does beyond its summary,
request-body examples and its areas (tags). Attached by ``shared.openapi`` (``ServiceSpec``)."""

from __future__ import annotations

from typing import Any

TAGS: list[dict[str, str]] = [
    {
        "name": "activities",
        "description": "Sensitisation activities held by a node or a partner, and who attended (sheets)",
    },
    {
        "name": "people trained",
        "description": "Specialists and public officials trained in a methodology; certificates of attendance",
    },
    {
        "name": "indicators",
        "description": "The report's figures as of any date, each with its definition; export",
    },
    {"name": "hub", "description": "'Mi Empresa Circular': anonymous figures for the public hub (public)"},
    {"name": "reference", "description": "Nodes, methodologies and kinds of activity (public)"},
    {
        "name": "micro-course",
        "description": "The WhatsApp micro-course of the hub: the provider's signed messages "
        "(docs/microcourse-webhooks.md), enrolment lists, learners (numbers never kept) and reach",
    },
    {
        "name": "journeys",
        "description": "Transition journeys: a measure committed with its MCI baseline, follow-ups, the end; "
        "a finished journey drafts a success story in the hub",
    },
]

OPERATION_DOCS: dict[str, str] = {
    "circular_read_reference": "The Commission's three regional nodes (Arequipa, La Libertad, Lima), the "
    "four training methodologies on the document's two axes (public or private entity; awareness or "
    "accompaniment) and the kinds of sensitisation activity. Codes are what the other operations take.",
}

OPERATION_DOCS |= {
    "circular_receive_microcourse_message": "The micro-course provider tells what a learner did, one "
    "signed message per fact (`enrolment.created`, `module.completed`, `course.completed`; other types "
    "are answered 200 `ignored`). Signed as Standard Webhooks specify (headers below); verified with the "
    "reference `standardwebhooks` library. Idempotent by `webhook-id`: a replayed message answers 200 "
    "`duplicate` and changes nothing. Unknown fields are ignored. The learner's number is reduced at once "
    "to a keyed hash and its last four digits: it is never stored, logged, published or answered. "
    "Without the three headers: 400 (`reason: headers`). A wrong signature or a timestamp more than "
    "300 s away: 401 problem+json with `reason` `signature` or `timestamp`. Nothing is recorded then. "
    "Shape and examples: docs/microcourse-webhooks.md.",
    "circular_import_microcourse_list": "An enrolment list as organisers keep it, CSV (`,` `;` or tab; "
    "UTF-8, UTF-16 or Windows-1252) or XLSX (first sheet), Spanish headers in any case or accent: "
    "`teléfono` and `fecha de inscripción` required; `nodo`, `género`, `ruc`, `módulos completados` (N: "
    "modules 1 to N), `fecha de finalización` optional. Each bad row is reported with its line and every "
    "problem; good rows are merged into the learners (a number already known is the same learner).",
    "circular_read_microcourse_reach": "Distinct learners enrolled between `since` and `as_of` (Lima "
    "dates), and those of them who completed the course by `as_of`, by node (null: another region or "
    "not stated), by gender and by both. The definitions travel with the figures.",
    "circular_start_journey": "The company starts the transition: the product's MCI is computed from the "
    "inputs with the hub's calculator and kept with them; the measure, its yearly consumption before and "
    "expected after per resource, the unit prices and the investment give the expected yearly savings. "
    "`started_on` (default today in Lima) is what the indicators count.",
    "circular_list_microcourse_learners": "The micro-course's learners, oldest enrolment first: node, "
    "gender, company, modules finished and completion. The number shows only as its last four digits: "
    "the service keeps a keyed hash, never the number.",
    "circular_list_journeys": "Transition journeys, oldest start first, by status, node or RUC. A company "
    "sees only its own, whatever it filters by.",
    "circular_read_journey": "One journey: the MCI baseline and its inputs, the committed figures and "
    "expected savings, every follow-up, and once finished the success story's figures with where each "
    "comes from. A company reads only its own (another's is a 404).",
    "circular_follow_up_journey": "The yearly consumption measured after the measure, for committed "
    "resources only, dated between the start and today; optionally the product's MCI inputs re-assessed. "
    "The journey goes from committed to following up.",
    "circular_abandon_journey": "The company stopped (a reason is required). The journey ends; the company "
    "still counts as having started the transition on its start date.",
    "circular_finish_journey": "Needs a follow-up with a measurement. Publishes `circular.journey.finished` "
    "with the figures (baseline and prices from the commitment, result from the latest measurement per "
    "resource) and their sources; the hub (catalog) drafts a success story from it, for the company to "
    "review and submit.",
}

SCHEMA_EXAMPLES: dict[str, Any] = {}
