"""The JSON API under /api/v1. Each module adds a router; all share auth and conventions.

Conventions: lists are paginated as {"count": N, "items": [...]} with `limit`/`offset`;
anything outside the caller's scope is 404; errors are {"detail": "..."} in the caller's
language, and every status an endpoint can answer with is in the OpenAPI document
(xuejiao.api.errors); every input is one of the bounded types of xuejiao.api.types.
"""

from ninja import NinjaAPI

from . import errors
from .auth import AUTH

api = NinjaAPI(
    title="Xuejiao API",
    version="1",
    urls_namespace="api",
    auth=AUTH,
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)


from . import activities, campaigns, imports, me, notices, orgs  # noqa: E402

api.add_router("/", me.router)
api.add_router("/orgs", orgs.router)
api.add_router("/activities", activities.router)
api.add_router("/campaigns", campaigns.router)
api.add_router("/imports", imports.router)
api.add_router("/notices", notices.router)
