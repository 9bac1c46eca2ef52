"""Loads into a database that is not empty: kept apart from the modules that share one load."""

import pytest

from xuejiao.campaigns.models import Campaign, Completion
from xuejiao.orgs.models import Organization

from .conftest import run

pytestmark = pytest.mark.django_db


def test_demo_next_to_another_tree():
    other = Organization.objects.add_root({"code": "OTHER", "name": "别的树"})
    run("load_demo", "zhengzhou-2021")
    assert Organization.objects.get(code="ZZ").path == "0002"
    assert Organization.objects.get_descendant_count(other) == 0
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    # The campaign covers the demo's tree only.
    campaign = Campaign.objects.get()
    assert campaign.root_path == "0002"
    assert not Completion.objects.exclude(org_path__startswith="0002").exists()
