"""Real services that belong to one fault test: a PostgreSQL cluster and a gunicorn web server.

The machine's shared PostgreSQL (5432) and Redis (6379) are never stopped; a test that needs to
stop a database starts its own here, on a free port, in a temporary directory, and removes it
afterwards (also when the test fails). Every wait is bounded.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _postgres_bin() -> Path:
    """The newest Debian PostgreSQL server binaries (initdb, pg_ctl, pg_dump)."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    if not candidates:
        raise RuntimeError(
            "PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)"
        )
    return candidates[-1].parent


def _as_postgres(command: list[str]) -> list[str]:
    # initdb and the server refuse to run as root; Debian's "postgres" account runs them.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class OwnPostgres:
    """A PostgreSQL cluster of this test only: ``start()``, ``stop()``, ``start()`` again, ``remove()``."""

    def __init__(self) -> None:
        self.bin = _postgres_bin()
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="ki-own-postgres-"))
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self.data = self.directory / "data"
        self.log = self.directory / "server.log"
        self._run(
            [str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
             "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
            timeout=120,
        )  # fmt: skip

    def _run(self, command: list[str], *, timeout: float) -> None:
        result = subprocess.run(
            _as_postgres(command), capture_output=True, text=True, timeout=timeout, cwd=self.directory
        )
        if result.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {result.stdout}{result.stderr}{self.server_log()}")

    def server_log(self) -> str:
        try:
            return self.log.read_text()[-3000:]
        except OSError:
            return ""

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.directory} "
            "-c max_connections=30 -c shared_buffers=16MB"
        )
        self._run(
            [str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start"],
            timeout=90,
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """``fast``: open transactions are rolled back and connections closed (a restart or failover)."""
        self._run(
            [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop"], timeout=90
        )

    def is_running(self) -> bool:
        status = subprocess.run(
            _as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "status"]),
            capture_output=True,
            timeout=30,
            cwd=self.directory,
        )
        return status.returncode == 0

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def psql(self, name: str, sql: str) -> str:
        result = subprocess.run(
            [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", name,
             "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
            capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        return result.stdout.strip()

    def copy_database(self, source: dict, name: str) -> None:
        """Schema and committed rows of the Django database ``source`` (settings dict) into ``name``."""
        self.psql("postgres", f'CREATE DATABASE "{name}"')
        env = {**os.environ, "PGPASSWORD": source.get("PASSWORD") or ""}
        dump = subprocess.run(
            [str(self.bin / "pg_dump"), "-h", source.get("HOST") or "127.0.0.1", "-p", str(source.get("PORT") or 5432),
             "-U", source["USER"], "-d", source["NAME"], "--no-owner", "--no-privileges"],
            capture_output=True, env=env, timeout=120, check=True,
        )  # fmt: skip
        subprocess.run(
            [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", name,
             "-v", "ON_ERROR_STOP=1", "-q"],
            input=dump.stdout, capture_output=True, timeout=120, check=True,
        )  # fmt: skip

    def remove(self) -> None:
        try:
            if self.is_running():
                self.stop("immediate")
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


class WebServer:
    """gunicorn serving the portal in production mode (DEBUG off) from ``database_url``, no Redis."""

    def __init__(
        self, *, database_url: str, log_path: Path, threads: int = 4, env: dict | None = None
    ) -> None:
        self.port = free_port()
        self.log_path = log_path
        environment = {
            key: value
            for key, value in os.environ.items()
            if key not in ("REDIS_URL", "DB_POOL_MAX_SIZE", "DJANGO_SETTINGS_MODULE")
        }
        environment.update(
            {
                "DJANGO_SETTINGS_MODULE": "kreisintegration.tests.server_settings",
                "DEBUG": "0",
                "SECRET_KEY": "fault-test-only-" + "x" * 40,
                "ALLOWED_HOSTS": "127.0.0.1",
                "SECURE_SSL_REDIRECT": "0",
                "SESSION_COOKIE_SECURE": "0",
                "CSRF_COOKIE_SECURE": "0",
                "DATABASE_URL": database_url,
                "RATELIMIT_ENABLE": "0",
                "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
                "LOG_LEVEL": "WARNING",
                **(env or {}),
            }
        )
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.process = subprocess.Popen(
            [str(gunicorn), "kreisintegration.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
             "--worker-class", "gthread", "--threads", str(threads), "--timeout", "60", "--graceful-timeout", "3"],
            cwd=settings.BASE_DIR, env=environment, start_new_session=True,
            stdout=log_path.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn ended at start:\n{self.log()}")
            try:
                self.get("/healthz", timeout=5)
                return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"gunicorn did not answer within 90 s:\n{self.log()}") from None
                time.sleep(0.2)

    def log(self) -> str:
        try:
            return self.log_path.read_text()[-5000:]
        except OSError:
            return ""

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict | None = None,
        timeout: float = 30,
    ):
        """One request on a fresh connection: (status, headers with lower-case names, text)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
        finally:
            connection.close()

    def get(self, path: str, *, timeout: float = 30, headers: dict | None = None):
        return self.request("GET", path, timeout=timeout, headers=headers)

    def sign_up(self, *, email: str, full_name: str, path: str) -> int:
        """A visitor's sign-up: the form (for its CSRF token), then the POST. The last status seen."""
        status, headers, page = self.get(path)
        if status != 200:
            return status
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        cookie = re.search(r"csrftoken=([^;]+)", headers.get("set-cookie", "")).group(1)
        form = {
            "csrfmiddlewaretoken": token,
            "full_name": full_name,
            "email": email,
            "password1": "Sommer-Regen-2026!",
            "password2": "Sommer-Regen-2026!",
            "municipality": "",
            "privacy": "on",
            "website": "",
        }
        status, _headers, _page = self.request(
            "POST",
            path,
            body=urlencode(form).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}"},
        )
        return status

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
