"""Display helpers for criteria: comparator symbols, value-type labels, readable thresholds."""

import re

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from chungsuc.core.sources import source_parts
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
def result_value(result: dict) -> str:
    """An indicator result's value (`Evaluation.to_dict`) as `value_text` writes it, with exactly the
    precision its criteria set states (80,0 for one digit)."""
    value, value_type, decimals = result.get("value"), result.get("value_type", ""), result.get("decimals")
    if decimals is None or value is None or isinstance(value, bool) or value_type == ValueType.PASS_FAIL:
        return value_text(value, value_type)
    return fmt_number(value, decimals, fixed=True)


@register.filter
def precision_label(indicator: dict) -> str:
    """The precision an indicator's criteria set states ("1 chữ số thập phân"), or "" for the default."""
    decimals = indicator.get("decimals")
    if decimals is None or indicator.get("value_type") not in (ValueType.PERCENTAGE, ValueType.NUMBER):
        return ""
    if decimals == 0:
        return _("làm tròn đến số nguyên")
    return _("làm tròn đến %(n)s chữ số thập phân") % {"n": decimals}


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


_RECALLED = re.compile(r"UNVERIFIED \(recalled: ([^)]*(?:\([^)]*\))?[^)]*)\)")
# Our research shorthand in notes, as an official reads it.
_NOTE_PHRASES = [
    ("ĐBSCL value not recalled", "chưa rõ giá trị cho vùng ĐBSCL"),
    ("per-year ĐBSCL values not found", "chưa tìm thấy giá trị từng năm cho vùng ĐBSCL"),
    ("ĐBSCL ceiling not found", "chưa tìm thấy mức trần cho vùng ĐBSCL"),
    ("value not recalled", "chưa rõ giá trị"),
    ("replacement source:", "nguồn thay thế:"),
]
# What is left in English after the phrases above is a research note for us, not for officials.
_ENGLISH = re.compile(r"\b(?:the|of|is|was|not|and|from|with|may|verify|against|in|source|per)\b")


@register.filter
def clean_note(text: str) -> str:
    """A rule's note without our research shorthand: "UNVERIFIED (recalled: Đạt)" reads "chưa kiểm
    chứng (nhớ lại: Đạt)", "(mapping UNVERIFIED)" reads "(chưa kiểm chứng)"; a note that is still
    English after that is left out (the badge already says the rule is not verified)."""
    text = text or ""
    for en, vi in _NOTE_PHRASES:
        text = text.replace(en, vi)
    text = _RECALLED.sub(lambda m: _("chưa kiểm chứng (nhớ lại: %(v)s)") % {"v": m[1]}, text)
    text = text.replace("(mapping UNVERIFIED)", _("(chưa kiểm chứng)")).replace(
        "UNVERIFIED", _("chưa kiểm chứng")
    )
    without_links = re.sub(r"https?://\S+", "", text)
    if _ENGLISH.search(without_links):
        return ""
    return text


@register.filter
def note_links(text: str) -> str:
    """A note as `clean_note` reads it, its addresses as links named by their site."""
    return source_links(clean_note(text))


@register.filter
def input_name(key: str, inputs) -> str:
    """An extra input's name ("Mức độ 1") rather than its key ("5:muc_do_1")."""
    for x in inputs or ():
        if x.get("key") == key:
            return x.get("name") or key
    return key.split(":", 1)[-1].replace("_", " ") if key else ""


_RULE_KEY = re.compile(r"^(?P<ind>[^#]+)#(?:ag)?(?P<n>\d+)$")  # "10#1"; "10#ag2", a rule the province adds


@register.filter
def change_code(change: dict) -> str:
    """The changed item as an official names it: a rule's key "10#1" reads "10 (ngưỡng 1)" (and
    "10#ag2", a rule An Giang's set adds, "10 (ngưỡng 2)")."""
    code = str(change.get("code") or "")
    m = _RULE_KEY.match(code)
    if change.get("what") == "rule" and m:
        return _("%(ind)s (ngưỡng %(n)s)") % {"ind": m["ind"], "n": m["n"]}
    return code


@register.filter
def change_value(value, change: dict):
    """A before/after value of the comparison, formatted: Đã/Chưa kiểm chứng for the verified
    flag, Có/Không for other flags, 1.234,5 for numbers, notes without our shorthand, lists joined."""
    if value is None or value == "":
        return "—"
    field = (change or {}).get("field", "")
    if isinstance(value, bool):
        if "verified" in field:
            return _("đã kiểm chứng") if value else _("chưa kiểm chứng")
        return _("có") if value else _("không")
    if isinstance(value, (int, float)):
        return fmt_number(value)
    if field == "kinds" and isinstance(value, (list, tuple)):
        return unit_kinds_label(value)
    if field == "region":
        return region_label(value)
    if field == "comparator":
        return comparator_symbol(value)
    if field == "value_type":
        return value_type_label(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(change_value(v, {"field": field})) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {change_value(v, {'field': k})}" for k, v in value.items())
    if field in {"note", "source"}:
        return note_links(str(value)) or "—"
    return str(value)


@register.filter
def source_links(text: str) -> str:
    """A source as the reader wants it: each address a link named by its site, a data file by the
    document it compiles (core.sources), the rest as text without our research shorthand."""
    out = []
    for name, url in source_parts(text):
        if url:
            out.append(
                format_html('<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', url, name)
            )
        else:
            cleaned = clean_note(name)
            if cleaned:
                out.append(conditional_escape(cleaned))
    return mark_safe("; ".join(str(x) for x in out))  # noqa: S308 - every part is escaped above
