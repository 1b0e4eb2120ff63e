"""A framework as an Excel workbook (openpyxl) and back.

Four sheets: "Bộ tiêu chí" (field | value), "Tiêu chí", "Chỉ tiêu", "Ngưỡng" (one row each, header in
row 1). Structured cells (extra inputs, derivation, `when`/`also` terms, threshold references) are JSON;
yes/no cells are "có"/"không"; an empty threshold means "not known yet". `parse_workbook` returns the
spec and a list of errors naming sheet, row, column and reason (in Vietnamese); it never half-reads.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from django.core.exceptions import ValidationError
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from chungsuc.core.links import validate_http_url
from chungsuc.criteria import engine
from chungsuc.geo.models import Region

SHEET_META = "Bộ tiêu chí"
SHEET_CRITERIA = "Tiêu chí"
SHEET_INDICATORS = "Chỉ tiêu"
SHEET_RULES = "Ngưỡng"

META_FIELDS = [
    ("code", "Mã"),
    ("name", "Tên"),
    ("level", "Cấp"),
    ("standard", "Chuẩn"),
    ("period_start", "Từ năm"),
    ("period_end", "Đến năm"),
    ("kinds", "Loại đơn vị áp dụng"),
    ("legal_basis", "Căn cứ pháp lý"),
    ("legal_url", "Nguồn căn cứ"),
    ("legal_verified", "Căn cứ đã kiểm chứng"),
    ("presupposes", "Yêu cầu trước bộ tiêu chí"),
    ("note", "Ghi chú"),
]
CRITERIA_COLUMNS = [
    ("code", "Mã"),
    ("name", "Tên"),
    ("cgroup", "Nhóm"),
    ("verified", "Đã kiểm chứng"),
    ("source", "Nguồn"),
]
INDICATOR_COLUMNS = [
    ("criterion", "Mã tiêu chí"),
    ("code", "Mã"),
    ("name", "Tên"),
    ("unit", "Đơn vị tính"),
    ("value_type", "Kiểu giá trị"),
    ("comparator", "Phép so sánh"),
    ("inputs", "Giá trị phụ (JSON)"),
    ("derived", "Tính từ cấp dưới (JSON)"),
    ("verified", "Đã kiểm chứng"),
    ("source", "Nguồn"),
    ("note", "Ghi chú"),
    ("decimals", "Số chữ số thập phân"),
]
# Columns added after workbooks were already in use: a workbook without them is read (their default)
OPTIONAL_COLUMNS = {"decimals"}
RULE_COLUMNS = [
    ("key", "Khóa"),
    ("indicator", "Mã chỉ tiêu"),
    ("comparator", "Phép so sánh"),
    ("value", "Ngưỡng"),
    ("ref", "Ngưỡng tham chiếu (JSON)"),
    ("region", "Vùng"),
    ("group", "Nhóm xã"),
    ("kinds", "Loại đơn vị"),
    ("year_from", "Từ năm"),
    ("year_to", "Đến năm"),
    ("when", "Điều kiện áp dụng (JSON)"),
    ("also", "Điều kiện kèm theo (JSON)"),
    ("verified", "Đã kiểm chứng"),
    ("source", "Nguồn pháp lý"),
    ("source_url", "Đường dẫn nguồn"),
    ("note", "Ghi chú"),
]
JSON_FIELDS = {"inputs", "derived", "ref", "when", "also"}
BOOL_FIELDS = {"verified", "legal_verified"}
LIST_FIELDS = {"kinds"}
INT_FIELDS = {"period_start", "period_end", "group", "year_from", "year_to", "decimals"}
LEVELS = ("commune", "district", "province")
STANDARDS = ("ntm", "advanced", "model", "task_completed")


def _cell(field: str, value: Any) -> Any:
    if field in BOOL_FIELDS:
        return "có" if value else "không"
    if field in LIST_FIELDS:
        return ", ".join(value or [])
    if field in JSON_FIELDS:
        return json.dumps(value, ensure_ascii=False) if value else ""
    return "" if value is None else value


def export_workbook(spec: dict, *, version: int | None = None) -> bytes:
    wb = Workbook()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    ws = wb.active
    ws.title = SHEET_META
    ws.append(["Trường", "Giá trị"])
    for field, label in META_FIELDS:
        ws.append([label, _cell(field, spec.get(field))])
    if version is not None:
        ws.append(["Phiên bản (chỉ để đọc)", version])
    sheets = [
        (SHEET_CRITERIA, CRITERIA_COLUMNS),
        (SHEET_INDICATORS, INDICATOR_COLUMNS),
        (SHEET_RULES, RULE_COLUMNS),
    ]
    rows: dict[str, list] = {SHEET_CRITERIA: [], SHEET_INDICATORS: [], SHEET_RULES: []}
    for c in spec["criteria"]:
        rows[SHEET_CRITERIA].append(
            [_cell(f, c.get("group" if f == "cgroup" else f)) for f, _ in CRITERIA_COLUMNS]
        )
        for i in c["indicators"]:
            rows[SHEET_INDICATORS].append(
                [_cell(f, c["code"] if f == "criterion" else i.get(f)) for f, _ in INDICATOR_COLUMNS]
            )
            for r in i["rules"]:
                rows[SHEET_RULES].append(
                    [_cell(f, i["code"] if f == "indicator" else r.get(f)) for f, _ in RULE_COLUMNS]
                )
    for title, columns in sheets:
        sheet = wb.create_sheet(title)
        sheet.append([label for _, label in columns])
        for row in rows[title]:
            sheet.append(row)
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = bold
            cell.fill = fill
        sheet.freeze_panes = "A2"
        for col in sheet.columns:
            sheet.column_dimensions[col[0].column_letter].width = 18
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


URL_FIELDS = frozenset({"legal_url", "source_url"})


class _Errors(list):
    def add(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.append({"sheet": sheet, "row": row, "column": column, "message": message})


def _convert(field: str, raw: Any, errs: _Errors, sheet: str, row: int, label: str) -> Any:
    if isinstance(raw, str):
        raw = raw.strip()
    if raw in (None, ""):
        if field in BOOL_FIELDS:
            return False
        if field in LIST_FIELDS or field in ("when", "also", "inputs"):
            return []
        return None if field in JSON_FIELDS | INT_FIELDS | {"value"} else ""
    if field in URL_FIELDS:
        try:
            return validate_http_url(raw if isinstance(raw, str) else str(raw), label=label)
        except ValidationError as exc:
            errs.add(sheet, row, label, exc.messages[0])
            return ""
    if field in BOOL_FIELDS:
        text = str(raw).strip().lower()
        if text in ("có", "co", "x", "true", "1", "yes"):
            return True
        if text in ("không", "khong", "false", "0", "no"):
            return False
        errs.add(sheet, row, label, f"«{raw}» không phải «có» hoặc «không».")
        return False
    if field in LIST_FIELDS:
        return [p.strip() for p in str(raw).split(",") if p.strip()]
    if field in JSON_FIELDS:
        try:
            return json.loads(raw) if isinstance(raw, str) else raw
        except json.JSONDecodeError as exc:
            errs.add(sheet, row, label, f"JSON không hợp lệ ({exc.msg}).")
            return None
    if field in INT_FIELDS:
        try:
            number = float(raw)
            if not number.is_integer():
                raise ValueError
            return int(number)
        except (TypeError, ValueError):
            errs.add(sheet, row, label, f"«{raw}» không phải số nguyên.")
            return None
    if field == "value":
        if isinstance(raw, bool):
            return 1.0 if raw else 0.0
        if isinstance(raw, str):
            text = raw.replace(",", ".")
            if raw.lower() in ("đạt", "dat"):
                return 1.0
            try:
                return float(text)
            except ValueError:
                errs.add(sheet, row, label, f"Ngưỡng «{raw}» không phải là số.")
                return None
        return float(raw)
    return str(raw)


def _read_table(wb, title: str, columns: list[tuple[str, str]], errs: _Errors) -> list[tuple[int, dict]]:
    if title not in wb.sheetnames:
        errs.add(title, None, None, f"Thiếu trang tính «{title}».")
        return []
    ws = wb[title]
    cell_rows = ws.iter_rows()
    header = [str(c.value).strip() if c.value is not None else "" for c in next(cell_rows, ())]
    expected = [label for _, label in columns]
    required = len(expected)
    while (
        required
        and columns[required - 1][0] in OPTIONAL_COLUMNS
        and header[required - 1 : required] != [expected[required - 1]]
    ):
        required -= 1  # an older workbook without the optional trailing column
    columns = columns[:required]
    expected = expected[:required]
    if header[: len(expected)] != expected:
        missing = [h for h in expected if h not in header]
        errs.add(
            title,
            1,
            None,
            "Dòng tiêu đề không đúng mẫu"
            + (f"; thiếu cột: {', '.join(missing)}" if missing else "; thứ tự cột khác mẫu")
            + ".",
        )
        return []
    out = []
    for n, cells in enumerate(cell_rows, start=2):
        values = [c.value for c in cells]
        if not values or all(v in (None, "") for v in values):
            continue
        record = {}
        for (field, label), cell in zip(columns, cells, strict=False):
            raw = cell.value
            if isinstance(raw, dt.date | dt.time):
                errs.add(
                    title,
                    n,
                    label,
                    f"Ô chứa ngày/giờ ({_shown_date(raw)}), không phải giá trị; "
                    "hãy định dạng ô là số hoặc chữ.",
                )
                record[field] = None
                continue
            record[field] = _convert(field, raw, errs, title, n, label)
            if field == "value":
                record["_value_format"] = getattr(cell, "number_format", None)
        out.append((n, record))
    return out


def _shown_date(value) -> str:
    return value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else str(value)


def percent_cell_value(value, number_format: str | None, value_type: str):
    """A threshold typed as a percentage the Excel way (80% is the number 0.8 with a percent format)
    is 80 in a percentage indicator; anything else stays as it is."""
    from chungsuc.core.excel import number_format_kind

    if (
        value_type == "percentage"
        and isinstance(value, int | float)
        and not isinstance(value, bool)
        and number_format_kind(number_format) == "percent"
    ):
        return round(float(value) * 100, 6)
    return value


def parse_workbook(fileobj, *, name: str | None = None) -> tuple[dict | None, list[dict]]:
    """(spec, errors). `spec` is None when anything is wrong. The file is checked by content first
    (core: a real .xlsx, not empty, within the size limit, no macros, not encrypted)."""
    from django.core.exceptions import ValidationError

    from chungsuc.core.excel import open_workbook_safely

    errs = _Errors()
    try:
        wb = open_workbook_safely(
            fileobj,
            read_only=True,
            data_only=True,
            name=name or getattr(fileobj, "name", None) or "tệp tải lên",
        )
    except ValidationError as exc:
        errs.add("", None, None, f"Tệp không phải bảng tính Excel (.xlsx) hợp lệ: {' '.join(exc.messages)}")
        return None, errs
    spec: dict[str, Any] = {"bands": []}
    if SHEET_META not in wb.sheetnames:
        errs.add(SHEET_META, None, None, f"Thiếu trang tính «{SHEET_META}».")
    else:
        labels = {label: field for field, label in META_FIELDS}
        for n, row in enumerate(wb[SHEET_META].iter_rows(min_row=2, values_only=True), start=2):
            if not row or row[0] in (None, ""):
                continue
            field = labels.get(str(row[0]).strip())
            if field is None:
                continue  # informational rows (version)
            spec[field] = _convert(field, row[1] if len(row) > 1 else None, errs, SHEET_META, n, "Giá trị")
        for field, label in META_FIELDS:
            spec.setdefault(field, _convert(field, None, errs, SHEET_META, 0, label))
        if not spec.get("code"):
            errs.add(SHEET_META, None, "Mã", "Thiếu mã bộ tiêu chí.")
        if spec.get("level") not in LEVELS:
            errs.add(
                SHEET_META, None, "Cấp", f"Cấp «{spec.get('level')}» không hợp lệ: cần {', '.join(LEVELS)}."
            )
        if spec.get("standard") not in STANDARDS:
            errs.add(
                SHEET_META,
                None,
                "Chuẩn",
                f"Chuẩn «{spec.get('standard')}» không hợp lệ: cần {', '.join(STANDARDS)}.",
            )
        spec["presupposes"] = spec.get("presupposes") or ""
    criteria_rows = _read_table(wb, SHEET_CRITERIA, CRITERIA_COLUMNS, errs)
    indicator_rows = _read_table(wb, SHEET_INDICATORS, INDICATOR_COLUMNS, errs)
    rule_rows = _read_table(wb, SHEET_RULES, RULE_COLUMNS, errs)
    criteria: dict[str, dict] = {}
    for n, c in criteria_rows:
        code = str(c["code"] or "")
        if not code:
            errs.add(SHEET_CRITERIA, n, "Mã", "Thiếu mã tiêu chí.")
        elif code in criteria:
            errs.add(SHEET_CRITERIA, n, "Mã", f"Mã tiêu chí «{code}» bị trùng.")
        else:
            criteria[code] = dict(c, code=code, group=c.pop("cgroup") or "", indicators=[])
    indicators: dict[str, dict] = {}
    for n, i in indicator_rows:
        code = str(i["code"] or "")
        crit = str(i.pop("criterion") or "")
        if not code:
            errs.add(SHEET_INDICATORS, n, "Mã", "Thiếu mã chỉ tiêu.")
            continue
        if code in indicators:
            errs.add(SHEET_INDICATORS, n, "Mã", f"Mã chỉ tiêu «{code}» bị trùng.")
            continue
        if crit not in criteria:
            errs.add(
                SHEET_INDICATORS,
                n,
                "Mã tiêu chí",
                f"Tiêu chí «{crit}» không có trong trang «{SHEET_CRITERIA}».",
            )
            continue
        if i["value_type"] not in engine.VALUE_TYPES:
            errs.add(
                SHEET_INDICATORS,
                n,
                "Kiểu giá trị",
                f"Kiểu «{i['value_type']}» không hợp lệ: cần {', '.join(engine.VALUE_TYPES)}.",
            )
        problem = engine.decimals_problem(i["value_type"], i.get("decimals"))
        if problem and i["value_type"] in engine.VALUE_TYPES:
            errs.add(SHEET_INDICATORS, n, "Số chữ số thập phân", problem[:1].upper() + problem[1:])
        if i.get("decimals") is None:
            i.pop("decimals", None)
        if i["comparator"] not in engine.COMPARATORS:
            errs.add(
                SHEET_INDICATORS,
                n,
                "Phép so sánh",
                f"Phép so sánh «{i['comparator']}» không hợp lệ: cần {', '.join(engine.COMPARATORS)}.",
            )
        i = dict(i, code=code, rules=[], inputs=i["inputs"] or [])
        indicators[code] = i
        criteria[crit]["indicators"].append(i)
    keys: set[str] = set()
    for n, r in rule_rows:
        ind_code = str(r.pop("indicator") or "")
        key = str(r["key"] or "")
        if not key:
            errs.add(SHEET_RULES, n, "Khóa", "Thiếu khóa ngưỡng.")
            continue
        if key in keys:
            errs.add(SHEET_RULES, n, "Khóa", f"Khóa «{key}» bị trùng.")
            continue
        keys.add(key)
        ind = indicators.get(ind_code)
        if ind is None:
            errs.add(
                SHEET_RULES,
                n,
                "Mã chỉ tiêu",
                f"Chỉ tiêu «{ind_code}» không có trong trang «{SHEET_INDICATORS}».",
            )
            continue
        if r["comparator"] not in engine.COMPARATORS:
            errs.add(
                SHEET_RULES,
                n,
                "Phép so sánh",
                f"Phép so sánh «{r['comparator']}» không hợp lệ: cần {', '.join(engine.COMPARATORS)}.",
            )
        r["value"] = percent_cell_value(r["value"], r.pop("_value_format", None), ind["value_type"])
        if r["value"] is not None and ind["value_type"] in engine.VALUE_TYPES:
            try:
                engine.coerce_value(
                    ind_code,
                    ind["value_type"],
                    r["value"] if ind["value_type"] != "pass_fail" else bool(r["value"]),
                )
            except engine.EvaluationError as exc:
                errs.add(SHEET_RULES, n, "Ngưỡng", str(exc))
        r["region"] = r["region"] or None
        if r["region"] is not None and r["region"] not in Region.values:
            errs.add(
                SHEET_RULES, n, "Vùng", f"Vùng «{r['region']}» không hợp lệ: cần {', '.join(Region.values)}."
            )
        if r["group"] is not None and r["group"] not in (1, 2, 3):
            errs.add(SHEET_RULES, n, "Nhóm xã", f"Nhóm xã «{r['group']}» không hợp lệ: cần 1, 2 hoặc 3.")
        for field, label in (("when", "Điều kiện áp dụng (JSON)"), ("also", "Điều kiện kèm theo (JSON)")):
            terms = r[field]
            if terms is None:
                r[field] = []
                continue
            if not isinstance(terms, list) or not all(
                isinstance(t, dict) and {"input", "comparator", "value"} <= t.keys() for t in terms
            ):
                errs.add(SHEET_RULES, n, label, 'Cần danh sách [{"input", "comparator", "value"}].')
        ind["rules"].append(r)
    for code, ind in indicators.items():
        if not ind["rules"]:
            errs.add(
                SHEET_INDICATORS,
                None,
                "Mã",
                f"Chỉ tiêu «{code}» không có ngưỡng nào trong trang «{SHEET_RULES}».",
            )
    for code, c in criteria.items():
        if not c["indicators"]:
            errs.add(SHEET_CRITERIA, None, "Mã", f"Tiêu chí «{code}» không có chỉ tiêu nào.")
    spec["criteria"] = list(criteria.values())
    if not errs:
        try:
            engine.framework_from_dict(spec)
        except (engine.EvaluationError, KeyError, TypeError, ValueError) as exc:
            errs.add("", None, None, f"Bộ tiêu chí không hợp lệ: {exc}")
    return (None if errs else spec), list(errs)
