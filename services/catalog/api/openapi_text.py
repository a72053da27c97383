"""Catalog's words for its OpenAPI: what each operation does beyond its summary, and examples.

Attached to the document by ``shared.openapi`` (``ServiceSpec.operation_docs`` /
``schema_examples``); tests/contract checks that every operation has a description and every
request body an example valid against its schema.
"""

from __future__ import annotations

from typing import Any

from services.catalog.api.schemas import IndicatorsPublic, VerificationPublic
from shared.openapi import Examples

_PAGE = (
    "Pages of `limit` items; pass the answer's `next_cursor` as `cursor` for the next page (null: last page)."
)
_PERIOD = (
    "`from` and `to` are Lima dates (default: the programme's first event to today), `granularity` "
    "month, quarter or year; `cohort_id` narrows to one cohort."
)

OPERATION_DOCS: dict[str, str] = {
    "catalog_update_resource": "Send only what changes; the `slug` stays. Public readers see the change at once.",
    "catalog_get_resource": "One resource of the knowledge hub. Public: no credential needed.",
    "catalog_update_success_story": "Only the company that wrote it, and only while it is a draft or was "
    "rejected (409 invalid-transition otherwise). Savings and CO2e avoided are computed again from the figures.",
    "catalog_get_success_story": "A published story with its savings and CO2e avoided (and the emission "
    "factors used). Stories not published are 404 here. Public.",
    "catalog_submit_success_story": "draft or rejected -> submitted, for an officer's review. Only the "
    "company that wrote it. 409 invalid-transition from another state.",
    "catalog_list_submissions": "Success stories in every state, newest first; `status` may be repeated. "
    "A company sees only its own. " + _PAGE,
    "catalog_get_submission": "A success story in any state, with the review's outcome. Its company or an "
    "officer; 403 for another company's.",
    "catalog_get_indicator_timeseries": "Per period (`indicators` names them): companies registered, "
    "admitted (and women-led among them), trained, with the pre-audit passed and certified (also per "
    "circular-economy node), new in the period and cumulative, from the events the catalogue has "
    "received. " + _PERIOD,
    "catalog_export_indicators_csv": "The time series as a CSV file (`text/csv`, one row per period, "
    "`Content-Disposition: attachment`), for a spreadsheet. " + _PERIOD,
    "catalog_list_emission_factors": "Every version of every factor (kg CO2e per kWh, m³ or kg) with its "
    "source and the dates it applies to; a success story records the versions it used. Public.",
}

SCHEMA_EXAMPLES: dict[str, Any] = {
    "ResourceCreate": {
        "kind": "guide",
        "title": "Guía de manejo de residuos sólidos para mipymes",
        "summary": "Cómo preparar el plan de manejo de residuos sólidos que exige la ley.",
        "url": "https://www.gob.pe/minam",
        "tags": ["residuos", "normativa"],
        "audiences": ["mipymes"],
        "entity_type": "public",
        "source": "MINAM",
        "slug": "guia-residuos-solidos",
    },
    "ResourceUpdate": {
        "summary": "Guía actualizada con el reglamento 2025",
        "tags": ["residuos", "normativa"],
    },
    "SuccessStoryUpdate": {
        "title": "Secado solar del café, segunda etapa",
        "figures": {"energy": {"baseline": 12000, "after": 5500, "unit_price": 0.6}},
    },
    "StoryReview": {"decision": "reject", "note": "Adjunte los recibos de luz de antes y después."},
    # FastAPI drops None values from model-config examples; given here, the nulls stay.
    "IndicatorsPublic": IndicatorsPublic.model_config["json_schema_extra"]["example"],
    "VerificationPublic": Examples(VerificationPublic.model_config["json_schema_extra"]["examples"]),
}
