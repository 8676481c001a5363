"""`.env.example` and the README's configuration table name exactly the variables the settings read."""

import ast
import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
SETTINGS_DIR = BASE_DIR / "kreisintegration" / "settings"
NAME = re.compile(r"[A-Z][A-Z0-9_]+")


def _is_os_environ(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute) and node.attr == "environ" and getattr(node.value, "id", "") == "os"
    )


def _read_name(node: ast.AST) -> str | None:
    """The variable a settings expression reads: ``env_*("X", …)``, ``os.environ.get("X")``,
    ``os.getenv("X")`` or ``os.environ["X"]``."""
    if isinstance(node, ast.Subscript) and _is_os_environ(node.value):
        key = node.slice
    elif isinstance(node, ast.Call) and node.args:
        func = node.func
        reads = (
            (isinstance(func, ast.Name) and func.id.startswith("env_"))
            or (isinstance(func, ast.Attribute) and func.attr == "get" and _is_os_environ(func.value))
            or (
                isinstance(func, ast.Attribute)
                and func.attr == "getenv"
                and getattr(func.value, "id", "") == "os"
            )
        )
        if not reads:
            return None
        key = node.args[0]
    else:
        return None
    return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None


def settings_variables() -> set[str]:
    names = set()
    for path in sorted(SETTINGS_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if name := _read_name(node):
                names.add(name)
    return names


def env_example_variables() -> set[str]:
    """Every ``NAME=`` line, commented out (an optional setting shown with an example) or not."""
    names = set()
    for line in (BASE_DIR / ".env.example").read_text(encoding="utf-8").splitlines():
        if match := re.match(r"#?\s*([A-Z][A-Z0-9_]+)=", line):
            names.add(match.group(1))
    return names


def readme_table_variables() -> set[str]:
    """The names in the first column of the table under „## Configuration“ (rows marked
    „(Django setting)“ are settings without a variable and are left out)."""
    section = (BASE_DIR / "README.md").read_text(encoding="utf-8").split("\n## Configuration\n", 1)[1]
    names = set()
    in_table = False
    for line in section.splitlines():
        if line.startswith("| variable |"):
            in_table = True
            continue
        if in_table and not line.startswith("|"):
            break
        if not in_table or line.startswith("|---"):
            continue
        first = line.split("|")[1]
        if "(Django setting)" in first:
            continue
        names.update(NAME.findall(" ".join(re.findall(r"`([^`]+)`", first))))
    return names


def test_the_helpers_find_what_the_settings_read():
    found = settings_variables()
    # One of each kind of read: env_* helper, os.environ.get, a second name read as fallback.
    assert {"DEBUG", "SECRET_KEY", "RATELIMIT_IP_META_KEY", "SECURE_SSL_REDIRECT"} <= found
    assert "os" not in found and "DJANGO_SETTINGS_MODULE" not in found


def test_env_example_lists_every_variable_and_no_stale_one():
    read, listed = settings_variables(), env_example_variables()
    assert sorted(read - listed) == [], "read by the settings but missing in .env.example"
    assert sorted(listed - read) == [], "in .env.example but read by no setting"


def test_readme_table_lists_every_variable_and_no_stale_one():
    read, listed = settings_variables(), readme_table_variables()
    assert sorted(read - listed) == [], "read by the settings but missing in the README's table"
    assert sorted(listed - read) == [], "in the README's table but read by no setting"
