"""Catalog's words for its OpenAPI: what each operation does beyond its summary, and examples.

Attached to the document by ``shared.openapi`` (``ServiceSpec.operation_docs`` /
``schema_examples``); tests/contract checks that every operation has a description and every
request body an example valid against its schema.
"""

from __future__ import annotations

from typing import Any

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
    "SuccessStoryCreate": {
        "ruc": "20100070970",
        "company_name": "Café Orgánico del Sur S.A.C.",
        "title": "Secado solar del café",
        "measure": "Reemplazo del secador eléctrico por un secador solar con respaldo.",
        "figures": {
            "energy": {"baseline": 12000, "after": 7000, "unit_price": 0.6},
            "water": {"baseline": 800, "after": 650, "unit_price": 5.2},
        },
        "investment": 9000,
    },
    "MciCreate": {
        "recycled_feedstock": 0.5,
        "reused_feedstock": 0,
        "collected_for_recycling": 0.5,
        "collected_for_reuse": 0,
        "feedstock_recycling_efficiency": 0.8,
        "collection_recycling_efficiency": 0.8,
        "lifetime": 5,
        "average_lifetime": 5,
    },
    # Responses, written here only (a schema's own example would be a second copy).
    "OrganisationPublic": {
        "ruc": "20100070970",
        "name": "Café Orgánico del Sur S.A.C.",
        "legal_name": "Café Orgánico del Sur S.A.C.",
        "trade_name": "Café del Sur",
        "region": "Cusco",
        "ciiu_code": "1079",
        "size_class": "pequeña",
        "women_led": True,
        "website": "https://cafedelsur.pe",
        "products": ["café orgánico", "cacao"],
        "certificate": {
            "number": "BPE-2025-000001-F",
            "status": "valid",
            "issued_on": "2025-05-20",
            "expires_on": "2027-05-20",
            "body_name": "Certificadora Andina",
        },
    },
    "VerificationPublic": Examples(
        [
            {
                "certificate_number": "BPE-2026-000004-Q",
                "status": "valid",
                "status_since": "2025-05-20",
                "holder_name": "Café Orgánico del Sur S.A.C.",
                "scope": {
                    "standard": "Buenas Prácticas de Ecoeficiencia Perú",
                    "standard_version": "2026.1",
                    "certification_body": "Certificadora Andina S.A.C.",
                },
                "issued_on": "2025-05-20",
                "expires_on": "2027-05-20",
                "mark_licence": {"status": "granted", "valid_until": "2027-05-20"},
            },
            {
                "certificate_number": "BPE-2026-000005-V",
                "status": "unknown",
                "status_since": None,
                "holder_name": None,
                "scope": None,
                "issued_on": None,
                "expires_on": None,
                "mark_licence": None,
            },
        ]
    ),
    "IndicatorsPublic": {
        "as_of": "2025-06-30",
        "cohort_id": None,
        "totals": {
            "registered": 3000,
            "admitted": 57,
            "admitted_women_led": 32,
            "trained": 50,
            "preaudit_passed": 40,
            "certified": 30,
            "certified_arequipa": 8,
            "certified_la_libertad": 6,
            "certified_lima": 12,
            "certified_others": 4,
        },
        "cohorts": [],
    },
}
