"""Public catalogue of certified organisations and certificate verification (no login).

PROMPERÚ, section IV "Beneficios": certified companies are "incorporado[s] en el
Catálogo de Organizaciones Certificadas en Buenas Prácticas de Ecoeficiencia Perú".
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel

from services.catalog.api.schemas import OrganisationPublic, OrganisationsPublic, VerificationPublic
from services.catalog.db.repositories.catalogue import CatalogueFilters
from services.catalog.domain.certificates import CertificateStatus, VerificationStatus
from services.catalog.handlers import catalogue
from shared.deps import DEFAULT_PAGE_SIZE, ClockDep, CursorQuery, LimitQuery, ReadDbDep

PUBLIC = {"x-public": True}
router = APIRouter(tags=["catalogue"])


def _json(model: BaseModel) -> Response:
    """Serialise an already-validated model once: a returned model would be validated again
    against ``response_model`` on these hot paths (the model stays declared for OpenAPI)."""
    return Response(model.model_dump_json(), media_type="application/json")


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
    db: ReadDbDep,
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
    filters = CatalogueFilters(
        q=q,
        region=region,
        ciiu=ciiu,
        size_class=size_class,
        women_led=women_led,
        statuses=tuple(VerificationStatus(s.value) for s in certificate_status or [CertificateStatus.valid]),
    )
    found, next_cursor = await catalogue.search(db, filters, today=clock.today(), cursor=cursor, limit=limit)
    return _json(OrganisationsPublic(data=found, next_cursor=next_cursor))


@router.get(
    "/organisations/{ruc}",
    response_model=OrganisationPublic,
    summary="An organisation's catalogue page",
    description="Any organisation that has been certified, with its current certificate's status.",
    openapi_extra=PUBLIC,
)
async def get_organisation(
    db: ReadDbDep, clock: ClockDep, ruc: Annotated[str, Path(pattern=r"^\d{11}$")]
) -> Response:
    return _json(await catalogue.read_organisation(db, ruc=ruc, today=clock.today()))


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
    db: ReadDbDep,
    clock: ClockDep,
    certificate_number: Annotated[str, Path(min_length=1, max_length=64)],
) -> Response:
    return _json(await catalogue.verify(db, number=certificate_number, today=clock.today()))
