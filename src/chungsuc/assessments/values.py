"""Parsing a value typed in a form or a workbook cell (pure; no Django).

`parse_value(raw, value_type)` answers a float (pass/fail as 1.0/0.0) or None for empty, or raises
`ValueError` with a Vietnamese reason that the caller prefixes with the indicator, row and column.
"""

from __future__ import annotations

import math

PASS_WORDS = {"đạt", "dat", "có", "co", "x", "true", "1", "yes", "pass", "đ"}
FAIL_WORDS = {"không đạt", "khong dat", "không", "khong", "chưa đạt", "chua dat", "false", "0", "no", "fail"}


def _number(text: str) -> float:
    t = text.strip().replace("\u00a0", "").replace(" ", "")
    if t.endswith("%"):
        t = t[:-1]
    # Vietnamese format: 1.234,5 ; also accept 1234.5 and 1234,5
    if "," in t and "." in t:
        t = t.replace(".", "").replace(",", ".")
    elif "," in t:
        t = t.replace(",", ".")
    return float(t)


def parse_value(raw, value_type: str) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, str) and not raw.strip():
        return None
    if value_type == "pass_fail":
        if isinstance(raw, bool):
            return 1.0 if raw else 0.0
        if isinstance(raw, int | float) and raw in (0, 1):
            return float(raw)
        word = str(raw).strip().casefold()
        if word in PASS_WORDS:
            return 1.0
        if word in FAIL_WORDS:
            return 0.0
        raise ValueError(f"«{raw}» không hợp lệ — chỉ tiêu đạt/không đạt chỉ nhận «Đạt» hoặc «Không đạt»")
    if isinstance(raw, bool):
        raise ValueError(f"«{raw}» không phải là số")
    if isinstance(raw, int | float):
        v = float(raw)
    else:
        try:
            v = _number(str(raw))
        except ValueError:
            raise ValueError(f"«{raw}» không phải là số") from None
    if not math.isfinite(v):
        raise ValueError(f"«{raw}» không phải là số hữu hạn")
    if value_type == "percentage" and not 0 <= v <= 100:
        raise ValueError(f"tỷ lệ {raw} nằm ngoài khoảng 0–100")
    if value_type == "count":
        if v < 0:
            raise ValueError(f"số đếm {raw} không được âm")
        if not float(v).is_integer():
            raise ValueError(f"số đếm {raw} phải là số nguyên")
    if value_type == "number" and v < 0:
        raise ValueError(f"giá trị {raw} không được âm")
    return v


def format_value(value: float | None, value_type: str) -> str:
    if value is None:
        return ""
    if value_type == "pass_fail":
        return "Đạt" if value >= 0.5 else "Không đạt"
    if float(value).is_integer():
        return f"{int(value)}"
    return f"{value:g}".replace(".", ",")
