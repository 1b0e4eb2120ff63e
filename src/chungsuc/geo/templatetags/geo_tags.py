"""Small helpers for the unit pages."""

from django import template

register = template.Library()


@register.filter
def visible(unit_id, visible_ids) -> bool:
    """True if the user may open unit `unit_id` (`visible_ids` None means everything)."""
    return visible_ids is None or unit_id in visible_ids


@register.filter
def indent(depth) -> str:
    return f"{int(depth) * 1.5:.1f}rem"
