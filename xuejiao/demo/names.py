"""Plausible Chinese names, phone numbers and Party rosters, drawn from a seeded generator.

Every function takes a `random.Random`, so the same seed always gives the same people.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# Common surnames, the most frequent (in Henan) first and repeated to weight them.
_FREQUENT_SURNAMES = "王李张刘陈杨赵郭孙马周吴朱高徐胡"
_OTHER_SURNAMES = (
    "黄林何罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚"
    "谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹常武乔贺申牛聂樊岳翟耿葛司闫"
)
SURNAMES = _FREQUENT_SURNAMES * 4 + _OTHER_SURNAMES

MALE_CHARACTERS = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆旭宁龙林阳东亮峰建国志海振清新文博晨铭航"
FEMALE_CHARACTERS = "芳娜敏静丽艳娟霞燕玲婷雪琳晶颖洁慧莹倩红梅丹萍璐佳欣悦雯媛琪瑶珊蕾璇露月秀桂英兰凤"

# 11-digit mobile numbers: three-digit prefixes of the 13x, 15x and 18x ranges.
PHONE_PREFIXES = tuple(
    [f"13{d}" for d in range(10)] + [f"15{d}" for d in "012356789"] + [f"18{d}" for d in range(10)]
)

# Positions of a Party organisation's committee, in roster order; everyone after them
# is an ordinary member (or, now and then, an activist or a non-member staff member).
COMMITTEE_POSITIONS = ("书记", "副书记", "组织委员", "宣传委员", "纪检委员")
MEMBER = "党员"
NON_MEMBER_POSITIONS = ("入党积极分子", "群众")


@dataclass(frozen=True)
class PersonData:
    name: str
    gender: str
    phone: str
    is_party_member: bool
    position: str
    sort_order: int


def person_name(rng: random.Random, gender: str) -> str:
    characters = MALE_CHARACTERS if gender == "M" else FEMALE_CHARACTERS
    given = rng.choice(characters)
    if rng.random() < 0.7:
        given += rng.choice(characters)
    return rng.choice(SURNAMES) + given


def phone_number(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"


def roster(rng: random.Random, size: int, start: int = 1) -> list[PersonData]:
    """`size` people of one organisation: its committee first, then members."""
    people = []
    for index in range(size):
        position_index = start - 1 + index
        gender = "M" if rng.random() < 0.55 else "F"
        if position_index < len(COMMITTEE_POSITIONS):
            position, member = COMMITTEE_POSITIONS[position_index], True
        elif rng.random() < 0.12:
            position, member = rng.choice(NON_MEMBER_POSITIONS), False
        else:
            position, member = MEMBER, True
        people.append(
            PersonData(
                name=person_name(rng, gender),
                gender=gender,
                phone=phone_number(rng),
                is_party_member=member,
                position=position,
                sort_order=start + index,
            )
        )
    return people


_DIGITS = "零一二三四五六七八九"


def chinese_number(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 35 → 三十五; larger numbers stay in Arabic digits."""
    if number < 10:
        return _DIGITS[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
    return str(number)
