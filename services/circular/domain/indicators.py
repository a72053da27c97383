"""The programme's indicators: each figure is a name, a written definition and a query (db/indicators.py).

The GIZ/PRODUCE report counts "más de 3000 mipymes sensibilizadas ..., 57 que han iniciado el tránsito
hacia la circularidad, 32 de las cuales son dirigidas por mujeres", "13 especialistas de la red CITE
capacitados en la metodología ecocanvas" and "40 funcionarios públicos capacitados". The figures
below reproduce those counts from recorded facts, as of any date; their definitions are returned
with every answer and export, and listed in services/circular/README.md.

Common rules (stated once, applied by every figure):
- A window is ``[from, as_of]`` on the fact's own date (the day an activity was held, a journey
  started, a training ended), both inclusive; ``from`` empty means since the first record. Facts
  recorded later about earlier days count on their own days: a report as of 31 March 2024 rebuilt in
  June includes a sheet from a March talk uploaded in April.
- Companies and people are counted distinct: by RUC, and by person (folded name + company RUC).
- By node, methodology or kind, a company (person) counts once in each group where it has a fact, so
  the groups may add up to more than the total. By period, it counts once, in the period of its first
  fact in the window, so the periods add up to the total.
- Women-led, manufacturing and size are the company's latest recorded facts; a company whose sheet
  never said is "not stated", never counted as no.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

RULES = (
    "Window [from, as_of] on each fact's own date (activity held, journey started, training ended), both "
    "inclusive; facts recorded later about earlier days count on their days. Companies are counted distinct "
    "by RUC and people by name and company (or institution). By node, methodology, kind or gender a subject "
    "counts once in each group where it has a fact, so groups may add up to more than the total; by period "
    "it counts once, in the period of its first fact in the window, so periods add up to the total. "
    "Women-led, manufacturing and size are the latest recorded facts; 'not stated' is never counted as no."
)

SUPPRESSION = (
    "Public breakdown cells from 1 to 4 are withheld (value null, suppressed true): a count of women-led "
    "companies or of people trained in one node can point at one person (a natural person's business, RUC "
    "10; a one-woman CITE team). When only one cell of a breakdown would be withheld, the next smallest is "
    "withheld too, so the total does not give it away. Totals are never withheld: they are the programme's "
    "published figures."
)


class Dimension(StrEnum):
    node = "node"
    methodology = "methodology"
    kind = "kind"
    period = "period"
    gender = "gender"


class Period(StrEnum):
    month = "month"
    quarter = "quarter"
    year = "year"


@dataclass(frozen=True)
class Window:
    as_of: date
    start: date | None = None

    def __post_init__(self) -> None:
        if self.start is not None and self.start > self.as_of:
            from shared.errors import RuleViolation

            raise RuleViolation(
                "circular.window",
                f"'from' ({self.start}) is after 'as_of' ({self.as_of}).",
                detail_es=f"'from' ({self.start}) es posterior a 'as_of' ({self.as_of}).",
            )


@dataclass(frozen=True)
class Figure:
    name: str
    label_es: str
    unit: str
    definition: str
    definition_es: str
    dimensions: frozenset[Dimension]
    source: str  # the document's wording this figure reproduces, or "" when it has none
    kind_of: str | None = "activity"  # what its `kind` is: an activity's, a trainee's, or none

    def filterable(self, *, activity_kind: bool, trainee_kind: bool) -> bool:
        """Whether a kind filter can apply: a figure without that kind is not applicable then."""
        return not (activity_kind and self.kind_of != "activity") and not (
            trainee_kind and self.kind_of != "trainee"
        )


_ACTIVITY_DIMS = frozenset({Dimension.node, Dimension.methodology, Dimension.kind, Dimension.period})
_PEOPLE_DIMS = _ACTIVITY_DIMS | {Dimension.gender}
_JOURNEY_DIMS = frozenset({Dimension.node, Dimension.methodology, Dimension.period})

FIGURES: dict[str, Figure] = {
    f.name: f
    for f in (
        Figure(
            "companies_sensitised",
            "Mipymes sensibilizadas",
            "companies",
            "Distinct companies (RUC) that attended at least one sensitisation activity (talk, workshop, "
            "fair or micro-course cohort) held in the window, or one of whose people enrolled in the WhatsApp "
            "micro-course in the window, whether or not they are registered in PROMPERÚ's programme. A "
            "registration alone is not a sensitisation.",
            "Empresas distintas (RUC) que asistieron al menos a una actividad de sensibilización (charla, "
            "taller, feria o cohorte del microcurso) realizada en el periodo, o una de cuyas personas se "
            "inscribió en el microcurso de WhatsApp en el periodo, estén o no inscritas en el programa de "
            "PROMPERÚ. La sola inscripción en PROMPERÚ no es sensibilización.",
            _ACTIVITY_DIMS,
            "Más de 3000 mipymes sensibilizadas en economía circular",
        ),
        Figure(
            "companies_sensitised_women_led",
            "Mipymes sensibilizadas dirigidas por mujeres",
            "companies",
            "Of the companies sensitised, those whose latest record says they are led by a woman.",
            "De las empresas sensibilizadas, aquellas cuyo último registro indica que son dirigidas por una "
            "mujer.",
            _ACTIVITY_DIMS,
            "",
        ),
        Figure(
            "companies_sensitised_women_led_not_stated",
            "Mipymes sensibilizadas sin dato de liderazgo",
            "companies",
            "Of the companies sensitised, those no record says whether a woman leads them (the margin of "
            "the women-led figure).",
            "De las empresas sensibilizadas, aquellas de las que ningún registro indica si las dirige una "
            "mujer (el margen de la cifra anterior).",
            _ACTIVITY_DIMS,
            "",
        ),
        Figure(
            "companies_sensitised_manufacturing",
            "Mipymes manufactureras sensibilizadas",
            "companies",
            "Of the companies sensitised, those whose latest record says they manufacture.",
            "De las empresas sensibilizadas, aquellas cuyo último registro indica que son manufactureras.",
            _ACTIVITY_DIMS,
            "",
        ),
        Figure(
            "people_sensitised",
            "Personas sensibilizadas",
            "people",
            "Distinct people (name and company) who signed the attendance of at least one sensitisation "
            "activity held in the window, and micro-course learners enrolled in it (one per WhatsApp "
            "number); by gender as stated.",
            "Personas distintas (nombre y empresa) que firmaron la asistencia de al menos una actividad de "
            "sensibilización del periodo, y participantes inscritos en el microcurso (uno por número de "
            "WhatsApp); por género según lo declarado.",
            _PEOPLE_DIMS,
            "",
        ),
        Figure(
            "activities_held",
            "Actividades de sensibilización realizadas",
            "activities",
            "Sensitisation activities held in the window.",
            "Actividades de sensibilización realizadas en el periodo.",
            _ACTIVITY_DIMS,
            "",
        ),
        Figure(
            "companies_started_transition",
            "Mipymes que iniciaron el tránsito hacia la circularidad",
            "companies",
            "Distinct companies (RUC) with a transition journey started in the window: committed to a "
            "measure with a baseline (journeys.started_on). A company counts on the day of its first "
            "journey; later journeys do not count it again, and a journey abandoned later still counts: the "
            "company did start.",
            "Empresas distintas (RUC) con un recorrido de transición iniciado en el periodo: comprometidas "
            "con una medida con línea base (journeys.started_on). Cuenta el día de su primer recorrido; un "
            "recorrido abandonado después sigue contando: la empresa sí inició.",
            _JOURNEY_DIMS,
            "57 que han iniciado el tránsito hacia la circularidad",
            None,
        ),
        Figure(
            "companies_started_transition_women_led",
            "Mipymes que iniciaron el tránsito, dirigidas por mujeres",
            "companies",
            "Of the companies that started the transition, those whose latest journey in the window records "
            "them as led by a woman (the journey records it when the company commits).",
            "De las empresas que iniciaron el tránsito, aquellas cuyo último recorrido del periodo las registra "
            "como dirigidas por una mujer (el recorrido lo registra al comprometerse la empresa).",
            _JOURNEY_DIMS,
            "32 de las cuales son dirigidas por mujeres",
            None,
        ),
        Figure(
            "people_trained",
            "Especialistas y funcionarios capacitados",
            "people",
            "Distinct people (name and institution) trained in a methodology: they attended at least the "
            "training's minimum share of its hours (80 % by default) in a training that ended in the "
            "window. By kind: specialists (e.g. the CITE network) and public officials.",
            "Personas distintas (nombre e institución) capacitadas en una metodología: asistieron al menos "
            "a la proporción mínima de horas de una capacitación (80 % por defecto) terminada en el periodo. "
            "Por tipo: especialistas (p. ej. red CITE) y funcionarios públicos.",
            frozenset(
                {Dimension.node, Dimension.methodology, Dimension.kind, Dimension.period, Dimension.gender}
            ),
            "13 especialistas de la red CITE capacitados en la metodología ecocanvas; 40 funcionarios "
            "públicos capacitados en economía circular",
            "trainee",
        ),
    )
}

# What the public hub shows ("Mi Empresa Circular"): counts of companies and people, never a person.
PUBLIC_FIGURES = (
    "companies_sensitised",
    "companies_sensitised_women_led",
    "activities_held",
    "companies_started_transition",
    "companies_started_transition_women_led",
    "people_trained",
)
# Breakdown cells below this are withheld in public answers (totals never are); see suppress().
SMALL_CELL = 5


@dataclass(frozen=True)
class Cell:
    group: str
    value: int | None
    suppressed: bool = False


def suppress(cells: list[tuple[str, int]], *, threshold: int = SMALL_CELL) -> list[Cell]:
    """Withhold small cells of a public breakdown (1 to threshold-1; 0 tells nothing about anyone).

    A breakdown of people by node and gender, or of women-led companies by node, can point at one
    person (a one-woman CITE team, a natural person's business, RUC 10): so 1-4 are withheld. When a
    single cell is withheld, the total would give it away, so the next smallest cell is withheld too
    (complementary suppression), a zero included: beside nothing but zeros, the small cell would be
    the total itself.
    """
    small = {g for g, v in cells if 0 < v < threshold}
    if len(small) == 1:
        rest = sorted((v, g) for g, v in cells if g not in small)
        if rest:
            small.add(rest[0][1])
    return [Cell(g, None, True) if g in small else Cell(g, v) for g, v in cells]
