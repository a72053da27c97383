"""One reading of partial updates in every service (shared/partial.py).

A field left out keeps its value; ``null`` clears it only where the database allows NULL;
``null`` for a required column is a 422 naming the field (it used to reach the column's NOT
NULL constraint and answer 500). Checked for every PATCH body (and the reschedule body)
of every service, against the columns each field is written to.
"""

from __future__ import annotations

import importlib

import pytest
import sqlalchemy as sa
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import Field, ValidationError

from shared.partial import PartialUpdate
from shared.settings import SERVICES as ALL_SERVICES


class _Example(PartialUpdate):
    title: str = Field(None, min_length=3)
    note: str | None = None
    tags: list[str] = None


def test_left_out_keeps_null_clears_only_where_allowed():
    assert _Example.model_validate({}).changes() == {}
    assert _Example.model_validate({"note": None}).changes() == {"note": None}
    assert _Example.model_validate({"title": "Guía"}).changes() == {"title": "Guía"}
    with pytest.raises(ValidationError) as error:
        _Example.model_validate({"title": None, "tags": None})
    assert {e["loc"][0] for e in error.value.errors()} == {"title", "tags"}
    assert _Example.clearable == {"note"}


def test_the_schema_documents_required_columns_as_not_nullable():
    properties = _Example.model_json_schema()["properties"]
    assert properties["title"] == {"minLength": 3, "title": "Title", "type": "string"}
    assert {"type": "null"} in properties["note"]["anyOf"]
    assert "default" not in properties["tags"] and properties["tags"]["type"] == "array"
    assert not _Example.model_json_schema().get("required")


def test_a_partial_update_field_cannot_be_required_or_default_to_a_value():
    with pytest.raises(TypeError, match="left out"):

        class _Required(PartialUpdate):
            title: str

    with pytest.raises(TypeError, match="default to None"):

        class _Defaulted(PartialUpdate):
            active: bool = True


SERVICES = (*ALL_SERVICES, "gateway")


def _patch_bodies() -> dict[str, type]:
    bodies = {}
    for service in SERVICES:
        app = importlib.import_module(f"services.{service}.main").create_app()
        for context in iter_route_contexts(app.routes):
            route = context.original_route
            if isinstance(route, APIRoute) and "PATCH" in route.methods and route.body_field:
                bodies[f"PATCH {service} {route.path}"] = route.body_field.field_info.annotation
    return bodies


def test_every_patch_body_of_every_service_is_a_partial_update():
    bodies = _patch_bodies()
    assert len(bodies) >= 9, bodies
    for operation, model in bodies.items():
        assert issubclass(model, PartialUpdate), f"{operation} takes {model.__name__}, not a PartialUpdate"


def _pairs():
    from services.audit.api.schemas import BodyUpdate
    from services.audit.db.tables import certification_bodies
    from services.catalog.api.schemas import ResourceUpdate, SuccessStoryUpdate
    from services.catalog.db.tables import resources, success_stories
    from services.enrollment.api.schemas import CohortUpdate, CompanyUpdate, MonitorUpdate, SiteUpdate
    from services.enrollment.db import tables as enrollment
    from services.training.api.schemas import AttendeeUpdate, CohortSettingsUpdate, SessionReschedule
    from services.training.db.tables import attendees, cohorts, sessions
    from services.webhooks.api.schemas import SubscriptionUpdate
    from services.webhooks.db.tables import subscriptions as webhook_subscriptions

    return [
        (ResourceUpdate, resources, {}),
        (SuccessStoryUpdate, success_stories, {"factor_codes": "factor_refs"}),
        (AttendeeUpdate, attendees, {}),
        (CohortSettingsUpdate, cohorts, {}),
        (SessionReschedule, sessions, {"ends_at": None}),
        (CompanyUpdate, enrollment.companies, {}),
        (SiteUpdate, enrollment.company_sites, {}),
        (CohortUpdate, enrollment.cohorts, {}),
        (MonitorUpdate, enrollment.monitors, {}),
        (BodyUpdate, certification_bodies, {}),
        (SubscriptionUpdate, webhook_subscriptions, {}),
    ]


def test_only_fields_of_nullable_columns_may_be_cleared():
    for model, table, renames in _pairs():
        assert issubclass(model, PartialUpdate), model.__name__
        for name in model.model_fields:
            column_name = renames.get(name, name)
            if column_name is None:  # not a column (ends_at: another way to give the duration)
                assert name not in model.clearable
                continue
            column: sa.Column = table.c[column_name]
            assert (name in model.clearable) == bool(column.nullable), (
                f"{model.__name__}.{name}: clearable={name in model.clearable}, "
                f"{table.name}.{column_name} nullable={column.nullable}"
            )
