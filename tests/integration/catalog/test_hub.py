"""Knowledge hub: seeded resources, officer curation, company success stories and their review."""

from __future__ import annotations

import uuid
from decimal import Decimal

from shared.auth import Role
from tests.integration.catalog import events as ev
from tests.support.testing import identity_headers

HUB = "/api/v1/catalog/hub"


def as_(settings, role: Role, **kw) -> dict[str, str]:
    return identity_headers(settings, role, **kw)


async def test_seeded_resources_include_the_four_methodologies_and_search_folds_accents(client):
    methodologies = (
        await client.get(f"{HUB}/resources", params={"kind": "methodology", "limit": 50})
    ).json()["data"]
    training = [r for r in methodologies if r["slug"].startswith("metodologia-capacitacion-")]
    assert {(r["entity_type"], r["accompaniment_depth"]) for r in training} == {
        ("public", "basic"),
        ("public", "deep"),
        ("private", "basic"),
        ("private", "deep"),
    }
    assert any(r["slug"] == "metodologia-ecocanvas" for r in methodologies)
    found = (await client.get(f"{HUB}/resources", params={"q": "ENERGIA"})).json()["data"]
    assert "guia-cuantificacion-costos-ambientales" in {r["slug"] for r in found}
    # "⑴" folds into "(1)", once spliced raw into tsquery syntax (a 500): now a plain word.
    for q in ("⑴", "energia ⑴", "energíaː"):
        response = await client.get(f"{HUB}/resources", params={"q": q})
        assert response.status_code == 200, (q, response.text)
    assert {r["slug"] for r in found} == {
        r["slug"] for r in (await client.get(f"{HUB}/resources", params={"q": "energíaː"})).json()["data"]
    }
    tagged = (await client.get(f"{HUB}/resources", params={"tag": "Whatsapp"})).json()["data"]
    assert [r["slug"] for r in tagged] == ["micro-curso-whatsapp-economia-circular"]


async def test_officer_adds_and_edits_a_resource_once_per_idempotency_key(client, catalog_settings):
    officer = as_(catalog_settings, Role.promperu_officer)
    slug = f"guia-{uuid.uuid4().hex[:8]}"
    body = {
        "slug": slug,
        "kind": "guide",
        "title": "Guía de eficiencia hídrica",
        "summary": "Reducir el agua.",
        "tags": ["agua"],
    }
    key = {"Idempotency-Key": uuid.uuid4().hex}
    first = await client.post(f"{HUB}/resources", json=body, headers=officer | key)
    again = await client.post(f"{HUB}/resources", json=body, headers=officer | key)
    assert first.status_code == 201 and again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["resource_id"] == first.json()["resource_id"]

    duplicate = await client.post(f"{HUB}/resources", json=body, headers=officer)
    assert duplicate.status_code == 409

    rid = first.json()["resource_id"]
    edited = await client.patch(f"{HUB}/resources/{rid}", json={"title": "Guía hídrica"}, headers=officer)
    assert edited.status_code == 200 and edited.json()["title"] == "Guía hídrica"
    assert edited.json()["summary"] == "Reducir el agua."
    assert (await client.get(f"{HUB}/resources/{rid}")).json()["title"] == "Guía hídrica"


async def test_resource_curation_is_for_officers_only(client, catalog_settings):
    body = {"slug": "x-y-z", "kind": "guide", "title": "Título", "summary": "Resumen"}
    assert (await client.post(f"{HUB}/resources", json=body)).status_code == 401
    company = as_(catalog_settings, Role.company, ruc=ev.new_ruc())
    forbidden = await client.post(f"{HUB}/resources", json=body, headers=company)
    assert forbidden.status_code == 403 and forbidden.json()["allowed_roles"] == ["promperu_officer"]


def story_body(ruc: str, **overrides) -> dict:
    return {
        "ruc": ruc,
        "company_name": "Café Orgánico del Sur S.A.C.",
        "title": "Secado solar del café",
        "measure": "Secador solar con respaldo eléctrico.",
        "figures": {
            "energy": {"baseline": "12000", "after": "7000", "unit_price": "0.60"},
            "water": {"baseline": "800", "after": "650", "unit_price": "5.20"},
        },
        "investment": "9000",
    } | overrides


async def test_a_company_story_computes_savings_payback_and_co2e_from_the_cited_factors(
    client, catalog_settings
):
    ruc = ev.new_ruc()
    company = as_(catalog_settings, Role.company, ruc=ruc)
    response = await client.post(f"{HUB}/success-stories", json=story_body(ruc), headers=company)
    assert response.status_code == 201, response.text
    story = response.json()
    factors = {f["resource"]: f for f in story["factors"]}
    energy_factor, water_factor = Decimal(factors["energy"]["factor"]), Decimal(factors["water"]["factor"])
    assert factors["energy"]["code"] == "electricity_sein_pe" and factors["energy"]["source"]

    assert story["status"] == "draft"
    assert Decimal(story["annual_savings"]) == Decimal("3780.00")  # 5 000 x 0.60 + 150 x 5.20
    assert Decimal(story["payback_months"]) == Decimal("28.6")  # 9 000 / (3 780 / 12)
    expected_co2e = (5000 * energy_factor).quantize(Decimal("0.01")) + (150 * water_factor).quantize(
        Decimal("0.01")
    )
    assert Decimal(story["co2e_avoided_kg"]) == expected_co2e
    energy = next(r for r in story["resources"] if r["resource"] == "energy")
    assert Decimal(energy["saved_quantity"]) == 5000 and energy["unit"] == "kWh"


async def test_a_chosen_raw_material_factor_is_used_and_an_unknown_one_refused(client, catalog_settings):
    ruc = ev.new_ruc()
    company = as_(catalog_settings, Role.company, ruc=ruc)
    body = story_body(
        ruc,
        figures={"raw_material": {"baseline": "1000", "after": "900", "unit_price": "3.5"}},
        investment="700",
        factor_codes={"raw_material": "paper_board_primary"},
    )
    story = (await client.post(f"{HUB}/success-stories", json=body, headers=company)).json()
    assert [f["code"] for f in story["factors"] if f["resource"] == "raw_material"] == ["paper_board_primary"]
    assert Decimal(story["co2e_avoided_kg"]) > 0

    bad = await client.post(
        f"{HUB}/success-stories",
        json=body | {"factor_codes": {"raw_material": "water_supply"}},
        headers=company,
    )
    assert bad.status_code == 422 and bad.json()["rule"] == "story.unknown_emission_factor"


async def test_story_review_workflow_and_who_may_do_what(client, catalog_settings):
    ruc = ev.new_ruc()
    company = as_(catalog_settings, Role.company, ruc=ruc)
    other_company = as_(catalog_settings, Role.company, ruc=ev.new_ruc())
    officer = as_(catalog_settings, Role.promperu_officer)

    assert (
        await client.post(f"{HUB}/success-stories", json=story_body(ruc), headers=other_company)
    ).status_code == 404
    assert (
        await client.post(f"{HUB}/success-stories", json=story_body(ruc), headers=officer)
    ).status_code == 403
    story_id = (await client.post(f"{HUB}/success-stories", json=story_body(ruc), headers=company)).json()[
        "story_id"
    ]

    assert (await client.get(f"{HUB}/success-stories/{story_id}")).status_code == 404  # drafts are not public
    assert (
        await client.post(f"{HUB}/success-stories/{story_id}/submit", headers=other_company)
    ).status_code == 404
    premature = await client.post(
        f"{HUB}/success-stories/{story_id}/review", json={"decision": "publish"}, headers=officer
    )
    assert premature.status_code == 409 and premature.json()["allowed_transitions"] == ["submitted"]

    assert (await client.post(f"{HUB}/success-stories/{story_id}/submit", headers=company)).json()[
        "status"
    ] == "submitted"
    no_note = await client.post(
        f"{HUB}/success-stories/{story_id}/review", json={"decision": "reject"}, headers=officer
    )
    assert no_note.status_code == 422 and no_note.json()["rule"] == "story.rejection_needs_note"
    rejected = await client.post(
        f"{HUB}/success-stories/{story_id}/review",
        json={"decision": "reject", "note": "Adjunte recibos"},
        headers=officer,
    )
    assert rejected.json()["status"] == "rejected"

    edited = await client.patch(
        f"{HUB}/success-stories/{story_id}", json={"investment": "12600"}, headers=company
    )
    assert Decimal(edited.json()["payback_months"]) == Decimal("40.0")  # 12 600 / 315
    await client.post(f"{HUB}/success-stories/{story_id}/submit", headers=company)
    published = await client.post(
        f"{HUB}/success-stories/{story_id}/review", json={"decision": "publish"}, headers=officer
    )
    assert published.json()["status"] == "published" and published.json()["published_at"]

    public = await client.get(f"{HUB}/success-stories", params={"ruc": ruc})
    assert [s["story_id"] for s in public.json()["data"]] == [story_id]
    assert (await client.get(f"{HUB}/success-stories/{story_id}")).status_code == 200
    frozen = await client.patch(f"{HUB}/success-stories/{story_id}", json={"title": "Otro"}, headers=company)
    assert frozen.status_code == 409


async def test_submissions_show_a_company_only_its_own_stories(client, catalog_settings):
    ruc_a, ruc_b = ev.new_ruc(), ev.new_ruc()
    a, b = as_(catalog_settings, Role.company, ruc=ruc_a), as_(catalog_settings, Role.company, ruc=ruc_b)
    story_a = (await client.post(f"{HUB}/success-stories", json=story_body(ruc_a), headers=a)).json()[
        "story_id"
    ]
    await client.post(f"{HUB}/success-stories", json=story_body(ruc_b), headers=b)

    mine = (await client.get(f"{HUB}/submissions", params={"ruc": ruc_b}, headers=a)).json()["data"]
    assert [s["story_id"] for s in mine] == [story_a]
    assert (await client.get(f"{HUB}/submissions/{story_a}", headers=b)).status_code == 404
    officer = as_(catalog_settings, Role.promperu_officer)
    drafts = await client.get(f"{HUB}/submissions", params={"ruc": ruc_b, "status": "draft"}, headers=officer)
    assert len(drafts.json()["data"]) == 1


async def test_emission_factors_are_public_cited_and_versioned(client):
    factors = (await client.get(f"{HUB}/emission-factors")).json()["data"]
    assert {f["resource"] for f in factors} == {"energy", "water", "raw_material", "waste"}
    assert all(f["source"] and f["version"] and f["valid_from"] for f in factors)


async def test_resources_and_stories_page_with_cursors(client, catalog_settings):
    seen, cursor = [], None
    for _ in range(20):
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        body = (await client.get(f"{HUB}/resources", params=params)).json()
        seen += [r["resource_id"] for r in body["data"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    everything = (await client.get(f"{HUB}/resources", params={"limit": 500})).json()["data"]
    assert seen == [r["resource_id"] for r in everything]

    ruc = ev.new_ruc()
    company = as_(catalog_settings, Role.company, ruc=ruc)
    created = [
        (await client.post(f"{HUB}/success-stories", json=story_body(ruc), headers=company)).json()[
            "story_id"
        ]
        for _ in range(3)
    ]
    first = (await client.get(f"{HUB}/submissions", params={"limit": 2}, headers=company)).json()
    second = (
        await client.get(
            f"{HUB}/submissions", params={"limit": 2, "cursor": first["next_cursor"]}, headers=company
        )
    ).json()
    assert [s["story_id"] for s in first["data"] + second["data"]] == created[::-1]
    assert second["next_cursor"] is None
