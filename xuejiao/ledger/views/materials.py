"""Pages of the online theme day: materials pushed to organisations, members' study page,
reflections, and make-up study for an activity.

Who sees a material: anyone whose scope covers its publisher or one of its recipients, and
a member (User.person) whose organisation it was pushed to. Anyone else gets a 404.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuejiao.accounts.permissions import manage_scope
from xuejiao.core.errors import ServiceError
from xuejiao.core.formfields import parse_id
from xuejiao.core.pagination import paginate
from xuejiao.orgs.models import Organization, Person
from xuejiao.orgs.scope import PATH_END, scope_for

from .. import services
from ..forms.materials import MaterialFilterForm, MaterialForm, PushForm, ReflectionForm
from ..models import (
    COUNTING_STATUSES,
    Activity,
    MakeUpStatus,
    MakeUpTask,
    Material,
    MaterialAssignment,
    Reflection,
)
from ..services.materials import MATERIAL_FIELDS, may_reflect_on_activity

INLINE_TYPES = ("application/pdf", "image/", "video/")
RECENT_ACTIVITY_DAYS = 30


# --- visibility --------------------------------------------------------------------------


def _person(user) -> Person | None:
    if user.person_id is None:
        return None
    return Person.objects.select_related("organization").get(pk=user.person_id)


def visible_material_or_404(user, pk) -> Material:
    """The material if the user may see it, with `in_scope` (publisher or some recipient in
    the user's scope) and `my_assignment` (pushed to the user's own organisation) set."""
    material = get_object_or_404(Material.objects.select_related("organization", "campaign"), pk=pk)
    scope = scope_for(user)
    material.in_scope = scope.covers_path(material.org_path) or (
        not scope.is_empty and scope.filter(material.assignments.all()).exists()
    )
    material.my_assignment = None
    if user.person_id is not None:
        own_org = Person.objects.filter(pk=user.person_id).values("organization_id")[:1]
        material.my_assignment = (
            material.assignments.select_related("organization").filter(organization_id=own_org).first()
        )
    if not material.in_scope and material.my_assignment is None:
        raise Http404
    return material


def visible_activity_or_404(user, pk) -> Activity:
    """An activity in the user's scope, or one the user's person belongs to or attended."""
    activity = get_object_or_404(Activity.objects.select_related("organization"), pk=pk)
    activity.in_scope = scope_for(user).covers_path(activity.org_path)
    person = _person(user)
    activity.person = person
    activity.member = (
        person is not None
        and activity.status in COUNTING_STATUSES
        and may_reflect_on_activity(person, activity)
    )
    if not activity.in_scope and not activity.member:
        raise Http404
    return activity


def _attach_roster_counts(assignments) -> None:
    """Members on each recipient's roster, in one query for the whole page."""
    assignments = list(assignments)
    counts = dict(
        Person.objects.filter(organization_id__in={a.organization_id for a in assignments})
        .values("organization_id")
        .annotate(n=Count("id"))
        .values_list("organization_id", "n")
    )
    for assignment in assignments:
        assignment.roster = counts.get(assignment.organization_id, 0)
        assignment.percent = (
            min(100, round(100 * assignment.reflection_count / assignment.roster)) if assignment.roster else 0
        )


# --- materials ---------------------------------------------------------------------------


@login_required
def material_list(request):
    user = request.user
    scope = scope_for(user)
    may_publish = not manage_scope(user).is_empty
    tab = request.GET.get("tab") or ("published" if may_publish else "received")
    if tab not in ("published", "received"):
        tab = "received"
    form = MaterialFilterForm(request.GET or None)
    filter_org = None
    today = timezone.localdate()
    if tab == "published":
        queryset = scope.filter(Material.objects.all()).select_related("organization", "campaign")
        prefix = ""
    else:
        queryset = scope.filter(MaterialAssignment.objects.all()).select_related(
            "organization", "material", "material__organization"
        )
        prefix = "material__"
    if form.is_valid():
        data = form.cleaned_data
        if data["org"]:
            filter_org = scope.get_or_404(Organization.objects.all(), pk=data["org"])
            queryset = queryset.filter(org_path__gte=filter_org.path, org_path__lt=filter_org.path + PATH_END)
        if data["q"]:
            queryset = queryset.filter(**{f"{prefix}title__contains": data["q"].strip()})
        if data["kind"]:
            queryset = queryset.filter(**{f"{prefix}kind": data["kind"]})
        if data["state"] == "open":
            queryset = queryset.filter(**{f"{prefix}deadline__gte": today})
        elif data["state"] == "past":
            queryset = queryset.filter(**{f"{prefix}deadline__lt": today})
    if tab == "published":
        queryset = queryset.order_by("-created_at", "-id")
    else:
        # Newest material first (ids grow with time), its recipients in tree order.
        queryset = queryset.order_by("-material_id", "org_path")
    page = paginate(request, queryset)
    if tab == "received":
        _attach_roster_counts(page.object_list)
    return render(
        request,
        "ledger/materials/list.html",
        {
            "tab": tab,
            "form": form,
            "filter_org": filter_org,
            "page_obj": page,
            "may_publish": may_publish,
            "has_person": user.person_id is not None,
            "today": today,
        },
        status=400 if form.errors else 200,  # a filter refused: the page says why
    )


def _publisher_or_error(user, form):
    pk = form.cleaned_data.get("publisher")
    publisher = manage_scope(user).filter(Organization.objects.filter(pk=pk)).first() if pk else None
    if publisher is None:
        form.add_error(None, _("Choose the publishing organisation from the list."))
    return publisher


@login_required
def material_publish(request):
    user = request.user
    if manage_scope(user).is_empty:
        raise DjangoPermissionDenied
    home = user.home_organization
    initial = {"publisher": home.pk} if home and services.can_publish(user, home) else {}
    form = MaterialForm(request.POST or None, request.FILES or None, user=user, initial=initial)
    publisher = home if initial else None
    if request.method == "POST" and form.is_valid():
        publisher = _publisher_or_error(user, form)
        if publisher is not None:
            try:
                material = services.publish_material(
                    actor=user,
                    publisher=publisher,
                    recipients=form.cleaned_data["recipients"],
                    file=form.cleaned_data.get("file"),
                    request=request,
                    **{name: form.cleaned_data[name] for name in MATERIAL_FIELDS},
                )
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Published and pushed to %(count)d organisations.")
                    % {"count": material.recipient_count},
                )
                return redirect("ledger:material_detail", pk=material.pk)
    elif request.method == "POST":
        pk = parse_id(form.data.get("publisher"))
        publisher = manage_scope(user).filter(Organization.objects.filter(pk=pk)).first() if pk else None
    # Here a posted form was refused: it comes back with its reasons, as a 400.
    return render(
        request,
        "ledger/materials/publish.html",
        {"form": form, "publisher": publisher},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def material_detail(request, pk):
    user = request.user
    material = visible_material_or_404(user, pk)
    scope = scope_for(user)
    tab = request.GET.get("tab") or ("recipients" if material.in_scope else "reflections")
    if tab not in ("recipients", "reflections") or not material.in_scope:
        tab = "reflections"
    my_reflection = None
    if material.my_assignment is not None:
        my_reflection = Reflection.objects.filter(
            person_id=user.person_id, assignment=material.my_assignment
        ).first()
    context = {
        "material": material,
        "tab": tab,
        "my_reflection": my_reflection,
        "may_push": services.can_publish(user, material.organization),
        "today": timezone.localdate(),
    }
    if material.in_scope:
        scoped = scope.filter(material.assignments.all())
        totals = scoped.aggregate(orgs=Count("id"), posted=Sum("reflection_count"))
        roster = Person.objects.filter(organization_id__in=scoped.values("organization_id")).count()
        totals["roster"] = roster
        totals["posted"] = totals["posted"] or 0
        totals["percent"] = min(100, round(100 * totals["posted"] / roster)) if roster else 0
        context["totals"] = totals
    if tab == "recipients":
        page = paginate(
            request, scope.filter(material.assignments.select_related("organization")).order_by("org_path")
        )
        _attach_roster_counts(page.object_list)
    else:
        visible = scope.q("org_path") if material.in_scope else Q(pk__in=[])
        if material.my_assignment is not None:
            visible |= Q(assignment=material.my_assignment)
        page = paginate(
            request,
            Reflection.objects.filter(visible, assignment__material=material)
            .select_related("person", "organization")
            .order_by("-created_at", "-id"),
        )
    context["page_obj"] = page
    return render(request, "ledger/materials/detail.html", context)


@login_required
def material_file(request, pk):
    material = visible_material_or_404(request.user, pk)
    if not material.file:
        raise Http404
    inline = material.file_type.startswith(INLINE_TYPES)
    return FileResponse(
        material.file.open("rb"),
        content_type=material.file_type or "application/octet-stream",
        as_attachment=not inline,
        filename=material.file_name or "material",
    )


@login_required
def material_push(request, pk):
    user = request.user
    material = visible_material_or_404(user, pk)
    if not services.can_publish(user, material.organization):
        raise DjangoPermissionDenied
    form = PushForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            pushed = services.push_material(
                actor=user, material=material, recipients=form.cleaned_data["recipients"], request=request
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            if pushed:
                messages.success(request, _("Pushed to %(count)d more organisations.") % {"count": pushed})
            else:
                messages.info(request, _("Those organisations had already received the material."))
            return redirect("ledger:material_detail", pk=material.pk)
    return render(request, "ledger/materials/push.html", {"form": form, "material": material})


def _reflection_page(request, *, template_context, existing, post, back_url):
    """The phone-friendly reflection form shared by materials and activities."""
    user = request.user
    editable = existing is None or services.can_edit_reflection(user, existing)
    form = ReflectionForm(request.POST or None, initial={"text": existing.text if existing else ""})
    if request.method == "POST":
        if not editable:
            raise DjangoPermissionDenied
        if form.is_valid():
            try:
                if existing is None:
                    post(form.cleaned_data["text"])
                else:
                    services.edit_reflection(
                        actor=user, reflection=existing, text=form.cleaned_data["text"], request=request
                    )
            except ServiceError as error:
                form.add_error("text", str(error))
            else:
                messages.success(request, _("Thank you. Your reflection is posted."))
                return redirect(back_url)
    return render(
        request,
        "ledger/materials/reflect.html",
        {**template_context, "form": form, "existing": existing, "editable": editable, "back_url": back_url},
    )


@login_required
def material_reflect(request, pk):
    user = request.user
    material = visible_material_or_404(user, pk)
    assignment = material.my_assignment
    if assignment is None:
        # Visible through the user's scope, but not pushed to their own organisation.
        raise DjangoPermissionDenied
    existing = Reflection.objects.filter(person_id=user.person_id, assignment=assignment).first()

    def post(text):
        services.post_reflection(actor=user, text=text, assignment=assignment, request=request)

    return _reflection_page(
        request,
        template_context={"material": material, "assignment": assignment},
        existing=existing,
        post=post,
        back_url=reverse("ledger:my_study"),
    )


# --- my study ----------------------------------------------------------------------------


@login_required
def my_study(request):
    person = _person(request.user)
    context = {"person": person, "today": timezone.localdate()}
    if person is not None:
        mine = Reflection.objects.filter(assignment=OuterRef("pk"), person=person)
        assignments = (
            MaterialAssignment.objects.filter(organization_id=person.organization_id)
            .select_related("material")
            .annotate(posted=Exists(mine))
        )
        context["to_study"] = list(assignments.filter(posted=False).order_by("material__deadline", "id")[:50])
        context["studied"] = list(assignments.filter(posted=True).order_by("-material__deadline", "-id")[:10])
        context["make_up"] = list(
            MakeUpTask.objects.filter(person=person, status=MakeUpStatus.OPEN)
            .select_related("activity")
            .order_by("activity__starts_at", "id")[:50]
        )
        context["recent_activities"] = list(recent_unstudied_activities(person)[:5])
    return render(request, "ledger/materials/my_study.html", context)


def recent_unstudied_activities(person):
    """The counted activities of the member's unit in the last days on which they have
    neither posted a reflection nor an open make-up task, newest first."""
    now = timezone.now()
    posted_on = Reflection.objects.filter(activity=OuterRef("pk"), person=person)
    tasked = MakeUpTask.objects.filter(activity=OuterRef("pk"), person=person, status=MakeUpStatus.OPEN)
    return (
        Activity.objects.filter(
            # The unit by its path (one organisation's): activity_scope_time (path, time)
            # answers it, where no index leads with the organisation.
            org_path=person.org_path,
            status__in=COUNTING_STATUSES,
            starts_at__gte=now - timedelta(days=RECENT_ACTIVITY_DAYS),
            starts_at__lte=now,
        )
        .annotate(posted=Exists(posted_on), tasked=Exists(tasked))
        .filter(posted=False, tasked=False)
        .order_by("-starts_at")
    )


# --- activities: reflections and make-up study -------------------------------------------


@login_required
def activity_reflections(request, pk):
    user = request.user
    activity = visible_activity_or_404(user, pk)
    context = {
        "activity": activity,
        "may_make_up": activity.in_scope and services.can_manage_make_up(user, activity.organization),
        "counting": activity.status in COUNTING_STATUSES,
    }
    if activity.person is not None and activity.member:
        context["my_reflection"] = Reflection.objects.filter(
            person=activity.person, activity=activity
        ).first()
    if activity.in_scope:
        tasks = MakeUpTask.objects.filter(activity=activity)
        context["task_counts"] = dict(
            tasks.values("status").annotate(n=Count("id")).values_list("status", "n")
        )
        context["tasks"] = list(
            tasks.select_related("person", "closed_by").order_by("status", "person__sort_order", "person_id")[
                :200
            ]
        )
    context["page_obj"] = paginate(
        request,
        Reflection.objects.filter(activity=activity).select_related("person").order_by("-created_at", "-id"),
    )
    return render(request, "ledger/materials/activity_wall.html", context)


@login_required
def activity_reflect(request, pk):
    user = request.user
    activity = visible_activity_or_404(user, pk)
    if not activity.member:
        raise DjangoPermissionDenied
    existing = Reflection.objects.filter(person=activity.person, activity=activity).first()

    def post(text):
        services.post_reflection(actor=user, text=text, activity=activity, request=request)

    task = MakeUpTask.objects.filter(person=activity.person, activity=activity).first()
    return _reflection_page(
        request,
        template_context={"activity": activity, "task": task},
        existing=existing,
        post=post,
        back_url=reverse("ledger:my_study"),
    )


@login_required
@require_POST
def activity_make_up(request, pk):
    user = request.user
    activity = scope_for(user).get_or_404(Activity.objects.select_related("organization"), pk=pk)
    if not services.can_manage_make_up(user, activity.organization):
        raise DjangoPermissionDenied
    try:
        created = services.create_make_up_tasks(activity, actor=user, request=request)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        if created:
            messages.success(request, _("%(count)d make-up study tasks set.") % {"count": created})
        else:
            messages.info(request, _("Make-up study is up to date; no new tasks."))
    return redirect("ledger:activity_reflections", pk=activity.pk)
