"""Reads of the public catalogue and of certificate verification (the hot paths, no login).

Each takes a pooled read connection (``ReadDb``) and returns what the API and the public
pages both show: an organisation's entry with its certificate's status today, or the
verification answer for a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from services.catalog.api.schemas import (
    CertificatePublic,
    MarkLicencePublic,
    OrganisationPublic,
    ScopePublic,
    VerificationPublic,
)
from services.catalog.db.repositories.catalogue import CatalogueFilters, OrganisationRepository
from services.catalog.db.repositories.read_model import CertificateRepository
from services.catalog.domain.certificates import VerificationStatus, effective_status
from services.catalog.domain.verification import STANDARD_NAME, checked_number, mark_status, status_since
from shared.deps import ReadDb
from shared.documents import load_keys
from shared.errors import RuleViolation
from shared.ruc import is_valid_ruc


def organisation(row: sa.Row[Any], today: date) -> OrganisationPublic:
    """An entry as shown today: its certificate's status and mark licence as of ``today``."""
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
        certificate=CertificatePublic(
            number=row.certificate_number,
            status=status,
            issued_on=row.issued_on,
            expires_on=row.expires_on,
            body_name=row.body_name,
            mark_licence=mark_status(row.mark_status, status, row.expires_on, today),
        ),
    )


async def search(
    db: ReadDb, filters: CatalogueFilters, *, today: date, cursor: str | None, limit: int
) -> tuple[list[OrganisationPublic], str | None]:
    rows, next_cursor = await OrganisationRepository(db).page(
        filters=filters, today=today, cursor=cursor, limit=limit
    )
    return [organisation(r, today) for r in rows], next_cursor


def ensure_valid_ruc(ruc: str) -> None:
    if not is_valid_ruc(ruc):
        raise RuleViolation(
            "ruc.check_digit",
            f"{ruc} is not a valid RUC (SUNAT check digit).",
            detail_es=f"{ruc} no es un RUC válido (dígito de control SUNAT).",
            extra={"errors": [{"field": "ruc", "in": "path", "message": "invalid check digit"}]},
        )


async def read_organisation(db: ReadDb, *, ruc: str, today: date) -> OrganisationPublic:
    """Any organisation that has been certified; 422 for a RUC with a wrong check digit."""
    ensure_valid_ruc(ruc)
    return organisation(await OrganisationRepository(db).get_or_raise(ruc=ruc), today)


async def find_organisation(db: ReadDb, *, ruc: str, today: date) -> OrganisationPublic | None:
    """The same for the public page: None for what is not (or cannot be) in the catalogue."""
    if not (ruc.isdigit() and is_valid_ruc(ruc)):
        return None
    row = await OrganisationRepository(db).get(ruc=ruc)
    return organisation(row, today) if row is not None else None


async def verify(db: ReadDb, *, number: str, today: date) -> VerificationPublic:
    """The verification answer for a number as typed (422 when malformed or misread)."""
    number = checked_number(number)
    row = await CertificateRepository(db).get(certificate_number=number)
    if row is None or row.status is None:  # a number known only from a later fact: not issued
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
        scope=ScopePublic(
            standard=STANDARD_NAME, standard_version=row.standard_version, certification_body=row.body_name
        ),
        issued_on=row.issued_on,
        expires_on=row.expires_on,
        mark_licence=MarkLicencePublic(status=mark, valid_until=row.mark_valid_until or row.expires_on)
        if mark
        else None,
    )


@dataclass(frozen=True)
class SignedDocument:
    """What a document's QR token says (its signature checked), and, for a certificate, its
    status today beside it (None when the number is not one)."""

    claims: dict[str, Any]
    live: VerificationPublic | None


async def verify_document(db: ReadDb, *, token: str, env: str, today: date) -> SignedDocument | None:
    """The claims of a signed token (None: the signature does not hold)."""
    try:
        claims: dict[str, Any] = load_keys(env=env).verify(token)
    except Exception:  # any fault in the token is "not signed by us"
        return None
    live = None
    if claims.get("typ") == "certificate" and claims.get("num"):
        try:
            live = await verify(db, number=claims["num"], today=today)
        except RuleViolation:
            live = None
    return SignedDocument(claims, live)
