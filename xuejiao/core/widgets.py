"""Form widgets that the busiest pages render many times."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class QuickSelect(forms.Select):
    """A drop-down of single choices, written in Python.

    Django renders a Select through a template for the list, one for each option and one
    for each option's attributes: on the ledger list, whose filters offer some thirty
    choices, that was a fifth of the page's time. This writes the same markup (the same
    attributes, `selected` on the chosen option). Grouped choices and multiple selection
    are left to Django's Select.
    """

    def render(self, name, value, attrs=None, renderer=None):
        # Through iter(): list() would ask a ModelChoiceField's choices for their length first,
        # which costs a COUNT query.
        choices = list(iter(self.choices))
        if self.allow_multiple_selected or any(isinstance(label, (list, tuple)) for _v, label in choices):
            return super().render(name, value, attrs, renderer)
        chosen = set(self.format_value(value))
        rows = []
        for choice, label in choices:
            option = "" if choice is None else str(choice)
            # Only the first option with the chosen value is selected, as in Django's Select.
            selected = option in chosen
            if selected:
                chosen = set()
            rows.append((option, " selected" if selected else "", label))
        options = format_html_join("", '<option value="{}"{}>{}</option>', rows)
        final_attrs = self.build_attrs(self.attrs, attrs)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final_attrs), options)
