"""Organisation paths copied onto other rows, declared in one place and rewritten by one function.

A record carries a copy of its organisation's path (org_path, Campaign.root_path,
User.home_org_path, …) so that the scope filter is one indexed range on the record's own
table, with no join. When a subtree moves, every copy below it must move too, or records
would stay visible to the old district and hidden from the new one. Each app declares its
copies next to its models:

    copied_paths.register(Activity, "org_path", via="organization")

and orgs.services.move_organization calls `rewrite` once, inside the move's transaction.
A copy that its app recomputes itself when it hears orgs.signals.subtree_changed (the
completion figures, which also change their ancestors' sums) is declared with
recomputed=True: `rewrite` leaves it alone, and `stale` checks it like the others.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model, Value
from django.db.models.functions import Concat, Substr

from .scope import subtree_q


@dataclass(frozen=True)
class CopiedPath:
    model: type[Model]
    field: str  # the column holding the copy
    via: str  # the foreign key to the organisation whose path it copies
    recomputed: bool = False

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field}"


_copies: dict[tuple[type[Model], str], CopiedPath] = {}


def register(model: type[Model], field: str, *, via: str, recomputed: bool = False) -> None:
    _copies[(model, field)] = CopiedPath(model, field, via, recomputed)


def registered() -> list[CopiedPath]:
    return list(_copies.values())


def rewrite(old_prefix: str, new_prefix: str) -> None:
    """A subtree moved from old_prefix to new_prefix: move every copy of a path in it."""
    if old_prefix == new_prefix:
        return
    for copy in registered():
        if copy.recomputed:
            continue
        copy.model._base_manager.filter(subtree_q(copy.field, old_prefix)).update(
            **{copy.field: Concat(Value(new_prefix), Substr(copy.field, len(old_prefix) + 1))}
        )


def stale() -> list[str]:
    """Every row whose copy differs from its organisation's path ("" without an organisation;
    a row pointing at an organisation deleted since keeps the path it had)."""
    wrong = []
    for copy in registered():
        via = copy.model._meta.get_field(copy.via)
        rows = copy.model._base_manager.values_list("pk", copy.field, via.attname, f"{copy.via}__path")
        for pk, value, organization_id, path in rows.iterator():
            if organization_id is not None and path is None:
                continue
            if value != (path or ""):
                wrong.append(f"{copy.label} of {pk}: {value!r} instead of {path!r}")
    return wrong
