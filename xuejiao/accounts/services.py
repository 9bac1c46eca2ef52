"""Every write to users, roles and tokens: permission, transaction, audit record."""

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuejiao.audit import services as audit
from xuejiao.audit.models import AuditAction
from xuejiao.core.errors import PermissionDenied, ServiceError

from .models import ApiToken, RoleAssignment, User
from .permissions import can_grant, can_manage_user, manage_scope


def create_user(
    *, actor, username: str, display_name: str, home_organization, password: str, person=None, request=None
) -> User:
    if not manage_scope(actor).covers(home_organization):
        raise PermissionDenied(_("You may only create users inside your own organisations."))
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ServiceError(_("The username “%(username)s” is already taken.") % {"username": username})
    if person is not None and person.organization_id != home_organization.id:
        raise ServiceError(_("The person must belong to the user's organisation."))
    user = User(
        username=username, display_name=display_name, home_organization=home_organization, person=person
    )
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = True
        user.save()
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            request=request,
            obj=user,
            organization=home_organization,
            summary=_("Created user %(username)s") % {"username": username},
        )
    return user


def require_manageable(actor, user: User) -> None:
    """Refuse any action on a login the actor may not manage (permissions.can_manage_user)."""
    if not can_manage_user(actor, user):
        raise PermissionDenied(_("You may not change this user."))


def grant_role(*, actor, user: User, role: str, organization, include_subtree: bool = True, request=None):
    require_manageable(actor, user)
    if not can_grant(actor, role, organization, include_subtree):
        raise PermissionDenied(_("You may not grant this role on this organisation."))
    if RoleAssignment.objects.filter(user=user, role=role, organization=organization).exists():
        raise ServiceError(_("The user already holds this role on this organisation."))
    with transaction.atomic():
        assignment = RoleAssignment.objects.create(
            user=user, role=role, organization=organization, include_subtree=include_subtree, granted_by=actor
        )
        audit.record(
            AuditAction.GRANT,
            actor=actor,
            request=request,
            obj=user,
            organization=organization,
            summary=_("Granted %(role)s on %(org)s to %(username)s")
            % {"role": assignment.get_role_display(), "org": organization.name, "username": user.username},
            changes={"role": role, "organization": organization.code, "include_subtree": include_subtree},
        )
    user.forget_assignments()
    return assignment


def revoke_role(*, actor, assignment: RoleAssignment, request=None) -> None:
    # The role itself is within reach when its user is (can_manage_user checks every role); a
    # role of a user reaching beyond the actor's part of the tree is untouchable from here.
    if not can_manage_user(actor, assignment.user):
        raise PermissionDenied(_("You may not revoke this role."))
    if assignment.user_id == actor.id:
        raise ServiceError(_("You cannot revoke your own role."))
    with transaction.atomic():
        audit.record(
            AuditAction.REVOKE,
            actor=actor,
            request=request,
            obj=assignment.user,
            organization=assignment.organization,
            summary=_("Revoked %(role)s on %(org)s from %(username)s")
            % {
                "role": assignment.get_role_display(),
                "org": assignment.organization.name,
                "username": assignment.user.username,
            },
            changes={"role": assignment.role, "organization": assignment.organization.code},
        )
        assignment.delete()


def set_active(*, actor, user: User, active: bool, request=None) -> None:
    require_manageable(actor, user)
    if user.id == actor.id:
        raise ServiceError(_("You cannot deactivate yourself."))
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            request=request,
            obj=user,
            organization=user.home_organization,
            changes={"is_active": active},
        )
        if not active:
            # Reactivating later must not bring back what was open at the deactivation.
            end_sessions_and_tokens(actor=actor, user=user, request=request)


def reset_password(*, actor, user: User, new_password: str, request=None) -> None:
    """A manager sets a temporary password; the user must change it at the next login.

    Whoever was using the account is shut out: its sessions end and its API tokens are revoked.
    """
    require_manageable(actor, user)
    validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        audit.record(
            AuditAction.PASSWORD_CHANGED,
            actor=actor,
            request=request,
            obj=user,
            organization=user.home_organization,
            summary=_("Password reset by an administrator"),
        )
        end_sessions_and_tokens(actor=actor, user=user, request=request)


def change_own_password(*, user: User, new_password: str, request=None) -> None:
    """The user's own change. A forced one (after a reset, or a new account) also ends the
    account's other sessions and revokes its API tokens: they date from before the user
    chose the password. A change of the user's own choosing keeps the tokens, which systems
    use independently of the password; the other sessions end all the same, because Django
    ties a session to the password it was opened with."""
    validate_password(new_password, user)
    if user.check_password(new_password):
        raise ServiceError(_("The new password must differ from the current one."))
    forced = user.must_change_password
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        audit.record(AuditAction.PASSWORD_CHANGED, actor=user, request=request, obj=user)
        if forced:
            end_sessions_and_tokens(actor=user, user=user, request=request)


def end_sessions_and_tokens(*, actor, user: User, request=None) -> None:
    """End every session of `user` and revoke every API token of theirs, with audit entries.

    The session of `request` survives when it is the user's own (a forced password change is
    made in it). Sessions live in the database (the default session engine); each holds the
    user's id in its signed data, so the live ones are read and the user's deleted. With the
    idle timeout these are the sessions used in the last half hour: a few thousand at most,
    read in a few hundred milliseconds, on a manager's rare action.
    """
    keep = None
    if request is not None and getattr(request, "user", None) is not None and request.user.pk == user.pk:
        keep = request.session.session_key
    ended = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now())
        .exclude(session_key=keep)
        .only("session_key", "session_data")
        .iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    if ended:
        Session.objects.filter(session_key__in=ended).delete()
        audit.record(
            AuditAction.LOGOUT,
            actor=actor,
            request=request,
            obj=user,
            organization=user.home_organization,
            summary=_("Ended all sessions of %(username)s (%(count)d)")
            % {"username": user.username, "count": len(ended)},
            changes={"sessions": len(ended)},
        )
    now = timezone.now()
    for token in user.api_tokens.filter(revoked_at__isnull=True):
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        audit.record(
            AuditAction.TOKEN_REVOKED,
            actor=actor,
            request=request,
            obj=token,
            organization=user.home_organization,
            summary=token.name,
        )


def create_api_token(*, user: User, name: str, request=None) -> tuple[ApiToken, str]:
    """Return the token record and the raw token, which is never stored and shown only now."""
    name = name.strip()
    if not name:
        raise ServiceError(_("Give the token a name, such as the system that will use it."))
    raw = ApiToken.new_raw_token()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name[:100], token_hash=ApiToken.hash(raw), hint=raw[-4:]
        )
        audit.record(AuditAction.TOKEN_CREATED, actor=user, request=request, obj=token, summary=name[:100])
    return token, raw


def revoke_api_token(*, user: User, token: ApiToken, request=None) -> None:
    if token.user_id != user.id:
        raise PermissionDenied(_("This token is not yours."))
    if token.revoked_at is not None:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(AuditAction.TOKEN_REVOKED, actor=user, request=request, obj=token, summary=token.name)


def create_user_with_role(
    *,
    actor,
    username,
    display_name,
    home_organization,
    password,
    role=None,
    include_subtree=True,
    request=None,
) -> User:
    """Create a user and, optionally, their first role, all or nothing."""
    with transaction.atomic():
        user = create_user(
            actor=actor,
            username=username,
            display_name=display_name,
            home_organization=home_organization,
            password=password,
            request=request,
        )
        if role:
            grant_role(
                actor=actor,
                user=user,
                role=role,
                organization=home_organization,
                include_subtree=include_subtree,
                request=request,
            )
    return user


def link_person(*, actor, user: User, person=None, request=None) -> None:
    """Tie a login to its entry on the roster (or untie it with person=None).

    Study materials, reflections and make-up tasks find the member through this link.
    """
    require_manageable(actor, user)
    if person is not None:
        if not manage_scope(actor).covers(person.organization):
            raise PermissionDenied(_("This person is outside your scope."))
        taken = User.objects.filter(person=person).exclude(pk=user.pk).first()
        if taken is not None:
            raise ServiceError(
                _("%(name)s is already linked to the login “%(username)s”.")
                % {"name": person.name, "username": taken.username}
            )
    with transaction.atomic():
        before = user.person.name if user.person_id else ""
        user.person = person
        user.save(update_fields=["person"])
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            request=request,
            obj=user,
            organization=user.home_organization,
            changes={"person": [before, person.name if person else ""]},
            summary=_("Roster entry of %(username)s set") % {"username": user.username},
        )
