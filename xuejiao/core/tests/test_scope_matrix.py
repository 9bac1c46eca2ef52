"""The role × scope matrix: every page and endpoint, every persona, inside and outside scope.

The expected answers are written out by hand below (SEES, MANAGES, ROOTS), from DOMAIN.md §3,
not computed by the code under test. Each test walks one page over every target and
compares the whole {target: status} table at once, so a failure shows every wrong cell.

Rules proved here:
- a record outside the user's scope is 404, never 403;
- a page that changes an organisation the user can see but not manage is 403;
- pages for managers only (users, audit log) are 403 for everyone else;
- list pages, fragments, exports and the API never carry an out-of-scope row or name.
"""

import io
import re

import openpyxl
import pytest
from django.urls import get_resolver, reverse

from xuejiao.accounts.models import ApiToken, RoleAssignment, User
from xuejiao.accounts.services import create_api_token
from xuejiao.audit.models import AuditEntry
from xuejiao.core.roles import Role
from xuejiao.notify.models import Notice, NoticeKind
from xuejiao.orgs import services as org_services
from xuejiao.orgs.models import Organization, Person
from xuejiao.orgs.scope import scope_for

ORGS = [
    "city",
    "erqi",
    "renhe",
    "zhengfei",
    "zhengfei_branch",
    "zhongyuan",
    "zhongyuan_street",
    "edu_bureau",
    "school",
]
ORG_NAMES = {
    "city": "中共郑州市委",
    "erqi": "二七区",
    "renhe": "人和路街道",
    "zhengfei": "郑飞社区",
    "zhengfei_branch": "郑飞社区第一党支部",
    "zhongyuan": "中原区",
    "zhongyuan_street": "林山寨街道",
    "edu_bureau": "市教育局",
    "school": "郑州市第一中学",
}
ERQI = {"erqi", "renhe", "zhengfei", "zhengfei_branch"}
ZHONGYUAN = {"zhongyuan", "zhongyuan_street"}
EDUCATION = {"edu_bureau", "school"}

# What each persona may see (DOMAIN.md §3 applied to conftest.PERSONAS).
SEES = {
    "city_admin": set(ORGS),
    "city_leader": set(ORGS),
    "erqi_admin": ERQI,
    "street_operator": {"renhe", "zhengfei", "zhengfei_branch"},
    "zhengfei_operator": {"zhengfei"},
    "inspector1": ERQI | EDUCATION,
    "lecturer1": {"renhe"},
    "judge1": {"city"},
    "zhongyuan_admin": ZHONGYUAN,
}
# Where each persona manages (campaign office): change organisations and people, manage users.
MANAGES = {
    "city_admin": set(ORGS),
    "erqi_admin": ERQI,
    "zhongyuan_admin": ZHONGYUAN,
}
# The top of each persona's part of the tree.
ROOTS = {
    "city_admin": ["city"],
    "city_leader": ["city"],
    "erqi_admin": ["erqi"],
    "street_operator": ["renhe"],
    "zhengfei_operator": ["zhengfei"],
    "inspector1": ["erqi", "edu_bureau"],
    "lecturer1": ["renhe"],
    "judge1": ["city"],
    "zhongyuan_admin": ["zhongyuan"],
}
PERSONA_NAMES = list(SEES)
MANAGERS = list(MANAGES)
NON_MANAGERS = [name for name in PERSONA_NAMES if name not in MANAGES]

# conftest's people: name → (organisation, phone)
PEOPLE = {
    "王建国": ("erqi", "13800001111"),
    "李秀英": ("renhe", "13800002222"),
    "张伟": ("zhengfei", "13800003333"),
    "刘洋": ("zhengfei_branch", "13800004444"),
    "陈静": ("zhongyuan", "13900005555"),
    "杨帆": ("zhongyuan_street", "13900006666"),
    "赵磊": ("school", "13700007777"),
}


def manages(persona: str) -> set[str]:
    return MANAGES.get(persona, set())


def read_status(persona: str, org: str) -> int:
    return 200 if org in SEES[persona] else 404


def write_status(persona: str, org: str, allowed: int = 200) -> int:
    if org not in SEES[persona]:
        return 404
    return allowed if org in manages(persona) else 403


def names_of(attrs) -> set[str]:
    return {ORG_NAMES[attr] for attr in attrs}


def hidden_names(persona: str) -> set[str]:
    """Every organisation and person name the persona must never be shown."""
    orgs = names_of(set(ORGS) - SEES[persona])
    people = {name for name, (org, _phone) in PEOPLE.items() if org not in SEES[persona]}
    return orgs | people


def main_part(response) -> str:
    """The page without the top bar (which names the user's own scope)."""
    html = response.content.decode()
    start = html.find('<div class="page-wrapper">')
    return html[start:] if start >= 0 else html


def assert_no_hidden_names(persona: str, text: str):
    leaked = sorted(name for name in hidden_names(persona) if name in text)
    assert leaked == [], f"{persona} was shown out-of-scope names: {leaked}"


def masked(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]


@pytest.fixture
def members(tree, personas) -> dict[str, User]:
    """One ordinary user homed in each organisation, holding an operator role there."""
    users = {}
    for attr in ORGS:
        org = getattr(tree, attr)
        user = User.objects.create_user(
            username=f"member_{attr}",
            password="Member#2021pass",
            display_name=f"member_{attr}",
            home_organization=org,
            must_change_password=False,
        )
        RoleAssignment.objects.create(user=user, role=Role.OPERATOR, organization=org, include_subtree=False)
        users[attr] = user
    return users


def statuses(client, method: str, urls: dict, data=None, **extra) -> dict:
    send = client.get if method == "get" else client.post
    result = {}
    for key, url in urls.items():
        payload = data(key) if callable(data) else (data or {})
        result[key] = send(url, payload, **extra).status_code
    return result


# --- pages about one organisation --------------------------------------------------------

READ_ORG_PAGES = {
    "children": lambda org: reverse("orgs:children", args=[org.pk]),
    "detail, units tab": lambda org: reverse("orgs:detail", args=[org.pk]) + "?tab=units",
    "detail, people tab": lambda org: reverse("orgs:detail", args=[org.pk]) + "?tab=people",
    "detail, roles tab": lambda org: reverse("orgs:detail", args=[org.pk]) + "?tab=roles",
    "API organisation": lambda org: f"/api/v1/orgs/{org.pk}",
    "API organisation list with parent": lambda org: f"/api/v1/orgs?parent={org.pk}",
    "people list filtered by organisation": lambda org: reverse("orgs:people") + f"?org={org.pk}",
    "people export filtered by organisation": lambda org: reverse("orgs:export_people") + f"?org={org.pk}",
}
WRITE_ORG_PAGES = {
    "create_child": lambda org: reverse("orgs:create_child", args=[org.pk]),
    "edit": lambda org: reverse("orgs:edit", args=[org.pk]),
    "move": lambda org: reverse("orgs:move", args=[org.pk]),
    "create_person": lambda org: reverse("orgs:create_person", args=[org.pk]),
}


@pytest.mark.parametrize("page", list(READ_ORG_PAGES))
@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_an_organisation_page_is_200_inside_scope_and_404_outside(persona, page, tree, client_for):
    client = client_for(persona)
    urls = {attr: READ_ORG_PAGES[page](getattr(tree, attr)) for attr in ORGS}
    expected = {attr: read_status(persona, attr) for attr in ORGS}
    assert statuses(client, "get", urls) == expected


@pytest.mark.parametrize("page", list(WRITE_ORG_PAGES))
@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_a_write_page_is_200_for_managers_403_for_readers_and_404_outside(persona, page, tree, client_for):
    client = client_for(persona)
    urls = {attr: WRITE_ORG_PAGES[page](getattr(tree, attr)) for attr in ORGS}
    expected = {attr: write_status(persona, attr) for attr in ORGS}
    assert statuses(client, "get", urls) == expected


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_creating_a_sub_unit_is_allowed_only_where_the_user_manages(persona, tree, client_for):
    client = client_for(persona)
    urls = {attr: reverse("orgs:create_child", args=[getattr(tree, attr).pk]) for attr in ORGS}

    def data(attr):
        return {
            "code": f"NEW-{attr}".upper().replace("_", "-"),
            "name": f"新支部{attr}",
            "kind": "branch",
            "category": "branch",
            "sort_order": 0,
        }

    expected = {attr: write_status(persona, attr, allowed=302) for attr in ORGS}
    assert statuses(client, "post", urls, data) == expected
    parents = {
        org.path[: -Organization.steplen] for org in Organization.objects.filter(code__startswith="NEW-")
    }
    assert parents == {getattr(tree, attr).path for attr in manages(persona)}


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_editing_an_organisation_is_allowed_only_where_the_user_manages(persona, tree, client_for):
    client = client_for(persona)
    urls = {attr: reverse("orgs:edit", args=[getattr(tree, attr).pk]) for attr in ORGS}

    def data(attr):
        org = getattr(tree, attr)
        return {
            "code": org.code,
            "name": org.name + "（改）",
            "short_name": "",
            "kind": org.kind,
            "category": org.category,
            "sort_order": 0,
        }

    expected = {attr: write_status(persona, attr, allowed=302) for attr in ORGS}
    assert statuses(client, "post", urls, data) == expected
    renamed = {org.code for org in Organization.objects.filter(name__endswith="（改）")}
    assert renamed == {getattr(tree, attr).code for attr in manages(persona)}


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_adding_a_person_is_allowed_only_where_the_user_manages(persona, tree, client_for):
    client = client_for(persona)
    urls = {attr: reverse("orgs:create_person", args=[getattr(tree, attr).pk]) for attr in ORGS}
    data = {
        "name": "新成员",
        "gender": "",
        "phone": "13812345678",
        "is_party_member": "on",
        "position": "",
        "sort_order": 0,
    }
    expected = {attr: write_status(persona, attr, allowed=302) for attr in ORGS}
    assert statuses(client, "post", urls, data) == expected
    added = {p.organization.code for p in Person.objects.filter(name="新成员")}
    assert added == {getattr(tree, attr).code for attr in manages(persona)}


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_archiving_is_allowed_only_where_the_user_manages(persona, tree, client_for):
    client = client_for(persona)
    # Leaves first, so that archiving a parent does not decide a child's outcome.
    order = list(reversed(ORGS))
    urls = {attr: reverse("orgs:archive", args=[getattr(tree, attr).pk]) for attr in order}
    expected = {attr: write_status(persona, attr, allowed=302) for attr in order}
    assert statuses(client, "post", urls) == expected
    archived = set(Organization.objects.filter(is_archived=True).values_list("code", flat=True))
    # The root cannot be archived; everything else the persona manages can.
    assert archived == {getattr(tree, attr).code for attr in manages(persona) if attr != "city"}


# --- pages about one person ----------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_editing_a_person_is_200_for_managers_403_for_readers_and_404_outside(persona, tree, client_for):
    client = client_for(persona)
    people = {p.name: p for p in Person.objects.all()}
    urls = {name: reverse("orgs:edit_person", args=[people[name].pk]) for name in PEOPLE}
    expected = {name: write_status(persona, org) for name, (org, _phone) in PEOPLE.items()}
    assert statuses(client, "get", urls) == expected

    def data(name):
        person = people[name]
        return {
            "name": person.name,
            "gender": "",
            "phone": "13811112222",
            "is_party_member": "on",
            "position": "书记",
            "sort_order": 0,
        }

    expected_post = {name: write_status(persona, org, allowed=302) for name, (org, _phone) in PEOPLE.items()}
    assert statuses(client, "post", urls, data) == expected_post
    changed = set(Person.objects.filter(position="书记").values_list("name", flat=True))
    assert changed == {name for name, (org, _phone) in PEOPLE.items() if org in manages(persona)}


# --- user management -------------------------------------------------------------------------

USER_PAGES = {
    # page: (method, url for a target user, form data, status on success)
    "user detail": ("get", lambda u: reverse("accounts:user_detail", args=[u.pk]), {}, 200),
    "grant": (
        "post",
        lambda u: reverse("accounts:grant", args=[u.pk]),
        lambda u: {"role": Role.LECTURER, "organization": u.home_organization_id},
        302,
    ),
    "reset password": (
        "post",
        lambda u: reverse("accounts:reset_password", args=[u.pk]),
        {"new_password": "Temporary#2021x"},
        302,
    ),
    "set active": ("post", lambda u: reverse("accounts:set_active", args=[u.pk]), {"active": "0"}, 302),
    "link roster entry": (
        "post",
        lambda u: reverse("accounts:link_person", args=[u.pk]),
        {"person": ""},
        302,
    ),
}


@pytest.mark.parametrize("page", list(USER_PAGES))
@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_a_user_page_is_403_for_non_managers_and_404_for_users_outside_the_managed_part(
    persona, page, members, client_for
):
    method, url, data, success = USER_PAGES[page]
    client = client_for(persona)
    urls = {attr: url(user) for attr, user in members.items()}
    payload = (lambda attr: data(members[attr])) if callable(data) else data
    if persona in MANAGES:
        expected = {attr: success if attr in manages(persona) else 404 for attr in ORGS}
    else:
        expected = dict.fromkeys(ORGS, 403)
    assert statuses(client, method, urls, payload) == expected


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_revoking_a_role_is_403_for_non_managers_and_404_outside_the_managed_part(
    persona, members, client_for
):
    client = client_for(persona)
    assignments = {attr: user.role_assignments.get() for attr, user in members.items()}
    urls = {attr: reverse("accounts:revoke", args=[a.pk]) for attr, a in assignments.items()}
    if persona in MANAGES:
        expected = {attr: 302 if attr in manages(persona) else 404 for attr in ORGS}
    else:
        expected = dict.fromkeys(ORGS, 403)
    assert statuses(client, "post", urls) == expected
    left = {attr for attr, a in assignments.items() if RoleAssignment.objects.filter(pk=a.pk).exists()}
    assert left == set(ORGS) - manages(persona)


MANAGER_PAGES = ["accounts:users", "accounts:create_user", "accounts:audit"]


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_the_user_list_user_creation_and_audit_log_are_for_managers_only(persona, personas, client_for):
    client = client_for(persona)
    got = {name: client.get(reverse(name)).status_code for name in MANAGER_PAGES}
    assert got == dict.fromkeys(MANAGER_PAGES, 200 if persona in MANAGES else 403)


def test_a_non_manager_cannot_create_a_user_by_posting_the_form(tree, personas, client_for):
    before = User.objects.count()
    response = client_for("city_leader").post(
        reverse("accounts:create_user"),
        {
            "username": "sneaky",
            "display_name": "x",
            "home_organization": tree.city.pk,
            "password": "Sneaky#2021pass",
        },
    )
    assert response.status_code == 403
    assert User.objects.count() == before


# --- pages everyone reaches ------------------------------------------------------------------

OPEN_PAGES = {
    "home": reverse("home:home"),
    "tree": reverse("orgs:tree"),
    "search": reverse("orgs:search") + "?q=zz",
    "autocomplete": reverse("orgs:autocomplete") + "?q=zz",
    "autocomplete for managing": reverse("orgs:autocomplete") + "?q=zz&for=manage",
    "people": reverse("orgs:people"),
    "people export": reverse("orgs:export_people"),
    "profile": reverse("accounts:profile"),
    "password change": reverse("accounts:password_change"),
    "API me": "/api/v1/me",
    "API organisations": "/api/v1/orgs",
    "API organisations with q": "/api/v1/orgs?q=zz",
    "notices": reverse("notify:notices"),
    "API notices": "/api/v1/notices",
}


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_the_pages_every_user_has_answer_200(persona, personas, client_for):
    client = client_for(persona)
    got = {name: client.get(url).status_code for name, url in OPEN_PAGES.items()}
    assert got == dict.fromkeys(OPEN_PAGES, 200)


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_a_user_can_revoke_only_their_own_api_tokens(persona, personas, client_for):
    tokens = {name: create_api_token(user=user, name="sync")[0] for name, user in personas.items()}
    client = client_for(persona)
    urls = {name: reverse("accounts:revoke_token", args=[token.pk]) for name, token in tokens.items()}
    expected = {name: 302 if name == persona else 404 for name in personas}
    assert statuses(client, "post", urls) == expected
    revoked = {t.user.username for t in ApiToken.objects.filter(revoked_at__isnull=False)}
    assert revoked == {persona}


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_a_user_opens_only_their_own_notices_and_reads_only_those_in_scope(
    persona, tree, personas, client_for
):
    # Each persona has a notice about 郑飞社区: it is listed and opens only for its recipient,
    # and only while 郑飞社区 is in the recipient's scope; another user's notice is 404.
    notices = {
        name: Notice.objects.create(
            recipient=user,
            kind=NoticeKind.RECORD_RETURNED,
            title=f"给{name}",
            url="/",
            organization=tree.zhengfei,
        )
        for name, user in personas.items()
    }
    client = client_for(persona)
    urls = {name: reverse("notify:notice_open", args=[notice.pk]) for name, notice in notices.items()}
    sees_zhengfei = scope_for(personas[persona]).covers(tree.zhengfei)
    expected = {name: (302 if sees_zhengfei else 404) if name == persona else 404 for name in personas}
    assert statuses(client, "get", urls) == expected
    listed = client.get(reverse("notify:notices")).content.decode()
    assert (f"给{persona}" in listed) == sees_zhengfei
    assert not any(f"给{name}" in listed for name in personas if name != persona)
    assert client.post(reverse("notify:notice_read_all")).status_code == 302


def test_anonymous_visitors_are_sent_to_the_login_page_or_get_401_from_the_api(tree, personas, client):
    org = tree.erqi
    pages = [
        reverse("home:home"),
        reverse("orgs:tree"),
        reverse("orgs:children", args=[org.pk]),
        reverse("orgs:search") + "?q=zz",
        reverse("orgs:autocomplete") + "?q=zz",
        reverse("orgs:detail", args=[org.pk]),
        reverse("orgs:edit", args=[org.pk]),
        reverse("orgs:people"),
        reverse("orgs:export_people"),
        reverse("accounts:users"),
        reverse("accounts:audit"),
        reverse("accounts:profile"),
        reverse("notify:notices"),
        reverse("notify:notice_open", args=[1]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url
    for url in ["/api/v1/me", "/api/v1/orgs", f"/api/v1/orgs/{org.pk}", "/api/v1/notices"]:
        assert client.get(url).status_code == 401, url
    assert client.get(reverse("accounts:login")).status_code == 200
    assert client.get(reverse("core:healthz")).status_code == 200


# Every page of these apps, and where the matrix above proves it. A new page fails
# test_every_page_of_the_core_orgs_and_accounts_apps_is_in_the_matrix until it is added here
# and to the tables above.
COVERED_PAGES = {
    "home:home": "OPEN_PAGES",
    "core:healthz": "anonymous test",
    "orgs:tree": "OPEN_PAGES, tree roots",
    "orgs:search": "OPEN_PAGES, search rows (full and htmx)",
    "orgs:autocomplete": "OPEN_PAGES, autocomplete rows (and for=manage)",
    "orgs:detail": "READ_ORG_PAGES (three tabs)",
    "orgs:children": "READ_ORG_PAGES, children rows",
    "orgs:create_child": "WRITE_ORG_PAGES, POST test",
    "orgs:edit": "WRITE_ORG_PAGES, POST test",
    "orgs:move": "WRITE_ORG_PAGES; POST in test_move_and_archive",
    "orgs:archive": "archive POST test",
    "orgs:create_person": "WRITE_ORG_PAGES, POST test",
    "orgs:people": "OPEN_PAGES, READ_ORG_PAGES, people rows",
    "orgs:export_people": "OPEN_PAGES, READ_ORG_PAGES, export rows",
    "orgs:edit_person": "person test (GET and POST)",
    "accounts:login": "anonymous test; test_login_security",
    "accounts:logout": "test_login_security, test_audit",
    "accounts:password_change": "OPEN_PAGES; test_login_security",
    "accounts:profile": "OPEN_PAGES",
    "accounts:revoke_token": "token test",
    "accounts:users": "MANAGER_PAGES, user rows",
    "accounts:create_user": "MANAGER_PAGES",
    "accounts:user_detail": "USER_PAGES",
    "accounts:grant": "USER_PAGES",
    "accounts:reset_password": "USER_PAGES",
    "accounts:set_active": "USER_PAGES",
    "accounts:link_person": "USER_PAGES",
    "accounts:revoke": "revoke test",
    "accounts:audit": "MANAGER_PAGES, audit rows",
    "notify:notices": "OPEN_PAGES, notice test",
    "notify:notice_open": "notice test, anonymous test",
    "notify:notice_read_all": "notice test",
}
COVERED_API_PATHS = {"/api/v1/me", "/api/v1/orgs", "/api/v1/orgs/{org_id}"}


def test_every_page_of_the_core_orgs_and_accounts_apps_is_in_the_matrix():
    resolver = get_resolver()
    names = set()
    for namespace in ("core", "home", "orgs", "accounts", "notify"):
        _prefix, app_resolver = resolver.namespace_dict[namespace]
        names |= {f"{namespace}:{name}" for name in app_resolver.reverse_dict if isinstance(name, str)}
    assert names == set(COVERED_PAGES)


def test_every_me_and_organisation_endpoint_of_the_api_is_in_the_matrix(client):
    paths = set(client.get("/api/v1/openapi.json").json()["paths"])
    assert {p for p in paths if p == "/api/v1/me" or p.startswith("/api/v1/orgs")} == COVERED_API_PATHS


def test_the_zhongyuan_admin_gets_404_for_everything_of_erqi_in_pages_and_api(tree, members, client_for):
    client = client_for("zhongyuan_admin")
    erqi_person = Person.objects.get(name="王建国")
    erqi_user = members["erqi"]
    erqi_role = RoleAssignment.objects.get(user__username="erqi_admin")
    gets = [
        reverse("orgs:detail", args=[tree.erqi.pk]),
        reverse("orgs:children", args=[tree.erqi.pk]),
        reverse("orgs:edit", args=[tree.erqi.pk]),
        reverse("orgs:move", args=[tree.erqi.pk]),
        reverse("orgs:create_child", args=[tree.erqi.pk]),
        reverse("orgs:create_person", args=[tree.erqi.pk]),
        reverse("orgs:edit_person", args=[erqi_person.pk]),
        reverse("orgs:people") + f"?org={tree.erqi.pk}",
        reverse("accounts:user_detail", args=[erqi_user.pk]),
        f"/api/v1/orgs/{tree.erqi.pk}",
        f"/api/v1/orgs?parent={tree.erqi.pk}",
    ]
    posts = [
        reverse("orgs:archive", args=[tree.erqi.pk]),
        reverse("accounts:revoke", args=[erqi_role.pk]),
        reverse("accounts:set_active", args=[erqi_user.pk]),
        reverse("accounts:link_person", args=[erqi_user.pk]),
        reverse("accounts:reset_password", args=[erqi_user.pk]),
        reverse("accounts:grant", args=[erqi_user.pk]),
    ]
    got = {url: client.get(url).status_code for url in gets} | {
        url: client.post(url).status_code for url in posts
    }
    assert got == dict.fromkeys(gets + posts, 404)
    # The API's 404 for "not yours" reads exactly like the one for "does not exist".
    missing = client.get("/api/v1/orgs/999999")
    assert client.get(f"/api/v1/orgs/{tree.erqi.pk}").json() == missing.json()
    assert RoleAssignment.objects.filter(pk=erqi_role.pk).exists()
    assert not Organization.objects.filter(is_archived=True).exists()


# --- list pages never carry an out-of-scope row ----------------------------------------------

TREE_NAME = re.compile(r'class="app-tree-name">([^<]+)</a>')


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_the_tree_page_shows_the_roots_of_the_scope(persona, personas, client_for):
    response = client_for(persona).get(reverse("orgs:tree"))
    assert TREE_NAME.findall(main_part(response)) == [ORG_NAMES[attr] for attr in ROOTS[persona]]
    assert_no_hidden_names(persona, main_part(response))


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_the_home_page_counts_and_lists_only_the_scope(persona, personas, client_for):
    response = client_for(persona).get(reverse("home:home"))
    assert response.context["org_count"] == len(SEES[persona])
    assert response.context["person_count"] == sum(1 for org, _ in PEOPLE.values() if org in SEES[persona])
    assert [o.name for o in response.context["roots"]] == [ORG_NAMES[attr] for attr in ROOTS[persona]]
    assert_no_hidden_names(persona, main_part(response))


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_the_children_fragment_lists_only_children_in_scope(persona, tree, client_for):
    client = client_for(persona)
    got, expected = {}, {}
    for attr in SEES[persona]:
        org = getattr(tree, attr)
        response = client.get(reverse("orgs:children", args=[org.pk]))
        got[attr] = set(TREE_NAME.findall(response.content.decode()))
        children = Organization.objects.filter(depth=org.depth + 1, path__startswith=org.path)
        expected[attr] = {c.name for c in children} & names_of(SEES[persona])
        assert_no_hidden_names(persona, response.content.decode())
    assert got == expected


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_the_detail_page_names_only_organisations_in_scope(persona, tree, client_for):
    client = client_for(persona)
    for attr in SEES[persona]:
        for tab in ("units", "people", "roles"):
            response = client.get(reverse("orgs:detail", args=[getattr(tree, attr).pk]) + f"?tab={tab}")
            assert_no_hidden_names(persona, main_part(response))


SEARCH_ROW = re.compile(r'href="/orgs/\d+/"[^>]*>([^<]+)</a>')
FRAGMENT_ROW = re.compile(r'<div class="fw-medium">([^<]+)</div>')


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_search_finds_exactly_the_organisations_in_scope(persona, personas, client_for):
    client = client_for(persona)
    # Every code starts with "ZZ", so "zz" matches the whole tree.
    full = client.get(reverse("orgs:search"), {"q": "zz"})
    assert set(SEARCH_ROW.findall(main_part(full))) == names_of(SEES[persona])
    assert_no_hidden_names(persona, main_part(full))
    fragment = client.get(reverse("orgs:search"), {"q": "zz"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode()
    assert set(FRAGMENT_ROW.findall(fragment.content.decode())) == names_of(SEES[persona])
    assert_no_hidden_names(persona, fragment.content.decode())


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_autocomplete_offers_only_organisations_in_scope(persona, personas, client_for):
    client = client_for(persona)
    seen = client.get(reverse("orgs:autocomplete"), {"q": "zz"})
    assert {item["name"] for item in seen.json()["items"]} == names_of(SEES[persona])
    assert_no_hidden_names(persona, seen.content.decode("unicode_escape"))
    managed = client.get(reverse("orgs:autocomplete"), {"q": "zz", "for": "manage"})
    assert {item["name"] for item in managed.json()["items"]} == names_of(manages(persona))


def test_autocomplete_for_the_zhongyuan_admin_never_offers_zhengfei(personas, client_for):
    client = client_for("zhongyuan_admin")
    assert client.get(reverse("orgs:autocomplete"), {"q": "郑"}).json() == {"items": []}
    assert client.get(reverse("orgs:autocomplete"), {"q": "zfsq"}).json() == {"items": []}
    found = client.get(reverse("orgs:autocomplete"), {"q": "lsz"}).json()["items"]
    assert [item["name"] for item in found] == ["林山寨街道"]


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_the_people_list_shows_only_people_in_scope(persona, personas, client_for):
    response = client_for(persona).get(reverse("orgs:people"))
    expected = {name for name, (org, _phone) in PEOPLE.items() if org in SEES[persona]}
    assert {name for name in PEOPLE if name in main_part(response)} == expected
    assert_no_hidden_names(persona, main_part(response))


def test_the_zhongyuan_admin_sees_chen_jing_and_yang_fan_and_nobody_from_erqi(personas, client_for):
    text = main_part(client_for("zhongyuan_admin").get(reverse("orgs:people")))
    assert "陈静" in text and "杨帆" in text
    assert "王建国" not in text and "张伟" not in text


USER_LINK = re.compile(r'href="/accounts/users/(\d+)/"')


@pytest.mark.parametrize("persona", MANAGERS)
def test_the_user_list_shows_only_users_homed_where_the_manager_manages(persona, members, client_for):
    response = client_for(persona).get(reverse("accounts:users"))
    expected = {u.pk for u in User.objects.all() if _home_attr(u) in manages(persona)}
    assert {int(pk) for pk in USER_LINK.findall(main_part(response))} == expected
    assert_no_hidden_names(persona, main_part(response))


def _home_attr(user) -> str:
    return next(attr for attr, name in ORG_NAMES.items() if name == user.home_organization.name)


@pytest.mark.parametrize("persona", MANAGERS)
def test_the_audit_log_shows_only_entries_about_the_managed_part(persona, tree, personas, client_for):
    city_admin = personas["city_admin"]
    for attr in ORGS:
        org_services.create_person(actor=city_admin, organization=getattr(tree, attr), name=f"审计{attr}")
    response = client_for(persona).get(reverse("accounts:audit"))
    shown = {entry.summary for entry in response.context["page_obj"]}
    expected = {
        entry.summary
        for entry in AuditEntry.objects.filter(action="create", object_type="person")
        if _org_attr(entry.organization) in manages(persona)
    }
    assert {s for s in shown if "审计" in s} == expected
    assert len(expected) == len(manages(persona))
    assert_no_hidden_names(persona, main_part(response))
    for attr in set(ORGS) - manages(persona):
        assert f"审计{attr}" not in main_part(response)


def _org_attr(org) -> str:
    return next(attr for attr, name in ORG_NAMES.items() if name == org.name)


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_the_api_lists_only_organisations_in_scope_with_and_without_q(persona, personas, client_for):
    client = client_for(persona)
    for query in ({}, {"q": "zz"}, {"limit": 200}):
        body = client.get("/api/v1/orgs", query).json()
        assert {item["name"] for item in body["items"]} == names_of(SEES[persona]), query
        assert body["count"] == len(SEES[persona])
        assert_no_hidden_names(persona, str(body))


def test_the_api_search_for_zheng_gives_the_zhongyuan_admin_nothing(personas, client_for):
    body = client_for("zhongyuan_admin").get("/api/v1/orgs", {"q": "郑"}).json()
    assert body == {"count": 0, "items": []}


# --- phones and exports ----------------------------------------------------------------------


# The header is translated, so cells are recognised by their content.
PHONE_PREFIXES = {"137", "138", "139"}


def read_export(response) -> list[dict]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    return [dict(zip(header, row, strict=True)) for row in body]


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_the_export_holds_only_people_in_scope_with_phones_masked_outside_the_managed_part(
    persona, personas, client_for
):
    rows = read_export(client_for(persona).get(reverse("orgs:export_people")))
    got = {}
    for row in rows:
        name = next(value for value in row.values() if value in PEOPLE)
        got[name] = next(
            value for value in row.values() if isinstance(value, str) and value[:3] in PHONE_PREFIXES
        )
    expected = {
        name: phone if org in manages(persona) else masked(phone)
        for name, (org, phone) in PEOPLE.items()
        if org in SEES[persona]
    }
    assert got == expected


def test_phones_are_masked_for_a_leader_and_an_operator_but_full_for_the_district_and_city_admins(
    tree, personas, client_for
):
    zhengfei_people = reverse("orgs:detail", args=[tree.zhengfei.pk]) + "?tab=people"
    for persona in ("city_leader", "street_operator"):
        for url in (zhengfei_people, reverse("orgs:people")):
            text = main_part(client_for(persona).get(url))
            assert "138****3333" in text and "13800003333" not in text, (persona, url)
    for persona in ("erqi_admin", "city_admin"):
        for url in (zhengfei_people, reverse("orgs:people")):
            text = main_part(client_for(persona).get(url))
            assert "13800003333" in text and "138****3333" not in text, (persona, url)


@pytest.fixture
def dual(tree, personas):
    """A user homed in 中原区 who also runs 二七区's campaign office, and has acted there."""
    user = User.objects.create_user(
        username="dual",
        password="Member#2021pass",
        home_organization=tree.zhongyuan,
        must_change_password=False,
    )
    RoleAssignment.objects.create(user=user, role=Role.CAMPAIGN_OFFICE, organization=tree.erqi)
    RoleAssignment.objects.create(user=user, role=Role.OPERATOR, organization=tree.zhongyuan_street)
    org_services.update_organization(actor=user, organization=tree.zhengfei, short_name="郑飞")
    org_services.create_person(actor=user, organization=tree.renhe, name="王建国")
    return user


def test_a_users_page_shows_only_the_roles_and_activity_inside_the_viewers_scope(dual, client_for):
    response = client_for("zhongyuan_admin").get(reverse("accounts:user_detail", args=[dual.pk]))
    assert response.status_code == 200
    assert "林山寨街道" in main_part(response)
    assert_no_hidden_names("zhongyuan_admin", main_part(response))
    # The district admin of 二七区 cannot open this user (homed in 中原区) at all.
    assert client_for("erqi_admin").get(reverse("accounts:user_detail", args=[dual.pk])).status_code == 404


def test_the_user_list_shows_only_the_roles_inside_the_viewers_scope(dual, client_for):
    response = client_for("zhongyuan_admin").get(reverse("accounts:users"))
    assert "dual" in main_part(response) and "林山寨街道" in main_part(response)
    assert_no_hidden_names("zhongyuan_admin", main_part(response))
