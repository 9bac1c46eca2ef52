from django.urls import path

from . import views

app_name = "sheets"
urlpatterns = [
    path("", views.index, name="index"),
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/progress/", views.progress, name="progress"),
    path("jobs/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("jobs/<int:pk>/retry/", views.retry, name="retry"),
    path("jobs/<int:pk>/errors.xlsx", views.error_file, name="error_file"),
    path("<slug:name>/", views.sheet, name="sheet"),
    path("<slug:name>/template.xlsx", views.template, name="template"),
    path("<slug:name>/export.xlsx", views.export, name="export"),
]
