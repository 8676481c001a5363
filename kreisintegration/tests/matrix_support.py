"""The permission matrix's vocabulary, shared by the project's table and the apps' rows.

A row states, per method, the expected status for each role; these helpers build those
role → status dicts. ``roles`` defaults to the project's six roles; an app that probes more
(engagement's organisations A and B) passes its own list.
"""

ROLES = ["anonymous", "volunteer", "trainer", "contact_unna", "contact_luenen", "ki_staff"]


def everyone(code: int, *, roles=ROLES) -> dict[str, int]:
    return dict.fromkeys(roles, code)


def logged_in(code: int, anonymous: int = 302, *, roles=ROLES) -> dict[str, int]:
    return {**dict.fromkeys(roles, code), "anonymous": anonymous}


def only(allowed: dict, others: int = 403, anonymous: int = 302, *, roles=ROLES) -> dict[str, int]:
    """``allowed`` roles get their status, the other logged-in roles ``others``, anonymous ``anonymous``."""
    return {**dict.fromkeys(roles, others), "anonymous": anonymous, **allowed}
