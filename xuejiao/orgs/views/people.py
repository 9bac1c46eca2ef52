"""The people roster: list with search and filters, export, create and edit."""

from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xuejiao.audit.services import record_export
from xuejiao.core.errors import ServiceError
from xuejiao.core.exports import export_file, new_workbook
from xuejiao.core.pagination import paginate

from .. import services
from ..forms import PeopleFilterForm, PersonForm
from ..models import Gender, Person
from ..permissions import mask_phone
from ..scope import PATH_END, manage_scope, scope_for
from .organizations import managed_org_or_403, visible_ancestors, visible_org_or_404

EXPORT_LIMIT = 200_000
# What the roster export reads of each person.
ROSTER_COLUMNS = (
    "name",
    "gender",
    "phone",
    "is_party_member",
    "position",
    "org_path",
    "organization__code",
    "organization__name",
)


def _filtered_people(request):
    """People in scope matching the filter form, and the organisation filtered on (if any)."""
    form = PeopleFilterForm(request.GET or None)
    queryset = scope_for(request.user).filter(Person.objects.all())
    organization = None
    if form.is_valid():
        data = form.cleaned_data
        if data["org"]:
            organization = visible_org_or_404(request.user, data["org"])
            queryset = queryset.filter(
                org_path__gte=organization.path, org_path__lt=organization.path + PATH_END
            )
        if data["q"]:
            queryset = queryset.filter(name__contains=data["q"].strip())
        if data["party"] == "yes":
            queryset = queryset.filter(is_party_member=True)
        elif data["party"] == "no":
            queryset = queryset.filter(is_party_member=False)
    return form, organization, queryset.order_by("org_path", "sort_order", "id")


def _show_phones(user, people):
    managed = manage_scope(user)
    for person in people:
        person.shown_phone = (
            person.phone if managed.covers_path(person.org_path) else mask_phone(person.phone)
        )
    return people


@login_required
def people(request):
    form, organization, queryset = _filtered_people(request)
    page = paginate(request, queryset.select_related("organization"))
    _show_phones(request.user, page.object_list)
    return render(request, "orgs/people.html", {"form": form, "filter_org": organization, "page_obj": page})


@login_required
def export_people(request):
    """The filtered roster as an Excel file, written in constant memory; phones masked as on screen."""
    form, organization, queryset = _filtered_people(request)
    refusal = _(
        "More than %(limit)s people match, more than one file may hold. Narrow the list, by "
        "organisation for instance, and export it part by part."
    ) % {"limit": f"{EXPORT_LIMIT:,}"}
    try:
        spool, _rows = export_file(
            queryset,
            limit=EXPORT_LIMIT,
            refusal=refusal,
            rows_of=lambda people: (
                people.select_related("organization").only(*ROSTER_COLUMNS).iterator(chunk_size=5000)
            ),
            write=lambda path, people: _write_roster(path, request.user, people),
            on_written=lambda count: record_export(
                actor=request.user,
                what=_("the people roster"),
                rows=count,
                organization=organization,
                request=request,
            ),
        )
    except ServiceError as error:
        messages.error(request, str(error))
        query = request.GET.urlencode()
        return redirect(f"{reverse('orgs:people')}?{query}" if query else reverse("orgs:people"))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"people-{stamp}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _write_roster(path: str, user, people: Iterable[Person]) -> int:
    """The people to an .xlsx at `path`, phones masked outside the user's managed part;
    returns how many were written."""
    managed = manage_scope(user)
    gender_labels = dict(Gender.choices)
    workbook = new_workbook(path)
    sheet = workbook.add_worksheet(_("People"))
    header = workbook.add_format({"bold": True, "bg_color": "#EEF2F7"})
    columns = [
        _("Organisation code"),
        _("Organisation"),
        _("Name"),
        _("Gender"),
        _("Phone"),
        _("Party member"),
        _("Position"),
    ]
    for col, title in enumerate(columns):
        sheet.write(0, col, title, header)
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 30)
    sheet.set_column(2, 6, 12)
    rows = 0
    for person in people:
        rows += 1
        phone = person.phone if managed.covers_path(person.org_path) else mask_phone(person.phone)
        sheet.write_row(
            rows,
            0,
            [
                person.organization.code,
                person.organization.name,
                person.name,
                str(gender_labels.get(person.gender, "")),
                phone,
                _("Yes") if person.is_party_member else _("No"),
                person.position,
            ],
        )
    workbook.close()
    return rows


def _managed_person_or_403(user, pk) -> Person:
    person = scope_for(user).get_or_404(Person.objects.select_related("organization"), pk=pk)
    if not manage_scope(user).covers_path(person.org_path):
        raise DjangoPermissionDenied
    return person


@login_required
def create_person(request, org_pk):
    organization = managed_org_or_403(request.user, org_pk)
    form = PersonForm(request.POST or None, initial={"is_party_member": True})
    if request.method == "POST" and form.is_valid():
        try:
            services.create_person(
                actor=request.user, organization=organization, request=request, **form.cleaned_data
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Person added."))
            return redirect(f"{organization.get_absolute_url()}?tab=people")
    return render(
        request,
        "orgs/person_form.html",
        {"form": form, "org": organization, "ancestors": visible_ancestors(request.user, organization)},
    )


@login_required
def edit_person(request, pk):
    person = _managed_person_or_403(request.user, pk)
    form = PersonForm(request.POST or None, instance=Person.objects.get(pk=person.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(actor=request.user, person=person, request=request, **form.cleaned_data)
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Changes saved."))
            return redirect(f"{person.organization.get_absolute_url()}?tab=people")
    return render(
        request,
        "orgs/person_form.html",
        {
            "form": form,
            "org": person.organization,
            "person": person,
            "ancestors": visible_ancestors(request.user, person.organization),
        },
    )
