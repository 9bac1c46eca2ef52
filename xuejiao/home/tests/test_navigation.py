"""The page header: the user's scope, named from the one query that reads the roles."""

from django.urls import reverse

from xuejiao.accounts.models import User
from xuejiao.home.context_processors import scope_label


def test_the_scope_label_costs_only_the_roles_query(personas, django_assert_num_queries):
    user = User.objects.get(pk=personas["erqi_admin"].pk)
    with django_assert_num_queries(1):
        assert scope_label(user) == "二七区 · 活动办管理员"
        user.roles()


def test_a_renamed_organisation_shows_once_the_roles_are_read_again(personas, tree):
    user = User.objects.get(pk=personas["erqi_admin"].pk)
    scope_label(user)
    tree.erqi.short_name = "二七"
    tree.erqi.save()
    user.forget_assignments()
    assert scope_label(user) == "二七 · 活动办管理员"


def current_items(client, path: str) -> list[str]:
    response = client.get(path)
    return [str(item["label"]) for item in response.context["nav_items"] if item["active"]]


def test_the_current_item_is_the_page_or_the_section_it_lies_in(client_for):
    client = client_for("erqi_admin")
    assert current_items(client, reverse("home:home")) == ["首页"]
    assert current_items(client, reverse("orgs:people")) == ["人员"]
    # A page outside every section of the bar (the notices have a bell of their own).
    assert current_items(client, reverse("notify:notices")) == []
