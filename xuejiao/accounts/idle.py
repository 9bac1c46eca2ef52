"""The idle timeout: a session stays open while it is used, and closes when it is not."""

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver


class IdleTimeoutMiddleware:
    """Keeps a session open while it is used: SESSION_COOKIE_AGE is an idle timeout.

    Django's SESSION_SAVE_EVERY_REQUEST would write the session on every request: on SQLite
    a write lock for every page anyone opens, on PostgreSQL three more round trips. This
    renews a session the request used at most once every RENEW_SECONDS, so a session closes
    between SESSION_COOKIE_AGE - RENEW_SECONDS and SESSION_COOKIE_AGE after its last use.
    It sits inside SessionMiddleware, which saves the renewed session.
    """

    RENEW_SECONDS = 60
    RENEWED_AT = "_renewed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = request.session
        if session.accessed and not session.is_empty():
            now = int(time.time())
            if now - session.get(self.RENEWED_AT, 0) >= self.RENEW_SECONDS:
                session[self.RENEWED_AT] = now
        return response


@receiver(user_logged_in)
def session_written_at_login(sender, request, user, **kwargs):
    """A login writes the session: it needs no renewal for the next RENEW_SECONDS."""
    if request is not None and hasattr(request, "session"):
        request.session[IdleTimeoutMiddleware.RENEWED_AT] = int(time.time())
