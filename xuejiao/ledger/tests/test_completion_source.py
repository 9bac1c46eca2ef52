"""The ledger feeds completion one way: it announces changed records (records_changed) and
registers where completion reads them (campaigns.sources); campaigns never imports it."""

import pytest

from xuejiao.campaigns import sources
from xuejiao.campaigns.models import Completion, RuleType
from xuejiao.campaigns.signals import records_changed
from xuejiao.ledger import services
from xuejiao.ledger.completion import ActivitySource
from xuejiao.ledger.models import Activity, ActivityStatus


@pytest.fixture
def announced():
    """Every records_changed sent during the test: (sender, campaign, organisations)."""
    heard = []

    def listen(sender, campaign, organizations, **kwargs):
        heard.append((sender, campaign, [organization.code for organization in organizations]))

    records_changed.connect(listen)
    yield heard
    records_changed.disconnect(listen)


def test_recording_and_submitting_announce_the_change_to_completion(
    personas, tree, campaign, theme_day_action, make_activity, announced
):
    activity = make_activity(campaign=campaign, submit=True)
    assert announced == [(Activity, campaign, [tree.zhengfei.code])]
    services.return_activity(actor=personas["erqi_admin"], activity=activity, reason="照片不清楚")
    assert len(announced) == 2


def test_records_outside_a_campaign_announce_nothing(make_activity, announced):
    make_activity(campaign=None, submit=True)
    assert announced == []


def test_completion_follows_what_a_module_announces(tree, campaign, theme_day_action, make_activity):
    """Any module that changes its records and announces them moves the figures: here rows
    changed behind the services' back count only once announced."""
    activity = make_activity(campaign=campaign, submit=True)  # no photos yet: not done
    cell = Completion.objects.get(action=theme_day_action, organization=tree.zhengfei)
    assert not cell.done
    Activity.objects.filter(pk=activity.pk).update(photo_count=2, status=ActivityStatus.VERIFIED)
    cell.refresh_from_db()
    assert not cell.done
    records_changed.send(sender=Activity, campaign=campaign, organizations=[tree.zhengfei])
    cell.refresh_from_db()
    assert cell.done and cell.count == 1


def test_the_ledger_is_the_registered_source_of_activity_counts():
    source = sources.source_for(RuleType.ACTIVITY_COUNT)
    assert isinstance(source, ActivitySource)
    assert "theme_day" in [value for value, _label in source.kind_choices()]
