"""Bulk import of companies from a spreadsheet's CSV: bad rows reported, good rows loaded.

The hot path is built for 100,000 rows in well under a minute on two cores: rows are
checked by the pure domain functions in a worker thread (the event loop keeps serving),
then loaded with COPY into ``companies`` and, in the same transaction, one
``enrollment.company.registered`` envelope per company into the outbox. COPY loads about
four times faster than executemany here, and row-by-row ORM inserts far slower still.
"""

from __future__ import annotations

import asyncio
import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import orjson

from services.enrollment.db.repositories import (
    COMPANY_COLUMNS,
    CompanyRepository,
    UitRepository,
)
from services.enrollment.db.tables import SCHEMA
from services.enrollment.domain.company import FieldProblem
from services.enrollment.domain.company_csv import (
    CsvHeaderError,
    ParsedCsv,
    RowProblem,
    decode,
    parse_companies_csv,
)
from services.enrollment.domain.sizing import UitValue
from services.enrollment.events import publish
from services.enrollment.handlers.companies import new_company_values
from shared.auth import Principal
from shared.errors import BadRequest
from shared.events.envelope import EventEnvelope
from shared.telemetry import current_trace_carrier
from shared.uow import UnitOfWork


@dataclass
class ImportReport:
    received: int = 0
    imported: int = 0
    rejected: list[RowProblem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "imported": self.imported,
            "rejected": len(self.rejected),
            "errors": [r.as_dict() for r in sorted(self.rejected, key=lambda r: r.line)],
        }


def _parse(data: bytes, today: date) -> ParsedCsv:
    try:
        return parse_companies_csv(decode(data), today)
    except (CsvHeaderError, UnicodeError, csv.Error) as exc:
        raise BadRequest(
            f"The CSV cannot be imported: {exc}",
            detail_es=f"El CSV no se puede importar: {exc}",
            extra={"errors": [{"field": "file", "in": "body", "message": str(exc)}]},
        ) from exc


def _records(
    rows: list[dict[str, Any]], uit_table: list[UitValue], now: datetime, by: str, trace: dict[str, str]
) -> tuple[list[tuple], list[tuple]]:
    """COPY records for the companies and their registered events (CPU work: run in a thread)."""
    company_records: list[tuple] = []
    outbox_records: list[tuple] = []
    for values in rows:
        row = new_company_values(values, uit_table, now=now, by=by)
        company_records.append(tuple(row[c] for c in COMPANY_COLUMNS))
        envelope = EventEnvelope.wrap(
            publish.company_registered(row), producer=SCHEMA, occurred_at=now, trace=trace
        )
        outbox_records.append(
            (
                envelope.event_id,
                envelope.event_type,
                envelope.key,
                orjson.dumps(envelope.model_dump(mode="json")).decode(),
            )
        )
    return company_records, outbox_records


async def import_companies(uow: UnitOfWork, principal: Principal, data: bytes) -> dict[str, Any]:
    today, now = uow.clock.today(), uow.clock.now()
    parsed = await asyncio.to_thread(_parse, data, today)
    report = ImportReport(received=len(parsed.rows) + len(parsed.rejected), rejected=list(parsed.rejected))
    async with uow:
        repo = CompanyRepository(uow.session)
        await repo.lock_import()
        existing = await repo.existing_rucs(rucs=[values["ruc"] for _, values in parsed.rows])
        fresh = []
        for line, values in parsed.rows:
            if values["ruc"] in existing:
                problem = FieldProblem(
                    "ruc", "ruc.already_registered", f"RUC {values['ruc']} is already registered."
                )
                report.rejected.append(RowProblem(line, values["ruc"], [problem]))
            else:
                fresh.append(values)
        if fresh:
            uit_table = await UitRepository(uow.session).all()
            company_records, outbox_records = await asyncio.to_thread(
                _records, fresh, uit_table, now, principal.subject, current_trace_carrier()
            )
            await repo.copy_in(company_records=company_records, outbox_records=outbox_records)
        report.imported = len(fresh)
        await uow.commit()
    return report.as_dict()
