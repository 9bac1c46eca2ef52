"""The demo's ledger for the 2021 campaign: a plan of activity records, made in one pass.

The records the seed article names are written out by hand (SEED_RECORDS); the rest are
drawn for every organisation from a generator seeded by its code, so a unit's records
never depend on what else is loaded. Each district has its own pace, so the roll-ups show
districts ahead and behind. The natural key is `external_key` ("demo-2021-<code>-<n>",
"demo-2021-seed-<name>"): a second load creates only the keys that are missing and never
changes a record that exists, so whatever was done in the demo since stays as it is.

One gap is deliberate: 二七区人和路街道郑飞社区 has no theme day before 2021-06-30, so its
first theme-day action is open and the operator's first record visibly completes it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from xuejiao.accounts.models import User
from xuejiao.ledger.models import Activity, ActivityStatus, Mode
from xuejiao.ledger.models import ActivityKind as K
from xuejiao.orgs.models import Category, Kind, Person

from .campaign import ENDS_ON, STARTS_ON
from .structure import ROOT_CODE, OrgSpec, code_of, rng_for

KEY_PREFIX = "demo-2021-"
ZONE = ZoneInfo("Asia/Shanghai")
BATCH_SIZE = 1000

# How far along each district is (share of its units that keep up). Hand-set so the
# progress pages show a spread; the named districts of the article are among the keen.
DISTRICT_PACE = {
    "D01": 0.86,  # 中原区
    "D02": 0.80,  # 二七区
    "D03": 0.62,  # 管城回族区
    "D04": 0.93,  # 金水区
    "D05": 0.95,  # 上街区
    "D06": 0.70,  # 惠济区
    "D07": 0.90,  # 中牟县
    "D08": 0.74,  # 巩义市
    "D09": 0.66,  # 荥阳市
    "D10": 0.55,  # 新密市
    "D11": 0.78,  # 新郑市
    "D12": 0.92,  # 登封市
    "D13": 0.88,  # 郑东新区
    "D14": 0.60,  # 经开区
    "D15": 0.84,  # 高新区
    "D16": 0.68,  # 航空港区
}
# The campaign office that reviews a district's records: the demo's personas.
REVIEWERS = {"D01": "zhongyuan_admin", "D02": "erqi_admin"}
CITY_REVIEWER = "city_admin"

# The one organisation whose first theme day is left undone (see the module docstring).
OPEN_THEME_DAY = ("二七区", "人和路街道", "郑飞社区")
# The one record returned to its unit, with the reason.
RETURNED = ("二七区", "人和路街道", "人和路社区")
RETURN_REASON = "未上传会议记录和签到表照片，参会人数无法核实，请补充后重新提交。"


@dataclass(frozen=True)
class Planned:
    """One activity record to create; `org` is the organisation's code."""

    key: str
    org: str
    kind: str
    title: str
    starts_at: datetime
    hours: float = 2.0
    topic: str = ""
    place: str = ""
    mode: str = Mode.OFFLINE
    host: str = ""
    speaker: str = ""
    first_agenda: bool = False
    first_agenda_content: str = ""
    expected: int = 0
    present: int = 0
    on_leave: int = 0
    absent: int = 0
    summary: str = ""
    status: str = ActivityStatus.VERIFIED
    return_reason: str = ""
    is_highlight: bool = False
    highlight_citation: str = ""


# ---------------------------------------------------------------- what was studied, when

MOBILISATION_SPEECH = "习近平总书记在党史学习教育动员大会上的重要讲话"
JULY_FIRST_SPEECH = "习近平总书记在庆祝中国共产党成立100周年大会上的重要讲话（“七一”重要讲话）"
HENAN_SPEECHES = "习近平总书记关于河南及郑州工作的系列重要讲话和指示精神"
FOUR_HISTORIES = "“四史”学习：党史、新中国史、改革开放史、社会主义发展史"
SIXTH_PLENUM = "党的十九届六中全会精神"
PROVINCIAL_CONGRESS = "省第十一次党代会精神"
READING_LIST = "《论中国共产党历史》《中国共产党简史》《习近平新时代中国特色社会主义思想学习问答》"


def agenda_for(day: date, rng: random.Random) -> str:
    """The latest key speech on that day: what a first agenda item studied."""
    if day >= date(2021, 11, 12):
        return rng.choice((SIXTH_PLENUM, SIXTH_PLENUM, PROVINCIAL_CONGRESS))
    if day >= date(2021, 10, 30):
        return PROVINCIAL_CONGRESS
    if day >= date(2021, 7, 2):
        return rng.choice((JULY_FIRST_SPEECH, JULY_FIRST_SPEECH, HENAN_SPEECHES))
    return rng.choice((MOBILISATION_SPEECH, MOBILISATION_SPEECH, HENAN_SPEECHES))


THEME_DAY_THEMES = {
    3: ("“学党史、悟思想”", "“党史学习教育启动”"),
    4: ("“缅怀革命先烈、传承红色基因”清明", "“红色故事我来讲”"),
    5: ("“学党史、办实事”", "“五四精神代代传”"),
    6: ("“永远跟党走”迎七一", "“重温入党誓词”"),
    7: ("“学习七一讲话、汲取奋进力量”", "“百年恩情永不忘”"),
    8: ("“我为群众办实事”", "“抗洪救灾、党员先行”"),
    9: ("“学党史、守初心”", "“传承抗战精神”"),
    10: ("“喜迎国庆、礼赞祖国”", "“学党史、开新局”"),
    11: ("“学习六中全会精神”", "“四史”学习"),
    12: ("“学习六中全会精神”", "“回顾学习教育、谋划新年工作”"),
}
LECTURE_TOPICS = (
    "百年党史中的初心使命",
    "从党的百年奋斗中汲取前进力量",
    "传承红色基因、担当时代使命",
    "学党史、守初心、办实事",
    "伟大建党精神的时代内涵",
    "以史为鉴、开创未来",
)
VISIT_PLACES = (
    "二七纪念馆",
    "郑州烈士陵园",
    "河南博物院",
    "黄河博物馆",
    "焦裕禄纪念园",
    "红旗渠纪念馆",
    "竹沟革命纪念馆",
    "鄂豫皖苏区首府革命博物馆",
)
FILMS = (
    (date(2021, 7, 1), "《1921》"),
    (date(2021, 7, 2), "《革命者》"),
    (date(2021, 6, 18), "《守岛人》"),
    (date(2021, 9, 30), "《长津湖》"),
)


# ---------------------------------------------------------------- drawing helpers


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ZONE)


def some_day(rng: random.Random, start: date, end: date) -> date:
    start, end = max(start, STARTS_ON), min(end, ENDS_ON)
    return start + timedelta(days=rng.randint(0, (end - start).days))


def some_time(rng: random.Random, day: date) -> datetime:
    return at(day, rng.choice((9, 9, 10, 14, 15)), rng.choice((0, 0, 30)))


def month_day(rng: random.Random, month: int) -> date:
    first = date(2021, month, 1)
    last = (date(2021, month + 1, 1) if month < 12 else date(2022, 1, 1)) - timedelta(days=1)
    return some_day(rng, first, last)


def attendance(rng: random.Random, members: int, keen: bool = True) -> dict:
    """expected / present / on leave / absent for a meeting of `members`."""
    if keen:
        on_leave = rng.randint(0, max(1, members // 12))
        absent = rng.choice((0, 0, 0, 1)) if members >= 12 else 0
    else:  # a meeting that fell short of the 80 % the organisational-life meeting asks for
        on_leave = members // 5 + rng.randint(1, 3)
        absent = rng.randint(1, 2)
    absent = min(absent, members - on_leave)
    return {
        "expected": members,
        "present": members - on_leave - absent,
        "on_leave": on_leave,
        "absent": absent,
    }


def status(rng: random.Random, day: date) -> str:
    """Mostly verified; the later in the year, the more still wait for review."""
    draw = rng.random()
    if draw < 0.04:
        return ActivityStatus.DRAFT
    waiting = 0.12 if day < date(2021, 10, 1) else 0.4
    return ActivityStatus.SUBMITTED if draw < 0.04 + waiting else ActivityStatus.VERIFIED


def district_key(code: str) -> str | None:
    part = code.split("-")[1] if "-" in code else ""
    return part if part in DISTRICT_PACE else None


def pace_of(code: str) -> float:
    """The pace of a district's organisations; a unit and its branches draw their own."""
    district = district_key(code)
    if district:
        return DISTRICT_PACE[district]
    return rng_for(f"{code.split('-')[1]}:pace").uniform(0.6, 1.0)


# ---------------------------------------------------------------- per organisation


class Plan:
    """The records of one organisation, keyed by position."""

    def __init__(self, spec: OrgSpec, secretary: str, pace: float):
        self.spec = spec
        self.secretary = secretary
        self.pace = pace
        self.rng = rng_for(f"{spec.code}:activities")
        self.records: list[Planned] = []

    def add(self, kind: str, title: str, day: date, **fields) -> None:
        rng = self.rng
        fields.setdefault("host", self.secretary)
        if "status" not in fields:
            fields["status"] = status(rng, day)
        starts_at = fields.pop("starts_at", None) or some_time(rng, day)
        self.records.append(
            Planned(
                key=f"{KEY_PREFIX}{self.spec.code}-{len(self.records) + 1:02d}",
                org=self.spec.code,
                kind=kind,
                title=title,
                starts_at=starts_at,
                **fields,
            )
        )

    def keeps_up(self, bonus: float = 0.0) -> bool:
        return self.rng.random() < self.pace + bonus

    def first_agenda(self, day: date) -> dict:
        return {"first_agenda": True, "first_agenda_content": "学习" + agenda_for(day, self.rng)}


def _name(spec: OrgSpec) -> str:
    return spec.short_name or spec.name


def plan_district(plan: Plan) -> None:
    spec, rng = plan.spec, plan.rng
    members = rng.randint(15, 26)  # the leadership group
    name = _name(spec)
    # 中牟县委, 二七区委; a development zone has a Party working committee: 郑东新区党工委.
    committee = name + ("委" if spec.kind == Kind.PARTY_COMMITTEE else "党工委")
    if plan.keeps_up(0.1):
        day = some_day(rng, date(2021, 3, 3), date(2021, 3, 15))
    else:
        day = some_day(rng, date(2021, 4, 2), date(2021, 4, 20))  # late: after the due date
    plan.add(
        K.MOBILISATION_MEETING,
        f"{name}党史学习教育动员部署会",
        day,
        expected=members + 60,
        present=members + 58,
        on_leave=2,
        summary=f"传达学习{MOBILISATION_SPEECH}和全市动员大会精神，印发{name}党史学习教育实施方案，"
        "对全区（县、市）学习教育作出具体部署。",
    )
    _center_group_studies(plan, members, f"{committee}理论学习中心组")
    if plan.keeps_up(0.05):
        start = some_day(rng, date(2021, 4, 6), date(2021, 6, 20))
        plan.add(
            K.READING_CLASS,
            f"{name}“学党史、悟思想”专题读书班",
            start,
            hours=3 * 24,
            topic=READING_LIST,
            place=f"{committee}党校",
            **attendance(rng, members + 20),
            summary=f"集中3天研读{READING_LIST}，开展专题辅导和分组研讨，"
            "学员围绕“学史明理、学史增信、学史崇德、学史力行”交流发言。",
        )
    elif rng.random() < 0.6:
        plan.add(
            K.READING_CLASS,
            f"{name}党史学习教育读书班",
            some_day(rng, date(2021, 7, 10), date(2021, 9, 20)),
            hours=2 * 24,
            topic=READING_LIST,
            **attendance(rng, members + 15),
        )
    _party_lecture(plan, "书记", members + 80, date(2021, 4, 1), date(2021, 7, 20))
    if rng.random() < 0.5:
        plan.add(
            K.EXPERT_LECTURE,
            f"{name}党史学习教育专题辅导报告",
            some_day(rng, date(2021, 4, 10), date(2021, 10, 30)),
            speaker="市委党校教师",
            topic=rng.choice(LECTURE_TOPICS),
            **attendance(rng, members + 100),
        )
    if plan.keeps_up(-0.15):
        day = some_day(rng, date(2021, 12, 13), date(2021, 12, 30))
        plan.add(
            K.DEMOCRATIC_LIFE_MEETING,
            f"{committee}领导班子党史学习教育专题民主生活会",
            day,
            hours=4,
            topic="学党史、悟思想、办实事、开新局",
            **attendance(rng, members - 5),
            summary="班子成员对照检视、开展批评和自我批评，逐项列出整改措施，市委督导组到会指导。",
        )


def _center_group_studies(plan: Plan, members: int, group: str) -> None:
    """Leadership-group studies spread over the year; a keen unit reaches the four asked for."""
    rng = plan.rng
    wanted = max(1, min(6, round(plan.pace * 5.5 + rng.uniform(-1.6, 1.0))))
    slots = sorted(rng.sample(range(3, 13), wanted))
    for month in slots:
        day = month_day(rng, month) if month < 12 else some_day(rng, date(2021, 12, 1), date(2021, 12, 14))
        first = plan.first_agenda(day) if rng.random() < 0.92 else {}
        topic = agenda_for(day, rng)
        plan.add(
            K.CENTER_GROUP_STUDY,
            f"{group}{day.month}月专题学习",
            day,
            topic=topic,
            **first,
            **attendance(rng, members),
            summary=f"围绕{topic}开展专题集中学习，{rng.randint(3, 6)}名班子成员作交流发言。",
        )


def _party_lecture(plan: Plan, role: str, audience: int, start: date, end: date, bonus=0.0) -> None:
    rng = plan.rng
    if not plan.keeps_up(bonus):
        return
    topic = rng.choice(LECTURE_TOPICS)
    plan.add(
        K.PARTY_LECTURE,
        f"{role}讲专题党课：{topic}",
        some_day(rng, start, end),
        topic=topic,
        speaker=plan.secretary,
        **attendance(rng, audience),
    )


def plan_unit(plan: Plan) -> None:
    """A municipal unit, enterprise or institution (the Party committee or leadership group)."""
    spec, rng = plan.spec, plan.rng
    members = rng.randint(7, 15)
    name = _name(spec)
    if spec.category == Category.MUNICIPAL_UNIT:
        if plan.keeps_up(0.1):
            day = some_day(rng, date(2021, 3, 3), date(2021, 3, 26))
        else:
            day = some_day(rng, date(2021, 4, 1), date(2021, 4, 15))
        plan.add(
            K.MOBILISATION_MEETING,
            f"{name}党史学习教育动员会",
            day,
            **attendance(rng, members + rng.randint(20, 60)),
            summary=f"传达学习{MOBILISATION_SPEECH}，部署本单位党史学习教育。",
        )
        _center_group_studies(plan, members, "党组理论学习中心组")
    elif rng.random() < 0.6:
        day = some_day(rng, date(2021, 3, 10), date(2021, 11, 30))
        plan.add(
            K.CENTER_GROUP_STUDY,
            f"党委理论学习中心组{day.month}月专题学习",
            day,
            topic=agenda_for(day, rng),
            **plan.first_agenda(day),
            **attendance(rng, members),
        )
    _party_lecture(plan, "党委书记", members * 8, date(2021, 4, 1), date(2021, 7, 25))
    if rng.random() < 0.25:
        film_day, film = rng.choice(FILMS)
        plan.add(
            K.FILM,
            f"组织党员观看电影{film}",
            some_day(rng, film_day, film_day + timedelta(days=30)),
            place="影院",
            **attendance(rng, members * 4),
        )


def plan_subdistrict(plan: Plan) -> None:
    """A street working committee or a township Party committee."""
    spec, rng = plan.spec, plan.rng
    members = rng.randint(30, 90)  # Party members of the office
    role = "镇党委书记" if spec.category == Category.TOWNSHIP else "街道党工委书记"
    _party_lecture(plan, role, members, date(2021, 3, 20), date(2021, 7, 25), bonus=0.05)
    if plan.keeps_up(-0.05):
        place = rng.choice(VISIT_PLACES)
        plan.add(
            K.SITE_VISIT,
            f"赴{place}开展现场教学",
            some_day(rng, date(2021, 4, 1), date(2021, 10, 25)),
            hours=5,
            place=place,
            **attendance(rng, rng.randint(20, 40)),
            summary=f"组织党员干部到{place}参观学习，聆听讲解，重温入党誓词。",
        )
    if rng.random() < 0.3:
        film_day, film = rng.choice(FILMS)
        plan.add(
            K.FILM,
            f"组织党员干部观看电影{film}",
            some_day(rng, film_day, film_day + timedelta(days=40)),
            **attendance(rng, members),
        )
    if rng.random() < 0.3:
        sunday = some_day(rng, date(2021, 5, 2), date(2021, 10, 24))
        sunday -= timedelta(days=(sunday.weekday() + 1) % 7)
        plan.add(
            K.MASS_CULTURE,
            "“唱红歌、颂党恩”群众文化活动",
            sunday,
            starts_at=at(sunday, 19, 30),
            hours=1.5,
            place="街心游园" if spec.category == Category.STREET else "镇文化广场",
        )


def plan_grassroots(plan: Plan, skip_first_half: bool = False, returned: bool = False) -> None:
    """A community or village (and, without the first half's theme days, a branch)."""
    spec, rng = plan.spec, plan.rng
    grassroots = spec.category in (Category.COMMUNITY, Category.VILLAGE)
    members = rng.randint(20, 70) if grassroots else rng.randint(6, 25)
    online = 0.25 if spec.category == Category.COMMUNITY else 0.1

    def theme_day(day: date, **fields) -> None:
        fields.setdefault("mode", Mode.ONLINE if rng.random() < online else Mode.OFFLINE)
        theme = rng.choice(THEME_DAY_THEMES[day.month])
        plan.add(
            K.THEME_DAY,
            f"{theme}主题党日",
            day,
            **{**plan.first_agenda(day), **fields},
            **attendance(rng, members),
        )

    if grassroots and not skip_first_half:
        months = sorted(rng.sample(range(3, 7), rng.randint(1, 3))) if plan.keeps_up(-0.08) else []
        if returned and not months:
            months = [5]
        for index, month in enumerate(months):
            day = month_day(rng, month)
            if returned and index == 0:
                theme_day(day, status=ActivityStatus.RETURNED, return_reason=RETURN_REASON)
            elif rng.random() < 0.06:
                theme_day(day, first_agenda=False, first_agenda_content="")  # doesn't count
            else:
                theme_day(day)
    for month in range(7, 12):
        if plan.keeps_up():
            theme_day(month_day(rng, month))
    if plan.keeps_up(-0.1):
        day = some_day(rng, date(2021, 12, 6), date(2021, 12, 30))
        plan.add(
            K.ORG_LIFE_MEETING,
            "党史学习教育专题组织生活会",
            day,
            hours=3,
            **attendance(rng, members, keen=rng.random() < 0.9),
            summary="支部书记通报检视问题情况，党员逐一发言，开展批评和自我批评，明确整改方向。",
        )
    if grassroots and rng.random() < 0.5:
        _party_lecture(plan, "支部书记", members, date(2021, 3, 15), date(2021, 11, 30), bonus=1.0)
    if spec.category == Category.COMMUNITY and rng.random() < 0.2:
        plan.add(
            K.DISCUSSION_MEETING,
            "“我为群众办实事”居民恳谈会",
            some_day(rng, date(2021, 5, 1), date(2021, 11, 20)),
            hours=1.5,
            place="小区游园",
        )


# ---------------------------------------------------------------- the records of the article


@dataclass(frozen=True)
class SeedRecord:
    path: tuple[str, ...]  # names from the district down, as in the article
    planned: Planned  # key and org filled in from the path


def _seed(slug: str, path: tuple[str, ...], kind: str, title: str, starts_at: datetime, **fields):
    planned = Planned(KEY_PREFIX + "seed-" + slug, "", kind, title, starts_at, **fields)
    return SeedRecord(path, planned)


SEED_RECORDS: tuple[SeedRecord, ...] = (
    _seed(
        "city-mobilisation",
        (),
        K.MOBILISATION_MEETING,
        "郑州市党史学习教育动员大会",
        at(date(2021, 3, 2), 9, 0),
        hours=2,
        mode=Mode.HYBRID,
        place="市委主会场，各区县（市）设分会场",
        topic=MOBILISATION_SPEECH,
        expected=480,
        present=472,
        on_leave=8,
        summary="2021年3月2日，市委召开党史学习教育动员大会，传达学习习近平总书记在党史学习教育动员大会上的"
        "重要讲话精神，对全市党史学习教育进行动员部署，要求将“学党史、悟思想、办实事、开新局”贯穿始终。"
        "会后全市上下迅速行动，各级党委（党组）理论学习中心组开展专题集中学习。",
    ),
    _seed(
        "city-reading-class",
        (),
        K.READING_CLASS,
        "市委理论学习中心组“学党史、悟思想”读书班",
        at(date(2021, 4, 12), 8, 30),
        hours=3 * 24,
        place="市委党校",
        topic=READING_LIST,
        first_agenda=True,
        first_agenda_content="学习" + MOBILISATION_SPEECH,
        expected=42,
        present=40,
        on_leave=2,
        summary="市委理论学习中心组举办“学党史、悟思想”读书班，集中研读指定学习材料，"
        "并与区县（市）代表、基层党员代表、学生代表开展交流。",
    ),
    _seed(
        "city-center-group-july",
        (),
        K.CENTER_GROUP_STUDY,
        "市委理论学习中心组专题学习“七一”重要讲话",
        at(date(2021, 7, 8), 15, 0),
        topic=JULY_FIRST_SPEECH,
        first_agenda=True,
        first_agenda_content="学习" + JULY_FIRST_SPEECH,
        expected=42,
        present=41,
        on_leave=1,
        summary="运用“五种学习方法”聚焦主题开展学习，深刻体悟总书记重要讲话蕴含的真理光芒和实践伟力。",
    ),
    _seed(
        "city-center-group-plenum",
        (),
        K.CENTER_GROUP_STUDY,
        "市委理论学习中心组专题学习党的十九届六中全会精神",
        at(date(2021, 11, 23), 15, 0),
        topic=SIXTH_PLENUM,
        first_agenda=True,
        first_agenda_content="学习" + SIXTH_PLENUM,
        expected=42,
        present=40,
        on_leave=2,
        status=ActivityStatus.SUBMITTED,
    ),
    _seed(
        "gaocheng-expert-lecture",
        ("登封市", "告成镇"),
        K.EXPERT_LECTURE,
        "庆祝建党100周年党史专题讲座",
        at(date(2021, 6, 18), 9, 0),
        hours=2.5,
        place="告成镇政府会议室",
        speaker="王心月（浙江大学马克思主义学院讲师、法学博士）",
        topic="庆祝建党100周年党史专题讲座",
        expected=126,
        present=121,
        on_leave=5,
        summary="告成镇邀请浙江大学马克思主义学院讲师、法学博士王心月开展庆祝建党100周年党史专题讲座，"
        "告成镇全体机关党员干部、各村、镇直单位、企业党建负责人聆听了讲座。",
        is_highlight=True,
        highlight_citation="登封市告成镇邀请浙江大学马克思主义学院讲师、法学博士王心月，开展庆祝建党100周年"
        "党史专题讲座，告成镇全体机关党员干部、各村、镇直单位、企业党建负责人聆听了讲座，"
        "以专家辅导带动基层党员深学细悟，让党史学习教育更有吸引力、感染力。",
    ),
    _seed(
        "kuangshan-site-visit",
        ("上街区", "矿山街道"),
        K.SITE_VISIT,
        "赴豫西抗日纪念馆开展“沉浸式”党史学习教育",
        at(date(2021, 4, 23), 8, 30),
        hours=5,
        place="豫西抗日纪念馆",
        expected=36,
        present=36,
        summary="矿山街道组织党员干部职工36人到豫西抗日纪念馆开展“沉浸式”党史学习教育，"
        "聆听革命先烈的英雄故事，接受党性再教育。",
        is_highlight=True,
        highlight_citation="上街区矿山街道组织党员干部职工36人，到豫西抗日纪念馆开展“沉浸式”党史学习教育，"
        "聆听革命先烈的英雄故事，接受党性再教育，把红色资源转化为党员干部干事创业的精神动力。",
    ),
    _seed(
        "longzihu-film",
        ("郑东新区", "龙子湖街道"),
        K.FILM,
        "组织党员干部观看电影《1921》",
        at(date(2021, 7, 9), 14, 30),
        hours=2.5,
        place="影院",
        topic="献礼建党100周年电影《1921》",
        expected=58,
        present=55,
        on_leave=3,
        summary="龙子湖街道组织党员干部观看献礼建党100周年电影《1921》，引导党员干部进一步坚定理想信念、"
        "赓续红色基因。",
        is_highlight=True,
        highlight_citation="郑东新区龙子湖街道组织党员干部观看献礼建党100周年电影《1921》，在光影中重温"
        "中国共产党创建的伟大历程，引导党员干部进一步坚定理想信念、赓续红色基因。",
    ),
    _seed(
        "zhengfei-online-theme-day",
        OPEN_THEME_DAY,
        K.THEME_DAY,
        "线上主题党日：学习“七一”重要讲话",
        at(date(2021, 7, 6), 19, 30),
        mode=Mode.ONLINE,
        place="党员微信群",
        topic="推送《牢记初心使命，交出新的更加优异答卷》等学习内容",
        first_agenda=True,
        first_agenda_content="学习" + JULY_FIRST_SPEECH,
        expected=32,
        present=29,
        on_leave=3,
        summary="郑飞社区通过党员微信群组织线上主题党日，推送《牢记初心使命，交出新的更加优异答卷》等学习内容。"
        "党员们认真学习后线上发表意见，分享学习感悟。",
        is_highlight=True,
        highlight_citation="二七区人和路街道郑飞社区组织线上主题党日，通过党员微信群，推送《牢记初心使命，"
        "交出新的更加优异答卷》等学习内容。党员们认真学习后线上发表意见，分享学习感悟，"
        "线上线下载体相结合，让行动不便的老党员也能“不掉队”。",
    ),
    _seed(
        "dongfenglu-stool-troupe",
        ("中牟县", "东风路街道"),
        K.MASS_CULTURE,
        "“小板凳”上讲党史：红色宣讲进小区",
        at(date(2021, 5, 16), 19, 0),
        hours=1.5,
        place="居民楼前、街角游园",
        host="“小板凳”红色宣讲团",
        expected=0,
        present=85,
        summary="“小板凳”红色宣讲团带着一个个生动的革命故事来到居民楼前、走进街角游园，"
        "让中国共产党的百年沧桑与巨变在居民心中再次重现。",
        is_highlight=True,
        highlight_citation="“小板凳”上讲党史、社区游园中唱红歌。在中牟县东风路街道，“小板凳”红色宣讲团带着"
        "一个个生动的革命故事来到居民楼前、走进街角游园，饱含深情的讲述让中国共产党的百年沧桑与巨变"
        "在居民心中再次重现。",
    ),
    _seed(
        "dongfenglu-happy-sunday",
        ("中牟县", "东风路街道"),
        K.MASS_CULTURE,
        "红色文艺轻骑兵·快乐星期天：讲党史故事、唱红歌、跳广场舞",
        at(date(2021, 6, 20), 19, 0),
        hours=2,
        place="街角游园",
        present=160,
        summary="街道开展红色文艺轻骑兵、快乐星期天、讲党史故事、唱红歌、广场舞等形式多样的群众性思想文化活动，"
        "激发群众参与的热情，凝聚人心。",
    ),
    _seed(
        "dongfenglu-stool-talk",
        ("中牟县", "东风路街道"),
        K.DISCUSSION_MEETING,
        "“小板凳恳谈会”：党员群众坐下来拉家常、议实事",
        at(date(2021, 8, 14), 19, 30),
        hours=1.5,
        place="居民楼前",
        present=40,
        summary="党员、居民代表围坐小板凳，听党史故事，谈身边难事，收集加装电梯、停车难等诉求，"
        "转入“我为群众办实事”项目清单。",
        status=ActivityStatus.SUBMITTED,
    ),
    _seed(
        "shangjie-stool-talk",
        ("上街区",),
        K.DISCUSSION_MEETING,
        "“小板凳恳谈会”推动党史宣讲向基层延伸",
        at(date(2021, 9, 10), 19, 0),
        hours=1.5,
        place="社区游园",
        present=52,
        summary="上街区通过“小板凳恳谈会”推动党史宣讲向基层、向群众延伸，宣讲员与群众面对面交流。",
    ),
)


# ---------------------------------------------------------------- the whole plan


def plan_all(specs: list[OrgSpec], secretaries: dict[str, str]) -> list[Planned]:
    """Every record of the demo, in a fixed order; `secretaries` maps codes to the 书记's name."""
    records: list[Planned] = []
    open_code, returned_code = _code_at(specs, OPEN_THEME_DAY), _code_at(specs, RETURNED)
    for spec in specs:
        if spec.code == ROOT_CODE:
            continue
        plan = Plan(spec, secretaries.get(spec.code, ""), pace_of(spec.code))
        if spec.category == Category.DISTRICT:
            plan_district(plan)
        elif spec.category in (Category.MUNICIPAL_UNIT, Category.ENTERPRISE, Category.INSTITUTION):
            plan_unit(plan)
        elif spec.category in (Category.STREET, Category.TOWNSHIP):
            plan_subdistrict(plan)
        else:
            plan_grassroots(plan, skip_first_half=spec.code == open_code, returned=spec.code == returned_code)
        records.extend(plan.records)
    for record in SEED_RECORDS:
        records.append(replace(record.planned, org=_code_at(specs, record.path)))
    return records


def _code_at(specs: list[OrgSpec], path: tuple[str, ...]) -> str:
    code = ROOT_CODE
    for name in path:
        code = code_of(specs, name, code)
    return code


def secretaries_of(org_ids: dict[str, int]) -> dict[str, str]:
    """code → name of the organisation's 书记 (the first of its roster)."""
    by_id = {pk: code for code, pk in org_ids.items()}
    names: dict[str, str] = {}
    rows = (
        Person.objects.filter(organization_id__in=list(by_id), position="书记")
        .order_by("organization_id", "sort_order", "pk")
        .values_list("organization_id", "name")
    )
    for org_id, name in rows:
        names.setdefault(by_id[org_id], name)
    return names


def ensure_activities(campaign_id: int, specs: list[OrgSpec], orgs: dict[str, tuple], tally) -> None:
    """Create the planned records whose key is missing; `orgs` maps code → (id, path)."""
    keys = set(
        Activity.objects.filter(external_key__startswith=KEY_PREFIX).values_list("external_key", flat=True)
    )
    planned = plan_all(specs, secretaries_of({code: pk for code, (pk, _path) in orgs.items()}))
    missing = [record for record in planned if record.key not in keys]
    tally.present = len(planned) - len(missing)
    if not missing:
        return
    reviewers = dict(
        User.objects.filter(username__in={CITY_REVIEWER, *REVIEWERS.values()}).values_list("username", "pk")
    )
    Activity.objects.bulk_create(
        (_activity(record, campaign_id, orgs, reviewers) for record in missing), batch_size=BATCH_SIZE
    )
    tally.created = len(missing)


def reviewer_of(code: str) -> str | None:
    """Who verifies a record of the organisation `code`: the level above (orgs.permissions).
    A district's office verifies what lies below its district, the city's office the
    districts themselves and the rest of the city; nobody in the demo is above the city,
    so the city committee's own records stay submitted."""
    if code == ROOT_CODE:
        return None
    district = district_key(code)
    if district in REVIEWERS and code != f"{ROOT_CODE}-{district}":
        return REVIEWERS[district]
    return CITY_REVIEWER


def _activity(record: Planned, campaign_id: int, orgs: dict[str, tuple], reviewers: dict) -> Activity:
    org_id, path = orgs[record.org]
    fields = {
        name: getattr(record, name)
        for name in (
            "kind", "title", "topic", "starts_at", "place", "mode", "host", "speaker", "first_agenda",
            "first_agenda_content", "expected", "present", "on_leave", "absent", "summary", "status",
            "return_reason", "is_highlight", "highlight_citation",
        )
    }  # fmt: skip
    ends_at = record.starts_at + timedelta(hours=record.hours)
    submitted_at = verified_at = verified_by = None
    reviewer = reviewer_of(record.org)
    if record.status == ActivityStatus.VERIFIED and reviewer is None:
        fields["status"] = ActivityStatus.SUBMITTED
    if fields["status"] != ActivityStatus.DRAFT:
        submitted_at = ends_at.replace(hour=17, minute=0) + timedelta(days=1)
    if fields["status"] == ActivityStatus.VERIFIED:
        verified_at = submitted_at + timedelta(days=2)
        verified_by = reviewers.get(reviewer) or reviewers.get(CITY_REVIEWER)
    return Activity(
        organization_id=org_id,
        org_path=path,
        campaign_id=campaign_id,
        external_key=record.key,
        ends_at=ends_at,
        submitted_at=submitted_at,
        verified_at=verified_at,
        verified_by_id=verified_by,
        **fields,
    )
