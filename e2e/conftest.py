"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright's sync API runs an asyncio event loop in the test thread; Django refuses
database access from a thread with a running loop unless told that this is fine.
Playwright never downloads a browser here: it always starts ``/usr/bin/chromium``.
"""

import functools
import os
import re
import weakref
from io import StringIO
from pathlib import Path

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest
from playwright.sync_api import BrowserContext, Page, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=de-DE",
]
E2E_DIR = Path(__file__).parent
NODE_MODULES = E2E_DIR.parent / "node_modules"
# The scanners come from npm, pinned in package.json (``make test`` runs ``npm ci``): the current
# axe-core and HTML_CodeSniffer, the rules pa11y's default runner applies.
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
HTMLCS_JS = NODE_MODULES / "html_codesniffer" / "build" / "HTMLCS.js"
HTMLCS_STANDARD = "WCAG2AA"
HTMLCS_ERROR = 1  # HTMLCS message types: 1 error, 2 warning, 3 notice (pa11y reports errors by default)
# crispy-forms appends "*" to the labels of required fields.
PASSWORD_LABEL = re.compile(r"^\s*Passwort\s*\*?\s*$")


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright_instance():
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_context(browser, live_server):
    """Factory for fresh browser contexts (no shared cookies) against the live server."""
    contexts = []

    csp_violations: list[str] = []

    def watch(page) -> None:
        page.on(
            "console",
            lambda message: (
                csp_violations.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )

    def make():
        context = browser.new_context(locale="de-DE", base_url=live_server.url)
        context.set_default_timeout(10_000)
        context.on("page", watch)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    # Every page the browser tests open must work under the portal's strict policy.
    assert not csp_violations, "Content-Security-Policy violations:\n" + "\n".join(csp_violations)


@pytest.fixture
def page(new_context) -> Page:
    return new_context().new_page()


@pytest.fixture(scope="session")
def _demo_year_files(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("demo-year") / "media"


@pytest.fixture
def demo_year(transactional_db, settings, tmp_path, _demo_year_files):
    """A year of demo data (``seed_demo``) with its concept report (``build_overview``), built once
    per test process and copied back for each later test (e2e/demo_snapshot.py); the report."""
    from django.core.management import call_command

    from e2e import demo_snapshot
    from overview.models import ConceptReport

    settings.DEBUG = True  # seed_demo creates the demo accounts only in DEBUG
    settings.MEDIA_ROOT = tmp_path / "media"

    def build() -> None:
        call_command("seed_demo", stdout=StringIO())
        call_command("build_overview", "--year", "2026", stdout=StringIO())

    demo_snapshot.load(build=build, media=settings.MEDIA_ROOT, spare=_demo_year_files)
    return ConceptReport.objects.get()


def _describe_node(node: dict) -> str:
    target = " ".join(map(str, node["target"]))
    checks = node.get("any") or node.get("all") or node.get("none") or []
    messages = [check["message"] for check in checks if check.get("message")]
    return f"{target} ({messages[0]})" if messages else target


@functools.cache
def _scanner_source(script: Path) -> str:
    return script.read_text(encoding="utf-8")


# Contexts whose documents carry the scanners' code from their start (as a function not yet called).
_contexts_with_loaders: weakref.WeakKeyDictionary[BrowserContext, set[str]] = weakref.WeakKeyDictionary()


def _scan(page: Page, script: Path, marker: str, run: str, arg):
    """Run a scanner (``run``: a JavaScript function of ``arg``) on the current document, loading
    the scanner first, evaluated through the DevTools protocol, so the page's
    Content-Security-Policy (no inline scripts) does not block the test tool; a <script> tag would
    be blocked, rightly.

    Sending the scanner's code (axe 650 kB, HTML_CodeSniffer 365 kB) with every scan cost more than
    running it. After the first scan in a browser context, the context's later documents receive
    the code once, as an init script that only defines a function holding it; a scan calls that
    function and runs the scanner in the same round trip, so the scanner is still evaluated when
    the page has loaded, as before."""
    loader = f"__kiLoad_{marker}"
    found = page.evaluate(
        f"""async arg => {{
            if (typeof window.{marker} === 'undefined') {{
                if (typeof window.{loader} !== 'function') return {{ready: false}};
                window.{loader}();
            }}
            return {{ready: true, result: await ({run})(arg)}};
        }}""",
        arg,
    )
    if found["ready"]:
        return found["result"]
    source = _scanner_source(script)
    page.evaluate(source + "\n;undefined")
    installed = _contexts_with_loaders.setdefault(page.context, set())
    if marker not in installed:
        installed.add(marker)
        page.context.add_init_script(
            f"Object.defineProperty(window, {loader!r}, {{configurable: true, value: function () {{\n{source}\n}}}});"
        )
    return page.evaluate(run, arg)


# Only the violations are reported, so axe is asked for those alone (``resultTypes``): for the other
# groups (passes, incomplete, inapplicable) it then keeps one node per rule instead of working out
# selectors and HTML for every node that passed, its documented way to scan faster. It still runs
# every rule on every node, so the violations are the same. Only they travel back to Python.
AXE_RUN = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
    .then(result => result.violations)"""


def axe_findings(page: Page) -> list[str]:
    """Every axe violation (any impact) at WCAG 2.1 A/AA and best practice, one line each."""
    violations = _scan(page, AXE_JS, "axe", AXE_RUN, AXE_TAGS)
    lines = []
    for violation in violations:
        nodes = "; ".join(_describe_node(node) for node in violation["nodes"])
        lines.append(
            f"{page.url}: axe [{violation['impact']}] {violation['id']} – {violation['help']} – {nodes}"
        )
    return lines


HTMLCS_RUN = """([standard, errorType]) => new Promise((resolve, reject) => {
    HTMLCS.process(standard, document, () => {
        resolve(HTMLCS.getMessages().filter(m => m.type === errorType).map(m => {
            const element = m.element;
            let where = element.nodeName ? element.nodeName.toLowerCase() : String(element);
            if (element.id) where += "#" + element.id;
            else if (element.getAttribute && element.getAttribute("class")) {
                where += "." + element.getAttribute("class").trim().split(/\\s+/).join(".");
            }
            const text = (element.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60);
            return {code: m.code, msg: m.msg, where: where, text: text};
        }));
    }, reject, "en");
})"""


def htmlcs_findings(page: Page) -> list[str]:
    """HTML_CodeSniffer's errors at WCAG 2.1 AA (what ``pa11y --runner htmlcs`` reports)."""
    messages = _scan(page, HTMLCS_JS, "HTMLCS", HTMLCS_RUN, [HTMLCS_STANDARD, HTMLCS_ERROR])
    return [
        f"{page.url}: HTML_CodeSniffer {m['code']} – {m['msg']} – {m['where']} „{m['text']}“"
        for m in messages
    ]


def axe_violations(page: Page) -> list[str]:
    """The accessibility findings of the current page by both scanners, axe-core and
    HTML_CodeSniffer, one readable line each; any finding fails a test."""
    return axe_findings(page) + htmlcs_findings(page)


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, "Accessibility violations:\n" + "\n".join(violations)


def visit(page: Page, live_server, path: str, status: int = 200):
    """Open a path of the live server and check the answer's status."""
    response = page.goto(live_server.url + path)
    assert response is not None
    assert response.status == status, f"{path} answered {response.status}, expected {status}"
    return response


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0: no horizontal scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def save_screenshot(page: Page, name: str) -> None:
    """Full-page PNG into $E2E_SCREENSHOT_DIR (e.g. /tmp/shots) for a human look; off by default."""
    directory = os.environ.get("E2E_SCREENSHOT_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^\w.-]+", "_", name).strip("_") or "start"
        page.screenshot(path=str(Path(directory) / f"{safe}.png"), full_page=True)


def next_totp_code(device) -> str:
    """The code the person's app shows now – or, if that one was used already (django-otp accepts
    each time step once), the next one, which the device accepts too (tolerance of one step)."""
    import time

    from django_otp.oath import hotp

    device.refresh_from_db()
    while True:
        now_t = (int(time.time()) - device.t0) // device.step + device.drift
        t = max(now_t, device.last_t + 1)
        if t <= now_t + device.tolerance:
            return f"{hotp(device.bin_key, t, digits=device.digits):0{device.digits}d}"
        time.sleep(1)


def pass_second_factor(page: Page, email: str) -> None:
    """On the verify page type the current code; on the enrolment page enrol like a person does."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if "/konto/zwei-faktor/bestaetigen/" in page.url:
        device = TOTPDevice.objects.get(user__email=email, confirmed=True)
        page.get_by_label("Bestätigungscode").fill(next_totp_code(device))
        page.get_by_role("button", name="Bestätigen").click()
    elif "/konto/zwei-faktor/einrichten/" in page.url:
        device = TOTPDevice.objects.get(user__email=email, confirmed=False)
        page.get_by_label("Bestätigungscode").fill(next_totp_code(device))
        page.get_by_role("button", name="Einrichtung abschließen").click()
        page.get_by_role("button", name="Ich habe die Codes gesichert – weiter").click()
    page.wait_for_load_state()


def login_via_form(page: Page, live_server, email: str, password: str) -> None:
    """Log in through the real form (with the second factor where the role needs one) and check
    that the portal shows a logged-in page. For the tests whose subject is the login itself."""
    page.goto(f"{live_server.url}/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label(PASSWORD_LABEL).fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state()
    expect(page).not_to_have_url(re.compile(r"/konto/anmelden/"))
    pass_second_factor(page, email)
    expect(page).not_to_have_url(re.compile(r"/konto/zwei-faktor/"))
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()


def _second_factor_device(user):
    """The confirmed TOTP device a verified session names, as the form login leaves it: an existing
    one (also one set up voluntarily); for a person who must enrol, one made like the enrolment
    does, with its recovery codes. None for a person without a second factor."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts import twofactor
    from municipalities.permissions import needs_second_factor

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None and needs_second_factor(user):
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=twofactor.TOTP_DEVICE_NAME, confirmed=True)
        twofactor.new_recovery_codes(user=user)
    return device


def login(page: Page, live_server, email: str, password: str) -> None:
    """Log in by cookie: a real session made server-side (Django's ``login`` with the portal's
    backend, so the session hash, the login signals and the activity stamp are as after the form;
    the verified second factor where the person needs or has one), its cookie set on the page's
    context, then the page the form login lands on ("Mein Bereich"), checked to be logged in.

    The form itself is tested by ``login_via_form`` (e2e/test_login.py)."""
    from importlib import import_module
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth import login as django_login
    from django.http import HttpRequest
    from django.shortcuts import resolve_url
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts.backends import PORTAL_BACKEND

    user = get_user_model()._default_manager.get(email__iexact=email)
    assert user.is_active and user.check_password(password), f"{email} cannot log in with that password"
    device = _second_factor_device(user)  # before the login: the session notes whether one exists
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    django_login(request, user, backend=PORTAL_BACKEND)
    if device is not None:
        request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    request.session.save()
    cookie = {
        "name": settings.SESSION_COOKIE_NAME,
        "value": request.session.session_key,
        "domain": urlsplit(live_server.url).hostname,
        "path": "/",
        "httpOnly": settings.SESSION_COOKIE_HTTPONLY,
        "secure": settings.SESSION_COOKIE_SECURE,
    }
    if settings.SESSION_COOKIE_SAMESITE:
        cookie["sameSite"] = settings.SESSION_COOKIE_SAMESITE
    page.context.add_cookies([cookie])
    page.goto(live_server.url + resolve_url(settings.LOGIN_REDIRECT_URL))
    expect(page).not_to_have_url(re.compile(r"/konto/(anmelden|zwei-faktor)/"))
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()
