"""Enrollment's words for its OpenAPI: what each operation does beyond its summary, and examples.

Attached to the document by ``shared.openapi`` (``ServiceSpec.operation_docs`` /
``schema_examples``); tests/contract checks that every operation has a description and every
request body an example valid against its schema.
"""

from __future__ import annotations

from typing import Any

_PAGE = (
    "Pages of `limit` items; pass the answer's `next_cursor` as `cursor` for the next page (null: last page)."
)

OPERATION_DOCS: dict[str, str] = {
    "enrollment_create_company": "Registers a company with its legal data. The size class (micro, pequeña, "
    "mediana, gran) is computed from `annual_sales_pen` in UIT of the sales' fiscal year. A bad RUC is a 422 "
    "naming its rule (`ruc.length`, `ruc.prefix`, `ruc.check_digit`); a RUC already registered is a 409. "
    "Publishes `enrollment.company.registered`.",
    "enrollment_list_companies": "Filters combine (AND). `q` matches part of the legal or trade name, or "
    "an exact RUC. A company sees only itself; a monitor the companies it follows. " + _PAGE,
    "enrollment_get_company": "The company's data with its computed size class. A company may read only "
    "its own RUC (403 otherwise); an unknown RUC is a 404.",
    "enrollment_update_company": "Send only the fields to change. Every application of the company that is "
    "eligible, ineligible or waitlisted is evaluated again against section V in the same transaction. "
    "Publishes `enrollment.company.updated`.",
    "enrollment_delete_company": "Only a company that never applied can be deleted (409 otherwise): a "
    "registration made by mistake. Publishes `enrollment.company.deleted`.",
    "enrollment_set_promperu_accounts": "What an officer knows of the company's pending accounts with "
    "PROMPERÚ (eligibility rule `promperu.no_pending_accounts`); open applications are re-evaluated.",
    "enrollment_create_site": "A plant or office (sede) with its municipal operating licence and INDECI "
    "certificate: every site in scope needs both valid on the evaluation date (a licence without expiry "
    "date is indefinite). Open applications are re-evaluated.",
    "enrollment_list_sites": "The company's sites, in scope or not, with their licences and certificates.",
    "enrollment_get_site": "One site of the company; 404 when the site belongs to another company.",
    "enrollment_update_site": "Send only the fields to change (a renewed licence, a new expiry date). "
    "Open applications are re-evaluated.",
    "enrollment_delete_site": "Removes the site; open applications are re-evaluated without it (a company "
    "with no site in scope fails the site rules).",
    "enrollment_create_cohort": "An edition of the programme: application window (open ≤ close), then "
    "pre-audit and certification-audit dates after it, and the number of seats.",
    "enrollment_list_cohorts": "Cohorts ordered by their application window; `open_on` keeps those whose "
    "window includes that date. " + _PAGE,
    "enrollment_get_cohort": "One cohort with `seats_taken` (admitted and later states).",
    "enrollment_update_cohort": "Send only the fields to change; the dates must stay in order and the "
    "capacity cannot drop below the seats already taken (422).",
    "enrollment_delete_cohort": "Only a cohort without applications can be deleted (409 otherwise).",
    "enrollment_create_monitor": "A PROMPERÚ follow-up monitor. `user_subject` is the monitor's login "
    "(the `sub` of its token): with it, the monitor sees the participants it follows.",
    "enrollment_list_monitors": "Monitors with their current load (participants followed now); `active` "
    "filters. " + _PAGE,
    "enrollment_get_monitor": "One monitor with its current load.",
    "enrollment_update_monitor": "Send only the fields to change. A deactivated monitor keeps its "
    "participants but gets no new ones at admission.",
    "enrollment_create_application": "Starts a draft application of a registered company to a cohort "
    "(one per company and cohort: 409 otherwise). A company may apply only for itself. Next: the sworn "
    "declaration, then submit.",
    "enrollment_list_applications": "Applications and, once admitted, participants (`participant_id` is the "
    "application id). `status` may be repeated. A company sees its own; a monitor those it follows. " + _PAGE,
    "enrollment_get_application": "The application with its status, eligibility report, monitor and "
    "certification progress (`training_completed_at`, `preaudit_passed_at`, `eligible_at`).",
    "enrollment_get_application_history": "Every status change, oldest first: from, to, who, when, why.",
    "enrollment_get_eligibility_report": "Evaluates section V on today's Lima date, rule by rule, with the "
    "data each rule used, and stores nothing: what `evaluate` would decide now.",
    "enrollment_accept_sworn_declaration": "The legal representative (name and DNI as on record, 422 "
    "`commitment.signer_not_legal_representative` otherwise) accepts the sworn declaration of section V; "
    "who and when are recorded. Open applications are re-evaluated.",
    "enrollment_get_commitment_letter": "The issued commitment letter as printable HTML (`text/html`), with "
    "the commitments of sections III and V and, once signed, who signed it and when. 409 before it is issued.",
    "enrollment_reassign_monitor": "Closes the current assignment (to today) and opens one with the new "
    "active monitor and the reason. Publishes `enrollment.participant.monitor_reassigned`.",
    "enrollment_list_monitor_assignments": "The participant's monitors, oldest first, each with from, to "
    "(null: current) and the reason of the change.",
    "enrollment_get_region_report": "Per region (24 departments and Callao): companies, women-led companies, "
    "participants and certification-eligible participants; the circular-economy nodes (Arequipa, La "
    "Libertad, Lima) are also totalled apart.",
    "enrollment_get_commitment_letter_document": "The commitment letter as an A4 PDF in Spanish with a QR "
    "code (first page) to the public verification page carrying a compact JWS (Ed25519) of the company, "
    "cohort and issue/signature dates, verifiable offline with the gateway's JWKS.",
}

SITE_EXAMPLE = {
    "name": "Planta Cerro Colorado",
    "address": "Av. Aviación 1204, Cerro Colorado",
    "region": "Arequipa",
    "in_scope": True,
    "licence_number": "LF-2019-00871",
    "licence_expires_on": None,
    "indeci_number": "ITSE-2024-1187",
    "indeci_expires_on": "2027-06-30",
}

SCHEMA_EXAMPLES: dict[str, Any] = {
    "ApplicationCreate": {"ruc": "20100070970", "cohort_id": "3f6b1f2e-8c3a-4d7b-9a51-0c2d4e6f8a10"},
    "CompanyUpdate": {
        "trade_name": "Valle Verde",
        "annual_sales_pen": "1480000.00",
        "sales_fiscal_year": 2025,
    },
    "CohortUpdate": {"capacity": 45, "applications_close_on": "2025-04-30"},
    "MonitorCreate": {"name": "Rosa Quispe", "email": "rquispe@promperu.gob.pe", "user_subject": "rquispe"},
    "MonitorUpdate": {"active": False},
    "MonitorReassign": {
        "monitor_id": "9b2e4c61-5d7f-4a3b-8e19-2f0a6c8d4b75",
        "reason": "Rebalancing Arequipa's participants",
    },
    "PromperuAccountsUpdate": {"pending": False, "note": "Checked with PROMPERÚ's finance office"},
    "ReasonIn": {"reason": "Seat freed by a withdrawal"},
    "SignatureIn": {"name": "María Huamán Rojas", "dni": "41234567"},
    "SiteCreate": SITE_EXAMPLE,
    "SiteUpdate": {"licence_number": "LF-2025-00112", "licence_expires_on": None},
}
