"""Public catalogue of certified organisations and certificate verification (no login).

PROMPERÚ, section IV "Beneficios": certified companies are "incorporado[s] en el
Catálogo de Organizaciones Certificadas en Buenas Prácticas de Ecoeficiencia Perú".
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel

from services.catalog.api.schemas import (
    MarkLicencePublic,
    OrganisationPublic,
    OrganisationsPublic,
    ScopePublic,
    VerificationPublic,
)
from services.catalog.db.repositories.catalogue import CatalogueFilters
from services.catalog.domain.certificates import CertificateStatus, VerificationStatus, effective_status
from services.catalog.domain.verification import STANDARD_NAME, Verification, mark_status
from services.catalog.handlers import catalogue
from shared.deps import DEFAULT_PAGE_SIZE, ClockDep, CursorQuery, LimitQuery, ReadDbDep

PUBLIC = {"x-public": True}
router = APIRouter(tags=["catalogue"])


def _json(model: BaseModel) -> Response:
    """Serialise an already-validated model once: a returned model would be validated again
    against ``response_model`` on these hot paths (the model stays declared for OpenAPI)."""
    return Response(model.model_dump_json(), media_type="application/json")


def organisation_entry(row: sa.Row[Any], today: date) -> dict[str, Any]:
    """An entry as shown today (``OrganisationPublic``'s fields): its certificate's status and
    mark licence as of ``today``. Plain fields, validated by the caller's model once per page
    (a model per entry cost a quarter of a search's CPU, issue 15)."""
    r = row._mapping
    expires_on = r["expires_on"]
    status = effective_status(r["certificate_status"], expires_on, today)
    return {
        "ruc": r["ruc"],
        "name": r["name"],
        "legal_name": r["legal_name"],
        "trade_name": r["trade_name"],
        "region": r["region"],
        "ciiu_code": r["ciiu_code"],
        "size_class": r["size_class"],
        "women_led": r["women_led"],
        "website": r["website"],
        "products": r["products"],
        "certificate": {
            "number": r["certificate_number"],
            "status": status,
            "issued_on": r["issued_on"],
            "expires_on": expires_on,
            "body_name": r["body_name"],
            "mark_licence": mark_status(r["mark_status"], status, expires_on, today),
        },
    }


def organisation_public(row: sa.Row[Any], today: date) -> OrganisationPublic:
    return OrganisationPublic.model_validate(organisation_entry(row, today))


def verification_public(v: Verification) -> VerificationPublic:
    if v.status is VerificationStatus.unknown:
        return VerificationPublic(
            certificate_number=v.number,
            status=v.status,
            status_since=None,
            holder_name=None,
            scope=None,
            issued_on=None,
            expires_on=None,
            mark_licence=None,
        )
    return VerificationPublic(
        certificate_number=v.number,
        status=v.status,
        status_since=v.since,
        holder_name=v.holder_name,
        scope=ScopePublic(
            standard=STANDARD_NAME, standard_version=v.standard_version, certification_body=v.body_name
        ),
        issued_on=v.issued_on,
        expires_on=v.expires_on,
        mark_licence=MarkLicencePublic(status=v.mark, valid_until=v.mark_valid_until) if v.mark else None,
    )


@router.get(
    "/organisations",
    response_model=OrganisationsPublic,
    summary="Search the catalogue of certified organisations",
    description=(
        "Full-text search on name, trade name and products, with Spanish accents and case folded "
        "(`cafe` finds *Café*) and prefixes (`organ` finds *orgánico*); a word no catalogue word starts with "
        "is read as a typo and its nearest catalogue words are searched too (`alpca` finds *alpaca*). Sorted by name (accent-folded), then RUC; cursor pagination. By default only "
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
    today = clock.today()
    rows, next_cursor = await catalogue.search(db, filters, today=today, cursor=cursor, limit=limit)
    page = {"data": [organisation_entry(r, today) for r in rows], "next_cursor": next_cursor}
    return _json(OrganisationsPublic.model_validate(page))


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
    return _json(organisation_public(await catalogue.read_organisation(db, ruc=ruc), clock.today()))


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
    return _json(
        verification_public(await catalogue.verify(db, number=certificate_number, today=clock.today()))
    )
