"""In-app notices: what happened to a unit's records, told to the people who record for it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xuejiao.orgs import copied_paths
from xuejiao.orgs.models import OrgScopedModel


class NoticeKind(models.TextChoices):
    RECORD_RETURNED = "record_returned", _("Record returned")
    RECORD_VERIFIED = "record_verified", _("Record verified")
    DOCUMENT_ACCEPTED = "document_accepted", _("Document accepted")
    DOCUMENT_RETURNED = "document_returned", _("Document returned")


class Notice(OrgScopedModel):
    """One notice for one user. `organization` is the unit the notice is about: a notice is
    listed only while that unit is inside the recipient's scope, so it never tells of a
    record its reader may no longer see."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NoticeKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.CharField(_("text"), max_length=300, blank=True)
    url = models.CharField(_("link"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            # The unread badge and the list: one user's notices, unread first, newest first.
            models.Index(fields=["recipient", "read_at", "created_at"], name="notice_inbox"),
            models.Index(fields=["org_path"], name="notice_scope"),
        ]

    def __str__(self) -> str:
        return self.title


copied_paths.register(Notice, "org_path", via="organization")
