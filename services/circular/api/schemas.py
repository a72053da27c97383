"""Request and response schemas of the circular API (``XCreate / XUpdate / XPublic``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from services.circular.domain.reference import (
    ActivityKind,
    Depth,
    EntityType,
    Methodology,
    Node,
)


class PublicModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- reference ----------------------------------------------------------------------------


class NodePublic(PublicModel):
    code: Node
    name: str


class MethodologyPublic(PublicModel):
    code: Methodology
    name_es: str
    entity_type: EntityType = Field(description="who offers it: a public or a private entity")
    depth: Depth = Field(description="how deep the accompaniment of the company goes")
    named_in_source: bool = Field(
        description="true when the GIZ/PRODUCE document names it (only ecocanvas); the others are named "
        "by their place on the document's two axes"
    )
    summary: str


class ActivityKindPublic(PublicModel):
    code: ActivityKind
    name_es: str


class ReferencePublic(PublicModel):
    nodes: list[NodePublic]
    methodologies: list[MethodologyPublic]
    activity_kinds: list[ActivityKindPublic]
