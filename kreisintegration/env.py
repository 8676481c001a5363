"""Strict parsing of the environment variables the settings read.

A value that cannot be read (``SECURE_SSL_REDIRECT=ture``, ``EMAIL_PORT=25a``) stops start-up with
an ``ImproperlyConfigured`` error that names the variable and the accepted values, instead of
silently falling back to a default an operator did not choose. An unset or empty variable takes
the default.
"""

import json
import os
import re

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def _refuse(name: str, value: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"Environment variable {name}={value!r} is invalid: expected {expected}.")


def env_str(name: str, default: str = "") -> str:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    word = value.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise _refuse(name, value, "one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, default: int, *, minimum: int | None = 0) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise _refuse(name, value, "a whole number") from None
    if minimum is not None and number < minimum:
        raise _refuse(name, value, f"a whole number of at least {minimum}")
    return number


def env_float(name: str, default: float) -> float:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        raise _refuse(name, value, "a number such as 0.5") from None
    if number != number or number < 0:  # NaN or negative
        raise _refuse(name, value, "a number of at least 0")
    return number


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = _raw(name)
    if value is None:
        return default
    word = value.lower()
    if word not in choices:
        quoted = " or ".join(", ".join(repr(c) for c in choices).rsplit(", ", 1))
        raise _refuse(name, value, "one of " + ", ".join(choices) + f" ({name} must be {quoted})")
    return word


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_json_object(name: str) -> dict:
    """A JSON object (e.g. the options of a storage backend); unset or empty: ``{}``."""
    value = _raw(name)
    if value is None:
        return {}
    try:
        parsed = json.loads(value)
    except ValueError:
        raise _refuse(name, value, "a JSON object") from None
    if not isinstance(parsed, dict):
        raise _refuse(name, value, "a JSON object")
    return parsed


_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$"
)


def env_hosts(name: str, default: str = "") -> list[str]:
    """Comma-separated host names such as ``videos.kreis-unna.de`` (no scheme, port, path or ``*``)."""
    hosts = []
    for item in env_list(name, default):
        host = item.lower()
        if not _HOSTNAME.match(host):
            raise _refuse(name, item, "comma-separated host names such as videos.example.org")
        hosts.append(host)
    return hosts
