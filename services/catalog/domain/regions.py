"""The regional nodes of the Comisión por una Economía Circular Manufactura en Perú.

GIZ, "Integrar la economía circular en las mipymes manufactureras", Procedimiento: the
Commission "cuenta con tres nodos regionales (Arequipa, La Libertad y Lima)". The
programme reports certified companies per node; every other region counts as ``others``.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum


class RegionNode(StrEnum):
    arequipa = "arequipa"
    la_libertad = "la_libertad"
    lima = "lima"
    others = "others"


# Lima's node covers Lima Metropolitana and Lima Provincias (both start with "lima").
_NODE_PREFIXES: tuple[tuple[str, RegionNode], ...] = (
    ("arequipa", RegionNode.arequipa),
    ("la libertad", RegionNode.la_libertad),
    ("lima", RegionNode.lima),
)


def fold(text: str) -> str:
    """Lower case without accents, spaces collapsed: how names are compared."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.lower().split())


def region_node(region: str | None) -> RegionNode:
    folded = fold(region or "")
    for prefix, node in _NODE_PREFIXES:
        if folded.startswith(prefix):
            return node
    return RegionNode.others
