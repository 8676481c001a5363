"""Rendered template fragments cached under the hash of exactly what they show.

The key is the template name, the active language and time zone, and a digest of the values the
fragment displays (``content``), so a fragment can never be stale: when anything it shows changes,
the key changes, and the old entry simply expires. Use it where rendering costs more than the
queries that load the values (long tables, forms with many choices)."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

# Short: an entry is never served once its content changed, but the personal data it holds (names,
# e-mail addresses) should not outlive a deletion or anonymisation in the cache for long either.
FRAGMENT_TIMEOUT = 15 * 60


def cached_fragment(template_name: str, context: dict, content, request=None) -> SafeString:
    """The template rendered with ``context``; ``content`` (its repr) must determine the output."""
    digest = hashlib.sha256(
        repr(
            (template_name, translation.get_language(), timezone.get_current_timezone_name(), content)
        ).encode()
    ).hexdigest()
    key = f"fragment:{digest}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(template_name, context, request)
        cache.set(key, str(html), FRAGMENT_TIMEOUT)
    return mark_safe(html)  # noqa: S308 (rendered by our own template with autoescaping)
