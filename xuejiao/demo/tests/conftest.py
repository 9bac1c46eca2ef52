import hashlib
from io import StringIO

import pytest
from django.core.management import call_command

from xuejiao.accounts.models import RoleAssignment, User
from xuejiao.orgs.models import Organization, Person


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Counts and checksums of everything the loaders write, primary keys left out."""

    def digest(rows) -> str:
        return hashlib.sha256(repr(sorted(rows)).encode()).hexdigest()

    return {
        "organisations": Organization.objects.count(),
        "people": Person.objects.count(),
        "users": User.objects.count(),
        "role assignments": RoleAssignment.objects.count(),
        "tree": digest(
            Organization.objects.values_list(
                "code",
                "path",
                "depth",
                "numchild",
                "name",
                "short_name",
                "kind",
                "category",
                "sort_order",
                "search_text",
                "updated_at",
            )
        ),  # fmt: skip
        "systems": digest(
            Organization.systems.through.objects.values_list("organization__code", "system__code")
        ),
        "people rows": digest(
            Person.objects.values_list(
                "org_path", "name", "gender", "phone", "is_party_member", "position", "sort_order"
            )
        ),
        "users rows": digest(
            User.objects.values_list(
                "username", "password", "home_org_path", "person__name", "must_change_password"
            )
        ),
        "grants": digest(
            RoleAssignment.objects.values_list(
                "user__username", "role", "organization__code", "include_subtree"
            )
        ),
    }


@pytest.fixture
def demo(db):
    """The Zhengzhou demo, loaded once, with the output of the load."""
    return run("load_demo", "zhengzhou-2021")
