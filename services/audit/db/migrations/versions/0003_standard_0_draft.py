"""Seed the standard's version "0-draft" (8 aspects, 112 requirements) and make it current.

The data file is the service's own (services/audit/standard_data/0-draft.json). It is a
draft built from the programme's themes, not PROMPERÚ's official text, and its metadata
says so; PROMPERÚ's official version is loaded later through the import endpoint.

Revision ID: audit_0003
Revises: audit_0002
"""

import json
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "audit_0003"
down_revision = "audit_0002"
branch_labels = None
depends_on = None

S = "audit"
VERSION = "0-draft"
DATA = Path(__file__).resolve().parents[3] / "standard_data" / f"{VERSION}.json"


def upgrade() -> None:
    doc = json.loads(DATA.read_text(encoding="utf-8"))
    versions = sa.table(
        "standard_versions",
        *(sa.column(c) for c in ("version", "title", "official", "source", "notes", "is_current",
                                  "aspect_count", "requirement_count", "imported_by", "imported_at")),
        schema=S,
    )
    aspects = sa.table("aspects", *(sa.column(c) for c in ("version", "code", "number", "name", "description")), schema=S)
    requirements = sa.table(
        "requirements",
        *(sa.column(c) for c in ("version", "code", "aspect_code", "position", "text", "evidence_expected", "workshop")),
        schema=S,
    )
    op.execute(
        versions.insert().values(
            version=VERSION, title=doc["title"], official=False, source=doc["source"], notes=doc["notes"],
            is_current=True, aspect_count=len(doc["aspects"]), requirement_count=len(doc["requirements"]),
            imported_by="migration audit_0003", imported_at=sa.func.now(),
        )
    )
    op.bulk_insert(
        aspects,
        [{"version": VERSION, "code": a["code"], "number": i, "name": a["name"], "description": a["description"]}
         for i, a in enumerate(doc["aspects"], 1)],
    )
    positions: dict[str, int] = {}
    rows = []
    for r in doc["requirements"]:
        positions[r["aspect_code"]] = positions.get(r["aspect_code"], 0) + 1
        rows.append({"version": VERSION, "code": r["code"], "aspect_code": r["aspect_code"],
                     "position": positions[r["aspect_code"]], "text": r["text"],
                     "evidence_expected": r["evidence_expected"], "workshop": r["workshop"]})
    op.bulk_insert(requirements, rows)


def downgrade() -> None:
    op.execute(sa.text(f"DELETE FROM {S}.standard_versions WHERE version = :v").bindparams(v=VERSION))
