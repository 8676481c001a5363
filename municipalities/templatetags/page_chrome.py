"""The masthead and the footer of every page (``base.html``), for visitors rendered once per process.

A visitor's masthead and footer are the same on every page but for a few values: the language, the
portal district's names and logo, which navigation entry is the current page, the page's own
address (the language switcher returns to it) and the CSRF token. Rendered per request they were a
good part of a public page that missed the page cache. Here a visitor's (not logged-in) masthead is
rendered once per language, district values and current navigation entry, with placeholders for
the address and the token that are replaced by their escaped values; the footer once per language
and district values. The key holds every value the templates show, so an entry is never stale; a
logged-in person's masthead (their roles, the review count) is rendered per request as before.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

MASTHEAD = "includes/masthead.html"
FOOTER = "includes/footer.html"
# Never in a page's own text: letters and digits only, so escaping leaves them unchanged.
_PATH_MARK = "kichromepath7d0c2e9b41"
_TOKEN_MARK = "kichrometoken5a83f1c6e2"  # noqa: S105 (a placeholder, not a secret)
_MEMO_SIZE = 256
_memo: dict[tuple, str] = {}


@lru_cache(maxsize=8)
def _navigation_paths(script_prefix: str) -> frozenset[str]:
    """The addresses the visitor's navigation marks as the current page (``masthead.html``)."""
    return frozenset(
        reverse(name) for name in ("home", "events:calendar", "volunteers:catalogue", "municipalities:list")
    )


def _district_values(district) -> tuple | None:
    """What the masthead and the footer show of the portal district."""
    if not district:
        return None
    return (
        district.pk,
        district.slug,
        district.name,
        district.ki_name,
        district.ki_email,
        district.logo.name if district.logo else "",
        district.logo_alt,
    )


def _remembered(key: tuple, render) -> str:
    html = _memo.get(key)
    if html is None:
        html = str(render())
        if len(_memo) >= _MEMO_SIZE:
            _memo.clear()
        _memo[key] = html
    return html


class _PathOnly:
    """The request as the masthead reads it, with the page's address as a placeholder."""

    def __init__(self, path: str) -> None:
        self.path = path

    def get_full_path(self) -> str:
        return _PATH_MARK


def _render(context, name: str, **values) -> SafeString:
    with context.push(**values):
        return context.template.engine.get_template(name).render(context)


@register.simple_tag(takes_context=True)
def page_masthead(context) -> SafeString:
    request = context.get("request")
    user = context.get("user")
    token = context.get("csrf_token")
    if request is None or user is None or user.is_authenticated or not token or token == "NOTPROVIDED":  # noqa: S105 (Django's marker)
        return _render(context, MASTHEAD)
    prefix = get_script_prefix()
    path = request.path if request.path in _navigation_paths(prefix) else ""
    district = _district_values(context.get("portal_district"))
    key = ("masthead", get_language(), context.get("LANGUAGE_CODE"), prefix, path, district)
    html = _remembered(
        key, lambda: _render(context, MASTHEAD, request=_PathOnly(path), csrf_token=_TOKEN_MARK)
    )
    html = html.replace(_PATH_MARK, conditional_escape(request.get_full_path()))
    return mark_safe(html.replace(_TOKEN_MARK, conditional_escape(str(token))))  # noqa: S308 (escaped)


@register.simple_tag(takes_context=True)
def page_footer(context) -> SafeString:
    key = ("footer", get_language(), get_script_prefix(), _district_values(context.get("portal_district")))
    return mark_safe(_remembered(key, lambda: _render(context, FOOTER)))  # noqa: S308 (our template's output)
