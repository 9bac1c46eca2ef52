"""Roles, their rank, and what each may do."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("System administrator")
    CAMPAIGN_OFFICE = "campaign_office", _("Campaign office administrator")
    LEADER = "leader", _("Leader")
    OPERATOR = "operator", _("Operator")
    INSPECTOR = "inspector", _("Guidance group member")
    TROUPE_ADMIN = "troupe_admin", _("Troupe administrator")
    LECTURER = "lecturer", _("Lecturer")
    JUDGE = "judge", _("Judge")


# A user may grant only roles of a rank at most their own, and only inside their scope.
RANK = {
    Role.ADMIN: 100,
    Role.CAMPAIGN_OFFICE: 80,
    Role.LEADER: 60,
    Role.INSPECTOR: 50,
    Role.TROUPE_ADMIN: 40,
    Role.OPERATOR: 30,
    Role.LECTURER: 20,
    Role.JUDGE: 20,
}

# Roles whose holders manage users and see unmasked phone numbers inside their scope.
MANAGING_ROLES = frozenset({Role.ADMIN, Role.CAMPAIGN_OFFICE})
