"""What input the platform takes at all, whichever way it comes in (pages, API).

A value outside these bounds is refused with a clear message before it reaches a query:
an id or offset past what the database's 64-bit integers hold raises in the database
driver (a 500), a date at the edge of the calendar overflows when a day is added or the
time zone is applied, and a count of a billion people or a year 9999 is a typing mistake
worth saying so. Page forms use them through xuejiao.core.formfields, the API's schemas
through xuejiao.api.types.
"""

from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _

# Row ids are 64-bit (BigAutoField).
MAX_ID = 2**63 - 1
# Sort orders and similar small numbers are stored in 32-bit columns.
MAX_SMALL_INT = 2**31 - 1
# How many people can plausibly be expected at, present at, on leave from or absent from
# one activity; anything larger is a typing mistake.
MAX_PEOPLE = 100_000
# How far into a list a page may start: beyond any list the platform holds (the ledger of
# a whole city is a few million rows).
MAX_OFFSET = 100_000_000


def plausible_dates() -> tuple[date, date]:
    """The first and last day any date entered may take (settings.PLAUSIBLE_DATE_RANGE)."""
    first, last = settings.PLAUSIBLE_DATE_RANGE
    return first, last


def date_refusal(day: date) -> str | None:
    """Why `day` is refused, or None when it lies in the plausible range."""
    first, last = plausible_dates()
    if first <= day <= last:
        return None
    return _("The date %(day)s is outside the range accepted, %(first)s to %(last)s.") % {
        "day": day.isoformat(),
        "first": first.isoformat(),
        "last": last.isoformat(),
    }


def text_refusal(text: str) -> str | None:
    """Why `text` is refused, or None. A NUL character cannot be stored (PostgreSQL refuses
    it) and never comes from a keyboard."""
    if "\x00" in text:
        return _("The text contains a NUL character (\\x00), which cannot be stored; remove it.")
    return None
