"""Contract versions and upcasting, personal data in contracts, and what a DLQ header may say."""

from __future__ import annotations

import re
import uuid

import asyncpg
import pytest
import sqlalchemy.exc
from pydantic import BaseModel

from shared.events.contracts import CONTRACTS
from shared.events.contracts.enrollment import CommitmentSigned
from shared.events.dlq import MAX_ERROR_CHARS, describe_error
from shared.events.errors import PermanentError, UnknownSchemaVersion
from shared.events.versions import upcast

V1_COMMITMENT = {
    "participant_id": str(uuid.uuid4()),
    "company_id": str(uuid.uuid4()),
    "ruc": "20100070970",
    "cohort_id": str(uuid.uuid4()),
    "signed_by_name": "Rosa Mamani Flores",
    "signed_by_dni": "41234567",
    "signed_at": "2025-03-01T15:00:00+00:00",
}


def test_a_v1_commitment_is_upcast_to_v2_without_the_signers_personal_data():
    payload = upcast(CommitmentSigned, 1, dict(V1_COMMITMENT))
    assert "signed_by_name" not in payload and "signed_by_dni" not in payload
    event = CommitmentSigned.model_validate(payload)
    assert event.ruc == "20100070970"
    assert "signed_by_dni" not in CommitmentSigned.model_fields


def test_the_current_version_passes_through_unchanged():
    v2 = {k: v for k, v in V1_COMMITMENT.items() if not k.startswith("signed_by")}
    assert upcast(CommitmentSigned, 2, dict(v2)) == v2


@pytest.mark.parametrize("version", [99, 3, 0, -1])
def test_a_version_the_contract_does_not_declare_is_a_permanent_error_naming_it(version):
    with pytest.raises(UnknownSchemaVersion) as err:
        upcast(CommitmentSigned, version, dict(V1_COMMITMENT))
    assert isinstance(err.value, PermanentError)
    assert f"schema_version {version}" in str(err.value) and "(1, 2)" in str(err.value)


# A field whose name says it holds a person's data must be declared (with the consumer that
# needs it) in the contract's PERSONAL_DATA, or not be in the contract at all (Ley 29733).
PERSONAL = re.compile(r"(^|_)(dni|email|e_mail|phone|telefono|mobile|address|birth)($|_)|^name$|_name$")
ORGANISATION_NAMES = {"legal_name", "trade_name", "holder_name", "body_name", "cohort_name"}


def _personal_fields(model: type[BaseModel], prefix: str = "") -> list[str]:
    found = []
    for name, info in model.model_fields.items():
        path = prefix + name
        annotation = info.annotation
        nested = [a for a in getattr(annotation, "__args__", (annotation,)) if isinstance(a, type)]
        for candidate in nested:
            if issubclass(candidate, BaseModel):
                found += _personal_fields(candidate, path + ".")
        if PERSONAL.search(name) and name not in ORGANISATION_NAMES:
            found.append(path)
    return found


@pytest.mark.parametrize("topic", sorted(CONTRACTS))
def test_personal_data_in_a_contract_is_declared_with_the_consumer_that_needs_it(topic):
    contract = CONTRACTS[topic]
    assert sorted(_personal_fields(contract)) == sorted(contract.PERSONAL_DATA)


def test_the_personal_data_check_sees_what_it_must():
    assert _personal_fields(CONTRACTS["enrollment.participant.admitted"]) == ["monitor.name", "monitor.email"]


def test_a_database_error_in_a_dlq_header_is_its_class_and_sqlstate_only():
    orig = asyncpg.UniqueViolationError("duplicate key value violates unique constraint")
    orig.sqlstate = "23505"
    exc = sqlalchemy.exc.IntegrityError(
        "INSERT INTO training.people (email) VALUES ($1)", ("monitora@example.pe",), orig
    )
    text = describe_error(exc)
    assert text == "IntegrityError (SQLSTATE 23505)"
    wrapped = RuntimeError("handler failed")
    wrapped.__cause__ = exc
    assert describe_error(wrapped) == "RuntimeError caused by IntegrityError (SQLSTATE 23505)"


def test_any_other_error_is_its_class_and_a_bounded_message():
    text = describe_error(ValueError("x" * 5000))
    assert text.startswith("ValueError: xxx") and len(text) <= MAX_ERROR_CHARS


def test_an_error_that_quotes_sql_loses_the_statement():
    text = describe_error(RuntimeError("boom [SQL: SELECT * FROM x WHERE email = 'a@b.pe']"))
    assert text == "RuntimeError: boom" and "a@b.pe" not in text
