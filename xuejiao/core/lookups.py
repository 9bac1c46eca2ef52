"""`field__in=[…]`: the lookup every query with a list of ids or codes goes through.

Two changes to Django's, registered for every field (CoreConfig.ready):

- Plain values are prepared in one pass. Django sends each value of the list through the
  field twice (get_prep_value, then get_db_prep_value, testing each for an expression in
  between; a foreign key normalises it first). When every value already has the type the
  column stores, exactly (int for integer columns and keys, str for text), and the field
  prepares such values with Django's own methods, both steps return the value unchanged,
  so they are skipped. The completion refresh of an import of 100,000 records names
  90,000 organisations in such lists, and the import's lookups 130,000 numbers and codes:
  0.3 s on SQLite. Any other list (strings for an integer column, model instances,
  expressions, dates, enum members) is prepared Django's way.
- On PostgreSQL the values travel as one array parameter (postgresql.lookups).
"""

from django.db import models
from django.db.models import Field, ForeignObject, lookups
from django.db.models.fields import AutoFieldMixin
from django.db.models.fields.related_lookups import RelatedIn
from django.utils.datastructures import OrderedSet

from .postgresql.lookups import ArrayParameter

# (field class, the Python type its column takes unchanged). A field counts only when it
# prepares values with these classes' own methods (a subclass may transform them).
PLAIN_FIELDS = ((models.IntegerField, int), (models.CharField, str), (models.TextField, str))


def plain_type(field) -> type | None:
    for base, python_type in PLAIN_FIELDS:
        if isinstance(field, base):
            own = type(field)
            # Django's AutoField family adds to IntegerField only a check that SQLite and
            # PostgreSQL do not make (validate_autopk_value).
            django_own = (base.get_db_prep_value, AutoFieldMixin.get_db_prep_value)
            if own.get_prep_value is base.get_prep_value and own.get_db_prep_value in django_own:
                return python_type
            return None
    return None


class PlainValues:
    """Skips the preparation of values that need none (see the module's docstring)."""

    def target_field(self):
        field = getattr(self.lhs, "output_field", None)
        if field is not None and hasattr(field, "path_infos"):  # a relation: its target column
            field = field.path_infos[-1].target_fields[-1]
        return field

    def plain_values(self, values) -> list | None:
        # Django hands batch_process_rhs the list without its None values, as an OrderedSet.
        if not isinstance(values, list | tuple | set | frozenset | OrderedSet):
            return None
        python_type = plain_type(self.target_field())
        if python_type is None:
            return None
        values = list(values)
        if all(value.__class__ is python_type or value is None for value in values):
            return values
        return None

    def get_prep_lookup(self):
        values = self.plain_values(self.rhs)
        if values is not None:
            return values
        return super().get_prep_lookup()

    def batch_process_rhs(self, compiler, connection, rhs=None):
        values = self.plain_values(self.rhs if rhs is None else rhs)
        if values is not None:
            return ("%s",) * len(values), tuple(values)
        return super().batch_process_rhs(compiler, connection, rhs)


class In(PlainValues, ArrayParameter, lookups.In):
    pass


class RelatedArrayIn(PlainValues, ArrayParameter, RelatedIn):
    pass


def register() -> None:
    Field.register_lookup(In)
    ForeignObject.register_lookup(RelatedArrayIn, lookup_name="in")
