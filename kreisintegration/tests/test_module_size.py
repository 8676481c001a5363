"""No module over 400 lines outside migrations and tests: a newcomer finds one concern per module."""

from pathlib import Path

from django.conf import settings

MAX_LINES = 400
# Directories whose modules are not counted: generated migrations, tests and what is not ours.
SKIPPED_DIRECTORIES = {"migrations", "tests", "e2e", "node_modules", "staticfiles", "media", "__pycache__"}


def project_modules() -> dict[str, int]:
    """Line counts of the project's own Python modules, by path relative to the project root."""
    root = Path(settings.BASE_DIR)
    counts = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).parts
        if any(part in SKIPPED_DIRECTORIES or part.startswith(".") for part in parts[:-1]):
            continue
        if parts[-1].startswith("test_") or parts[-1] == "conftest.py":
            continue
        counts["/".join(parts)] = len(path.read_text(encoding="utf-8").splitlines())
    return counts


def test_the_walk_finds_the_project_modules():
    modules = project_modules()
    assert "manage.py" in modules
    assert "kreisintegration/settings/__init__.py" in modules
    assert "volunteers/models/courses.py" in modules
    assert not any("/migrations/" in path or "/tests/" in path or path.startswith("e2e/") for path in modules)


def test_no_module_is_over_400_lines():
    too_long = {path: lines for path, lines in project_modules().items() if lines > MAX_LINES}
    assert not too_long, "Modules over {} lines (split them by concern): {}".format(
        MAX_LINES, ", ".join(f"{path} ({lines})" for path, lines in sorted(too_long.items()))
    )


def test_no_test_module_imports_another_test_module():
    """Shared test code lives in conftest.py, factories and helper modules, where a reader looks."""
    import ast

    root = Path(settings.BASE_DIR)
    offenders = []
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).parts
        if any(part in {"node_modules", "staticfiles", "media"} or part.startswith(".") for part in parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [f"{node.module or ''}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            if any(name.rsplit(".", 1)[-1].startswith("test_") for name in names):
                offenders.append("/".join(parts))
    assert not offenders, "Test modules imported by other modules: " + ", ".join(sorted(set(offenders)))


def test_every_test_directory_is_collected_by_make_test():
    """A tests/ folder outside pytest.ini's testpaths would never run (signlanguage's once did not)."""
    import configparser

    root = Path(settings.BASE_DIR)
    config = configparser.ConfigParser()
    config.read(root / "pytest.ini")
    testpaths = set(config["pytest"]["testpaths"].split())
    apps_with_tests = {
        path.relative_to(root).parts[0]
        for path in root.glob("*/tests/test_*.py")
        if not path.relative_to(root).parts[0].startswith(".")
    }
    assert apps_with_tests <= testpaths, sorted(apps_with_tests - testpaths)
