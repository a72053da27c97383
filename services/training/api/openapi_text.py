"""Training's words for its OpenAPI: what each operation does beyond its summary, and examples.

Attached to the document by ``shared.openapi`` (``ServiceSpec.operation_docs`` /
``schema_examples``); tests/contract checks that every operation has a description and every
request body an example valid against its schema.
"""

from __future__ import annotations

from typing import Any

_PAGE = (
    "Pages of `limit` items; pass the answer's `next_cursor` as `cursor` for the next page (null: last page)."
)
_OWN = "A company sees only its own; 403 for another company's."

OPERATION_DOCS: dict[str, str] = {
    "training_list_cohorts": "Cohorts training has heard of (created with the default settings when a "
    "cohort's first company is admitted), with their completion settings and company counts. " + _PAGE,
    "training_get_cohort_settings": "Mandatory workshops (default Talleres 1-10), the minimum share of a "
    "session a person must attend (default 0.75) and the durations of the workshops the curriculum leaves "
    "open (Talleres 5, 6 and 10).",
    "training_update_cohort_settings": "Send only what changes. Every participant of the cohort is "
    "evaluated again in the same transaction: a completion can be gained "
    "(`training.program.completed`) or lost (`training.program.completion_revoked`, reason "
    "`settings_changed`).",
    "training_get_cohort_progress": "One row per company, one cell per workshop: attended (one person "
    "reached the cohort's share in a held session), best share and minutes. Filters by participant "
    "`status` and `completion_state`; default page 500 rows. " + _PAGE,
    "training_create_session": "A workshop (Taller 0-10) delivered to a cohort: `starts_at` in Lima time "
    "when no offset is given; duration from `duration_minutes` or `ends_at`, else the cohort's, else the "
    "curriculum's (422 `duration_required` for Talleres 5, 6 and 10 without one); `venue` for in_person, "
    "`link` for virtual.",
    "training_get_session": "One session with its workshop, times (Lima, `-05:00`), delivery and status.",
    "training_reschedule_session": "Send only what changes. A cancelled session cannot be rescheduled "
    "(409). A new duration re-evaluates the attendance shares and completions it affects.",
    "training_cancel_session": "Final. Refused with 409 while attendance is recorded (`attendance_count` "
    "says how much: delete it first). Publishes `training.session.cancelled`.",
    "training_list_session_attendance": "Everyone with attendance in the session: minutes present, share "
    "of the session (0-1) and whether that reaches the cohort's minimum. " + _OWN + " " + _PAGE,
    "training_record_attendance": "Either `check_in` + `check_out` (clipped to the session; overlapping "
    "intervals count once) or `minutes_present`. Replaces what was recorded for that person and session; "
    "201 the first time, 200 after. Re-evaluates the company's completion. Refused for a cancelled session "
    "(409), a session not begun yet or a withdrawn participant (422).",
    "training_delete_attendance": "A correction: removes the person's attendance of the session; the "
    "company's completion is evaluated again and may be revoked (`training.program.completion_revoked`).",
    "training_import_attendance_report": "",  # described on the route
    "training_list_participants": "Companies admitted to the programme, as training learnt them from "
    "enrollment's events, with their completion state. " + _OWN + " " + _PAGE,
    "training_get_participant": "One participant company with its cohort and completion state; 404 "
    "until `enrollment.participant.admitted` has reached training.",
    "training_get_participant_progress": "Each workshop: mandatory or not, attended or not, the best share "
    "and minutes, and the people who attended; `completion_state`, attended and missing workshops. " + _OWN,
    "training_list_attendees": "The company's people registered for the workshops (one per DNI). "
    + _OWN
    + " "
    + _PAGE,
    "training_register_attendee": "One person of a participant company: DNI (8 digits, unique within the "
    "company: 409 otherwise, naming the existing `attendee_id`), name, job role, gender (for the "
    "programme's women indicators) and email.",
    "training_get_attendee": "One person with the company they attend for. " + _OWN,
    "training_update_attendee": "Send only what changes; the DNI cannot change (register the person again).",
    "training_get_attendance_certificate": "A printable HTML page (`text/html`) listing the workshops the "
    "person attended for at least the cohort's share; 422 `nothing_to_certify` before the first.",
    "training_log_assistance": "A visit or call held (not in the future; `next_visit_on` after it): mode, "
    "duration, aspects of the standard worked on, agreements and next steps.",
    "training_list_participant_assistance": "The company's follow-up visits and calls, oldest first. "
    + _OWN
    + " "
    + _PAGE,
    "training_list_assistance": "Visits and calls across companies, newest first; `monitor` matches the "
    "monitor's name, `held_from`/`held_to` are Lima dates. " + _PAGE,
    "training_get_curriculum": "Talleres 0-10 with their titles and curriculum durations (null where the "
    "programme leaves it to the cohort), and the default completion rule. Public.",
    "training_get_attendance_certificate_document": "The certificate of attendance as an A4 PDF in Spanish "
    "with a QR code to the public verification page carrying a compact JWS (Ed25519) of the person's name, "
    "company, cohort and workshops (no DNI), verifiable offline with the gateway's JWKS.",
}
OPERATION_DOCS = {k: v for k, v in OPERATION_DOCS.items() if v}

SCHEMA_EXAMPLES: dict[str, Any] = {
    "AttendeeCreate": {
        "dni": "40123456",
        "full_name": "María Huamán Rojas",
        "job_role": "Gerente general",
        "gender": "female",
        "email": "mhuaman@valleverde.pe",
    },
    "AttendeeUpdate": {"job_role": "Jefa de planta", "email": "mhuaman@valleverde.pe"},
    "SessionCancel": {"reason": "Trainer unavailable; rescheduled for next week"},
    "SessionReschedule": {"starts_at": "2025-04-22T09:00:00", "duration_minutes": 150},
}
