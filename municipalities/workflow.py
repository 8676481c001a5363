"""Workflows stated as tables: which action moves an object from which states to which, and who may.

Each app states its workflows once (``events/workflow.py``, ``volunteers/workflow.py``,
``concept/workflow.py``, ``engagement/workflow.py``) as a dict
of ``Transition`` rows. Services check a step with ``Workflow.check``; views hand
``allowed_actions(obj, user)`` to templates, which ask ``{% if "approve" in actions %}``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.functional import Promise

Who = Callable[[Any, Any], bool]  # (user, obj) -> may the user take this step?


def nobody(user, obj) -> bool:
    """Steps only the portal itself takes (beat tasks, a freed seat): never offered to a person."""
    return False


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str | None  # None: the step keeps the state (editing, recording attendance)
    who: Who


def step(sources, target: str | None, who: Who) -> Transition:
    return Transition(frozenset(sources), target, who)


class Workflow:
    def __init__(self, transitions: Mapping[str, Transition], *, state: str = "status"):
        self.transitions = dict(transitions)
        self.state = state

    def __getitem__(self, action: str) -> Transition:
        return self.transitions[action]

    def is_possible(self, action: str, obj) -> bool:
        """The state allows the step (whoever asks)."""
        return getattr(obj, self.state) in self.transitions[action].sources

    def permits(self, action: str, obj, user) -> bool:
        """The user may take the step (whatever the state)."""
        return self.transitions[action].who(user, obj)

    def allowed_actions(self, obj, user) -> frozenset[str]:
        """The steps ``user`` may take on ``obj`` in its current state."""
        return frozenset(
            action
            for action, transition in self.transitions.items()
            if self.is_possible(action, obj) and transition.who(user, obj)
        )

    def check(
        self,
        action: str,
        obj,
        user,
        *,
        message: str | Promise,
        error: type[ValidationError] = ValidationError,
    ) -> None:
        """Raise ``PermissionDenied`` when the user may not take the step, ``error`` when the state forbids it.

        A ``%(status)s`` in ``message`` is filled in with the label of the object's current state.
        """
        if not self.permits(action, obj, user):
            raise PermissionDenied
        if not self.is_possible(action, obj):
            if "%(status)s" in str(message):
                message = str(message) % {"status": getattr(obj, f"get_{self.state}_display")()}
            raise error(message)

    def target_of(self, action: str) -> str:
        """The state ``action`` moves to; only for a step that changes the state."""
        target = self.transitions[action].target
        if target is None:
            raise ValueError(f"{action!r} keeps the state")
        return target

    def targets_from(self, state: str, actions) -> tuple[str, ...]:
        """The states reachable from ``state`` by ``actions`` (for a form's status choices)."""
        return tuple(
            self.transitions[action].target
            for action in actions
            if state in self.transitions[action].sources and self.transitions[action].target
        )
