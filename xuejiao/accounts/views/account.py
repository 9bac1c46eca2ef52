"""Login, password, profile and API tokens. User management lives in views/users.py."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuejiao.audit import services as audit
from xuejiao.audit.models import AuditAction
from xuejiao.core.errors import ServiceError

from .. import services
from ..forms import LoginForm, PasswordChangeForm, TokenForm
from ..models import User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def locked_out(request, original_response=None, credentials=None):
    """Shown by django-axes instead of the login form while a username is locked.

    django-axes 8 calls this as (request, original_response, credentials)."""
    username = (credentials or {}).get("username", "")
    # Attached to the user's organisation, so that their district admin sees it in the log.
    known = User.objects.filter(username=username).select_related("home_organization").first()
    organization = known.home_organization if known else None
    audit.record(AuditAction.LOCKED_OUT, request=request, username=username[:150], organization=organization)
    form = LoginForm(request, initial={"username": username})
    return render(request, "accounts/login.html", {"form": form, "locked_out": True}, status=429)


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_own_password(
                user=request.user, new_password=form.cleaned_data["new_password"], request=request
            )
        except ServiceError as error:
            form.add_error("new_password", str(error))
        except ValidationError as error:  # the password rules
            form.add_error("new_password", error)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("home:home")
    return render(
        request, "accounts/password_change.html", {"form": form, "forced": request.user.must_change_password}
    )


@login_required
def profile(request):
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = services.create_api_token(
                user=request.user, name=form.cleaned_data["name"], request=request
            )
        except ServiceError as error:
            form.add_error("name", str(error))
        else:
            form = TokenForm()
    tokens = request.user.api_tokens.all()
    roles = request.user.role_assignments.select_related("organization").order_by("role")
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "tokens": tokens, "new_token": new_token, "roles": roles},
    )


@login_required
@require_POST
def revoke_token(request, pk):
    token = request.user.api_tokens.filter(pk=pk).first()
    if token is None:
        raise Http404
    services.revoke_api_token(user=request.user, token=token, request=request)
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("accounts:profile")
