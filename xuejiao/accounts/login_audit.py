"""Logins, logouts and failed logins written to the audit trail."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from xuejiao.audit import services as audit
from xuejiao.audit.models import AuditAction

from .models import User


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit.record(AuditAction.LOGIN, actor=user, request=request)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(AuditAction.LOGOUT, actor=user, request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "")[:150]
    known = User.objects.filter(username=username).select_related("home_organization").first()
    audit.record(
        AuditAction.LOGIN_FAILED,
        request=request,
        username=username,
        organization=known.home_organization if known else None,
    )
