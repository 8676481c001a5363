"""Writes with business meaning for accounts, and the one way mail leaves the portal."""

from __future__ import annotations

import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from .models import User

_state = threading.local()


@contextmanager
def mail_suppressed():
    """Queue no mail inside this block (demo seeding walks the workflow without mailing anybody)."""
    previous = getattr(_state, "suppressed", False)
    _state.suppressed = True
    try:
        yield
    finally:
        _state.suppressed = previous


def render_mail(*, template: str, context: dict, language: str | None = None) -> tuple[str, str, str]:
    """Render ``mail/<template>_subject.txt``, ``.txt`` and ``.html`` in a language.

    Returns (subject, text, html). The subject is one line.
    """
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"mail/{template}_subject.txt", context)
        text = render_to_string(f"mail/{template}.txt", context)
        html = render_to_string(f"mail/{template}.html", context)
    return " ".join(subject.split()), text, html


def send_templated_mail(
    *,
    to: list[str] | str,
    template: str,
    context: dict,
    language: str | None = None,
    reply_to: str = "",
    attachments: list[tuple[str, str, str]] | None = None,
) -> None:
    """Render a message now and hand it to Celery once the transaction commits.

    Rendering inside the request keeps the worker free of request state;
    queueing after commit means no mail is sent for a change that was rolled back.
    """
    from .tasks import deliver_mail

    if getattr(_state, "suppressed", False):
        return
    recipients = [to] if isinstance(to, str) else list(to)
    subject, text, html = render_mail(template=template, context=context, language=language)
    transaction.on_commit(
        lambda: deliver_mail.delay(
            to=recipients,
            subject=subject,
            text=text,
            html=html,
            reply_to=reply_to,
            attachments=attachments or [],
        )
    )


def deliver_mail(
    *,
    to: list[str],
    subject: str,
    text: str,
    html: str = "",
    reply_to: str = "",
    attachments: list | None = None,
) -> int:
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=[reply_to] if reply_to else None,
    )
    if html:
        message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    return message.send()


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
