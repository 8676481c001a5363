"""The xdist order of ``schedule.long_first``: the same tests, long modules first in every share."""

from dataclasses import dataclass

from kreisintegration.tests import schedule


@dataclass(frozen=True)
class Item:
    nodeid: str


def items_of(module: str, count: int) -> list[Item]:
    return [Item(f"{module}::test_{number}") for number in range(count)]


def test_share_sizes_are_those_of_worksteals_first_distribution():
    assert schedule.share_sizes(10, 4) == [2, 2, 3, 3]
    assert sum(schedule.share_sizes(6349, 4)) == 6349


def test_each_share_starts_with_long_modules_and_nothing_is_lost_or_added():
    short = items_of("a/tests/test_short.py", 40) + items_of("b/tests/test_other.py", 17)
    long_ones = (
        items_of("e2e/test_accessibility.py", 3)  # 150 s
        + items_of("e2e/test_volunteers.py", 2)  # 100 s
        + items_of("e2e/test_layout.py", 2)  # with test_overview_pages: one unit, 40 s
        + items_of("e2e/test_overview_pages.py", 2)
        + items_of("kreisintegration/tests/test_html_validity.py", 1)  # 65 s
    )
    items = short[:20] + long_ones + short[20:]

    ordered = schedule.long_first(items, 3)

    assert sorted(ordered, key=lambda item: item.nodeid) == sorted(items, key=lambda item: item.nodeid)
    sizes = schedule.share_sizes(len(items), 3)
    shares = [ordered[: sizes[0]], ordered[sizes[0] : sizes[0] + sizes[1]], ordered[sizes[0] + sizes[1] :]]
    modules = [[item.nodeid.split("::")[0] for item in share] for share in shares]
    # Longest first, each to the share with the least so far: 150 | 100 | 65, then 40 to the third.
    assert modules[0][:3] == ["e2e/test_accessibility.py"] * 3
    assert modules[1][:2] == ["e2e/test_volunteers.py"] * 2
    assert (
        modules[2][:5]
        == ["kreisintegration/tests/test_html_validity.py"]
        + ["e2e/test_layout.py"] * 2
        + ["e2e/test_overview_pages.py"] * 2
    )
    # The short tests follow in their collected order.
    assert [item for item in ordered if item in short] == short


def test_without_xdist_the_order_is_left_alone(monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_WORKER_COUNT", raising=False)
    assert schedule.workers() == 0
