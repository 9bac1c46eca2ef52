"""Campaign pages: list, create, edit, phases, detail, and copying required actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from xuejiao.accounts.permissions import manage_scope
from xuejiao.core.errors import ServiceError
from xuejiao.core.pagination import paginate
from xuejiao.orgs.models import Organization
from xuejiao.orgs.queries import scope_roots
from xuejiao.orgs.scope import scope_for

from .. import services
from ..forms import CampaignForm, CampaignSearchForm, CopyActionsForm, NewCampaignForm, PhaseFormSet
from ..models import Campaign
from ..permissions import can_run, visible_campaigns
from .common import (
    applicability_summary,
    campaign_or_404,
    home_organization_in,
    rule_summary,
    runnable_campaign_or_403,
)


def campaign_state(campaign, today) -> tuple[str, str]:
    """(label, badge class) of where the campaign stands today."""
    if campaign.is_archived:
        return _("Archived"), "bg-secondary-lt"
    if today < campaign.starts_on:
        return _("Not started yet"), "bg-azure-lt"
    if today > campaign.ends_on:
        return _("Ended"), "bg-secondary-lt"
    return _("Under way"), "bg-green-lt"


@login_required
def campaign_list(request):
    form = CampaignSearchForm(request.GET or None)
    queryset = visible_campaigns(request.user).select_related("root").annotate(action_count=Count("actions"))
    if form.is_valid() and form.cleaned_data["q"].strip():
        queryset = queryset.filter(name__contains=form.cleaned_data["q"].strip())
    page = paginate(request, queryset.order_by("-starts_on", "-id"))
    today = timezone.localdate()
    for campaign in page.object_list:
        campaign.state_label, campaign.state_class = campaign_state(campaign, today)
    return render(
        request,
        "campaigns/list.html",
        {
            "form": form,
            "q": request.GET.get("q", ""),
            "page_obj": page,
            "can_create": not manage_scope(request.user).is_empty,
        },
    )


@login_required
def campaign_create(request):
    scope = manage_scope(request.user)
    if scope.is_empty:
        raise DjangoPermissionDenied
    initial = {}
    managed_roots = [o for o in scope_roots(request.user) if scope.covers(o)]
    if len(managed_roots) == 1:
        initial["root"] = managed_roots[0].pk
    form = NewCampaignForm(request.POST or None, initial=initial)
    root = None
    if request.method == "POST" and form.is_valid():
        root = (
            scope.filter(Organization.objects.filter(is_archived=False))
            .filter(pk=form.cleaned_data["root"])
            .first()
        )
        if root is None:
            form.add_error("root", _("Choose the organising organisation from the list."))
        else:
            try:
                campaign = services.create_campaign(
                    actor=request.user,
                    root=root,
                    phases=form.cleaned_data["phases"],
                    request=request,
                    **{k: form.cleaned_data[k] for k in services.CAMPAIGN_FIELDS},
                )
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Campaign “%(name)s” created.") % {"name": campaign.name})
                return redirect("campaigns:detail", pk=campaign.pk)
    picked = root or (managed_roots[0] if len(managed_roots) == 1 else None)
    return render(request, "campaigns/campaign_form.html", {"form": form, "creating": True, "picked": picked})


@login_required
def campaign_edit(request, pk):
    campaign = runnable_campaign_or_403(request.user, pk)
    # The form writes into its own copy, so the service still sees what is stored.
    form = CampaignForm(request.POST or None, instance=Campaign.objects.get(pk=campaign.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_campaign(
                actor=request.user,
                campaign=campaign,
                request=request,
                **{k: form.cleaned_data[k] for k in services.CAMPAIGN_FIELDS},
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Changes saved."))
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": campaign})


@login_required
def phases_edit(request, pk):
    campaign = runnable_campaign_or_403(request.user, pk)
    initial = [
        {"id": p.pk, "name": p.name, "starts_on": p.starts_on, "ends_on": p.ends_on}
        for p in campaign.phases.all()
    ]
    formset = PhaseFormSet(request.POST or None, initial=initial, prefix="phases")
    error = None
    if request.method == "POST" and formset.is_valid():
        rows = []
        for form in formset.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE") or (not data.get("id") and not data.get("name")):
                continue
            rows.append({k: data.get(k) for k in ("id", "name", "starts_on", "ends_on")})
        try:
            services.save_phases(actor=request.user, campaign=campaign, rows=rows, request=request)
        except ServiceError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Phases saved."))
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(
        request, "campaigns/phases.html", {"campaign": campaign, "formset": formset, "error": error}
    )


@login_required
def campaign_detail(request, pk):
    campaign = campaign_or_404(request.user, pk)
    actions = list(campaign.actions.select_related("phase").prefetch_related("systems", "explicit_orgs"))
    today = timezone.localdate()
    scope = scope_for(request.user)
    for action in actions:
        action.applies_text = applicability_summary(action, scope)
        action.rule_text = rule_summary(action)
        action.is_past_due = today > action.due_date
    phases = list(campaign.phases.all())
    groups = [(phase, [a for a in actions if a.phase_id == phase.pk]) for phase in phases]
    unphased = [a for a in actions if a.phase_id is None]
    if unphased:
        groups.append((None, unphased))
    campaign.state_label, campaign.state_class = campaign_state(campaign, today)
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "groups": groups,
            "phases": phases,
            "action_count": len(actions),
            "can_run": can_run(request.user, campaign),
            "home": home_organization_in(request.user, campaign),
            "tab": "actions",
        },
    )


@login_required
def copy_actions(request, pk):
    campaign = runnable_campaign_or_403(request.user, pk)
    sources = (
        visible_campaigns(request.user)
        .exclude(pk=campaign.pk)
        .annotate(action_count=Count("actions"))
        .filter(action_count__gt=0)
        .order_by("-starts_on", "-id")
    )
    form = CopyActionsForm(request.POST or None, sources=sources)
    if request.method == "POST" and form.is_valid():
        source = form.cleaned_data["source"]
        try:
            copies = services.copy_actions(
                actor=request.user, source=source, target=campaign, request=request
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Copied %(n)d required actions from “%(name)s”.") % {"n": len(copies), "name": source.name},
            )
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(
        request,
        "campaigns/copy_actions.html",
        {"campaign": campaign, "form": form, "has_sources": sources.exists()},
    )
