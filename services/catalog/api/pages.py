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

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import jinja2
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.catalog.api.catalogue import verification
from services.catalog.db import catalogue
from services.catalog.domain.certificates import VerificationStatus, effective_status
from services.catalog.domain.verification import mark_status
from services.catalog.i18n import TEXTS, choose_language
from shared.deps import ClockDep, ReadConnDep, SettingsDep
from shared.documents import load_keys
from shared.errors import RuleViolation
from shared.ruc import is_valid_ruc

router = APIRouter()
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
PAGE_SIZE = 20
Lang = Annotated[str | None, Query(pattern="^(es|en)$", description="page language: es (default) or en")]


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=jinja2.select_autoescape(["html"])
    )


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
    conn: ReadConnDep,
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
    try:
        claims = load_keys(env=settings.env).verify(t)
    except Exception:
        return _render(request, language, "verify.html", signature="invalid", status_code=422)
    live = None
    if claims.get("typ") == "certificate" and claims.get("num"):
        try:
            live = await verification(conn, clock.today(), claims["num"])
        except RuleViolation:
            live = None
    return _render(request, language, "verify.html", signature="valid", claims=claims, result=live)


@router.get("/verificar/{number}", response_class=HTMLResponse)
async def verify_number_page(
    request: Request, number: str, conn: ReadConnDep, clock: ClockDep, lang: Lang = None
):
    language = _language(request, lang)
    try:
        result = await verification(conn, clock.today(), number)
    except RuleViolation as problem:
        rule = problem.extra.get("rule", "")
        return _render(request, language, "verify.html", number=number, problem=rule, status_code=422)
    status = 404 if result.status == VerificationStatus.unknown else 200
    return _render(request, language, "verify.html", number=number, result=result, status_code=status)


@router.get("/catalogo", response_class=HTMLResponse)
async def search_page(
    request: Request,
    conn: ReadConnDep,
    clock: ClockDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    region: Annotated[str | None, Query(max_length=100)] = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    lang: Lang = None,
):
    language = _language(request, lang)
    today = clock.today()
    filters = catalogue.CatalogueFilters(q=q or None, region=region or None)
    rows, next_cursor = await catalogue.search(conn, filters, today=today, cursor=cursor, limit=PAGE_SIZE)
    organisations = [_organisation(r, today) for r in rows]
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
async def organisation_page(
    request: Request, ruc: str, conn: ReadConnDep, clock: ClockDep, lang: Lang = None
):
    language = _language(request, lang)
    row = await catalogue.get_organisation(conn, ruc) if ruc.isdigit() and is_valid_ruc(ruc) else None
    if row is None:
        return _render(request, language, "organisation.html", organisation=None, ruc=ruc, status_code=404)
    return _render(request, language, "organisation.html", organisation=_organisation(row, clock.today()))


def _organisation(row, today) -> dict[str, Any]:
    status = effective_status(row.certificate_status, row.expires_on, today)
    return {
        "ruc": row.ruc,
        "name": row.name,
        "trade_name": row.trade_name,
        "region": row.region,
        "website": row.website,
        "products": row.products,
        "certificate_number": row.certificate_number,
        "status": status.value,
        "issued_on": row.issued_on,
        "expires_on": row.expires_on,
        "body_name": row.body_name,
        "mark": (mark_status(row.mark_status, status, row.expires_on, today) or "").__str__(),
    }
