"""One way to read a partial update (PATCH bodies and the like), the same in every service.

- A field left out keeps its value.
- ``null`` clears a field, and only a field whose type admits ``None`` can be cleared
  (declare ``note: str | None = None``). A field the database requires is declared without
  ``None`` in its type (``title: str = Field(None, min_length=3)``): ``null`` for it is a 422
  naming the field, from validation, before any handler runs (never a 500 from the column's
  NOT NULL constraint).

The OpenAPI document says the same: a non-clearable field is documented with its type only
(the ``None`` default that marks it optional is not a value, so it is not shown as one).
``changes()`` is what a handler applies: exactly the fields the client sent.
"""

from __future__ import annotations

import types
from typing import Any, ClassVar, Union, get_args, get_origin

from pydantic import BaseModel, Field, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from shared.schemas import Input


def admits_none(annotation: Any) -> bool:
    """True when ``None`` is a valid value of the annotation (``X | None``, ``Optional[X]``, ``Any``)."""
    if annotation is Any or annotation is None or annotation is type(None):
        return True
    origin = get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        return any(admits_none(arg) for arg in get_args(annotation))
    if origin is not None and getattr(origin, "__name__", "") == "Annotated":  # pragma: no cover
        return admits_none(get_args(annotation)[0])
    return False


def _document_partial(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """Drop the ``"default": null`` of fields that cannot be null (it is "left out", not a value)."""
    properties = schema.get("properties", {})
    for name, field in model.model_fields.items():
        prop = properties.get(field.alias or name)
        if prop is not None and prop.get("default", ...) is None and not admits_none(field.annotation):
            del prop["default"]


def left_out(**constraints: Any) -> Any:
    """A field that may be left out but not cleared: ``title: str = left_out(min_length=3)``.

    The same ``Field(None, ...)`` as the module docstring's, typed ``Any`` so that a type
    checker accepts the ``None`` default of a field whose type does not admit ``None``.
    """
    return Field(None, **constraints)


class PartialUpdate(Input):
    """Base of every partial-update body (an ``Input``: no NUL, no unknown field); see the
    module docstring for the rules."""

    # Fields that may be cleared with null, per subclass (computed from the annotations).
    clearable: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        for name, field in cls.model_fields.items():
            if field.is_required():
                raise TypeError(f"{cls.__name__}.{name}: every field of a partial update may be left out")
            if field.default is not None and field.default_factory is None:
                raise TypeError(
                    f"{cls.__name__}.{name}: a partial update's fields default to None (left out)"
                )
        cls.clearable = frozenset(n for n, f in cls.model_fields.items() if admits_none(f.annotation))

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        _document_partial(handler.resolve_ref_schema(schema), cls)
        return schema

    def changes(self, **dump: Any) -> dict[str, Any]:
        """The fields the client sent, as given (``null`` only where a field may be cleared)."""
        return self.model_dump(exclude_unset=True, **dump)
