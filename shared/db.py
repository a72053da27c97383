"""Database plumbing: one async engine per service, bound to that service's role.

Every table names its schema explicitly (SQLModel keeps one global metadata), and the
engine's role can only reach its own schema, so a query that strays fails loudly.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections import OrderedDict
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, ClassVar

import asyncpg
import sqlalchemy as sa
import sqlalchemy.ext.asyncio
from sqlalchemy.engine.result import IteratorResult, SimpleResultMetaData
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.settings import Settings

log = logging.getLogger("eco.db")


def create_engine(settings: Settings, *, url: str | None = None) -> AsyncEngine:
    # Looked up at call time so telemetry's wrapper (installed at start-up) applies.
    server_settings = {"application_name": f"eco-{settings.service}"}
    engine = sqlalchemy.ext.asyncio.create_async_engine(
        url or settings.database_url,
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
        max_size=settings.pg_pool_size,
        dialect=engine.dialect,
    )
    return engine


def create_sessionmaker(engine: AsyncEngine, *, fast: bool = True) -> async_sessionmaker[AsyncSession]:
    """Sessions for the unit of work; ``fast=False`` (spans recorded) runs every statement
    through SQLAlchemy's execution, where its instrumentation sees it."""
    return async_sessionmaker(
        engine, class_=KernelSession if fast else AsyncSession, expire_on_commit=False, autoflush=False
    )


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


class _ReadPool:
    """An asyncpg pool beside the engine's, for the read path's plain SELECTs.

    Its connections only ever run autocommit SELECTs, so nothing of a session's state needs
    resetting when one goes back: the reset query asyncpg sends by default (one more round
    trip per request) is skipped. JSON decoding is the engine's (the dialect's own codecs).
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
    """Read connections keep no session state (no transaction, LISTEN, SET): nothing to reset."""


_READ_POOLS: weakref.WeakKeyDictionary[Any, _ReadPool] = weakref.WeakKeyDictionary()


async def close_read_pool(engine: AsyncEngine) -> None:
    """Close the read path's pool of ``engine`` (the app's lifespan does, beside ``dispose``)."""
    pool = _READ_POOLS.get(engine.pool)
    if pool is not None:
        await pool.close()


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


def bind_compiled(dialect: Any, statement: Any, params: Any) -> tuple[_Compiled, list[Any], bool] | None:
    """``statement`` compiled once per shape for ``dialect`` (SQLAlchemy's own cache key and
    parameter extraction), with its positional arguments bound by SQLAlchemy's type processors;
    ``(entry, args, returns_rows)``, or None when the statement needs SQLAlchemy to run it
    (text, expanding IN lists, schema translation, defaults computed by SQL sequences...)."""
    if params is not None and not isinstance(params, dict):
        return None
    key = statement._generate_cache_key()
    if key is None:
        return None
    column_keys = tuple(sorted(params)) if params and isinstance(statement, _DML) else ()
    cache_key = (dialect, key.key, column_keys)
    entry = _COMPILED.get(cache_key)
    if entry is None:
        compiled = statement._compiler(
            dialect,
            cache_key=key,
            column_keys=list(column_keys),
            for_executemany=False,
            schema_translate_map=None,
        )
        returns_rows = bool(compiled._result_columns) if isinstance(statement, _DML) else True
        if (
            not isinstance(compiled, SQLCompiler)
            or not compiled.positional
            or compiled.literal_execute_params
            or compiled.post_compile_params
            or compiled.schema_translate_map
            or (returns_rows and not compiled._ordered_columns)
            or compiled._ad_hoc_textual
            or compiled._textual_ordered_columns
        ):
            return None
        entry = _Compiled(compiled, compiled.string, returns_rows=returns_rows)
        _COMPILED[cache_key] = entry
        if len(_COMPILED) > _ENTRY_CACHE_SIZE:
            _COMPILED.popitem(last=False)
    compiled = entry.compiled
    values = compiled.construct_params(params, extracted_parameters=key[1], escape_names=False)
    if values is None or compiled.positiontup is None:
        return None
    if compiled.insert_prefetch or compiled.update_prefetch:
        try:
            _prefetched(compiled, values)
        except _Unsupported:
            return None
    binders: Any = compiled._bind_processors
    args = [binders[name](values[name]) if name in binders else values[name] for name in compiled.positiontup]
    return entry, args, entry.returns_rows


class _StatusResult(IteratorResult[Any]):
    """What a write without RETURNING answers: no rows, the server's row count."""

    def __init__(self, rowcount: int) -> None:
        super().__init__(SimpleResultMetaData([]), iter(()))
        self.rowcount = rowcount


async def run_bound(
    raw: asyncpg.Connection, dialect: Any, entry: _Compiled, args: list[Any], returns_rows: bool
) -> Any:
    """Run a bound statement on an asyncpg connection: a ``Result`` of ``Row`` objects as
    SQLAlchemy's would be (its result processors applied), or a row count for a plain write.
    None when the statement's columns do not match what the server describes (SQLAlchemy
    then runs it)."""
    if not returns_rows:
        status = await raw.execute(entry.sql, *args)
        count = status.rsplit(" ", 1)[-1]
        return _StatusResult(int(count) if count.isdigit() else -1)
    if entry.metadata is None:
        prepared = await raw.prepare(entry.sql)
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
        records = await raw.fetch(entry.sql, *args)
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


class KernelSession(AsyncSession):
    """The unit of work's session: Core statements (every repository's) run on the session's own
    asyncpg connection, inside its transaction, compiled once per shape (``bind_compiled``).

    Measured on enrollment's company registration (issue 15): each statement through
    ``AsyncSession.execute`` cost ~1 ms of wall time and ~300 µs of CPU (ORM execution state,
    a greenlet hop, the cursor adaptation, result metadata per call) where asyncpg's own round
    trip takes ~100 µs. The transaction stays SQLAlchemy's: ``begin``, ``commit``, ``rollback``,
    savepoints and pooling are unchanged, and a statement that needs SQLAlchemy (ORM
    entities, text, execution options, expanding IN lists, spans being recorded so the
    SQLAlchemy instrumentation sees every statement) runs through it as before. A failing
    statement raises the exception SQLAlchemy would (``DBAPIError.instance`` over the dialect's
    translation), and a lost connection is invalidated as SQLAlchemy does.
    """

    fast: ClassVar[bool] = True

    async def execute(
        self,
        statement: Any,
        params: Any = None,
        *,
        execution_options: Any = sa.util.EMPTY_DICT,
        bind_arguments: dict[str, Any] | None = None,
        **kw: Any,
    ) -> Any:
        if (
            self.fast
            and not execution_options
            and bind_arguments is None
            and not kw
            and isinstance(statement, (sa.Select, sa.CompoundSelect, *_DML))
            and statement._propagate_attrs.get("compile_state_plugin") != "orm"
        ):
            result = await self._fast(statement, params)
            if result is not None:
                return result
        return await super().execute(
            statement, params, execution_options=execution_options, bind_arguments=bind_arguments, **kw
        )

    _kernel_connection: tuple[Any, AsyncConnection, Any] | None = None

    async def _connection_of_transaction(self) -> tuple[AsyncConnection, Any]:
        """The session's connection and its driver connection, asked of SQLAlchemy once per
        (sub)transaction: ``connection()`` is a greenlet hop and a proxy lookup per call."""
        transaction = self.sync_session._transaction
        cached = self._kernel_connection
        if (
            cached is not None
            and transaction is not None
            and cached[0] is transaction
            and transaction.is_active
            and not cached[1].invalidated
        ):
            return cached[1], cached[2]
        conn = await self.connection()
        sync = conn.sync_connection
        if sync is None:
            raise _Unsupported("no connection")
        adapted: Any = sync.connection.dbapi_connection  # checked out by connection()
        self._kernel_connection = (self.sync_session._transaction, conn, adapted)
        return conn, adapted

    async def _fast(self, statement: Any, params: Any) -> Any:
        try:
            conn, adapted = await self._connection_of_transaction()
        except _Unsupported:
            return None
        dialect = conn.dialect
        bound = bind_compiled(dialect, statement, params)
        if bound is None:
            return None
        entry, args, returns_rows = bound
        try:
            async with adapted._execute_mutex:
                if adapted._transaction is None and not adapted.autocommit:
                    await adapted._start_transaction()
                return await run_bound(adapted._connection, dialect, entry, args, returns_rows)
        except sa.exc.DBAPIError:
            self._kernel_connection = None
            raise
        except Exception as error:
            self._kernel_connection = None
            raise await _sqlalchemy_error(conn, adapted, entry.sql, args, error) from error


async def _sqlalchemy_error(
    conn: AsyncConnection, adapted: Any, sql: str, args: list[Any], error: Exception
) -> Exception:
    """The exception SQLAlchemy raises for ``error`` from the driver (its dialect translates it,
    ``DBAPIError.instance`` picks the class); a lost connection is invalidated first."""
    dialect = conn.dialect
    translated: Exception = error
    try:
        adapted._handle_exception(error)
    except Exception as raised:  # the dialect raises its DB-API translation
        translated = raised
    dbapi_error = dialect.loaded_dbapi.Error
    if not isinstance(translated, dbapi_error):
        return translated
    invalidated = dialect.is_disconnect(translated, adapted, None)
    if invalidated:
        await conn.invalidate(translated)
    return sa.exc.DBAPIError.instance(
        sql, args, translated, dbapi_error, connection_invalidated=invalidated, dialect=dialect, ismulti=False
    )
