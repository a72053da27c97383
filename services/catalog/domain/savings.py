"""The arithmetic of a success story ("caso de éxito"): what a measure saved, in soles and CO2e.

A company reports, for each resource, its yearly consumption before (baseline) and after
the measure and the unit price it pays (S/ per kWh, m³ or kg), plus what the measure
cost. Then, per resource and in total:

    saved quantity     = baseline - after                         (per year)
    annual savings S/  = saved quantity x unit price
    CO2e avoided (kg)  = saved quantity x emission factor          (per year)
    simple payback     = investment / (annual savings / 12)        (months)

Emission factors are never constants here: they come from the versioned, cited table
``catalog.emission_factors`` and are passed in. A measure that saves nothing (or costs
more each year) has no payback (``None``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class Resource(StrEnum):
    energy = "energy"  # kWh
    water = "water"  # m³
    raw_material = "raw_material"  # kg
    waste = "waste"  # kg


UNITS: dict[Resource, str] = {
    Resource.energy: "kWh",
    Resource.water: "m3",
    Resource.raw_material: "kg",
    Resource.waste: "kg",
}

CENTS = Decimal("0.01")
TENTHS = Decimal("0.1")


@dataclass(frozen=True)
class ResourceFigures:
    baseline: Decimal
    after: Decimal
    unit_price: Decimal  # S/ per unit


@dataclass(frozen=True)
class ResourceSaving:
    resource: Resource
    unit: str
    saved_quantity: Decimal
    annual_savings: Decimal  # S/
    emission_factor: Decimal | None  # kg CO2e per unit
    co2e_avoided_kg: Decimal | None


@dataclass(frozen=True)
class StoryOutcome:
    per_resource: list[ResourceSaving]
    annual_savings: Decimal  # S/
    investment: Decimal  # S/
    payback_months: Decimal | None
    co2e_avoided_kg: Decimal


def simple_payback_months(investment: Decimal, annual_savings: Decimal) -> Decimal | None:
    """investment / (annual savings / 12), to a tenth of a month; None when nothing is saved."""
    if annual_savings <= 0:
        return None
    return (investment / (annual_savings / 12)).quantize(TENTHS, rounding=ROUND_HALF_UP)


def outcome(
    figures: dict[Resource, ResourceFigures],
    investment: Decimal,
    factors: dict[Resource, Decimal],
) -> StoryOutcome:
    """Savings, payback and CO2e avoided; a resource without a factor adds no CO2e."""
    rows: list[ResourceSaving] = []
    for resource in Resource:
        fig = figures.get(resource)
        if fig is None:
            continue
        saved = fig.baseline - fig.after
        factor = factors.get(resource)
        rows.append(
            ResourceSaving(
                resource=resource,
                unit=UNITS[resource],
                saved_quantity=saved,
                annual_savings=(saved * fig.unit_price).quantize(CENTS, rounding=ROUND_HALF_UP),
                emission_factor=factor,
                co2e_avoided_kg=None if factor is None else (saved * factor).quantize(CENTS, ROUND_HALF_UP),
            )
        )
    total = sum((r.annual_savings for r in rows), Decimal("0"))
    co2e = sum((r.co2e_avoided_kg for r in rows if r.co2e_avoided_kg is not None), Decimal("0"))
    return StoryOutcome(
        per_resource=rows,
        annual_savings=total,
        investment=investment,
        payback_months=simple_payback_months(investment, total),
        co2e_avoided_kg=co2e,
    )
