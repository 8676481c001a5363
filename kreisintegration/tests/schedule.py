"""The order in which ``make test``'s xdist workers take the tests: the long ones first.

pytest-xdist's ``worksteal`` gives each of the N workers a contiguous share of the collected tests
and, when a worker runs out, moves the second half of the longest remaining share to it. A run
ends when the last worker ends: a browser flow or the HTML check (20–60 s) that starts late, on its
own, keeps one core busy while the other waits. So each share here starts with its part of the
long modules (dealt out longest first, each to the share with the least so far, a module's tests
kept together so its module-scoped data is built once), followed by the short tests in their
collected order; the tests moved between workers at the end are short ones.

Nothing is left out or added: only the order changes, and only under xdist (N ≥ 2). The figures
are seconds per module, from a full run's durations on this 2-core machine (only their order of
magnitude matters; a module missing here counts as short).
"""

from __future__ import annotations

import os

LONG_MODULES = {
    "e2e/test_accessibility.py": 150,
    "e2e/test_volunteers.py": 100,
    "kreisintegration/tests/test_query_injection_pages.py": 90,
    "e2e/test_languages.py": 70,
    "kreisintegration/tests/test_html_validity.py": 65,
    "kreisintegration/tests/test_redis_outage_crawl.py": 65,
    "e2e/test_engagement.py": 60,
    "overview/tests/test_reports.py": 45,
    "e2e/test_concept_pages.py": 37,
    "kreisintegration/tests/test_database_restart.py": 36,
    "e2e/test_concept_report.py": 35,
    "kreisintegration/tests/test_bench_query_counts.py": 32,
    "overview/tests/test_report_worker.py": 30,
    "overview/tests/test_report_concept.py": 25,
    "events/tests/test_properties_recurrence.py": 23,
    "volunteers/tests/test_figures.py": 22,
    "e2e/test_layout.py": 21,
    "municipalities/tests/test_seed_demo.py": 21,
    "overview/tests/test_report_accessibility.py": 20,
    "volunteers/tests/test_privacy.py": 20,
    "e2e/test_overview_pages.py": 19,
    "e2e/test_events.py": 19,
    "e2e/test_concept_consultation.py": 19,
    "e2e/test_records_and_calendar.py": 18,
    "e2e/test_login.py": 17,
    "overview/tests/test_dashboard.py": 15,
    "kreisintegration/tests/test_single_beat.py": 13,
    "events/tests/test_properties_api.py": 13,
    "volunteers/tests/test_mail_worker.py": 12,
    "kreisintegration/tests/test_sqlite_paths.py": 12,
    "kreisintegration/tests/test_demo_seed.py": 11,
    "events/tests/test_import_background.py": 10,
    "municipalities/tests/test_scale.py": 10,
    "e2e/test_confirmations.py": 10,
}
# Modules that share data built once per process go to the same worker (e2e/demo_snapshot.py: the
# demo year of these two browser modules).
SAME_WORKER = {"e2e/test_layout.py": "e2e/test_overview_pages.py"}


def share_sizes(total: int, workers: int) -> list[int]:
    """The sizes of the shares worksteal's first distribution gives ``workers`` idle workers."""
    sizes = []
    for index in range(workers):
        size = total // (workers - index)
        sizes.append(size)
        total -= size
    return sizes


def long_first(items: list, workers: int) -> list:
    """``items`` in the order described above, for ``workers`` workers."""
    by_unit: dict[str, list] = {}
    unit_seconds: dict[str, int] = {}
    counted: set[str] = set()
    short = []
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        if module in LONG_MODULES:
            unit = SAME_WORKER.get(module, module)
            if module not in counted:
                counted.add(module)
                unit_seconds[unit] = unit_seconds.get(unit, 0) + LONG_MODULES[module]
            by_unit.setdefault(unit, []).append(item)
        else:
            short.append(item)
    shares: list[list] = [[] for _ in range(workers)]
    seconds = [0] * workers
    for unit in sorted(by_unit, key=lambda name: (-unit_seconds[name], name)):
        index = min(range(workers), key=lambda i: (seconds[i], i))
        shares[index].extend(by_unit[unit])
        seconds[index] += unit_seconds[unit]
    ordered = []
    rest = iter(short)
    for share, size in zip(shares, share_sizes(len(items), workers), strict=True):
        ordered.extend(share)
        ordered.extend(item for _, item in zip(range(size - len(share)), rest, strict=False))
    ordered.extend(rest)  # a share whose long tests outnumber its size: the rest goes last
    return ordered


def workers() -> int:
    """The number of xdist workers of this run (0 without xdist)."""
    return int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "0"))
