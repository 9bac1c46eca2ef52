"""A refusal of the ledger's services is shown beside the field it is about, on the form."""

import re

from django.urls import reverse

from xuejiao.ledger.models import Activity

from .test_activity_pages import form_data


def feedback_after(html: str, name: str) -> list[str]:
    """The error messages shown under the form field called `name`."""
    block = re.search(rf'name="{name}".*?(?=<div class="mb-3"|</form>)', html, re.S)
    return re.findall(r'<div class="invalid-feedback d-block">([^<]*)</div>', block.group(0)) if block else []


def test_too_many_attendees_is_said_beside_the_present_count(tree, client_for):
    response = client_for("zhengfei_operator").post(
        reverse("ledger:activity_create"), form_data(expected="10", present="18", title="人数不对的主题党日")
    )
    assert response.status_code == 200
    assert any(
        "超过应到人数10人" in message for message in feedback_after(response.content.decode(), "present")
    )
    assert not Activity.objects.exists()
