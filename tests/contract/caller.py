"""A partner's use of the generated Python client: test_generated_clients.py runs mypy --strict on it.

``eco_client`` is what openapi-python-client generates from the merged document; nothing here
builds a request by hand.
"""

from __future__ import annotations

import io
import uuid
from datetime import date

from eco_client.api.catalog_catalogue import catalog_list_organisations, catalog_verify_certificate
from eco_client.api.enrollment_applications import enrollment_admit_application
from eco_client.api.enrollment_cohorts import enrollment_create_cohort
from eco_client.api.enrollment_companies import enrollment_import_companies
from eco_client.api.training_participants import training_list_participants
from eco_client.client import AuthenticatedClient, Client
from eco_client.models import CohortCreate, CohortPublic, ImportReportPublic, Problem
from eco_client.types import File


def search(base_url: str, q: str) -> list[str]:
    """Public: a plain Client, no credential."""
    page = catalog_list_organisations.sync(client=Client(base_url=base_url), q=q, limit=10)
    if page is None or isinstance(page, Problem):
        return []
    return [f"{organisation.ruc} {organisation.legal_name}" for organisation in page.data]


def verify(base_url: str, number: str) -> str:
    answer = catalog_verify_certificate.sync(client=Client(base_url=base_url), certificate_number=number)
    if answer is None or isinstance(answer, Problem):
        return "unknown"
    return str(answer.status)


def open_cohort(officer: AuthenticatedClient, opens: date) -> uuid.UUID:
    body = CohortCreate(
        name="BPE 2026-I",
        capacity=30,
        applications_open_on=opens,
        applications_close_on=opens.replace(day=28),
    )
    answer = enrollment_create_cohort.sync(client=officer, body=body, idempotency_key=str(uuid.uuid4()))
    if not isinstance(answer, CohortPublic):
        raise RuntimeError(answer.detail if isinstance(answer, Problem) and answer.detail else "no cohort")
    return answer.id


def admit(officer: AuthenticatedClient, application_id: uuid.UUID) -> str | None:
    """The optional body is simply left out; a problem's `rule` is typed."""
    answer = enrollment_admit_application.sync(application_id, client=officer, accept_language="es")
    if isinstance(answer, Problem):
        return answer.rule if isinstance(answer.rule, str) else None
    return None if answer is None else str(answer.status)


def import_companies(officer: AuthenticatedClient, csv: bytes) -> int:
    file = File(payload=io.BytesIO(csv), file_name="empresas.csv", mime_type="text/csv")
    report = enrollment_import_companies.sync(client=officer, body=file)
    return report.imported if isinstance(report, ImportReportPublic) else 0


def training_rucs(staff: AuthenticatedClient) -> list[str]:
    page = training_list_participants.sync(client=staff)
    if page is None or isinstance(page, Problem):
        return []
    return [participant.ruc for participant in page.data]
