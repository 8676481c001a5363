"""``make bench``: seed the scale data if needed, start gunicorn and a Celery worker with production
settings, drive bounded load from this process and print one line per scenario.

Every figure that depends on the machine is also given as a ratio to the
``baseline`` scenario (``/healthz``, one query) measured in the same run. See the
README, section "Performance".

Environment: BENCH_SCALE (default 40), BENCH_DATABASE (ki_bench for 40, else ki_bench_<scale>), BENCH_REDIS_DB (7),
BENCH_PORT (8765), BENCH_SECONDS (per scenario, default 6), BENCH_CONCURRENCY (8),
BENCH_ONLY (comma-separated scenario names or prefixes; the baseline always runs, e.g.
``BENCH_ONLY=calendar,register_burst``), BENCH_IMPORT_RUNS (uploads of the 500-row file, default 3).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from bench import client  # noqa: E402
from bench.client import Request  # noqa: E402
from bench.common import (  # noqa: E402
    CONCURRENCY,
    DATABASE,
    DB_ROLE,
    ENV,
    PORT,
    REDIS_DB,
    RESULTS,
    RUN_DIR,
    SCALE,
    SECONDS,
    VENV_BIN,
    django_side,
    log,
    manage,
    selected,
)
from bench.writes import import_500, submit_event  # noqa: E402


def ensure_database() -> None:
    exists = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", DB_ROLE, "-d", "postgres", "-qAtc",
         f"SELECT 1 FROM pg_database WHERE datname='{DATABASE}'"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    if exists != "1":
        log(f"creating database {DATABASE}")
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", DB_ROLE, DATABASE], check=True)
    manage("migrate", "--noinput")
    seeded = django_side("scale")["scale"]
    if seeded > SCALE:
        # Ratios measured on more districts than asked for would be reported as the wrong scale.
        raise SystemExit(
            f"bench: {DATABASE} holds scale {seeded}, not {SCALE}; use another BENCH_DATABASE "
            f"(the default for {SCALE} is ki_bench_{SCALE}) or drop it"
        )
    if seeded < SCALE:
        log(f"seeding scale {SCALE} (database has {seeded}); the first run takes a few minutes")
        started = time.monotonic()
        manage("seed_demo", "--force-demo-users", "--scale", str(SCALE))
        log(f"seeded in {time.monotonic() - started:.0f} s")
    if not (RUN_DIR / "static" / "staticfiles.json").exists():
        manage("collectstatic", "--noinput")


def start_services() -> tuple[subprocess.Popen, subprocess.Popen]:
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(["redis-cli", "-n", REDIS_DB, "flushdb"], check=True, stdout=subprocess.DEVNULL)
    web = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "kreisintegration.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{PORT}",
         "--keep-alive", "30", "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=ENV, start_new_session=True,
    )  # fmt: skip
    # --pool=solo: the task runs in the process we measure (peak RSS of the report build).
    worker = subprocess.Popen(
        [str(VENV_BIN / "celery"), "-A", "kreisintegration", "worker", "--pool=solo", "--loglevel=WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=ENV, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            client._Connection("127.0.0.1", PORT).send(Request("/healthz"))
            return web, worker
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def rss_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def main() -> int:
    started = time.monotonic()
    ensure_database()
    setup = django_side("prepare")
    web, worker = start_services()
    results: list[dict] = []
    try:
        results = scenarios(setup, worker)
    finally:
        stop(web)
        stop(worker)
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {"scale": SCALE, "seconds": round(time.monotonic() - started), "scenarios": results}
    (RESULTS / "latest.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    log(f"done in {payload['seconds']} s; results in bench/results/latest.json")
    failed = [r["scenario"] for r in results if not r.get("ok", True)]
    if failed:
        log("targets missed: " + ", ".join(failed))
    return 0


# Targets from issue #8: minimum ratio to the baseline rps.
TARGETS = {
    "event_detail": 0.25,
    "api_events": 0.25,
    "ics_municipality": 0.25,
    "calendar_month": 0.15,
    "calendar_filtered": 0.15,
    "course_catalogue": 0.15,
    "review_queue": 0.15,
    "dashboard": 0.15,
    # issue #14: the Zielübersicht of a concept with >= 40 goals and 10 years of values
    "goals_overview": 0.5,
    # issue #18: the other logged-in pages
    "my_municipality": 0.5,
    "participants": 0.5,
    "audit_log": 0.5,
}


def scenarios(setup: dict, worker: subprocess.Popen) -> list[dict]:
    staff = {"Cookie": f"sessionid={setup['staff_session']}"}
    contact = {"Cookie": f"sessionid={setup['contact_session']}"}
    trainer = {"Cookie": f"sessionid={setup['trainer_session']}"}
    month, month_end = setup["month"], setup["month_end"]
    pages = {
        "baseline": [Request("/healthz")],
        "calendar_month": [Request("/veranstaltungen/?" + urlencode({"view": "month", "start": month}))],
        "calendar_filtered": [
            Request(
                "/veranstaltungen/?"
                + urlencode(
                    {
                        "municipality": setup["municipality"],
                        "field_of_action": "sprache-bildung",
                        "q": "Sprachcafé",
                        "start": month,
                        "end": month_end,
                    }
                )
            )
        ],
        "event_detail": [Request(f"/veranstaltungen/{pk}/") for pk in setup["event_ids"]],
        "api_events": [Request("/api/events/?" + urlencode({"start": month, "end": month_end}))],
        "ics_municipality": [Request(f"/events/feed/{setup['municipality']}.ics")],
        "course_catalogue": [Request("/kurse/")],
        "review_queue": [Request("/pruefung/", headers=staff)],
        "dashboard": [Request("/kreisuebersicht/", headers=staff)],
        "goals_overview": [Request(f"/konzept/{setup['concept_version']}/zieluebersicht/", headers=staff)],
        "my_municipality": [Request(f"/kommunen/{setup['municipality']}/intern/", headers=contact)],
        "participants": [Request(f"/kurse/{setup['participants_course']}/teilnehmende/", headers=trainer)],
        "audit_log": [Request("/kreis/protokoll/", headers=staff)],
    }
    pages.update(cold_pages(setup))
    results = []
    baseline_rps = None
    for name, requests in pages.items():
        if not selected(name):
            continue
        cold = name.endswith("_cold")  # warming every URL would fill the cache they must miss
        result = client.run(requests, port=PORT, concurrency=CONCURRENCY, seconds=SECONDS, warm_each=not cold)
        if baseline_rps is None:
            baseline_rps = result.rps
        ratio = result.rps / baseline_rps if baseline_rps else 0
        # Queries per request without the public cache (warm-up requests see it empty) and with it.
        queries = max(result.cold_query_counts | result.query_counts, default=-1)
        queries_cached = min(result.query_counts, default=-1)
        row = {
            "scenario": name,
            "requests": result.requests,
            "rps": round(result.rps, 1),
            "p50_ms": round(result.percentile(50), 1),
            "p95_ms": round(result.percentile(95), 1),
            "p99_ms": round(result.percentile(99), 1),
            "queries": queries,
            "queries_cached": queries_cached,
            "ratio_rps": round(ratio, 3),
            "errors": result.errors,
            "statuses": {str(k): v for k, v in sorted(result.statuses.items())},
        }
        row["ok"] = row["errors"] == 0 and ratio >= TARGETS.get(name, 0)
        print(
            f"BENCH scenario={name} requests={row['requests']} rps={row['rps']} p50_ms={row['p50_ms']} "
            f"p95_ms={row['p95_ms']} p99_ms={row['p99_ms']} queries={queries} ratio_rps={row['ratio_rps']} errors={row['errors']} "
            f"queries_cached={queries_cached}",
            flush=True,
        )
        results.append(row)

    if selected("submit_event"):
        results.append(submit_event(setup, baseline_rps))
    if selected("import_500"):
        results.append(import_500(setup))
    if selected("register_burst"):
        results.append(register_burst(setup, baseline_rps))
    if selected("report_build"):
        results.append(report_build(worker))
    return results


def cold_pages(setup: dict) -> dict[str, list[Request]]:
    """Public pages on a cache miss: every request asks for another window, filter, page or feed
    (more distinct URLs than a scenario sends), so each one is rendered. Target: p95 <= 50 ms."""
    year = int(setup["month"][:4])
    # The months the seeded events fall in (the year before, this one and the next), the month
    # changing with every request: a scenario's few hundred requests then render months with events,
    # not the empty months of years without data (what the first ten months of the former order,
    # five years back, gave).
    months = [f"{y}-{m:02d}-01" for y in range(year - 1, year + 2) for m in range(1, 13)]
    places = setup["cold_municipalities"]
    fields = setup["cold_fields"]
    combos = [(m, p, f) for p in places for f in fields for m in months]
    days = [
        f"{y}-{m:02d}-{d:02d}" for y in range(year - 3, year + 3) for m in range(1, 13) for d in range(1, 29)
    ]

    def calendar(query: dict) -> Request:
        return Request("/veranstaltungen/?" + urlencode(query))

    return {
        "calendar_month_cold": [
            calendar({"view": "month", "start": m, "municipality": p, "field_of_action": f})
            for m, p, f in combos
        ],
        "calendar_filtered_cold": [
            calendar({"municipality": p, "field_of_action": f, "q": "Sprachcafé", "start": m})
            for m, p, f in combos
        ],
        "event_detail_cold": [Request(f"/veranstaltungen/{pk}/") for pk in setup["cold_event_ids"]],
        "api_events_cold": [
            Request("/api/events/?" + urlencode({"start": day, "municipality": p}))
            for day in days
            for p in places
        ],
        "ics_municipality_cold": [
            Request(f"/events/feed/{ags}.ics?" + urlencode({"field_of_action": f}))
            for f in fields
            for ags in setup["cold_all_municipalities"]
        ],
    }


def register_burst(setup: dict, baseline_rps: float) -> dict:
    course = setup["burst_course"]
    csrf = setup["csrf"]
    requests = [
        Request(
            f"/kurse/{course}/anmelden/",
            method="POST",
            headers={
                "Cookie": f"sessionid={key}; csrftoken={csrf}",
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Real-IP": f"10.20.{index // 250}.{index % 250 + 1}",
            },
            body=urlencode({"csrfmiddlewaretoken": csrf}).encode(),
        )
        for index, key in enumerate(setup["volunteer_sessions"])
    ]
    result = client.burst(requests, port=PORT)
    counts = django_side("burst", str(course))
    server_errors = sum(n for status, n in result.statuses.items() if status >= 500)
    errors = result.errors + sum(n for status, n in result.statuses.items() if status not in (302, 303))
    ok = counts["registered"] == 20 and counts["waitlisted"] == 180 and errors == 0 and server_errors == 0
    row = {
        "scenario": "register_burst",
        "requests": result.requests,
        "seconds": round(result.seconds, 2),
        "rps": round(result.rps, 1),
        "p50_ms": round(result.percentile(50), 1),
        "p95_ms": round(result.percentile(95), 1),
        "p99_ms": round(result.percentile(99), 1),
        "queries": max(result.query_counts) if result.query_counts else -1,
        "ratio_rps": round(result.rps / baseline_rps, 3) if baseline_rps else 0,
        "errors": result.errors,
        "server_errors": server_errors,
        "statuses": {str(k): v for k, v in sorted(result.statuses.items())},
        **counts,
        "ok": ok,
    }
    print(
        f"BENCH scenario=register_burst requests={row['requests']} seconds={row['seconds']} rps={row['rps']} p50_ms={row['p50_ms']} "
        f"p95_ms={row['p95_ms']} p99_ms={row['p99_ms']} queries={row['queries']} ratio_rps={row['ratio_rps']} "
        f"errors={row['errors']} registered={counts['registered']} waitlisted={counts['waitlisted']} server_errors={server_errors} "
        f"waitlist_positions_ok={counts['waitlist_positions_ok']}",
        flush=True,
    )
    return row


def report_build(worker: subprocess.Popen) -> dict:
    count = django_side("count_time")
    rss_before = rss_kb(worker.pid, "VmRSS")
    with contextlib.suppress(OSError):  # reset the high-water mark: the peak is the build's (Linux >= 4.0)
        Path(f"/proc/{worker.pid}/clear_refs").write_text("5")
    report = django_side("report")
    peak = rss_kb(worker.pid, "VmHWM")
    row = {
        "scenario": "report_build",
        "seconds": round(report["seconds"], 2),
        "count_seconds": round(count["seconds"], 5),
        "ratio_to_count": round(report["seconds"] / count["seconds"]) if count["seconds"] else 0,
        "peak_rss_mb": round(peak / 1024),
        "rss_before_mb": round(rss_before / 1024),
        "state": report["state"],
        "events_in_database": count["events"],
        "district": report["district"],
        "year": report["year"],
        "errors": 0 if report["state"] == "done" else 1,
    }
    row["ok"] = row["errors"] == 0 and row["seconds"] < 30 and row["peak_rss_mb"] < 500
    print(
        f"BENCH scenario=report_build seconds={row['seconds']} count_seconds={row['count_seconds']} "
        f"ratio_to_count={row['ratio_to_count']} peak_rss_mb={row['peak_rss_mb']} "
        f"rss_before_mb={row['rss_before_mb']} state={row['state']} errors={row['errors']}",
        flush=True,
    )
    return row


if __name__ == "__main__":
    sys.exit(main())
