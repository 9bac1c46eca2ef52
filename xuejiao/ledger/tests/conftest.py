"""Fixtures for the activity, evidence and sign-in tests: a campaign with a theme-day
action, records made through the services, and real small files made with Pillow."""

from datetime import date

import pytest
from django.core.cache import cache

from xuejiao.campaigns import services as campaign_services
from xuejiao.ledger import services
from xuejiao.ledger.models import ActivityKind
from xuejiao.orgs.models import Category

from .helpers import THEME_DAY, at


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    """Every test stores evidence in its own folder, and starts with no sign-in failures."""
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    cache.clear()
    yield settings.EVIDENCE_ROOT
    cache.clear()


@pytest.fixture
def campaign(personas, tree):
    return campaign_services.create_campaign(
        actor=personas["city_admin"],
        root=tree.city,
        name="党史学习教育",
        starts_on=date(2021, 3, 1),
        ends_on=date(2021, 12, 31),
    )


@pytest.fixture
def theme_day_action(personas, campaign):
    """Communities hold a theme day with the first agenda item and two photos."""
    return campaign_services.save_action(
        actor=personas["city_admin"],
        campaign=campaign,
        title="开展主题党日（含第一议题）",
        categories=[Category.COMMUNITY],
        activity_kinds=[ActivityKind.THEME_DAY],
        require_first_agenda=True,
        min_photos=2,
        due_date=date(2021, 6, 30),
    )


@pytest.fixture
def make_activity(personas, tree):
    """make_activity(org="zhengfei", day="2021-06-05", **fields) records through the service."""

    def make(org="zhengfei", day="2021-06-05", hour=9, actor="city_admin", submit=False, **fields):
        values = {**THEME_DAY, "starts_at": at(day, hour), **fields}
        return services.create_activity(
            actor=personas[actor], organization=getattr(tree, org), submit=submit, **values
        )

    return make
