"""Fixtures shared by the API's tests."""

from datetime import date

import pytest

from xuejiao.campaigns import services as campaign_services
from xuejiao.ledger.models import ActivityKind
from xuejiao.orgs.models import Category


@pytest.fixture
def campaign(personas, tree):
    campaign = campaign_services.create_campaign(
        actor=personas["city_admin"],
        root=tree.city,
        name="党史学习教育",
        starts_on=date(2021, 3, 1),
        ends_on=date(2021, 12, 31),
    )
    campaign_services.save_action(
        actor=personas["city_admin"],
        campaign=campaign,
        title="主题党日",
        categories=[Category.COMMUNITY],
        activity_kinds=[ActivityKind.THEME_DAY],
        require_first_agenda=True,
        due_date=date(2021, 6, 30),
    )
    return campaign
