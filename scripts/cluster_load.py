"""``make cluster-test``: the bounded load, the faults and the checks (see scripts/cluster.py)."""

from __future__ import annotations

import contextlib
import email
import http.client
import json
import re
import signal
import subprocess
import threading
import time
from datetime import UTC, datetime
from email import policy
from pathlib import Path
from urllib.parse import urlencode

from cluster import (
    BIN,
    CLIENTS,
    NODE_PORT,
    NODES,
    PORT,
    ROOT,
    SECONDS,
    WORKERS,
    Processes,
    request,
    wait_until,
)

PUBLIC = ["/", "/kurse/", "/veranstaltungen/", "/impressum/", "/datenschutz/", "/healthz"]
COURSES = 8  # capacity 2 each: four clients contend for every seat
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MAIL_END = b"-" * 79 + b"\n"


class Browser:
    """One person: cookies kept between requests, each request on a fresh connection via HAProxy."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def send(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, text
        finally:
            connection.close()

    def log_in(self, address: str, password: str) -> None:
        status, page = self.send("GET", "/konto/anmelden/")
        form = {"csrfmiddlewaretoken": TOKEN.search(page).group(1), "username": address, "password": password}
        status, _page = self.send("POST", "/konto/anmelden/", form)
        if status != 302:
            raise SystemExit(f"cluster: login of {address} answered {status}")


def django(processes: Processes, *arguments: str) -> dict:
    """scripts/cluster_data.py in the cluster's environment: its JSON answer."""
    result = subprocess.run(
        [str(BIN / "python"), "scripts/cluster_data.py", *arguments],
        cwd=ROOT, env=processes.env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if result.returncode != 0:
        raise SystemExit(f"cluster: cluster_data.py {arguments[0]} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def psql(processes: Processes, sql: str) -> str:
    url = processes.env["DATABASE_URL"]
    return subprocess.run(
        ["psql", url, "-qAt", "-c", sql], capture_output=True, text=True, timeout=30, check=True
    ).stdout.strip()


def worker_log(processes: Processes, name: str) -> str:
    return (processes.run / f"{name}.log").read_text(errors="replace")


class Load:
    """CLIENTS volunteers: public pages, their area, a course page and the registration for it."""

    def __init__(self, data: dict) -> None:
        self.data, self.results, self.lock = data, [], threading.Lock()
        self.stop, self.started = threading.Event(), time.monotonic()

    def record(self, kind: str, path: str, outcome: object, expected: int, client: int) -> None:
        with self.lock:
            self.results.append((time.monotonic() - self.started, kind, path, outcome, expected, client))

    def client(self, number: int) -> None:
        browser = Browser()
        browser.log_in(self.data["volunteers"][number], self.data["password"])
        courses, turn, token = self.data["courses"], number, ""
        while not self.stop.is_set():
            course = courses[(turn // 4) % len(courses)]
            step = turn % 4
            turn += 1
            if step == 0:
                method, path, form, expected = "GET", PUBLIC[(turn // 4) % len(PUBLIC)], None, 200
            elif step == 1:
                method, path, form, expected = "GET", "/mein-bereich/", None, 200
            elif step == 2:
                method, path, form, expected = "GET", f"/kurse/{course}/", None, 200
            else:
                if not token:
                    continue
                method, path, expected = "POST", f"/kurse/{course}/anmelden/", 302
                form = {"csrfmiddlewaretoken": token}
            try:
                outcome, page = browser.send(method, path, form)
            except (OSError, http.client.HTTPException) as error:  # e.g. a connection cut by the kill
                outcome, page = type(error).__name__, ""
            if step == 2:
                found = TOKEN.search(page)
                token = found.group(1) if found else ""
            self.record(method, path, outcome, expected, number)

    def failed(self, method: str) -> list[tuple]:
        return [r for r in self.results if r[1] == method and r[3] != r[4]]


def report_fault(processes: Processes, load: Load) -> dict:
    """Queue a concept report and SIGKILL the worker that builds it, while it builds."""
    queued = django(processes, "report")
    marker = f"build_concept_report[{queued['task']}] received"
    holder = None
    deadline = time.monotonic() + 60
    while holder is None and time.monotonic() < deadline:
        holder = next((name for name in WORKERS if marker in worker_log(processes, name)), None)
        time.sleep(0.1)
    if holder is None:
        raise SystemExit("cluster: no worker received the report task within 60 s")
    wait_until(lambda: psql(processes, f"SELECT state FROM overview_conceptreport WHERE id = {queued['report']}") != "queued",
               "report build started", timeout=60)  # fmt: skip
    state = psql(
        processes, f"SELECT state || ' ' || step FROM overview_conceptreport WHERE id = {queued['report']}"
    )
    processes.kill(holder, signal.SIGKILL)
    at = time.monotonic() - load.started
    print(
        f"fault: {holder} killed (SIGKILL) at {at:.1f} s while building concept report {queued['report']} ({state})"
    )
    return {**queued, "killed": holder, "state_at_kill": state}


def restart_redis(processes: Processes, load: Load) -> None:
    began = time.monotonic()
    processes.kill("redis", signal.SIGTERM)  # a restart: the append-only file is written out
    processes.redis()
    print(
        f"fault: Redis restarted at {began - load.started:.1f} s, away for {time.monotonic() - began:.1f} s"
    )


def delivered_mail(processes: Processes) -> list:
    folder = processes.run / "mail"
    files = [path for path in sorted(Path(folder).glob("*.log")) if path.read_bytes().endswith(MAIL_END)]
    # One file per connection of the file backend: a worker sending a batch writes several messages.
    chunks = [chunk for path in files for chunk in path.read_bytes().split(MAIL_END) if chunk.strip()]
    return [email.message_from_bytes(chunk, policy=policy.default) for chunk in chunks]


def run(processes: Processes) -> int:
    since = datetime.now(UTC).isoformat()
    data = django(processes, "setup", str(CLIENTS), str(COURSES))
    load = Load(data)
    processes.supervise(WORKERS)
    threads = [threading.Thread(target=load.client, args=(n,), daemon=True) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    fault = report_fault(processes, load)
    time.sleep(max(0.0, SECONDS * 0.3 - (time.monotonic() - load.started)))
    processes.kill("web1")
    print(
        f"fault: web1 killed (SIGKILL) at {time.monotonic() - load.started:.1f} s after {len(load.results)} requests"
    )
    time.sleep(SECONDS * 0.2)
    processes.web("web1")
    wait_until(lambda: request(NODE_PORT, "/healthz", host=NODES["web1"]) == 200, "web1 healthy again")
    print(f"fault: web1 started again, healthy at {time.monotonic() - load.started:.1f} s")
    time.sleep(max(0.0, SECONDS * 0.7 - (time.monotonic() - load.started)))
    restart_redis(processes, load)
    time.sleep(max(0.0, SECONDS - (time.monotonic() - load.started)))
    load.stop.set()
    for thread in threads:
        thread.join(timeout=60)

    # The killed worker stays down until the report is done: the other one must build it.
    def report_state():
        return psql(processes, f"SELECT state FROM overview_conceptreport WHERE id = {fault['report']}")

    with contextlib.suppress(SystemExit):
        wait_until(lambda: report_state() in ("done", "failed"), "report finished", timeout=240)
    survivor = next(name for name in WORKERS if name != fault["killed"])
    built_by = [
        name
        for name in WORKERS
        if f"build_concept_report[{fault['task']}] succeeded" in worker_log(processes, name)
    ]
    print(
        f"report: {report_state()} at {time.monotonic() - load.started:.0f} s, built by {', '.join(built_by) or 'nobody'}"
    )
    processes.worker(fault["killed"])  # back in service: on start it also sends what the outbox holds
    sql = f"SELECT count(*) FROM accounts_outboxmail WHERE created_at >= '{since}' AND status <> 'sent'"
    with contextlib.suppress(SystemExit):
        wait_until(lambda: psql(processes, sql) == "0", "every queued mail sent", timeout=150)
    figures = django(processes, "check", ",".join(map(str, data["courses"])), since)
    return summary(processes, load, fault, figures, survivor, built_by)


def summary(processes, load, fault, figures, survivor, built_by) -> int:
    problems = []
    gets, posts = load.failed("GET"), load.failed("POST")
    answered = {(r[5], r[2]) for r in load.results if r[1] == "POST" and r[3] == 302}
    over = {c: f for c, f in figures["courses"].items() if f["seats"] > f["capacity"]}
    idle = {c: f for c, f in figures["courses"].items() if f["waiting"] and f["seats"] < f["capacity"]}
    lost = sorted(
        (client, path)
        for client, path in answered
        if load.data["volunteers"][client] not in figures["courses"][path.split("/")[2]]["people"]
    )
    half = {c: f["without_mail"] for c, f in figures["courses"].items() if f["without_mail"]}
    mails = figures["mails"]
    messages = delivered_mail(processes)
    ids = [message["Message-ID"] for message in messages]
    [report] = [r for r in figures["reports"] if r["id"] == fault["report"]]
    print(f"summary: {len(load.results)} requests by {len(load.data['volunteers'])} clients in {SECONDS:.0f} s, "
          f"{len(gets)} GET failed, {len(posts)} POST failed (of {sum(r[1] == 'POST' for r in load.results)})")  # fmt: skip
    for at, method, path, outcome, _expected, _client in (gets + posts)[:20]:
        print(f"  failed at {at:.1f} s: {method} {path} → {outcome}")
    seats = sum(f["seats"] for f in figures["courses"].values())
    waiting = sum(f["waiting"] for f in figures["courses"].values())
    print(f"summary: registrations {seats} seats + {waiting} waiting in {len(figures['courses'])} courses of 2 seats; "
          f"over capacity: {len(over)}, seat free while people wait: {len(idle)}, answered but missing: {len(lost)}, "
          f"without their mail: {len(half)}")  # fmt: skip
    print(f"summary: mails queued {mails['total']}, sent {mails['sent']}, sent in the run {mails['sent_in_run']}, "
          f"delivered {len(messages)}, distinct Message-IDs {len(set(ids))}")  # fmt: skip
    print(f"summary: report {report['id']} {report['state']} (killed {fault['killed']} at {fault['state_at_kill']}), "
          f"built by {', '.join(built_by) or 'nobody'}, files {report['files']}")  # fmt: skip
    if gets:
        problems.append("GET requests failed")
    if [r for r in posts if r[3] == 500]:
        problems.append("a POST got the 500 page (a bug, not a lost node)")
    if half:
        problems.append(f"registrations saved without their mail: {half}")
    if over or idle:
        problems.append(f"seat counts wrong: {over or idle}")
    if lost:
        problems.append(f"registrations answered as done but missing: {lost}")
    if not (mails["sent"] == mails["total"] and mails["sent_in_run"] == len(messages) == len(set(ids))):
        problems.append("mails queued, sent and delivered differ")
    if not (report["state"] == "done" and built_by == [survivor] and report["pdf"] and report["xlsx"]):
        problems.append("the report was not built once by the surviving worker")
    if len(report["files"]) != 2:
        problems.append(f"report files: {report['files']}")
    if not load.results:
        problems.append("no requests")
    for problem in problems:
        print(f"FAILED: {problem}")
    return 1 if problems else 0
