"""The campaign page names only the organisations inside the viewer's scope."""

from datetime import date

from django.urls import reverse

from xuejiao.campaigns import services
from xuejiao.ledger.models import ActivityKind


def test_an_action_names_only_the_organisations_the_viewer_sees(personas, tree, client_for):
    campaign = services.create_campaign(
        actor=personas["city_admin"],
        root=tree.city,
        name="党史学习教育",
        starts_on=date(2021, 3, 1),
        ends_on=date(2021, 12, 31),
    )
    services.save_action(
        actor=personas["city_admin"],
        campaign=campaign,
        title="试点单位开展主题党日",
        activity_kinds=[ActivityKind.THEME_DAY],
        due_date=date(2021, 6, 30),
        explicit_orgs=[tree.zhengfei, tree.zhongyuan_street, tree.school],
    )
    url = reverse("campaigns:detail", args=[campaign.pk])
    erqi = client_for("erqi_admin").get(url).content.decode()
    assert "郑飞社区" in erqi
    assert "林山寨街道" not in erqi and "郑州市第一中学" not in erqi
    assert "及范围外2个单位" in erqi
    city = client_for("city_admin").get(url).content.decode()
    assert all(name in city for name in ("郑飞社区", "林山寨街道", "郑州市第一中学"))
    assert "范围外" not in city
    zhongyuan = client_for("zhongyuan_admin").get(url).content.decode()
    assert "林山寨街道" in zhongyuan and "郑飞社区" not in zhongyuan
    # A viewer who sees none of them learns only how many there are.
    lecturer = client_for("lecturer1").get(url).content.decode()
    assert not any(name in lecturer for name in ("郑飞社区", "林山寨街道", "郑州市第一中学"))
    assert "仅限范围外3个单位" in lecturer
