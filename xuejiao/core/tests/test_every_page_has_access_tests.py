"""Every page of every app is named in that app's access tests, so none joins unguarded.

The role × scope matrix of core, orgs and accounts lives in test_scope_matrix.py (which
checks its own list exactly); the apps built on them keep their allowed/denied tests next
to their code. This test fails when a URL is added without its name appearing there.
"""

from pathlib import Path

import pytest
from django.urls import get_resolver

APPS = Path(__file__).resolve().parents[2]

# Names reached in the tests through a computed name or the model's URL, with where.
COVERED_INDIRECTLY = {
    "ledger:activity_submit": "test_activity_pages.py: reverse(f'ledger:activity_{name}')",
    "ledger:activity_verify": "test_activity_pages.py: reverse(f'ledger:activity_{name}')",
    "ledger:activity_return": "test_activity_pages.py: reverse(f'ledger:activity_{name}')",
    "ledger:activity_highlight": "test_activity_pages.py: reverse(f'ledger:activity_{name}')",
    "ledger:activity_list": "the same view as ledger:activities, kept for the benchmark's lookup",
    "sheets:job": "test_pages.py: the job page through ImportJob.get_absolute_url",
}


def page_names(namespace: str) -> set[str]:
    _prefix, resolver = get_resolver().namespace_dict[namespace]
    return {f"{namespace}:{name}" for name in resolver.reverse_dict if isinstance(name, str)}


@pytest.mark.parametrize("namespace", ["campaigns", "ledger", "notify", "sheets"])
def test_every_page_is_named_in_the_apps_tests(namespace):
    tests = "".join(
        path.read_text(encoding="utf-8") for path in (APPS / namespace / "tests").glob("test_*.py")
    )
    missing = sorted(
        name for name in page_names(namespace) if f'"{name}"' not in tests and name not in COVERED_INDIRECTLY
    )
    assert missing == []
