"""``make cluster`` / ``make cluster-test``: the production topology on this machine.

HAProxy (deploy/haproxy.cfg) in front of two gunicorn web nodes on 127.0.0.2 and 127.0.0.3, two
Celery workers and one beat, all on one PostgreSQL database and one Redis (a redis-server of the
cluster's own, with an append-only file, so the test can restart it), with DEBUG off. ``up`` runs
until Ctrl-C. ``test`` drives a bounded load through HAProxy (CLUSTER_CLIENTS logged-in volunteers
for CLUSTER_SECONDS seconds: public pages, their own area, course pages and registrations for
small courses) and meanwhile

* kills the Celery worker that builds a concept report (SIGKILL), which stays down until the
  report is done: the other worker must build it (acks_late, redelivery after the visibility
  timeout, takeover once the heartbeat is stale);
* kills web node 1 (SIGKILL) and starts it again (HAProxy retries idempotent requests);
* restarts Redis (cache, sessions, rate limits and broker).

It prints one line per fault and a summary, and exits 1 if a GET failed, a POST failed other than
whole-or-nothing, a course has more seats taken than it has, a registration answered as done is
missing, the mails queued and delivered differ (or a Message-ID repeats), or the report is not done
once, by the surviving worker. Every process it starts is stopped at the end, also on errors.

Environment: CLUSTER_DATABASE (kreisintegration_cluster), CLUSTER_PORT (8780, HAProxy),
CLUSTER_NODE_PORT (8781, the web nodes), CLUSTER_REDIS_PORT (8782), CLUSTER_SECONDS (60),
CLUSTER_CLIENTS (4).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
DATABASE = os.environ.get("CLUSTER_DATABASE", "kreisintegration_cluster")
DB_ROLE = os.environ.get("DB_ROLE", "kreisintegration")
PORT = int(os.environ.get("CLUSTER_PORT", "8780"))
NODE_PORT = int(os.environ.get("CLUSTER_NODE_PORT", "8781"))
REDIS_PORT = int(os.environ.get("CLUSTER_REDIS_PORT", "8782"))
REDIS_URL = f"redis://127.0.0.1:{REDIS_PORT}/0"
SECONDS = float(os.environ.get("CLUSTER_SECONDS", "60"))
CLIENTS = int(os.environ.get("CLUSTER_CLIENTS", "4"))
NODES = {"web1": "127.0.0.2", "web2": "127.0.0.3"}
WORKERS = ("worker1", "worker2")
PATHS = ["/", "/kurse/", "/veranstaltungen/", "/impressum/", "/datenschutz/", "/healthz"]


def environment(run: Path) -> dict:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DB_POOL_"))},
        "DEBUG": "0",
        "SECRET_KEY": "cluster-on-this-machine-only-" + "k" * 30,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "CLIENT_IP_META_KEY": "HTTP_X_REAL_IP",
        "DATABASE_URL": f"postgres://{DB_ROLE}@127.0.0.1:5432/{DATABASE}",
        "REDIS_URL": REDIS_URL,
        "DB_POOL_MAX_SIZE": "4",
        "STATIC_ROOT": str(run / "static"),
        "MEDIA_ROOT": str(run / "media"),  # the directory both nodes share
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(run / "mail"),
        "LOG_LEVEL": "WARNING",
        # All clients come through HAProxy from 127.0.0.1: one address, so the per-address limit of
        # course registrations is raised for the load; so is the per-person one, since each client
        # registers and withdraws far more often than a person would: the faults must meet writes
        # that get through, not 429s (the limits themselves are tested in the test suite).
        "RATELIMIT_COURSE_REGISTRATION_PER_IP": "10000",
        "RATELIMIT_COURSE_REGISTRATION_PER_USER": "10000",
        # Faults within minutes: a dead worker's task comes back after 20 s, a report build
        # without a heartbeat for a minute may be taken over.
        "CELERY_VISIBILITY_TIMEOUT": "20",
        "OVERVIEW_REPORT_STALE_MINUTES": "1",
    }


def prepare(env: dict) -> None:
    """Database (created if missing), migrations, demo data, static files."""
    exists = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", DB_ROLE, "-d", "postgres", "-qAt", "-c",
         f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"],
        capture_output=True, text=True, timeout=60, check=True,
    ).stdout.strip()  # fmt: skip
    if exists != "1":
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", DB_ROLE, DATABASE], check=True, timeout=60)
    for command in (["migrate", "--noinput"], ["seed_demo"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(
            [str(BIN / "python"), "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=600
        )


class Processes:
    def __init__(self, run: Path, env: dict) -> None:
        self.run, self.env, self.started = run, env, {}
        self.down: set[str] = set()  # stopped on purpose by the test
        self.stopping = False

    def start(self, name: str, command: list[str]) -> None:
        self.down.discard(name)
        log = (self.run / f"{name}.log").open("a")
        self.started[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def web(self, name: str) -> None:
        self.start(name, [str(BIN / "gunicorn"), "kreisintegration.wsgi", "--bind", f"{NODES[name]}:{NODE_PORT}",
                          "--workers", "2", "--worker-class", "gthread", "--threads", "4", "--timeout", "60"])  # fmt: skip

    def worker(self, name: str) -> None:
        # INFO: the log names each task a worker received and finished (the test reads it).
        self.start(name, [str(BIN / "celery"), "-A", "kreisintegration", "worker", "--concurrency", "1",
                          "--hostname", f"{name}@%h", "--loglevel", "INFO"])  # fmt: skip

    def redis(self) -> None:
        """The cluster's Redis; the append-only file keeps queued tasks over a restart."""
        (self.run / "redis").mkdir(exist_ok=True)
        self.start("redis", [shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(REDIS_PORT),
                             "--bind", "127.0.0.1", "--dir", str(self.run / "redis"), "--appendonly", "yes",
                             "--appendfsync", "everysec", "--save", ""])  # fmt: skip
        wait_until(redis_answers, "Redis answering", timeout=30)

    def kill(self, name: str, sig=signal.SIGKILL) -> None:
        self.down.add(name)
        process = self.started.get(name)
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=20)

    def stop_all(self) -> None:
        self.stopping = True
        for name in list(self.started):
            self.kill(name, signal.SIGTERM)

    def supervise(self, names: tuple[str, ...], every: float = 1.0) -> None:
        """What systemd's Restart=always does (deploy/systemd): a process that ended by itself is
        started again after a few seconds; one the test stopped on purpose stays down."""

        def watch() -> None:
            while not self.stopping:
                for name in names:
                    process = self.started.get(name)
                    if name in self.down or process is None or process.poll() is None:
                        continue
                    log = (self.run / f"{name}.log").read_text(errors="replace")
                    last = [line for line in log.splitlines() if "CRITICAL" in line or "Error" in line][-1:]
                    print(f"restart: {name} ended by itself (exit {process.returncode}: {last[0][:160] if last else '?'}); "
                          "started again as systemd would")  # fmt: skip
                    time.sleep(3)
                    if name.startswith("worker"):
                        self.worker(name)
                time.sleep(every)

        threading.Thread(target=watch, daemon=True).start()


def request(port: int, path: str, host: str = "127.0.0.1", timeout: float = 30) -> int:
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def redis_answers() -> bool:
    with socket.create_connection(("127.0.0.1", REDIS_PORT), timeout=2) as connection:
        connection.sendall(b"PING\r\n")
        return connection.recv(16).startswith(b"+PONG")


def wait_until(condition, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(OSError):
            if condition():
                return
        if time.monotonic() > deadline:
            raise SystemExit(f"cluster: {what} not within {timeout:.0f} s")
        time.sleep(0.3)


def start_cluster(processes: Processes) -> None:
    for name in NODES:
        processes.web(name)
    for name in WORKERS:
        processes.worker(name)
    processes.start("beat", [str(BIN / "celery"), "-A", "kreisintegration", "beat", "--loglevel", "WARNING",
                             "--schedule", str(processes.run / "beat-schedule"), "--pidfile", str(processes.run / "beat.pid")])  # fmt: skip
    config = (ROOT / "deploy" / "haproxy.cfg").read_text()
    config = config.replace("bind 127.0.0.1:8080", f"bind 127.0.0.1:{PORT}")
    for address in NODES.values():
        config = config.replace(f"{address}:8000", f"{address}:{NODE_PORT}")
    (processes.run / "haproxy.cfg").write_text(config)
    processes.start(
        "haproxy",
        [shutil.which("haproxy") or "/usr/sbin/haproxy", "-db", "-f", str(processes.run / "haproxy.cfg")],
    )
    for name, address in NODES.items():
        wait_until(
            lambda address=address: request(NODE_PORT, "/healthz", host=address) == 200, f"{name} healthy"
        )
    wait_until(lambda: request(PORT, "/healthz") == 200, "HAProxy answering")


def main(mode: str) -> int:
    run = Path(tempfile.mkdtemp(prefix="ki-cluster-"))
    env = environment(run)
    processes = Processes(run, env)
    try:
        processes.redis()
        prepare(env)
        start_cluster(processes)
        print(f"cluster: HAProxy on http://127.0.0.1:{PORT}/ → web1 {NODES['web1']}:{NODE_PORT}, "
              f"web2 {NODES['web2']}:{NODE_PORT}; 2 workers, 1 beat, Redis :{REDIS_PORT}; logs in {run}")  # fmt: skip
        if mode == "test":
            import cluster_load

            return cluster_load.run(processes)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
        return 0
    finally:
        processes.stop_all()


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("up", "test"):
        raise SystemExit("usage: scripts/cluster.py up|test")
    sys.exit(main(sys.argv[1]))
