"""A small bounded HTTP load client: threads with keep-alive connections (standard library only).

Every scenario stops by itself: after ``max_requests`` or ``seconds``, whichever
comes first. Latencies are measured per request on the client side.
"""

from __future__ import annotations

import http.client
import itertools
import statistics
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Request:
    path: str
    method: str = "GET"
    headers: dict = field(default_factory=dict)
    body: bytes | None = None


@dataclass
class Result:
    requests: int
    seconds: float
    latencies: list[float]
    errors: int
    statuses: dict
    query_counts: set
    # Queries of the warm-up requests: the first ones see an empty cache, so this is the uncached count.
    cold_query_counts: set = field(default_factory=set)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


class _Connection:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.conn: http.client.HTTPConnection | None = None

    def send(self, request: Request) -> tuple[int, dict]:
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.conn.request(request.method, request.path, body=request.body, headers=request.headers)
                response = self.conn.getresponse()
                response.read()
                headers = {k.lower(): v for k, v in response.getheaders()}
                if headers.get("connection", "").lower() == "close":
                    self.close()
                return response.status, headers
            except (ConnectionError, http.client.HTTPException, OSError):
                self.close()
                if attempt:
                    raise
        raise RuntimeError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def run(
    requests: list[Request],
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    concurrency: int = 8,
    seconds: float = 6.0,
    max_requests: int = 5000,
    warmup: int = 16,
    ok_statuses: tuple = (200,),
    warm_each: bool = True,
) -> Result:
    """Send the requests round-robin from ``concurrency`` threads until a bound is reached.

    The warm-up visits every URL once (``warm_each``), or only the last ``warmup`` ones (lists of
    URLs that must each be new to the cache when measured).
    """
    warm = _Connection(host, port)
    cold_query_counts: set[int] = set()
    warming = itertools.islice(itertools.cycle(requests), max(warmup, len(requests)))
    if not warm_each:
        warming = requests[-warmup:]
    for request in warming:
        _status, headers = warm.send(request)
        if "x-query-count" in headers:
            cold_query_counts.add(int(headers["x-query-count"]))
    warm.close()

    lock = threading.Lock()
    source = itertools.cycle(requests)
    sent = 0
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    query_counts: set[int] = set()
    errors = 0
    stop_at = time.perf_counter() + seconds

    def worker():
        nonlocal sent, errors
        conn = _Connection(host, port)
        while True:
            with lock:
                if sent >= max_requests or time.perf_counter() >= stop_at:
                    break
                sent += 1
                request = next(source)
            started = time.perf_counter()
            try:
                status, headers = conn.send(request)
            except Exception:  # every failure counts as an error
                with lock:
                    errors += 1
                continue
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
                if status not in ok_statuses:
                    errors += 1
                if "x-query-count" in headers:
                    query_counts.add(int(headers["x-query-count"]))
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(
        sent, time.perf_counter() - started, latencies, errors, statuses, query_counts, cold_query_counts
    )


def burst(requests: list[Request], *, host: str = "127.0.0.1", port: int = 8765) -> Result:
    """Send every request at the same moment, one thread and connection each."""
    barrier = threading.Barrier(len(requests))
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    query_counts: set[int] = set()
    errors = 0

    def worker(request: Request):
        nonlocal errors
        conn = _Connection(host, port)
        conn.conn = http.client.HTTPConnection(host, port, timeout=120)
        conn.conn.connect()
        barrier.wait()
        started = time.perf_counter()
        try:
            status, headers = conn.send(request)
        except Exception:
            with lock:
                errors += 1
            return
        finally:
            conn.close()
        with lock:
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1
            if status >= 400:
                errors += 1
            if "x-query-count" in headers:
                query_counts.add(int(headers["x-query-count"]))

    threads = [threading.Thread(target=worker, args=(r,)) for r in requests]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(len(requests), time.perf_counter() - started, latencies, errors, statuses, query_counts)


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000 if values else 0.0
