"""The organisation tree as a sheet: onboarding a city from its own spreadsheets.

External key: 组织编码 (Organization.code, unique in the whole tree).
- A new code creates the organisation under 上级组织编码, which must exist in the importer's
  managed part of the tree or be a new row of the same file (parents may come after their
  children in the file: rows are created parents first).
- A known code updates name, short name, category, kind, systems and sort order when they
  differ, and leaves the row unchanged otherwise. A blank optional cell clears the field
  (the row describes the whole record). 上级组织编码 may be left blank for a known code;
  when filled it must be the current parent: moving organisations is done in the tree,
  where the whole subtree's records move with them, never by an import.
Writes go through orgs.services: the new organisations in one pass
(create_organizations: the checks, fields and audit entries of create_organization, the
paths worked out in memory, one bulk insert, completion refreshed once), the changed ones
through update_organization. Both check the scope again and write the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from xuejiao.orgs import services as org_services
from xuejiao.orgs.models import Category, Kind, Organization, System
from xuejiao.orgs.scope import PATH_END

from .. import parsers
from ..lookups import OrgLookup, chunked
from ..spec import Column, Plan, Row, SheetSpec, no_progress

STEP = Organization.steplen


def org_code(value) -> str:
    """As the organisation form: upper case; letters, digits, “-” and “_”."""
    code = parsers.normalise(parsers.show(value)).upper()
    if not code.replace("-", "").replace("_", "").isalnum():
        raise parsers.CellError(_("The code may contain only letters, digits, “-” and “_”."))
    if len(code) > 32:
        raise parsers.CellError(
            _("Too long: at most %(max)d characters, this has %(length)d.") % {"max": 32, "length": len(code)}
        )
    return code


def system_names(value) -> list[str]:
    return parsers.split_list(value)


@dataclass
class NewOrg:
    row: int
    code: str
    fields: dict
    systems: list
    parent: Organization | None
    parent_code: str
    depth: int = 0


@dataclass
class ChangedOrg:
    organization: Organization
    fields: dict
    systems: list | None


@dataclass
class OrgPlan:
    creates: list[NewOrg] = field(default_factory=list)
    updates: list[ChangedOrg] = field(default_factory=list)


class OrganizationSheet(SheetSpec):
    name = "orgs"
    title = gettext_lazy("Organisations")
    key_columns = ("code",)
    instructions = gettext_lazy(
        "One row per organisation. Parents may be in the same file, in any order. "
        "The import never moves an existing organisation: do that in the tree."
    )
    analyze_tables = (Organization._meta.db_table,)
    org_columns = ("code", "parent_code")
    columns = (
        Column(
            "code",
            pgettext_lazy("sheet column", "Organisation code"),
            parser=org_code,
            required=True,
            as_text=True,
            help=gettext_lazy(
                "Unique in the whole tree. A row with a code that exists updates that organisation."
            ),
            example="ZZ-EQ-RH",
        ),
        Column(
            "name",
            pgettext_lazy("sheet column", "Organisation name"),
            parser=parsers.text(200),
            required=True,
            width=30,
            example="中共人和路街道工作委员会",
        ),
        Column(
            "short_name",
            pgettext_lazy("sheet column", "Short name"),
            parser=parsers.text(100),
            width=18,
            example="人和路街道",
        ),
        Column(
            "parent_code",
            pgettext_lazy("sheet column", "Parent organisation code"),
            parser=org_code,
            as_text=True,
            width=18,
            help=gettext_lazy(
                "Required for a new organisation: the code of an organisation you manage, or of a new row "
                "of this file."
            ),
            example="ZZ-EQ",
        ),
        Column(
            "category",
            pgettext_lazy("sheet column", "Category"),
            choices=Category.choices,
            required=True,
            example=Category.STREET,
        ),
        Column(
            "kind",
            pgettext_lazy("sheet column", "Kind"),
            choices=Kind.choices,
            required=True,
            width=20,
            example=Kind.WORKING_COMMITTEE,
        ),
        Column(
            "systems",
            pgettext_lazy("sheet column", "Systems"),
            parser=system_names,
            default=[],
            help=gettext_lazy("Names of systems such as 教育, separated by “、” or commas."),
            example=["教育"],
        ),
        Column(
            "sort_order",
            pgettext_lazy("sheet column", "Sort order"),
            parser=parsers.integer(),
            default=0,
            width=8,
            example=10,
        ),
    )

    # --- import ---------------------------------------------------------------------------

    def plan(self, rows: list[Row], *, actor, report, progress=no_progress) -> Plan:
        lookup = OrgLookup(actor)
        lookup.load(
            [row.values["code"] for row in rows] + [row.values["parent_code"] for row in rows],
            Organization.objects.prefetch_related("systems"),
        )
        parent_codes = self._parent_codes(list(lookup.by_code.values()))
        systems = {}
        for system in System.objects.all():
            systems[system.name] = system
            systems[system.code] = system
        plan = Plan(payload=OrgPlan())
        new_rows: dict[str, NewOrg] = {}
        for done, row in enumerate(rows):
            if done % 2000 == 0:
                progress(done, len(rows))
            values = row.values
            code = values["code"]
            chosen_systems = self._systems(values["systems"], systems, report, row)
            fields = {name: values[name] for name in ("name", "short_name", "category", "kind", "sort_order")}
            existing = lookup.exists(code)
            if existing is not None:
                self._plan_update(existing, fields, chosen_systems, parent_codes, lookup, plan, report, row)
                continue
            parent_code = values["parent_code"]
            if not parent_code:
                report.add(
                    _("A new organisation needs its parent's code."), row=row.number, column="parent_code"
                )
                continue
            if parent_code == code:
                report.add(
                    _("An organisation cannot be its own parent."),
                    row=row.number,
                    column="parent_code",
                    value=parent_code,
                )
                continue
            parent = None
            known = lookup.exists(parent_code)
            # A parent the importer cannot see is answered as an unknown one (_order_new).
            if known is not None and lookup.sees(known):
                parent = lookup.writable_org(parent_code, report, row=row.number, column="parent_code")
                if parent is None:
                    continue
            new_rows[code] = NewOrg(row.number, code, fields, chosen_systems or [], parent, parent_code)
        self._order_new(new_rows, plan, report)
        return plan

    def _systems(self, names, systems, report, row):
        chosen = []
        for name in names:
            system = systems.get(name)
            if system is None:
                known = "、".join(sorted({s.name for s in systems.values()})) or "—"
                report.add(
                    _("Unknown system “%(name)s”. Known systems: %(known)s.")
                    % {"name": name, "known": known},
                    row=row.number,
                    column="systems",
                    value=name,
                )
                return None
            chosen.append(system)
        return chosen

    def _parent_codes(self, organizations) -> dict[str, str]:
        """path → code of the parents of the known organisations (one query per 500)."""
        paths = sorted({org.path[:-STEP] for org in organizations if org.depth > 1})
        codes = {}
        for batch in chunked(paths):
            codes.update(Organization.objects.filter(path__in=batch).values_list("path", "code"))
        return codes

    def _plan_update(self, existing, fields, chosen_systems, parent_codes, lookup, plan, report, row):
        code = existing.code
        if not lookup.sees(existing):
            report.add(
                _("The code “%(code)s” is already used by another organisation.") % {"code": code},
                row=row.number,
                column="code",
                value=code,
            )
            return
        if not lookup.writable.covers(existing):
            report.add(
                _("“%(name)s” (%(code)s) is outside the part of the tree you may change.")
                % {"name": existing.name, "code": code},
                row=row.number,
                column="code",
                value=code,
            )
            return
        parent_code = row.values["parent_code"]
        current_parent = parent_codes.get(existing.path[:-STEP], "")
        if parent_code and parent_code != current_parent:
            report.add(
                _(
                    "“%(name)s” is under another parent. An import does not move organisations: "
                    "move it in the tree, or leave this cell as it is."
                )
                % {"name": existing.name},
                row=row.number,
                column="parent_code",
                value=parent_code,
            )
            return
        if chosen_systems is None:
            return
        changed = {name: value for name, value in fields.items() if getattr(existing, name) != value}
        systems_changed = {s.pk for s in existing.systems.all()} != {s.pk for s in chosen_systems}
        if changed or systems_changed:
            plan.payload.updates.append(
                ChangedOrg(existing, changed, chosen_systems if systems_changed else None)
            )
            plan.mark(row.number, Plan.UPDATE)
        else:
            plan.mark(row.number, Plan.UNCHANGED)

    def _order_new(self, new_rows: dict[str, NewOrg], plan: Plan, report) -> None:
        """Depth of each new row below an existing organisation; parents first, cycles refused."""
        for item in new_rows.values():
            chain = [item]
            cursor = item
            while cursor.parent is None:
                parent_row = new_rows.get(cursor.parent_code)
                if parent_row is None:
                    report.add(
                        _(
                            "There is no organisation with the code “%(code)s” in your part of the tree, "
                            "nor a correct new row with that code in this file."
                        )
                        % {"code": cursor.parent_code},
                        row=item.row,
                        column="parent_code",
                        value=cursor.parent_code,
                    )
                    break
                if parent_row in chain:
                    report.add(
                        _("The parent codes of rows %(rows)s go round in a circle.")
                        % {"rows": "、".join(str(link.row) for link in chain)},
                        row=item.row,
                        column="parent_code",
                        value=item.parent_code,
                    )
                    break
                chain.append(parent_row)
                cursor = parent_row
            else:
                item.depth = len(chain)
                if item.systems is not None and item.row not in report.bad_rows:
                    plan.payload.creates.append(item)
                    plan.mark(item.row, Plan.CREATE)
        plan.payload.creates.sort(key=lambda new: new.depth)

    def apply(self, plan: Plan, *, actor, progress=no_progress) -> None:
        """The new organisations in one pass (parents first, as the plan orders them), then
        the changed ones one by one."""
        creates, updates = plan.payload.creates, plan.payload.updates
        total = len(creates) + len(updates)
        org_services.create_organizations(
            actor=actor,
            new=[
                org_services.NewOrganization(
                    code=item.code,
                    fields=item.fields,
                    systems=item.systems,
                    parent=item.parent,
                    parent_code=item.parent_code,
                )
                for item in creates
            ],
        )
        done = len(creates)
        progress(done, total)
        for change in updates:
            org_services.update_organization(
                actor=actor, organization=change.organization, systems=change.systems, **change.fields
            )
            done += 1
            if done % 200 == 0:
                progress(done, total)

    # --- export ---------------------------------------------------------------------------

    def export_queryset(self, user, organization=None):
        from xuejiao.orgs.scope import scope_for

        queryset = scope_for(user).filter(Organization.objects.all())
        if organization is not None:
            queryset = queryset.filter(path__gte=organization.path, path__lt=organization.path + PATH_END)
        return queryset.order_by("path")

    def export_rows(self, queryset, user):
        """In path order, so a parent is met before its children; a parent the user cannot see
        is left blank (an import leaves a known organisation where it is)."""
        from xuejiao.orgs.scope import scope_for

        visible = scope_for(user)
        codes_by_path: dict[str, str] = {}
        for organization in queryset.prefetch_related("systems").iterator(chunk_size=2000):
            codes_by_path[organization.path] = organization.code
            parent_path = organization.path[:-STEP]
            if parent_path not in codes_by_path and organization.depth > 1:
                parent = Organization.objects.filter(path=parent_path).only("code", "path").first()
                visible_parent = parent is not None and visible.covers(parent)
                codes_by_path[parent_path] = parent.code if visible_parent else ""
            parent_code = codes_by_path.get(parent_path, "")
            yield {
                "code": organization.code,
                "name": organization.name,
                "short_name": organization.short_name,
                "parent_code": parent_code,
                "category": organization.category,
                "kind": organization.kind,
                "systems": sorted(system.name for system in organization.systems.all()),
                "sort_order": organization.sort_order,
            }
