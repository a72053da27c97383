"""The micro-course provider's messages: signature, shape, and what each one means for a learner."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from itertools import permutations
from pathlib import Path

import pytest
from standardwebhooks.webhooks import Webhook

from services.circular.domain import microcourse, phones, provider_messages, signatures
from services.circular.domain.microcourse import CourseMessage, LearnerFacts, MessageType
from services.circular.domain.reference import Gender, Node
from shared.errors import RuleViolation

RECORDED = Path(__file__).resolve().parents[2] / "fixtures" / "microcourse"
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
KEY = b"k" * 32


def recorded(name: str) -> bytes:
    return (RECORDED / name).read_bytes()


def signed(body: bytes, *, msg_id: str = "msg_2Kx1", at: datetime | None = None) -> dict[str, str]:
    when = at or datetime.now(UTC)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": Webhook(SECRET).sign(msg_id, when, body.decode()),
    }


# --- signatures ---------------------------------------------------------------------------------


def test_a_message_signed_with_the_shared_secret_is_accepted_with_its_id():
    body = recorded("enrolment_created.json")
    assert signatures.verify(SECRET, body, signed(body, msg_id="msg_A")).message_id == "msg_A"


def test_headers_are_read_in_any_case():
    body = recorded("module_completed.json")
    headers = {k.upper(): v for k, v in signed(body).items()}
    assert signatures.verify(SECRET, body, headers).message_id == "msg_2Kx1"


def test_a_body_changed_after_signing_is_refused():
    body = recorded("enrolment_created.json")
    headers = signed(body)
    tampered = body.replace(b"Arequipa", b"Lima")
    with pytest.raises(signatures.SignatureRejected) as caught:
        signatures.verify(SECRET, tampered, headers)
    assert caught.value.reason == "signature" and caught.value.status == 401


def test_another_secret_is_refused():
    body = recorded("enrolment_created.json")
    other = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY"
    with pytest.raises(signatures.SignatureRejected) as caught:
        signatures.verify(other, body, signed(body))
    assert caught.value.reason == "signature"


def test_a_message_id_other_than_the_signed_one_is_refused():
    body = recorded("enrolment_created.json")
    headers = signed(body, msg_id="msg_1") | {"webhook-id": "msg_2"}
    with pytest.raises(signatures.SignatureRejected):
        signatures.verify(SECRET, body, headers)


def test_a_stale_or_future_timestamp_is_refused_even_correctly_signed():
    body = recorded("module_completed.json")
    now = datetime.now(UTC)
    for at in (now - timedelta(minutes=6), now + timedelta(minutes=6)):
        with pytest.raises(signatures.SignatureRejected) as caught:
            signatures.verify(SECRET, body, signed(body, at=at))
        assert caught.value.reason == "timestamp"
    # within the tolerance: a provider's clock a little off is fine
    assert signatures.verify(SECRET, body, signed(body, at=now - timedelta(minutes=4)))


@pytest.mark.parametrize(
    "change",
    [
        {"webhook-signature": ""},
        {"webhook-timestamp": "yesterday"},
        {"webhook-id": ""},
        {"webhook-id": "x" * 201},
    ],
)
def test_without_the_signature_headers_it_is_no_signed_message_400(change):
    body = recorded("enrolment_created.json")
    with pytest.raises(signatures.NotSigned) as caught:
        signatures.verify(SECRET, body, signed(body) | change)
    assert caught.value.status == 400


@pytest.mark.parametrize(
    "signature", ["v1", "v1,not-base64!", "v2,AAAA", "v1,AAAA,BBBB", "garbage without comma"]
)
def test_a_malformed_signature_is_a_401_not_a_crash(signature):
    body = recorded("enrolment_created.json")
    with pytest.raises(signatures.SignatureRejected) as caught:
        signatures.verify(SECRET, body, signed(body) | {"webhook-signature": signature})
    assert caught.value.status == 401 and caught.value.reason == "signature"


def test_a_rotating_provider_may_send_several_signatures():
    body = recorded("enrolment_created.json")
    headers = signed(body)
    headers["webhook-signature"] = (
        "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= " + headers["webhook-signature"]
    )
    assert signatures.verify(SECRET, body, headers).message_id == "msg_2Kx1"


# --- shapes -------------------------------------------------------------------------------------


def test_an_enrolment_gives_the_learners_node_gender_and_company():
    message = provider_messages.parse(recorded("enrolment_created.json"))
    fact = provider_messages.course_message(message)
    assert fact == CourseMessage(
        type=MessageType.enrolled,
        occurred_at=datetime(2026, 3, 2, 14, 5, 11, 482000, tzinfo=UTC),
        node=Node.arequipa,
        gender=Gender.female,
        company_ruc="20100070970",
    )


def test_a_learner_from_another_region_reaches_no_node_and_an_unstated_gender_stays_unstated():
    fact = provider_messages.course_message(provider_messages.parse(recorded("enrolment_other_region.json")))
    assert fact is not None
    assert (fact.node, fact.gender, fact.company_ruc) == (None, Gender.not_stated, None)


def test_module_and_course_completion_are_read():
    module = provider_messages.course_message(provider_messages.parse(recorded("module_completed.json")))
    assert module is not None and (module.type, module.module) == (MessageType.module_completed, 2)
    done = provider_messages.course_message(provider_messages.parse(recorded("course_completed.json")))
    assert done is not None and done.type is MessageType.course_completed


def test_a_type_this_service_does_not_read_is_no_fact():
    message = provider_messages.parse(recorded("unknown_type.json"))
    assert provider_messages.course_message(message) is None


def test_a_module_message_without_its_module_is_unreadable():
    message = provider_messages.parse(recorded("module_without_module.json"))
    with pytest.raises(provider_messages.MessageUnreadable):
        provider_messages.course_message(message)


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"{}",
        json.dumps({"type": "enrolment.created", "timestamp": "2026-03-02T14:05:11", "data": {}}).encode(),
        json.dumps({"type": "x", "timestamp": "2026-03-02T14:05:11Z", "data": {"learner": {}}}).encode(),
    ],
)
def test_bodies_that_are_not_messages_are_a_400_naming_the_field(body):
    with pytest.raises(provider_messages.MessageUnreadable) as caught:
        provider_messages.parse(body)
    assert caught.value.status == 400 and caught.value.extra["errors"]


# --- a learner's facts --------------------------------------------------------------------------

T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
ENROL = CourseMessage(MessageType.enrolled, T0, node=Node.lima, gender=Gender.male, company_ruc="20100070970")
MODULE_1 = CourseMessage(MessageType.module_completed, T0 + timedelta(days=1), module=1)
MODULE_2 = CourseMessage(MessageType.module_completed, T0 + timedelta(days=2), module=2)
DONE = CourseMessage(MessageType.course_completed, T0 + timedelta(days=5))


def replay(messages) -> LearnerFacts:
    facts = None
    for message in messages:
        facts = microcourse.fold(facts, message)
    assert facts is not None
    return facts


def test_a_learner_who_enrols_finishes_modules_and_completes():
    facts = replay([ENROL, MODULE_1, MODULE_2, DONE])
    assert facts.enrolled_at == T0 and facts.node is Node.lima and facts.gender is Gender.male
    assert facts.modules == {1, 2} and facts.completed_at == T0 + timedelta(days=5)


def test_any_arrival_order_ends_in_the_same_learner():
    expected = replay([ENROL, MODULE_1, MODULE_2, DONE])
    for order in permutations([ENROL, MODULE_1, MODULE_2, DONE]):
        assert replay(order) == expected


def test_a_message_received_twice_changes_nothing():
    once = replay([ENROL, MODULE_1, DONE])
    assert replay([ENROL, MODULE_1, MODULE_1, DONE, DONE, ENROL]) == once


def test_a_finished_module_proves_enrolment_before_the_enrolment_message_arrives():
    facts = replay([MODULE_1])
    assert facts.enrolled_at == MODULE_1.occurred_at and facts.node is None
    assert replay([MODULE_1, ENROL]).enrolled_at == T0


def test_a_later_blank_answer_never_erases_a_stated_one():
    blank = CourseMessage(MessageType.enrolled, T0 + timedelta(days=3))
    facts = replay([ENROL, blank])
    assert (facts.node, facts.gender, facts.company_ruc) == (Node.lima, Gender.male, "20100070970")


# --- phone numbers ------------------------------------------------------------------------------


def test_one_number_written_three_ways_is_one_learner_and_is_not_kept():
    refs = {phones.protect(raw, key=KEY) for raw in ("987 654 321", "+51 987-654-321", "51987654321")}
    assert len(refs) == 1
    (ref,) = refs
    assert ref.last_digits == "4321" and "987654321" not in ref.phone_hash
    assert phones.masked(ref.last_digits) == "•••• 4321"


def test_the_hash_depends_on_the_key():
    assert phones.protect("51987654321", key=KEY) != phones.protect("51987654321", key=b"z" * 32)


@pytest.mark.parametrize("raw", ["", "12345", "abc", "1" * 16])
def test_what_is_not_a_number_is_refused(raw):
    with pytest.raises(RuleViolation):
        phones.protect(raw, key=KEY)
