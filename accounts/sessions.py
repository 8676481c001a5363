"""The time of a session's last request, for the idle logout (kreisintegration.middleware)."""

import time

LAST_ACTIVITY_SESSION_KEY = "_last_activity"
# Whether the person had set up a second factor when logging in: spares users without one (most
# volunteers and contacts) a database query per request in the second-factor middleware.
HAD_TWO_FACTOR_SESSION_KEY = "_had_two_factor"


def note_activity(session) -> None:
    session[LAST_ACTIVITY_SESSION_KEY] = int(time.time())


def note_activity_at_login(sender, request, user, **kwargs) -> None:
    """Stamp the new session at login, so the first request after it need not write it."""
    if request is not None and hasattr(request, "session"):
        from .twofactor import has_two_factor

        note_activity(request.session)
        request.session[HAD_TWO_FACTOR_SESSION_KEY] = has_two_factor(user)
