"""Keep completion figures and documents in step with changes to the organisation tree."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from xuejiao.ledger.models import evidence_storage
from xuejiao.orgs.scope import subtree_q
from xuejiao.orgs.signals import organization_changed, subtree_changed

from .completion import campaigns_covering, move_subtree, rebuild_campaign, refresh_organization
from .models import ActionDocument, Campaign


@receiver(organization_changed)
def _organization_changed(sender, organization, **kwargs):
    for campaign in campaigns_covering(organization.path):
        refresh_organization(organization, campaign)


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
        transaction.on_commit(lambda: evidence_storage.delete(name))
