"""Pages of the organisation tree and the roster: browsing, search, pagination, forms."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from xuejiao.orgs import services
from xuejiao.orgs.models import Category, Kind, Organization, Person

TREE_NAME = re.compile(r'class="app-tree-name">([^<]+)</a>')
SEARCH_ROW = re.compile(r'href="/orgs/\d+/"[^>]*>([^<]+)</a>')
LOADED_AT = re.compile(r'name="loaded_at" value="([^"]*)"')


def zh(message: str, **params) -> str:
    """The message as a Chinese user reads it on the page (the zh-Hans catalogue is complete)."""
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    assert text != message, f"no zh-Hans translation for {message!r}"
    return escape(text % params if params else text)


def add_children(parent, count, prefix="社区", **extra):
    return [
        Organization.objects.add_child(
            parent,
            {
                "code": f"{parent.code}-C{n:03}",
                "name": f"{prefix}{n:03}",
                "category": Category.COMMUNITY,
                "kind": Kind.BRANCH,
                **extra,
            },
        )
        for n in range(count)
    ]


def searched(client, q, **extra) -> list[str]:
    response = client.get(reverse("orgs:search"), {"q": q, **extra})
    html = response.content.decode()
    return SEARCH_ROW.findall(html[html.find('<div class="page-body">') :])


def queries_for(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries.captured_queries)


# --- the tree --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "roots"),
    [
        ("city_admin", ["中共郑州市委"]),
        ("erqi_admin", ["二七区"]),
        ("inspector1", ["二七区", "市教育局"]),
        ("zhengfei_operator", ["郑飞社区"]),
        ("zhongyuan_admin", ["中原区"]),
    ],
)
def test_the_tree_page_starts_from_the_top_of_the_users_scope(client_for, persona, roots):
    response = client_for(persona).get(reverse("orgs:tree"))
    assert TREE_NAME.findall(response.content.decode()) == roots


def test_the_children_fragment_lists_children_in_display_order(tree, client_for):
    for n, name in enumerate(["丙社区", "甲社区", "乙社区"]):
        Organization.objects.add_child(
            tree.zhongyuan_street,
            {
                "code": f"ZZ-ZY-LH-{n}",
                "name": name,
                "category": Category.COMMUNITY,
                "sort_order": [3, 1, 2][n],
            },
        )
    response = client_for("zhongyuan_admin").get(reverse("orgs:children", args=[tree.zhongyuan_street.pk]))
    assert TREE_NAME.findall(response.content.decode()) == ["甲社区", "乙社区", "丙社区"]


def test_the_children_fragment_shows_100_children_then_a_show_more_button(tree, client_for):
    add_children(tree.zhongyuan_street, 105)
    client = client_for("zhongyuan_admin")
    url = reverse("orgs:children", args=[tree.zhongyuan_street.pk])
    first = client.get(url).content.decode()
    assert TREE_NAME.findall(first) == [f"社区{n:03}" for n in range(100)]
    assert zh("Show more") in first
    assert f"{url}?offset=100" in first
    rest = client.get(url, {"offset": 100}).content.decode()
    assert TREE_NAME.findall(rest) == [f"社区{n:03}" for n in range(100, 105)]
    assert zh("Show more") not in rest


def test_exactly_100_children_need_no_show_more_button(tree, client_for):
    add_children(tree.zhongyuan_street, 100)
    html = (
        client_for("zhongyuan_admin").get(reverse("orgs:children", args=[tree.zhongyuan_street.pk])).content
    )
    assert len(TREE_NAME.findall(html.decode())) == 100
    assert zh("Show more") not in html.decode()


def test_the_children_fragment_refuses_a_nonsense_offset(tree, client_for):
    # A "show more" button never sends one: -5 is typed by hand, and refused (400) as
    # any offset that is not a number from 0 up (xuejiao/core/tests/test_bad_input_pages.py).
    response = client_for("erqi_admin").get(reverse("orgs:children", args=[tree.erqi.pk]), {"offset": "-5"})
    assert response.status_code == 400


# --- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("zfsq", ["郑飞社区", "郑飞社区第一党支部"]),
        ("eqq", ["二七区"]),
        ("lszjd", ["林山寨街道"]),
        ("zhengfei", ["郑飞社区", "郑飞社区第一党支部"]),
        ("ZZ-ZY-LH", ["林山寨街道"]),
        ("zz-jy-1z", ["郑州市第一中学"]),
        ("人和", ["人和路街道"]),
        ("郑飞 支部", ["郑飞社区第一党支部"]),
        ("nothing-like-this", []),
    ],
)
def test_search_finds_by_pinyin_initials_full_pinyin_name_or_code(client_for, q, found):
    assert searched(client_for("city_admin"), q) == found


def test_search_by_category_alone(client_for):
    assert searched(client_for("city_admin"), "", category=Category.DISTRICT) == ["二七区", "中原区"]


def test_search_leaves_out_archived_organisations(tree, client_for):
    Organization.objects.filter(pk=tree.zhengfei_branch.pk).update(is_archived=True)
    assert searched(client_for("city_admin"), "zfsq") == ["郑飞社区"]


def test_the_search_fragment_for_htmx_is_a_list_without_the_page(client_for):
    response = client_for("city_admin").get(
        reverse("orgs:search"), {"q": "eqq"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html and "二七区" in html


def test_search_results_name_the_parent_inside_the_scope(client_for):
    html = client_for("erqi_admin").get(reverse("orgs:search"), {"q": "rhljd"}).content.decode()
    assert "二七区" in html[html.find('<div class="page-body">') :]


def test_search_runs_the_same_number_of_queries_for_3_results_as_for_20(tree, client_for):
    client = client_for("erqi_admin")
    add_children(tree.renhe, 3, prefix="测试社区")
    few = queries_for(client, reverse("orgs:search"), {"q": "cssq"})
    add_children(tree.zhengfei, 17, prefix="测试社区")
    response = client.get(reverse("orgs:search"), {"q": "cssq"})
    assert len(response.context["page_obj"].object_list) == 20
    assert queries_for(client, reverse("orgs:search"), {"q": "cssq"}) == few


# --- the people roster -----------------------------------------------------------------------


def add_people(org, count, start=0):
    Person.objects.bulk_create(
        Person(organization=org, org_path=org.path, name=f"成员{n:03}", phone=f"1380000{n:04}", sort_order=n)
        for n in range(start, start + count)
    )


def test_the_people_list_runs_the_same_number_of_queries_for_3_rows_as_for_20(tree, client_for):
    client = client_for("zhongyuan_admin")
    Person.objects.all().delete()
    add_people(tree.zhongyuan_street, 3)
    few = queries_for(client, reverse("orgs:people"))
    add_people(tree.zhongyuan, 17, start=3)
    assert len(client.get(reverse("orgs:people")).context["page_obj"].object_list) == 20
    assert queries_for(client, reverse("orgs:people")) == few


def test_the_people_tab_runs_the_same_number_of_queries_for_3_rows_as_for_20(tree, client_for):
    client = client_for("zhongyuan_admin")
    url = reverse("orgs:detail", args=[tree.zhongyuan_street.pk])
    add_people(tree.zhongyuan_street, 2)
    few = queries_for(client, url, {"tab": "people"})
    add_people(tree.zhongyuan_street, 17, start=2)
    assert queries_for(client, url, {"tab": "people"}) == few


def test_the_people_list_is_paginated_by_20(tree, client_for):
    add_people(tree.zhongyuan_street, 43)  # with 陈静 and 杨帆: 45 people
    client = client_for("zhongyuan_admin")
    pages = [client.get(reverse("orgs:people"), {"page": n}).context["page_obj"] for n in (1, 2, 3)]
    assert [len(page.object_list) for page in pages] == [20, 20, 5]
    assert pages[0].paginator.count == 45
    seen = [p.pk for page in pages for p in page.object_list]
    assert len(set(seen)) == 45
    last = client.get(reverse("orgs:people"), {"page": 99}).context["page_obj"]
    assert last.number == 3
    assert client.get(reverse("orgs:people"), {"page": "x"}).context["page_obj"].number == 1


def test_the_people_list_filters_by_organisation_name_and_membership(tree, client_for):
    client = client_for("erqi_admin")
    Person.objects.filter(name="刘洋").update(is_party_member=False)

    def listed(**query):
        return sorted(p.name for p in client.get(reverse("orgs:people"), query).context["page_obj"])

    assert listed(org=tree.zhengfei.pk) == ["刘洋", "张伟"]
    assert listed(q="张") == ["张伟"]
    assert listed(party="no") == ["刘洋"]
    assert listed(party="yes", org=tree.zhengfei.pk) == ["张伟"]


def test_a_roster_export_too_large_for_one_file_is_refused_and_a_narrower_one_is_whole(
    tree, client_for, monkeypatch
):
    from xuejiao.audit.models import AuditEntry
    from xuejiao.orgs.views import people as people_views

    monkeypatch.setattr(people_views, "EXPORT_LIMIT", 3)
    client = client_for("erqi_admin")
    response = client.get(reverse("orgs:export_people"), {"party": "yes"})  # four people in 二七区
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:people") + "?party=yes"  # back to the same list
    page = client.get(response["Location"]).content.decode()
    refusal = zh(
        "More than %(limit)s people match, more than one file may hold. Narrow the list, by "
        "organisation for instance, and export it part by part.",
        limit="3",
    )
    assert refusal in page
    assert not AuditEntry.objects.filter(action="export").exists()
    response = client.get(reverse("orgs:export_people"), {"org": tree.renhe.pk})
    assert response.status_code == 200
    assert AuditEntry.objects.get(action="export").changes["rows"] == 3
    # Without filters, back to the bare list; a list grown past the limit after the count is
    # refused at the first row too many, not cut off.
    monkeypatch.setattr("xuejiao.core.exports.more_than", lambda queryset, limit: False)
    response = client.get(reverse("orgs:export_people"))
    assert response.status_code == 302 and response["Location"] == reverse("orgs:people")
    assert refusal in client.get(response["Location"]).content.decode()
    assert AuditEntry.objects.filter(action="export").count() == 1


# --- creating and editing organisations ------------------------------------------------------


def org_form(org=None, **overrides):
    data = {
        "code": "ZZ-EQ-RH-ZF-2",
        "name": "郑飞社区第二党支部",
        "short_name": "",
        "kind": Kind.BRANCH,
        "category": Category.BRANCH,
        "sort_order": 0,
    }
    if org is not None:
        data.update(
            code=org.code, name=org.name, short_name=org.short_name, kind=org.kind, category=org.category
        )
    data.update(overrides)
    return data


def test_a_sub_unit_is_created_and_the_page_goes_to_it(tree, client_for):
    response = client_for("erqi_admin").post(
        reverse("orgs:create_child", args=[tree.zhengfei.pk]), org_form()
    )
    child = Organization.objects.get(code="ZZ-EQ-RH-ZF-2")
    assert response.status_code == 302 and response["Location"] == child.get_absolute_url()
    assert child.path.startswith(tree.zhengfei.path) and child.depth == tree.zhengfei.depth + 1


def test_a_duplicate_code_is_refused_in_chinese_and_nothing_is_created(tree, client_for):
    before = Organization.objects.count()
    response = client_for("erqi_admin").post(
        reverse("orgs:create_child", args=[tree.zhengfei.pk]), org_form(code="zz-zy")
    )
    assert response.status_code == 200
    assert (
        zh("The code “%(code)s” is already used by another organisation.", code="ZZ-ZY")
        in response.content.decode()
    )
    assert Organization.objects.count() == before


def test_an_empty_name_is_refused_in_chinese_and_nothing_is_created(tree, client_for):
    before = Organization.objects.count()
    response = client_for("erqi_admin").post(
        reverse("orgs:create_child", args=[tree.zhengfei.pk]), org_form(name="")
    )
    assert response.status_code == 200
    assert zh("Enter the organisation's name.") in response.content.decode()
    assert Organization.objects.count() == before


def test_a_code_with_odd_characters_is_refused_in_chinese(tree, client_for):
    response = client_for("erqi_admin").post(
        reverse("orgs:create_child", args=[tree.zhengfei.pk]), org_form(code="ZZ EQ/1")
    )
    assert zh("The code may contain only letters, digits, “-” and “_”.") in response.content.decode()
    assert not Organization.objects.filter(name="郑飞社区第二党支部").exists()


def test_an_archived_organisation_receives_no_sub_units(tree, client_for):
    Organization.objects.filter(pk=tree.zhengfei.pk).update(is_archived=True)
    response = client_for("erqi_admin").post(
        reverse("orgs:create_child", args=[tree.zhengfei.pk]), org_form()
    )
    assert zh("An archived organisation cannot receive new sub-units.") in response.content.decode()
    assert not Organization.objects.filter(code="ZZ-EQ-RH-ZF-2").exists()


def loaded_edit_form(client, org) -> dict:
    """The edit form as the browser received it, hidden fields included."""
    html = client.get(reverse("orgs:edit", args=[org.pk])).content.decode()
    (loaded_at,) = LOADED_AT.findall(html)
    return org_form(org, loaded_at=loaded_at)


def test_an_organisation_is_edited_with_the_form_as_loaded(tree, client_for):
    client = client_for("erqi_admin")
    data = loaded_edit_form(client, tree.zhengfei)
    data["name"] = "郑飞社区党总支"
    response = client.post(reverse("orgs:edit", args=[tree.zhengfei.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    assert Organization.objects.get(pk=tree.zhengfei.pk).name == "郑飞社区党总支"


def test_editing_to_a_code_already_in_use_is_refused_in_chinese_and_nothing_changes(tree, client_for):
    client = client_for("erqi_admin")
    data = loaded_edit_form(client, tree.zhengfei) | {"code": "ZZ-EQ-RH", "name": "改名"}
    response = client.post(reverse("orgs:edit", args=[tree.zhengfei.pk]), data)
    assert zh("The code “%(code)s” is already used by another organisation.", code="ZZ-EQ-RH") in (
        response.content.decode()
    )
    assert Organization.objects.get(pk=tree.zhengfei.pk).name == "郑飞社区"


def test_a_stale_edit_is_refused_and_the_other_change_is_kept(tree, personas, client_for, time_machine):
    time_machine.move_to(datetime(2021, 3, 2, 9, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
    Organization.objects.get(pk=tree.zhengfei.pk).save()
    client = client_for("erqi_admin")
    data = loaded_edit_form(client, tree.zhengfei) | {"name": "我的改动"}
    # Someone else saves a little later.
    time_machine.shift(timedelta(seconds=20))
    services.update_organization(actor=personas["city_admin"], organization=tree.zhengfei, name="别人的改动")
    time_machine.shift(timedelta(seconds=20))
    response = client.post(reverse("orgs:edit", args=[tree.zhengfei.pk]), data)
    assert response.status_code == 200
    message = zh("Someone else changed this organisation after you opened the form. Reload it.")
    assert message in response.content.decode()
    assert Organization.objects.get(pk=tree.zhengfei.pk).name == "别人的改动"


# --- people forms ----------------------------------------------------------------------------


def person_form(**overrides):
    data = {
        "name": "孙丽",
        "gender": "F",
        "phone": "138 5555 6666",
        "is_party_member": "on",
        "position": "",
        "sort_order": 0,
    }
    data.update(overrides)
    return data


def test_a_person_is_added_and_the_phone_is_normalised(tree, client_for):
    response = client_for("erqi_admin").post(
        reverse("orgs:create_person", args=[tree.zhengfei.pk]), person_form()
    )
    assert response.status_code == 302
    person = Person.objects.get(name="孙丽")
    assert person.phone == "13855556666" and person.org_path == tree.zhengfei.path


@pytest.mark.parametrize("phone", ["138-abcd-6666", "12345", "1385555666677"])
def test_a_bad_phone_is_refused_in_chinese_and_nobody_is_added(tree, client_for, phone):
    before = Person.objects.count()
    response = client_for("erqi_admin").post(
        reverse("orgs:create_person", args=[tree.zhengfei.pk]), person_form(phone=phone)
    )
    assert response.status_code == 200
    assert zh("Enter a mobile number of 11 digits or a landline number.") in response.content.decode()
    assert Person.objects.count() == before


def test_a_person_without_a_name_is_refused_in_chinese(tree, client_for):
    response = client_for("erqi_admin").post(
        reverse("orgs:create_person", args=[tree.zhengfei.pk]), person_form(name="")
    )
    assert zh("Enter the person's name.") in response.content.decode()
    assert not Person.objects.filter(phone="13855556666").exists()


def test_editing_a_person_with_a_bad_phone_changes_nothing(tree, client_for):
    person = Person.objects.get(name="张伟")
    response = client_for("erqi_admin").post(
        reverse("orgs:edit_person", args=[person.pk]), person_form(name="张伟", phone="phone")
    )
    assert zh("Enter a mobile number of 11 digits or a landline number.") in response.content.decode()
    assert Person.objects.get(pk=person.pk).phone == "13800003333"
