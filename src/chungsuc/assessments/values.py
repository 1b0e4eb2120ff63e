"""Reading a value typed in a form, an API call or a workbook cell, and writing it back as shown.

`parse_value(raw, value_type, decimals)` answers a float (pass/fail as 1.0/0.0) or None for empty, or
raises `ValueError` with a Vietnamese reason that the caller prefixes with the indicator, row and
column. Every path (form, Excel, API) goes through it, so every path reads the same way:

- **Precision.** A value is rounded to its indicator's precision when read: the `decimals` the
  criteria set states for the indicator (0–2), else its type's (`DECIMALS`: percentages and numbers
  2, counts whole), half up on the decimal as typed (`engine.round_value`). What is stored, compared
  with the threshold (the engine rounds the same way) and shown (`format_value`, with that many
  digits when the precision is stated: 80,0) is one and the same value: 79.99999999999999 — or 79,996
  on a 1-decimal indicator — is stored as 80, never shown as "80" and judged below 80.
- **Numbers typed as text** follow one rule, the Vietnamese one: a dot groups thousands, a comma
  starts the decimals (`1.234,5` = 1234.5; `1.234.567`; `12,5`). A dot followed by anything but three
  digits can only be a decimal point (`12.5`, `0.85`) and is read so. What two readers would read
  differently is refused with both readings: `1.234` (1234 the Vietnamese way, 1,234 the English
  way), `1,234` (1,234 or 1234), `1,234.5` (English grouping) — unless one reading is impossible: a
  percentage is at most 100, so `79,996` or `79.996` in a percentage is 79.996. Spaces may group
  thousands (`1 234`).
- **Text** is normalised to NFC (a "Đạt" typed decomposed is "Đạt"), non-breaking and zero-width
  characters are dropped.
- **Cells that carry their format** (see `xlsx_fast`): a number shown as a percentage in Excel
  (`85%` typed is the number 0.85 with a percent format) is ×100 in a percentage column and refused
  elsewhere; a date in a number or count cell is refused, showing the date as dd/mm/yyyy.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

from django.utils.translation import gettext as _

from chungsuc.criteria.engine import DEFAULT_DECIMALS, round_value

PASS_WORDS = {"đạt", "dat", "có", "co", "x", "true", "1", "yes", "pass", "đ"}
FAIL_WORDS = {"không đạt", "khong dat", "không", "khong", "chưa đạt", "chua dat", "false", "0", "no", "fail"}
DECIMALS = DEFAULT_DECIMALS

# characters that are invisible in a cell and must not change what a code or a word means
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2007\u2009"), " ")


class PercentCell(float):
    """A number cell displayed with a percent format (Excel stores 85% as 0.85)."""


class DateCell:
    """A number cell displayed with a date format (Excel stores dates as day serials)."""

    __slots__ = ("serial",)

    def __init__(self, serial: float):
        self.serial = serial

    @property
    def date(self) -> dt.date | None:
        try:
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(self.serial))
        except (OverflowError, ValueError):
            return None

    def __repr__(self) -> str:
        return f"DateCell({self.serial})"


class ErrorCell(str):
    """A cell holding an Excel error such as #DIV/0! or #N/A."""


def clean_text(value: object) -> str:
    """NFC, invisible characters dropped, non-breaking spaces as spaces, trimmed."""
    text = unicodedata.normalize("NFC", str(value)).translate(INVISIBLE).translate(SPACES)
    return text.strip()


def clean_code(value: object) -> tuple[str, bool]:
    """A code as typed → (code, whether hidden characters were removed). Integers typed in a number
    cell give their digits; an apostrophe typed in front (Excel's "keep as text") is dropped."""
    if value is None:
        return "", False
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = unicodedata.normalize("NFC", str(value))
    text = raw.translate(INVISIBLE).translate(SPACES).strip().lstrip("'").strip()
    return text, text != raw.strip()


def _show(raw) -> str:
    return clean_text(raw)[:60]


_GROUPS = re.compile(r"^\d{1,3}(\.\d{3})+$")
_SPACE_GROUPS = re.compile(r"^\d{1,3}( \d{3})+(,\d+)?$")


def number_from_text(text: str, *, at_most: float | None = None) -> float:
    """A number typed as text under the Vietnamese rule (see the module docstring); ValueError with
    the reason (and both readings when it is ambiguous) otherwise. With `at_most` (100 for a
    percentage) a reading above it is impossible, so `79,996` can only be 79.996."""
    t = clean_text(text)
    shown = t
    if " " in t:
        if not _SPACE_GROUPS.match(t):
            raise ValueError(_("«%(v)s» không phải là số") % {"v": shown})
        t = t.replace(" ", "")
    sign = ""
    if t[:1] in "+-" and len(t) > 1:
        sign, t = ("-" if t[0] == "-" else ""), t[1:]
    if not t or not re.fullmatch(r"[\d.,]+", t) or not t[0].isdecimal():
        raise ValueError(_("«%(v)s» không phải là số") % {"v": shown})
    commas, dots = t.count(","), t.count(".")
    if commas and dots:
        head, _c, tail = t.rpartition(",")
        if commas == 1 and _GROUPS.match(head) and tail.isdecimal():
            return float(sign + head.replace(".", "") + "." + tail)
        english = t.replace(",", "")
        raise ValueError(
            _(
                "«%(v)s» không đọc được theo quy ước số của hệ thống (dấu chấm phân cách hàng nghìn, dấu "
                "phẩy trước phần thập phân); nếu là %(en)s (cách viết tiếng Anh), hãy nhập %(vi)s"
            )
            % {"v": shown, "en": english, "vi": format_number(float(english)) if _is_float(english) else "?"}
        )
    if commas:
        if commas > 1:
            raise ValueError(
                _(
                    "«%(v)s» có nhiều dấu phẩy; theo quy ước của hệ thống dấu phẩy đứng trước phần thập phân "
                    "và dấu chấm phân cách hàng nghìn (ví dụ 1.234.567 hoặc 1.234,5)"
                )
                % {"v": shown}
            )
        head, _c, tail = t.partition(",")
        if len(tail) == 3 and head != "0" and (at_most is None or float(head + tail) <= at_most):
            raise ValueError(_ambiguous(shown, head, tail, decimal_sep=","))
        return float(sign + head + "." + tail)
    if dots:
        if dots > 1:
            if _GROUPS.match(t):
                return float(sign + t.replace(".", ""))
            raise ValueError(_("«%(v)s» không phải là số") % {"v": shown})
        head, _d, tail = t.partition(".")
        if len(tail) == 3 and head != "0" and (at_most is None or float(head + tail) <= at_most):
            raise ValueError(_ambiguous(shown, head, tail, decimal_sep="."))
        return float(sign + head + "." + tail)
    return float(sign + t)


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _ambiguous(shown: str, head: str, tail: str, *, decimal_sep: str) -> str:
    whole = head + tail  # the separator groups thousands
    decimal = head + "," + tail  # the separator starts the decimals
    return _(
        "«%(v)s» có hai cách đọc: %(whole)s (dấu «%(sep)s» phân cách "
        "hàng nghìn) hoặc %(decimal)s (dấu «%(sep)s» "
        "trước phần thập phân). Hãy nhập %(whole)s hoặc %(decimal)s"
    ) % {"v": shown, "whole": whole, "decimal": decimal, "sep": decimal_sep}


def _round(v: float, value_type: str, decimals: int | None = None) -> float:
    if value_type == "count":
        return round(v) + 0.0
    return round_value(v, DECIMALS.get(value_type, 2) if decimals is None else decimals)  # never -0.0


def parse_value(raw, value_type: str, decimals: int | None = None) -> float | None:
    """`raw` as the indicator's value (see the module docstring); `decimals` is the precision the
    criteria set states for the indicator (None: its type's)."""
    if raw is None:
        return None
    kind = type(raw)
    if (kind is float or kind is int) and value_type != "pass_fail":  # the common case, fast
        try:
            v = float(raw)
        except OverflowError:  # an integer beyond any float (JSON allows it)
            raise ValueError(_("số %(v)s… quá lớn") % {"v": str(raw)[:20]}) from None
        if math.isfinite(v) and v >= 0:
            if value_type == "count":
                if round(v, 6).is_integer():
                    return round(v) + 0.0
            else:
                v = _round(v, value_type, decimals)
                if value_type != "percentage" or v <= 100:
                    return v
    if isinstance(raw, str) and not clean_text(raw):
        return None
    if isinstance(raw, ErrorCell):
        raise ValueError(_("ô có lỗi %(e)s của Excel; hãy nhập một giá trị") % {"e": str(raw)})
    if isinstance(raw, DateCell | dt.date):
        day = raw.date if isinstance(raw, DateCell) else raw
        shown = day.strftime("%d/%m/%Y") if day else "?"
        raise ValueError(
            _("ô chứa ngày %(d)s, không phải một số — hãy định dạng ô là số và nhập lại giá trị")
            % {"d": shown}
        )
    if not isinstance(raw, str | int | float):
        raise ValueError(_("cần một số hoặc một chữ (Đạt/Không đạt), không phải một danh sách hay một bảng"))
    if value_type == "pass_fail":
        if isinstance(raw, bool):
            return 1.0 if raw else 0.0
        if isinstance(raw, int | float) and not isinstance(raw, PercentCell) and raw in (0, 1):
            return float(raw)
        word = " ".join(clean_text(raw).casefold().split())
        if word in PASS_WORDS:
            return 1.0
        if word in FAIL_WORDS:
            return 0.0
        raise ValueError(
            _("«%(v)s» không hợp lệ — chỉ tiêu đạt/không đạt chỉ nhận «Đạt» hoặc «Không đạt»")
            % {"v": _show(raw)}
        )
    if isinstance(raw, bool):
        raise ValueError(_("«%(v)s» không phải là số") % {"v": "TRUE" if raw else "FALSE"})
    typed_percent = False
    if isinstance(raw, PercentCell):
        if value_type != "percentage":
            raise ValueError(
                _(
                    "ô định dạng phần trăm (hiển thị %(p)s %%) nhưng chỉ tiêu này không phải tỷ lệ — hãy bỏ "
                    "định dạng phần trăm và nhập số"
                )
                % {"p": format_number(float(raw) * 100)}
            )
        v = float(raw) * 100
    elif isinstance(raw, int | float):
        try:
            v = float(raw)
        except OverflowError:
            raise ValueError(_("số %(v)s… quá lớn") % {"v": str(raw)[:20]}) from None
    else:
        text = clean_text(raw)
        if text.endswith("%"):
            typed_percent = True
            text = text[:-1].rstrip()
        v = number_from_text(text, at_most=100 if value_type == "percentage" else None)
        if typed_percent and value_type != "percentage":
            raise ValueError(
                _("«%(v)s» có dấu %% nhưng chỉ tiêu này không phải tỷ lệ — hãy nhập số") % {"v": _show(raw)}
            )
    if not math.isfinite(v):
        raise ValueError(_("«%(v)s» không phải là số hữu hạn") % {"v": _show(raw)})
    if value_type == "count":
        if v < 0:
            raise ValueError(_("số đếm %(v)s không được âm") % {"v": format_number(v)})
        if not round(v, 6).is_integer():
            raise ValueError(_("số đếm %(v)s phải là số nguyên") % {"v": format_number(v)})
    v = _round(v, value_type, decimals)
    if value_type == "percentage" and not 0 <= v <= 100:
        raise ValueError(_("tỷ lệ %(v)s nằm ngoài khoảng 0–100") % {"v": format_number(v)})
    if value_type == "number" and v < 0:
        raise ValueError(_("giá trị %(v)s không được âm") % {"v": format_number(v)})
    return v


def format_number(value: float, decimals: int = 2, *, fixed: bool = False, grouping: bool = True) -> str:
    """1234.5 → "1.234,5" (dot groups thousands, comma before decimals, trailing zeros dropped unless
    `fixed`: 80 at 1 digit is "80,0"). Without `grouping` no thousands dot ("1234,5"), the text a
    form field shows: what it shows is read back as the same value."""
    number = round_value(float(value), decimals)
    text = f"{abs(number):{',' if grouping else ''}.{decimals}f}"
    if "." in text and not fixed:
        text = text.rstrip("0").rstrip(".")
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return ("-" if number < 0 else "") + text


def format_value(value: float | None, value_type: str, decimals: int | None = None) -> str:
    """A stored value as the official reads it: "Đạt"/"Không đạt", or the number in the Vietnamese
    way with the indicator's precision — exactly `decimals` digits when the criteria set states it
    (80,0), else the type's without trailing zeros (80; 79,5)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if value_type == "pass_fail":
        return "Đạt" if value >= 0.5 else "Không đạt"
    if value_type == "count":
        return format_number(value, 0)
    if decimals is not None:
        return format_number(value, decimals, fixed=True)
    return format_number(value, DECIMALS.get(value_type, 2))


def input_text(value: float | None, value_type: str, decimals: int | None = None) -> str:
    """The value as a form field shows it: as `format_value`, without the thousands dot (1234,5)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if value_type == "pass_fail":
        return "Đạt" if value >= 0.5 else "Không đạt"
    if value_type == "count":
        return format_number(value, 0, grouping=False)
    if decimals is not None:
        return format_number(value, decimals, fixed=True, grouping=False)
    return format_number(value, DECIMALS.get(value_type, 2), grouping=False)
