"""Database plumbing: one async engine per service, bound to that service's role.

Every table names its schema explicitly (SQLModel keeps one global metadata), and the
engine's role can only reach its own schema, so a query that strays fails loudly.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections import OrderedDict
from collections.abc import Callable
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


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False, autoflush=False)


# --- the read path's connection (issue 15) ---------------------------------------------------

_ENTRY_CACHE_SIZE = 512


@dataclass
class _Compiled:
    """A SELECT compiled once for the engine's dialect, with what its rows need."""

    compiled: SQLCompiler
    sql: str
    metadata: SimpleResultMetaData | None = None  # known after the first execution
    processors: list[Callable[[Any], Any] | None] | None = None


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

    _cache: ClassVar[OrderedDict[Any, _Compiled]] = OrderedDict()

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
        key = statement._generate_cache_key()
        if key is None or self._read_pool is None:
            return None
        dialect = self.sync_engine.dialect
        cache = ReadConnection._cache
        cache_key = (dialect, key.key)
        entry = cache.get(cache_key)
        if entry is None:
            compiled = statement._compiler(
                dialect, cache_key=key, column_keys=[], for_executemany=False, schema_translate_map=None
            )
            if (
                not isinstance(compiled, SQLCompiler)
                or not compiled.positional
                or compiled.literal_execute_params
                or compiled.post_compile_params
                or compiled.schema_translate_map
                or not compiled._ordered_columns
                or compiled._ad_hoc_textual
                or compiled._textual_ordered_columns
            ):
                return None
            entry = _Compiled(compiled, compiled.string)
            cache[cache_key] = entry
            if len(cache) > _ENTRY_CACHE_SIZE:
                cache.popitem(last=False)
        compiled = entry.compiled
        values = compiled.construct_params(params, extracted_parameters=key[1], escape_names=False)
        if values is None or compiled.positiontup is None:
            return None
        binders: Any = compiled._bind_processors
        args = [
            binders[name](values[name]) if name in binders else values[name] for name in compiled.positiontup
        ]
        pool = await self._read_pool.get()
        async with pool.acquire() as raw:
            if entry.metadata is None:
                prepared = await raw.prepare(entry.sql)
                attributes = prepared.get_attributes()
                columns = compiled._result_columns
                if len(attributes) != len(columns):
                    return None
                entry.processors = [
                    column.type._cached_result_processor(dialect, attribute.type.oid)
                    for column, attribute in zip(columns, attributes, strict=True)
                ]
                entry.metadata = SimpleResultMetaData(
                    [column.keyname for column in columns], extra=[column.objects for column in columns]
                )
                records = await prepared.fetch(*args)
            else:
                records = await raw.fetch(entry.sql, *args)
        processors = entry.processors
        if processors is not None and any(processors):
            rows = [
                tuple(p(v) if p is not None else v for p, v in zip(processors, r, strict=True))
                for r in records
            ]
            return IteratorResult(entry.metadata, iter(rows))
        return IteratorResult(entry.metadata, iter(records))
