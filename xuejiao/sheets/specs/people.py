"""The people roster as a sheet.

External key: 组织编码 + 姓名 + 手机号 (the phone may be blank). The roster has no number
of its own, and the spreadsheets cities keep list people by unit, name and mobile number,
so that is what identifies a row: importing the same file again finds everyone and changes
nothing; a row whose gender, Party membership, position or order differs updates that
person. A changed name or phone, or a move to another organisation, is a different key
and so a new person: make those changes on the roster page. The key is unique in the
roster (a database constraint, orgs.Person), so a row finds at most one person; imports of
overlapping files run one after the other (sheets.services.wait_for_overlapping_imports),
so two at once never write a person twice.

New people are written in bulk (core.bulk.insert, and one audit entry each, as
create_person writes), after the same checks as orgs.services.create_person and the person form: the
organisation is managed by the importer and not archived; name, phone and lengths valid.
Changed people go through orgs.services.update_person.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from xuejiao.accounts.permissions import manage_scope
from xuejiao.audit import services as audit
from xuejiao.audit.models import AuditAction
from xuejiao.core import bulk
from xuejiao.orgs import services as org_services
from xuejiao.orgs.models import Gender, Organization, Person
from xuejiao.orgs.permissions import mask_phone
from xuejiao.orgs.scope import PATH_END, scope_for

from .. import parsers
from ..lookups import OrgLookup, chunked
from ..spec import Column, Plan, Row, SheetSpec, no_progress
from .orgs import org_code

PERSON_FIELDS = ("gender", "is_party_member", "position", "sort_order")
BOOL_CHOICES = ((True, gettext_lazy("Yes")), (False, gettext_lazy("No")))
BATCH = 1000


def phone(value) -> str:
    """As the person form: digits only once spaces and dashes are dropped, 7 to 12 of them."""
    number = parsers.normalise(parsers.show(value)).replace(" ", "").replace("-", "")
    if not number.isdigit() or not 7 <= len(number) <= 12:
        raise parsers.CellError(_("Enter a mobile number of 11 digits or a landline number."))
    return number


@dataclass
class PeoplePlan:
    creates: list[dict] = field(default_factory=list)  # Person fields by name
    updates: list[tuple[int, dict]] = field(default_factory=list)


class PeopleSheet(SheetSpec):
    name = "people"
    title = gettext_lazy("People")
    key_columns = ("org_code", "name", "phone")
    instructions = gettext_lazy(
        "One row per person. A person is found by organisation code, name and mobile phone together: "
        "change a name or phone, or move a person, on the roster page."
    )
    analyze_tables = (Person._meta.db_table,)
    columns = (
        Column(
            "org_code",
            pgettext_lazy("sheet column", "Organisation code"),
            parser=org_code,
            required=True,
            as_text=True,
            help=gettext_lazy("The code of an organisation you manage."),
            example="ZZ-EQ-RH-ZF",
        ),
        Column(
            "name",
            pgettext_lazy("sheet column", "Name"),
            parser=parsers.text(50),
            required=True,
            example="张伟",
        ),
        Column(
            "gender", pgettext_lazy("sheet column", "Gender"), choices=Gender.choices, width=8, example="M"
        ),
        Column(
            "phone",
            pgettext_lazy("sheet column", "Mobile phone"),
            parser=phone,
            as_text=True,
            help=gettext_lazy("11 digits, or a landline number."),
            example="13800003333",
        ),
        Column(
            "is_party_member",
            pgettext_lazy("sheet column", "Party member"),
            parser=parsers.parse_bool,
            choices=BOOL_CHOICES,
            default=True,
            width=10,
            help=gettext_lazy("Blank means yes."),
            example=True,
        ),
        Column(
            "position", pgettext_lazy("sheet column", "Position"), parser=parsers.text(50), example="党员"
        ),
        Column(
            "sort_order",
            pgettext_lazy("sheet column", "Sort order"),
            parser=parsers.integer(),
            default=0,
            width=8,
        ),
    )

    # --- import ---------------------------------------------------------------------------

    def plan(self, rows: list[Row], *, actor, report, progress=no_progress) -> Plan:
        lookup = OrgLookup(actor)
        lookup.load(row.values["org_code"] for row in rows)
        wanted = {(row.values["org_code"], row.values["name"]) for row in rows}
        org_ids = sorted({org.pk for org in lookup.by_code.values() if lookup.writable.covers(org)})
        existing: dict[tuple, tuple] = {}
        codes = {org.pk: org.code for org in lookup.by_code.values()}
        for batch in chunked(org_ids):
            people = Person.objects.filter(organization_id__in=batch).values_list(
                "id", "organization_id", "name", "phone", *PERSON_FIELDS
            )
            for person_id, org_id, name, number, *values in people.iterator(chunk_size=5000):
                if (codes[org_id], name) in wanted:
                    existing[(org_id, name, number)] = (person_id, *values)
        plan = Plan(payload=PeoplePlan())
        for done, row in enumerate(rows):
            if done % 5000 == 0:
                progress(done, len(rows))
            values = row.values
            organization = lookup.exists(values["org_code"])
            match = existing.get((organization.pk, values["name"], values["phone"])) if organization else None
            organization = lookup.writable_org(
                values["org_code"], report, row=row.number, column="org_code", for_new_records=match is None
            )
            if organization is None:
                continue
            fields = {name: values[name] for name in PERSON_FIELDS}
            if match is None:
                plan.payload.creates.append(
                    {
                        "organization_id": organization.pk,
                        "org_path": organization.path,
                        "name": values["name"],
                        "phone": values["phone"],
                        **fields,
                    }
                )
                plan.mark(row.number, Plan.CREATE)
            else:
                person_id, *current = match
                changed = {
                    name: value
                    for name, value, old in zip(PERSON_FIELDS, fields.values(), current, strict=True)
                    if value != old
                }
                if changed:
                    plan.payload.updates.append((person_id, changed))
                    plan.mark(row.number, Plan.UPDATE)
                else:
                    plan.mark(row.number, Plan.UNCHANGED)
        return plan

    def apply(self, plan: Plan, *, actor, progress=no_progress) -> None:
        creates, updates = plan.payload.creates, plan.payload.updates
        total = len(creates) + len(updates)
        done = 0
        for batch in chunked(creates, BATCH):
            ids = bulk.insert(Person, batch, returning_ids=True)
            self.audit_created(actor, batch, ids)
            done += len(batch)
            progress(done, total)
        for batch in chunked(updates, BATCH):
            people = Person.objects.select_related("organization").in_bulk([pk for pk, _changed in batch])
            for pk, changed in batch:
                org_services.update_person(actor=actor, person=people[pk], **changed)
            done += len(batch)
            progress(done, total)

    def audit_created(self, actor, people: list[dict], ids: list[int]) -> None:
        """The entry orgs.services.create_person writes, for each new person."""
        summary = _("Added %(name)s to the roster")
        audit.record_many(
            actor,
            AuditAction.CREATE,
            (
                {
                    "organization_id": person["organization_id"],
                    "org_path": person["org_path"],
                    "object_type": "person",
                    "object_id": str(pk),
                    "summary": (summary % {"name": person["name"]})[:300],
                }
                for person, pk in zip(people, ids, strict=True)
            ),
        )

    # --- export ---------------------------------------------------------------------------

    def export_queryset(self, user, organization=None):
        queryset = scope_for(user).filter(Person.objects.all())
        if organization is not None:
            queryset = queryset.filter(
                org_path__gte=organization.path, org_path__lt=organization.path + PATH_END
            )
        return queryset.order_by("org_path", "sort_order", "id")

    def export_rows(self, queryset, user):
        """Phones outside the user's managed part are masked, as on the roster page."""
        managed = manage_scope(user)
        codes: dict[int, str] = {}
        people = queryset.values_list("organization_id", "org_path", "name", "phone", *PERSON_FIELDS)
        for org_id, org_path, name, number, gender, is_party_member, position, sort_order in people.iterator(
            chunk_size=5000
        ):
            if org_id not in codes:
                codes[org_id] = Organization.objects.values_list("code", flat=True).get(pk=org_id)
            yield {
                "org_code": codes[org_id],
                "name": name,
                "gender": gender,
                "phone": number if managed.covers_path(org_path) else mask_phone(number),
                "is_party_member": is_party_member,
                "position": position,
                "sort_order": sort_order,
            }
