"""Status badges and progress bars of the completion pages."""

from django import template
from django.utils.html import format_html

from ..queries import Status

register = template.Library()

BADGE_CLASSES = {
    Status.DONE: "bg-green-lt",
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


def level(percent: float) -> str:
    """A colour for a completion rate: green when complete, then blue, yellow, red."""
    if percent >= 100:
        return "green"
    if percent >= 60:
        return "blue"
    if percent >= 30:
        return "yellow"
    return "red"


@register.filter
def heat(figures) -> str:
    """Background class of a matrix cell."""
    if not figures.applicable:
        return ""
    return f"bg-{level(figures.percent)}-lt"


@register.inclusion_tag("campaigns/_progress.html")
def progress_bar(figures, label: str = ""):
    """`figures` is a queries.Figures or a category_percentages row (a dict with "percent")."""
    percent = figures["percent"] if isinstance(figures, dict) else figures.percent
    return {
        "percent": percent,
        # A CSS width must not be localised ("50,5%" is no width).
        "width": f"{min(percent, 100):.1f}",
        "colour": level(percent),
        "figures": figures,
        "label": label,
    }
