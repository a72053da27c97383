"""The indicators report (staff), its CSV/XLSX export, and the hub's public aggregates."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from services.circular.db import indicators as queries
from services.circular.domain.indicators import (
    FIGURES,
    PUBLIC_FIGURES,
    SMALL_CELL,
    Cell,
    Dimension,
    Figure,
    Period,
    Window,
    suppress,
)
from services.circular.domain.reference import Node
from shared.deps import ReadDb


@dataclass
class FigureResult:
    figure: Figure
    applicable: bool
    total: int | None
    groups: list[Cell] | None
    note: str | None = None


@dataclass
class Report:
    window: Window
    group_by: Dimension | None
    period: Period
    filters: dict[str, str | None]
    figures: list[FigureResult] = field(default_factory=list)


@dataclass(frozen=True)
class Query:
    as_of: date
    start: date | None = None
    node: str | None = None
    methodology: str | None = None
    activity_kind: str | None = None
    trainee_kind: str | None = None
    group_by: Dimension | None = None
    period: Period = Period.month
    names: tuple[str, ...] = tuple(FIGURES)


async def report(db: ReadDb, q: Query) -> Report:
    window = Window(as_of=q.as_of, start=q.start)
    filters = {
        "node": q.node,
        "methodology": q.methodology,
        "activity_kind": q.activity_kind,
        "trainee_kind": q.trainee_kind,
    }
    out = Report(window=window, group_by=q.group_by, period=q.period, filters=filters)
    for name in q.names:
        figure = FIGURES[name]
        if not figure.filterable(
            activity_kind=q.activity_kind is not None, trainee_kind=q.trainee_kind is not None
        ):
            out.figures.append(
                FigureResult(figure, False, None, None, note="the kind filter does not apply to this figure")
            )
            continue
        kind = (
            q.activity_kind
            if figure.kind_of == "activity"
            else q.trainee_kind
            if figure.kind_of == "trainee"
            else None
        )
        group = q.group_by if q.group_by in figure.dimensions else None
        total, groups = await queries.figure(
            db,
            name,
            window,
            queries.Filters(node=q.node, methodology=q.methodology, kind=kind),
            group_by=group,
            period=q.period,
        )
        note = None
        if q.group_by is not None and group is None:
            note = f"no breakdown by {q.group_by.value} for this figure"
        cells = [Cell(g, v) for g, v in groups] if group is not None else None
        out.figures.append(FigureResult(figure, True, total, cells, note))
    return out


async def public_figures(db: ReadDb, *, as_of: date) -> Report:
    """The hub's figures: totals, and by node with small cells withheld (domain/indicators.suppress)."""
    result = await report(db, Query(as_of=as_of, group_by=Dimension.node, names=PUBLIC_FIGURES))
    for item in result.figures:
        if item.groups is not None:
            # Every node, a zero included: a node left out would hide nothing and a lone small cell
            # would be the total itself.
            values = {c.group: c.value or 0 for c in item.groups}
            cells = [(node.value, values.pop(node.value, 0)) for node in Node] + list(values.items())
            item.groups = suppress(cells, threshold=SMALL_CELL)
    return result


EXPORT_HEADER = ["figura", "etiqueta", "grupo", "valor", "desde", "al", "definicion", "definition"]


def export_rows(result: Report) -> list[list[str]]:
    rows = [EXPORT_HEADER]
    start = result.window.start.isoformat() if result.window.start else ""
    for item in result.figures:
        f = item.figure
        base = [f.name, f.label_es]
        tail = [start, result.window.as_of.isoformat(), f.definition_es, f.definition]
        rows.append([*base, "total", "" if item.total is None else str(item.total), *tail])
        for cell in item.groups or []:
            rows.append([*base, cell.group, "" if cell.value is None else str(cell.value), *tail])
    return rows


def to_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")  # the BOM: Excel opens it as UTF-8


def to_xlsx(rows: list[list[str]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Indicadores"
    for row in rows:
        sheet.append([int(v) if i == 3 and v.isdigit() else v for i, v in enumerate(row)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
