"""The time of a session's last request, for the idle logout (kreisintegration.middleware)."""

import time

LAST_ACTIVITY_SESSION_KEY = "_last_activity"


def note_activity(session) -> None:
    session[LAST_ACTIVITY_SESSION_KEY] = int(time.time())


def note_activity_at_login(sender, request, user, **kwargs) -> None:
    """Stamp the new session at login, so the first request after it need not write it."""
    if request is not None and hasattr(request, "session"):
        note_activity(request.session)
