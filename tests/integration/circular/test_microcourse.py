"""The micro-course through the provider's signed messages (recorded payloads) and enrolment lists."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from services.circular.db.tables import MESSAGING, microcourse_learners, microcourse_messages
from services.circular.domain import phones
from tests.integration.circular.conftest import API
from tests.support.microcourse import as_learner, deliver, new_number, recorded, signed_headers

WEBHOOK = f"{API}/microcourse/webhooks"


def secret_of(settings) -> str:
    return settings.circular_microcourse_webhook_secret


async def learner_row(app, number: str, enrolled_on: date | None = None):
    """The learner of ``number``, found as the service finds it: by the keyed hash."""
    key = app.state.settings.circular_phone_hash_key.encode()
    async with app.state.engine.connect() as conn:
        stmt = sa.select(microcourse_learners).where(
            microcourse_learners.c.phone_hash == phones.protect(number, key=key).phone_hash
        )
        if enrolled_on:
            stmt = stmt.where(microcourse_learners.c.enrolled_on == enrolled_on)
        return (await conn.execute(stmt)).all()


async def test_a_recorded_enrolment_signed_by_the_provider_is_recorded(
    client, circular_app, circular_settings, officer
):
    number = new_number()
    payload = as_learner(recorded("enrolment_created.json"), number)
    response = await deliver(client, secret_of(circular_settings), payload, message_id="msg_" + number)
    assert response.status_code == 200, response.text
    assert response.json() == {"message_id": "msg_" + number, "outcome": "applied"}

    (row,) = await learner_row(circular_app, number)
    params = {"node": "arequipa", "limit": 200}
    mine = []
    for _ in range(100):  # staff find the learner by paging (the number is not searchable: it is not kept)
        page = (await client.get(f"{API}/microcourse/learners", params=params, headers=officer)).json()
        mine = [item for item in page["data"] if item["id"] == str(row.id)]
        if mine or not page["next_cursor"]:
            break
        params["cursor"] = page["next_cursor"]
    assert mine and mine[0]["phone"] == "•••• " + number[-4:]
    assert mine[0]["gender"] == "female" and mine[0]["company_ruc"] == "20100070970"
    assert mine[0]["enrolled_on"] == "2026-03-02" and mine[0]["completed_on"] is None


async def test_a_replayed_message_changes_nothing_and_answers_200(client, circular_app, circular_settings):
    number = new_number()
    secret = secret_of(circular_settings)
    enrol = as_learner(recorded("enrolment_created.json"), number)
    await deliver(client, secret, enrol)
    module = as_learner(recorded("module_completed.json"), number)
    first = await deliver(client, secret, module, message_id=f"mod-{number}")
    (before,) = await learner_row(circular_app, number, date(2026, 3, 2))
    # The provider retries the same message id (even re-signed later, even with another body).
    again = await deliver(client, secret, module, message_id=f"mod-{number}")
    other_body = as_learner(recorded("module_completed.json"), number, module=4)
    third = await deliver(client, secret, other_body, message_id=f"mod-{number}")
    assert first.json()["outcome"] == "applied"
    assert again.status_code == third.status_code == 200
    assert again.json()["outcome"] == third.json()["outcome"] == "duplicate"
    (after,) = await learner_row(circular_app, number, date(2026, 3, 2))
    assert after == before and after.modules == [2]


async def test_messages_in_any_order_end_in_the_same_learner(client, circular_app, circular_settings):
    number = new_number()
    secret = secret_of(circular_settings)
    for name in ("course_completed.json", "module_completed.json", "enrolment_created.json"):
        response = await deliver(client, secret, as_learner(recorded(name), number))
        assert response.json()["outcome"] == "applied"
    (row,) = await learner_row(circular_app, number, date(2026, 3, 2))
    assert (row.node, row.gender, row.modules) == ("arequipa", "female", [2])
    assert row.enrolled_on == date(2026, 3, 2) and row.completed_on == date(2026, 3, 9)


async def test_unknown_fields_and_unknown_types_are_tolerated(client, circular_settings):
    number = new_number()
    other = as_learner(recorded("enrolment_other_region.json"), number)
    other["data"]["learner"]["new_provider_field"] = {"nested": [1, 2]}
    response = await deliver(client, secret_of(circular_settings), other)
    assert response.status_code == 200 and response.json()["outcome"] == "applied"
    ignored = await deliver(
        client, secret_of(circular_settings), as_learner(recorded("unknown_type.json"), number)
    )
    assert ignored.status_code == 200 and ignored.json()["outcome"] == "ignored"


async def test_a_bad_signature_is_a_401_problem_an_unsigned_post_a_400_and_neither_records_anything(
    client, circular_app, circular_settings
):
    number = new_number()
    body = json.dumps(as_learner(recorded("enrolment_created.json"), number)).encode()
    headers = signed_headers(secret_of(circular_settings), body)
    tampered = body.replace(b"Arequipa", b"Lima")
    response = await client.post(WEBHOOK, content=tampered, headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["reason"] == "signature"
    unsigned = await client.post(WEBHOOK, content=body, headers={"content-type": "application/json"})
    assert unsigned.status_code == 400 and unsigned.json()["reason"] == "headers"
    assert await learner_row(circular_app, number) == []
    async with circular_app.state.engine.connect() as conn:
        seen = await conn.scalar(
            sa.select(sa.func.count()).where(microcourse_messages.c.message_id == headers["webhook-id"])
        )
    assert seen == 0


async def test_a_stale_timestamp_is_refused(client, circular_settings):
    body = json.dumps(as_learner(recorded("module_completed.json"), new_number())).encode()
    stale = signed_headers(secret_of(circular_settings), body, at=datetime.now(UTC) - timedelta(minutes=10))
    response = await client.post(WEBHOOK, content=body, headers=stale)
    assert response.status_code == 401 and response.json()["reason"] == "timestamp"


async def test_a_signed_body_that_is_not_a_message_is_a_400_naming_the_field(client, circular_settings):
    response = await deliver(client, secret_of(circular_settings), recorded("module_without_module.json"))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "data.module"


async def test_no_phone_number_leaves_the_service(client, circular_app, circular_settings, officer, caplog):
    number = new_number()
    secret = secret_of(circular_settings)
    caplog.set_level(logging.DEBUG)
    answers = []
    for name in ("enrolment_created.json", "module_completed.json", "course_completed.json"):
        answers.append(await deliver(client, secret, as_learner(recorded(name), number)))
    csv = f"telefono,nodo,fecha de inscripcion\n{number},Lima,2026-03-01\n".encode()
    answers.append(
        await client.post(
            f"{API}/microcourse/imports", content=csv, headers=officer | {"content-type": "text/csv"}
        )
    )
    answers.append(await client.get(f"{API}/microcourse/learners", params={"limit": 200}, headers=officer))
    answers.append(await client.get(f"{API}/microcourse/reach", headers=officer))
    national = number[2:]  # 9xxxxxxxx: the number as Peruvians write it
    for answer in answers:
        assert answer.status_code == 200, answer.text
        assert national not in answer.text
    assert not [r for r in caplog.records if national in r.getMessage()]
    async with circular_app.state.engine.connect() as conn:
        outbox = MESSAGING.outbox
        payloads = (await conn.execute(sa.select(sa.cast(outbox.c.envelope, sa.Text)))).scalars().all()
        stored = (
            (await conn.execute(sa.text("SELECT row_to_json(l)::text FROM circular.microcourse_learners l")))
            .scalars()
            .all()
        )
        seen = (
            (await conn.execute(sa.text("SELECT row_to_json(m)::text FROM circular.microcourse_messages m")))
            .scalars()
            .all()
        )
    assert not [p for p in payloads if national in p]
    assert stored and not [row for row in stored + seen if national in row]


async def test_an_enrolment_list_reports_bad_rows_by_line_and_merges_known_learners(
    client, circular_app, officer
):
    known, fresh = new_number(), new_number()
    csv = (
        "Teléfono;Nodo;Género;RUC;Fecha de inscripción;Módulos completados;Fecha de finalización\r\n"
        f"{known};La Libertad;Hombre;;2026-02-01;5;2026-02-20\r\n"
        f"{fresh};Lima;Mujer;20100070970;03/02/2026;2;\r\n"
        f"{known};La Libertad;Hombre;;2026-02-10;;\r\n"
        "12;Lima;F;;2026-02-05;;\r\n"
        f"{new_number()};Lima;?;123;2026-02-30;;\r\n"
    ).encode()
    response = await client.post(
        f"{API}/microcourse/imports", content=csv, headers=officer | {"content-type": "text/csv"}
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["rows"] == 5 and report["new_learners"] == 2 and report["updated_learners"] == 1
    assert [r["line"] for r in report["rejected"]] == [5, 6]
    assert {e["field"] for e in report["rejected"][1]["errors"]} == {"genero", "ruc", "fecha de inscripcion"}
    (row,) = await learner_row(circular_app, known, date(2026, 2, 1))
    assert row.modules == [1, 2, 3, 4, 5] and row.completed_on == date(2026, 2, 20)


async def test_the_import_and_the_learners_are_for_staff(client, as_role):
    from shared.auth import Role

    company = as_role(Role.company, ruc="20100070970")
    assert (await client.get(f"{API}/microcourse/learners", headers=company)).status_code == 403
    assert (await client.post(f"{API}/microcourse/imports", content=b"x", headers=company)).status_code == 403
    assert (await client.get(f"{API}/microcourse/reach")).status_code == 401


async def test_an_xlsx_enrolment_list_is_imported_like_its_csv(client, circular_app, officer):
    import io

    from openpyxl import Workbook

    number = new_number()
    book = Workbook()
    sheet = book.active
    sheet.append(["Teléfono", "Nodo", "Sexo", "Fecha de inscripción", "Módulos completados"])
    sheet.append([int(number), "La Libertad", "F", datetime(2026, 1, 20), 2])
    sheet.append(["abc", "Lima", "F", datetime(2026, 1, 20), None])
    buffer = io.BytesIO()
    book.save(buffer)
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = await client.post(
        f"{API}/microcourse/imports", content=buffer.getvalue(), headers=officer | {"content-type": media}
    )
    assert response.status_code == 200, response.text
    assert response.json()["new_learners"] == 1 and [r["line"] for r in response.json()["rejected"]] == [3]
    (row,) = await learner_row(circular_app, number, date(2026, 1, 20))
    assert (row.node, row.gender, row.modules) == ("la_libertad", "female", [1, 2])
