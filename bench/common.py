"""Settings and helpers the bench scripts share (``bench/run.py`` and ``bench/writes.py``)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


PY = sys.executable
VENV_BIN = Path(PY).parent
SCALE = int(os.environ.get("BENCH_SCALE", "40"))
# One database per scale (ki_bench for 40, ki_bench_400 for 400): the data sets live side by side.
DATABASE = os.environ.get("BENCH_DATABASE", "ki_bench" if SCALE == 40 else f"ki_bench_{SCALE}")
REDIS_DB = os.environ.get("BENCH_REDIS_DB", "7")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "6"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
ONLY = tuple(name.strip() for name in os.environ.get("BENCH_ONLY", "").split(",") if name.strip())
RUN_DIR = ROOT / "bench" / ".run"
RESULTS = ROOT / "bench" / "results"
DB_ROLE = "kreisintegration"

ENV = {
    **os.environ,
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "SECURE_HSTS_SECONDS": "0",
    "DATABASE_URL": f"postgres://{DB_ROLE}@127.0.0.1:5432/{DATABASE}",
    "CONN_MAX_AGE": "600",
    "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
    "CACHE_KEY_PREFIX": "bench",
    "STATIC_ROOT": str(RUN_DIR / "static"),
    "MEDIA_ROOT": str(RUN_DIR / "media"),
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    "BENCH_QUERY_COUNT": "1",
    # The rate limits stay on. The load comes from one address, but in production 200 volunteers
    # register from 200 addresses behind the reverse proxy: the bench plays that proxy and names
    # each client's address in X-Real-IP.
    "RATELIMIT_IP_META_KEY": "HTTP_X_REAL_IP",
    "LOG_LEVEL": "WARNING",
    "SITE_URL": f"http://127.0.0.1:{PORT}",
    "PYTHONPATH": str(ROOT),
}
ENV.pop("PORTAL_DISTRICT_SLUG", None)


def selected(name: str) -> bool:
    """BENCH_ONLY: run only these scenarios (and the baseline, which every ratio needs)."""
    return name == "baseline" or not ONLY or any(name.startswith(prefix) for prefix in ONLY)


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def manage(*args: str, quiet: bool = True) -> None:
    subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=ENV,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def django_side(*args: str) -> dict:
    out = subprocess.run(
        [PY, "-m", "bench.django_side", *args], cwd=ROOT, env=ENV, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _line(row: dict, *extra: str) -> None:
    """The BENCH line of a write scenario: the fields of every scenario, then its own."""
    print(
        f"BENCH scenario={row['scenario']} requests={row['requests']} rps={row['rps']} p50_ms={row['p50_ms']} "
        f"p95_ms={row['p95_ms']} p99_ms={row['p99_ms']} queries={row['queries']} ratio_rps={row['ratio_rps']} "
        f"errors={row['errors']} " + " ".join(f"{key}={row[key]}" for key in extra),
        flush=True,
    )
