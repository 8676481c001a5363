"""Take the README's screenshot of the KI dashboard from a running portal with demo data.

    make run                      # in one terminal (serves demo data on :8000)
    .venv/bin/python scripts/screenshot_dashboard.py [http://127.0.0.1:8000]

Uses Debian's Chromium (never a downloaded browser) and writes docs/dashboard.png.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000").rstrip("/")
OUT = Path(__file__).resolve().parent.parent / "docs" / "dashboard.png"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--lang=de-DE"]  # fmt: skip

with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
    page = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900}).new_page()
    page.goto(BASE + "/konto/anmelden/")
    page.fill("input[name=username]", "ki@example.org")
    page.fill("input[name=password]", "demo-pass-2026")
    page.click("main button[type=submit]")
    page.goto(BASE + "/kreisuebersicht/")
    page.screenshot(path=str(OUT), full_page=False)
    browser.close()
print(f"wrote {OUT}")
