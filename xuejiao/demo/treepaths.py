"""Materialised paths computed in Python, for loading many organisations with bulk_create.

bulk_create bypasses treebeard's add_root/add_child, so the loaders compute `path`,
`depth` and `numchild` themselves, exactly as treebeard would: the n-th child (1-based)
of a node has the node's path followed by n in base 36 (alphabet 0-9A-Z), left-padded
with "0" to `steplen` characters. The tests check these paths against add_child.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import F

from xuejiao.orgs.models import Organization

ALPHABET = Organization.alphabet
STEPLEN = Organization.steplen
PATH_END = "~"  # sorts after every character of the alphabet


def step(position: int) -> str:
    """The path step of the `position`-th child (1-based)."""
    if position < 1:
        raise ValueError("positions start at 1")
    digits = ""
    number = position
    while number:
        number, remainder = divmod(number, len(ALPHABET))
        digits = ALPHABET[remainder] + digits
    if len(digits) > STEPLEN:
        raise OverflowError(f"a node cannot have more than {len(ALPHABET) ** STEPLEN - 1} children")
    return digits.rjust(STEPLEN, ALPHABET[0])


def position_of(path: str) -> int:
    """The 1-based position of a node among its siblings, from the last step of its path."""
    return int(path[-STEPLEN:], len(ALPHABET))


def child_path(parent_path: str, position: int) -> str:
    return parent_path + step(position)


def depth_of(path: str) -> int:
    return len(path) // STEPLEN


class PathAllocator:
    """Hands out the next free path under each parent, continuing after existing children.

    Parents already in the database are asked once for their last child; parents that
    this allocator created start empty. `added` counts the new children of every parent,
    which gives new nodes their `numchild` and existing parents their increment.
    """

    def __init__(self):
        self._last: dict[str | None, int] = {}
        self.added: Counter[str | None] = Counter()

    def _last_position(self, parent_path: str | None) -> int:
        if parent_path not in self._last:
            siblings = Organization.objects.all()
            if parent_path is None:
                siblings = siblings.filter(depth=1)
            else:
                siblings = siblings.filter(
                    depth=depth_of(parent_path) + 1, path__gt=parent_path, path__lt=parent_path + PATH_END
                )
            last = siblings.order_by("-path").values_list("path", flat=True).first()
            self._last[parent_path] = position_of(last) if last else 0
        return self._last[parent_path]

    def allocate(self, parent_path: str | None) -> str:
        """The path of a new last child of `parent_path` (None: a new root)."""
        position = self._last_position(parent_path) + 1
        path = step(position) if parent_path is None else child_path(parent_path, position)
        self._last[parent_path] = position
        self._last[path] = 0  # a path handed out now has no children in the database yet
        self.added[parent_path] += 1
        return path

    def numchild_of_new(self, path: str) -> int:
        return self.added.get(path, 0)

    def update_existing_parents(self, new_paths: set[str]) -> int:
        """Add the new children to the numchild of parents that were already stored."""
        updated = 0
        for parent_path, count in self.added.items():
            if parent_path is None or parent_path in new_paths:
                continue
            updated += Organization.objects.filter(path=parent_path).update(numchild=F("numchild") + count)
        return updated
