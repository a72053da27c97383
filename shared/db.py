"""Database plumbing: one async engine per service, bound to that service's role.

Every table names its schema explicitly (SQLModel keeps one global metadata), and the
engine's role can only reach its own schema, so a query that strays fails loudly.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import weakref
from collections import OrderedDict
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import asyncpg
import orjson
import sqlalchemy as sa
import sqlalchemy.ext.asyncio
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection
from sqlalchemy.engine.result import IteratorResult, SimpleResultMetaData
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker
from sqlalchemy.pool.base import _AdhocProxiedConnection
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.util.concurrency import greenlet_spawn
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.settings import Settings

log = logging.getLogger("eco.db")


def create_engine(settings: Settings, *, url: str | None = None) -> AsyncEngine:
    # Looked up at call time so telemetry's wrapper (installed at start-up) applies.
    server_settings = {"application_name": f"eco-{settings.service}"}
    engine = sqlalchemy.ext.asyncio.create_async_engine(
        url or settings.database_url,
        # JSONB in and out with orjson (every outbox envelope is written and read back as JSON:
        # the standard library's json took ~15 µs each way for one, orjson ~2).
        json_serializer=_json_text,
        json_deserializer=orjson.loads,
        pool_size=settings.pg_pool_size,
        max_overflow=settings.pg_max_overflow,
        pool_pre_ping=False,
        connect_args={
            "server_settings": server_settings,
            # Prepared statements per connection: the hot reads reuse them.
            "statement_cache_size": 256,
        },
    )
    _READ_POOLS[engine.pool] = _ReadPool(
        engine.url.set(drivername="postgresql").render_as_string(hide_password=False),
        server_settings=server_settings,
        max_size=settings.pg_pool_size + settings.pg_max_overflow,
        dialect=engine.dialect,
    )
    return engine


def _json_text(value: Any) -> str:
    """JSON for a JSONB parameter: orjson's, keys that are not strings written as strings (as the
    standard library's ``json.dumps`` does)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def create_sessionmaker(engine: AsyncEngine, *, fast: bool = True) -> Callable[[], Any]:
    """What the unit of work opens its transactions with: a ``KernelTransaction`` on the
    engine's driver pool, or with ``fast=False`` (spans recorded) a SQLAlchemy session, whose
    statements SQLAlchemy's instrumentation sees."""
    if fast and engine.pool in _READ_POOLS:
        return functools.partial(KernelTransaction, engine)
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False, autoflush=False)


# --- the read path's connection (issue 15) ---------------------------------------------------

_ENTRY_CACHE_SIZE = 512


@dataclass
class _Compiled:
    """A SELECT compiled once for the engine's dialect, with what its rows need."""

    compiled: SQLCompiler
    sql: str
    returns_rows: bool = True
    metadata: SimpleResultMetaData | None = None  # known after the first execution
    processors: list[Callable[[Any], Any] | None] | None = None
    processed: list[tuple[int, Callable[[Any], Any]]] | None = None  # the processors that are not None
    textual: bool = False  # text(): rows as the server names their columns, nothing processed
    expands: bool = False  # IN lists expanded per call: the SQL depends on the parameters


class _ReadPool:
    """An asyncpg pool beside the engine's: the read path's autocommit SELECTs and the unit of
    work's transactions (``KernelTransaction``).

    A connection goes back with no session state: reads are autocommit, a transaction has
    committed or rolled back (a connection still in one is closed, not returned), and nothing
    here LISTENs or SETs. So the reset query asyncpg sends by default (one more round trip per
    request) is skipped. JSON decoding is the engine's (the dialect's own codecs).
    """

    def __init__(self, dsn: str, *, server_settings: dict[str, str], max_size: int, dialect: Any) -> None:
        self.dsn = dsn
        self.server_settings = server_settings
        self.max_size = max_size
        self.dialect = dialect
        self.pool: asyncpg.Pool | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> asyncpg.Pool:
        if self.pool is None:
            async with self._lock:
                if self.pool is None:
                    self.pool = await asyncpg.create_pool(
                        self.dsn,
                        min_size=0,
                        max_size=self.max_size,
                        statement_cache_size=256,
                        server_settings=self.server_settings,
                        init=self._codecs,
                        reset=_no_reset,
                    )
        return self.pool

    async def _codecs(self, raw: asyncpg.Connection) -> None:
        adapted = SimpleNamespace(_connection=raw)
        await self.dialect.setup_asyncpg_json_codec(adapted)
        await self.dialect.setup_asyncpg_jsonb_codec(adapted)

    async def close(self) -> None:
        pool, self.pool = self.pool, None
        if pool is not None:
            await pool.close()


async def _no_reset(raw: asyncpg.Connection) -> None:
    """The pool's connections keep no session state (no transaction, LISTEN, SET): nothing to reset."""


_READ_POOLS: weakref.WeakKeyDictionary[Any, _ReadPool] = weakref.WeakKeyDictionary()


async def dispose_engine(engine: AsyncEngine) -> None:
    """Close ``engine``'s connections: its driver pool's (reads, units of work) and its own."""
    pool = _READ_POOLS.get(engine.pool)
    if pool is not None:
        await pool.close()
    await engine.dispose()


class ReadConnection(AsyncConnection):
    """The read path's connection (``shared.deps.ReadDbDep``): an ``AsyncConnection`` whose
    statements each run on their own pooled connection in autocommit, plain SELECTs skipping
    SQLAlchemy's execution machinery.

    Measured on this machine (enrollment's company by RUC, CPU per request in-process, before):
    the read dependency's checkout and release of a SQLAlchemy connection (an async generator
    dependency, a greenlet hop each way, BEGIN and ROLLBACK round trips) cost ~300 µs and
    ``AsyncConnection.execute`` ~300 µs (execution context, cursor adaptation, result
    metadata per call) where asyncpg's own ``fetch`` takes ~50 µs. Here:

    - a SELECT is compiled once per statement shape (SQLAlchemy's cache key and parameter
      extraction, as its own compiled cache does), bound and its rows processed by
      SQLAlchemy's own type processors, and run on a connection of an asyncpg pool beside the
      engine's (``_ReadPool``); what comes back is a SQLAlchemy ``Result`` of ``Row`` objects,
      as from ``execute``;
    - anything else (writes, ``text()``, IN lists expanded at execution, execution options, an
      engine without a read pool, recorded spans: ``fast=False``, so the SQLAlchemy
      instrumentation sees every statement) runs on a connection of the engine's autocommit
      twin, checked out for that statement, its result buffered; so does a SELECT that failed
      here, and SQLAlchemy then raises its own exceptions (the kernel's error handlers map
      those). Reads are idempotent: a retry costs nothing but time on an error path.

    Autocommit, statement by statement, is what a read saw inside a READ COMMITTED transaction
    too (each statement takes its own snapshot). Holding no connection between statements, the
    object keeps no state: one serves every request of an app. It is never started: only
    ``execute``/``scalar``/``scalars`` are for reads.
    """

    __slots__ = ("_fast", "_read_pool")

    def __init__(self, async_engine: AsyncEngine, *, fast: bool = True) -> None:
        super().__init__(async_engine)
        self._read_pool = _READ_POOLS.get(async_engine.pool) if fast else None
        self._fast = self._read_pool is not None

    async def __aenter__(self) -> ReadConnection:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def close(self) -> None:
        return None

    async def execute(  # returns a Result of Rows (a CursorResult only from SQLAlchemy)
        self,
        statement: Executable,
        parameters: Any = None,
        *,
        execution_options: Any = None,
    ) -> Any:
        if (
            self._fast
            and execution_options is None
            and (parameters is None or isinstance(parameters, dict))
            and isinstance(statement, (sa.Select, sa.CompoundSelect))
        ):
            try:
                result = await self._fast_select(statement, parameters)
            except Exception:
                log.debug("fast read path failed; SQLAlchemy runs the statement", exc_info=True)
                result = None
            if result is not None:
                return result
        async with self.engine.connect() as conn:
            found = await conn.execute(statement, parameters, execution_options=execution_options)
            return found.freeze()() if found.returns_rows else found

    async def _fast_select(self, statement: sa.Select[Any] | sa.CompoundSelect[Any], params: Any) -> Any:
        if self._read_pool is None:
            return None
        bound = bind_compiled(self.sync_engine.dialect, statement, params)
        if bound is None:
            return None
        pool = await self._read_pool.get()
        async with pool.acquire() as raw:
            return await run_bound(raw, self.sync_engine.dialect, *bound)


# --- statements compiled once, run on asyncpg (the read path and the unit of work) -----------

_COMPILED: OrderedDict[Any, _Compiled] = OrderedDict()
_DML = (sa.Insert, sa.Update, sa.Delete)


class _Unsupported(Exception):
    """The statement needs SQLAlchemy's execution machinery (checked before anything ran)."""


def _prefetched(compiled: SQLCompiler, values: MutableMapping[str, Any]) -> None:
    """Python-side column defaults (``default=``/``onupdate=`` scalars or plain callables), as
    SQLAlchemy's execution context computes them; anything else is left to SQLAlchemy."""
    for column, onupdate in [(c, False) for c in compiled.insert_prefetch] + [
        (c, True) for c in compiled.update_prefetch
    ]:
        default: Any = column.onupdate if onupdate else column.default
        key = compiled._within_exec_param_key_getter(column)
        if default is None or default.is_sequence or default.is_clause_element:
            raise _Unsupported(column)
        if default.is_scalar:
            values[key] = default.arg
        elif default.is_callable:
            values[key] = default.arg(None)  # plain callables are wrapped to take a context
        else:
            raise _Unsupported(column)


Bound = tuple[_Compiled, str, list[Any], bool]


def bind_compiled(
    dialect: Any, statement: Any, params: Any, *, every: bool = False, many: bool = False
) -> Bound | None:
    """``statement`` compiled once per shape for ``dialect`` (SQLAlchemy's own cache key and
    parameter extraction), with its positional arguments bound by SQLAlchemy's type processors;
    ``(entry, sql, args, returns_rows)``, or None when the statement needs SQLAlchemy to run it.

    Without ``every`` (the read path, which has SQLAlchemy to fall back on) only statements whose
    SQL is fixed and whose rows SQLAlchemy describes; with it (the unit of work) also ``text()``
    (rows as the server names their columns) and IN lists expanded per call, as SQLAlchemy's
    execution context expands them. Never: schema translation, defaults computed by SQL.
    ``many``: compiled for one of several parameter sets (no implicit RETURNING of the key)."""
    if params is not None and not isinstance(params, dict):
        return None
    key = statement._generate_cache_key()
    if key is None:
        return None
    column_keys = tuple(sorted(params)) if params and isinstance(statement, _DML) else ()
    cache_key = (dialect, key.key, column_keys, many)
    entry = _COMPILED.get(cache_key)
    if entry is None:
        compiled = statement._compiler(
            dialect,
            cache_key=key,
            column_keys=list(column_keys),
            for_executemany=many,
            schema_translate_map=None,
        )
        textual = isinstance(statement, sa.TextClause)
        returns_rows = bool(compiled._result_columns) if isinstance(statement, _DML) else not textual
        if (
            not isinstance(compiled, SQLCompiler)
            or not compiled.positional
            or compiled.schema_translate_map
            or (returns_rows and not compiled._ordered_columns)
            or (compiled._ad_hoc_textual and not textual)
            or compiled._textual_ordered_columns
        ):
            return None
        entry = _Compiled(
            compiled,
            compiled.string,
            returns_rows=returns_rows,
            textual=textual,
            expands=bool(compiled.literal_execute_params or compiled.post_compile_params),
        )
        _COMPILED[cache_key] = entry
        if len(_COMPILED) > _ENTRY_CACHE_SIZE:
            _COMPILED.popitem(last=False)
    if (entry.textual or entry.expands) and not every:
        return None
    compiled = entry.compiled
    values = compiled.construct_params(params, extracted_parameters=key[1], escape_names=False)
    if values is None or compiled.positiontup is None:
        return None
    if compiled.insert_prefetch or compiled.update_prefetch:
        try:
            _prefetched(compiled, values)
        except _Unsupported:
            return None
    sql: str = entry.sql
    positions: Any = compiled.positiontup
    binders: Any = compiled._bind_processors
    bound_values: Any = values
    if entry.expands:  # IN lists: one parameter per element, the SQL per call
        expanded = compiled._process_parameters_for_postcompile(values)
        sql, positions, bound_values, binders = (
            expanded.statement,
            expanded.positiontup,
            expanded.parameters,
            expanded.processors,
        )
        if positions is None:
            return None
    args = [
        binders[name](bound_values[name]) if name in binders else bound_values[name] for name in positions
    ]
    return entry, sql, args, entry.returns_rows


class _StatusResult(IteratorResult[Any]):
    """What a write without RETURNING answers: no rows, the server's row count."""

    def __init__(self, rowcount: int) -> None:
        super().__init__(SimpleResultMetaData([]), iter(()))
        self.rowcount = rowcount


async def run_bound(
    raw: asyncpg.Connection, dialect: Any, entry: _Compiled, sql: str, args: list[Any], returns_rows: bool
) -> Any:
    """Run a bound statement on an asyncpg connection: a ``Result`` of ``Row`` objects as
    SQLAlchemy's would be (its result processors applied), or a row count for a plain write.
    None when the statement's columns do not match what the server describes (SQLAlchemy
    then runs it)."""
    if entry.textual:
        records = await raw.fetch(sql, *args)
        if not records:
            return _StatusResult(-1)
        return IteratorResult(SimpleResultMetaData(list(records[0].keys())), iter(records))
    if not returns_rows:
        status = await raw.execute(sql, *args)
        count = status.rsplit(" ", 1)[-1]
        return _StatusResult(int(count) if count.isdigit() else -1)
    if entry.metadata is None:
        prepared = await raw.prepare(sql)
        attributes = prepared.get_attributes()
        columns = entry.compiled._result_columns
        if len(attributes) != len(columns):
            return None
        entry.processors = [
            column.type._cached_result_processor(dialect, attribute.type.oid)
            for column, attribute in zip(columns, attributes, strict=True)
        ]
        entry.processed = [(i, p) for i, p in enumerate(entry.processors) if p is not None]
        entry.metadata = SimpleResultMetaData(
            [column.keyname for column in columns], extra=[column.objects for column in columns]
        )
        records = await prepared.fetch(*args)
    else:
        records = await raw.fetch(sql, *args)
    processed = entry.processed
    if processed:  # only the columns SQLAlchemy converts (most come from asyncpg as they are)
        rows = []
        for record in records:
            values = list(record)
            for index, processor in processed:
                values[index] = processor(values[index])
            rows.append(tuple(values))
        return IteratorResult(entry.metadata, iter(rows))
    return IteratorResult(entry.metadata, iter(records))


# How long a unit of work waits for a pooled connection (SQLAlchemy's pool_timeout default).
ACQUIRE_TIMEOUT_SECONDS = 30.0


class KernelTransaction:
    """The unit of work's transaction, on a connection of the engine's driver pool (asyncpg).

    Measured on enrollment's company registration (issue 15): a transaction through
    SQLAlchemy's ``AsyncSession`` cost ~190 µs of CPU more than the same BEGIN and COMMIT on
    asyncpg (the session's state machine, the pool's checkout and return, a greenlet hop for
    each of begin, connection, commit and close). Here ``begin`` takes a connection and sends
    BEGIN, ``commit`` and ``rollback`` end the transaction and give the connection back, and
    ``execute`` runs every repository's Core statement compiled once per shape
    (``bind_compiled(every=True)``: text and IN lists too) with SQLAlchemy's type processing.
    A list of parameter sets runs the statement for each in one pipelined ``executemany``.

    Errors are SQLAlchemy's, as a session raised them: the driver's exception translated by the
    dialect and wrapped by ``DBAPIError.instance`` (an ``IntegrityError`` for a unique
    violation, ``connection_invalidated`` when the connection died, which is then dropped, not
    pooled). ``begin_nested`` is a SAVEPOINT. With spans recorded the unit of work uses a
    SQLAlchemy session instead (``create_sessionmaker``), so its instrumentation sees every
    statement.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.bind = engine  # as a session's: what it runs on (caches keyed per database use it)
        self._pool = _READ_POOLS[engine.pool]
        self._dialect = engine.dialect
        self._raw: Any = None  # the asyncpg connection while a transaction is open
        self._transaction: Any = None

    async def __aenter__(self) -> KernelTransaction:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def begin(self) -> _Begun:
        """``await tx.begin()``, or ``async with tx.begin():`` (commit at the end, rollback on error)."""
        return _Begun(self)

    async def _begin(self) -> None:
        if self._raw is not None:
            raise RuntimeError("a KernelTransaction is begun once")
        pool = await self._pool.get()
        self._raw = await pool.acquire(timeout=ACQUIRE_TIMEOUT_SECONDS)
        transaction = self._raw.transaction()
        try:
            await transaction.start()
        except Exception as error:
            failure = await self._failed("BEGIN", [], error)
            await self.close()  # nobody will: the unit of work did not enter
            raise failure from error
        self._transaction = transaction

    @property
    def raw(self) -> asyncpg.Connection:
        """The transaction's asyncpg connection (COPY runs on it)."""
        if self._transaction is None:
            raise RuntimeError("no transaction is open")
        return self._raw

    async def execute(self, statement: Any, params: Any = None, **options: Any) -> Any:
        if options:
            raise TypeError(f"the unit of work runs statements without options: {sorted(options)}")
        raw = self.raw
        if isinstance(params, list):
            return await self._execute_many(raw, statement, params)
        bound = bind_compiled(self._dialect, statement, params, every=True)
        if bound is None:
            return await self._through_sqlalchemy(statement, params)
        entry, sql, args, returns_rows = bound
        try:
            result = await run_bound(raw, self._dialect, entry, sql, args, returns_rows)
        except Exception as error:
            raise await self._failed(sql, args, error) from error
        if result is None:
            return await self._through_sqlalchemy(statement, params)
        return result

    async def _execute_many(self, raw: asyncpg.Connection, statement: Any, params: list[Any]) -> Any:
        """One statement for many parameter sets: asyncpg's pipelined ``executemany`` when each
        binds to the same SQL and no rows come back, else SQLAlchemy's (insertmanyvalues)."""
        bound = [bind_compiled(self._dialect, statement, p, every=True, many=True) for p in params]
        first = bound[0] if bound else None
        if first is None or first[3] or any(b is None or b[1] != first[1] for b in bound):
            return await self._through_sqlalchemy(statement, params)
        try:
            await raw.executemany(first[1], [b[2] for b in bound if b is not None])
        except Exception as error:
            raise await self._failed(first[1], [], error) from error
        return _StatusResult(len(params))

    async def _through_sqlalchemy(self, statement: Any, params: Any) -> Any:
        """A statement the driver path does not bind (several rows' VALUES, many rows with
        RETURNING, defaults SQLAlchemy computes...): SQLAlchemy's own execution, on this
        transaction's connection and inside its transaction; its result is buffered."""
        raw = self.raw
        adapted: Any = AsyncAdapt_asyncpg_connection(self._dialect.loaded_dbapi, raw)  # type: ignore[no-untyped-call]
        adapted._transaction = self._transaction  # already begun: SQLAlchemy starts none
        record: Any = SimpleNamespace(driver_connection=raw, record_info={})
        connection = sa.engine.Connection(
            self.bind.sync_engine,
            connection=_AdhocProxiedConnection(adapted, record),
            _allow_revalidate=False,
        )
        try:
            return await greenlet_spawn(connection.execute, statement, params)
        except sa.exc.DBAPIError:
            if _gone(raw):
                await self.close()
            raise

    def begin_nested(self) -> _Savepoint:
        """A SAVEPOINT: an error inside the block rolls back to it and propagates."""
        return _Savepoint(self)

    async def commit(self) -> None:
        transaction, self._transaction = self._transaction, None
        if transaction is None:
            return
        try:
            await transaction.commit()
        except Exception as error:
            raise await self._failed("COMMIT", [], error) from error
        finally:
            await self.close()

    async def rollback(self) -> None:
        """Roll back and give the connection back; never raises (the work is being abandoned:
        a connection that cannot roll back is closed instead, and the original error stands)."""
        await self.close()

    async def close(self) -> None:
        """Give the connection back; one still inside a transaction (a failed rollback, a
        cancelled request) is rolled back first, and closed if even that fails."""
        raw, self._raw = self._raw, None
        transaction, self._transaction = self._transaction, None
        if raw is None:
            return
        pool = await self._pool.get()
        try:
            if not _gone(raw) and (transaction is not None or raw.is_in_transaction()):
                try:  # asyncpg's Transaction forgets itself on the connection (reused next)
                    await (transaction.rollback() if transaction is not None else raw.execute("ROLLBACK"))
                except Exception:
                    log.warning("a connection could not roll back; closing it", exc_info=True)
                    raw.terminate()
        finally:
            await pool.release(raw)

    async def _failed(self, sql: str, args: list[Any], error: Exception) -> Exception:
        """The exception SQLAlchemy raises for ``error`` from the driver; a dead connection is
        dropped (not pooled) and says ``connection_invalidated``."""
        raw = self._raw
        closed = raw is None or _gone(raw)
        if closed:
            self._transaction = None
            await self.close()
        return driver_error(self._dialect, sql, args, error, closed=closed)


def _gone(raw: Any) -> bool:
    """The connection closed: asyncpg's pool takes a pooled connection back the moment it sees it
    close, and every call on it then raises InterfaceError (releasing it again does nothing)."""
    try:
        return bool(raw.is_closed())
    except asyncpg.InterfaceError:
        return True


class _Begun:
    def __init__(self, transaction: KernelTransaction) -> None:
        self._tx = transaction

    def __await__(self) -> Any:
        return self._tx._begin().__await__()

    async def __aenter__(self) -> KernelTransaction:
        await self._tx._begin()
        return self._tx

    async def __aexit__(self, exc_type: Any, *exc: object) -> None:
        if exc_type is None:
            await self._tx.commit()
        else:
            await self._tx.rollback()


class _Savepoint:
    def __init__(self, transaction: KernelTransaction) -> None:
        self._tx = transaction
        self._savepoint: Any = None

    async def __aenter__(self) -> KernelTransaction:
        self._savepoint = self._tx.raw.transaction()
        try:
            await self._savepoint.start()
        except Exception as error:
            raise await self._tx._failed("SAVEPOINT", [], error) from error
        return self._tx

    async def __aexit__(self, exc_type: Any, *exc: object) -> None:
        try:
            await (self._savepoint.commit() if exc_type is None else self._savepoint.rollback())
        except Exception as error:
            raise await self._tx._failed("RELEASE SAVEPOINT", [], error) from error


def driver_error(dialect: Any, sql: str, args: list[Any], error: Exception, *, closed: bool) -> Exception:
    """``error`` from asyncpg as SQLAlchemy raises it: the dialect's DB-API translation wrapped
    by ``DBAPIError.instance`` (``IntegrityError``, ``OperationalError``...)."""
    translated: Exception = error
    try:
        AsyncAdapt_asyncpg_connection._handle_exception_no_connection(dialect.loaded_dbapi, error)
    except Exception as raised:  # the dialect raises its DB-API translation
        translated = raised
    dbapi_error = dialect.loaded_dbapi.Error
    if not isinstance(translated, dbapi_error):
        return translated
    wrapped: Exception = sa.exc.DBAPIError.instance(
        sql, args, translated, dbapi_error, connection_invalidated=closed, dialect=dialect, ismulti=False
    )
    return wrapped


async def driver_connection(db: Any) -> asyncpg.Connection:
    """The asyncpg connection under a unit of work's transaction (COPY runs on it)."""
    if isinstance(db, KernelTransaction):
        return db.raw
    connection = await db.connection()
    driver: asyncpg.Connection = (await connection.get_raw_connection()).driver_connection
    return driver
