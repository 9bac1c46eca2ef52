"""The activity ledger (台账) as a sheet.

The key: 记录编号 (required).
- A record imported from a sheet keeps the number it was imported with
  (Activity.external_key, unique in the whole ledger): importing the row again finds it.
- A record entered on a page or through the API has no such number. The export writes
  its own number instead, "xj-" and its id (xj-1024), and an import reads "xj-<id>" as
  "the record with that id" (a record with a number of its own is known only by that
  number). So every exported row names its record, and exporting then importing changes
  nothing. Numbers of the form xj-<digits> are reserved for this: a new row must bring a
  number of its own, such as the unit's own ledger number.
- A number in use by a record the importer cannot see is refused without saying where.

A row describes the whole record: a blank optional cell clears the field. A known number
with different values updates the record (version + 1); the same values leave it alone.
Every new or changed row meets the rules of the activity form and of
ledger.services.create_activity / update_activity: the organisation in the importer's
recording scope (can_record), not archived for new records, validate_activity itself
(dates, first agenda item, attendance, the campaign covering the organisation and the
date), and the campaign one the importer sees. A record stays in its organisation (an
import does not move records). Status: new and changed rows may be 草稿 or 已提交
(submitting); 已审核 and 已退回 are set by the level above, never by an import. A verified
record comes back unchanged in an export and is then left alone; a changed verified row is
refused. Rows the importer may see but not change are accepted only when unchanged, so the
export of someone who records for only part of what they see imports again as a no-op.

The campaign is named, as on the form's drop-down; of two campaigns with one name the one
covering the row's organisation is taken. The template's drop-down lists the current
campaigns its downloader sees, and the import accepts only a campaign the importer sees
(campaigns.permissions.visible_campaigns).

The rules are the ledger services' own: each row is checked by
ledger.services.batches.check_new / check_change (create_activity's, update_activity's and
submit_activity's rules, the refusal naming its field), and the rows are written by
ledger.services.batches.write_activities, inside the framework's one transaction: the same
records and audit entries the pages' services write, and completion told once per campaign.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from xuejiao.campaigns.models import Campaign
from xuejiao.campaigns.permissions import visible_campaigns
from xuejiao.core.errors import ServiceError
from xuejiao.ledger.models import Activity, ActivityKind, ActivityStatus, Mode
from xuejiao.ledger.services import ACTIVITY_FIELDS
from xuejiao.ledger.services.batches import Change, NewRecord, check_change, check_new, write_activities
from xuejiao.orgs.models import Organization
from xuejiao.orgs.permissions import RECORDING_ROLES
from xuejiao.orgs.scope import PATH_END, scope_for

from .. import parsers
from ..lookups import OrgLookup, chunked
from ..spec import Column, Plan, Row, SheetSpec, no_progress
from .activity_cells import (
    KEY_PREFIX,
    OWN_NUMBER,
    campaign_choices,
    count_column,
    parse_datetime,
    record_key,
    remembered,
    same_text,
    show_datetime,
)
from .orgs import org_code

BOOL_CHOICES = ((True, gettext_lazy("Yes")), (False, gettext_lazy("No")))
LOOKUP_BATCH = 2000

# The fields a row sets, as they are compared with the record (campaign and status apart):
# those of the activity form and services.
COMPARED = tuple(name for name in ACTIVITY_FIELDS if name != "campaign")
TEXT_FIELDS = frozenset({"title", "topic", "place", "host", "speaker", "first_agenda_content", "summary"})
# A refusal of the services names a field; the column it is reported in.
COLUMN_OF_FIELD = {"organization": "org_code"}


# --- the plan --------------------------------------------------------------------------------


@dataclass
class ActivityPlan:
    creates: list[NewRecord] = field(default_factory=list)
    updates: list[Change] = field(default_factory=list)


LOADED = (
    "id",
    "external_key",
    "organization_id",
    "organization__code",
    "organization__name",
    "org_path",
    "campaign_id",
    "status",
    "version",
    *COMPARED,
)


class ActivitySheet(SheetSpec):
    name = "activities"
    title = gettext_lazy("Activity ledger")
    key_columns = ("key",)
    instructions = gettext_lazy(
        "One row per activity. 记录编号 identifies the record: give a new activity a number of your own "
        "(such as your ledger's number); rows exported from the platform carry theirs (xj-… for records "
        "entered on the pages), so they update that record. Rows may be drafts or submitted; verifying "
        "and returning records is done by the level above on the pages."
    )
    analyze_tables = (Activity._meta.db_table,)
    columns = (
        Column(
            "key",
            pgettext_lazy("sheet column", "Record number"),
            parser=record_key,
            required=True,
            as_text=True,
            width=18,
            help=gettext_lazy(
                "Your own number for the record, unique in the whole ledger. A row with the number of an "
                "existing record updates it; xj-… numbers are the platform's own."
            ),
            example="EQ-RH-2021-001",
        ),
        Column(
            "org_code",
            pgettext_lazy("sheet column", "Organisation code"),
            parser=remembered(lambda: org_code),
            required=True,
            as_text=True,
            help=gettext_lazy("The code of an organisation you record for."),
            example="ZZ-EQ-RH-ZF",
        ),
        Column(
            "campaign",
            pgettext_lazy("sheet column", "Campaign"),
            parser=parsers.text(200),
            choices=campaign_choices,
            width=24,
            help=gettext_lazy("Blank when the activity is not part of a campaign."),
        ),
        Column(
            "kind",
            pgettext_lazy("sheet column", "Activity kind"),
            parser=remembered(lambda: parsers.choice(ActivityKind.choices)),
            choices=ActivityKind.choices,
            required=True,
            width=18,
            example=ActivityKind.THEME_DAY,
        ),
        Column(
            "title",
            pgettext_lazy("sheet column", "Activity name"),
            parser=parsers.text(200),
            required=True,
            width=30,
            example="“七一”主题党日",
        ),
        Column("topic", pgettext_lazy("sheet column", "Topic"), parser=parsers.text(200), width=24),
        Column(
            "starts_at",
            pgettext_lazy("sheet column", "Starts at"),
            parser=parse_datetime,
            required=True,
            width=18,
            help=gettext_lazy("A date, or a date and time such as 2021-05-20 19:30."),
            example="2021-05-20 19:30",
        ),
        Column(
            "ends_at",
            pgettext_lazy("sheet column", "Ends at"),
            parser=parse_datetime,
            default=None,
            width=18,
            example="2021-05-20 21:00",
        ),
        Column("place", pgettext_lazy("sheet column", "Place"), parser=parsers.text(200), width=20),
        Column(
            "mode",
            pgettext_lazy("sheet column", "Mode"),
            parser=remembered(lambda: parsers.choice(Mode.choices)),
            choices=Mode.choices,
            default=Mode.OFFLINE,
            width=12,
            help=gettext_lazy("Blank means on site."),
        ),
        Column("host", pgettext_lazy("sheet column", "Host"), parser=parsers.text(50), width=10),
        Column("speaker", pgettext_lazy("sheet column", "Speaker"), parser=parsers.text(100), width=10),
        Column(
            "first_agenda",
            pgettext_lazy("sheet column", "First agenda item"),
            parser=remembered(lambda: parsers.parse_bool),
            choices=BOOL_CHOICES,
            default=False,
            width=10,
            help=gettext_lazy("Blank means no."),
            example=True,
        ),
        Column(
            "first_agenda_content",
            pgettext_lazy("sheet column", "First agenda item content"),
            parser=parsers.text(300),
            width=24,
            help=gettext_lazy("Required when the first agenda item is yes."),
            example="学习“七一”重要讲话精神",
        ),
        count_column("expected", pgettext_lazy("sheet column", "Expected"), 30),
        count_column("present", pgettext_lazy("sheet column", "Present"), 28),
        count_column("on_leave", pgettext_lazy("sheet column", "On leave"), 2),
        count_column("absent", pgettext_lazy("sheet column", "Absent")),
        Column("summary", pgettext_lazy("sheet column", "Summary"), parser=parsers.text(32_000), width=40),
        Column(
            "status",
            pgettext_lazy("sheet column", "Status"),
            parser=remembered(lambda: parsers.choice(ActivityStatus.choices)),
            choices=ActivityStatus.choices,
            default=ActivityStatus.DRAFT,
            width=10,
            help=gettext_lazy("Draft or submitted; blank means draft."),
            example=ActivityStatus.SUBMITTED,
        ),
    )

    # --- who may use it -------------------------------------------------------------------

    def can_import(self, user) -> bool:
        return not scope_for(user, RECORDING_ROLES).is_empty

    # --- import ---------------------------------------------------------------------------

    def plan(self, rows: list[Row], *, actor, report, progress=no_progress) -> Plan:
        lookup = OrgLookup(actor, writable=scope_for(actor, RECORDING_ROLES))
        lookup.load(
            (row.values["org_code"] for row in rows),
            Organization.objects.only("code", "name", "path", "depth", "category", "is_archived"),
        )
        by_key, by_id = self._existing(rows)
        twins = case_twins(rows, by_key, lookup)
        campaigns = Campaigns(actor, rows, [*by_key.values(), *by_id.values()])
        plan = Plan(payload=ActivityPlan())
        claimed: dict[int, int] = {}  # record id → row number
        total = len(rows)
        for done, row in enumerate(rows):
            if done % 5000 == 0:
                progress(done, total)
            values = row.values
            key = values["key"]
            record = by_key.get(key)
            own = OWN_NUMBER.fullmatch(key) if record is None else None
            if own is not None:
                record = by_id.get(int(own.group(1)))
                if (
                    record is not None
                    and record["external_key"]
                    and lookup.visible.covers_path(record["org_path"])
                ):
                    report.add(
                        _("This record's number is “%(key)s”: use that number.")
                        % {"key": record["external_key"]},
                        row=row.number,
                        column="key",
                        value=key,
                    )
                    continue
                if (
                    record is None
                    or record["external_key"]
                    or not lookup.visible.covers_path(record["org_path"])
                ):
                    report.add(
                        _(
                            "There is no record numbered “%(key)s” in your part of the tree. Numbers "
                            "starting with xj- are the platform's own: give a new record a number of "
                            "your own."
                        )
                        % {"key": key},
                        row=row.number,
                        column="key",
                        value=key,
                    )
                    continue
            if record is None:
                twin = twins.get(key.casefold())
                if twin is not None and twin != key:
                    report.add(
                        _(
                            "The record number “%(key)s” differs from “%(existing)s”, the number of an "
                            "existing record, only in upper and lower case, and numbers are the same "
                            "whatever the case. Write “%(existing)s” to update that record, or give this "
                            "row another number."
                        )
                        % {"key": key, "existing": twin},
                        row=row.number,
                        column="key",
                        value=key,
                    )
                    continue
                self._plan_new(row, actor, lookup, campaigns, plan, report)
                continue
            if not lookup.visible.covers_path(record["org_path"]):
                # Numbers are unique in the whole ledger, so the row cannot create a record with
                # it; the answer says nothing of where, or even whether in the importer's scope.
                report.add(
                    _(
                        "The record number “%(key)s” cannot be given to a new record; give this row "
                        "another number of your own."
                    )
                    % {"key": key},
                    row=row.number,
                    column="key",
                    value=key,
                )
                continue
            if record["id"] in claimed:
                report.add(
                    _("Row %(other)d is already about this record.") % {"other": claimed[record["id"]]},
                    row=row.number,
                    column="key",
                    value=key,
                )
                continue
            claimed[record["id"]] = row.number
            self._plan_existing(row, actor, record, lookup, campaigns, plan, report)
        progress(total, total)
        return plan

    def _existing(self, rows: list[Row]) -> tuple[dict[str, dict], dict[int, dict]]:
        """The records the rows' numbers name: by external key, and by id for xj-<id>."""
        keys = [row.values["key"] for row in rows]
        # Which numbers exist, asking for nothing but the id, then what those records hold.
        # Records entered on the pages have no number; SQLite's statistics count all their
        # NULLs as one value, so a query by number that reads more than the index (the id)
        # is planned as a scan of the table: 235 s for 100,000 rows among 2,000,000.
        found = []
        for batch in chunked(keys, LOOKUP_BATCH):
            found += Activity.objects.filter(external_key__in=batch).values_list("pk", flat=True)
        by_key: dict[str, dict] = {}
        for batch in chunked(found, LOOKUP_BATCH):
            for record in Activity.objects.filter(pk__in=batch).values(*LOADED):
                by_key[record["external_key"]] = record
        ids = sorted(
            {
                int(match.group(1))
                for key in keys
                if key not in by_key and (match := OWN_NUMBER.fullmatch(key))
            }
        )
        by_id: dict[int, dict] = {}
        for batch in chunked(ids, LOOKUP_BATCH):
            for record in Activity.objects.filter(pk__in=batch).values(*LOADED):
                by_id[record["id"]] = record
        return by_key, by_id

    def _fields(self, values: dict, campaign) -> dict:
        fields = {name: values[name] for name in COMPARED}
        fields["campaign"] = campaign
        return fields

    def _refused(self, check, report, row: Row, column: str | None = None) -> bool:
        """Run one of the ledger services' checks; its refusal becomes this row's error, in
        the column of the field it names."""
        try:
            check()
        except ServiceError as error:
            column = column or COLUMN_OF_FIELD.get(error.field, error.field) or "starts_at"
            value = row.values.get(column)
            report.add(
                str(error),
                row=row.number,
                column=column,
                value=label_of(value) if column == "status" else value,
            )
            return True
        return False

    def _plan_new(self, row: Row, actor, lookup: OrgLookup, campaigns: Campaigns, plan: Plan, report) -> None:
        values = row.values
        organization = lookup.writable_org(values["org_code"], report, row=row.number, column="org_code")
        if organization is None:
            return
        status = values["status"]
        if status not in (ActivityStatus.DRAFT, ActivityStatus.SUBMITTED):
            # Before the campaign, as the row's first fault.
            self._refused(lambda: check_new(actor, organization, {}, status), report, row)
            return
        campaign = campaigns.choose(values["campaign"], organization, report, row)
        if campaign is False:
            return
        fields = self._fields(values, campaign)
        if self._refused(lambda: check_new(actor, organization, fields, status), report, row):
            return
        plan.payload.creates.append(
            NewRecord(
                organization=organization,
                fields=fields,
                submit=status == ActivityStatus.SUBMITTED,
                external_key=values["key"],
            )
        )
        plan.mark(row.number, Plan.CREATE)

    def _plan_existing(self, row: Row, actor, record: dict, lookup, campaigns, plan: Plan, report) -> None:
        values = row.values
        if values["org_code"] != record["organization__code"]:
            report.add(
                _(
                    "This record belongs to “%(name)s” (%(code)s). An import does not move records to "
                    "another organisation."
                )
                % {"name": record["organization__name"], "code": record["organization__code"]},
                row=row.number,
                column="org_code",
                value=values["org_code"],
            )
            return
        organization = lookup.exists(values["org_code"])
        current = campaigns.by_id.get(record["campaign_id"])
        name = values["campaign"]
        if current is not None and name == current.name:
            campaign = current
        elif not name:
            campaign = None
        else:
            campaign = campaigns.choose(name, organization, report, row)
            if campaign is False:
                return
        changed = {
            name: values[name]
            for name in COMPARED
            if not (
                same_text(values[name], record[name]) if name in TEXT_FIELDS else values[name] == record[name]
            )
        }
        if (campaign.pk if campaign else None) != record["campaign_id"]:
            changed["campaign"] = campaign
        status, before_status = values["status"], record["status"]
        if not changed and status == before_status:
            plan.mark(row.number, Plan.UNCHANGED)
            return
        fields = self._fields(values, campaign)
        if before_status == ActivityStatus.VERIFIED:
            # Said of the status when the row changes it, else of the first changed cell.
            column = "status" if status != before_status else next(iter(changed))
            self._refused(
                lambda: check_change(actor, organization, before_status, fields, status), report, row, column
            )
            return
        if (
            lookup.writable_org(
                values["org_code"], report, row=row.number, column="org_code", for_new_records=False
            )
            is None
        ):
            return
        if self._refused(
            lambda: check_change(actor, organization, before_status, fields, status), report, row
        ):
            return
        plan.payload.updates.append(
            Change(
                pk=record["id"],
                version=record["version"],
                fields=changed,
                submit=status == ActivityStatus.SUBMITTED and before_status != status,
                label=_("Row %(row)d") % {"row": row.number},
            )
        )
        plan.mark(row.number, Plan.UPDATE)

    # --- writing ----------------------------------------------------------------------------

    def apply(self, plan: Plan, *, actor, progress=no_progress) -> None:
        payload: ActivityPlan = plan.payload
        write_activities(actor=actor, new=payload.creates, changes=payload.updates, progress=progress)

    # --- export ---------------------------------------------------------------------------

    def export_queryset(self, user, organization=None):
        queryset = scope_for(user).filter(Activity.objects.all())
        if organization is not None:
            queryset = queryset.filter(
                org_path__gte=organization.path, org_path__lt=organization.path + PATH_END
            )
        return queryset.order_by("org_path", "starts_at", "id")

    def export_rows(self, queryset, user):
        fields = ("id", "external_key", "organization__code", "campaign__name", *COMPARED, "status")
        for record in queryset.values(*fields).iterator(chunk_size=5000):
            record["key"] = record["external_key"] or f"{KEY_PREFIX}{record['id']}"
            record["org_code"] = record["organization__code"]
            record["campaign"] = record["campaign__name"] or ""
            record["starts_at"] = show_datetime(record["starts_at"])
            record["ends_at"] = show_datetime(record["ends_at"])
            yield record


# --- helpers ---------------------------------------------------------------------------------


def case_twins(rows: list[Row], by_key: dict, lookup: OrgLookup) -> dict[str, str]:
    """Numbers of existing records that differ only in case from a new row's number, among the
    records of the rows' organisations the importer sees: folded number → number. The unique
    constraint tells EQ-001 from eq-001; people do not, so such a row is refused rather than
    made a second record."""
    new = [row.values for row in rows if row.values["key"] not in by_key]
    paths = sorted(
        {
            organization.path
            for values in new
            if (organization := lookup.exists(values["org_code"])) is not None and lookup.sees(organization)
        }
    )
    folded = {values["key"].casefold() for values in new}
    twins: dict[str, str] = {}
    for batch in chunked(paths):
        keys = Activity.objects.filter(org_path__in=batch, external_key__isnull=False).values_list(
            "external_key", flat=True
        )
        for key in keys.iterator(chunk_size=5000):
            if key.casefold() in folded:
                twins[key.casefold()] = key
    return twins


class Campaigns:
    """The campaigns a file names, as the importer sees them, loaded once."""

    def __init__(self, actor, rows: list[Row], records: list[dict]):
        names = sorted({row.values["campaign"] for row in rows if row.values["campaign"]})
        self.by_name: dict[str, list[Campaign]] = {}
        for batch in chunked(names):
            for campaign in (
                visible_campaigns(actor)
                .filter(name__in=batch, is_archived=False)
                .order_by("-starts_on", "-pk")
            ):
                self.by_name.setdefault(campaign.name, []).append(campaign)
        ids = {record["campaign_id"] for record in records if record["campaign_id"]}
        self.by_id = Campaign.objects.in_bulk(ids) if ids else {}

    def choose(self, name: str, organization, report, row: Row):
        """The campaign called `name` (None when blank), or False after reporting why not.
        Of two visible campaigns with one name, the one covering the organisation."""
        if not name:
            return None
        candidates = self.by_name.get(name)
        if not candidates:
            report.add(
                _(
                    "There is no current campaign called “%(name)s” that you can see; pick one from "
                    "the drop-down list."
                )
                % {"name": name},
                row=row.number,
                column="campaign",
                value=name,
            )
            return False
        covering = [c for c in candidates if organization.path.startswith(c.root_path)]
        # With none covering the organisation, validate_activity says so.
        return covering[0] if covering else candidates[0]


def label_of(status: str) -> str:
    return str(ActivityStatus(status).label) if status in ActivityStatus.values else status
