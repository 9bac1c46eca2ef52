"""Looking up the organisations a file refers to, with the importer's scope.

Every spec whose rows name an organisation by its code uses this, so the messages are the
same everywhere and out-of-scope organisations are never confirmed to exist: a code that
does not exist and a code the importer cannot see get the same answer; one the importer
can see but not change gets its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from xuejiao.accounts.permissions import manage_scope
from xuejiao.orgs.models import Organization
from xuejiao.orgs.scope import Scope, scope_for

from .spec import Report

CHUNK = 500


def chunked(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class OrgLookup:
    """Organisations by code, loaded in a few queries for the whole file.

    `writable` is the scope in which rows may be written (by default where the actor
    manages; the ledger would pass the operator's scope), `visible` what the actor sees.
    """

    def __init__(self, actor, writable: Scope | None = None, visible: Scope | None = None):
        self.actor = actor
        self.writable = writable if writable is not None else manage_scope(actor)
        self.visible = visible if visible is not None else scope_for(actor)
        self.by_code: dict[str, Organization] = {}
        # Organisations the importer sees, by name, for a name typed where a code belongs.
        self.by_name: dict[str, list[Organization]] = {}
        self._verdicts: dict[tuple[str, bool], tuple[Organization | None, str]] = {}

    def load(self, codes: Iterable[str], queryset=None) -> None:
        wanted = sorted({code for code in codes if code and code not in self.by_code})
        queryset = queryset if queryset is not None else Organization.objects.all()
        for batch in chunked(wanted):
            for organization in queryset.filter(code__in=batch):
                self.by_code[organization.code] = organization
        unknown = [code for code in wanted if code not in self.by_code]
        for batch in chunked(unknown):
            for organization in self.visible.filter(Organization.objects.filter(name__in=batch)).order_by(
                "path"
            ):
                self.by_name.setdefault(organization.name, []).append(organization)

    def exists(self, code: str) -> Organization | None:
        """Whatever its scope (for uniqueness checks only; never show what it holds)."""
        return self.by_code.get(code)

    def sees(self, organization: Organization) -> bool:
        return self.visible.covers(organization)

    def writable_org(
        self, code: str, report: Report, *, row: int, column: str, for_new_records: bool = True
    ) -> Organization | None:
        """The organisation if rows may be written to it; otherwise report why and return None."""
        verdict = self._verdicts.get((code, for_new_records))
        if verdict is None:
            verdict = self._verdicts[(code, for_new_records)] = self._judge(code, for_new_records)
        organization, reason = verdict
        if reason:
            report.add(reason, row=row, column=column, value=code)
        return organization

    def _judge(self, code: str, for_new_records: bool) -> tuple[Organization | None, str]:
        organization = self.by_code.get(code)
        if organization is None or not self.visible.covers(organization):
            return None, self._unknown(code)
        if not self.writable.covers(organization):
            return None, _("“%(name)s” (%(code)s) is outside the part of the tree you may change.") % {
                "name": organization.name,
                "code": code,
            }
        if for_new_records and organization.is_archived:
            return None, _("“%(name)s” (%(code)s) is archived and takes no new records.") % {
                "name": organization.name,
                "code": code,
            }
        return organization, ""

    def _unknown(self, code: str) -> str:
        """No such code the importer sees; if it is the name of organisations the importer
        sees, their codes (names and codes outside the importer's scope are never shown)."""
        named = self.by_name.get(code, [])
        if len(named) == 1:
            return _(
                "“%(name)s” is the name of an organisation, not its code: its code is %(code)s. "
                "Write the code in this column."
            ) % {"name": code, "code": named[0].code}
        if named:
            step = Organization.steplen
            parents = dict(
                Organization.objects.filter(path__in={o.path[:-step] for o in named[:10]}).values_list(
                    "path", "name"
                )
            )
            listed = "、".join(
                f"{o.code}（{parents.get(o.path[:-step], '')}）" if o.path[:-step] in parents else o.code
                for o in named[:10]
            )
            return _(
                "“%(name)s” is the name of %(count)d organisations, not a code. Write the code of the one "
                "you mean: %(codes)s."
            ) % {"name": code, "count": len(named), "codes": listed}
        return _("There is no organisation with the code “%(code)s” in your part of the tree.") % {
            "code": code
        }
