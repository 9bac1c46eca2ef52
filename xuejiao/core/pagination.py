"""Pagination that never counts more than it must, and reads a page in two steps.

An exact COUNT(*) over millions of scoped rows costs more than the page itself, so the
count stops at COUNT_CAP and the page says "10,000+" beyond that.

A page is read as its ids first, from the list's own table alone (an index can answer
that, and no join confuses the planner), then its rows by id with whatever the list
joins. A list that can grow past the cap may pass `when_large`: the same rows written so
that the database walks the ordering index (see orgs.scope.Scope.q, indexed=False),
used for the page when the count reaches the cap.
"""

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from .limits import MAX_OFFSET

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts up to COUNT_CAP; with `size_hint` (a cheap superset of the list, such as the
    same list without its filters) a filtered list over more than COUNT_CAP rows is not
    counted at all: the page shows its number and whether a next page exists."""

    def __init__(self, object_list, per_page, when_large=None, size_hint=None):
        super().__init__(object_list, per_page)
        self.when_large = when_large
        self.size_hint = size_hint

    @cached_property
    def large(self) -> bool:
        if self.size_hint is None:
            return self.count > COUNT_CAP  # the same query: counted once
        return self.size_hint.order_by().values("pk")[: COUNT_CAP + 1].count() > COUNT_CAP

    @cached_property
    def counted(self) -> bool:
        return self.size_hint is None or not self.large

    @cached_property
    def count(self) -> int:
        if not self.counted:
            raise ValueError("an uncounted list has no count; read it after page()")
        return self.object_list.order_by().values("pk")[: COUNT_CAP + 1].count()

    def validate_number(self, number):
        if self.counted:
            return super().validate_number(number)
        number = int(number)
        # An uncounted list has no last page to stop at: a page starting past any list
        # the platform holds is out of range, before its offset reaches the database.
        if number < 1 or (number - 1) * self.per_page > MAX_OFFSET:
            raise InvalidPage
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        source = self.when_large if self.when_large is not None and self.large else self.object_list
        ids = list(source.values_list("pk", flat=True)[bottom : bottom + self.per_page + 1])
        if not self.counted:
            # As many rows as this page shows, plus one when a next page exists.
            self.__dict__["count"] = bottom + len(ids)
        ids = ids[: self.per_page]
        rows = self.object_list.in_bulk(ids)
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)

    @property
    def count_capped(self) -> bool:
        return self.counted and self.count > COUNT_CAP

    @property
    def display_count(self) -> str:
        if not self.counted:
            return ""
        return f"{COUNT_CAP:,}+" if self.count_capped else f"{self.count:,}"


def paginate(request, queryset, per_page: int | None = None, when_large=None, size_hint=None):
    """The requested page of `queryset`; a page number out of range gives the last page."""
    paginator = CappedPaginator(queryset, per_page or settings.PAGE_SIZE, when_large, size_hint)
    try:
        number = int(request.GET.get("page", 1))
    except ValueError:
        number = 1
    try:
        return paginator.page(number)
    except InvalidPage:
        return paginator.page(paginator.num_pages if paginator.counted else 1)


class BadOffset(ValueError):
    """An `offset` that is not a whole number from 0 to MAX_OFFSET; the message says so."""


def offset_param(request, name: str = "offset") -> int:
    """Where a batch starts (?offset=, as the tree's "show more" sends it); BadOffset for
    anything but a plain number from 0 to MAX_OFFSET."""
    text = request.GET.get(name, "").strip() or "0"
    if text.isascii() and text.isdigit() and len(text) <= len(str(MAX_OFFSET)) and int(text) <= MAX_OFFSET:
        return int(text)
    raise BadOffset(
        _("The position in the list (offset) must be a whole number from 0 to %(max)d.") % {"max": MAX_OFFSET}
    )
