"""API authentication: a personal token as `Authorization: Bearer …`, or the browser session."""

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from xuejiao.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        record = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=ApiToken.hash(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if record is None:
            return None
        now = timezone.now()
        # Write the last-use time at most once a minute: reads must not turn into writes.
        if record.last_used_at is None or (now - record.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        request.user = record.user
        return record.user


class ActiveSessionAuth(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        # A browser session that must change its password reaches nothing else, API included.
        if user and user.is_active and not user.must_change_password:
            return user
        return None


AUTH = [TokenAuth(), ActiveSessionAuth()]
