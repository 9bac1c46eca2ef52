from django.urls import path

from . import people_views, views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("search/", views.search, name="search"),
    path("autocomplete/", views.autocomplete, name="autocomplete"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/children/", views.children, name="children"),
    path("<int:pk>/new/", views.create_child, name="create_child"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/archive/", views.archive, name="archive"),
    path("<int:org_pk>/people/new/", people_views.create_person, name="create_person"),
    path("people/", people_views.people, name="people"),
    path("people/export/", people_views.export_people, name="export_people"),
    path("people/<int:pk>/edit/", people_views.edit_person, name="edit_person"),
]
