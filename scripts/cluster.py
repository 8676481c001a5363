"""``make cluster`` / ``make cluster-test``: the production topology on this machine.

HAProxy (deploy/haproxy.cfg) in front of two gunicorn web nodes on 127.0.0.2 and 127.0.0.3, two
Celery workers and one beat, all on one PostgreSQL database and one Redis database, with DEBUG
off. ``up`` runs until Ctrl-C; ``test`` drives a bounded load (CLUSTER_CLIENTS clients for
CLUSTER_SECONDS seconds of GET requests through HAProxy), kills web node 1 with SIGKILL after a
third of the time and starts it again after two thirds, then prints one line per fault and a
summary. It exits 1 if any request failed (HAProxy must retry idempotent requests on the other
node). Every process it starts is stopped at the end, also on errors.

Environment: CLUSTER_DATABASE (kreisintegration_cluster), CLUSTER_REDIS_URL
(redis://127.0.0.1:6379/8), CLUSTER_PORT (8780, HAProxy), CLUSTER_NODE_PORT (8781),
CLUSTER_SECONDS (30), CLUSTER_CLIENTS (4).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
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
REDIS_URL = os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/8")
PORT = int(os.environ.get("CLUSTER_PORT", "8780"))
NODE_PORT = int(os.environ.get("CLUSTER_NODE_PORT", "8781"))
SECONDS = float(os.environ.get("CLUSTER_SECONDS", "30"))
CLIENTS = int(os.environ.get("CLUSTER_CLIENTS", "4"))
NODES = {"web1": "127.0.0.2", "web2": "127.0.0.3"}
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
    subprocess.run(
        ["redis-cli", "-u", REDIS_URL, "flushdb"], check=True, timeout=30, stdout=subprocess.DEVNULL
    )


class Processes:
    def __init__(self, run: Path, env: dict) -> None:
        self.run, self.env, self.started = run, env, {}

    def start(self, name: str, command: list[str]) -> None:
        log = (self.run / f"{name}.log").open("a")
        self.started[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def web(self, name: str) -> None:
        self.start(name, [str(BIN / "gunicorn"), "kreisintegration.wsgi", "--bind", f"{NODES[name]}:{NODE_PORT}",
                          "--workers", "2", "--worker-class", "gthread", "--threads", "4", "--timeout", "60"])  # fmt: skip

    def kill(self, name: str, sig=signal.SIGKILL) -> None:
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
        for name in list(self.started):
            self.kill(name, signal.SIGTERM)


def request(port: int, path: str, host: str = "127.0.0.1", timeout: float = 30) -> int:
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


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
    for number in (1, 2):
        processes.start(f"worker{number}", [str(BIN / "celery"), "-A", "kreisintegration", "worker",
                                            "--concurrency", "1", "--hostname", f"worker{number}@%h", "--loglevel", "WARNING"])  # fmt: skip
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


def load_test(processes: Processes) -> int:
    results: list[tuple[float, str, object]] = []
    lock = threading.Lock()
    stop = threading.Event()
    started = time.monotonic()

    def client(number: int) -> None:
        turn = number
        while not stop.is_set():
            path = PATHS[turn % len(PATHS)]
            turn += 1
            try:
                outcome: object = request(PORT, path)
            except (OSError, http.client.HTTPException) as error:  # e.g. a body cut off by the kill
                outcome = type(error).__name__
            with lock:
                results.append((time.monotonic() - started, path, outcome))

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(SECONDS / 3)
    with lock:
        before = len(results)
    processes.kill("web1")
    print(f"fault: web1 killed (SIGKILL) at {time.monotonic() - started:.1f} s after {before} requests")
    time.sleep(SECONDS / 3)
    processes.web("web1")
    wait_until(lambda: request(NODE_PORT, "/healthz", host=NODES["web1"]) == 200, "web1 healthy again")
    print(f"fault: web1 started again, healthy at {time.monotonic() - started:.1f} s")
    time.sleep(max(0.0, SECONDS - (time.monotonic() - started)))
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    failed = [
        (at, path, outcome)
        for at, path, outcome in results
        if not (isinstance(outcome, int) and outcome < 500)
    ]
    print(f"summary: {len(results)} requests by {CLIENTS} clients in {SECONDS:.0f} s, {len(failed)} failed")
    for at, path, outcome in failed[:20]:
        print(f"  failed at {at:.1f} s: GET {path} → {outcome}")
    return 1 if failed or not results else 0


def main(mode: str) -> int:
    run = Path(tempfile.mkdtemp(prefix="ki-cluster-"))
    env = environment(run)
    prepare(env)
    processes = Processes(run, env)
    try:
        start_cluster(processes)
        print(f"cluster: HAProxy on http://127.0.0.1:{PORT}/ → web1 {NODES['web1']}:{NODE_PORT}, "
              f"web2 {NODES['web2']}:{NODE_PORT}; 2 workers, 1 beat; logs in {run}")  # fmt: skip
        if mode == "test":
            return load_test(processes)
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
