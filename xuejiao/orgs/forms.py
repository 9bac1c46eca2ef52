from django import forms
from django.utils.translation import gettext_lazy as _

from xuejiao.core.formfields import IdField, ShortModelMultipleChoiceField, SmallNumberField

from .models import Organization, Person, System


class OrganizationForm(forms.ModelForm):
    systems = ShortModelMultipleChoiceField(
        label=_("systems"), queryset=System.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    loaded_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Organization
        fields = ["code", "name", "short_name", "kind", "category", "sort_order", "established_on"]
        widgets = {"established_on": forms.DateInput(attrs={"type": "date"})}
        field_classes = {"sort_order": SmallNumberField}
        error_messages = {
            "code": {"required": _("Enter the organisation's code.")},
            "name": {"required": _("Enter the organisation's name.")},
        }

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        if not code.replace("-", "").replace("_", "").isalnum():
            raise forms.ValidationError(_("The code may contain only letters, digits, “-” and “_”."))
        return code

    def validate_unique(self):
        # Uniqueness is checked by the service, which owns the transaction.
        pass


class MoveForm(forms.Form):
    new_parent = IdField(label=_("New parent organisation"))
    new_parent_label = forms.CharField(label=_("New parent organisation"), required=False)


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name", "gender", "phone", "is_party_member", "position", "sort_order"]
        field_classes = {"sort_order": SmallNumberField}
        error_messages = {"name": {"required": _("Enter the person's name.")}}

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip().replace(" ", "").replace("-", "")
        if phone and (not phone.isdigit() or not 7 <= len(phone) <= 12):
            raise forms.ValidationError(_("Enter a mobile number of 11 digits or a landline number."))
        return phone


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False)
    org = IdField(required=False)
    party = forms.ChoiceField(
        label=_("Party member"),
        required=False,
        choices=[("", _("All")), ("yes", _("Party members")), ("no", _("Not Party members"))],
    )
