import pytest

from xuejiao.demo.treepaths import PathAllocator, child_path, position_of, step
from xuejiao.orgs.models import Organization


def test_steps_are_base36_padded_to_four():
    assert [step(n) for n in (1, 2, 9, 10, 35, 36, 37, 1296)] == [
        "0001", "0002", "0009", "000A", "000Z", "0010", "0011", "0100",
    ]  # fmt: skip
    assert position_of("00010010") == 36
    with pytest.raises(OverflowError):
        step(36**4)
    with pytest.raises(ValueError):
        step(0)


@pytest.mark.parametrize("position", [1, 2, 9, 10, 11, 35, 36, 37, 100, 1295, 1296, 46655, 36**4 - 1])
def test_child_paths_match_treebeard(position):
    assert child_path("00010002", position) == Organization._get_path("00010002", 3, position)
    assert step(position) == Organization._get_path(None, 1, position)


@pytest.mark.django_db
def test_allocator_continues_after_existing_children_and_treebeard_agrees():
    root = Organization.objects.add_root({"code": "R", "name": "root"})
    for index in range(11):
        Organization.objects.add_child(root, {"code": f"R{index}", "name": f"child {index}"})
    allocator = PathAllocator()
    new_root = allocator.allocate(None)
    first = allocator.allocate(root.path)
    second = allocator.allocate(root.path)
    grandchild = allocator.allocate(first)
    assert (new_root, first, second, grandchild) == ("0002", "0001000C", "0001000D", "0001000C0001")
    assert allocator.numchild_of_new(first) == 1
    assert allocator.numchild_of_new(second) == 0

    for code, path, numchild in (("N1", first, 1), ("N2", second, 0), ("N3", grandchild, 0)):
        Organization(code=code, name=code, path=path, depth=len(path) // 4, numchild=numchild).save()
    assert allocator.update_existing_parents({first, second, grandchild}) == 1
    assert Organization.objects.find_problems() == ([], [], [], [], [])

    root.refresh_from_db()
    assert root.numchild == 13
    assert Organization.objects.add_child(root, {"code": "R-next", "name": "next"}).path == "0001000E"
    n1 = Organization.objects.get(code="N1")
    assert Organization.objects.add_child(n1, {"code": "N1-next", "name": "x"}).path == "0001000C0002"
