"""Test data and API steps for the enrollment tests: valid by default, random per test."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx

from shared.auth import Role
from shared.clock import Clock
from shared.ruc import make_ruc
from shared.settings import Settings
from tests.support.testing import identity_headers

PREFIX = "/api/v1/enrollment"


def new_ruc(prefix: str = "20") -> str:
    return make_ruc(prefix, f"{random.randrange(10**8):08d}")


def company_body(ruc: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "ruc": ruc,
        "legal_name": f"Ecoexport {ruc} S.A.C.",
        "trade_name": "Ecoexport",
        "legal_rep_name": "Rosa Mamani Flores",
        "legal_rep_dni": "41234567",
        "founded_on": "2015-03-10",
        "registry_entry": "11023456",
        "region": "La Libertad",
        "ciiu_code": "1079",
        "annual_sales_pen": "2500000.00",
        "sales_fiscal_year": 2025,
        "women_led": True,
        "phone": "+51 44 281234",
        "email": f"contacto@ecoexport{ruc}.pe",
        "website": f"https://ecoexport{ruc}.pe",
        "direct_exports": True,
        "export_markets": ["US"],
        "own_production": True,
        "products": ["quinoa flakes", "maca powder"],
    }
    return body | overrides


def site_body(today: date, **overrides: Any) -> dict[str, Any]:
    body = {
        "name": "Planta Trujillo",
        "address": "Parque Industrial Mz. B Lt. 4",
        "region": "la libertad",
        "licence_number": "LF-2019-00871",
        "licence_expires_on": None,
        "indeci_number": "ITSE-2025-1187",
        "indeci_expires_on": (today + timedelta(days=300)).isoformat(),
    }
    return body | overrides


@dataclass
class Api:
    http: httpx.AsyncClient
    settings: Settings
    clock: Clock

    def headers(self, role: Role | str, **kwargs: Any) -> dict[str, str]:
        return identity_headers(self.settings, role, **kwargs)

    @property
    def officer(self) -> dict[str, str]:
        return self.headers(Role.promperu_officer)

    def company(self, ruc: str) -> dict[str, str]:
        return self.headers(Role.company, ruc=ruc)

    async def call(
        self, method: str, path: str, headers: dict[str, str] | None, **kwargs: Any
    ) -> httpx.Response:
        return await self.http.request(method, PREFIX + path, headers=headers or {}, **kwargs)

    async def ok(
        self, method: str, path: str, headers: dict[str, str] | None, expect: int = 200, **kw
    ) -> Any:
        response = await self.call(method, path, headers, **kw)
        assert response.status_code == expect, response.text
        return (
            response.json()
            if response.content and "json" in response.headers.get("content-type", "")
            else None
        )

    async def all_pages(self, path: str, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
        items, cursor = [], None
        while True:
            page = await self.ok(
                "GET", path, headers, params=params | {"limit": 500} | ({"cursor": cursor} if cursor else {})
            )
            items += page["data"]
            cursor = page["next_cursor"]
            if not cursor:
                return items

    # --- journeys ---------------------------------------------------------------------------

    async def register(self, ruc: str | None = None, **overrides: Any) -> dict[str, Any]:
        ruc = ruc or new_ruc()
        return await self.ok("POST", "/companies", self.officer, 201, json=company_body(ruc, **overrides))

    async def add_site(self, ruc: str, **overrides: Any) -> dict[str, Any]:
        body = site_body(self.clock.today(), **overrides)
        return await self.ok("POST", f"/companies/{ruc}/sites", self.officer, 201, json=body)

    async def cohort(self, capacity: int = 10, **overrides: Any) -> dict[str, Any]:
        today = self.clock.today()
        body = {
            "name": f"BPE test {uuid.uuid4().hex[:10]}",
            "capacity": capacity,
            "applications_open_on": (today - timedelta(days=10)).isoformat(),
            "applications_close_on": (today + timedelta(days=20)).isoformat(),
            "preaudit_on": (today + timedelta(days=200)).isoformat(),
            "certification_audit_on": (today + timedelta(days=300)).isoformat(),
        } | overrides
        return await self.ok("POST", "/cohorts", self.officer, 201, json=body)

    async def monitor(self, name: str | None = None, subject: str | None = None) -> dict[str, Any]:
        tag = uuid.uuid4().hex[:8]
        body = {
            "name": name or f"Monitor {tag}",
            "email": f"monitor-{tag}@promperu.gob.pe",
            "user_subject": subject,
        }
        return await self.ok("POST", "/monitors", self.officer, 201, json=body)

    async def eligible_application(self, cohort_id: str | None = None, **company: Any) -> dict[str, Any]:
        """A registered company with a valid site, a draft, the sworn declaration, submitted, evaluated."""
        registered = await self.register(**company)
        ruc = registered["ruc"]
        await self.add_site(ruc)
        cohort_id = cohort_id or (await self.cohort())["id"]
        app = await self.ok(
            "POST", "/applications", self.company(ruc), 201, json={"ruc": ruc, "cohort_id": cohort_id}
        )
        me = self.company(ruc)
        await self.ok(
            "POST",
            f"/applications/{app['id']}/sworn-declaration",
            me,
            json={"name": registered["legal_rep_name"], "dni": registered["legal_rep_dni"]},
        )
        await self.ok("POST", f"/applications/{app['id']}/submit", me)
        evaluated = await self.ok("POST", f"/applications/{app['id']}/evaluate", self.officer)
        assert evaluated["status"] == "eligible", evaluated
        return evaluated

    async def participant(self, cohort_id: str | None = None, **company: Any) -> dict[str, Any]:
        app = await self.eligible_application(cohort_id, **company)
        return await self.ok("POST", f"/applications/{app['id']}/admit", self.officer)
