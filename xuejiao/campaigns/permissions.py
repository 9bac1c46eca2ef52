"""Which campaigns a user sees and runs. Built on the one scope function."""

from django.db.models import Q, QuerySet

from xuejiao.accounts.permissions import manage_scope
from xuejiao.orgs.models import Organization
from xuejiao.orgs.scope import scope_for

from .models import Campaign

STEP = Organization.steplen


def visible_campaigns(user) -> QuerySet:
    """Campaigns run by an organisation in the user's scope or above it (a district sees the city's)."""
    scope = scope_for(user)
    if scope.everything:
        return Campaign.objects.all()
    if scope.is_empty:
        return Campaign.objects.none()
    above = {
        grant.path[: STEP * depth]
        for grant in scope.grants
        for depth in range(1, len(grant.path) // STEP + 1)
    }
    return Campaign.objects.filter(Q(root_path__in=above) | scope.q("root_path"))


def can_run(user, campaign: Campaign) -> bool:
    """Creating and changing a campaign and its required actions: the office of its root."""
    return manage_scope(user).covers_path(campaign.root_path)
