"""The portal uses KERN UX only: no template may keep a Bootstrap class name."""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"

# Class names (or prefixes) that only Bootstrap defines. Prefixes end with "-".
BOOTSTRAP_EXACT = {
    "btn",
    "row",
    "col",
    "container",
    "container-fluid",
    "alert",
    "badge",
    "table",
    "card",
    "nav",
    "navbar",
    "lead",
    "small",
    "visually-hidden",
    "visually-hidden-focusable",
    "list-unstyled",
    "list-inline",
    "list-inline-item",
    "breadcrumb",
    "breadcrumb-item",
    "pagination",
    "page-item",
    "page-link",
    "is-invalid",
    "is-valid",
    "invalid-feedback",
    "valid-feedback",
    "input-group",
    "dropdown",
    "dropdown-menu",
    "list-group",
    "list-group-item",
    "border",
    "rounded",
    "shadow",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "text-muted",
    "text-body-secondary",
    "clearfix",
    "stretched-link",
    "vstack",
    "hstack",
    "sticky-top",
    "min-vh-100",
    "mw-100",
    "g-0",
    "align-top",
    "align-middle",
    "align-bottom",
    "align-baseline",
}
BOOTSTRAP_PREFIXES = (
    "btn-",
    "col-",
    "row-cols-",
    "d-",
    "container-",
    "alert-",
    "badge-",
    "table-",
    "form-",
    "card-",
    "nav-",
    "navbar-",
    "text-bg-",
    "text-",
    "bg-",
    "fw-",
    "fs-",
    "fst-",
    "display-",
    "justify-content-",
    "align-items-",
    "align-self-",
    "align-content-",
    "flex-",
    "w-",
    "h-",
    "float-",
    "border-",
    "rounded-",
    "shadow-",
    "position-",
    "list-group-",
    "input-group-",
    "dropdown-",
    "progress-",
    "spinner-",
    "order-",
    "offset-",
    "link-",
    "ratio-",
)
# Spacing and gutter utilities: m-3, mb-0, px-auto, g-2, gap-3 (not our own "gap-marker").
BOOTSTRAP_SPACING = re.compile(r"^(?:[mp][tbsexy]?-(?:\d|auto)|g[xy]?-\d|gap-\d)$")
CLASS_ATTRIBUTE = re.compile(r'\bclass="([^"]*)"')
TEMPLATE_CODE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}")
# The mail bodies and the PDF templates never load a stylesheet of the portal: they carry their
# own small e-mail/print CSS, whose names ("small", "num") are theirs.
OWN_STYLESHEETS = ("mail", "pdf")


def bootstrap_classes(html: str) -> set[str]:
    found = set()
    for value in CLASS_ATTRIBUTE.findall(html):
        for name in TEMPLATE_CODE.sub(" ", value).split():
            name = name.strip("'\"")
            if (
                name in BOOTSTRAP_EXACT
                or name.startswith(BOOTSTRAP_PREFIXES)
                or BOOTSTRAP_SPACING.match(name)
            ):
                found.add(name)
    return found


def portal_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        if not set(path.relative_to(TEMPLATES).parts) & set(OWN_STYLESHEETS):
            yield path


def test_the_scan_recognises_bootstrap_markup():
    sample = (
        '<div class="row g-3"><a class="btn {% if x %}btn-primary{% endif %}">x</a><p class="mb-0 kern-body">'
    )
    assert bootstrap_classes(sample) == {"row", "g-3", "btn", "btn-primary", "mb-0"}
    assert bootstrap_classes('<a class="kern-btn kern-btn--primary kern-mb-sm ki-nav__link">') == set()


def test_no_template_uses_bootstrap_class_names():
    offenders = {
        str(path.relative_to(TEMPLATES)): sorted(found)
        for path in portal_templates()
        if (found := bootstrap_classes(path.read_text(encoding="utf-8")))
    }
    assert len(list(portal_templates())) > 100
    assert offenders == {}


def test_no_python_widget_sets_bootstrap_classes():
    offenders = []
    for app in (
        "accounts",
        "municipalities",
        "events",
        "volunteers",
        "concept",
        "overview",
        "kreisintegration",
    ):
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if "tests" in path.parts:
                continue
            for match in re.finditer(r'"class":\s*"([^"]*)"', path.read_text(encoding="utf-8")):
                if bootstrap_classes(f'class="{match.group(1)}"'):
                    offenders.append(f"{path.name}: {match.group(1)}")
    assert offenders == []


def test_bootstrap_packages_are_gone():
    assert "bootstrap" not in " ".join(settings.INSTALLED_APPS)
    assert settings.CRISPY_TEMPLATE_PACK == "kern"
    requirements = (Path(settings.BASE_DIR) / "requirements.txt").read_text()
    assert "bootstrap" not in requirements.lower()
