"""Reads of the public catalogue and of certificate verification (the hot paths, no login).

Each takes a pooled read connection (``ReadDb``) and returns what the API and the public
pages both map: the catalogue's rows, or the verification answer for a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from services.catalog.db.repositories.catalogue import CatalogueFilters, OrganisationRepository
from services.catalog.db.repositories.read_model import CertificateRepository
from services.catalog.domain.verification import Verification, checked_number, verification
from shared.deps import ReadDb
from shared.documents import load_keys
from shared.errors import RuleViolation
from shared.ruc import is_valid_ruc


async def search(
    db: ReadDb, filters: CatalogueFilters, *, today: date, cursor: str | None, limit: int
) -> tuple[list[sa.Row[Any]], str | None]:
    """A name-ordered page of the entries (``db.repositories.catalogue`` tells how)."""
    return await OrganisationRepository(db).page(filters=filters, today=today, cursor=cursor, limit=limit)


def ensure_valid_ruc(ruc: str) -> None:
    if not is_valid_ruc(ruc):
        raise RuleViolation(
            "ruc.check_digit",
            f"{ruc} is not a valid RUC (SUNAT check digit).",
            detail_es=f"{ruc} no es un RUC válido (dígito de control SUNAT).",
            extra={"errors": [{"field": "ruc", "in": "path", "message": "invalid check digit"}]},
        )


async def read_organisation(db: ReadDb, *, ruc: str) -> sa.Row[Any]:
    """Any organisation that has been certified; 422 for a RUC with a wrong check digit."""
    ensure_valid_ruc(ruc)
    return await OrganisationRepository(db).get_or_raise(ruc=ruc)


async def find_organisation(db: ReadDb, *, ruc: str) -> sa.Row[Any] | None:
    """The same for the public page: None for what is not (or cannot be) in the catalogue."""
    if not (ruc.isdigit() and is_valid_ruc(ruc)):
        return None
    return await OrganisationRepository(db).get(ruc=ruc)


async def verify(db: ReadDb, *, number: str, today: date) -> Verification:
    """The verification answer for a number as typed (422 when malformed or misread)."""
    number = checked_number(number)
    return verification(number, await CertificateRepository(db).get(certificate_number=number), today)


@dataclass(frozen=True)
class SignedDocument:
    """What a document's QR token says (its signature checked), and, for a certificate, its
    status today beside it (None when the number is not one)."""

    claims: dict[str, Any]
    live: Verification | None


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
