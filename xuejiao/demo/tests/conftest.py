import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from xuejiao.accounts.models import RoleAssignment, User
from xuejiao.campaigns.models import Campaign, Completion, CompletionRollup, Phase, RequiredAction
from xuejiao.ledger.models import Activity
from xuejiao.orgs.models import Organization, Person

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def digest(rows) -> str:
    return hashlib.sha256(repr(sorted(rows)).encode()).hexdigest()


def completion_rows() -> dict:
    """Completion cells and roll-up rows by natural key, without primary keys and times."""
    return {
        "completion rows": digest(
            Completion.objects.values_list(
                "action__title", "organization__code", "org_path", "category", "count", "done"
            )
        ),
        "roll-up rows": digest(
            CompletionRollup.objects.values_list(
                "action__title", "org_path", "category", "organization__code", "applicable", "done", "started"
            )
        ),
    }


# Keys of the snapshot that differ between two loads into empty databases: they hold the
# times rows were written (and password salts), not what the rows say.
VARYING = ("tree", "users rows", "campaign rows", "action times", "activity times", "completion times")


def snapshot() -> dict:
    """Counts and checksums of everything the loaders write, primary keys left out."""

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
        "campaigns": Campaign.objects.count(),
        "phases": Phase.objects.count(),
        "required actions": RequiredAction.objects.count(),
        "activities": Activity.objects.count(),
        "completion cells": Completion.objects.count(),
        "roll-ups": CompletionRollup.objects.count(),
        "campaign rows": digest(
            Campaign.objects.values_list(
                "name",
                "root__code",
                "root_path",
                "motto",
                "starts_on",
                "ends_on",
                "is_archived",
                "updated_at",
            )
        ),
        "phase rows": digest(
            Phase.objects.values_list("campaign__name", "name", "starts_on", "ends_on", "sort_order")
        ),
        "action rows": digest(
            (title, phase, repr(categories), repr(kinds), *rest)
            for title, phase, categories, kinds, *rest in RequiredAction.objects.values_list(
                "title",
                "phase__name",
                "categories",
                "activity_kinds",
                "description",
                "sort_order",
                "org_kinds",
                "depths",
                "rule_type",
                "min_count",
                "require_first_agenda",
                "topic_keyword",
                "window_start",
                "due_date",
                "min_photos",
                "min_summary_length",
                "min_attendance_rate",
            )
        ),
        "activity rows": digest(
            Activity.objects.values_list(
                "external_key",
                "organization__code",
                "org_path",
                "campaign__name",
                "kind",
                "title",
                "topic",
                "starts_at",
                "ends_at",
                "place",
                "mode",
                "host",
                "speaker",
                "first_agenda",
                "first_agenda_content",
                "expected",
                "present",
                "on_leave",
                "absent",
                "summary",
                "photo_count",
                "status",
                "return_reason",
                "is_highlight",
                "highlight_citation",
                "version",
                "submitted_at",
                "verified_at",
                "verified_by__username",
                "created_by__username",
            )
        ),
        "action times": digest(RequiredAction.objects.values_list("title", "updated_at")),
        "activity times": digest(Activity.objects.values_list("external_key", "created_at", "updated_at")),
        "completion times": digest(
            Completion.objects.values_list("action__title", "organization__code", "done_at")
        ),
        **completion_rows(),
    }


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker):
    """The Zhengzhou demo, loaded (and committed) once for a test module, flushed after it."""
    # The module's load runs before the autouse fixture that makes hashing fast applies.
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        output = run("load_demo", "zhengzhou-2021")
    yield output
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo(loaded_demo, db):
    """The loaded demo for one test, with the output of the load. Whatever the test
    changes is rolled back after it, so every test starts from the freshly loaded demo."""
    return loaded_demo
