"""One demo login per role of DOMAIN.md §3, each tied to a person of the demo tree."""

from dataclasses import dataclass

from xuejiao.core.roles import Role

PASSWORD = "Xuejiao@2021"


@dataclass(frozen=True)
class Grant:
    role: str
    organization: str  # name (or short name) of a demo organisation
    include_subtree: bool = True


@dataclass(frozen=True)
class Persona:
    username: str
    home: str  # name of the organisation the user belongs to
    position: str  # preferred position of the linked person in that organisation
    grants: tuple[Grant, ...]
    description: str


PERSONAS: tuple[Persona, ...] = (
    Persona(
        "city_admin",
        "中共郑州市委",
        "组织委员",
        (Grant(Role.CAMPAIGN_OFFICE, "中共郑州市委"),),
        "campaign office of the whole city (市党史学习教育领导小组办公室)",
    ),
    Persona(
        "city_leader",
        "中共郑州市委",
        "书记",
        (Grant(Role.LEADER, "中共郑州市委"),),
        "city leader: reads dashboards and ledgers of the whole city",
    ),
    Persona(
        "erqi_admin",
        "二七区",
        "组织委员",
        (Grant(Role.CAMPAIGN_OFFICE, "二七区"),),
        "二七区 campaign office",
    ),
    Persona(
        "zhongyuan_admin",
        "中原区",
        "组织委员",
        (Grant(Role.CAMPAIGN_OFFICE, "中原区"),),
        "中原区 campaign office",
    ),
    Persona(
        "zhengfei_operator",
        "郑飞社区",
        "组织委员",
        (Grant(Role.OPERATOR, "郑飞社区", include_subtree=False),),
        "operator of 二七区人和路街道郑飞社区 (online theme day)",
    ),
    Persona(
        "inspector1",
        "市委组织部",
        "副书记",
        (Grant(Role.INSPECTOR, "中原区"), Grant(Role.INSPECTOR, "二七区"), Grant(Role.INSPECTOR, "金水区")),
        "member of the first roving guidance group (中原区, 二七区, 金水区)",
    ),
    Persona(
        "lecturer1",
        "上街区",
        "宣传委员",
        (Grant(Role.LECTURER, "上街区"),),
        "lecturer of the 上街区 troupes",
    ),
    Persona(
        "judge1",
        "市委宣传部",
        "副书记",
        (Grant(Role.JUDGE, "中共郑州市委", include_subtree=False),),
        "judge of the city lecture contest",
    ),
)
