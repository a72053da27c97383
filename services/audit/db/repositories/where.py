"""A listing's filter as WHERE clauses: each field given must equal the column of its name."""

from __future__ import annotations

from collections.abc import Set

import sqlalchemy as sa
from pydantic import BaseModel


def equal_to(
    table: sa.Table, filters: BaseModel, *, exclude: Set[str] = frozenset()
) -> list[sa.ColumnElement[bool]]:
    given = filters.model_dump(exclude_none=True, exclude=set(exclude))
    return [table.c[name] == value for name, value in given.items()]
