"""Without Redis every page answers as with it: every URL of the permission matrix, for every role.

The redis-server of this test (``own_redis``) is killed before the crawl; cache, session copies
and rate limits then degrade (kreisintegration/cache.py). Each GET must give the status the
permission matrix expects with Redis running: never a 5xx.
"""

import pytest

from kreisintegration import cache as project_cache
from kreisintegration.tests.matrix import (  # noqa: F401
    MATRIX,
    ROLES,
    log_in,
    matrix_objects,
    objects,
    url_for,
)
from kreisintegration.tests.own_redis import kill_process

GET_CASES = [(name, key, methods["GET"]) for name, (key, methods) in MATRIX.items() if "GET" in methods]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_for_every_role_while_redis_is_down(
    client,
    objects,  # noqa: F811
    own_redis,
    role,
    caplog,
    monkeypatch,
):
    caplog.set_level("WARNING", logger="kreisintegration.cache")
    # The warning is repeated once a minute; on a loaded machine a role's crawl can take longer than
    # that, and what is checked here is "once, not per request", not the interval.
    monkeypatch.setattr(project_cache, "WARNING_INTERVAL_SECONDS", 24 * 3600)
    if role != "anonymous":
        log_in(client, objects, role)  # the role's prepared session, written while Redis is still up
    kill_process(own_redis)
    answers = {}
    for name, key, expected in GET_CASES:
        url = url_for(name, key, objects)
        answers[url] = (client.get(url).status_code, expected[role])
    server_errors = {url: status for url, (status, _expected) in answers.items() if status >= 500}
    assert server_errors == {}
    assert {url: pair for url, pair in answers.items() if pair[0] != pair[1]} == {}
    # The crawl really ran without Redis: the cache said so (once, not per request).
    assert [r.getMessage()[:24] for r in caplog.records if r.name == "kreisintegration.cache"] == [
        "Redis cache unavailable "
    ]
