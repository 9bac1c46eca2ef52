"""The client's address, read the same way by the lockout, the audit log and the API."""

from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the first trusted proxy saw.

    Each proxy appends the address it received from, so with N trusted proxies the client
    is the N-th entry from the right of X-Forwarded-For. Entries further left were written
    by the client itself and are never trusted.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return remote
