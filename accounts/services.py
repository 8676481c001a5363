"""Writes with business meaning for accounts (mail leaves the portal through ``outbox.services``)."""

from __future__ import annotations

from django.conf import settings

from .models import User


def create_account(*, email: str, full_name: str, password: str | None, language: str = "") -> User:
    """A new active account; callers check first that the address is free."""
    return User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name.strip(),
        preferred_language=language or settings.LANGUAGE_CODE,
    )


def find_user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=User.objects.normalize_email(email)).first()
