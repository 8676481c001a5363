"""The write-path scenarios of ``make bench``: event submission with a date series and the 500-row import."""

from __future__ import annotations

import http.client
import json
import os
import secrets
import time
from pathlib import Path
from urllib.parse import urlencode

from bench import client
from bench.client import Request
from bench.common import PORT, SECONDS, _line, django_side


def submit_event(setup: dict, baseline_rps: float) -> dict:
    """Several municipal contacts at once POST the real event form (with CSRF): each event a weekly
    series of 10 dates. Counts what was stored, then deletes it."""
    csrf = setup["csrf"]
    requests = [
        Request(
            "/veranstaltungen/neu/",
            method="POST",
            headers={
                "Cookie": f"sessionid={person['session']}; csrftoken={csrf}",
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Real-IP": f"10.30.0.{index + 1}",
            },
            body=urlencode(
                {
                    "csrfmiddlewaretoken": csrf,
                    "municipality": person["municipality"],
                    "title": f"Lasttest Reihe {index + 1}",
                    "description": "Sprachcafé für alle, jede Woche.",
                    "start_date": setup["series_start"],
                    "start_time": "18:00",
                    "end_time": "20:00",
                    "frequency": "weekly",
                    "interval": "1",
                    "weekdays": "1",
                    "monthly_mode": "day",
                    "repeat_count": "10",
                    "target_groups": setup["target_group"],
                }
            ).encode(),
        )
        for index, person in enumerate(setup["submitters"])
    ]
    result = client.run(requests, port=PORT, concurrency=len(requests), seconds=SECONDS, ok_statuses=(302,))
    stored = django_side("writes")
    created = result.requests + max(16, len(requests))  # and the client's warm-up posts (16)
    row = {
        "scenario": "submit_event",
        "requests": result.requests,
        "rps": round(result.rps, 1),
        "p50_ms": round(result.percentile(50), 1),
        "p95_ms": round(result.percentile(95), 1),
        "p99_ms": round(result.percentile(99), 1),
        "queries": max(result.cold_query_counts | result.query_counts, default=-1),
        "ratio_rps": round(result.rps / baseline_rps, 3) if baseline_rps else 0,
        "errors": result.errors,
        "contacts": len(requests),
        "events_stored": stored["events"],
        "dates_stored": stored["series_occurrences"],
        "statuses": {str(k): v for k, v in sorted(result.statuses.items())},
    }
    row["dates_ok"] = (
        stored["series_occurrences"] == 10 * stored["events"] and stored["events"] == created - result.errors
    )
    row["ok"] = row["errors"] == 0 and row["dates_ok"]
    _line(row, "contacts", "events_stored", "dates_stored", "dates_ok")
    return row


def _multipart(fields: dict, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "benchboundary" + secrets.token_hex(8)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def import_500(setup: dict) -> dict:
    """One contact uploads a 500-row XLSX file through the import page (BENCH_IMPORT_RUNS times, one
    after the other). A big file goes to the Celery worker: the time then runs until the progress
    endpoint says it is done."""
    runs = int(os.environ.get("BENCH_IMPORT_RUNS", "3"))
    person = setup["submitters"][0]
    csrf = setup["csrf"]
    content = Path(setup["import_file"]).read_bytes()
    cookie = f"sessionid={person['session']}; csrftoken={csrf}"
    conn = client._Connection("127.0.0.1", PORT)
    latencies, statuses, queries, errors, imported = [], {}, set(), 0, 0
    started_all = time.perf_counter()
    for _ in range(runs):
        body, content_type = _multipart(
            {"csrfmiddlewaretoken": csrf, "municipality": setup["import_municipality"]},
            "import_500.xlsx",
            content,
        )
        started = time.perf_counter()
        status, headers = conn.send(
            Request(
                "/veranstaltungen/import/",
                method="POST",
                headers={"Cookie": cookie, "Content-Type": content_type, "X-Real-IP": "10.31.0.1"},
                body=body,
            )
        )
        statuses[status] = statuses.get(status, 0) + 1
        if "x-query-count" in headers:
            queries.add(int(headers["x-query-count"]))
        location = headers.get("location", "")
        state = "done" if status == 302 and "/import/" not in location else "failed"
        if status == 302 and "/import/" in location:  # the worker imports: poll until it is done
            state = _wait_for_import(location.rstrip("/") + "/status.json", cookie)
        latencies.append(time.perf_counter() - started)
        if state != "done":
            errors += 1
        imported += django_side("writes")["imported"]
    seconds = time.perf_counter() - started_all
    ordered = sorted(latencies)

    def percentile(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000, 1)

    row = {
        "scenario": "import_500",
        "requests": runs,
        "rps": round(runs / seconds, 2),
        "p50_ms": percentile(50),
        "p95_ms": percentile(95),
        "p99_ms": percentile(99),
        "queries": max(queries, default=-1),
        "ratio_rps": 0,
        "errors": errors,
        "rows": setup["import_rows"],
        "rows_per_s": round(imported / sum(latencies), 1) if latencies else 0,
        "imported": imported,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }
    row["ok"] = errors == 0 and imported == runs * setup["import_rows"]
    _line(row, "rows", "rows_per_s", "imported")
    return row


def _wait_for_import(url: str, cookie: str) -> str:
    """Poll the import's JSON status (as the progress page does) until it is done or failed."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        conn.request("GET", url, headers={"Cookie": cookie, "Accept": "application/json"})
        response = conn.getresponse()
        body = response.read()
        conn.close()
        state = json.loads(body).get("state") if response.status == 200 else "failed"
        if state in ("done", "failed"):
            return state
        time.sleep(0.2)
    return "timeout"
