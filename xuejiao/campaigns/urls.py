from django.urls import path

from .views import actions, campaigns, documents, progress

app_name = "campaigns"
urlpatterns = [
    path("", campaigns.campaign_list, name="list"),
    path("new/", campaigns.campaign_create, name="create"),
    path("<int:pk>/", campaigns.campaign_detail, name="detail"),
    path("<int:pk>/edit/", campaigns.campaign_edit, name="edit"),
    path("<int:pk>/phases/", campaigns.phases_edit, name="phases"),
    path("<int:pk>/copy-actions/", campaigns.copy_actions, name="copy_actions"),
    path("<int:pk>/actions/new/", actions.action_form, name="action_create"),
    path("<int:pk>/actions/<int:action_pk>/edit/", actions.action_form, name="action_edit"),
    path("<int:pk>/actions/<int:action_pk>/delete/", actions.action_delete, name="action_delete"),
    path("<int:pk>/progress/", progress.progress, name="progress"),
    path("<int:pk>/actions/<int:action_pk>/not-done/", progress.not_done_list, name="not_done"),
    path(
        "<int:pk>/actions/<int:action_pk>/not-done/export/", progress.not_done_export, name="not_done_export"
    ),
    path("<int:pk>/checklist/", progress.my_checklist, name="my_checklist"),
    path("<int:pk>/checklist/<int:org_pk>/", progress.org_checklist, name="checklist"),
    path("<int:pk>/highlights/", progress.highlight_list, name="highlights"),
    path("<int:pk>/documents/", documents.document_list, name="documents"),
    path(
        "<int:pk>/actions/<int:action_pk>/documents/<int:org_pk>/submit/",
        documents.document_submit,
        name="document_submit",
    ),
    path("<int:pk>/documents/<int:doc_pk>/review/", documents.document_review, name="document_review"),
    path("<int:pk>/documents/<int:doc_pk>/withdraw/", documents.document_withdraw, name="document_withdraw"),
    path("<int:pk>/documents/<int:doc_pk>/file/", documents.document_file, name="document_file"),
]
