"""Documents for document-rule actions (报送材料): handing one in from the checklist, the
level above accepting or returning it, the list of documents to review, and the file itself.

Every document is looked up through the viewer's scope, inside a campaign the viewer sees:
outside it the answer is 404. Handing in belongs to the unit's recorders, reviewing to the
level above (see xuejiao.orgs.permissions); anyone else who sees the document gets 403.
Files live in the private evidence storage and leave it only through `document_file`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuejiao.core.errors import PermissionDenied, ServiceError
from xuejiao.core.pagination import paginate
from xuejiao.orgs import permissions as org_permissions
from xuejiao.orgs.permissions import can_record, can_review
from xuejiao.orgs.scope import PATH_END, scope_for

from .. import services
from ..models import ActionDocument, DocumentStatus, RuleType
from .common import action_or_404, campaign_or_404, organization_or_404, organization_param

# Shown in the browser (PDF and pictures); anything else (Word) is always downloaded.
INLINE_TYPES = ("application/pdf", "image/")


def reviewable_q(user) -> Q:
    """Documents the user may accept or return: the rule of orgs.permissions.can_review as
    a query (the level above, and never who handed the document in)."""
    return org_permissions.reviewable_q(user) & ~Q(submitted_by=user)


def documents_awaiting(user, campaign) -> int | None:
    """How many documents of the campaign await the user's review; None when the campaign
    asks for no documents (the progress page then shows no link)."""
    if not campaign.actions.filter(rule_type=RuleType.DOCUMENT).exists():
        return None
    return (
        ActionDocument.objects.filter(action__campaign=campaign, status=DocumentStatus.SUBMITTED)
        .filter(reviewable_q(user))
        .count()
    )


def document_or_404(user, campaign, pk) -> ActionDocument:
    return scope_for(user).get_or_404(
        ActionDocument.objects.filter(action__campaign=campaign).select_related(
            "organization", "action", "action__campaign"
        ),
        pk=pk,
    )


def _back(request, document_or_action, organization) -> str:
    """Where to return after a form: the page named by `next` if it is ours, else the checklist."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    action = getattr(document_or_action, "action", document_or_action)
    url = reverse("campaigns:checklist", args=[action.campaign_id, organization.pk])
    return f"{url}#action-{action.pk}"


def attach_documents(user, campaign, organization, items) -> None:
    """Give each document-rule item of a checklist its documents and what the user may do
    with them, in one query for the whole checklist."""
    wanted = [item for item in items if item["action"].rule_type == RuleType.DOCUMENT]
    if not wanted:
        return
    by_action: dict[int, list] = {}
    for document in (
        ActionDocument.objects.filter(action__campaign=campaign, organization=organization)
        .select_related("submitted_by", "reviewed_by")
        .order_by("-submitted_at", "-pk")
    ):
        by_action.setdefault(document.action_id, []).append(document)
    records = can_record(user, organization)
    reviews = can_review(user, organization)
    for item in wanted:
        action = item["action"]
        documents = by_action.get(action.pk, [])
        statuses = {d.status for d in documents}
        for document in documents:
            document.action = action
            document.late = services.is_late(document)
            document.may_review = (
                reviews
                and document.status == DocumentStatus.SUBMITTED
                and document.submitted_by_id != user.pk
            )
            document.may_withdraw = records and document.status == DocumentStatus.SUBMITTED
        item["documents"] = documents
        item["awaiting"] = DocumentStatus.SUBMITTED in statuses
        item["may_submit"] = (
            records
            and item["cell"] is not None
            and not campaign.is_archived
            and not statuses & {DocumentStatus.SUBMITTED, DocumentStatus.ACCEPTED}
        )


@login_required
@require_POST
def document_submit(request, pk, action_pk, org_pk):
    campaign = campaign_or_404(request.user, pk)
    action = action_or_404(campaign, action_pk)
    organization = organization_or_404(request.user, campaign, org_pk)
    if action.rule_type != RuleType.DOCUMENT:
        raise Http404
    action.campaign = campaign
    try:
        document = services.submit_document(
            actor=request.user,
            action=action,
            organization=organization,
            file=request.FILES.get("file"),
            title=request.POST.get("title", ""),
            request=request,
        )
    except PermissionDenied as error:
        raise DjangoPermissionDenied from error
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("“%(title)s” handed in. The level above will accept it or return it with a note.")
            % {"title": document.title},
        )
    return redirect(_back(request, action, organization))


@login_required
@require_POST
def document_review(request, pk, doc_pk):
    campaign = campaign_or_404(request.user, pk)
    document = document_or_404(request.user, campaign, doc_pk)
    decision = request.POST.get("decision", "")
    try:
        services.review_document(
            actor=request.user,
            document=document,
            decision=decision,
            note=request.POST.get("note", ""),
            request=request,
        )
    except PermissionDenied as error:
        raise DjangoPermissionDenied from error
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        if decision == "accept":
            message = _("“%(title)s” of %(org)s accepted.")
        else:
            message = _("“%(title)s” returned to %(org)s with your note.")
        messages.success(request, message % {"title": document.title, "org": document.organization.name})
    return redirect(_back(request, document, document.organization))


@login_required
@require_POST
def document_withdraw(request, pk, doc_pk):
    campaign = campaign_or_404(request.user, pk)
    document = document_or_404(request.user, campaign, doc_pk)
    try:
        services.withdraw_document(actor=request.user, document=document, request=request)
    except PermissionDenied as error:
        raise DjangoPermissionDenied from error
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("“%(title)s” withdrawn.") % {"title": document.title})
    return redirect(_back(request, document, document.organization))


@login_required
def document_file(request, pk, doc_pk):
    campaign = campaign_or_404(request.user, pk)
    document = document_or_404(request.user, campaign, doc_pk)
    if not document.file:
        raise Http404
    try:
        stored = document.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    content_type = document.content_type or "application/octet-stream"
    inline = content_type.startswith(INLINE_TYPES) and request.GET.get("download") != "1"
    response = FileResponse(
        stored,
        content_type=content_type,
        as_attachment=not inline,
        filename=document.original_name or f"document-{document.pk}",
    )
    # The bytes were checked on upload; still, never let a browser run them as a page.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def document_list(request, pk):
    """Documents handed in under the viewer's part of the campaign, awaiting review first."""
    campaign = campaign_or_404(request.user, pk)
    user = request.user
    under = organization_param(request, campaign)
    document_actions = list(campaign.actions.filter(rule_type=RuleType.DOCUMENT))
    action = None
    action_value = request.GET.get("action", "")
    if action_value:
        action = next((a for a in document_actions if str(a.pk) == action_value), None)
        if action is None:
            raise Http404
    status = request.GET.get("status", DocumentStatus.SUBMITTED)
    if status not in DocumentStatus.values:
        status = ""
    queryset = scope_for(user).filter(ActionDocument.objects.filter(action__campaign=campaign))
    if action is not None:
        queryset = queryset.filter(action=action)
    if status:
        queryset = queryset.filter(status=status)
    if under is not None:
        queryset = queryset.filter(org_path__gte=under.path, org_path__lt=under.path + PATH_END)
    mine = request.GET.get("mine") == "1"
    if mine:
        queryset = queryset.filter(reviewable_q(user))
    if status == DocumentStatus.SUBMITTED:
        queryset = queryset.order_by("submitted_at", "pk")  # a queue: the oldest first
    else:
        queryset = queryset.order_by("-submitted_at", "-pk")
    page = paginate(request, queryset.select_related("organization", "action", "submitted_by", "reviewed_by"))
    actions_by_pk = {a.pk: a for a in document_actions}
    for document in page.object_list:
        document.action = actions_by_pk.get(document.action_id, document.action)
        document.action.campaign = campaign
        document.late = services.is_late(document)
        document.may_review = document.status == DocumentStatus.SUBMITTED and can_review(
            user, document.organization, authors=(document.submitted_by_id,)
        )
    return render(
        request,
        "campaigns/documents/list.html",
        {
            "campaign": campaign,
            "document_actions": document_actions,
            "action": action,
            "status": status,
            "statuses": DocumentStatus.choices,
            "under": under,
            "mine": mine,
            "page_obj": page,
            "tab": "progress",
        },
    )
