"""User management inside one's own scope, and the audit log."""

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuejiao.audit.models import AuditEntry
from xuejiao.core.errors import ServiceError
from xuejiao.core.formfields import parse_id
from xuejiao.core.pagination import paginate
from xuejiao.orgs.models import Organization, Person
from xuejiao.orgs.scope import PATH_END

from .. import services
from ..forms import AuditFilterForm, GrantForm, ResetPasswordForm, UserCreateForm, UserFilterForm
from ..models import RoleAssignment, User
from ..permissions import can_manage_user, grantable_roles, manage_scope


def _require_manager(user):
    if manage_scope(user).is_empty:
        raise DjangoPermissionDenied


def _managed_org(user, pk):
    """An organisation inside the user's management scope, or None."""
    if not pk:
        return None
    return manage_scope(user).filter(Organization.objects.all()).filter(pk=pk).first()


def _filter_org_or_404(user, form):
    """The organisation a list is narrowed to (?org=), or None when none was asked for.

    One outside the scope (or unknown, or unreadable) is 404 like any record outside the scope:
    never silently dropped, which would show the whole list under a filter the viewer believes
    applied.
    """
    if not form.is_bound:
        return None
    form.is_valid()
    if "org" in form.errors:
        raise Http404
    pk = form.cleaned_data.get("org")
    if pk is None:
        return None
    organization = _managed_org(user, pk)
    if organization is None:
        raise Http404
    return organization


def _visible_user_or_404(actor, pk) -> User:
    """A user homed in the actor's management scope; their page can be read."""
    return manage_scope(actor).get_or_404(User.objects.select_related("home_organization"), pk=pk)


def _manageable_user_or_403(actor, pk) -> User:
    """A user the actor may act on: 404 outside the scope, 403 when visible but out of reach."""
    user = _visible_user_or_404(actor, pk)
    if not can_manage_user(actor, user):
        raise DjangoPermissionDenied
    return user


def _mark_manageable(actor, users) -> None:
    """Set `manageable` on each user of a page, reading their roles in one query."""
    roles = {user.pk: [] for user in users}
    rows = RoleAssignment.objects.filter(user__in=list(roles)).values_list(
        "user_id", "role", "organization__path", "include_subtree"
    )
    for user_id, role, path, subtree in rows:
        roles[user_id].append((role, path, subtree))
    for user in users:
        user.manageable = can_manage_user(actor, user, assignments=roles[user.pk])


@login_required
def users(request):
    _require_manager(request.user)
    form = UserFilterForm(request.GET or None)
    queryset = manage_scope(request.user).filter(User.objects.all())
    filter_org = _filter_org_or_404(request.user, form)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            queryset = queryset.filter(
                Q(username__icontains=data["q"]) | Q(display_name__icontains=data["q"])
            )
        if data["role"]:
            queryset = queryset.filter(role_assignments__role=data["role"]).distinct()
    if filter_org is not None:
        queryset = queryset.filter(
            home_org_path__gte=filter_org.path, home_org_path__lt=filter_org.path + PATH_END
        )
    page = paginate(
        request,
        queryset.select_related("home_organization")
        .prefetch_related(
            # Only the roles held inside the viewer's scope: the others' organisations are not theirs to see.
            Prefetch(
                "role_assignments",
                queryset=manage_scope(request.user).filter(
                    RoleAssignment.objects.select_related("organization")
                ),
            )
        )
        .order_by("home_org_path", "username"),
    )
    _mark_manageable(request.user, page.object_list)
    return render(request, "accounts/users.html", {"form": form, "page_obj": page, "filter_org": filter_org})


@login_required
def create_user(request):
    _require_manager(request.user)
    roles = grantable_roles(request.user)
    form = UserCreateForm(request.POST or None, roles=roles)
    org_label = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organization = _managed_org(request.user, data["home_organization"])
        if organization is None:
            form.add_error(None, _("Choose the user's organisation from the list (inside your scope)."))
        else:
            org_label = organization.name
            try:
                user = services.create_user_with_role(
                    actor=request.user,
                    username=data["username"],
                    display_name=data["display_name"],
                    home_organization=organization,
                    password=data["password"],
                    role=data["role"] or None,
                    include_subtree=data["include_subtree"],
                    request=request,
                )
            except ServiceError as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                form.add_error("password", error)
            else:
                messages.success(request, _("User “%(username)s” created.") % {"username": user.username})
                return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "org_label": org_label})


@login_required
def user_detail(request, pk):
    _require_manager(request.user)
    user = _visible_user_or_404(request.user, pk)
    grant_form = GrantForm(roles=grantable_roles(request.user))
    return render(request, "accounts/user_detail.html", _detail_context(request, user, grant_form))


def _detail_context(request, user, grant_form, reset_form=None):
    return {
        "subject": user,
        # Without it the page shows the user and no form that acts on them.
        "manageable": can_manage_user(request.user, user),
        "assignments": manage_scope(request.user)
        .filter(user.role_assignments.select_related("organization"))
        .order_by("role"),
        "grant_form": grant_form,
        "reset_form": reset_form or ResetPasswordForm(),
        "roster": Person.objects.filter(organization_id=user.home_organization_id).order_by(
            "sort_order", "id"
        )[:500],
        "recent": manage_scope(request.user).filter(
            AuditEntry.objects.filter(Q(user=user) | Q(object_type="user", object_id=str(user.pk)))
        )[:10],
    }


@login_required
@require_POST
def grant(request, pk):
    _require_manager(request.user)
    user = _manageable_user_or_403(request.user, pk)
    form = GrantForm(request.POST, roles=grantable_roles(request.user))
    if form.is_valid():
        organization = _managed_org(request.user, form.cleaned_data["organization"])
        if organization is None:
            form.add_error(None, _("Choose the organisation from the list (inside your scope)."))
        else:
            try:
                services.grant_role(
                    actor=request.user,
                    user=user,
                    role=form.cleaned_data["role"],
                    organization=organization,
                    include_subtree=form.cleaned_data["include_subtree"],
                    request=request,
                )
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Role granted."))
                return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_detail.html", _detail_context(request, user, form), status=400)


@login_required
@require_POST
def revoke(request, pk):
    _require_manager(request.user)
    # A role on an organisation in scope is visible (on the organisation's page); revoking it
    # needs its user within reach.
    assignment = manage_scope(request.user).get_or_404(
        RoleAssignment.objects.select_related("organization", "user"), pk=pk
    )
    if not can_manage_user(request.user, assignment.user):
        raise DjangoPermissionDenied
    try:
        services.revoke_role(actor=request.user, assignment=assignment, request=request)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Role revoked."))
    return redirect("accounts:user_detail", pk=assignment.user_id)


@login_required
@require_POST
def reset_password(request, pk):
    _require_manager(request.user)
    user = _manageable_user_or_403(request.user, pk)
    form = ResetPasswordForm(request.POST)
    if form.is_valid():
        try:
            services.reset_password(
                actor=request.user, user=user, new_password=form.cleaned_data["new_password"], request=request
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_error("new_password", error)
        else:
            messages.success(request, _("Temporary password set. The user must change it at the next login."))
            return redirect("accounts:user_detail", pk=user.pk)
    grant_form = GrantForm(roles=grantable_roles(request.user))
    return render(
        request, "accounts/user_detail.html", _detail_context(request, user, grant_form, form), status=400
    )


@login_required
@require_POST
def link_person(request, pk):
    _require_manager(request.user)
    user = _manageable_user_or_403(request.user, pk)
    person = None
    if request.POST.get("person"):
        person_id = parse_id(request.POST["person"])
        person = (
            manage_scope(request.user)
            .filter(Person.objects.select_related("organization"))
            .filter(pk=person_id)
            .first()
            if person_id is not None
            else None
        )
        if person is None:
            messages.error(request, _("Choose the person from the list."))
            return redirect("accounts:user_detail", pk=user.pk)
    try:
        services.link_person(actor=request.user, user=user, person=person, request=request)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Roster entry saved."))
    return redirect("accounts:user_detail", pk=user.pk)


@login_required
@require_POST
def set_active(request, pk):
    _require_manager(request.user)
    user = _manageable_user_or_403(request.user, pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_active(actor=request.user, user=user, active=active, request=request)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("User activated.") if active else _("User deactivated."))
    return redirect("accounts:user_detail", pk=user.pk)


@login_required
def audit_log(request):
    _require_manager(request.user)
    form = AuditFilterForm(request.GET or None)
    queryset = manage_scope(request.user).filter(AuditEntry.objects.all())
    filter_org = _filter_org_or_404(request.user, form)
    if filter_org is not None:
        queryset = queryset.filter(org_path__gte=filter_org.path, org_path__lt=filter_org.path + PATH_END)
    if form.is_valid():
        data = form.cleaned_data
        if data["user"]:
            queryset = queryset.filter(username__icontains=data["user"].strip())
        if data["action"]:
            queryset = queryset.filter(action=data["action"])
        zone = timezone.get_current_timezone()
        if data["date_from"]:
            queryset = queryset.filter(created_at__gte=datetime.combine(data["date_from"], time.min, zone))
        if data["date_to"]:
            queryset = queryset.filter(created_at__lte=datetime.combine(data["date_to"], time.max, zone))
    page = paginate(request, queryset.select_related("organization"))
    return render(request, "accounts/audit.html", {"form": form, "page_obj": page, "filter_org": filter_org})
