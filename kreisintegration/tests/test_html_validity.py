"""Valid HTML: every page of the permission matrix, for every role, passes the Nu Html Checker.

The pages come from the matrix (``matrix.py``): each URL each role may open (GET
200, and the error pages the matrix expects), and each form a role may send, sent empty so that
it comes back with its error messages. All of them go to ONE run of the checker (``vnu.jar`` from
npm ``vnu-jar``, run with the system's Java), because the JVM takes seconds to start. A page that
several roles or URLs get byte for byte (up to the random CSRF token) is checked once; an error in
it names every role, method and URL that got it.
"""

import hashlib
import json
import re
import subprocess
from pathlib import Path

import pytest

from kreisintegration.tests import matrix

VNU_JAR = Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Statuses whose answer is a page a person reads (404/410: the portal's own error pages).
PAGE_STATUSES = {200, 400, 403, 404, 410}
# The JVM only as far as a short run needs it: the quick compiler alone (the optimising one spent
# more CPU compiling than it saved on about a thousand pages; its frames need a larger stack) and
# the single-threaded collector. The checker's results do not depend on either.
JAVA_OPTIONS = ["-Xss4m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
# Django masks the CSRF token anew for every response: 64 letters and digits in a hidden input.
CSRF_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{64}"')

objects = matrix.objects  # the matrix's Unna data: an event in every state, a course, a report, …
matrix_objects = matrix.matrix_objects  # built once for the module, each test in its own savepoint


def run_vnu(directory: Path) -> list[dict]:
    """The checker's errors for every ``.html`` file in ``directory`` (one JVM start)."""
    result = subprocess.run(
        [
            "java",
            *JAVA_OPTIONS,
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--errors-only",
            # The language detection only ever warns (a page's text against its lang attribute);
            # with --errors-only its work is thrown away.
            "--no-langdetect",
            "--exit-zero-always",
            "--skip-non-html",
            str(directory),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return json.loads(result.stderr)["messages"]


def describe(message: dict, directory: Path) -> str:
    name = Path(message.get("url", "").removeprefix("file:")).name
    page = (directory / name).with_suffix(".url")
    where = " | ".join(page.read_text(encoding="utf-8").splitlines()) if page.exists() else name
    line = message.get("lastLine", "?")
    return f"{where} (line {line}): {message.get('message')} – {message.get('extract', '').strip()!r}"


def collect_pages(client, objects, directory: Path) -> int:
    """Write every HTML answer of the matrix to ``directory``; GETs first, then the empty forms.

    Answers that differ only in the CSRF token (another string of the same letters in the same
    attribute, so the same validity) are one file, ``<hash>.html``, whose ``<hash>.url`` lists every
    role, method and URL that got it. Returns the number of answers."""
    count = 0
    for method in ("GET", "POST"):
        for role in matrix.ROLES:
            client.logout()
            if role != "anonymous":
                client.force_login(objects["users"][role])
            for name, (key, methods) in matrix.MATRIX.items():
                expected = methods.get(method, {}).get(role)
                if expected not in PAGE_STATUSES or (method == "POST" and expected != 200):
                    continue
                url = matrix.url_for(name, key, objects)
                response = client.generic(method, url)
                if not response.get("Content-Type", "").startswith("text/html"):
                    continue
                stem = hashlib.sha256(CSRF_TOKEN.sub(rb'\1"', response.content)).hexdigest()
                page = directory / f"{stem}.html"
                if not page.exists():
                    page.write_bytes(response.content)
                with (directory / f"{stem}.url").open("a", encoding="utf-8") as where:
                    where.write(f"{role} {method} {url}\n")
                count += 1
    return count


def test_vnu_reports_errors_of_an_invalid_page(tmp_path):
    """The checker itself works: the two errors the portal had are found."""
    (tmp_path / "kaputt.html").write_text(
        '<!DOCTYPE html><html lang="de"><head><title>Kaputt</title></head><body>'
        '<form action="" method="post"><button>Senden</button></form>'
        '<time datetime="2026-03-15 09:30:00.123456+00:00">15. März</time></body></html>',
        encoding="utf-8",
    )
    messages = " ".join(m["message"] for m in run_vnu(tmp_path))
    assert "Bad value “” for attribute “action”" in messages
    assert "Bad value “2026-03-15 09:30:00.123456+00:00” for attribute “datetime”" in messages


@pytest.mark.django_db
def test_every_page_of_every_role_is_valid_html(client, objects, tmp_path):
    pages = collect_pages(client, objects, tmp_path)
    assert pages > 150, f"only {pages} HTML pages collected – did the matrix change?"

    errors = [describe(message, tmp_path) for message in run_vnu(tmp_path) if message.get("type") == "error"]

    assert not errors, f"{len(errors)} HTML errors in {pages} pages:\n" + "\n".join(sorted(errors))
