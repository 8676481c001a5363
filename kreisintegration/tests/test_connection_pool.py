"""Database connections are bounded by the pool (DB_POOL_MAX_SIZE); an exhausted pool answers 503, never 500.

A real gunicorn with a pool of two connections gets eight concurrent requests while this test
holds a lock that every page's first database read waits for: two requests hold the pool's two
connections, the other six wait DB_POOL_TIMEOUT for one and get the 503 page.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from conftest import worker_database_url
from kreisintegration.tests.own_services import WebServer

pytestmark = pytest.mark.django_db(transaction=True)

POOL_SIZE = 2
REQUESTS = 8


@pytest.fixture
def pooled_portal(district, tmp_path):
    web = WebServer(
        database_url=worker_database_url(),
        log_path=tmp_path / "web.log",
        threads=REQUESTS,
        env={"DB_POOL_MAX_SIZE": str(POOL_SIZE), "DB_POOL_MIN_SIZE": "1", "DB_POOL_TIMEOUT": "1"},
    )
    try:
        yield web
    finally:
        web.stop()


def test_more_concurrent_requests_than_pooled_connections_get_answers_or_503_never_500(pooled_portal):
    answers: list[tuple[int, dict, str]] = []
    done = threading.Semaphore(0)

    def visit(number: int) -> None:
        try:
            answers.append(pooled_portal.get(f"/kurse/?besuch={number}", timeout=60))
        finally:
            done.release()

    with ThreadPoolExecutor(max_workers=REQUESTS) as executor, transaction.atomic():
        # Every page reads the portal's district (not yet cached in the fresh server).
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE municipalities_district IN ACCESS EXCLUSIVE MODE")
        for number in range(REQUESTS):
            executor.submit(visit, number)
        # The requests that found no free connection answer while the lock is still held.
        deadline = time.monotonic() + 60
        for _ in range(REQUESTS - POOL_SIZE):
            assert done.acquire(timeout=max(0.1, deadline - time.monotonic())), pooled_portal.log()
        # Lock released (commit): the two that held a connection finish.
    statuses = sorted(status for status, _headers, _page in answers)
    assert statuses == [200] * POOL_SIZE + [503] * (REQUESTS - POOL_SIZE), pooled_portal.log()
    for status, headers, page in answers:
        if status == 503:
            assert headers["retry-after"] == "60"
            assert "kurz nicht erreichbar" in page
    # The pool is usable again at once.
    assert pooled_portal.get("/kurse/?danach=1")[0] == 200
    assert "PoolTimeout" in pooled_portal.log()
