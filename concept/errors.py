"""Domain errors of the concept app; views map them to HTTP answers."""

from __future__ import annotations

from dataclasses import dataclass


class ConceptFrozen(Exception):
    """An adopted (or superseded) version cannot be changed: the view answers 409."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Change:
    label: str
    saved: str
    yours: str


class StaleEdit(Exception):
    """Someone saved the same object since this form was opened: nothing is saved."""

    def __init__(self, message: str, changes: list[Change]):
        super().__init__(message)
        self.message = message
        self.changes = changes
