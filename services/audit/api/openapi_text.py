"""Audit's words for its OpenAPI: what each operation does beyond its summary, and examples.

Attached to the document by ``shared.openapi`` (``ServiceSpec.operation_docs`` /
``schema_examples``); tests/contract checks that every operation has a description and every
request body an example valid against its schema.
"""

from __future__ import annotations

from typing import Any

_PAGE = (
    "Pages of `limit` items; pass the answer's `next_cursor` as `cursor` for the next page (null: last page)."
)
_OWN = "A company sees only its own, a certification body only its own audits; 403 otherwise."
_MOVE = "409 invalid-transition, listing the allowed moves, when it is in another state."

OPERATION_DOCS: dict[str, str] = {
    "audit_list_standards": "Every imported version of the standard, with which one is current and "
    "whether it is official (the `0-draft` loaded at installation is not). " + _PAGE,
    "audit_get_standard": "The 8 aspects and their requirements (code, Spanish text, evidence expected, "
    "the workshop that teaches it). `current` names the version new assessments use.",
    "audit_make_standard_current": "New self-assessments, pre-audits and certification audits use this "
    "version; existing ones keep the version they were made against.",
    "audit_list_participants": "Participants as audit learnt them from enrollment's events, with their "
    "monitor and `eligible_at` (certification eligibility). A company sees only itself. " + _PAGE,
    "audit_get_participant": "One participant; 404 until `enrollment.participant.admitted` has reached audit.",
    "audit_get_implementation_report": "Implementation level per aspect and overall (implemented 1, "
    "partial 0.5, otherwise 0; overall over all requirements) from the latest self-assessment, with the "
    "latest pre-audit's results.",
    "audit_create_self_assessment": "Against the current version of the standard unless `standard_version` "
    "names another. The participant's company, its monitor or an officer.",
    "audit_list_self_assessments": "Filter by `ruc` or `participant_id`. A company sees only its own. "
    + _PAGE,
    "audit_get_self_assessment": "Every answer, and the implementation level per aspect and overall.",
    "audit_record_self_assessment_answers": "Any number of answers at once; an answer replaces the "
    "requirement's previous one; codes must belong to the assessment's version of the standard. Answers "
    "the updated assessment with its levels.",
    "audit_upload_evidence": "A multipart upload (`requirement_code`, `file`; at most 10 MB). The same "
    "content for the same requirement again answers the existing file with 200 instead of 201.",
    "audit_list_evidence": "The assessment's files (name, type, size, checksum), optionally for one "
    "requirement. " + _PAGE,
    "audit_download_evidence": "The file's bytes with its media type and name (`Content-Disposition`).",
    "audit_delete_evidence": "Removes the file from the self-assessment.",
    "audit_schedule_preaudit": "At most one open pre-audit per participant (409 otherwise). "
    "`remediation_days` (default 30) sets how long a failed pre-audit gives to fix non-conformities.",
    "audit_list_preaudits": "Filter by `ruc`, `participant_id`, `status` or `auditor`. A company sees only "
    "its own. " + _PAGE,
    "audit_get_preaudit": "The pre-audit with every result, counts of minor and major non-conformities "
    "and, when failed, the remediation deadline.",
    "audit_start_preaudit": "scheduled -> in_progress; results can be recorded from then on. " + _MOVE,
    "audit_conclude_preaudit": "Needs a result for every requirement (422 listing the missing ones). "
    "Zero non-conformities: passed, and `audit.preaudit.passed` is published. Otherwise failed: one "
    "non-conformity per NC result, due at the pre-audit date + remediation days. " + _MOVE,
    "audit_cancel_preaudit": "scheduled or in_progress -> cancelled. " + _MOVE,
    "audit_list_nonconformities": "Filter by `ruc`, `preaudit_id` or `status`. A company sees only its "
    "own. " + _PAGE,
    "audit_list_overdue_nonconformities": "Non-conformities not closed after their deadline as of `as_of` "
    "(a Lima date, default today), with `days_overdue`; the deadline day itself is still in time. " + _PAGE,
    "audit_get_nonconformity": "The finding, its deadline, its status and every corrective action with "
    "its verification.",
    "audit_submit_corrective_action": "What was done and why it happened. open or rejected -> "
    "action_submitted. " + _MOVE,
    "audit_verify_corrective_action": "Accepted closes the non-conformity (verified_closed); otherwise "
    "rejected, and the company submits another action. When the last one closes, the pre-audit passes "
    "and `audit.preaudit.passed` is published once.",
    "audit_register_certification_body": "A third-party body authorised by PROMPERÚ, with its "
    "authorisation number and validity (`valid_from` ≤ `valid_to`).",
    "audit_list_certification_bodies": "`active` filters. " + _PAGE,
    "audit_update_certification_body": "Send only what changes. A body must be active and authorised on "
    "the request date and on the audit date to take audits.",
    "audit_get_certification_body": "One body with its authorisation and validity.",
    "audit_request_certification_audit": "Refused with 422 `not_certification_eligible` until enrollment "
    "made the participant certification-eligible; 422 `body_not_authorised` when the body is inactive or "
    "not authorised today. The organisation confirms it pays the body (`organisation_pays`). One open "
    "audit per participant. A holder of a certificate gets a renewal.",
    "audit_list_certification_audits": "Filter by `ruc`, `body_id`, `participant_id` or `status`. "
    + _OWN
    + " "
    + _PAGE,
    "audit_get_certification_audit": "The audit with its body, payment, date, decision and, when approved, "
    "the certificate. " + _OWN,
    "audit_record_certification_payment": "The organisation's payment reference, fee and date (the "
    "programme: the organisation requests, manages and pays the audit).",
    "audit_schedule_certification_audit": "requested -> scheduled, for today or later; the body must be "
    "authorised on that date (422 `body_not_authorised`). " + _MOVE,
    "audit_decide_certification_audit": "On or after the audit date. Approved issues the certificate in the "
    "same transaction (number `BPE-<year>-<sequence>-<letter>`, valid two years from the Lima date of "
    "approval) and publishes `audit.certificate.issued`; a renewal supersedes the previous certificate. "
    + _MOVE,
    "audit_cancel_certification_audit": "requested or scheduled -> cancelled. " + _MOVE,
    "audit_list_certificates": "Filter by `ruc`, `body_id` or `status` (active, suspended, withdrawn, "
    "expired, superseded). " + _PAGE,
    "audit_run_certificate_expiry_pass": "Expires every active or suspended certificate whose `expires_on` "
    "is on or before `as_of` (a Lima date, default today) and publishes `audit.certificate.expired` once "
    "per certificate, however often it runs. The same pass runs every Lima midnight.",
    "audit_get_certificate": "The certificate and every status change with its reason. A malformed number "
    "(or a wrong check letter) is refused before any lookup (422); an unknown one is a 404.",
    "audit_suspend_certificate": "active -> suspended, with the reason; the catalogue shows it as suspended. "
    + _MOVE,
    "audit_reinstate_certificate": "suspended -> active; refused on or after the expiry date. " + _MOVE,
    "audit_withdraw_certificate": "Final: the certificate and the right to use the mark end now. " + _MOVE,
    "audit_mark_standard_official": "Admin only, recorded with who, when and why. The version must have the "
    "programme's 8 aspects and 112 requirements, or the counts declared here (approved by this act); "
    "422 `standard_structure` otherwise.",
    "audit_get_participant_calibration": "Per requirement, the company's self-assessment next to its latest "
    "concluded pre-audit on the same version: `over_rated` (implemented vs a non-conformity, partial vs a "
    "major one), `under_rated` (not implemented vs conforming) or `agrees`; totals per aspect.",
    "audit_get_cohort_calibration": "Across a cohort's companies: per requirement and aspect, how often "
    "they over-rate themselves; `monitor_focus` lists the requirements over-rated in at least 20 % of the "
    "comparisons, and companies are listed most over-rating first. PROMPERÚ staff only.",
    "audit_get_certificate_document": "A4 PDF in Spanish with the certificate's fields and a QR code that "
    "opens the public verification page (`/verificar?t=`) carrying a compact JWS (Ed25519) of the number, "
    "holder, RUC and dates, verifiable offline with the gateway's `/.well-known/jwks.json`.",
    "audit_correct_certificate": "Admin only: puts a certificate wrongly moved back where it belongs "
    "(active, suspended, withdrawn or expired) with the reason; a `correction` row is added to the history "
    "(never edited) and the event of the state corrected to is published.",
    "audit_suspend_mark_licence": "granted -> suspended, with the reason; the certificate is unchanged. "
    + _MOVE,
    "audit_reinstate_mark_licence": "suspended -> granted, only while the certificate is active. " + _MOVE,
    "audit_withdraw_mark_licence": "Final: the right to use the mark ends; the certificate is unchanged. "
    + _MOVE,
}

SCHEMA_EXAMPLES: dict[str, Any] = {
    "AnswersUpdate": {
        "answers": [
            {"requirement_code": "A3.R07", "status": "implemented"},
            {
                "requirement_code": "A4.R02",
                "status": "partial",
                "note": "Medidores instalados en 2 de 3 líneas",
            },
        ]
    },
    "AuditDecision": {"approved": True, "note": "Conforme con los 112 requisitos"},
    "AuditSchedule": {"audit_date": "2026-05-12"},
    "BodyCreate": {
        "name": "Certificadora Andina S.A.C.",
        "ruc": "20100070970",
        "authorisation_number": "PROMPERU-OC-2026-014",
        "valid_from": "2026-01-01",
        "valid_to": "2028-12-31",
        "active": True,
    },
    "BodyUpdate": {"valid_to": "2029-12-31"},
    "Body_audit_upload_evidence": {"requirement_code": "A5.R01", "file": "plan-residuos-2026.pdf"},
    "CertificationRequestCreate": {
        "participant_id": "6f1c2b7e-3a4d-4e8f-9b10-2c3d4e5f6a7b",
        "body_id": "0b8e2f6c-1d27-4b1d-9a63-5f0c7a8e4d36",
        "organisation_pays": True,
        "payment_reference": "F001-000123",
        "fee_pen": "4500.00",
    },
    "CorrectiveActionCreate": {
        "description": "Plan de manejo de residuos sólidos aprobado por la gerencia",
        "root_cause": "Falta de procedimiento",
    },
    "PaymentRecord": {"payment_reference": "F001-000123", "fee_pen": "4500.00", "paid_on": "2026-04-30"},
    "PreauditCreate": {
        "participant_id": "6f1c2b7e-3a4d-4e8f-9b10-2c3d4e5f6a7b",
        "audit_date": "2026-03-18",
        "remediation_days": 30,
        "auditor_name": "Jorge Salas",
    },
    "ReasonCreate": {"reason": "Uso indebido de la marca en publicidad"},
    "CorrectionCreate": {
        "to_status": "active",
        "reason": "Proceso de vencimiento ejecutado con fecha futura",
    },
    "MarkLicenceChangeCreate": {"reason": "Marca usada en productos fuera del alcance"},
    "OfficialCreate": {"reason": "Resolución de Dirección 012-2026-PROMPERÚ"},
    "ReinstateCreate": {"reason": "Publicidad corregida"},
    "ResultsRecord": {
        "results": [
            {"requirement_code": "A1.R01", "result": "conforming"},
            {
                "requirement_code": "A5.R01",
                "result": "minor_nonconformity",
                "finding": "El plan de manejo de residuos sólidos no está aprobado.",
            },
        ]
    },
    "SelfAssessmentCreate": {"participant_id": "6f1c2b7e-3a4d-4e8f-9b10-2c3d4e5f6a7b"},
    "VerificationCreate": {"accepted": True, "note": "Evidencia conforme"},
}
