"""The Material Circularity Indicator (MCI) of a product.

Ellen MacArthur Foundation & Granta Design, "Circularity Indicators: An Approach to
Measuring Circularity. Methodology" (2015; revised 2019), product-level indicator for
technical materials:

    V   = M (1 - F_R - F_U)                       virgin feedstock
    W_0 = M (1 - C_R - C_U)                       waste going to landfill / energy recovery
    W_F = M (1 - E_F) F_R / E_F                   waste made producing the recycled feedstock
    W_C = M (1 - E_C) C_R                         waste made recycling the collected product
    W   = W_0 + (W_F + W_C) / 2                   unrecoverable waste
    LFI = (V + W) / (2M + (W_F - W_C) / 2)        linear flow index
    X   = (L / L_av) (U / U_av)                   utility
    F(X)= 0.9 / X
    MCI = max(0, 1 - LFI F(X))

Reference points of the methodology: a fully linear product of average utility
(V = W = M, X = 1) has LFI = 1 and MCI = 0.1; a fully restorative one has LFI = 0 and
MCI = 1. The biological-cycle terms of the 2019 revision (sustained production,
composting, energy recovery) are not modelled: the programme's manufacturing MSMEs
report technical materials.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from shared.errors import RuleViolation

UTILITY_NUMERATOR = 0.9  # F(X) = 0.9 / X: the methodology's calibration (linear product -> MCI 0.1)


@dataclass(frozen=True)
class MciInput:
    recycled_feedstock: float  # F_R
    reused_feedstock: float  # F_U
    collected_for_recycling: float  # C_R
    collected_for_reuse: float  # C_U
    feedstock_recycling_efficiency: float  # E_F
    collection_recycling_efficiency: float  # E_C
    lifetime: float  # L
    average_lifetime: float  # L_av
    functional_units: float = 1.0  # U
    average_functional_units: float = 1.0  # U_av
    mass: float = 1.0  # M


@dataclass(frozen=True)
class MciResult:
    mass: float
    virgin_feedstock: float  # V
    linear_waste: float  # W_0
    feedstock_recycling_waste: float  # W_F
    collection_recycling_waste: float  # W_C
    unrecoverable_waste: float  # W
    linear_flow_index: float  # LFI
    utility: float  # X
    utility_factor: float  # F(X)
    mci: float


def _check(data: MciInput) -> None:
    fractions = {
        "recycled_feedstock": data.recycled_feedstock,
        "reused_feedstock": data.reused_feedstock,
        "collected_for_recycling": data.collected_for_recycling,
        "collected_for_reuse": data.collected_for_reuse,
        "feedstock_recycling_efficiency": data.feedstock_recycling_efficiency,
        "collection_recycling_efficiency": data.collection_recycling_efficiency,
    }
    for name, value in fractions.items():
        if not 0.0 <= value <= 1.0:
            raise RuleViolation("mci.fraction_range", f"{name} must be a fraction between 0 and 1.")
    if data.recycled_feedstock + data.reused_feedstock > 1.0 + 1e-9:
        raise RuleViolation(
            "mci.feedstock_over_one",
            "Recycled plus reused feedstock cannot exceed the whole feedstock (F_R + F_U <= 1).",
            detail_es="La materia prima reciclada más la reutilizada no puede superar el total.",
        )
    if data.collected_for_recycling + data.collected_for_reuse > 1.0 + 1e-9:
        raise RuleViolation(
            "mci.collection_over_one",
            "Collection for recycling plus for reuse cannot exceed the product (C_R + C_U <= 1).",
            detail_es="La recolección para reciclaje más la de reutilización no puede superar el total.",
        )
    if data.recycled_feedstock > 0 and data.feedstock_recycling_efficiency == 0:
        raise RuleViolation(
            "mci.feedstock_efficiency_zero",
            "Recycled feedstock needs a recycling efficiency E_F above 0 (W_F divides by it).",
            detail_es="Con materia prima reciclada, la eficiencia de reciclaje E_F debe ser mayor que 0.",
        )
    positives = {
        "mass": data.mass,
        "lifetime": data.lifetime,
        "average_lifetime": data.average_lifetime,
        "functional_units": data.functional_units,
        "average_functional_units": data.average_functional_units,
    }
    for name, value in positives.items():
        if value <= 0:
            raise RuleViolation("mci.positive", f"{name} must be greater than 0.")
    for item in fields(data):
        if not math.isfinite(getattr(data, item.name)):
            raise RuleViolation("mci.not_finite", f"{item.name} must be a finite number.")


def _out_of_range() -> RuleViolation:
    return RuleViolation(
        "mci.out_of_range",
        "The inputs are too extreme to compute the indicator in double precision (a ratio such as "
        "L/L_av or U/U_av, or the mass, overflows or vanishes); use values in realistic units.",
        detail_es="Los datos son demasiado extremos para calcular el indicador (un cociente como L/L_av "
        "o U/U_av, o la masa, desborda o se anula); use valores en unidades realistas.",
    )


def material_circularity(data: MciInput) -> MciResult:
    _check(data)
    m = data.mass
    virgin = m * (1 - data.recycled_feedstock - data.reused_feedstock)
    linear_waste = m * (1 - data.collected_for_recycling - data.collected_for_reuse)
    feedstock_waste = (
        m
        * (1 - data.feedstock_recycling_efficiency)
        * data.recycled_feedstock
        / data.feedstock_recycling_efficiency
        if data.recycled_feedstock > 0
        else 0.0
    )
    collection_waste = m * (1 - data.collection_recycling_efficiency) * data.collected_for_recycling
    waste = linear_waste + (feedstock_waste + collection_waste) / 2
    lfi = (virgin + waste) / (2 * m + (feedstock_waste - collection_waste) / 2)
    utility = (data.lifetime / data.average_lifetime) * (
        data.functional_units / data.average_functional_units
    )
    if not (math.isfinite(utility) and utility > 0):
        raise _out_of_range()
    utility_factor = UTILITY_NUMERATOR / utility
    result = MciResult(
        mass=m,
        virgin_feedstock=virgin,
        linear_waste=linear_waste,
        feedstock_recycling_waste=feedstock_waste,
        collection_recycling_waste=collection_waste,
        unrecoverable_waste=waste,
        linear_flow_index=lfi,
        utility=utility,
        utility_factor=utility_factor,
        mci=max(0.0, 1 - lfi * utility_factor),
    )
    # Every figure is a finite JSON number (inf/NaN would reach clients as null).
    if not all(math.isfinite(getattr(result, item.name)) for item in fields(result)):
        raise _out_of_range()
    return result
