"""Small helpers for the unit pages."""

from django import template

register = template.Library()


@register.filter
def visible(unit_id, visible_ids) -> bool:
    """True if the user may open unit `unit_id` (`visible_ids` None means everything)."""
    return visible_ids is None or unit_id in visible_ids


@register.filter
def indent(depth) -> int:
    """The indent class level of a tree row (chungsuc.css has .indent-0 … .indent-8)."""
    return max(0, min(int(depth), 8))
