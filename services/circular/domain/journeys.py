"""A company's transition journey towards circularity.

GIZ, "Integrar la economía circular en las mipymes manufactureras", Impacto: "57 [mipymes]
que han iniciado el tránsito hacia la circularidad, 32 de las cuales son dirigidas por
mujeres". Here a company **starts the transition** on the day it commits to a measure with a
baseline: the product's Material Circularity Indicator computed with the hub's calculator
(``shared.mci``) and kept with its inputs, the measure, and the yearly consumption before and
expected after it per resource, priced, with the investment (so the expected savings follow).
Follow-ups record what was measured; a journey ends finished (the result measured) or
abandoned (the company stopped; it still started the transition).

    committed --follow up--> following up --follow up--> following up
        |                        |--finish--> finished          (at least one result measured)
        +--abandon--> abandoned <--abandon--+

Finished and abandoned are final. A success story is drafted from a finished journey only,
with every figure taken from the journey (``story_figures``): the baseline and prices from
the commitment, the result from the latest follow-up measuring each resource.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from shared.errors import InvalidTransition, RuleViolation

DEFINITIONS = {
    "started_transition": (
        "Distinct companies (RUC) with a transition journey started on or before the date: a measure "
        "committed with its MCI baseline, its yearly consumption before and expected after, and its "
        "investment. An abandoned journey still counts: the company started the transition."
    ),
    "women_led_started": "Among those, the companies led by women, as recorded when the journey started.",
}


class JourneyStatus(StrEnum):
    committed = "committed"
    following_up = "following_up"
    finished = "finished"
    abandoned = "abandoned"


class JourneyAction(StrEnum):
    follow_up = "follow_up"
    finish = "finish"
    abandon = "abandon"


class Resource(StrEnum):
    """The resources a measure saves, in the hub's success-story units."""

    energy = "energy"  # kWh per year
    water = "water"  # m3 per year
    raw_material = "raw_material"  # kg per year
    waste = "waste"  # kg per year


UNITS: dict[Resource, str] = {
    Resource.energy: "kWh",
    Resource.water: "m3",
    Resource.raw_material: "kg",
    Resource.waste: "kg",
}

TRANSITIONS: dict[JourneyStatus, dict[JourneyAction, JourneyStatus]] = {
    JourneyStatus.committed: {
        JourneyAction.follow_up: JourneyStatus.following_up,
        JourneyAction.abandon: JourneyStatus.abandoned,
    },
    JourneyStatus.following_up: {
        JourneyAction.follow_up: JourneyStatus.following_up,
        JourneyAction.finish: JourneyStatus.finished,
        JourneyAction.abandon: JourneyStatus.abandoned,
    },
    JourneyStatus.finished: {},
    JourneyStatus.abandoned: {},
}


def apply(current: JourneyStatus | str, action: JourneyAction) -> JourneyStatus:
    state = JourneyStatus(current)
    target = TRANSITIONS[state].get(action)
    if target is None:
        allowed = sorted(a.value for a in TRANSITIONS[state])
        raise InvalidTransition("Transition journey", state.value, action.value, allowed)
    return target


@dataclass(frozen=True)
class Commitment:
    """The baseline and the promise, per resource: yearly quantities and the unit price (S/)."""

    baseline: Decimal
    expected: Decimal
    unit_price: Decimal


@dataclass(frozen=True)
class Measurement:
    follow_up_id: str
    measured_on: date
    quantity: Decimal  # yearly consumption measured after the measure


CENTS = Decimal("0.01")
MAX_AMOUNT = Decimal(10) ** 12  # S/, what the journey's money columns hold (numeric(14, 2))


def check_commitment(figures: Mapping[Resource, Commitment], investment: Decimal) -> None:
    if not figures:
        raise RuleViolation(
            "journey.no_resource",
            "A commitment names at least one resource with its baseline and expected consumption.",
            detail_es="El compromiso indica al menos un recurso con su línea base y consumo esperado.",
        )
    for resource, item in figures.items():
        if item.baseline < 0 or item.expected < 0 or item.unit_price < 0:
            raise RuleViolation(
                "journey.negative_figure",
                f"{resource.value}: quantities and prices cannot be negative.",
                detail_es=f"{resource.value}: las cantidades y precios no pueden ser negativos.",
            )
    if investment < 0:
        raise RuleViolation(
            "journey.negative_investment",
            "The investment cannot be negative.",
            detail_es="La inversión no puede ser negativa.",
        )
    if abs(expected_annual_savings(figures)) >= MAX_AMOUNT or investment >= MAX_AMOUNT:
        raise RuleViolation(
            "journey.amount_too_large",
            "The expected yearly savings and the investment must stay under S/ 1,000,000,000,000: check the units.",
            detail_es="El ahorro anual esperado y la inversión deben ser menores que S/ 1 000 000 000 000: revise las unidades.",
        )


def expected_annual_savings(figures: Mapping[Resource, Commitment]) -> Decimal:
    """S/ per year the measure is expected to save: sum of (baseline - expected) x unit price."""
    total = sum(((c.baseline - c.expected) * c.unit_price for c in figures.values()), Decimal(0))
    return total.quantize(CENTS)


def check_follow_up(committed: Iterable[Resource], measured: Mapping[Resource, Decimal]) -> None:
    known = set(committed)
    unknown = sorted(r.value for r in measured if r not in known)
    if unknown:
        raise RuleViolation(
            "journey.resource_not_committed",
            f"Measured resources must be among the committed ones: {', '.join(unknown)} is not.",
            detail_es=f"Los recursos medidos deben estar en el compromiso: {', '.join(unknown)} no lo está.",
        )
    if any(q < 0 for q in measured.values()):
        raise RuleViolation(
            "journey.negative_figure",
            "A measured quantity cannot be negative.",
            detail_es="Una cantidad medida no puede ser negativa.",
        )


def latest_measurements(measurements: Mapping[Resource, list[Measurement]]) -> dict[Resource, Measurement]:
    """Per resource, the result measured last (latest date; the later follow-up on a tie is
    the later in the list, which the caller gives in recording order)."""
    latest: dict[Resource, Measurement] = {}
    for resource, items in measurements.items():
        for item in items:
            current = latest.get(resource)
            if current is None or item.measured_on >= current.measured_on:
                latest[resource] = item
    return latest


def ensure_may_finish(latest: Mapping[Resource, Measurement]) -> None:
    if not latest:
        raise RuleViolation(
            "journey.no_result",
            "A journey finishes with a measured result: record a follow-up with a measurement first.",
            detail_es="Un recorrido termina con un resultado medido: registre antes un seguimiento con medición.",
        )


def ensure_story_possible(status: JourneyStatus | str) -> None:
    if JourneyStatus(status) is not JourneyStatus.finished:
        raise RuleViolation(
            "journey.story_needs_finished",
            "A success story is drafted from a finished journey only.",
            detail_es="Un caso de éxito se redacta solo a partir de un recorrido terminado.",
        )


@dataclass(frozen=True)
class StoryFigure:
    """One resource of a drafted story, each figure with where it came from."""

    resource: Resource
    unit: str
    baseline: Decimal
    after: Decimal
    unit_price: Decimal
    baseline_source: str
    after_source: str
    measured_on: date


def story_figures(
    journey_id: str,
    committed: Mapping[Resource, Commitment],
    latest: Mapping[Resource, Measurement],
) -> list[StoryFigure]:
    """The figures of a story drafted from the journey: resources measured at least once."""
    return [
        StoryFigure(
            resource=resource,
            unit=UNITS[resource],
            baseline=committed[resource].baseline,
            after=latest[resource].quantity,
            unit_price=committed[resource].unit_price,
            baseline_source=f"circular/journeys/{journey_id}#commitment",
            after_source=f"circular/journeys/{journey_id}/follow-ups/{latest[resource].follow_up_id}",
            measured_on=latest[resource].measured_on,
        )
        for resource in sorted(latest, key=lambda r: r.value)
        if resource in committed
    ]
