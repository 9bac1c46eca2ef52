from django.urls import include, path

from xuejiao.api.api import api

urlpatterns = [
    path("", include("xuejiao.home.urls")),
    path("", include("xuejiao.core.urls")),
    path("accounts/", include("xuejiao.accounts.urls")),
    path("orgs/", include("xuejiao.orgs.urls")),
    path("ledger/", include("xuejiao.ledger.urls")),
    path("campaigns/", include("xuejiao.campaigns.urls")),
    path("sheets/", include("xuejiao.sheets.urls")),
    path("notices/", include("xuejiao.notify.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]
