"""Which notices a user reads: their own, about units still inside their scope."""

from xuejiao.orgs.scope import scope_for

from .models import Notice


def notices_of(user):
    """The user's notices whose unit is in their scope (a notice never outlives the right
    to see what it is about)."""
    return scope_for(user).filter(Notice.objects.filter(recipient=user))


def unread_count(user) -> int:
    return notices_of(user).filter(read_at__isnull=True).count()
