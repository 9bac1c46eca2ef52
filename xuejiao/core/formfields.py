"""Form fields for choices read from a model: every such list in the project is short
(campaigns, their phases, systems), so its choices are read by one ordinary query."""

from django import forms
from django.forms.models import ModelChoiceIterator


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
