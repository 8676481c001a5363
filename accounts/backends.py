"""Authentication backend of the portal's own accounts.

Django's ``ModelBackend`` with one difference: the user row of a logged-in request comes from the
person's cached state (``accounts.user_state``) instead of the database on every request. Every
save or deletion of a user renews that state once the transaction commits (``accounts.signals``),
and Django's own session check (the password hash in the session) still runs on each request, so
a changed password, a deactivation or a deletion is seen by the very next request.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from . import user_state

# The path sessions store for logins through the portal's own forms (``login(..., backend=...)``).
PORTAL_BACKEND = "accounts.backends.PortalModelBackend"


class PortalModelBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return super().get_user(user_id)
        return user_state.load_user(pk, lambda: super(PortalModelBackend, self).get_user(pk))
