"""The README's screenshots (desktop and phone), taken from a running portal with demo data.

    .venv/bin/python scripts/screenshots.py                 # starts its own portal, as `make run` does
    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000   # or uses a running `make run`

Without an address the script does what `make run` does, in a throw-away place: a fresh SQLite
file in a temporary directory, `migrate`, `seed_demo` (demo data and the demo logins), then
`runserver` on a free port; it stops the server at the end. It needs `make install frontend`
(the virtualenv and KERN from npm) and uses Debian's Chromium (never a downloaded browser).
The pictures go to docs/screenshots/ (PNG, one viewport each, not the full page).
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PASSWORD = "demo-pass-2026"  # municipalities.demo.DEMO_PASSWORD
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--lang=de-DE"]  # fmt: skip
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}

# (file name, viewport, demo login or None, path, what to do first: open the menu or scroll to an element)
SHOTS = [
    ("desktop-start", DESKTOP, None, "/", None),
    ("desktop-calendar-month", DESKTOP, None, "/veranstaltungen/?view=month", None),
    ("desktop-kreisuebersicht", DESKTOP, "ki@example.org", "/kreisuebersicht/", None),
    ("desktop-meine-kommune", DESKTOP, "kontakt-unna@example.org", "/kommunen/unna/intern/", None),
    ("phone-start-menu", PHONE, None, "/", "menu"),
    ("phone-calendar-month", PHONE, None, "/veranstaltungen/?view=month", "#calendar-heading"),
    ("phone-courses", PHONE, None, "/kurse/", None),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the development server ended early (exit code {server.returncode})")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"the development server did not answer on {url} within {seconds} s")


@contextmanager
def own_portal():
    """A portal like `make run`'s, with its own SQLite file and port; stopped afterwards."""
    python = ROOT / ".venv" / "bin" / "python"
    with tempfile.TemporaryDirectory(prefix="ki-screenshots-") as tmp:
        port = free_port()
        env = {
            **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{tmp}/screenshots.sqlite3",
            "MEDIA_ROOT": f"{tmp}/media",
            "SITE_URL": f"http://127.0.0.1:{port}",
        }
        for command in (["migrate", "--noinput"], ["seed_demo"]):
            subprocess.run(
                [python, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
            )
        server = subprocess.Popen(
            [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_up(url, server)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=30)


def log_in(page, base: str, email: str) -> None:
    page.goto(base + "/konto/anmelden/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    if "/konto/" in page.url:
        sys.exit(
            f"login as {email} did not succeed (now on {page.url}); is this a DEBUG portal with demo data?"
        )


def take_screenshots(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, viewport, login, path, action in SHOTS:
            phone = viewport is PHONE
            context = browser.new_context(
                locale="de-DE", viewport=viewport, device_scale_factor=2 if phone else 1, is_mobile=phone
            )
            page = context.new_page()
            if login:
                log_in(page, base, login)
            page.goto(base + path)
            page.wait_for_load_state("load")
            page.evaluate("document.fonts.ready.then(() => true)")  # Fira Sans, not a fallback font
            target = OUT / f"{name}.png"
            if action == "menu":
                page.get_by_role("button", name="Menü").click()
                page.screenshot(path=str(target))
            elif action:
                # One screen from the element down, cut from the full page (no scrolling, no repaint).
                top = page.locator(action).evaluate(
                    "e => e.getBoundingClientRect().top + window.scrollY - 16"
                )
                page.screenshot(path=str(target), full_page=True, clip={"x": 0, "y": top, **viewport})
            else:
                page.screenshot(path=str(target))
            print(f"wrote {target.relative_to(ROOT)}")
            context.close()
        browser.close()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        take_screenshots(sys.argv[1].rstrip("/"))
    else:
        with own_portal() as base_url:
            take_screenshots(base_url)
