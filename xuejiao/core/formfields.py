"""The form fields every page's forms are built from.

- Choices read from a model: every such list in the project is short (campaigns, their
  phases, systems), so its choices are read by one ordinary query.
- Bounded fields: ids, small numbers, counts of people and dates that refuse, with a
  clear message, what the database could not take or no one means (xuejiao.core.limits).
  Django's CharField already refuses NUL characters and, stripped, blank required text.
"""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from .limits import MAX_ID, MAX_PEOPLE, MAX_SMALL_INT, date_refusal


class PlainQueryChoiceIterator(ModelChoiceIterator):
    """The choices read by one ordinary query.

    Django's iterator reads them with QuerySet.iterator(), which on PostgreSQL opens a
    server-side cursor (DECLARE … WITH HOLD, FETCH, CLOSE: three round trips and a copy of
    the result) to save memory on long lists. A drop-down of a few dozen rows is cheaper
    read at once.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():  # a fresh read at every rendering, as Django's
            yield self.choice(obj)


class ShortModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField over a short list (see PlainQueryChoiceIterator)."""

    iterator = PlainQueryChoiceIterator


class ShortModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField over a short list (see PlainQueryChoiceIterator)."""

    iterator = PlainQueryChoiceIterator


# --- bounded fields: what every form takes at all (see xuejiao.core.limits) --------------------


def parse_id(value) -> int | None:
    """A row id written as digits (a picker's hidden input), or None for anything else:
    text, signs, other scripts' digits, or a number no row id can reach."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


class IdField(forms.IntegerField):
    """A row id from a picker (usually a hidden input): 1 to 2⁶³-1, or refused as not one
    of the choices; a larger number would overflow the database's integer."""

    default_error_messages = {
        "invalid": _("Choose from the list."),
        "min_value": _("Choose from the list."),
        "max_value": _("Choose from the list."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class SmallNumberField(forms.IntegerField):
    """A sort order or similar small whole number, stored in a 32-bit column."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", -MAX_SMALL_INT)
        kwargs.setdefault("max_value", MAX_SMALL_INT)
        super().__init__(**kwargs)


class PeopleField(forms.IntegerField):
    """A number of people at one activity: 0 to MAX_PEOPLE."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_PEOPLE)
        super().__init__(**kwargs)


class PlausibleDateField(forms.DateField):
    """A date inside settings.PLAUSIBLE_DATE_RANGE."""

    def validate(self, value):
        super().validate(value)
        refusal = value and date_refusal(value)
        if refusal:
            raise forms.ValidationError(refusal, code="implausible_date")


class PlausibleDateTimeField(forms.DateTimeField):
    """A date and time whose date lies inside settings.PLAUSIBLE_DATE_RANGE (as written: at
    the calendar's edges the conversion to another time zone would itself overflow)."""

    def validate(self, value):
        super().validate(value)
        refusal = value and date_refusal(value.date())
        if refusal:
            raise forms.ValidationError(refusal, code="implausible_date")
