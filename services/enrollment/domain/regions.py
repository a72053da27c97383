"""Peru's regions (24 departments and the Constitutional Province of Callao).

Stored under their official Spanish names; input is matched without regard to case or
accents ("ancash" -> "Áncash"). The PRODUCE circular-economy commission has regional
nodes in Arequipa, La Libertad and Lima (GIZ, "Integrar la economía circular en las
mipymes manufactureras"), which the region report singles out.
"""

from __future__ import annotations

import unicodedata

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
