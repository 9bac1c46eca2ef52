from django.urls import path

from .views import activities, evidence, materials, signin

app_name = "ledger"
urlpatterns = [
    # Activity pages, evidence, attendance and QR sign-in.
    path("", activities.activity_list, name="activities"),
    # The same page under the name the other activity pages follow (bench/ledger_scale.py).
    path("", activities.activity_list, name="activity_list"),
    path("new/", activities.activity_create, name="activity_create"),
    path("<int:pk>/", activities.activity_detail, name="activity_detail"),
    path("<int:pk>/edit/", activities.activity_edit, name="activity_edit"),
    path("<int:pk>/submit/", activities.activity_submit, name="activity_submit"),
    path("<int:pk>/withdraw/", activities.activity_withdraw, name="activity_withdraw"),
    path("<int:pk>/verify/", activities.activity_verify, name="activity_verify"),
    path("<int:pk>/return/", activities.activity_return, name="activity_return"),
    path("<int:pk>/highlight/", activities.activity_highlight, name="activity_highlight"),
    path("<int:pk>/delete/", activities.activity_delete, name="activity_delete"),
    path("<int:pk>/evidence/", evidence.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", evidence.evidence_file, name="evidence_file"),
    path("evidence/<int:pk>/thumbnail/", evidence.evidence_thumbnail, name="evidence_thumbnail"),
    path("evidence/<int:pk>/delete/", evidence.evidence_delete, name="evidence_delete"),
    path("<int:pk>/attendance/", signin.attendance, name="attendance"),
    path("<int:pk>/qr/", signin.qr_page, name="qr"),
    # Public (no login): the signed token in the address is the key.
    path("signin/<str:token>/", signin.signin_page, name="signin"),
    # Online theme day: materials, members' study page, reflections and make-up study.
    path("materials/", materials.material_list, name="materials"),
    path("materials/new/", materials.material_publish, name="material_publish"),
    path("materials/<int:pk>/", materials.material_detail, name="material_detail"),
    path("materials/<int:pk>/file/", materials.material_file, name="material_file"),
    path("materials/<int:pk>/push/", materials.material_push, name="material_push"),
    path("materials/<int:pk>/reflect/", materials.material_reflect, name="material_reflect"),
    path("study/", materials.my_study, name="my_study"),
    path("study/activities/<int:pk>/", materials.activity_reflections, name="activity_reflections"),
    path("study/activities/<int:pk>/reflect/", materials.activity_reflect, name="activity_reflect"),
    path("study/activities/<int:pk>/make-up/", materials.activity_make_up, name="activity_make_up"),
]
