"""The registry of record sources: where completion reads the records that count.

A required action counts records of one kind, named by its rule type: the ledger's
activities (RuleType.ACTIVITY_COUNT), the documents handed in for the action itself
(RuleType.DOCUMENT), and later the lectures and the other modules. Each module registers
its source when it starts (its AppConfig.ready), so campaigns never imports the modules
built on it; each module tells completion of changes through signals.records_changed.
"""

from __future__ import annotations

from typing import Protocol

from django.db.models import QuerySet


class RecordSource(Protocol):
    # The rule type whose actions count this source's records.
    rule_type: str
    # The field holding when a record happened (the last one sets a cell's done_at).
    time_field: str

    def counted(self, action) -> QuerySet:
        """The records (of every organisation) that count towards `action`; each has an
        `organization_id`."""

    def kind_choices(self) -> list[tuple[str, str]]:
        """(value, label) of the kinds of record an action may ask for; [] when none."""

    def optional(self, campaign, organization) -> QuerySet | None:
        """The organisation's records of the campaign that count towards none of the
        required actions applying to it (自选动作), newest first; None when not kept."""

    def highlights(self, campaign) -> QuerySet | None:
        """The campaign's records marked as highlights (特色亮点), scoped by the caller."""


_sources: dict[str, RecordSource] = {}


def register(source: RecordSource) -> None:
    _sources[source.rule_type] = source


def source_for(rule_type: str) -> RecordSource:
    try:
        return _sources[rule_type]
    except KeyError:
        raise LookupError(f"No record source registered for the rule type {rule_type!r}") from None


def kind_choices(rule_type: str) -> list[tuple[str, str]]:
    """The kinds an action of this rule type may ask for; [] when no module provides them."""
    source = _sources.get(rule_type)
    return source.kind_choices() if source is not None else []
