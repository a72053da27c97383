"""The circular service's words for its OpenAPI: what each operation does beyond its summary,
request-body examples and its areas (tags). Attached by ``shared.openapi`` (``ServiceSpec``)."""

from __future__ import annotations

from typing import Any

from services.circular.domain.indicators import RULES, SUPPRESSION

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

_PAGE = (
    "Pages of `limit` items; pass the answer's `next_cursor` as `cursor` for the next page (null: last page)."
)
_PARTNER = (
    "A partner system (API key with `circular:read`/`circular:write`) sees and changes only the activities it "
    "recorded: another's is a 404, as if it did not exist."
)
_SHEET_RULES = (
    "Rows are checked first and any bad row refuses the whole list: 422 `circular.sheet` with `errors[]` "
    "naming each `line`, the `field` (column) and why (a RUC's length, prefix or SUNAT check digit; a gender, "
    "size or yes/no word not understood; company details without a RUC; two rows of one RUC that disagree). "
    "Nothing is recorded until the list is clean. `mode=merge` (default) adds who is new and updates what is "
    "known, so the same list twice records nothing twice; `mode=replace` makes the activity's attendance the "
    "list's. Companies need not be registered in PROMPERÚ's programme; any size, manufacturing or not."
)

OPERATION_DOCS: dict[str, str] = {
    "circular_read_reference": "The Commission's three regional nodes (Arequipa, La Libertad, Lima), the "
    "four training methodologies on the document's two axes (public or private entity; awareness or "
    "accompaniment) and the kinds of sensitisation activity. Codes are what the other operations take.",
    "circular_create_activity": "A talk, workshop, fair or micro-course cohort held by a node or a partner, "
    "with its methodology; `attendees` may come along (the sheet's rules below). `external_ref` (the "
    "organiser's own reference) is unique per organiser: repeating it answers 409 with the `activity_id` "
    "already recorded. Attendance is accepted from the day the activity is held (Lima date; 422 "
    "`circular.activity_not_held` before). " + _SHEET_RULES + " Publishes `circular.activity.recorded` and, "
    "per company new to the activity, `circular.company.sensitised`.",
    "circular_list_activities": "Filtered by node, kind, methodology and the dates held (`from`, `to`). "
    + _PARTNER
    + " "
    + _PAGE,
    "circular_read_activity": "The activity and how many companies, people and women attended. " + _PARTNER,
    "circular_read_attendance": "The companies (RUC, name, size, manufacturing, women-led as last recorded) "
    "and the people (name, gender, role) who attended. Personal data: staff and the recording partner only; "
    "it never leaves this service. " + _PARTNER,
    "circular_record_attendance": "Attendance as JSON, one item per sheet row (`line` in errors is the item's "
    "position from 1). " + _SHEET_RULES,
    "circular_import_attendance": "The attendance sheet as organisers keep it: CSV (UTF-8 or Windows-1252, "
    "`,` `;` or tab) or an .xlsx workbook (first sheet), as the body or the form field `file`. The header "
    "may sit below a title block (first ten rows); headers are read whatever their accents or case: RUC, "
    "Razón social / Empresa, Tamaño, Manufactura, Liderada (dirigida) por mujer, Nombres y apellidos, "
    "Género / Sexo, Cargo. Other columns (e-mail, phone, signature) are reported in `ignored_columns` and "
    "not stored. Lines are the file's (CSV physical line, spreadsheet row). " + _SHEET_RULES + " Up to 5 MB "
    "and 5,000 rows (413 beyond). With `Idempotency-Key`, a retried upload answers as the first.",
    "circular_create_training": "A training of specialists (e.g. the CITE network) or public officials in "
    "one of the four methodologies, with its trainees. A trainee counts as trained, and may get a "
    "certificate, when the hours attended reach `min_share` of the training's hours (80 % by default); "
    "more hours than the training's are refused (422 `circular.hours_attended`).",
    "circular_list_trainings": "Trainings by end date, filtered by methodology and node. " + _PAGE,
    "circular_read_training": "The training and its trainees, each with `trained`.",
    "circular_record_trainees": "Adds trainees or corrects them: one trainee per name and institution "
    "(whatever their case or accents), so sending a person again updates their hours.",
    "circular_read_trainee_certificate": "The certificate of attendance of a trained person as an A4 PDF "
    "(the training service's and audit's documents): its QR carries an Ed25519-signed payload (name, "
    "institution, training, methodology, hours) checkable at /verificar or offline with the gateway's JWKS. "
    "422 `circular.not_trained` below the training's share of hours.",
    "circular_read_indicators": "Every figure of the programme's report with its definition (English and "
    "Spanish) and the report's wording it reproduces, as of `as_of` (default today, Lima) from `from`. "
    "`group_by` breaks each figure down (by node, methodology, kind, gender, or period with `period` month, "
    "quarter or year) where the figure has that dimension (`note` says when it does not). Filters: node, "
    "methodology, `activity_kind` (figures of activities) and `trainee_kind` (people trained); a figure a "
    "filter cannot apply to answers `applicable: false`. Rules: " + RULES,
    "circular_export_indicators": "The same report as a file, `format=csv` (UTF-8 with BOM, opens in Excel) "
    "or `xlsx`: one row per figure and group (`total` first) with the window and both definitions.",
    "circular_read_hub_figures": "For the 'Mi Empresa Circular' hub, anonymous: companies sensitised and "
    "women-led among them, activities held, companies that started the transition and women-led among them, "
    "people trained; totals and by node, never a name. " + SUPPRESSION,
}

_ATTENDEES = [
    {
        "ruc": "20100070970",
        "legal_name": "Textiles Misti S.A.C.",
        "size": "small",
        "manufacturing": True,
        "women_led": True,
        "full_name": "Rosa Quispe Mamani",
        "gender": "female",
        "role": "Gerente general",
    },
    {"full_name": "Lucía Flores", "gender": "female", "role": "Estudiante"},
]

SCHEMA_EXAMPLES: dict[str, Any] = {
    "ActivityCreate": {
        "kind": "talk",
        "title": "Charla: economía circular en la manufactura",
        "held_on": "2024-03-05",
        "node": "arequipa",
        "organiser_kind": "partner",
        "organiser": "Cámara de Comercio e Industria de Arequipa",
        "methodology": "private_awareness",
        "place": "Auditorio de la Cámara",
        "external_ref": "CCIA-2024-017",
        "attendees": _ATTENDEES,
    },
    "AttendanceListIn": {"attendees": _ATTENDEES},
    "TrainingCreate": {
        "methodology": "ecocanvas",
        "title": "Formación de especialistas de la red CITE en ecocanvas",
        "node": "lima",
        "organiser": "PRODUCE con GIZ",
        "starts_on": "2023-08-07",
        "ends_on": "2023-08-18",
        "hours": 40,
        "min_share": 0.8,
        "trainees": [
            {
                "full_name": "Milagros Ccori Huamán",
                "dni": "40111222",
                "gender": "female",
                "kind": "specialist",
                "institution": "CITEccal Lima",
                "hours_attended": 36,
            }
        ],
    },
    "TraineesIn": {
        "trainees": [
            {
                "full_name": "José Paredes",
                "gender": "male",
                "kind": "public_official",
                "institution": "PRODUCE",
                "hours_attended": 40,
            }
        ]
    },
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
