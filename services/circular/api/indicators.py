"""Routes: the indicators of the programme's report (staff), their export, and the hub's public figures."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from services.circular.api.roles import IndicatorReader
from services.circular.api.schemas import (
    CellPublic,
    FigurePublic,
    HubFigurePublic,
    HubFiguresPublic,
    IndicatorFilters,
    IndicatorReportPublic,
)
from services.circular.domain.indicators import RULES, SMALL_CELL, SUPPRESSION, Dimension, Period
from services.circular.domain.reference import ActivityKind, Methodology, Node, TraineeKind
from services.circular.handlers import indicators
from shared.deps import ClockDep, ReadDbDep

router = APIRouter(tags=["indicators"])
public = APIRouter(tags=["hub"])


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


MEDIA = {
    ExportFormat.csv: "text/csv; charset=utf-8",
    ExportFormat.xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _query(
    clock: ClockDep,
    as_of: Annotated[
        date | None, Query(description="the report as of this date (default: today, Lima)")
    ] = None,
    start: Annotated[
        date | None, Query(alias="from", description="window start (default: the first record)")
    ] = None,
    node: Node | None = None,
    methodology: Methodology | None = None,
    activity_kind: ActivityKind | None = None,
    trainee_kind: TraineeKind | None = None,
    group_by: Dimension | None = None,
    period: Annotated[Period, Query(description="the bucket of group_by=period")] = Period.month,
) -> indicators.Query:
    return indicators.Query(
        as_of=as_of or clock.today(),
        start=start,
        node=node,
        methodology=methodology,
        activity_kind=activity_kind,
        trainee_kind=trainee_kind,
        group_by=group_by,
        period=period,
    )


QueryDep = Annotated[indicators.Query, Depends(_query)]


def _cells(cells: list[indicators.Cell] | None) -> list[CellPublic] | None:
    return (
        None
        if cells is None
        else [CellPublic(group=c.group, value=c.value, suppressed=c.suppressed) for c in cells]
    )


@router.get(
    "/indicators", response_model=IndicatorReportPublic, summary="The programme's indicators, as of a date"
)
async def read_indicators(q: QueryDep, db: ReadDbDep, caller: IndicatorReader) -> IndicatorReportPublic:
    result = await indicators.report(db, q)
    return IndicatorReportPublic(
        as_of=result.window.as_of,
        from_=result.window.start,
        group_by=q.group_by.value if q.group_by else None,
        period=q.period.value,
        filters=IndicatorFilters.model_validate(result.filters),
        rules=RULES,
        figures=[
            FigurePublic(
                name=r.figure.name,
                label_es=r.figure.label_es,
                unit=r.figure.unit,
                definition=r.figure.definition,
                definition_es=r.figure.definition_es,
                source=r.figure.source,
                applicable=r.applicable,
                total=r.total,
                groups=_cells(r.groups),
                note=r.note,
            )
            for r in result.figures
        ],
    )


@router.get(
    "/indicators/export",
    response_class=Response,
    summary="The indicators as CSV or XLSX, one row per figure and group, with each definition",
    responses={200: {"content": {MEDIA[ExportFormat.csv]: {}, MEDIA[ExportFormat.xlsx]: {}}}},
)
async def export_indicators(
    q: QueryDep, db: ReadDbDep, caller: IndicatorReader, format: ExportFormat = ExportFormat.csv
) -> Response:
    rows = indicators.export_rows(await indicators.report(db, q))
    content = indicators.to_csv(rows) if format == ExportFormat.csv else indicators.to_xlsx(rows)
    filename = f"indicadores-economia-circular-{q.as_of.isoformat()}.{format.value}"
    return Response(
        content,
        media_type=MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@public.get(
    "/hub/figures",
    response_model=HubFiguresPublic,
    summary="'Mi Empresa Circular' hub: the programme's figures, anonymous, by node",
    openapi_extra={"x-public": True},
)
async def read_hub_figures(
    db: ReadDbDep,
    clock: ClockDep,
    response: Response,
    as_of: Annotated[date | None, Query(description="default: today (Lima)")] = None,
) -> HubFiguresPublic:
    result = await indicators.public_figures(db, as_of=as_of or clock.today())
    response.headers["Cache-Control"] = "public, max-age=300"
    return HubFiguresPublic(
        as_of=result.window.as_of,
        small_cell_threshold=SMALL_CELL,
        suppression=SUPPRESSION,
        figures=[
            HubFigurePublic(
                name=r.figure.name,
                label_es=r.figure.label_es,
                definition_es=r.figure.definition_es,
                definition=r.figure.definition,
                total=r.total or 0,
                by_node=_cells(r.groups) or [],
            )
            for r in result.figures
        ],
    )
