"""Pages of the organisation tree: browser, search, autocomplete, detail and editing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuejiao.core.errors import ServiceError
from xuejiao.core.limits import text_refusal
from xuejiao.core.pagination import BadOffset, offset_param, paginate

from .. import services
from ..forms import MoveForm, OrganizationForm
from ..models import Category, Organization, Person
from ..permissions import mask_phone
from ..queries import ancestors_of, children_of, mark_expandable, scope_roots, search_organizations
from ..scope import manage_scope, scope_for

CHILDREN_BATCH = 100


def visible_org_or_404(user, pk) -> Organization:
    return scope_for(user).get_or_404(Organization.objects.all(), pk=pk)


def managed_org_or_403(user, pk) -> Organization:
    """404 when the user cannot see it, 403 when they can see but not change it."""
    organization = visible_org_or_404(user, pk)
    if not manage_scope(user).covers(organization):
        raise DjangoPermissionDenied
    return organization


def visible_ancestors(user, organization):
    scope = scope_for(user)
    return [a for a in ancestors_of(organization) if scope.covers(a)]


@login_required
def tree(request):
    roots = mark_expandable(request.user, scope_roots(request.user))
    return render(request, "orgs/tree.html", {"roots": roots})


@login_required
def children(request, pk):
    """The children of one node, a batch at a time (a city node has hundreds)."""
    parent = visible_org_or_404(request.user, pk)
    try:
        offset = offset_param(request)
    except BadOffset as error:
        return HttpResponseBadRequest(str(error))
    # A grant without its subtree shows the node but not its children.
    nodes = scope_for(request.user).filter(children_of(parent))
    batch = list(nodes[offset : offset + CHILDREN_BATCH + 1])
    more = len(batch) > CHILDREN_BATCH
    return render(
        request,
        "orgs/_children.html",
        {
            "parent": parent,
            "nodes": batch[:CHILDREN_BATCH],
            "more": more,
            "next_offset": offset + CHILDREN_BATCH,
        },
    )


def _scoped_search(user, text: str, category: str = ""):
    queryset = scope_for(user).filter(Organization.objects.filter(is_archived=False))
    if category:
        queryset = queryset.filter(category=category)
    return search_organizations(queryset, text).order_by("depth", "path")


@login_required
def search(request):
    text = request.GET.get("q", "").strip()
    category = request.GET.get("category", "")
    refusal = text_refusal(text + category)
    if refusal:
        return HttpResponseBadRequest(refusal)
    page = None
    if text or category:
        page = paginate(request, _scoped_search(request.user, text, category))
        _attach_parent_names(page.object_list, scope_for(request.user))
    template = "orgs/_search_results.html" if request.headers.get("HX-Request") else "orgs/search.html"
    return render(
        request,
        template,
        {"q": text, "category": category, "categories": Category.choices, "page_obj": page},
    )


def _attach_parent_names(orgs, scope):
    """Give each organisation its parent's name, in one query for the whole page.

    A parent outside `scope` stays unnamed: out of scope is invisible, in lists too."""
    orgs = list(orgs)
    step = Organization.steplen
    parent_paths = {o.path[:-step] for o in orgs if o.depth > 1}
    names = dict(scope.filter(Organization.objects.filter(path__in=parent_paths)).values_list("path", "name"))
    for o in orgs:
        o.parent_name = names.get(o.path[:-step], "")
    return orgs


@login_required
def autocomplete(request):
    """Organisation picker: the first 20 matches in the user's scope, as JSON."""
    text = request.GET.get("q", "").strip()
    if not text:
        return JsonResponse({"items": []})
    refusal = text_refusal(text)
    if refusal:
        return JsonResponse({"items": [], "detail": refusal}, status=400)
    scope = scope_for(request.user)
    if request.GET.get("for") == "manage":
        scope = manage_scope(request.user)
    queryset = search_organizations(scope.filter(Organization.objects.filter(is_archived=False)), text)
    orgs = _attach_parent_names(queryset.order_by("depth", "path")[:20], scope_for(request.user))
    return JsonResponse(
        {"items": [{"id": o.id, "name": o.name, "code": o.code, "parent": o.parent_name} for o in orgs]}
    )


@login_required
def detail(request, pk):
    organization = visible_org_or_404(request.user, pk)
    tab = request.GET.get("tab", "units")
    can_manage = manage_scope(request.user).covers(organization)
    context = {
        "org": organization,
        "ancestors": visible_ancestors(request.user, organization),
        "tab": tab,
        "can_manage": can_manage,
        "shows_sub_units": scope_for(request.user).reaches_below(organization),
        "systems": list(organization.systems.all()),
    }
    if tab == "people":
        page = paginate(
            request, Person.objects.filter(organization=organization).order_by("sort_order", "id")
        )
        for person in page.object_list:
            person.shown_phone = person.phone if can_manage else mask_phone(person.phone)
        context["page_obj"] = page
    elif tab == "roles":
        context["assignments"] = (
            organization.role_assignments.all().select_related("user").order_by("role", "user__username")
        )
    else:
        units = scope_for(request.user).filter(children_of(organization, include_archived=can_manage))
        context["page_obj"] = paginate(request, units)
    return render(request, "orgs/detail.html", context)


@login_required
def create_child(request, pk):
    parent = managed_org_or_403(request.user, pk)
    form = OrganizationForm(request.POST or None, initial={"kind": "branch", "category": parent.category})
    if request.method == "POST" and form.is_valid():
        try:
            child = services.create_organization(
                actor=request.user,
                parent=parent,
                systems=form.cleaned_data["systems"],
                request=request,
                **{k: form.cleaned_data[k] for k in services.ORG_FIELDS},
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Organisation “%(name)s” created.") % {"name": child.name})
            return redirect("orgs:detail", pk=child.pk)
    return render(
        request,
        "orgs/form.html",
        {
            "form": form,
            "parent": parent,
            "ancestors": visible_ancestors(request.user, parent),
            "creating": True,
        },
    )


@login_required
def edit(request, pk):
    organization = managed_org_or_403(request.user, pk)
    initial = {"systems": organization.systems.all(), "loaded_at": organization.updated_at}
    form = OrganizationForm(request.POST or None, instance=organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organization(
                actor=request.user,
                organization=Organization.objects.get(pk=organization.pk),
                loaded_at=form.cleaned_data["loaded_at"],
                systems=list(form.cleaned_data["systems"]),
                request=request,
                **{k: form.cleaned_data[k] for k in services.ORG_FIELDS},
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Changes saved."))
            return redirect("orgs:detail", pk=organization.pk)
    return render(
        request,
        "orgs/form.html",
        {"form": form, "org": organization, "ancestors": visible_ancestors(request.user, organization)},
    )


@login_required
def move(request, pk):
    organization = managed_org_or_403(request.user, pk)
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        new_parent = (
            manage_scope(request.user)
            .filter(Organization.objects.all())
            .filter(pk=form.cleaned_data["new_parent"])
            .first()
        )
        if new_parent is None:
            form.add_error(None, _("Choose the new parent from the list."))
        else:
            try:
                services.move_organization(
                    actor=request.user, organization=organization, new_parent=new_parent, request=request
                )
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Moved under “%(name)s”.") % {"name": new_parent.name})
                return redirect("orgs:detail", pk=organization.pk)
    return render(
        request,
        "orgs/move.html",
        {"form": form, "org": organization, "ancestors": visible_ancestors(request.user, organization)},
    )


@login_required
@require_POST
def archive(request, pk):
    organization = managed_org_or_403(request.user, pk)
    restore = request.POST.get("restore") == "1"
    try:
        services.archive_organization(
            actor=request.user, organization=organization, archived=not restore, request=request
        )
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Restored.") if restore else _("Archived, with everything below it."))
    return redirect("orgs:detail", pk=organization.pk)
