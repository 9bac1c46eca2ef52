"""The caller's notices, and marking them read."""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from xuejiao.core.errors import ServiceError
from xuejiao.notify import services
from xuejiao.notify.queries import notices_of

from .errors import answers
from .pagination import Paging
from .types import Id

router = Router(tags=["notices"])


class NoticeOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    title: str
    body: str
    url: str
    organization_id: int
    created_at: datetime
    read_at: datetime | None


class NoticePage(Schema):
    count: int
    unread: int
    items: list[NoticeOut]


class NoticeFilters(Paging):
    unread: bool = Field(False, description="Only the notices not yet read")


class ReadIn(Schema):
    ids: list[Id] = Field(default_factory=list, max_length=200, description="Notices to mark read")
    all: bool = Field(False, description="Mark every notice read (ids are then ignored)")


class ReadOut(Schema):
    marked: int
    unread: int


@router.get("", response=answers(NoticePage), summary="The caller's notices, newest first")
def list_notices(request, filters: Query[NoticeFilters]):
    notices = notices_of(request.auth)
    unread = notices.filter(read_at__isnull=True)
    queryset = unread if filters.unread else notices
    page = list(filters.rows(queryset.order_by("-created_at", "-pk")))
    return {"count": queryset.count(), "unread": unread.count(), "items": page}


@router.post("/read", response=answers(ReadOut, 400, 403), summary="Mark notices read (some, or all)")
def read_notices(request, payload: ReadIn):
    if not payload.all and not payload.ids:
        raise ServiceError(_("Name the notices to mark read, or mark them all."))
    marked = services.mark_read(request.auth, None if payload.all else payload.ids)
    return {"marked": marked, "unread": notices_of(request.auth).filter(read_at__isnull=True).count()}
