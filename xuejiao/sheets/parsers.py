"""Cell parsers: turn what people actually type into Python values, or say why not.

A parser takes one non-blank cell value as python-calamine returns it (str, float, int,
bool, date, datetime) and returns the Python value, or raises CellError with a reason the
user can act on. Blank cells never reach a parser: the reader handles them (required
columns report them, optional ones take the column's default).

Text is normalised with NFKC first, so full-width digits and punctuation typed with a
Chinese input method ("１２", "２０２１／３／２") read like their half-width forms.
"""

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _


class CellError(ValueError):
    """A cell that cannot be read; the message is shown to the user as it is."""


Parser = Callable[[object], object]

# Excel counts days from 1899-12-30 (its serial 60 is the 29 February 1900 that never was,
# which a date cell reads as 1900-02-28, and an empty date cell reads as 1900-01-00). Every
# date, typed or from a date cell or a serial, must lie in settings.PLAUSIBLE_DATE_RANGE, which
# leaves those behind, and with them 20210302 typed as a number.
EXCEL_EPOCH = dt.date(1899, 12, 30)

DATE_SEPARATED = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
DATE_CHINESE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?")
# "12", "-3", and "12.0" (a whole number saved as text by another program).
INTEGER_TEXT = re.compile(r"[+-]?\d+(?:\.0*)?")

INT_MIN, INT_MAX = -(2**31), 2**31 - 1


def normalise(text: str) -> str:
    """Full-width forms to half-width, surrounding spaces (also U+3000) removed."""
    return unicodedata.normalize("NFKC", text).strip()


def show(value) -> str:
    """A cell value as the user typed it, for an error message."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- dates -------------------------------------------------------------------------------


def plausible_dates() -> tuple[dt.date, dt.date]:
    from django.conf import settings

    return settings.PLAUSIBLE_DATE_RANGE


def plausible(day: dt.date, value) -> dt.date:
    """The day, if it lies in the plausible range; else a refusal naming the range."""
    first, last = plausible_dates()
    if first <= day <= last:
        return day
    if isinstance(value, dt.date) and day < dt.date(1900, 3, 1):
        # What Excel shows for an empty date cell or serials up to 60 (its 1900-02-29).
        raise CellError(
            _(
                "The date cell holds %(value)s, an Excel date that stands for no real day (often an "
                "empty or mistyped date cell); dates from %(first)s to %(last)s are accepted."
            )
            % {"value": show(value), "first": first.isoformat(), "last": last.isoformat()}
        )
    raise CellError(
        _("The date %(value)s is outside the accepted range: dates from %(first)s to %(last)s are accepted.")
        % {"value": show(value), "first": first.isoformat(), "last": last.isoformat()}
    )


def parse_date(value) -> dt.date:
    """2021-03-02, 2021/3/2, 2021.3.2, 2021年3月2日, an Excel date cell or serial number,
    in settings.PLAUSIBLE_DATE_RANGE."""
    if isinstance(value, dt.datetime):
        return plausible(value.date(), value)
    if isinstance(value, dt.date):
        return plausible(value, value)
    if isinstance(value, bool):
        raise CellError(_unrecognised_date(value))
    if isinstance(value, int | float):
        return _from_serial(value)
    text = normalise(str(value))
    match = DATE_SEPARATED.fullmatch(text)
    if match:
        year, month, day = match.group(1), match.group(3), match.group(4)
    else:
        match = DATE_CHINESE.fullmatch(text)
        if not match:
            raise CellError(_unrecognised_date(value))
        year, month, day = match.groups()
    year, month, day = int(year), int(month), int(day)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise CellError(_unrecognised_date(value))
    try:
        day_read = dt.date(year, month, day)
    except ValueError:
        raise CellError(
            _("The date “%(value)s” does not exist: that month has no day %(day)d.")
            % {"value": show(value), "day": day}
        ) from None
    return plausible(day_read, value)


def _unrecognised_date(value) -> str:
    return _("The date “%(value)s” is not recognised; write it like 2021-03-02.") % {"value": show(value)}


def _from_serial(number: float) -> dt.date:
    first, last = plausible_dates()
    if not ((first - EXCEL_EPOCH).days <= number < (last - EXCEL_EPOCH).days + 1):
        raise CellError(
            _("The number %(value)s is not an Excel date; write the date like 2021-03-02.")
            % {"value": show(number)}
        )
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


# --- numbers, booleans, text ---------------------------------------------------------------


def parse_int(value, minimum: int = INT_MIN, maximum: int = INT_MAX) -> int:
    """Whole numbers, as numbers or as text ("12", "１２", " 12 ")."""
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": show(value)})
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": show(value)})
        number = int(value)
    elif isinstance(value, int):
        number = value
    else:
        text = normalise(str(value)).replace(",", "")
        if not INTEGER_TEXT.fullmatch(text):
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": show(value)})
        number = int(text.split(".")[0])
    if not minimum <= number <= maximum:
        raise CellError(
            _("%(value)s is out of range: it must be between %(min)d and %(max)d.")
            % {"value": number, "min": minimum, "max": maximum}
        )
    return number


def integer(minimum: int = INT_MIN, maximum: int = INT_MAX) -> Parser:
    return lambda value: parse_int(value, minimum, maximum)


YES = {"是", "yes", "y", "true", "√"}
NO = {"否", "no", "n", "false", "×"}


def parse_bool(value) -> bool:
    """是 / 否 (and Yes / No, TRUE / FALSE cells)."""
    if isinstance(value, bool):
        return value
    text = normalise(show(value)).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(_("Write “Yes” or “No”, not “%(value)s”.") % {"value": show(value)})


def text(max_length: int) -> Parser:
    """Free text of at most max_length characters; a number typed in it reads as its digits."""

    def parse(value) -> str:
        if isinstance(value, bool):
            raise CellError(_("Enter text here, not “%(value)s”.") % {"value": show(value)})
        result = normalise(show(value)) if not isinstance(value, str) else value.strip()
        if len(result) > max_length:
            raise CellError(
                _("Too long: at most %(max)d characters, this has %(length)d.")
                % {"max": max_length, "length": len(result)}
            )
        return result

    return parse


def all_labels(label) -> set[str]:
    """A (lazily translated) label in every language of the site, normalised."""
    from django.conf import settings
    from django.utils import translation

    texts = {normalise(str(label))}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts.add(normalise(str(label)))
    return texts


def choice(options: Iterable[tuple[str, object]]) -> Parser:
    """One of a list of (value, label): the label shown in the drop-down, in any language of
    the site, or the stored value itself."""
    options = list(options)
    table = {}
    for stored, label in options:
        for text_value in all_labels(label):
            table.setdefault(text_value, stored)
    for stored, _label in options:
        table.setdefault(stored, stored)

    def parse(value):
        found = table.get(normalise(show(value)))
        if found is None:
            raise CellError(
                _(
                    "“%(value)s” is not one of the allowed values; pick one from the drop-down list: "
                    "%(allowed)s."
                )
                % {"value": show(value), "allowed": "、".join(str(label) for _stored, label in options)}
            )
        return found

    return parse


LIST_SEPARATORS = re.compile(r"[,，、;；]")


def split_list(value) -> list[str]:
    """ "教育、卫健" or "教育,卫健" → ["教育", "卫健"]."""
    return [part.strip() for part in LIST_SEPARATORS.split(normalise(show(value))) if part.strip()]
