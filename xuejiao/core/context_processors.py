"""Navigation shown to the user: only what their roles allow."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xuejiao.accounts.permissions import can_manage_users

# (url name, label, icon, who sees it)
NAV_ITEMS = [
    ("core:home", _("Home"), "home", "all"),
    ("orgs:tree", _("Organisations"), "sitemap", "all"),
    ("orgs:people", _("People"), "users", "all"),
    ("accounts:users", _("Users"), "user-shield", "managers"),
    ("accounts:audit", _("Audit log"), "history", "managers"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    managers = can_manage_users(user)
    items = []
    for url_name, label, icon, who in NAV_ITEMS:
        if who == "managers" and not managers:
            continue
        url = reverse(url_name)
        active = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"url": url, "label": label, "icon": icon, "active": active})
    return {"nav_items": items}
