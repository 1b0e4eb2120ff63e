"""Template filters every app's pages share: a source as named documents with links."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from chungsuc.core.sources import source_parts

register = template.Library()


@register.filter
def source_links(text: str) -> str:
    """A source as the reader wants it: each document by its name, linked where it has an address;
    never a data file's path or an internal key (core.sources)."""
    parts = source_parts(text)
    return format_html_join(
        "; ",
        "{}",
        (
            (format_html('<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', url, name),)
            if url
            else (name,)
            for name, url in parts
        ),
    )


@register.filter
def plain_note(text: str) -> str:
    """A note of our data without its research shorthand: "(mapping UNVERIFIED)" and "UNVERIFIED"
    read "chưa kiểm chứng" (once)."""
    text = text or ""
    label = _("chưa kiểm chứng")
    for shorthand in ("(mapping UNVERIFIED)", "UNVERIFIED"):
        if shorthand in text:
            replacement = "" if label in text else (f"({label})" if shorthand.startswith("(") else label)
            text = text.replace(shorthand, replacement)
    return text.replace(" .", ".").strip()
