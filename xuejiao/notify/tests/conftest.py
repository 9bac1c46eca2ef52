"""A community's record and document, reviewed by its district; operators in and out of it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from xuejiao.accounts.models import RoleAssignment, User
from xuejiao.campaigns import services as campaign_services
from xuejiao.campaigns.models import RuleType
from xuejiao.campaigns.tests.test_documents import pdf
from xuejiao.core.roles import Role
from xuejiao.ledger import services as ledger_services
from xuejiao.ledger.tests.helpers import THEME_DAY
from xuejiao.orgs.models import Category


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


@pytest.fixture
def linshan_operator(tree):
    """An operator of a street in another district."""
    user = User.objects.create_user("linshan_operator", password="x", home_organization=tree.zhongyuan_street)
    RoleAssignment.objects.create(user=user, role=Role.OPERATOR, organization=tree.zhongyuan_street)
    return user


@pytest.fixture
def submitted(personas, tree):
    """郑飞社区's record, submitted to 二七区 for review."""
    return ledger_services.create_activity(
        actor=personas["zhengfei_operator"],
        organization=tree.zhengfei,
        submit=True,
        **{**THEME_DAY, "starts_at": timezone.now() - timedelta(days=2)},
    )


@pytest.fixture
def document(personas, tree):
    """郑飞社区's report for the city's campaign, handed in for review."""
    today = timezone.localdate()
    campaign = campaign_services.create_campaign(
        actor=personas["city_admin"],
        root=tree.city,
        name="党史学习教育",
        starts_on=today - timedelta(days=60),
        ends_on=today + timedelta(days=60),
    )
    action = campaign_services.save_action(
        actor=personas["city_admin"],
        campaign=campaign,
        title="报送专题组织生活会情况报告",
        categories=[Category.COMMUNITY],
        rule_type=RuleType.DOCUMENT,
        due_date=today + timedelta(days=30),
    )
    return campaign_services.submit_document(
        actor=personas["zhengfei_operator"], action=action, organization=tree.zhengfei, file=pdf()
    )
