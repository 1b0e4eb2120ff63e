"""`{{ address|http_url }}` / `{{ address|http_url:_("nguồn") }}`: a link only for an http(s) address.

Anything else (a `javascript:` address stored before the check existed, plain text in a source field)
is shown as escaped text, never as a link.
"""

from django import template
from django.utils.html import conditional_escape, format_html

from chungsuc.core.links import is_http_url as _is_http_url

register = template.Library()


@register.filter
def is_http_url(value) -> bool:
    return _is_http_url(str(value or "").strip())


@register.filter
def http_url(value, label=None):
    text = "" if value is None else str(value)
    if not text.strip():
        return ""
    if _is_http_url(text.strip()):
        return format_html(
            '<a href="{}" rel="noopener noreferrer" target="_blank" class="text-break">{}</a>',
            text.strip(),
            label if label else text.strip(),
        )
    return format_html('<span class="text-break">{}</span>', conditional_escape(text))
