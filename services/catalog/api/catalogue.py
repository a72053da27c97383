"""Public catalogue of certified organisations and certificate verification (no login).

PROMPERÚ, section IV "Beneficios": certified companies are "incorporado[s] en el
Catálogo de Organizaciones Certificadas en Buenas Prácticas de Ecoeficiencia Perú".
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel

from services.catalog.api.schemas import OrganisationPublic, OrganisationsPublic, VerificationPublic
from services.catalog.db import catalogue
from services.catalog.domain.certificates import CertificateStatus, VerificationStatus, effective_status
from services.catalog.domain.verification import STANDARD_NAME, checked_number, mark_status, status_since
from shared.deps import DEFAULT_PAGE_SIZE, ClockDep, CursorQuery, LimitQuery, ReadConnDep
from shared.errors import NotFound, RuleViolation
from shared.ruc import is_valid_ruc

PUBLIC = {"x-public": True}
router = APIRouter(tags=["catalogue"])


def _json(model: BaseModel) -> Response:
    """Serialise an already-validated model once: a returned model would be validated again
    against ``response_model`` on these hot paths (the model stays declared for OpenAPI)."""
    return Response(model.model_dump_json(), media_type="application/json")


def _organisation(row, today) -> OrganisationPublic:
    status = effective_status(row.certificate_status, row.expires_on, today)
    return OrganisationPublic(
        ruc=row.ruc,
        name=row.name,
        legal_name=row.legal_name,
        trade_name=row.trade_name,
        region=row.region,
        ciiu_code=row.ciiu_code,
        size_class=row.size_class,
        women_led=row.women_led,
        website=row.website,
        products=row.products,
        certificate={
            "number": row.certificate_number,
            "status": status,
            "issued_on": row.issued_on,
            "expires_on": row.expires_on,
            "body_name": row.body_name,
            "mark_licence": mark_status(row.mark_status, status, row.expires_on, today),
        },
    )


@router.get(
    "/organisations",
    response_model=OrganisationsPublic,
    summary="Search the catalogue of certified organisations",
    description=(
        "Full-text search on name, trade name and products, with Spanish accents and case folded "
        "(`cafe` finds *Café*) and prefixes (`organ` finds *orgánico*), falling back to word similarity for "
        "typos when no word matches. Sorted by name (accent-folded), then RUC; cursor pagination. By default only "
        "organisations whose certificate is valid today are listed; ask for other statuses with "
        "`certificate_status`."
    ),
    openapi_extra=PUBLIC,
)
async def list_organisations(
    conn: ReadConnDep,
    clock: ClockDep,
    q: Annotated[
        str | None, Query(max_length=200, description="words to find", examples=["cafe organico"])
    ] = None,
    region: Annotated[str | None, Query(max_length=100, description="region, e.g. Arequipa")] = None,
    ciiu: Annotated[
        str | None,
        Query(pattern=r"^\d{1,4}$", description="CIIU code or its prefix (sector), e.g. 10 or 1079"),
    ] = None,
    size_class: Annotated[str | None, Query(max_length=50)] = None,
    women_led: bool | None = None,
    certificate_status: Annotated[
        list[CertificateStatus] | None, Query(description="statuses to list (default: valid)")
    ] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
) -> Response:
    filters = catalogue.CatalogueFilters(
        q=q,
        region=region,
        ciiu=ciiu,
        size_class=size_class,
        women_led=women_led,
        statuses=tuple(VerificationStatus(s.value) for s in certificate_status or [CertificateStatus.valid]),
    )
    today = clock.today()
    rows, next_cursor = await catalogue.search(conn, filters, today=today, cursor=cursor, limit=limit)
    return _json(OrganisationsPublic(data=[_organisation(r, today) for r in rows], next_cursor=next_cursor))


@router.get(
    "/organisations/{ruc}",
    response_model=OrganisationPublic,
    summary="An organisation's catalogue page",
    description="Any organisation that has been certified, with its current certificate's status.",
    openapi_extra=PUBLIC,
)
async def get_organisation(
    conn: ReadConnDep, clock: ClockDep, ruc: Annotated[str, Path(pattern=r"^\d{11}$")]
) -> Response:
    if not is_valid_ruc(ruc):
        raise RuleViolation(
            "ruc.check_digit",
            f"{ruc} is not a valid RUC (SUNAT check digit).",
            detail_es=f"{ruc} no es un RUC válido (dígito de control SUNAT).",
            extra={"errors": [{"field": "ruc", "in": "path", "message": "invalid check digit"}]},
        )
    row = await catalogue.get_organisation(conn, ruc)
    if row is None:
        raise NotFound(
            "Certified organisation", ruc, detail_es=f"La organización {ruc} no está en el catálogo."
        )
    return _json(_organisation(row, clock.today()))


@router.get(
    "/certificates/{certificate_number}/verification",
    response_model=VerificationPublic,
    summary="Verify a certificate number",
    description=(
        "For buyers: whether the certificate is valid, suspended, withdrawn or expired today (Lima) and since "
        "when, its holder's name, its scope, validity dates and the status of the right to use the mark, and "
        "nothing else about the company. The number is read as typed (case and spaces ignored, dashes optional). "
        "A malformed number or a wrong check letter answers **422** saying which (the check letter catches a "
        "misread number); a well-formed number never issued answers **200 with status `unknown`**."
    ),
    openapi_extra=PUBLIC,
)
async def verify_certificate(
    conn: ReadConnDep,
    clock: ClockDep,
    certificate_number: Annotated[str, Path(min_length=1, max_length=64)],
) -> Response:
    return _json(await verification(conn, clock.today(), certificate_number))


async def verification(conn, today, raw_number: str) -> VerificationPublic:
    """The verification answer (also rendered by the public page)."""
    number = checked_number(raw_number)
    row = await catalogue.get_certificate_by_number(conn, number)
    if row is None:
        return VerificationPublic(
            certificate_number=number,
            status=VerificationStatus.unknown,
            status_since=None,
            holder_name=None,
            scope=None,
            issued_on=None,
            expires_on=None,
            mark_licence=None,
        )
    status = effective_status(row.status, row.expires_on, today)
    mark = mark_status(row.mark_status, status, row.mark_valid_until or row.expires_on, today)
    return VerificationPublic(
        certificate_number=number,
        status=status,
        status_since=status_since(row, status, today),
        holder_name=row.holder_name,
        scope={
            "standard": STANDARD_NAME,
            "standard_version": row.standard_version,
            "certification_body": row.body_name,
        },
        issued_on=row.issued_on,
        expires_on=row.expires_on,
        mark_licence={"status": mark, "valid_until": row.mark_valid_until or row.expires_on}
        if mark
        else None,
    )
