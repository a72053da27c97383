"""Catalogue search: accents and case folded, prefixes, filters, cursor pagination, bad input."""

from __future__ import annotations

import pytest

from services.catalog.db.repositories import catalogue as repository
from tests.integration.catalog import events as ev
from tests.support.testing import eventually

ORGS = "/api/v1/catalog/organisations"


async def search(client, **params) -> list[dict]:
    response = await client.get(ORGS, params=params)
    assert response.status_code == 200, response.text
    return response.json()["data"]


@pytest.fixture(scope="module")
async def catalogue(catalog_app, catalog_settings):
    """Five certified organisations sharing a made-up word, with different profiles."""
    word = ev.token()
    profiles = [
        ("Café Orgánico del Sur S.A.C.", ["café orgánico", word], "Cusco", "1079", "pequeña", True),
        ("CAFETALERA NORTEÑA S.A.", ["Café tostado", word], "Junín", "1079", "mediana", False),
        ("Ágata Textil E.I.R.L.", ["Chompas de alpaca", word], "Arequipa", "1430", "micro", True),
        ("Bambú y Diseño S.A.C.", ["muebles de bambú", word], "Lima", "3100", "pequeña", False),
        ("Zeta Envases S.A.", ["envases compostables", word], "La Libertad", "2220", "mediana", True),
    ]
    rucs = {}
    companies, certificates = [], []
    for name, products, region, ciiu, size, women in profiles:
        ruc = ev.new_ruc()
        rucs[name] = ruc
        companies.append(
            ev.registered(
                ruc, name, products=products, region=region, ciiu_code=ciiu, size_class=size, women_led=women
            )
        )
        certificates.append(ev.issued(ruc, name))
    await ev.publish(catalog_settings, *companies, *certificates)
    await eventually(
        lambda: _count(catalog_app.state.client, word, len(profiles)),
        message="all five listed with their profile",
    )
    return word, rucs


async def _count(client, word: str, expected: int) -> bool:
    rows = await search(client, q=word, limit=50)
    return len(rows) == expected and all(r["region"] for r in rows)


async def names(client, **params) -> list[str]:
    return [o["name"] for o in await search(client, **params)]


async def test_cafe_without_accent_finds_cafe_with_accent(client, catalogue):
    word, _ = catalogue
    assert await names(client, q=f"cafe {word}") == [
        "Café Orgánico del Sur S.A.C.",
        "CAFETALERA NORTEÑA S.A.",
    ]


async def test_upper_case_accented_query_finds_lower_case_products(client, catalogue):
    word, _ = catalogue
    assert await names(client, q=f"CAFÉ ORGÁNICO {word}") == ["Café Orgánico del Sur S.A.C."]


async def test_partial_words_match_as_prefixes(client, catalogue):
    word, _ = catalogue
    assert await names(client, q=f"compost {word}") == ["Zeta Envases S.A."]
    assert await names(client, q=f"alpac {word[:-2]}") == ["Ágata Textil E.I.R.L."]


async def test_a_typo_still_finds_by_word_similarity(client, catalogue):
    word, _ = catalogue
    misspelt = word[:-1] + ("x" if word[-1] != "x" else "y")
    assert len(await search(client, q=misspelt)) == 5


async def test_a_stop_word_in_the_query_binds_nothing(client, catalogue):
    word, _ = catalogue
    # "del" is a Spanish stop word: it must not require some word starting with "del".
    assert await names(client, q=f"café del sur {word}") == ["Café Orgánico del Sur S.A.C."]
    assert await names(client, q=f"de {word}") == await names(client, q=word)


async def test_a_typo_in_a_catalogue_word_finds_the_word(client, catalogue):
    word, _ = catalogue
    assert await names(client, q=f"{word} alpca") == ["Ágata Textil E.I.R.L."]
    assert await names(client, q=f"cafee {word}") == [
        "Café Orgánico del Sur S.A.C.",
        "CAFETALERA NORTEÑA S.A.",
    ]


async def test_a_typo_in_the_second_word_keeps_the_first_word_binding(client, catalogue):
    word, _ = catalogue
    misspelt = word[:-1] + ("x" if word[-1] != "x" else "y")
    assert await names(client, q=f"{word} compostbles") == ["Zeta Envases S.A."]
    assert await names(client, q=f"{misspelt} bambuu") == ["Bambú y Diseño S.A.C."]
    assert await names(client, q=f"{word} muebels orgnico") == []  # no organisation has both


async def test_a_typo_is_corrected_to_near_words_only(client, catalogue):
    word, _ = catalogue
    # "zz" + 10 letters shares no trigram with any catalogue word: no correction, no match.
    assert await search(client, q=f"{word} zzqqxxwwvvkk") == []


async def test_a_query_of_symbols_only_finds_nothing(client, catalogue):
    response = await client.get(ORGS, params={"q": "¡¿ -- !!"})
    assert response.status_code == 200 and response.json()["data"] == []


async def test_characters_that_fold_into_tsquery_syntax_are_plain_words(client, catalogue):
    """unaccent folds "⑴" into "(1)" and "⒜" into "(a)": spliced before ``:*`` that was a
    tsquery syntax error (a 500); quoted, they are the words 1 and a (a stop word)."""
    word, _ = catalogue
    for q in ("⑴", "⒜", f"⑴ {word}", f"café ⒜ {word}"):
        response = await client.get(ORGS, params={"q": q})
        assert response.status_code == 200, (q, response.text)
    assert await names(client, q=f"café ⒜ {word}") == await names(client, q=f"café {word}")


async def test_a_word_added_by_an_upsert_is_found_with_a_typo_at_once(client, catalog_settings):
    """The vocabulary grows in the upsert's own transaction: once the organisation is listed,
    a misspelling of its new word finds it, with no wait for any background refresh."""
    fresh = ev.token()
    ruc = ev.new_ruc()
    await ev.publish(
        catalog_settings,
        ev.registered(ruc, "Nueva Empresa S.A.C.", products=[f"{fresh} artesanal"]),
        ev.issued(ruc, "Nueva Empresa S.A.C."),
    )
    await eventually(
        lambda: _listed(client, fresh, ruc), message="the organisation is listed under its new word"
    )
    misspelt = fresh[:5] + fresh[6:]  # one letter dropped in the middle
    assert [o["ruc"] for o in await search(client, q=misspelt)] == [ruc]


async def test_a_prefix_finds_every_word_it_starts_however_many(client, catalog_settings):
    """A prefix starting a few words searches their exact lexemes, one starting many stays a
    prefix term (repositories/catalogue.py ``EXPAND``): both find every word they start."""
    stem = ev.token()
    many, few = ev.new_ruc(), ev.new_ruc()
    await ev.publish(
        catalog_settings,
        ev.registered(many, "Muchas Palabras S.A.C.", products=[f"{stem}a{i}" for i in range(12)]),
        ev.issued(many, "Muchas Palabras S.A.C."),
        ev.registered(few, "Pocas Palabras S.A.C.", products=[f"{stem}b1", f"{stem}b2"]),
        ev.issued(few, "Pocas Palabras S.A.C."),
    )
    await eventually(lambda: _count(client, stem, 2), message="both listed")
    assert sorted(o["ruc"] for o in await search(client, q=stem)) == sorted([many, few])
    assert [o["ruc"] for o in await search(client, q=f"{stem}a")] == [many]
    assert [o["ruc"] for o in await search(client, q=f"{stem}a1")] == [many]  # a1, a10, a11
    assert [o["ruc"] for o in await search(client, q=f"{stem}b")] == [few]


async def _listed(client, word: str, ruc: str) -> bool:
    return [o["ruc"] for o in await search(client, q=word)] == [ruc]


async def test_results_sort_by_name_with_accents_folded(client, catalogue):
    word, _ = catalogue
    assert await names(client, q=word) == [
        "Ágata Textil E.I.R.L.",
        "Bambú y Diseño S.A.C.",
        "Café Orgánico del Sur S.A.C.",
        "CAFETALERA NORTEÑA S.A.",
        "Zeta Envases S.A.",
    ]


async def test_filters_region_ciiu_size_and_women_led(client, catalogue):
    word, _ = catalogue
    assert await names(client, q=word, region="junin") == ["CAFETALERA NORTEÑA S.A."]
    assert await names(client, q=word, ciiu="10") == [
        "Café Orgánico del Sur S.A.C.",
        "CAFETALERA NORTEÑA S.A.",
    ]
    assert await names(client, q=word, size_class="Mediana") == [
        "CAFETALERA NORTEÑA S.A.",
        "Zeta Envases S.A.",
    ]
    assert await names(client, q=word, women_led="true", ciiu="1") == [
        "Ágata Textil E.I.R.L.",
        "Café Orgánico del Sur S.A.C.",
    ]


async def test_cursor_pages_cover_everything_once_in_order(client, catalogue):
    word, _ = catalogue
    seen, cursor = [], None
    for _ in range(5):
        params = {"q": word, "limit": 2} | ({"cursor": cursor} if cursor else {})
        body = (await client.get(ORGS, params=params)).json()
        seen += [o["name"] for o in body["data"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == await names(client, q=word)
    assert len(seen) == 5


async def test_every_step_of_the_search_gives_the_same_pages(client, catalog_settings, monkeypatch):
    """With the normal sizes the window answers; with tiny ones the long walk answers the first
    two pages and the index step the last (repositories/catalogue.py): the same pages."""
    region, word = ev.token(), ev.token()
    published = []
    for i in range(1, 9):  # 3 and 6 do not match
        ruc, name = ev.new_ruc(), f"Orden {i} S.A.C."
        products = ["otra cosa"] if i in (3, 6) else [word]
        published += [ev.registered(ruc, name, region=region, products=products), ev.issued(ruc, name)]
    await ev.publish(catalog_settings, *published)
    await eventually(
        lambda: _listed_in(client, region, 8), message="the eight organisations of the region listed"
    )

    async def pages() -> list[list[str]]:
        seen, cursor = [], None
        for _ in range(5):
            params = {"q": word, "region": region, "limit": 2} | ({"cursor": cursor} if cursor else {})
            body = (await client.get(ORGS, params=params)).json()
            seen.append([o["name"].split()[1] for o in body["data"]])
            cursor = body["next_cursor"]
            if cursor is None:
                break
        return seen

    expected = [["1", "2"], ["4", "5"], ["7", "8"]]
    assert await pages() == expected
    monkeypatch.setattr(repository, "WINDOW", 2)
    monkeypatch.setattr(repository, "LONG_WINDOW", 5)
    monkeypatch.setattr(repository, "DENSE", 1)
    assert await pages() == expected


async def test_an_organisation_named_or_renamed_earlier_in_name_order_is_found_first(
    client, catalog_settings
):
    """The walks start at the least name holding the query's lexemes (``search_lexemes``): an
    organisation added, or renamed, earlier in name order must lower it in the same upsert, or
    a walk starting too late answers the page (two matches after it, one a page) without it."""
    word = ev.token()
    first, second, later = ev.new_ruc(), ev.new_ruc(), ev.new_ruc()
    await ev.publish(
        catalog_settings,
        *(ev.registered(r, f"Zulú {n} {word} S.A.C.", products=[word]) for r, n in ((first, 1), (second, 2))),
        ev.issued(first, "Zulú 1"),
        ev.issued(second, "Zulú 2"),
    )
    await eventually(lambda: _count(client, word, 2), message="both listed")
    await ev.publish(
        catalog_settings,
        ev.registered(later, f"Mango {word} S.A.C.", products=[word]),
        ev.issued(later, "Mango"),
    )
    await eventually(lambda: _count(client, f"{word} mango", 1), message="the third listed")
    assert await names(client, q=word, limit=1) == [f"Mango {word} S.A.C."]

    await ev.publish(catalog_settings, ev.updated(second, f"Alfa {word} S.A.C.", products=[word]))
    await eventually(lambda: _count(client, f"{word} alfa", 1), message="the rename applied")
    assert await names(client, q=word, limit=1) == [f"Alfa {word} S.A.C."]
    assert await names(client, q=word) == [
        f"Alfa {word} S.A.C.",
        f"Mango {word} S.A.C.",
        f"Zulú 1 {word} S.A.C.",
    ]


async def _listed_in(client, region: str, expected: int) -> bool:
    return len(await search(client, region=region, limit=50)) == expected


async def test_organisation_page_by_ruc(client, catalogue):
    _, rucs = catalogue
    ruc = rucs["Bambú y Diseño S.A.C."]
    page = (await client.get(f"{ORGS}/{ruc}")).json()
    assert page["ruc"] == ruc and page["ciiu_code"] == "3100" and page["certificate"]["status"] == "valid"


async def test_bad_input_gets_precise_problems(client):
    bad_cursor = await client.get(ORGS, params={"cursor": "not-a-cursor"})
    assert bad_cursor.status_code == 400
    assert bad_cursor.headers["content-type"].startswith("application/problem+json")
    assert bad_cursor.json()["errors"][0]["field"] == "cursor"

    bad_status = await client.get(ORGS, params={"certificate_status": "unknown"})
    assert bad_status.status_code == 422
    assert bad_status.json()["errors"][0]["field"] == "certificate_status.0"

    bad_digit = await client.get(f"{ORGS}/20100070971")
    assert bad_digit.status_code == 422 and bad_digit.json()["rule"] == "ruc.check_digit"

    not_a_ruc = await client.get(f"{ORGS}/abc")
    assert not_a_ruc.status_code == 422 and not_a_ruc.json()["errors"][0]["field"] == "ruc"

    never_certified = await client.get(f"{ORGS}/{ev.new_ruc()}")
    assert never_certified.status_code == 404
    assert never_certified.json()["type"].endswith("/not-found")
