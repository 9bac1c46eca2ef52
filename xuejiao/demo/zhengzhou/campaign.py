"""The 2021 Party-history campaign of the demo: period, phases and required actions.

The campaign is found by its name and root, a phase by its name, a required action by its
title: whatever is missing is created, nothing existing is changed (an administrator may
have edited the demo's actions since). Completion is rebuilt by the loader afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from xuejiao.campaigns.models import Campaign, Phase, RequiredAction, RuleType
from xuejiao.ledger.models import ActivityKind as K
from xuejiao.orgs.models import Category as C

NAME = "党史学习教育"
MOTTO = "学党史、悟思想、办实事、开新局"
STARTS_ON = date(2021, 2, 20)
ENDS_ON = date(2021, 12, 31)

STUDY, MEETINGS, REVIEW = "学习教育", "专题组织生活会", "总结评估"
PHASES: tuple[tuple[str, date, date], ...] = (
    (STUDY, date(2021, 2, 20), date(2021, 10, 31)),
    (MEETINGS, date(2021, 11, 1), date(2021, 12, 31)),
    (REVIEW, date(2021, 12, 1), date(2021, 12, 31)),
)

LEADING = [C.DISTRICT, C.MUNICIPAL_UNIT]
GRASSROOTS = [C.COMMUNITY, C.VILLAGE]


@dataclass(frozen=True)
class ActionSpec:
    phase: str
    title: str
    description: str
    categories: list[str]
    activity_kinds: list[str]
    due_date: date
    min_count: int = 1
    require_first_agenda: bool = False
    window_start: date | None = None
    min_attendance_rate: int = 0
    rule_type: str = RuleType.ACTIVITY_COUNT


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        STUDY,
        "召开党史学习教育动员部署会",
        "市委动员大会（2021年3月2日）后，各区县（市）、市直各单位召开本地区本单位动员部署会议，"
        "传达学习习近平总书记在党史学习教育动员大会上的重要讲话精神，部署本地区本单位学习教育。",
        LEADING,
        [K.MOBILISATION_MEETING],
        date(2021, 3, 31),
    ),
    ActionSpec(
        STUDY,
        "党委（党组）理论学习中心组专题学习",
        "坚持“第一议题”制度，围绕习近平总书记在党史学习教育动员大会上的重要讲话、“七一”重要讲话、"
        "党的十九届六中全会精神等开展专题集中学习、深度研讨交流，全年不少于4次。",
        LEADING,
        [K.CENTER_GROUP_STUDY],
        date(2021, 12, 15),
        min_count=4,
        require_first_agenda=True,
    ),
    ActionSpec(
        STUDY,
        "举办党史学习教育读书班",
        "参照市委理论学习中心组“学党史、悟思想”读书班，各区县（市）党委举办专题读书班，集中研读指定学习材料。",
        [C.DISTRICT],
        [K.READING_CLASS],
        date(2021, 6, 30),
    ),
    ActionSpec(
        STUDY,
        "主要负责同志讲专题党课",
        "党委（党组）主要负责同志以身作则，结合本地区本单位实际讲授党史专题党课。",
        [C.DISTRICT, C.MUNICIPAL_UNIT, C.ENTERPRISE, C.INSTITUTION, C.STREET, C.TOWNSHIP],
        [K.PARTY_LECTURE],
        date(2021, 7, 31),
    ),
    ActionSpec(
        STUDY,
        "开展“沉浸式”现场教学",
        "组织党员干部到革命纪念馆、红色教育基地开展现场教学，聆听革命先烈的英雄故事，接受党性再教育。",
        [C.STREET, C.TOWNSHIP],
        [K.SITE_VISIT],
        date(2021, 10, 31),
    ),
    ActionSpec(
        STUDY,
        "开展党史学习教育主题党日（含第一议题）",
        "社区（村）党组织结合“三会一课”开展党史学习教育主题党日，第一议题学习习近平总书记重要讲话精神，"
        "可通过党员微信群线上开展。",
        GRASSROOTS,
        [K.THEME_DAY],
        date(2021, 6, 30),
        require_first_agenda=True,
    ),
    ActionSpec(
        STUDY,
        "下半年常态化开展主题党日",
        "7月起各基层党组织每月开展主题党日，学习“七一”重要讲话精神，至11月底不少于3次。",
        [C.COMMUNITY, C.VILLAGE, C.BRANCH],
        [K.THEME_DAY],
        date(2021, 11, 30),
        min_count=3,
        window_start=date(2021, 7, 1),
    ),
    ActionSpec(
        MEETINGS,
        "召开专题组织生活会",
        "基层党组织召开党史学习教育专题组织生活会，党员对照检视、开展批评和自我批评，参会率不低于80%。",
        [C.COMMUNITY, C.VILLAGE, C.BRANCH],
        [K.ORG_LIFE_MEETING],
        date(2021, 12, 31),
        min_attendance_rate=80,
    ),
    ActionSpec(
        MEETINGS,
        "召开专题民主生活会",
        "各区县（市）领导班子以“学党史、悟思想、办实事、开新局”为主题召开专题民主生活会。",
        [C.DISTRICT],
        [K.DEMOCRATIC_LIFE_MEETING],
        date(2021, 12, 31),
    ),
    ActionSpec(
        REVIEW,
        "报送党史学习教育工作总结",
        "各区县（市）、市直各单位对照规定动作开展总结评估，形成书面总结报市委党史学习教育领导小组办公室。",
        LEADING,
        [],
        date(2021, 12, 31),
        rule_type=RuleType.DOCUMENT,
    ),
)


def ensure_campaign(root_id: int, tallies) -> Campaign:
    """The demo campaign with its phases and actions, creating what is missing.

    `tallies(name)` returns the loader's tally for campaigns, phases and required actions.
    An action renamed since is recreated under its demo title, a deleted phase too.
    """
    campaigns, phases, actions = tallies("campaigns"), tallies("phases"), tallies("required actions")
    campaign = Campaign.objects.filter(name=NAME, root_id=root_id).order_by("pk").first()
    if campaign is None:
        campaign = Campaign(name=NAME, motto=MOTTO, starts_on=STARTS_ON, ends_on=ENDS_ON, root_id=root_id)
        campaign.save()
        campaigns.created += 1
    else:
        campaigns.present += 1

    existing_phases = {phase.name: phase for phase in campaign.phases.all()}
    for order, (name, starts_on, ends_on) in enumerate(PHASES):
        if name in existing_phases:
            phases.present += 1
            continue
        existing_phases[name] = Phase.objects.create(
            campaign=campaign, name=name, starts_on=starts_on, ends_on=ends_on, sort_order=order
        )
        phases.created += 1

    existing_actions = {action.title for action in campaign.actions.all()}
    for order, spec in enumerate(ACTIONS, start=1):
        if spec.title in existing_actions:
            actions.present += 1
            continue
        RequiredAction.objects.create(
            campaign=campaign,
            phase=existing_phases[spec.phase],
            title=spec.title,
            description=spec.description,
            sort_order=order * 10,
            categories=[str(category) for category in spec.categories],
            rule_type=str(spec.rule_type),
            activity_kinds=[str(kind) for kind in spec.activity_kinds],
            min_count=spec.min_count,
            require_first_agenda=spec.require_first_agenda,
            window_start=spec.window_start,
            due_date=spec.due_date,
            min_attendance_rate=spec.min_attendance_rate,
        )
        actions.created += 1
    return campaign
