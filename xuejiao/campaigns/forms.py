"""Forms of the campaign pages. They check shapes and types; the rules live in services."""

from functools import partial

from django import forms
from django.db.models import Min
from django.utils.translation import gettext_lazy as _

from xuejiao.core.formfields import (
    IdField,
    PlausibleDateField,
    ShortModelChoiceField,
    ShortModelMultipleChoiceField,
    SmallNumberField,
    parse_id,
)
from xuejiao.orgs.models import Category, Kind, Organization, System
from xuejiao.orgs.scope import PATH_END

from . import sources
from .models import Campaign, RuleType

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CHECK = {"class": "form-check-input"}


class CampaignSearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False)


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "motto", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE}
        field_classes = {"starts_on": PlausibleDateField, "ends_on": PlausibleDateField}
        error_messages = {"name": {"required": _("Enter the campaign's name.")}}

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            # Said in words here, under the field (the service says the same), rather than as
            # the database constraint's name.
            self.add_error("ends_on", _("The campaign ends before it starts."))
        return data


class NewCampaignForm(CampaignForm):
    root = IdField(
        label=_("Organised by"),
        error_messages={"required": _("Choose the organising organisation from the list.")},
    )
    phases = forms.CharField(
        label=_("Phases"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One phase per line, in order. They can be changed later."),
    )

    def clean_phases(self):
        return [line.strip() for line in self.cleaned_data["phases"].splitlines() if line.strip()]


class PhaseForm(forms.Form):
    id = IdField(required=False)
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    starts_on = PlausibleDateField(label=_("Starts on"), required=False, widget=DATE)
    ends_on = PlausibleDateField(label=_("Ends on"), required=False, widget=DATE)


PhaseFormSet = forms.formset_factory(PhaseForm, extra=2, can_delete=True)


class IdListField(forms.Field):
    """A list of ids posted as repeated hidden inputs (the multi-organisation picker)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        ids = [parse_id(v) for v in value]
        if None in ids:
            raise forms.ValidationError(_("Choose organisations from the list."))
        return list(dict.fromkeys(ids))


APPLY_BY_CRITERIA = "criteria"
APPLY_TO_LIST = "list"


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    phase = ShortModelChoiceField(label=_("Phase"), queryset=None, required=False, empty_label=_("No phase"))
    sort_order = SmallNumberField(label=_("Sort order"), initial=0)

    applies_to = forms.ChoiceField(
        label=_("Applies to"),
        choices=[
            (APPLY_BY_CRITERIA, _("Organisations matching the criteria below")),
            (APPLY_TO_LIST, _("Only the organisations listed")),
        ],
        initial=APPLY_BY_CRITERIA,
        widget=forms.RadioSelect(attrs=CHECK),
    )
    categories = forms.MultipleChoiceField(
        label=_("Categories"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs=CHECK),
    )
    org_kinds = forms.MultipleChoiceField(
        label=_("Organisation kinds"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs=CHECK),
    )
    depths = forms.TypedMultipleChoiceField(
        label=_("Tree levels"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple(attrs=CHECK)
    )
    systems = ShortModelMultipleChoiceField(
        label=_("Systems"),
        queryset=System.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs=CHECK),
    )
    explicit_orgs = IdListField(label=_("Organisations"), required=False)

    rule_type = forms.ChoiceField(
        label=_("Completion rule"),
        choices=RuleType.choices,
        initial=RuleType.ACTIVITY_COUNT,
        widget=forms.RadioSelect(attrs=CHECK),
    )
    activity_kinds = forms.MultipleChoiceField(
        label=_("Activity kinds that count"),
        # The kinds come from the activity records' source (the ledger), read when the form is made.
        choices=partial(sources.kind_choices, RuleType.ACTIVITY_COUNT),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs=CHECK),
    )
    min_count = SmallNumberField(label=_("At least"), min_value=1, initial=1)
    require_first_agenda = forms.BooleanField(
        label=_("Only meetings with the first agenda item"), required=False
    )
    topic_keyword = forms.CharField(
        label=_("Topic keyword"),
        max_length=50,
        required=False,
        help_text=_("When set, only records whose title or topic contains it count."),
    )
    window_start = PlausibleDateField(
        label=_("Counted from"),
        required=False,
        widget=DATE,
        help_text=_("Empty: from the start of the campaign."),
    )
    due_date = PlausibleDateField(
        label=_("Due date"), widget=DATE, error_messages={"required": _("Set the due date.")}
    )

    min_photos = SmallNumberField(label=_("Minimum photos"), min_value=0, initial=0)
    min_summary_length = SmallNumberField(
        label=_("Minimum summary length (characters)"), min_value=0, initial=0
    )
    min_attendance_rate = forms.IntegerField(
        label=_("Minimum attendance rate (%)"), min_value=0, max_value=100, initial=0
    )

    SERVICE_FIELDS = (
        "phase",
        "title",
        "description",
        "sort_order",
        "categories",
        "org_kinds",
        "depths",
        "rule_type",
        "activity_kinds",
        "min_count",
        "require_first_agenda",
        "topic_keyword",
        "window_start",
        "due_date",
        "min_photos",
        "min_summary_length",
        "min_attendance_rate",
    )

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["phase"].queryset = campaign.phases.all()
        self.fields["depths"].choices = level_choices(campaign)

    def clean(self):
        data = super().clean()
        if data.get("applies_to") == APPLY_TO_LIST:
            if not data.get("explicit_orgs"):
                self.add_error("explicit_orgs", _("Choose at least one organisation, or apply the criteria."))
        else:
            data["explicit_orgs"] = []
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {name: data[name] for name in self.SERVICE_FIELDS}
        if data["applies_to"] == APPLY_TO_LIST:
            # The list replaces the criteria; keep none around to confuse the next reader.
            fields.update(categories=[], org_kinds=[], depths=[])
        return fields


def level_choices(campaign: Campaign) -> list[tuple[int, str]]:
    """The tree levels inside the campaign, each named with an example organisation."""
    rows = (
        Organization.objects.filter(
            path__gte=campaign.root_path, path__lt=campaign.root_path + PATH_END, is_archived=False
        )
        .values("depth")
        .annotate(example=Min("name"))
        .order_by("depth")
    )
    return [
        (row["depth"], _("Level %(n)d (e.g. %(example)s)") % {"n": row["depth"], "example": row["example"]})
        for row in rows
    ]


def action_initial(action) -> dict:
    explicit = list(action.explicit_orgs.all())
    return {
        **{name: getattr(action, name) for name in ActionForm.SERVICE_FIELDS},
        "systems": list(action.systems.all()),
        "explicit_orgs": [o.pk for o in explicit],
        "applies_to": APPLY_TO_LIST if explicit else APPLY_BY_CRITERIA,
    }


class CopyActionsForm(forms.Form):
    source = ShortModelChoiceField(
        label=_("Copy the required actions of"),
        queryset=Campaign.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose a campaign from the list.")},
    )

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources
        self.fields["source"].label_from_instance = lambda c: f"{c.name} · {c.starts_on:%Y-%m-%d}"


class UnderOrgForm(forms.Form):
    """?org= on the completion pages: the organisation to look below."""

    org = IdField(required=False)
