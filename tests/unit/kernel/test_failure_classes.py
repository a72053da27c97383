"""One classifier says which failures are transient (retry, 503) and which are permanent (DLQ)."""

from __future__ import annotations

import asyncio
import errno

import asyncpg
import pytest
import sqlalchemy.exc
from kafka.errors import KafkaTimeoutError, MessageSizeTooLargeError, NoBrokersAvailable
from pydantic import BaseModel, ValidationError

from shared.app import TaskHealth, supervise
from shared.errors import PermanentError, classify_failure, is_transient
from shared.events.consumer import PoisonMessage
from tests.support.testing import eventually


def _wrapped(orig: BaseException) -> sqlalchemy.exc.DBAPIError:
    return sqlalchemy.exc.OperationalError("SELECT 1", {}, orig)


def _validation_error() -> ValidationError:
    class Payload(BaseModel):
        ruc: str

    try:
        Payload.model_validate({})
    except ValidationError as exc:
        return exc
    raise AssertionError("expected a ValidationError")


@pytest.mark.parametrize(
    "exc",
    [
        ConnectionRefusedError(errno.ECONNREFUSED, "Connect call failed ('127.0.0.1', 55432)"),
        ConnectionResetError(errno.ECONNRESET, "Connection reset by peer"),
        OSError("Multiple exceptions: [Errno 111] Connect call failed, [Errno 99] ..."),
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
        asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already"),
        asyncpg.exceptions.SerializationError("could not serialize access"),
        asyncpg.exceptions.DeadlockDetectedError("deadlock detected"),
        asyncpg.exceptions.InterfaceError("connection is closed"),
        sqlalchemy.exc.InterfaceError("SELECT 1", {}, Exception("connection is closed")),
        _wrapped(ConnectionRefusedError(errno.ECONNREFUSED, "refused")),
        _wrapped(asyncpg.exceptions.CannotConnectNowError("starting up")),
        sqlalchemy.exc.TimeoutError("QueuePool limit of size 10 overflow 10 reached"),
        KafkaTimeoutError("Failed to update metadata after 3.0 secs."),
        NoBrokersAvailable(),
    ],
    ids=lambda exc: type(exc).__name__,
)
def test_dependency_outages_are_transient(exc):
    assert classify_failure(exc) == "transient"


def test_a_connection_error_wrapped_by_other_code_is_still_transient():
    try:
        try:
            raise ConnectionRefusedError(errno.ECONNREFUSED, "refused")
        except OSError as inner:
            raise RuntimeError("could not load the company") from inner
    except RuntimeError as outer:
        assert is_transient(outer)


@pytest.mark.parametrize(
    "exc,kind",
    [
        (PoisonMessage("not an event envelope"), "permanent"),
        (PermanentError("schema_version 99 is newer than this consumer understands"), "permanent"),
        (RuntimeError("cannot handle it"), "unknown"),
        (KeyError("ruc"), "unknown"),
        (_validation_error(), "unknown"),
        (FileNotFoundError(errno.ENOENT, "no such file"), "unknown"),
        (asyncpg.exceptions.UniqueViolationError("duplicate key"), "unknown"),
        (asyncpg.exceptions.InterfaceError("another operation is in progress"), "unknown"),
        (_wrapped(asyncpg.exceptions.DataError("invalid input")), "unknown"),
        (MessageSizeTooLargeError(), "unknown"),
    ],
    ids=lambda value: value if isinstance(value, str) else type(value).__name__,
)
def test_bugs_and_bad_input_are_not_transient(exc, kind):
    assert classify_failure(exc) == kind


async def test_supervisor_restarts_a_task_that_raises_or_ends_and_reports_it():
    stop = asyncio.Event()
    health = TaskHealth("job")
    calls = 0

    async def job() -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("boom on first run")
        if calls == 2:
            return  # ended on its own: also restarted
        await stop.wait()

    task = asyncio.create_task(supervise(health, job, stop, backoff=0.01))
    await eventually(lambda: calls >= 3, timeout=5, interval=0.01, message="two restarts")
    assert calls == 3 and health.running
    assert health.restarts == 2
    assert health.last_error == "ended while the service was running"
    stop.set()
    await asyncio.wait_for(task, timeout=5)
    assert not health.running
