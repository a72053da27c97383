"""Programme indicators (GIZ/PRODUCE reporting), computed from the events."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from services.catalog.api.roles import IndicatorReader
from services.catalog.api.schemas import IndicatorsPublic, TimeseriesPublic
from services.catalog.domain.indicators import Granularity
from services.catalog.handlers import indicators
from shared.deps import ClockDep, ReadDbDep

router = APIRouter(tags=["indicators"])
From = Annotated[date | None, Query(alias="from", description="first day (its period counts whole)")]
To = Annotated[date | None, Query(description="last day (default: today, Lima)")]


@router.get(
    "/indicators",
    response_model=IndicatorsPublic,
    summary="Programme indicators: totals and per cohort",
    description=(
        "Companies registered (sensitised), admitted (started the transition), of which women-led, "
        "trained, pre-audit passed, certified, and certified per regional node (Arequipa, La "
        "Libertad, Lima, others), counted from the events. `as_of` counts up to that day."
    ),
)
async def get_indicators(
    db: ReadDbDep, principal: IndicatorReader, cohort_id: uuid.UUID | None = None, as_of: date | None = None
) -> IndicatorsPublic:
    return IndicatorsPublic(**await indicators.programme_indicators(db, cohort_id=cohort_id, as_of=as_of))


@router.get(
    "/indicators/timeseries",
    response_model=TimeseriesPublic,
    response_model_by_alias=True,
    summary="Indicators over time: new and cumulative per period",
)
async def get_indicator_timeseries(
    db: ReadDbDep,
    clock: ClockDep,
    principal: IndicatorReader,
    from_: From = None,
    to: To = None,
    granularity: Granularity = Granularity.month,
    cohort_id: uuid.UUID | None = None,
) -> TimeseriesPublic:
    series = await indicators.indicator_series(
        db, start=from_, end=to, today=clock.today(), granularity=granularity, cohort_id=cohort_id
    )
    return TimeseriesPublic.model_validate(series)


@router.get(
    "/indicators.csv",
    summary="Indicators over time as CSV",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "one row per period"}},
)
async def export_indicators_csv(
    db: ReadDbDep,
    clock: ClockDep,
    principal: IndicatorReader,
    from_: From = None,
    to: To = None,
    granularity: Granularity = Granularity.month,
    cohort_id: uuid.UUID | None = None,
) -> Response:
    series = await indicators.indicator_series(
        db, start=from_, end=to, today=clock.today(), granularity=granularity, cohort_id=cohort_id
    )
    return Response(
        indicators.series_csv(series),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="indicadores-programa.csv"'},
    )
