"""Display helpers for criteria: comparator symbols, value-type labels, readable thresholds."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from chungsuc.criteria.models import Comparator, ValueType
from chungsuc.geo.models import Region

register = template.Library()

_SYMBOLS = dict(Comparator.choices)


@register.filter
def comparator_symbol(code: str) -> str:
    return _SYMBOLS.get(code, code)


@register.filter
def value_type_label(code: str) -> str:
    return str(dict(ValueType.choices).get(code, code))


@register.filter
def region_label(code: str) -> str:
    return str(dict(Region.choices).get(code, code))


@register.simple_tag
def threshold_text(rule: dict, value_type: str) -> str:
    """ "Đạt" for a pass/fail rule, "≥ 80 %" for a percentage, "≥ 62" otherwise."""
    value = rule.get("value")
    if value is None:
        return ""
    if value_type == ValueType.PASS_FAIL:
        return _("Đạt") if float(value) >= 1 else _("Không đạt")
    text = f"{comparator_symbol(rule.get('comparator', ''))} {floatformat(value, '-2')}"
    return f"{text} %" if value_type == ValueType.PERCENTAGE else text
