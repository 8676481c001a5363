"""KERN UX comes from npm (node_modules/) through Django's staticfiles finder, fonts included."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

BASE = Path(settings.BASE_DIR)


def test_kern_is_pinned_exactly_in_the_committed_lock_file():
    package = json.loads((BASE / "package.json").read_text())
    lock = json.loads((BASE / "package-lock.json").read_text())
    assert package["private"] is True and package["license"] == "EUPL-1.2"
    version = package["dependencies"]["@kern-ux/native"]
    assert version[0].isdigit(), "pin the exact version, no range"
    assert lock["packages"]["node_modules/@kern-ux/native"]["version"] == version
    assert "node_modules/" in (BASE / ".gitignore").read_text().splitlines()


def test_the_finder_serves_kern_css_and_its_fonts():
    for path in (
        "kern/kern.min.css",
        "kern/fonts/fira-sans.css",
        "kern/fonts/fira-sans/FiraSans-Regular.woff2",
    ):
        assert finders.find(path), path


def test_collectstatic_with_the_production_storage_resolves_every_url_in_the_css(tmp_path):
    """The manifest storage fails on a url() that points nowhere, e.g. a font KERN's CSS names."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.org",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
    assert "kern/kern.min.css" in manifest
    fonts_css = (tmp_path / "static" / manifest["kern/fonts/fira-sans.css"]).read_text()
    hashed_font = manifest["kern/fonts/fira-sans/FiraSans-Regular.woff2"].rsplit("/", 1)[1]
    assert hashed_font in fonts_css
