"""Keep completion figures and documents in step with the organisation tree and with the
records of the modules that count towards required actions."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from xuejiao.core.storage import private_storage
from xuejiao.orgs.models import Organization
from xuejiao.orgs.scope import subtree_q
from xuejiao.orgs.signals import organization_changed, organizations_added, subtree_changed

from .completion import (
    campaigns_covering,
    move_subtree,
    rebuild_campaign,
    refresh_organization,
    refresh_organizations,
)
from .models import ActionDocument, Campaign
from .signals import records_changed


@receiver(records_changed)
def _records_changed(sender, campaign, organizations, **kwargs):
    """The one way completion hears of records: the ledger (and later modules) announce them."""
    refresh_organizations(campaign, sorted(organizations, key=lambda organization: organization.path))


@receiver(organization_changed)
def _organization_changed(sender, organization, **kwargs):
    for campaign in campaigns_covering(organization.path):
        refresh_organization(organization, campaign)


@receiver(organizations_added)
def _organizations_added(sender, organizations, **kwargs):
    """Many new organisations (an imported subtree): each campaign covering some of them
    refreshes those once, together."""
    step = Organization.steplen
    ancestors = {org.path[: step * depth] for org in organizations for depth in range(1, org.depth + 1)}
    for campaign in Campaign.objects.filter(root_path__in=sorted(ancestors), is_archived=False):
        covered = [org for org in organizations if org.path.startswith(campaign.root_path)]
        refresh_organizations(campaign, covered)


@receiver(subtree_changed)
def _subtree_changed(sender, organization, old_path, **kwargs):
    # The copies of paths (documents, campaign roots) have moved already (orgs.copied_paths).
    # A campaign run from inside the subtree moved whole: its figures are computed again.
    inside = set(Campaign.objects.filter(subtree_q("root_path", organization.path), is_archived=False))
    for campaign in inside:
        rebuild_campaign(campaign)
    # A campaign run from above takes the subtree out where it was and puts it back.
    around = set(campaigns_covering(old_path)) | set(campaigns_covering(organization.path))
    for campaign in around - inside:
        move_subtree(campaign, old_path, organization.path)


@receiver(post_delete, sender=ActionDocument)
def _delete_document_file(sender, instance, **kwargs):
    """Remove the stored file once the deletion is committed (also when its action goes)."""
    name = instance.file.name if instance.file else ""
    if name:
        transaction.on_commit(lambda: private_storage.delete(name))
