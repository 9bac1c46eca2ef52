"""The activity ledger (台账): what each organisation did, with attendance and evidence."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xuejiao.core.fields import PathField
from xuejiao.orgs import copied_paths
from xuejiao.orgs.models import Organization, OrgScopedModel, Person


class ActivityKind(models.TextChoices):
    CENTER_GROUP_STUDY = "center_group_study", _("Leadership group study")
    READING_CLASS = "reading_class", _("Reading class")
    PARTY_LECTURE = "party_lecture", _("Themed Party lecture")
    BRANCH_MEETING = "branch_meeting", _("Branch members' meeting")
    COMMITTEE_MEETING = "committee_meeting", _("Branch committee meeting")
    GROUP_MEETING = "group_meeting", _("Party group meeting")
    PARTY_CLASS = "party_class", _("Party class")
    THEME_DAY = "theme_day", _("Theme day")
    ORG_LIFE_MEETING = "org_life_meeting", _("Organisational-life meeting")
    DEMOCRATIC_LIFE_MEETING = "democratic_life_meeting", _("Democratic-life meeting")
    SITE_VISIT = "site_visit", _("Site visit")
    FILM = "film", _("Film viewing")
    LECTURE = "lecture", _("Lecture")
    ONLINE_STUDY = "online_study", _("Online study")
    MOBILISATION_MEETING = "mobilisation_meeting", _("Mobilisation meeting")
    EXPERT_LECTURE = "expert_lecture", _("Expert lecture")
    MASS_CULTURE = "mass_culture", _("Mass cultural activity")
    DISCUSSION_MEETING = "discussion_meeting", _("Discussion meeting")
    OTHER = "other", _("Other")


class Mode(models.TextChoices):
    OFFLINE = "offline", _("On site")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("On site and online")


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VERIFIED = "verified", _("Verified")
    RETURNED = "returned", _("Returned")


# Records in these states count towards required actions: the level above sees a record
# as soon as it is submitted, without waiting for verification.
COUNTING_STATUSES = (ActivityStatus.SUBMITTED, ActivityStatus.VERIFIED)


class Activity(OrgScopedModel):
    # The ledger is the largest table: every index costs each of its millions of inserts.
    # The path and the campaign lead composite indexes below, which serve their lookups, so
    # they carry no index of their own. The capped count of a subtree is
    # an index-only scan of activity_scope_time; a narrow index of the path alone cost an
    # import of 100,000 records into 2,000,000 on SQLite 0.5 s (its pages written twice,
    # once to the log and once back) and made the counts no faster.
    org_path = PathField(max_length=255, editable=False, db_index=False)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
        db_index=False,
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("campaign"),
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=32, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, default=Mode.OFFLINE)
    host = models.CharField(_("host"), max_length=50, blank=True)
    speaker = models.CharField(_("speaker"), max_length=100, blank=True)
    first_agenda = models.BooleanField(_("first agenda item"), default=False)
    first_agenda_content = models.CharField(_("what was studied first"), max_length=300, blank=True)
    expected = models.PositiveIntegerField(_("expected"), default=0)
    present = models.PositiveIntegerField(_("present"), default=0)
    on_leave = models.PositiveIntegerField(_("on leave"), default=0)
    absent = models.PositiveIntegerField(_("absent"), default=0)
    summary = models.TextField(_("summary"), blank=True)
    # Kept with the record so that completion rules on evidence are one indexed filter.
    photo_count = models.PositiveIntegerField(default=0, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT
    )
    return_reason = models.CharField(_("reason for return"), max_length=300, blank=True)
    is_highlight = models.BooleanField(_("highlight"), default=False)
    highlight_citation = models.TextField(_("highlight citation"), blank=True)
    # Key of the row in an imported spreadsheet: the same row imported again updates this record.
    # Unique through a constraint (activity_external_key_once), which on PostgreSQL, unlike
    # unique=True, adds no varchar_pattern_ops twin: keys are looked up whole, never by prefix.
    external_key = models.CharField(max_length=100, null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Who submitted it last: neither they nor its creator may verify it (separation of duties).
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
        db_index=False,
    )
    verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
        db_index=False,
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            # A scoped ledger page, newest first.
            models.Index(fields=["org_path", "-starts_at"], name="activity_scope_time"),
            # A newest-first list over a large subtree walks this and skips what is outside
            # (see orgs.scope.Scope.q, indexed=False).
            models.Index(fields=["-starts_at"], name="activity_newest"),
            # The same walk when the list is filtered by kind or by status.
            models.Index(fields=["kind", "-starts_at"], name="activity_kind_newest"),
            models.Index(fields=["status", "-starts_at"], name="activity_status_newest"),
            # Completion: the records of a campaign of named organisations (refreshing their
            # cells, a subtree's rebuild, a checklist). A whole action's rebuild reads the
            # campaign's records by kind and time (activity_kind_newest) or through this
            # index. It replaced two, (organisation, campaign, kind, time) and (campaign,
            # kind, time): every index is maintained on every record written.
            models.Index(
                fields=["campaign", "organization", "kind", "starts_at"], name="activity_campaign_org"
            ),
            # The foreign keys of the organisation and of the users: deleting one of those
            # rows makes the database look for records that still point at it, which
            # without these is a scan of the whole ledger (230 ms for each organisation
            # deleted, at 2,000,000 records). Pages find records by path, not by these.
            models.Index(fields=["organization"], name="activity_organization"),
            models.Index(fields=["created_by"], name="activity_created_by"),
            models.Index(fields=["verified_by"], name="activity_verified_by"),
            models.Index(fields=["submitted_by"], name="activity_submitted_by"),
            # 特色亮点 of a campaign, newest first: a partial index, as small as the highlights
            # (a few per thousand records) and never touched when an ordinary record is written.
            models.Index(
                fields=["campaign", "-starts_at"], condition=Q(is_highlight=True), name="activity_highlights"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="activity_ends_after_start",
            ),
            models.UniqueConstraint(fields=["external_key"], name="activity_external_key_once"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_locked(self) -> bool:
        return self.status == ActivityStatus.VERIFIED

    @property
    def authors(self) -> tuple:
        """Ids of who created and who submitted the record: they do not review it."""
        return (self.created_by_id, self.submitted_by_id)

    @property
    def attendance_rate(self) -> float | None:
        return self.present / self.expected if self.expected else None


copied_paths.register(Activity, "org_path", via="organization")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ON_LEAVE = "on_leave", _("On leave")
    ABSENT = "absent", _("Absent")


class Attendance(models.Model):
    """One roster member's attendance of one activity."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(_("attendance"), max_length=16, choices=AttendanceStatus.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    signed_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "person"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_status_display()}"


class Correction(models.Model):
    """A change made to a record after it was verified: the visible trail."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="corrections")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=300)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.activity} · {self.changed_at:%Y-%m-%d}"
