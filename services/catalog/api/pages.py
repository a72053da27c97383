"""Public pages, server-rendered (issue 14): certificate verification and catalogue search.

``/verificar`` is where a document's QR code lands (``?t=<signed token>``): the signature
is checked against the platform's document keys and, for a certificate, its status today
is shown beside what the paper says. ``/verificar/{number}`` answers a typed number, and
``/catalogo`` searches the catalogue of certified organisations (``/catalogo/{ruc}``: one).

No login, no script: plain HTML forms and one stylesheet (``/catalogo/estilo.css``), so they
work on any phone and with a keyboard or a screen reader. Spanish by default; English by
``Accept-Language`` or the ``lang`` switch on every page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import jinja2
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.catalog.api.catalogue import organisation_public, verification_public
from services.catalog.api.schemas import OrganisationPublic
from services.catalog.db.repositories.catalogue import CatalogueFilters
from services.catalog.domain.certificates import VerificationStatus
from services.catalog.handlers import catalogue
from services.catalog.i18n import TEXTS, choose_language
from shared.deps import ClockDep, ReadDbDep, SettingsDep
from shared.documents import templates
from shared.errors import RuleViolation

router = APIRouter()
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
PAGE_SIZE = 20
Lang = Annotated[str | None, Query(pattern="^(es|en)$", description="page language: es (default) or en")]


def _env() -> jinja2.Environment:
    return templates(TEMPLATES)


def _render(
    request: Request, lang: str, template: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    t = TEXTS[lang]
    other = "en" if lang == "es" else "es"
    params = dict(request.query_params) | {"lang": other}
    html = (
        _env()
        .get_template(template)
        .render(
            t=t, lang=lang, other_lang=other, switch_url=f"{request.url.path}?{urlencode(params)}", **context
        )
    )
    return HTMLResponse(
        html, status_code=status_code, headers={"Content-Language": lang, "Vary": "Accept-Language"}
    )


def _language(request: Request, lang: str | None) -> str:
    return choose_language(lang, request.headers.get("accept-language", ""))


@router.get("/catalogo/estilo.css")
async def stylesheet() -> Response:
    return Response(
        (TEMPLATES / "estilo.css").read_text(),
        media_type="text/css",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@router.get("/verificar", response_class=HTMLResponse)
async def verify_page(
    request: Request,
    db: ReadDbDep,
    clock: ClockDep,
    settings: SettingsDep,
    t: Annotated[
        str | None, Query(max_length=4000, description="a document's signed token (from its QR)")
    ] = None,
    numero: Annotated[str | None, Query(max_length=64)] = None,
    lang: Lang = None,
):
    language = _language(request, lang)
    if numero:
        target = f"/verificar/{numero.strip()}" + (f"?lang={lang}" if lang else "")
        return RedirectResponse(target, status_code=303)
    if t is None:
        return _render(request, language, "verify.html")
    signed = await catalogue.verify_document(db, token=t, env=settings.env, today=clock.today())
    if signed is None:
        return _render(request, language, "verify.html", signature="invalid", status_code=422)
    return _render(
        request,
        language,
        "verify.html",
        signature="valid",
        claims=signed.claims,
        result=verification_public(signed.live) if signed.live else None,
    )


@router.get("/verificar/{number}", response_class=HTMLResponse)
async def verify_number_page(
    request: Request, number: str, db: ReadDbDep, clock: ClockDep, lang: Lang = None
):
    language = _language(request, lang)
    try:
        result = verification_public(await catalogue.verify(db, number=number, today=clock.today()))
    except RuleViolation as problem:
        rule = problem.extra.get("rule", "")
        return _render(request, language, "verify.html", number=number, problem=rule, status_code=422)
    status = 404 if result.status == VerificationStatus.unknown else 200
    return _render(request, language, "verify.html", number=number, result=result, status_code=status)


@router.get("/catalogo", response_class=HTMLResponse)
async def search_page(
    request: Request,
    db: ReadDbDep,
    clock: ClockDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    region: Annotated[str | None, Query(max_length=100)] = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    lang: Lang = None,
):
    language = _language(request, lang)
    filters = CatalogueFilters(q=q or None, region=region or None)
    today = clock.today()
    rows, next_cursor = await catalogue.search(db, filters, today=today, cursor=cursor, limit=PAGE_SIZE)
    organisations = [_view(organisation_public(r, today)) for r in rows]
    next_url = None
    if next_cursor:
        params = {
            k: v for k, v in {"q": q, "region": region, "lang": lang, "cursor": next_cursor}.items() if v
        }
        next_url = f"/catalogo?{urlencode(params)}"
    return _render(
        request,
        language,
        "search.html",
        q=q or "",
        region=region or "",
        organisations=organisations,
        next_url=next_url,
    )


@router.get("/catalogo/{ruc}", response_class=HTMLResponse)
async def organisation_page(request: Request, ruc: str, db: ReadDbDep, clock: ClockDep, lang: Lang = None):
    language = _language(request, lang)
    row = await catalogue.find_organisation(db, ruc=ruc)
    if row is None:
        return _render(request, language, "organisation.html", organisation=None, ruc=ruc, status_code=404)
    return _render(
        request, language, "organisation.html", organisation=_view(organisation_public(row, clock.today()))
    )


def _view(org: OrganisationPublic) -> dict[str, Any]:
    """What the templates show of an entry."""
    cert = org.certificate
    return {
        "ruc": org.ruc,
        "name": org.name,
        "trade_name": org.trade_name,
        "region": org.region,
        "website": org.website,
        "products": org.products,
        "certificate_number": cert.number,
        "status": cert.status.value,
        "issued_on": cert.issued_on,
        "expires_on": cert.expires_on,
        "body_name": cert.body_name,
        "mark": str(cert.mark_licence or ""),
    }
