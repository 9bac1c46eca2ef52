from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from xuejiao.audit.models import AuditAction
from xuejiao.core.formfields import PlausibleDateField
from xuejiao.core.roles import Role


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Wrong username or password. After 5 failed attempts the account is locked for 15 minutes."
        ),
        "inactive": _("This account has been deactivated."),
    }


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput)
    new_password = forms.CharField(
        label=_("New password"), widget=forms.PasswordInput, help_text=password_validators_help_text_html()
    )
    confirm_password = forms.CharField(label=_("Repeat the new password"), widget=forms.PasswordInput)

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_current_password(self):
        value = self.cleaned_data["current_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("The current password is wrong."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("confirm_password"):
            self.add_error("confirm_password", _("The two passwords differ."))
        return data


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=100, help_text=_("What will use it, e.g. the provincial platform.")
    )


class UserCreateForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[A-Za-z0-9_.@-]+$",
        error_messages={"invalid": _("Use only letters, digits and . @ - _ in the username.")},
    )
    display_name = forms.CharField(label=_("Display name"), max_length=50)
    home_organization = forms.IntegerField(label=_("Organisation"), widget=forms.HiddenInput)
    password = forms.CharField(
        label=_("Temporary password"),
        widget=forms.PasswordInput,
        help_text=_("The user must change it at the first login."),
    )
    role = forms.ChoiceField(label=_("First role"), required=False)
    include_subtree = forms.BooleanField(
        label=_("The role covers the sub-units"), required=False, initial=True
    )

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("No role yet"))] + [(r.value, r.label) for r in roles]
        self.fields["home_organization"].error_messages["required"] = _("Choose the user's organisation.")


class GrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))
    organization = forms.IntegerField(label=_("Organisation"), widget=forms.HiddenInput)
    include_subtree = forms.BooleanField(label=_("Covers the sub-units"), required=False, initial=True)

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in roles]
        self.fields["organization"].error_messages["required"] = _("Choose the organisation from the list.")


class ResetPasswordForm(forms.Form):
    new_password = forms.CharField(label=_("Temporary password"), widget=forms.PasswordInput)


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Username or name"), required=False)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All"))] + list(Role.choices))
    org = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AuditFilterForm(forms.Form):
    user = forms.CharField(label=_("User"), required=False)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All"))] + list(AuditAction.choices)
    )
    org = forms.IntegerField(required=False, widget=forms.HiddenInput)
    date_from = PlausibleDateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date such as 2021-03-02.")},
    )
    date_to = PlausibleDateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date such as 2021-03-02.")},
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data
