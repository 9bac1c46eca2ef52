from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for pagination links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


@register.filter
def add_class(field, css):
    """Render a form field with extra CSS classes (and is-invalid when it has errors)."""
    classes = css + (" is-invalid" if field.errors else "")
    return field.as_widget(attrs={"class": classes})
