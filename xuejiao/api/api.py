"""The JSON API under /api/v1. Each module adds a router; all share auth and conventions.

Conventions: lists are paginated as {"count": N, "items": [...]} with `limit`/`offset`;
anything outside the caller's scope is 404; errors are {"detail": "..."} in the caller's language.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from xuejiao.core.errors import PermissionDenied, ServiceError

from .auth import AUTH

api = NinjaAPI(
    title="Xuejiao API",
    version="1",
    urls_namespace="api",
    auth=AUTH,
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(ServiceError)
def refused(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=400)


from . import activities, campaigns, imports, me, orgs  # noqa: E402

api.add_router("/", me.router)
api.add_router("/orgs", orgs.router)
api.add_router("/activities", activities.router)
api.add_router("/campaigns", campaigns.router)
api.add_router("/imports", imports.router)
