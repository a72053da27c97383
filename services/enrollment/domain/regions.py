"""Peru's regions (24 departments and the Constitutional Province of Callao).

Stored under their official Spanish names; input is matched without regard to case or
accents ("ancash" -> "Áncash"). The PRODUCE circular-economy commission has regional
nodes in Arequipa, La Libertad and Lima (GIZ, "Integrar la economía circular en las
mipymes manufactureras"), which the region report singles out.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from shared.errors import RuleViolation

REGIONS: tuple[str, ...] = (
    "Amazonas",
    "Áncash",
    "Apurímac",
    "Arequipa",
    "Ayacucho",
    "Cajamarca",
    "Callao",
    "Cusco",
    "Huancavelica",
    "Huánuco",
    "Ica",
    "Junín",
    "La Libertad",
    "Lambayeque",
    "Lima",
    "Loreto",
    "Madre de Dios",
    "Moquegua",
    "Pasco",
    "Piura",
    "Puno",
    "San Martín",
    "Tacna",
    "Tumbes",
    "Ucayali",
)

CIRCULAR_ECONOMY_NODES: frozenset[str] = frozenset({"Arequipa", "La Libertad", "Lima"})


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


# Common spellings people type in spreadsheets, mapped to the official region.
_ALIASES = {
    "cuzco": "Cusco",
    "lima metropolitana": "Lima",
    "lima provincias": "Lima",
    "lima region": "Lima",
    "ancash": "Áncash",
    "prov. const. del callao": "Callao",
    "provincia constitucional del callao": "Callao",
}
_BY_FOLDED = {_fold(name): name for name in REGIONS} | _ALIASES


def parse_region(text: str) -> str | None:
    """The official name of the region ``text`` designates, or None."""
    return _BY_FOLDED.get(_fold(text))


def is_circular_economy_node(region: str) -> bool:
    return region in CIRCULAR_ECONOMY_NODES


def unknown_region(text: object) -> str:
    """What is said of text that names no region of Peru."""
    return f"{text!r} is not a region of Peru; use one of: {', '.join(REGIONS)}."


def ensure_region(text: str) -> str:
    """The official name of the region ``text`` designates, or 422 ``region.unknown``."""
    region = parse_region(text)
    if region is None:
        raise RuleViolation("region.unknown", unknown_region(text))
    return region


@dataclass(frozen=True)
class RegionFigures:
    """One region's line of the programme report."""

    region: str
    circular_economy_node: bool
    companies: int = 0
    women_led: int = 0
    participants: int = 0
    certification_eligible: int = 0


def per_region(counted: Mapping[str, RegionFigures]) -> list[RegionFigures]:
    """Every region in official order, with zeros where nothing was counted."""
    return [counted.get(r) or RegionFigures(r, is_circular_economy_node(r)) for r in REGIONS]
