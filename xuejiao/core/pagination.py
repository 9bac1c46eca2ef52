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

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, when_large=None):
        super().__init__(object_list, per_page)
        self.when_large = when_large

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by().values("pk")[: COUNT_CAP + 1].count()

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        source = self.when_large if self.when_large is not None and self.count_capped else self.object_list
        ids = list(source.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        rows = self.object_list.in_bulk(ids)
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)

    @property
    def count_capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def display_count(self) -> str:
        return f"{COUNT_CAP:,}+" if self.count_capped else f"{self.count:,}"


def paginate(request, queryset, per_page: int | None = None, when_large=None):
    """The requested page of `queryset`; a page number out of range gives the last page."""
    paginator = CappedPaginator(queryset, per_page or settings.PAGE_SIZE, when_large)
    try:
        number = int(request.GET.get("page", 1))
    except ValueError:
        number = 1
    try:
        return paginator.page(number)
    except InvalidPage:
        return paginator.page(paginator.num_pages)
