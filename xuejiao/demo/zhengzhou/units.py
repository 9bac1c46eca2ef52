"""The 80 municipal units and the 105 enterprises and institutions under the city.

The guidance groups of the seed article covered exactly these numbers. Codes come from
positions in these lists, so new entries go at the end and the counts stay as asserted.
"""

from dataclasses import dataclass

from xuejiao.orgs.models import Category, Kind

EDUCATION, HEALTH, STATE_ASSETS = "education", "health", "state_assets"
SYSTEMS = ((EDUCATION, "教育"), (HEALTH, "卫健"), (STATE_ASSETS, "国资"))


@dataclass(frozen=True)
class Unit:
    name: str
    short_name: str = ""
    kind: str = Kind.AGENCY
    category: str = Category.MUNICIPAL_UNIT
    systems: tuple[str, ...] = ()


def _agencies(*names: str) -> list[Unit]:
    """Names given as "full name" or "full name|short name"."""
    units = []
    for entry in names:
        name, _, short = entry.partition("|")
        units.append(Unit(name, short))
    return units


MUNICIPAL_UNITS: tuple[Unit, ...] = tuple(
    _agencies(
        "市委办公室", "市人大常委会办公厅", "市政府办公厅", "市政协办公厅", "市纪委监委机关",
        "市委组织部", "市委宣传部", "市委统战部", "市委政法委", "市委政策研究室",
        "市委网络安全和信息化委员会办公室|市委网信办", "市委机构编制委员会办公室|市委编办",
        "市直机关工委", "市委党校", "市委老干部局", "市委党史研究室", "市信访局",
        "市发展和改革委员会|市发改委",
    )
    + [Unit("市教育局", kind=Kind.LEADING_GROUP, systems=(EDUCATION,))]
    + _agencies(
        "市科学技术局|市科技局", "市工业和信息化局|市工信局", "市民族宗教事务委员会|市民宗委",
        "市公安局", "市民政局", "市司法局", "市财政局", "市人力资源和社会保障局|市人社局",
        "市自然资源和规划局", "市生态环境局", "市住房保障和房地产管理局|市住房局", "市城乡建设局",
        "市城市管理局", "市交通运输局", "市水利局", "市农业农村工作委员会|市农委", "市商务局",
        "市文化广电和旅游局|市文广旅局",
    )
    + [Unit("市卫生健康委员会", "市卫健委", kind=Kind.LEADING_GROUP, systems=(HEALTH,))]
    + _agencies("市退役军人事务局", "市应急管理局", "市审计局")
    + [Unit("市人民政府国有资产监督管理委员会", "市国资委", kind=Kind.LEADING_GROUP, systems=(STATE_ASSETS,))]
    + _agencies(
        "市市场监督管理局|市市场监管局", "市体育局", "市统计局", "市医疗保障局|市医保局", "市园林局",
        "市外事办公室|市外办", "市人民防空办公室|市人防办", "市大数据管理局",
        "市地方金融监督管理局|市金融局", "市机关事务管理局", "市粮食和物资储备局", "市投资促进局",
        "市政务服务办公室|市政务办", "市林业局", "市中级人民法院|市中院", "市人民检察院|市检察院",
        "市总工会", "团市委", "市妇女联合会|市妇联", "市科学技术协会|市科协",
        "市文学艺术界联合会|市文联", "市社会科学界联合会|市社科联", "市残疾人联合会|市残联",
        "市红十字会", "市工商业联合会|市工商联", "市归国华侨联合会|市侨联", "市供销合作社",
        "市公共资源交易中心", "市住房公积金管理中心", "市档案馆", "市地方史志办公室",
        "市消防救援支队", "市气象局", "市委机要保密局", "市政府研究室",
        "市南水北调工程运行保障中心", "市文物局", "市委巡察工作领导小组办公室|市委巡察办",
    )
)  # fmt: skip


def _many(names: str, **fields) -> list[Unit]:
    return [Unit(name, **fields) for name in names.split()]


_SCHOOL = {"kind": Kind.SCHOOL, "category": Category.INSTITUTION, "systems": (EDUCATION,)}
_HOSPITAL = {"kind": Kind.HOSPITAL, "category": Category.INSTITUTION, "systems": (HEALTH,)}
_HEALTH_BODY = {"kind": Kind.INSTITUTION, "category": Category.INSTITUTION, "systems": (HEALTH,)}
_SOE = {"kind": Kind.ENTERPRISE, "category": Category.ENTERPRISE, "systems": (STATE_ASSETS,)}
_COMPANY = {"kind": Kind.ENTERPRISE, "category": Category.ENTERPRISE}
_INSTITUTION = {"kind": Kind.INSTITUTION, "category": Category.INSTITUTION}

ENTERPRISES_AND_INSTITUTIONS: tuple[Unit, ...] = tuple(
    _many(
        "郑州市第一中学 郑州市第二中学 郑州市第三中学 郑州市第四中学 郑州市第五中学 郑州市第七中学 "
        "郑州市第八中学 郑州市第九中学 郑州市第十一中学 郑州市第十二中学 郑州市第十九中学 "
        "郑州市第四十七中学 郑州市第一〇二高级中学 郑州市第一〇六高级中学 郑州外国语学校 "
        "郑州市回民中学 郑州市第二外国语中学 郑州师范学院 郑州工程技术学院 郑州幼儿师范高等专科学校 "
        "郑州市财贸学校 郑州市科技工业学校 郑州市电子信息工程学校 郑州市商业技师学院 "
        "郑州市国防科技学校 郑州市特殊教育学校",
        **_SCHOOL,
    )
    + _many(
        "郑州市第一人民医院 郑州市第二人民医院 郑州市第三人民医院 郑州市第六人民医院 "
        "郑州市第七人民医院 郑州市第八人民医院 郑州市第九人民医院 郑州市中心医院 郑州市中医院 "
        "郑州人民医院 郑州市妇幼保健院 郑州市儿童医院 郑州市骨科医院 郑州市口腔医院 "
        "郑州市大肠肛门病医院 郑州市颈肩腰腿痛医院",
        **_HOSPITAL,
    )
    + _many("郑州市疾病预防控制中心 郑州市紧急医疗救援中心 郑州市中心血站", **_HEALTH_BODY)
    + _many(
        "郑州公交集团 郑州地铁集团 郑州投资控股有限公司 郑州发展投资集团 郑州城市发展集团 "
        "郑州交通发展投资集团 郑州水务集团 郑州热力集团 郑州燃气集团 郑州市建设投资集团 "
        "郑州市住房保障投资集团 郑州粮食批发市场有限公司 郑州国际陆港开发建设有限公司 "
        "郑州市市政工程总公司 郑州市公路工程公司 郑州文化旅游投资集团 郑州农业发展投资集团 "
        "郑州国际会展有限责任公司 郑州银行 郑州市公用事业投资发展集团 郑州中原铁道建设投资公司 "
        "郑州航空港兴港投资集团",
        **_SOE,
    )
    + _many(
        "宇通客车股份有限公司 郑州三全食品股份有限公司 思念食品有限公司 好想你健康食品股份有限公司 "
        "安图生物工程股份有限公司 汉威科技集团 郑州煤矿机械集团 中铁工程装备集团 郑州日产汽车有限公司 "
        "鸿富锦精密电子（郑州）有限公司 郑州丹尼斯百货有限公司 郑州大信家居有限公司 "
        "蜜雪冰城股份有限公司 郑州信大捷安信息技术有限公司 郑州新开普电子股份有限公司",
        **_COMPANY,
    )
    + _many(
        "郑州博物馆 郑州图书馆 郑州市科学技术馆 二七纪念馆 郑州市动物园 郑州植物园 郑州报业集团 "
        "郑州广播电视台 郑州市城市规划设计研究院 郑州市社会福利院 郑州市救助管理站 "
        "郑州大河村遗址博物馆 郑州商城遗址博物院 郑州市青少年宫 郑州市群众艺术馆 "
        "郑州市少年儿童图书馆 郑州市勘察测绘研究院 郑州市园林科学研究所 郑州市公证处 "
        "郑州市市政设施管理中心 郑州市环境卫生事业发展中心 郑州市城市照明灯饰管理处 "
        "郑州黄河风景名胜区管理中心",
        **_INSTITUTION,
    )
)

assert len(MUNICIPAL_UNITS) == 80, len(MUNICIPAL_UNITS)
assert len(ENTERPRISES_AND_INSTITUTIONS) == 105, len(ENTERPRISES_AND_INSTITUTIONS)
assert len({u.name for u in MUNICIPAL_UNITS + ENTERPRISES_AND_INSTITUTIONS}) == 185

# Names of the Party branches inside a unit, by the unit's kind.
BRANCH_NAMES = {
    Kind.SCHOOL: ("教工第一党支部", "教工第二党支部", "行政后勤党支部", "离退休党支部"),
    Kind.HOSPITAL: ("内科党支部", "外科党支部", "医技党支部", "行政后勤党支部"),
    Kind.ENTERPRISE: ("机关党支部", "生产运营党支部", "技术研发党支部", "市场营销党支部"),
}
DEFAULT_BRANCH_NAMES = ("机关第一党支部", "机关第二党支部", "机关第三党支部", "离退休干部党支部")
