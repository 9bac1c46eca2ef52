from xuejiao.core import worklist
from xuejiao.core.worklist import WorkItem


def test_items_come_from_every_provider_urgent_first(monkeypatch):
    monkeypatch.setattr(worklist, "_providers", [])

    def reviews(user):
        return [WorkItem("review", "待审核", 3, "/r/")]

    def overdue(user):
        return [WorkItem("due", "即将到期", 2, "/d/"), WorkItem("overdue", "已逾期", 1, "/o/", urgent=True)]

    worklist.register(overdue, order=20)
    worklist.register(reviews, order=10)
    worklist.register(reviews, order=10)  # a second ready() adds nothing

    assert [item.key for item in worklist.items_for(object())] == ["overdue", "review", "due"]
