"""The validated types every schema and query parameter of the API is built from.

Each type states its bounds in the OpenAPI document (minimum, maximum, maxLength) and
refuses anything beyond them with a 422 before a query runs (xuejiao.core.limits says
why each bound exists). Schemas never use a bare int, str or date for input.
"""

from datetime import date, datetime
from typing import Annotated

from django.db import models
from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from xuejiao.core.limits import MAX_ID, MAX_OFFSET, MAX_PEOPLE, MAX_SMALL_INT, date_refusal, text_refusal


def _plausible_date(value: date) -> date:
    refusal = date_refusal(value)
    if refusal:
        raise PydanticCustomError("implausible_date", refusal)
    return value


def _plausible_datetime(value: datetime) -> datetime:
    # The date as written: converting an instant at the calendar's edge to local time
    # could itself overflow.
    _plausible_date(value.date())
    return value


def _storable_text(value: str) -> str:
    refusal = text_refusal(value)
    if refusal:
        raise PydanticCustomError("nul_character", refusal)
    return value


# A row id, in a path, a filter or a body.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# Where a page of a list starts (each list bounds its own `limit`).
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
# A number of people at one activity.
People = Annotated[int, Field(ge=0, le=MAX_PEOPLE)]
# A record's version, as read (see the PATCH of an activity).
Version = Annotated[int, Field(ge=1, le=MAX_SMALL_INT)]
PlausibleDate = Annotated[date, AfterValidator(_plausible_date)]
PlausibleDateTime = Annotated[datetime, AfterValidator(_plausible_datetime)]
# Search text and other short free text in a query string.
SearchText = Annotated[str, StringConstraints(max_length=100), AfterValidator(_storable_text)]


def text(max_length: int | None = None, *, required: bool = False):
    """Free text that can be stored: no NUL character, at most `max_length` characters,
    surrounding spaces removed; `required` text may not be blank (spaces alone are blank)."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, max_length=max_length, min_length=1 if required else None),
        AfterValidator(_storable_text),
    ]


def model_text(model: type[models.Model], name: str):
    """The text type of a model's text field: its max_length, required unless blank=True."""
    field = model._meta.get_field(name)
    return text(field.max_length, required=not field.blank)


def _no_default(schema: dict) -> None:
    schema.pop("default", None)


def unset():
    """The default of a field a change may leave out but never set to null: left out, it is
    not in the change (exclude_unset); sent as null, it is refused like any wrong type."""
    return Field(None, json_schema_extra=_no_default)
