"""The programme's fixed vocabulary (GIZ/PRODUCE, "Integrar la economía circular en las mipymes
manufactureras", Lima, marzo 2024): the Commission's regional nodes, the four training
methodologies, the kinds of sensitisation activity, and the attributes attendance sheets carry.

Spanish words as organisers write them (with or without accents, any case) are read by
:func:`parse_choice`, so one sheet may say "Mujer", another "F" and a third "femenino".
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum


def fold(text: str) -> str:
    """Lower-case, accents and surrounding/inner extra spaces removed: 'Razón  Social ' -> 'razon social'."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.lower().split())


class Node(StrEnum):
    """The three regional nodes of the Comisión por una Economía Circular Manufactura en Perú."""

    arequipa = "arequipa"
    la_libertad = "la_libertad"
    lima = "lima"


NODE_NAMES: dict[Node, str] = {
    Node.arequipa: "Arequipa",
    Node.la_libertad: "La Libertad",
    Node.lima: "Lima",
}


class EntityType(StrEnum):
    """Who offers the qualification or advice: a public or a private entity (the document's first axis)."""

    public = "public"
    private = "private"


class Depth(StrEnum):
    """How deep the accompaniment of the company goes (the document's second axis)."""

    awareness = "awareness"
    accompaniment = "accompaniment"


class Methodology(StrEnum):
    """The four training methodologies ("04 metodologías de capacitación desarrolladas para la oferta de
    cualificación y asesoramiento, de acuerdo con el tipo de entidad pública o privada y el grado de
    profundidad en el acompañamiento"). The document names only one, ecocanvas (in which 13 CITE
    specialists were trained); the other three are named here by their place on the document's two
    axes, and their Spanish names are ours until the programme gives its own."""

    ecocanvas = "ecocanvas"
    public_awareness = "public_awareness"
    private_awareness = "private_awareness"
    private_accompaniment = "private_accompaniment"


@dataclass(frozen=True)
class MethodologyInfo:
    code: Methodology
    name_es: str
    entity_type: EntityType
    depth: Depth
    named_in_source: bool
    summary: str


METHODOLOGIES: dict[Methodology, MethodologyInfo] = {
    m.code: m
    for m in (
        MethodologyInfo(
            Methodology.ecocanvas,
            "Ecocanvas",
            EntityType.public,
            Depth.accompaniment,
            True,
            "Deep accompaniment by public technology centres (the CITE network): the company's model "
            "redrawn as a circular canvas, measure by measure.",
        ),
        MethodologyInfo(
            Methodology.public_awareness,
            "Sensibilización por entidades públicas",
            EntityType.public,
            Depth.awareness,
            False,
            "Awareness delivered by public entities (PRODUCE, regional governments, programmes such "
            "as Tu Empresa): talks, fairs, the micro-course.",
        ),
        MethodologyInfo(
            Methodology.private_awareness,
            "Sensibilización por entidades privadas",
            EntityType.private,
            Depth.awareness,
            False,
            "Awareness delivered by private entities (chambers, guilds, universities, consultants).",
        ),
        MethodologyInfo(
            Methodology.private_accompaniment,
            "Acompañamiento por entidades privadas",
            EntityType.private,
            Depth.accompaniment,
            False,
            "Deep accompaniment by private advisers towards the company's first circular measures.",
        ),
    )
}


class ActivityKind(StrEnum):
    """A sensitisation activity held by a node or a partner."""

    talk = "talk"
    workshop = "workshop"
    fair = "fair"
    micro_course_cohort = "micro_course_cohort"


ACTIVITY_KIND_NAMES: dict[ActivityKind, str] = {
    ActivityKind.talk: "Charla",
    ActivityKind.workshop: "Taller",
    ActivityKind.fair: "Feria",
    ActivityKind.micro_course_cohort: "Cohorte del microcurso",
}


class OrganiserKind(StrEnum):
    node = "node"
    partner = "partner"


class Gender(StrEnum):
    """Kept for the women indicators; ``not_stated`` when the sheet does not say."""

    female = "female"
    male = "male"
    other = "other"
    not_stated = "not_stated"


class CompanySize(StrEnum):
    """Mipymes of any size (Ley 30056 bands by annual sales), and large companies that attend too."""

    micro = "micro"
    small = "small"
    medium = "medium"
    large = "large"


class TraineeKind(StrEnum):
    """People trained to deliver the methodologies (not companies' staff)."""

    specialist = "specialist"  # e.g. CITE network staff
    public_official = "public_official"


# What organisers write in their sheets, folded (fold()), for each value.
GENDER_WORDS: dict[str, Gender] = {
    **dict.fromkeys(("f", "femenino", "mujer", "female", "woman", "m/f femenino"), Gender.female),
    **dict.fromkeys(("m", "masculino", "hombre", "varon", "male", "man"), Gender.male),
    **dict.fromkeys(("otro", "otra", "other", "no binario", "x"), Gender.other),
    **dict.fromkeys(
        ("", "-", "prefiere no decir", "no indica", "nd", "n/d", "not_stated"), Gender.not_stated
    ),
}
SIZE_WORDS: dict[str, CompanySize] = {
    **dict.fromkeys(("micro", "microempresa", "mype micro"), CompanySize.micro),
    **dict.fromkeys(("pequena", "pequena empresa", "small", "pequeno"), CompanySize.small),
    **dict.fromkeys(("mediana", "mediana empresa", "medium"), CompanySize.medium),
    **dict.fromkeys(("grande", "gran empresa", "large"), CompanySize.large),
}
YES_WORDS = frozenset(("si", "s", "x", "yes", "y", "true", "1", "verdadero"))
NO_WORDS = frozenset(("no", "n", "false", "0", "falso"))
NODE_WORDS: dict[str, Node] = {
    **dict.fromkeys(("arequipa", "nodo arequipa", "aqp"), Node.arequipa),
    **dict.fromkeys(("la libertad", "la_libertad", "nodo la libertad", "trujillo"), Node.la_libertad),
    **dict.fromkeys(("lima", "nodo lima", "lima metropolitana"), Node.lima),
}


def parse_gender(text: str) -> Gender | None:
    return GENDER_WORDS.get(fold(text))


def parse_size(text: str) -> CompanySize | None:
    return SIZE_WORDS.get(fold(text))


def parse_yes_no(text: str) -> bool | None:
    """True/False for the words organisers use; None for a blank cell; raises ValueError otherwise."""
    word = fold(text)
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    if word in ("", "-", "nd", "n/d"):
        return None
    raise ValueError(word)


def parse_node(text: str) -> Node | None:
    return NODE_WORDS.get(fold(text))
