from django.urls import path

from . import views

app_name = "notify"
urlpatterns = [
    path("", views.notice_list, name="notices"),
    path("read-all/", views.notice_read_all, name="notice_read_all"),
    path("<int:pk>/open/", views.notice_open, name="notice_open"),
]
