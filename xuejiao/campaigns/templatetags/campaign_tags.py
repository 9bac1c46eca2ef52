"""Status badges and progress bars of the completion pages."""

from django import template
from django.utils.html import format_html

from ..queries import Status

register = template.Library()

BADGE_CLASSES = {
    Status.DONE: "bg-green-lt",
    Status.AWAITING_REVIEW: "bg-yellow-lt",
    Status.IN_PROGRESS: "bg-blue-lt",
    Status.NOT_STARTED: "bg-secondary-lt",
    Status.OVERDUE: "bg-red-lt",
    Status.NOT_APPLICABLE: "bg-transparent text-secondary",
}


@register.simple_tag
def status_badge(status: str):
    if status == Status.NOT_APPLICABLE:
        return format_html('<span class="text-secondary" title="{}">—</span>', Status.LABELS[status])
    return format_html(
        '<span class="badge {} app-status app-status-{}">{}</span>',
        BADGE_CLASSES[status],
        status,
        Status.LABELS[status],
    )


def colour(percent: float, overdue: int = 0) -> str:
    """Green when complete, red while some are overdue, blue otherwise: a low figure for an
    action that is not yet due is no alarm."""
    if percent >= 100:
        return "green"
    if overdue:
        return "red"
    return "primary"


@register.filter
def heat(figures) -> str:
    """Background class of a matrix cell: complete, overdue somewhere, under way, or nothing."""
    if not figures.applicable:
        return ""
    if figures.percent >= 100:
        return "bg-green-lt"
    if figures.overdue:
        return "bg-red-lt"
    if figures.done:
        return "bg-azure-lt"
    return ""


@register.inclusion_tag("campaigns/_progress.html")
def progress_bar(figures, label: str = ""):
    """`figures` is a queries.Figures or a category_percentages row (a dict with "percent")."""
    if isinstance(figures, dict):
        percent, overdue = figures["percent"], 0
    else:
        percent, overdue = figures.percent, figures.overdue
    return {
        "percent": percent,
        # A CSS width must not be localised ("50,5%" is no width).
        "width": f"{min(percent, 100):.1f}",
        "colour": colour(percent, overdue),
        "label": label,
    }
