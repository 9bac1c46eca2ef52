"""What every campaign page needs: the campaign and organisation lookups that decide 404 and
403, the top of the viewer's part of a campaign, and plain-language summaries of actions."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from xuejiao.orgs.models import Category, Kind, Organization
from xuejiao.orgs.queries import ancestors_of, scope_roots
from xuejiao.orgs.scope import PATH_END, scope_for

from .. import sources
from ..models import Campaign, RequiredAction, RuleType
from ..permissions import can_run, visible_campaigns


def campaign_or_404(user, pk) -> Campaign:
    return get_object_or_404(visible_campaigns(user).select_related("root"), pk=pk)


def runnable_campaign_or_403(user, pk) -> Campaign:
    """404 when the user cannot see the campaign, 403 when they see it but may not run it."""
    campaign = campaign_or_404(user, pk)
    if not can_run(user, campaign):
        raise DjangoPermissionDenied
    return campaign


def action_or_404(campaign: Campaign, pk) -> RequiredAction:
    return get_object_or_404(campaign.actions.select_related("phase"), pk=pk)


def campaign_organizations(campaign: Campaign) -> QuerySet:
    return Organization.objects.filter(path__gte=campaign.root_path, path__lt=campaign.root_path + PATH_END)


def organization_or_404(user, campaign: Campaign, pk) -> Organization:
    """An organisation inside the campaign and inside the user's scope; 404 otherwise."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as error:
        raise Http404 from error
    return scope_for(user).get_or_404(campaign_organizations(campaign), pk=pk)


def organization_param(request, campaign: Campaign) -> Organization | None:
    """The organisation named by ?org= (404 when it is not ours), or None."""
    value = request.GET.get("org")
    return organization_or_404(request.user, campaign, value) if value else None


def top_organizations(user, campaign: Campaign) -> list[Organization]:
    """Where the user's part of the campaign begins: the campaign's organiser for those who
    see it whole, otherwise the top organisations of their scope that lie inside it."""
    scope = scope_for(user)
    tops: dict[int, Organization] = {}
    for root in scope_roots(user):
        if campaign.root_path.startswith(root.path):
            if scope.covers(campaign.root):
                tops[campaign.root.pk] = campaign.root
        elif root.path.startswith(campaign.root_path):
            tops[root.pk] = root
    return sorted(tops.values(), key=lambda o: o.path)


def trail(user, campaign: Campaign, organization: Organization) -> list[Organization]:
    """The ancestors of `organization` inside the campaign that the user may see, top first."""
    scope = scope_for(user)
    return [
        a for a in ancestors_of(organization) if a.path.startswith(campaign.root_path) and scope.covers(a)
    ]


def ledger_links() -> bool:
    """Whether the ledger's activity page exists yet (the ledger pages are built separately)."""
    try:
        reverse("ledger:activity_detail", args=[1])
    except NoReverseMatch:
        return False
    return True


def home_organization_in(user, campaign: Campaign) -> Organization | None:
    home = getattr(user, "home_organization", None)
    if home is not None and home.path.startswith(campaign.root_path) and scope_for(user).covers(home):
        return home
    return None


def _join(items) -> str:
    return pgettext("list separator", ", ").join(str(item) for item in items)


def _names(choices, values) -> str:
    labels = dict(choices)
    return _join(labels.get(v, v) for v in values)


def applicability_summary(action: RequiredAction, scope) -> str:
    """Who the action applies to, in one line. Expects systems and explicit_orgs prefetched.

    Organisations named by the action are named only when they lie in `scope` (the
    viewer's); the others are counted, never named."""
    explicit = list(action.explicit_orgs.all())
    if explicit:
        seen = [o for o in explicit if scope.covers(o)]
        hidden = len(explicit) - len(seen)
        if not seen:
            return ngettext(
                "Only %(hidden)d organisation outside your scope",
                "Only %(hidden)d organisations outside your scope",
                hidden,
            ) % {"hidden": hidden}
        names = _join(o.display_name for o in seen[:3])
        if len(seen) > 3:
            text = _("Only %(names)s and %(more)d more") % {"names": names, "more": len(seen) - 3}
        else:
            text = _("Only %(names)s") % {"names": names}
        if hidden:
            text += ngettext(
                ", and %(hidden)d organisation outside your scope",
                ", and %(hidden)d organisations outside your scope",
                hidden,
            ) % {"hidden": hidden}
        return text
    parts = []
    if action.categories:
        parts.append(_("categories: %(names)s") % {"names": _names(Category.choices, action.categories)})
    if action.org_kinds:
        parts.append(_("kinds: %(names)s") % {"names": _names(Kind.choices, action.org_kinds)})
    if action.depths:
        parts.append(_("levels: %(levels)s") % {"levels": _join(sorted(action.depths))})
    systems = list(action.systems.all())
    if systems:
        parts.append(_("systems: %(names)s") % {"names": _join(s.name for s in systems)})
    if not parts:
        return _("Every organisation in the campaign")
    return pgettext("clause separator", "; ").join(parts)


def rule_summary(action: RequiredAction) -> str:
    """What completes the action, in one line."""
    if action.rule_type == RuleType.DOCUMENT:
        parts = [_("A document accepted by the level above")]
    else:
        parts = [
            _("At least %(n)d × %(kinds)s")
            % {
                "n": max(action.min_count, 1),
                "kinds": _names(sources.kind_choices(RuleType.ACTIVITY_COUNT), action.activity_kinds),
            }
        ]
        if action.require_first_agenda:
            parts.append(_("with the first agenda item"))
        if action.topic_keyword:
            parts.append(_("topic contains “%(word)s”") % {"word": action.topic_keyword})
        if action.min_photos:
            parts.append(_("at least %(n)d photos") % {"n": action.min_photos})
        if action.min_summary_length:
            parts.append(_("summary of at least %(n)d characters") % {"n": action.min_summary_length})
        if action.min_attendance_rate:
            parts.append(_("attendance at least %(n)d%%") % {"n": action.min_attendance_rate})
    if action.window_start:
        parts.append(_("counted from %(day)s") % {"day": date_format(action.window_start)})
    return pgettext("phrase separator", ", ").join(parts)
