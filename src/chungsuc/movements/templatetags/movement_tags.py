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


@register.simple_tag
def district_rows(rows):
    """The by-district table's body rows (about 700 districts × the years at national scale: joined in
    Python, which is many times faster than a template loop of a few thousand cells)."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    out = []
    for d in rows:
        cells = "".join(f'<td class="text-end">{int(n)}</td>' for n in d["by_year"])
        out.append(
            f'<tr><td>{escape(d["district"])}</td>{cells}<td class="text-end">{int(d["total"])}</td></tr>'
        )
    return mark_safe("".join(out))  # noqa: S308 - every text part is escaped, the rest are integers
