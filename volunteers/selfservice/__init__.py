"""A volunteer's own account, in self-service: sign-up with double opt-in (``signup``), profile
(``profile``), consents (``consents``), the own-data export (``export``) and deletion
(``deletion``).

Everything here acts on the person's own data; KI staff work on volunteers
through ``volunteers.services`` and their own views.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from volunteers.models import Registration

OPEN_STATUSES = (Registration.Status.REGISTERED, Registration.Status.WAITLISTED, Registration.Status.OFFERED)


class AccountError(ValidationError):
    """A step on one's own account that is not possible; the message says why, in German."""
