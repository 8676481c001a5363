"""The workflow of concept versions, stated once: services, views and templates ask this table
(``municipalities/workflow.py``).

::

    draft ──open_consultation──▶ consultation ──adopt──▶ adopted ──supersede──▶ superseded
      └──────────────────────adopt─────────────────────────▲

Editing (``edit``) keeps the state and is possible until the adoption freezes the version; an
adopted version is the start of the next one (``start_fortschreibung``, a copy: the state stays).
Adopting a version supersedes the one adopted before (``supersede``: the portal's step, no person's).
"""

from __future__ import annotations

from municipalities.permissions import is_ki_staff
from municipalities.workflow import Workflow, nobody, step

from .models import ConceptVersion

S = ConceptVersion.Status


def _staff(user, version: ConceptVersion) -> bool:
    """KI staff of the concept's district write and decide."""
    return is_ki_staff(user, version.concept.district)


VERSION = Workflow(
    {
        "edit": step(ConceptVersion.EDITABLE_STATUSES, None, _staff),
        "open_consultation": step({S.DRAFT}, S.CONSULTATION, _staff),
        "adopt": step({S.DRAFT, S.CONSULTATION}, S.ADOPTED, _staff),
        "supersede": step({S.ADOPTED}, S.SUPERSEDED, nobody),
        "start_fortschreibung": step({S.ADOPTED}, None, _staff),
    }
)


def allowed_actions(version: ConceptVersion, user) -> frozenset[str]:
    return VERSION.allowed_actions(version, user)


def may_become(version: ConceptVersion, status: str) -> bool:
    """Some step of the table moves the version from its state to ``status``."""
    return status in VERSION.targets_from(version.status, VERSION.transitions)
