"""Keep completion figures in step with changes to the organisation tree."""

from django.dispatch import receiver

from xuejiao.orgs.signals import organization_changed, subtree_changed

from .completion import campaigns_covering, rebuild_campaign, refresh_organization


@receiver(organization_changed)
def _organization_changed(sender, organization, **kwargs):
    for campaign in campaigns_covering(organization.path):
        refresh_organization(organization, campaign)


@receiver(subtree_changed)
def _subtree_changed(sender, organization, old_path, **kwargs):
    campaigns = set(campaigns_covering(old_path)) | set(campaigns_covering(organization.path))
    for campaign in campaigns:
        rebuild_campaign(campaign)
