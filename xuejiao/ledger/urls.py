from django.urls import include, path

app_name = "ledger"
urlpatterns = [
    path("", include("xuejiao.ledger.urls_activities")),
    path("", include("xuejiao.ledger.urls_materials")),
]
