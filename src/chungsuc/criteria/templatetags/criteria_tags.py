"""Display helpers for criteria: comparator symbols, value-type labels, readable thresholds."""

import re
from urllib.parse import urlsplit

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from chungsuc.core.links import is_http_url
from chungsuc.core.text import fmt_number
from chungsuc.criteria.models import Comparator, ValueType
from chungsuc.geo.models import Region, UnitKind

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


_WHAT = {
    "framework": _lazy("Bộ tiêu chí"),
    "criterion": _lazy("Tiêu chí"),
    "indicator": _lazy("Chỉ tiêu"),
    "rule": _lazy("Ngưỡng"),
}
_CHANGE = {"added": _lazy("thêm"), "removed": _lazy("bỏ"), "changed": _lazy("sửa")}


def _field_labels() -> dict[str, dict[str, str]]:
    from chungsuc.criteria import excel

    return {
        "framework": dict(excel.META_FIELDS),
        "criterion": {**dict(excel.CRITERIA_COLUMNS), "group": dict(excel.CRITERIA_COLUMNS)["cgroup"]},
        "indicator": dict(excel.INDICATOR_COLUMNS),
        "rule": dict(excel.RULE_COLUMNS),
    }


@register.filter
def change_what(change: dict) -> str:
    """A spec_diff change's subject in Vietnamese ("Ngưỡng" for a threshold rule)."""
    return str(_WHAT.get(change.get("what"), change.get("what")))


@register.filter
def change_kind(change: dict) -> str:
    return str(_CHANGE.get(change.get("change"), change.get("change")))


@register.filter
def change_field(change: dict) -> str:
    """The changed field's name as the Excel sheets label it (e.g. "Ngưỡng" for a rule's value)."""
    field = change.get("field") or ""
    return _field_labels().get(change.get("what"), {}).get(field, field)


_STATUS = {
    "met": _lazy("đạt"),
    "not_met": _lazy("chưa đạt"),
    "missing": _lazy("thiếu số liệu"),
}


@register.filter
def status_label(result: dict) -> str:
    """An indicator result's status in Vietnamese; a missing threshold is told apart from a missing value."""
    status = result.get("status", "")
    if status == "missing" and result.get("reason") == "threshold":
        return _("chưa có ngưỡng")
    return str(_STATUS.get(status, status))


@register.filter
def value_text(value, value_type: str = "") -> str:
    """A value as an official reads it: "Đạt"/"Không đạt" for pass/fail, "1.234,5" for numbers,
    "—" for none."""
    if value is None or value == "":
        return "—"
    if value_type == ValueType.PASS_FAIL or isinstance(value, bool):
        try:
            return _("Đạt") if float(value) >= 1 else _("Không đạt")
        except (TypeError, ValueError):
            return str(value)
    try:
        return fmt_number(value)
    except (TypeError, ValueError):
        return str(value)


@register.filter
def unit_kind_label(code: str) -> str:
    return str(dict(UnitKind.choices).get(code, code))


@register.filter
def unit_kinds_label(codes) -> str:
    """["xa", "phuong"] → "Xã, Phường"."""
    return ", ".join(unit_kind_label(c) for c in codes or ())


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)


_RECALLED = re.compile(r"UNVERIFIED \(recalled: ([^)]*)\)")


@register.filter
def clean_note(text: str) -> str:
    """A rule's note without our research shorthand: "UNVERIFIED (recalled: Đạt)" reads "chưa kiểm
    chứng (nhớ lại: Đạt)", "(mapping UNVERIFIED)" reads "(chưa kiểm chứng)"."""
    text = _RECALLED.sub(lambda m: _("chưa kiểm chứng (nhớ lại: %(v)s)") % {"v": m[1]}, text or "")
    return text.replace("(mapping UNVERIFIED)", _("(chưa kiểm chứng)")).replace(
        "UNVERIFIED", _("chưa kiểm chứng")
    )


@register.filter
def source_links(text: str) -> str:
    """A source as the reader wants it: each address a link named by its site, the rest as text."""
    parts = [p.strip() for p in re.split(r"\s;\s|\s+(?=https?://)", text or "") if p.strip()]
    out = []
    for p in parts:
        if is_http_url(p):
            site = urlsplit(p).netloc.removeprefix("www.")
            out.append(format_html('<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', p, site))
        else:
            out.append(conditional_escape(clean_note(p)))
    return mark_safe("; ".join(str(x) for x in out))  # noqa: S308 - every part is escaped above
