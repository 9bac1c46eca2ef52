"""Every copy of an organisation's path follows the organisation, whatever kind of node moves.

The copies are declared in xuejiao.orgs.copied_paths; the test builds rows of every model
that declares one, below the nodes it moves, then moves a leaf, a subtree, a child of the
root, and a node up to the root's children, and after each move checks every copy against
its organisation, and the completion figures against a full rebuild.
"""

from datetime import date

import pytest
from django.apps import apps
from django.utils import timezone

from xuejiao.accounts.models import User
from xuejiao.audit.models import AuditEntry
from xuejiao.campaigns import services as campaign_services
from xuejiao.campaigns.completion import rebuild_campaign
from xuejiao.campaigns.models import ActionDocument, Campaign, Completion, CompletionRollup
from xuejiao.core.errors import ServiceError
from xuejiao.core.fields import PathField
from xuejiao.ledger import services as ledger_services
from xuejiao.ledger.models import (
    Activity,
    ActivityKind,
    MakeUpTask,
    Material,
    MaterialAssignment,
    Reflection,
)
from xuejiao.notify.models import Notice, NoticeKind
from xuejiao.orgs import copied_paths, services
from xuejiao.orgs.models import Category, Organization, Person
from xuejiao.sheets.models import ImportJob


def at(day: str):
    return timezone.make_aware(timezone.datetime.fromisoformat(f"{day}T09:00"))


def theme_day(organization, campaign, day="2021-06-05"):
    return {
        "campaign": campaign,
        "kind": ActivityKind.THEME_DAY,
        "title": f"{organization.name}主题党日",
        "starts_at": at(day),
        "first_agenda": True,
        "first_agenda_content": "第一议题",
        "expected": 10,
        "present": 9,
    }


def make_campaign(admin, root, name):
    campaign = campaign_services.create_campaign(
        actor=admin, root=root, name=name, starts_on=date(2021, 3, 1), ends_on=date(2021, 12, 31)
    )
    action = campaign_services.save_action(
        actor=admin,
        campaign=campaign,
        title="开展主题党日",
        categories=[Category.COMMUNITY, Category.BRANCH, Category.STREET],
        activity_kinds=[ActivityKind.THEME_DAY],
        due_date=date(2021, 12, 31),
    )
    return campaign, action


@pytest.fixture
def world(tree, personas):
    """Rows of every model that copies a path, on the organisations that will move."""
    admin = personas["city_admin"]
    city_campaign, city_action = make_campaign(admin, tree.city, "全市党史学习教育")
    # A campaign run by a street, and one by a community inside it: their roots move.
    street_campaign, _ = make_campaign(admin, tree.renhe, "街道读书班")
    community_campaign, _ = make_campaign(admin, tree.zhengfei, "社区学习月")
    for organization in (tree.zhengfei, tree.zhengfei_branch, tree.zhongyuan_street):
        for campaign in (city_campaign, street_campaign, community_campaign):
            if organization.path.startswith(campaign.root_path):
                ledger_services.create_activity(
                    actor=admin, organization=organization, submit=True, **theme_day(organization, campaign)
                )
    services.update_organization(actor=admin, organization=tree.zhengfei_branch, short_name="一支部")
    activity = Activity.objects.filter(organization=tree.zhengfei_branch).first()
    member = Person.objects.create(organization=tree.zhengfei_branch, name="周敏")
    material = Material.objects.create(
        organization=tree.zhengfei, title="学习材料", deadline=date(2021, 6, 30), created_by=admin
    )
    assignment = MaterialAssignment.objects.create(material=material, organization=tree.zhengfei_branch)
    Reflection.objects.create(
        organization=tree.zhengfei_branch, person=member, assignment=assignment, text="心得"
    )
    MakeUpTask.objects.create(
        organization=tree.zhengfei_branch, person=member, activity=activity, reason="absent"
    )
    ActionDocument.objects.create(
        action=city_action, organization=tree.zhengfei_branch, title="总结", file="documents/summary.pdf"
    )
    ImportJob.objects.create(
        organization=tree.zhengfei_branch, spec="activities", original_name="台账.xlsx", uploaded_by=admin
    )
    User.objects.create_user(username="branch_secretary", home_organization=tree.zhengfei_branch)
    Notice.objects.create(
        recipient=admin,
        kind=NoticeKind.RECORD_RETURNED,
        title="退回",
        url="/",
        organization=tree.zhengfei_branch,
    )
    return tree


def rows_below(path: str) -> set[str]:
    """The labels of the copies that have at least one row at or below `path`."""
    return {
        copy.label
        for copy in copied_paths.registered()
        if copy.model._base_manager.filter(**{f"{copy.field}__startswith": path}).exists()
    }


def figures() -> set[tuple]:
    cells = set(Completion.objects.values_list("action_id", "organization_id", "org_path", "count", "done"))
    rollups = set(
        CompletionRollup.objects.values_list(
            "action_id", "org_path", "category", "applicable", "done", "started"
        )
    )
    return cells | rollups


def move(personas, organization, new_parent):
    services.move_organization(
        actor=personas["city_admin"],
        organization=Organization.objects.get(pk=organization.pk),
        new_parent=Organization.objects.get(pk=new_parent.pk),
    )
    return Organization.objects.get(pk=organization.pk)


def test_every_path_column_is_declared_as_a_copy():
    """A new model with a path column must declare it, or a move would leave it behind."""
    declared = {(copy.model, copy.field) for copy in copied_paths.registered()}
    columns = {
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.local_concrete_fields
        if isinstance(field, PathField) and model is not Organization
    }
    assert columns - declared == set()
    assert len(declared) >= 13


def test_the_world_has_a_row_of_every_copy_below_the_branch(world):
    everything = {copy.label for copy in copied_paths.registered()}
    # Campaigns are run by the street and the community, and the material published by the
    # community, above the branch.
    assert everything - rows_below(world.zhengfei_branch.path) == {
        "campaigns.Campaign.root_path",
        "ledger.Material.org_path",
    }
    assert rows_below(world.renhe.path) == everything
    assert copied_paths.stale() == []


@pytest.mark.parametrize(
    ("node", "new_parent"),
    [
        ("zhengfei_branch", "zhongyuan_street"),  # a leaf
        ("renhe", "zhongyuan"),  # a subtree, with the campaigns it runs
        ("erqi", "zhongyuan"),  # a child of the root, two levels deeper
        ("renhe", "city"),  # up to the root's children
    ],
    ids=["leaf", "subtree", "root-child", "up-to-root"],
)
def test_a_move_carries_every_copied_path(world, personas, node, new_parent):
    moved = move(personas, getattr(world, node), getattr(world, new_parent))
    assert moved.path.startswith(Organization.objects.get(pk=getattr(world, new_parent).pk).path)
    assert rows_below(moved.path) >= {"orgs.Person.org_path", "ledger.Activity.org_path"}
    assert copied_paths.stale() == []
    # The figures moved along equal figures computed from scratch.
    incremental = figures()
    for campaign in Campaign.objects.all():
        rebuild_campaign(campaign)
    assert figures() == incremental


def test_moves_in_a_row_keep_every_copy(world, personas):
    for node, new_parent in [("renhe", "zhongyuan"), ("zhengfei", "city"), ("zhengfei", "renhe")]:
        move(personas, getattr(world, node), getattr(world, new_parent))
        assert copied_paths.stale() == []


def test_a_campaign_follows_its_root_organisation_when_it_moves(tree, personas):
    admin = personas["city_admin"]
    campaign, _action = make_campaign(admin, tree.renhe, "街道读书班")
    move(personas, tree.renhe, tree.zhongyuan)
    campaign.refresh_from_db()
    renhe = Organization.objects.get(pk=tree.renhe.pk)
    assert campaign.root_path == renhe.path
    # Its units still record for it, and its figures count them.
    zhengfei = Organization.objects.get(pk=tree.zhengfei.pk)
    ledger_services.create_activity(
        actor=admin, organization=zhengfei, submit=True, **theme_day(zhengfei, campaign)
    )
    assert Completion.objects.get(action__campaign=campaign, organization=zhengfei).done
    # A unit outside the moved street is still outside its campaign.
    with pytest.raises(ServiceError):
        ledger_services.create_activity(
            actor=admin, organization=tree.zhongyuan_street, **theme_day(tree.zhongyuan_street, campaign)
        )


def test_an_audit_entry_of_a_deleted_organisation_is_left_as_it_was(world):
    spare = Organization.objects.add_child(world.renhe, {"code": "ZZ-EQ-RH-X", "name": "临时支部"})
    AuditEntry.objects.create(action="update", organization=spare, org_path=spare.path)
    spare.delete()
    assert copied_paths.stale() == []
