"""The organisation picker keeps a posted value as data: it never becomes script."""

from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string

HOSTILE = [
    "'); alert(1);//",
    "', label: alert(1), x: '",
    '"><script>alert(1)</script>',
    "</script><script>alert(1)</script>",
    "\\'); alert(1);//",
    "${alert(1)}` + alert(1) + `",
]


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def parsed(html):
    parser = Elements()
    parser.feed(html)
    return parser.elements


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_posted_value_stays_data(value):
    html = render_to_string(
        "partials/org_picker.html",
        {
            "picker_name": "home_organization",
            "picker_value": value,
            "picker_label": value,
            "picker_mode": "manage",
        },
    )
    elements = parsed(html)
    assert "script" not in [tag for tag, _attrs in elements]
    (picker,) = [attrs for tag, attrs in elements if "app-org-picker" in attrs.get("class", "")]
    # The expression Alpine evaluates holds nothing of the value ...
    assert "alert" not in picker["x-data"]
    for attrs in (attrs for _tag, attrs in elements):
        for name, text in attrs.items():
            if name.startswith(("x-", "@", ":")):
                assert "alert" not in (text or ""), name
    # ... which reaches the picker whole, as text.
    assert picker["data-id"] == value
    assert picker["data-label"] == value
