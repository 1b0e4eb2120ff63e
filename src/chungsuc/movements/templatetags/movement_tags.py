from django import template

from chungsuc.core.text import fmt_number

register = template.Library()


@register.filter
def vn(value):
    """1234567 → 1.234.567 (Vietnamese separators)."""
    if value is None or value == "":
        return "—"
    return fmt_number(value)


@register.filter
def pct(value):
    if value is None:
        return "—"
    return f"{fmt_number(round(value, 1), 1)} %"


@register.filter
def get(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None
