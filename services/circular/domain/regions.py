"""Nodes and genders as the micro-course's learners and attendance sheets write them.

GIZ, "Integrar la economía circular en las mipymes manufactureras": the Commission for a
Circular Economy in Manufacturing has three regional nodes, Arequipa, La Libertad and Lima.
A learner from another region reaches no node (``None``): counted in the total, under
"sin nodo" by node.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum


class Node(StrEnum):
    arequipa = "arequipa"
    la_libertad = "la_libertad"
    lima = "lima"


class Gender(StrEnum):
    female = "female"
    male = "male"
    other = "other"
    unspecified = "unspecified"


def fold(text: str | None) -> str:
    """Lower case, no accents, single spaces: how free text is compared."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().replace("_", " ").replace("-", " ").split())


_NODES = {
    "arequipa": Node.arequipa,
    "aqp": Node.arequipa,
    "la libertad": Node.la_libertad,
    "libertad": Node.la_libertad,
    "trujillo": Node.la_libertad,
    "lima": Node.lima,
    "lima metropolitana": Node.lima,
    "callao": Node.lima,
}

_GENDERS = {
    "f": Gender.female,
    "female": Gender.female,
    "femenino": Gender.female,
    "mujer": Gender.female,
    "m": Gender.male,
    "male": Gender.male,
    "masculino": Gender.male,
    "hombre": Gender.male,
    "varon": Gender.male,
    "otro": Gender.other,
    "other": Gender.other,
    "no binario": Gender.other,
}


def node_of(text: str | None) -> Node | None:
    """The node a region or node name belongs to; ``None`` for another region or none."""
    return _NODES.get(fold(text))


def is_known_node(text: str | None) -> bool:
    return fold(text) in _NODES


def gender_of(text: str | None) -> Gender:
    """A stated gender; anything unstated or unrecognised is ``unspecified`` (never guessed)."""
    return _GENDERS.get(fold(text), Gender.unspecified)


def is_known_gender(text: str | None) -> bool:
    folded = fold(text)
    return folded in _GENDERS or folded in ("", "prefiero no decir", "no especifica", "unspecified")
