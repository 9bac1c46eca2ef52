"""Online theme day: materials, members' study page, reflections and make-up study."""

from django.urls import path

from .views import materials as views

urlpatterns = [
    path("materials/", views.material_list, name="materials"),
    path("materials/new/", views.material_publish, name="material_publish"),
    path("materials/<int:pk>/", views.material_detail, name="material_detail"),
    path("materials/<int:pk>/file/", views.material_file, name="material_file"),
    path("materials/<int:pk>/push/", views.material_push, name="material_push"),
    path("materials/<int:pk>/reflect/", views.material_reflect, name="material_reflect"),
    path("study/", views.my_study, name="my_study"),
    path("study/activities/<int:pk>/", views.activity_reflections, name="activity_reflections"),
    path("study/activities/<int:pk>/reflect/", views.activity_reflect, name="activity_reflect"),
    path("study/activities/<int:pk>/make-up/", views.activity_make_up, name="activity_make_up"),
]
