"""Navigation shown to the user: only what their roles allow."""

from functools import cache

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xuejiao.accounts.permissions import can_manage_users
from xuejiao.core.roles import RANK, Role
from xuejiao.notify.queries import unread_count

# (url name, label, icon, who sees it)
NAV_ITEMS = [
    ("home:home", _("Home"), "home", "all"),
    ("orgs:tree", _("Organisations"), "sitemap", "all"),
    ("orgs:people", _("People"), "users", "all"),
    ("ledger:activities", _("Ledger"), "notebook", "all"),
    ("campaigns:list", _("Campaigns"), "flag", "all"),
    ("ledger:materials", _("Study materials"), "book", "all"),
    ("sheets:index", _("Import and export"), "table", "all"),
    ("accounts:users", _("Users"), "user-shield", "managers"),
    ("accounts:audit", _("Audit log"), "history", "managers"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    managers = can_manage_users(user)
    items = [
        {"url": reverse(url_name), "label": label, "icon": icon, "active": False}
        for url_name, label, icon, who in NAV_ITEMS
        if who != "managers" or managers
    ]
    # The item whose address is the longest prefix of this page's is the current one
    # (/orgs/people/ is "People", not "Organisations"). The home page's address, "/", is a
    # prefix of every page: it is current on itself only (the notices are not "Home").
    matching = [
        item
        for item in items
        if request.path == item["url"] or (item["url"] != "/" and request.path.startswith(item["url"]))
    ]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    return {"nav_items": items, "current_scope_label": scope_label(user)}


def scope_label(user) -> str:
    """The user's main role and where it applies, e.g. "二七区 · 活动办管理员"."""
    if user.is_superuser:
        return str(Role.ADMIN.label)
    best = max(user.assignments(), key=lambda a: RANK[Role(a[0])], default=None)
    if best is None:
        return ""
    role, path, _subtree = best
    return f"{user.assignment_org_name(path)} · {Role(role).label}"


def notices(request):
    """The unread count of the bell in the top bar: one query, only on pages that show it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # A callable the template calls when it first needs the figure; cached, so the bell's
    # several mentions of it cost one query, and a page without the bell none.
    return {"unread_notices": cache(lambda: unread_count(user))}
