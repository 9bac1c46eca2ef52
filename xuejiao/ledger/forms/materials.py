"""Forms of the online theme day: publishing and pushing materials, filters, reflections."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuejiao.campaigns.permissions import visible_campaigns
from xuejiao.core.formfields import IdField, PlausibleDateField, ShortModelChoiceField, parse_id
from xuejiao.orgs.models import Organization
from xuejiao.orgs.scope import scope_for

from ..models import MaterialKind, Reflection
from ..services.materials import REFLECTION_MAX_LENGTH, RecipientPick

# A push names organisations one by one (a unit "with sub-units" stands for its subtree).
MAX_PICKS = 200


class RecipientsMixin:
    """Recipients come from the picker as repeated `recipient` ids; the ids repeated in
    `sub_units` take their whole subtree."""

    def clean_recipients(self) -> list[RecipientPick]:
        def ids(name):
            return [parse_id(v) for v in self.data.getlist(name)]

        chosen = list(dict.fromkeys(ids("recipient")))
        if None in chosen:
            raise forms.ValidationError(_("Choose the organisations from the list."))
        if not chosen:
            raise forms.ValidationError(_("Choose at least one organisation to push the material to."))
        if len(chosen) > MAX_PICKS:
            raise forms.ValidationError(
                _("Choose at most %(max)d organisations; pick a unit with its sub-units instead.")
                % {"max": MAX_PICKS}
            )
        with_sub_units = set(ids("sub_units"))
        found = {o.pk: o for o in scope_for(self.user).filter(Organization.objects.filter(pk__in=chosen))}
        if len(found) != len(chosen):
            raise forms.ValidationError(_("Choose the organisations from the list."))
        return [RecipientPick(found[pk], pk in with_sub_units) for pk in chosen]

    def recipient_items(self) -> list[dict]:
        """The organisations picked so far, for the picker to show again after an error."""
        chosen = [pk for pk in map(parse_id, self.data.getlist("recipient")) if pk][:MAX_PICKS]
        with_sub_units = set(map(parse_id, self.data.getlist("sub_units")))
        orgs = scope_for(self.user).filter(Organization.objects.filter(pk__in=chosen)).only("name", "code")
        return [{"id": o.pk, "name": o.name, "code": o.code, "sub": o.pk in with_sub_units} for o in orgs]


class MaterialForm(RecipientsMixin, forms.Form):
    publisher = IdField(
        label=_("Published by"),
        error_messages={"required": _("Choose the publishing organisation from the list.")},
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=MaterialKind.choices, initial=MaterialKind.TEXT)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What members read. For a link, a video or a file, a short introduction."),
    )
    url = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    file = forms.FileField(
        label=_("File"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.webp,.heic,.mp4,.mov"}),
    )
    deadline = PlausibleDateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    campaign = ShortModelChoiceField(label=_("Campaign"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["campaign"].queryset = visible_campaigns(user).filter(is_archived=False)
        self.fields["campaign"].empty_label = _("(none)")
        self.fields["file"].help_text = _(
            "A PDF (up to %(pdf)s), a picture (up to %(image)s) or a video, MP4 or MOV (up to %(video)s)."
        ) % {
            "pdf": filesizeformat(settings.EVIDENCE_MAX_PDF_BYTES),
            "image": filesizeformat(settings.EVIDENCE_MAX_IMAGE_BYTES),
            "video": filesizeformat(settings.EVIDENCE_MAX_VIDEO_BYTES),
        }
        # The publish page shows the link and file fields for the kinds that use them.
        self.fields["kind"].widget.attrs["x-model"] = "kind"
        self.fields["title"].error_messages["required"] = _("Give the material a title.")
        self.fields["deadline"].error_messages["required"] = _("Set the deadline for studying the material.")

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline is already past."))
        return deadline

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned["recipients"] = self.clean_recipients()
        except forms.ValidationError as error:
            self.add_error(None, error)
        return cleaned


class PushForm(RecipientsMixin, forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned["recipients"] = self.clean_recipients()
        except forms.ValidationError as error:
            self.add_error(None, error)
        return cleaned


class MaterialFilterForm(forms.Form):
    q = forms.CharField(label=_("Title"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *MaterialKind.choices])
    state = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[("", _("All")), ("open", _("Before the deadline")), ("past", _("Past the deadline"))],
    )
    org = IdField(required=False)


class ReflectionForm(forms.Form):
    text = forms.CharField(
        label=_("What did you learn?"),
        max_length=REFLECTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Write your reflection.")},
    )
    min_length = Reflection.MIN_LENGTH
