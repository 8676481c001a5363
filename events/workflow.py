"""The review workflow of events, stated once: services, views and templates ask this table.

::

    draft ──submit──▶ submitted ──approve──▶ approved ──cancel──▶ cancelled
      ▲                  │  │
      └──(edit)─ returned◀┘  └──reject──▶ rejected

Editing (``edit``) keeps the state, except that a municipal contact's change of an approved event
sends it back to review (``services.save_event``).
"""

from __future__ import annotations

from municipalities import permissions
from municipalities.workflow import Workflow, step

from .models import Event

S = Event.Status


def _manages(user, event: Event) -> bool:
    """The event's municipality is theirs: its contacts and KI staff of the district."""
    return permissions.may_manage_municipality(user, event.municipality)


def _reviews(user, event: Event) -> bool:
    """KI staff of the event's district decide."""
    return permissions.may_administer_municipality(user, event.municipality)


EVENT = Workflow(
    {
        "edit": step({S.DRAFT, S.SUBMITTED, S.RETURNED, S.APPROVED}, None, _manages),
        "submit": step({S.DRAFT, S.RETURNED}, S.SUBMITTED, _manages),
        "approve": step({S.SUBMITTED}, S.APPROVED, _reviews),
        "return": step({S.SUBMITTED}, S.RETURNED, _reviews),
        "reject": step({S.SUBMITTED}, S.REJECTED, _reviews),
        "cancel": step({S.APPROVED}, S.CANCELLED, _manages),
    }
)
# The review's decisions: one service (``decide_event``) takes any of them.
DECISIONS = ("approve", "return", "reject")


def allowed_actions(event: Event, user) -> frozenset[str]:
    return EVENT.allowed_actions(event, user)
