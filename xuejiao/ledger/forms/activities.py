"""Forms of the ledger pages. They only shape input: the rules live in the services."""

import copy

from django import forms
from django.utils.translation import gettext_lazy as _

from xuejiao.campaigns.permissions import visible_campaigns
from xuejiao.core.formfields import (
    IdField,
    PeopleField,
    PlausibleDateField,
    PlausibleDateTimeField,
    ShortModelChoiceField,
)
from xuejiao.core.widgets import QuickSelect

from ..models import Activity, ActivityKind, ActivityStatus, EvidenceKind, Mode
from ..services.activities import ACTIVITY_FIELDS


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's own date-and-time picker (a wheel on phones)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs={"step": 60, **(attrs or {})}, format="%Y-%m-%dT%H:%M")


def _count_input():
    return forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"})


_MODEL_FIELDS = forms.fields_for_model(
    Activity,
    fields=ACTIVITY_FIELDS,
    field_classes={
        "campaign": ShortModelChoiceField,
        "starts_at": PlausibleDateTimeField,
        "ends_at": PlausibleDateTimeField,
        "expected": PeopleField,
        "present": PeopleField,
        "on_leave": PeopleField,
        "absent": PeopleField,
    },
    widgets={
        "starts_at": DateTimeLocalInput(),
        "ends_at": DateTimeLocalInput(),
        "expected": _count_input(),
        "present": _count_input(),
        "on_leave": _count_input(),
        "absent": _count_input(),
        "first_agenda_content": forms.Textarea(attrs={"rows": 2}),
        "summary": forms.Textarea(attrs={"rows": 4}),
        "title": forms.TextInput(attrs={"autocomplete": "off"}),
    },
    error_messages={
        "kind": {"required": _("Choose the kind of activity.")},
        "title": {"required": _("Enter the title.")},
        "starts_at": {
            "required": _("Enter the date and time it started."),
            "invalid": _("Enter the date and time as 2021-06-05 09:00."),
        },
        "expected": {"required": _("Enter how many were expected (0 if not known).")},
        "present": {"required": _("Enter how many were present.")},
    },
)

# The few fields a phone user fills in for a theme day; everything else folds under "More".
MAIN_FIELDS = (
    "campaign",
    "kind",
    "title",
    "starts_at",
    "expected",
    "present",
    "first_agenda",
    "first_agenda_content",
)
MORE_FIELDS = ("topic", "place", "mode", "ends_at", "host", "speaker", "on_leave", "absent", "summary")
COUNT_FIELDS = ("present", "on_leave", "absent")


class ActivityForm(forms.Form):
    """Create or edit an activity.

    organization: set when creating and the user may record for several units (an
    organisation picker); a user who records for one unit has it preset.
    counts_from_marks: per-person attendance exists, so the counts are not typed.
    needs_reason: a verified record is being corrected by the level above.
    """

    organization = IdField(
        label=_("Organisation"), error_messages={"required": _("Choose the organisation.")}
    )
    version = IdField(required=False)
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The record is verified: the correction and its reason stay visible on the record."),
    )

    def __init__(self, *args, user, creating: bool, counts_from_marks=False, needs_reason=False, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in _MODEL_FIELDS.items():
            self.fields[name] = copy.deepcopy(field)
        campaign = self.fields["campaign"]
        campaign.queryset = visible_campaigns(user).filter(is_archived=False).order_by("-starts_on", "-pk")
        campaign.empty_label = _("— not part of a campaign —")
        campaign.required = False
        for name in ("on_leave", "absent", "mode"):
            self.fields[name].required = False
        # Required only when "first agenda item" is ticked (checked in clean()).
        self.fields["first_agenda_content"].required = False
        self.fields["first_agenda"].label = _("Started with the first agenda item (第一议题)")
        if not creating:
            del self.fields["organization"]
        if not needs_reason:
            del self.fields["reason"]
        self.counts_from_marks = counts_from_marks
        if counts_from_marks:
            for name in COUNT_FIELDS:
                del self.fields[name]

    def main_fields(self):
        return [self[name] for name in MAIN_FIELDS if name in self.fields]

    def more_fields(self):
        return [self[name] for name in MORE_FIELDS if name in self.fields]

    def clean(self):
        data = super().clean()
        for name in ("on_leave", "absent"):
            if name in self.fields and data.get(name) is None:
                data[name] = 0
        if not data.get("mode"):
            data["mode"] = Mode.OFFLINE
        if data.get("first_agenda") and not (data.get("first_agenda_content") or "").strip():
            self.add_error("first_agenda_content", _("Say what was studied as the first agenda item."))
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at < starts_at:
            self.add_error("ends_at", _("The end time is before the start time."))
        if "reason" in self.fields and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason for correcting a verified record."))
        return data

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ACTIVITY_FIELDS if name in self.fields}


class ActivityFilterForm(forms.Form):
    q = forms.CharField(label=_("Title"), required=False)
    org = IdField(required=False)
    # The ledger list is the busiest page: its drop-downs are written by QuickSelect.
    campaign = ShortModelChoiceField(
        label=_("Campaign"), queryset=None, required=False, empty_label=_("All"), widget=QuickSelect
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *ActivityKind.choices], widget=QuickSelect
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *ActivityStatus.choices],
        widget=QuickSelect,
    )
    date_from = PlausibleDateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = PlausibleDateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = visible_campaigns(user).order_by("-starts_on", "-pk")


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Give the reason for returning the record, so the unit knows what to fix.")
        },
    )


class HighlightForm(forms.Form):
    citation = forms.CharField(
        label=_("Citation for the briefing"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One paragraph saying what makes this activity stand out; it is quoted in briefings."),
        required=False,
    )
    highlight = forms.BooleanField(required=False, initial=True, widget=forms.HiddenInput)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceUploadForm(forms.Form):
    files = forms.FileField(
        label=_("Files"),
        widget=MultipleFileInput(attrs={"multiple": True}),
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Detect from the file")), *EvidenceKind.choices],
    )


class SignInForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    digits = forms.CharField(
        label=_("Last four digits of your phone"),
        min_length=4,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{4}", "autocomplete": "off"}),
    )
