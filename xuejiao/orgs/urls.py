from django.urls import path

from .views import organizations, people

app_name = "orgs"
urlpatterns = [
    path("", organizations.tree, name="tree"),
    path("search/", organizations.search, name="search"),
    path("autocomplete/", organizations.autocomplete, name="autocomplete"),
    path("<int:pk>/", organizations.detail, name="detail"),
    path("<int:pk>/children/", organizations.children, name="children"),
    path("<int:pk>/new/", organizations.create_child, name="create_child"),
    path("<int:pk>/edit/", organizations.edit, name="edit"),
    path("<int:pk>/move/", organizations.move, name="move"),
    path("<int:pk>/archive/", organizations.archive, name="archive"),
    path("<int:org_pk>/people/new/", people.create_person, name="create_person"),
    path("people/", people.people, name="people"),
    path("people/export/", people.export_people, name="export_people"),
    path("people/<int:pk>/edit/", people.edit_person, name="edit_person"),
]
