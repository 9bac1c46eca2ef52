"""Pagination that never counts more than it must.

An exact COUNT(*) over millions of scoped rows costs more than the page itself, so the
count stops at COUNT_CAP and the page says "10,000+" beyond that.
"""

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        return self.object_list.values("pk")[: COUNT_CAP + 1].count()

    @property
    def count_capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def display_count(self) -> str:
        return f"{COUNT_CAP:,}+" if self.count_capped else f"{self.count:,}"


def paginate(request, queryset, per_page: int | None = None):
    """The requested page of `queryset`; a page number out of range gives the last page."""
    paginator = CappedPaginator(queryset, per_page or settings.PAGE_SIZE)
    try:
        number = int(request.GET.get("page", 1))
    except ValueError:
        number = 1
    try:
        return paginator.page(number)
    except InvalidPage:
        return paginator.page(paginator.num_pages)
