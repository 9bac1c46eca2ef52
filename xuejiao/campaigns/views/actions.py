"""The required action editor: create, change, delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuejiao.accounts.permissions import manage_scope
from xuejiao.core.errors import ServiceError

from .. import services
from ..forms import ActionForm, action_initial
from .common import action_or_404, campaign_organizations, runnable_campaign_or_403


def _chosen_organizations(user, campaign, ids):
    """The picked organisations that lie inside the campaign and the user's managed scope, in pick order."""
    found = {
        o.pk: o
        for o in manage_scope(user)
        .filter(campaign_organizations(campaign))
        .filter(pk__in=ids)
        .only("pk", "name", "short_name", "path", "code")
    }
    return [found[i] for i in ids if i in found]


@login_required
def action_form(request, pk, action_pk=None):
    campaign = runnable_campaign_or_403(request.user, pk)
    action = action_or_404(campaign, action_pk) if action_pk else None
    if action is not None:
        initial = action_initial(action)
    else:
        initial = {"due_date": campaign.ends_on, "sort_order": (campaign.actions.count() + 1) * 10}
    form = ActionForm(request.POST or None, campaign=campaign, initial=initial)
    if request.method == "POST":
        raw_ids = []
        for value in request.POST.getlist("explicit_orgs"):
            if value.isdigit():
                raw_ids.append(int(value))
        chosen = _chosen_organizations(request.user, campaign, raw_ids)
    else:
        chosen = _chosen_organizations(request.user, campaign, initial.get("explicit_orgs", []))
    if request.method == "POST" and form.is_valid():
        ids = form.cleaned_data["explicit_orgs"]
        if len(chosen) != len(ids):
            form.add_error("explicit_orgs", _("Some of the chosen organisations are outside the campaign."))
        else:
            try:
                saved = services.save_action(
                    actor=request.user,
                    campaign=campaign,
                    action=action,
                    systems=list(form.cleaned_data["systems"]),
                    explicit_orgs=chosen,
                    request=request,
                    **form.service_fields(),
                )
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Required action “%(title)s” saved.") % {"title": saved.title})
                return redirect(f"{reverse('campaigns:detail', args=[campaign.pk])}#action-{saved.pk}")
    return render(
        request,
        "campaigns/action_form.html",
        {
            "campaign": campaign,
            "action": action,
            "form": form,
            "chosen_json": [{"id": o.pk, "name": o.name, "code": o.code} for o in chosen],
        },
    )


@login_required
@require_POST
def action_delete(request, pk, action_pk):
    campaign = runnable_campaign_or_403(request.user, pk)
    action = action_or_404(campaign, action_pk)
    try:
        services.delete_action(actor=request.user, action=action, request=request)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Required action “%(title)s” deleted.") % {"title": action.title})
    return redirect("campaigns:detail", pk=campaign.pk)
