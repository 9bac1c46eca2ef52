from django.db.models import Prefetch
from ninja import Field, Path, Query, Router, Schema

from xuejiao.orgs.models import Organization, System
from xuejiao.orgs.queries import search_organizations
from xuejiao.orgs.scope import scope_for

from .errors import answers
from .pagination import Paging
from .types import Id, SearchText

router = Router(tags=["organisations"])


class OrgOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    category: str
    depth: int
    parent_id: int | None
    child_count: int = Field(..., alias="numchild")
    systems: list[str]
    is_archived: bool

    @staticmethod
    def resolve_systems(obj):
        return [system.code for system in obj.systems.all()]

    @staticmethod
    def resolve_parent_id(obj):
        return getattr(obj, "parent_id_value", None)


class OrgPage(Schema):
    count: int
    items: list[OrgOut]


class OrgFilters(Paging):
    parent: Id | None = None
    category: SearchText | None = None
    system: SearchText | None = None
    q: SearchText | None = None
    include_archived: bool = False


def _with_parent_ids(orgs: list[Organization], scope) -> list[Organization]:
    """Resolve every parent in one query (treebeard would run one per node).

    A parent outside the caller's scope is null, as on the pages: the top of a scope is a root."""
    parent_paths = {org.path[: -Organization.steplen] for org in orgs if org.depth > 1}
    ids = dict(scope.filter(Organization.objects.filter(path__in=parent_paths)).values_list("path", "id"))
    for org in orgs:
        org.parent_id_value = ids.get(org.path[: -Organization.steplen])
    return orgs


@router.get("", response=answers(OrgPage, 404), summary="Organisations in the caller's scope")
def list_orgs(request, filters: Query[OrgFilters]):
    scope = scope_for(request.auth)
    queryset = scope.filter(Organization.objects.all())
    if not filters.include_archived:
        queryset = queryset.filter(is_archived=False)
    if filters.parent is not None:
        parent = scope.get_or_404(Organization.objects.all(), pk=filters.parent)
        queryset = queryset.filter(depth=parent.depth + 1, path__gte=parent.path, path__lt=parent.path + "~")
    if filters.category:
        queryset = queryset.filter(category=filters.category)
    if filters.system:
        queryset = queryset.filter(systems__code=filters.system)
    if filters.q:
        queryset = search_organizations(queryset, filters.q)
    count = queryset.count()
    systems = Prefetch("systems", queryset=System.objects.only("code"))
    page = list(filters.rows(queryset.order_by("path").prefetch_related(systems)))
    return {"count": count, "items": _with_parent_ids(page, scope)}


@router.get(
    "/{org_id}", response=answers(OrgOut, 404), summary="One organisation (404 outside the caller's scope)"
)
def get_org(request, org_id: Path[Id]):
    scope = scope_for(request.auth)
    org = scope.get_or_404(Organization.objects.prefetch_related("systems"), pk=org_id)
    return _with_parent_ids([org], scope)[0]
