"""``{% json_ld data %}``: schema.org data as a JSON-LD block that no title can break out of."""

from __future__ import annotations

import json

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# json.dumps leaves <, > and & as they are; inside <script> "</script>" or "<!--" would end or
# bend the block, so they are written as JSON escapes (the data stay the same for any parser).
_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data: dict | None) -> str:
    if not data:
        return ""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)
    # A data block, not a script: CSP's script-src does not apply and no code runs.
    return mark_safe(f'<script type="application/ld+json">{body}</script>')  # noqa: S308
