"""Cells of the activity sheet: record numbers, date-times, campaigns, text and counts,
read the way people type them and written back the way they were read."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from xuejiao.campaigns.models import Campaign
from xuejiao.campaigns.permissions import visible_campaigns
from xuejiao.ledger.models import Activity

from .. import parsers
from ..spec import Column

KEY_PREFIX = "xj-"
OWN_NUMBER = re.compile(r"xj-(\d{1,18})", re.IGNORECASE)
KEY_MAX = Activity._meta.get_field("external_key").max_length
COUNT_MAX = 2**31 - 1


def record_key(value) -> str:
    """Any text up to 100 characters; "XJ-12" reads as the platform's own number xj-12."""
    key = parsers.normalise(parsers.show(value))
    if len(key) > KEY_MAX:
        raise parsers.CellError(
            _("Too long: at most %(max)d characters, this has %(length)d.")
            % {"max": KEY_MAX, "length": len(key)}
        )
    match = OWN_NUMBER.fullmatch(key)
    if match:
        return KEY_PREFIX + match.group(1)
    return key


TIME_COLON = re.compile(r"(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6}))?)?")
TIME_CHINESE = re.compile(r"(\d{1,2})[时点](?:(\d{1,2})分(?:(\d{1,2})秒)?)?")
TIME_AT_END = re.compile(r"(?:[\sT]+|(?<=日))(" + TIME_COLON.pattern + "|" + TIME_CHINESE.pattern + r")$")
# The form the export writes and most people type: read without the general path's regexes.
PLAIN_DATETIME = re.compile(r"(\d{4})-(\d\d)-(\d\d)(?: (\d\d):(\d\d))?")


def parse_datetime(value) -> dt.datetime:
    """A date, or a date and time: 2021-03-02, 2021-03-02 09:30, 2021/3/2 9:30:15,
    2021年3月2日 9时30分, an Excel date or date-time cell, an Excel serial with a fraction.
    A date alone means midnight. In the site's time zone (Asia/Shanghai; Xuejiao does not
    switch zones per user). Dates in settings.PLAUSIBLE_DATE_RANGE only."""
    zone = timezone.get_default_timezone()
    if value.__class__ is str:
        match = PLAIN_DATETIME.fullmatch(value)
        if match:
            year, month, day, hour, minute = match.groups()
            try:
                moment = dt.datetime(
                    int(year), int(month), int(day), int(hour or 0), int(minute or 0), tzinfo=zone
                )
            except ValueError:
                pass  # the general path says what is wrong
            else:
                parsers.plausible(moment.date(), value)
                return moment
    if isinstance(value, dt.datetime):  # a date cell: in the plausible range like a typed date
        naive = value.replace(tzinfo=None) if timezone.is_naive(value) else timezone.make_naive(value, zone)
        parsers.plausible(naive.date(), value)
    elif isinstance(value, dt.date):
        naive = dt.datetime.combine(parsers.plausible(value, value), dt.time())
    elif isinstance(value, bool | dt.time | dt.timedelta):
        raise parsers.CellError(_unrecognised(value))
    elif isinstance(value, int | float):
        day = parsers.parse_date(value)
        seconds = round((value - int(value)) * 86400)
        naive = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)
    else:
        text = parsers.normalise(str(value))
        match = TIME_AT_END.search(text)
        if match is None:
            naive = dt.datetime.combine(parsers.parse_date(text), dt.time())
        else:
            day = parsers.parse_date(text[: match.start()].strip())
            naive = dt.datetime.combine(day, _time_of(match.group(1), value))
    return naive.replace(tzinfo=zone)


def _time_of(text: str, value) -> dt.time:
    match = TIME_COLON.fullmatch(text)
    if match:
        hour, minute, second, fraction = match.groups()
    else:
        hour, minute, second = TIME_CHINESE.fullmatch(text).groups()
        fraction = None
    hour, minute, second = int(hour), int(minute or 0), int(second or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise parsers.CellError(_unrecognised(value))
    return dt.time(hour, minute, second, int((fraction or "0").ljust(6, "0")))


def _unrecognised(value) -> str:
    return _("The time “%(value)s” is not recognised; write it like 2021-03-02 09:30.") % {
        "value": parsers.show(value)
    }


def show_datetime(value: dt.datetime | None) -> str:
    """As the export writes it: local time to the minute, with seconds only when there are."""
    if value is None:
        return ""
    local = timezone.localtime(value, timezone.get_default_timezone())
    if local.microsecond:
        return local.strftime("%Y-%m-%d %H:%M:%S.%f")
    if local.second:
        return local.strftime("%Y-%m-%d %H:%M:%S")
    return local.strftime("%Y-%m-%d %H:%M")


def remembered(make_parser, limit: int = 100_000):
    """A parser that reads each distinct cell value once: a ledger repeats its organisation
    codes, kinds, modes and statuses on every row. Values are told apart by type too (1.0 is
    not True); refusals are not kept. make_parser is called at the first cell, when the site's
    translations are ready (a choice reads its labels in every language then)."""
    seen: dict = {}
    parser = None

    def parse(value):
        nonlocal parser
        key = (value.__class__, value)
        try:
            return seen[key]
        except KeyError:
            pass
        except TypeError:  # not hashable
            return (parser or make_parser())(value)
        if parser is None:
            parser = make_parser()
        result = parser(value)
        if len(seen) >= limit:
            seen.clear()
        seen[key] = result
        return result

    return parse


def campaign_choices(user=None):
    """Names of the current campaigns `user` sees (all of them for no one in particular), the
    drop-down of the template and of an export. An import checks again that the importer sees
    the campaign and that it covers the row's organisation."""
    campaigns = Campaign.objects.filter(is_archived=False)
    if user is not None:
        campaigns = visible_campaigns(user).filter(is_archived=False)
    names = campaigns.order_by("-starts_on", "-pk").values_list("name", flat=True)
    return [(name, name) for name in dict.fromkeys(names)]


def same_text(new: str, old: str | None) -> bool:
    """A cell read back from an export equals the stored text (forms strip; Excel keeps \\n)."""
    if new == old:
        return True
    return new == (old or "").replace("\r\n", "\n").strip()


def count_column(key: str, header, example="") -> Column:
    return Column(key, header, parser=parsers.integer(0, COUNT_MAX), default=0, width=8, example=example)
