"""The 16 county-level areas of Zhengzhou with some of their streets and townships.

Real names throughout; the communities and villages not named in the seed article are
drawn from the stems below. Order matters: codes are assigned by position, so new
entries go at the end of a list, never in the middle.
"""

from dataclasses import dataclass, field

from xuejiao.orgs.models import Kind


@dataclass(frozen=True)
class District:
    key: str  # stable part of the code: ZZ-<key>
    name: str
    short_name: str
    kind: str
    subdistricts: tuple[str, ...]  # 街道 (street) or 镇/乡 (township), by name suffix
    grassroots: dict[str, tuple[str, ...]] = field(default_factory=dict)  # named communities/villages


DISTRICTS: tuple[District, ...] = (
    District(
        "D01",
        "中原区",
        "",
        Kind.PARTY_COMMITTEE,
        ("林山寨街道", "建设路街道", "棉纺路街道", "秦岭路街道", "桐柏路街道", "须水街道"),
    ),
    District(
        "D02",
        "二七区",
        "",
        Kind.PARTY_COMMITTEE,
        ("人和路街道", "淮河路街道", "解放路街道", "铭功路街道", "五里堡街道", "大学路街道"),
        {"人和路街道": ("郑飞社区", "人和路社区", "兴华南街社区")},
    ),
    District(
        "D03",
        "管城回族区",
        "",
        Kind.PARTY_COMMITTEE,
        ("东大街街道", "南关街道", "城东路街道", "北下街街道", "航海东路街道"),
    ),
    District(
        "D04",
        "金水区",
        "",
        Kind.PARTY_COMMITTEE,
        ("经八路街道", "花园路街道", "人民路街道", "杜岭街道", "南阳路街道", "文化路街道"),
    ),
    District(
        "D05",
        "上街区",
        "",
        Kind.PARTY_COMMITTEE,
        ("矿山街道", "济源路街道", "中心路街道", "新安路街道", "工业路街道"),
    ),
    District(
        "D06",
        "惠济区",
        "",
        Kind.PARTY_COMMITTEE,
        ("新城街道", "长兴路街道", "迎宾路街道", "刘寨街道"),
    ),
    District(
        "D07",
        "中牟县",
        "",
        Kind.PARTY_COMMITTEE,
        ("东风路街道", "青年路街道", "官渡镇", "韩寺镇", "雁鸣湖镇", "狼城岗镇"),
    ),
    District(
        "D08",
        "巩义市",
        "",
        Kind.PARTY_COMMITTEE,
        ("孝义街道", "回郭镇", "竹林镇", "站街镇", "米河镇"),
    ),
    District(
        "D09",
        "荥阳市",
        "",
        Kind.PARTY_COMMITTEE,
        ("索河街道", "京城路街道", "豫龙镇", "广武镇", "汜水镇"),
    ),
    District(
        "D10",
        "新密市",
        "",
        Kind.PARTY_COMMITTEE,
        ("青屏街街道", "超化镇", "大隗镇", "曲梁镇", "岳村镇"),
    ),
    District(
        "D11",
        "新郑市",
        "",
        Kind.PARTY_COMMITTEE,
        ("新建路街道", "龙湖镇", "孟庄镇", "郭店镇", "辛店镇"),
    ),
    District(
        "D12",
        "登封市",
        "",
        Kind.PARTY_COMMITTEE,
        ("告成镇", "嵩阳街道", "少林街道", "大金店镇", "卢店镇"),
        {"告成镇": ("告成村", "八方村", "曲河村", "东沟村")},
    ),
    District(
        "D13",
        "郑东新区",
        "",
        Kind.WORKING_COMMITTEE,
        ("龙子湖街道", "如意湖街道", "博学路街道", "祭城路街道", "商都路街道"),
    ),
    District(
        "D14",
        "郑州经济技术开发区",
        "经开区",
        Kind.DEVELOPMENT_ZONE,
        ("明湖街道", "潮河街道", "京航街道", "九龙街道"),
    ),
    District(
        "D15",
        "郑州高新技术产业开发区",
        "高新区",
        Kind.DEVELOPMENT_ZONE,
        ("石佛街道", "沟赵街道", "枫杨街道", "梧桐街道", "双桥街道"),
    ),
    District(
        "D16",
        "郑州航空港经济综合实验区",
        "航空港区",
        Kind.DEVELOPMENT_ZONE,
        ("新港街道", "银河街道", "滨河街道", "明港街道"),
    ),
)

# Stems for the communities (…社区) and villages (…村) that the article does not name.
COMMUNITY_STEMS = (
    "建新", "和平", "幸福", "光明", "友爱", "民主", "兴华", "绿园", "春晖", "翠竹", "银杏", "碧波",
    "桃园", "金桥", "长青", "锦华", "朝阳", "新华", "康宁", "福安", "嘉园", "丰泽", "文苑", "秀水",
    "紫荆", "海棠", "凤凰", "祥和", "育才", "百合", "东明", "西站", "南苑", "北关", "工人", "铁路",
    "绿城", "天河", "安泰", "顺德", "景园", "华苑", "书香", "荷花", "星河", "万福", "瑞丰", "泰和",
)  # fmt: skip
VILLAGE_STEMS = (
    "张庄", "李寨", "王沟", "刘楼", "赵河", "孙营", "马庄", "周岗", "吴湾", "郭庄", "杨寨", "高村",
    "朱屯", "徐庄", "胡坡", "陈岗", "黄河", "石桥", "柳林", "槐树", "枣园", "杏花", "桃李", "梨园",
    "南岗", "北岭", "东坡", "西河", "前营", "后寨", "双庙", "三里", "五里", "七里", "古城", "新店",
    "大王", "小李", "白沙", "青石", "松树", "官庄", "河湾", "山口", "沟头", "岭上", "塔湾", "庙前",
)  # fmt: skip
