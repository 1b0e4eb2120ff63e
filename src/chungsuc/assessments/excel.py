"""Offline entry through Excel: a pre-filled workbook (one unit, or every commune of a district, a
row per unit), and its import as a dry run (every problem by sheet/row/column, and the exact changes)
followed by an atomic commit.

Workbook layout (template `chungsuc-gia-tri-chi-tieu`, version 1):
- "Hướng dẫn": how to fill it in, the framework and year.
- "SoLieu": row 1 the value keys (indicator codes), row 2 their names, row 3 the threshold that applies
  and its unit (with "chưa kiểm chứng" where the threshold is not verified); from row 4 one row per
  unit: A unit code and B unit name (locked), then the values. Pass/fail cells have an "Đạt / Không
  đạt" list, percentages accept 0–100, counts whole numbers ≥ 0.
- "_meta" (hidden): template name and version, framework code and version, year.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from openpyxl.utils import get_column_letter

from chungsuc.accounts.selectors import can_act_on_unit, scope_for
from chungsuc.assessments import frameworks
from chungsuc.assessments.models import Assessment, layout_key, unpack
from chungsuc.assessments.values import format_value, parse_value
from chungsuc.core import excel as cx

TEMPLATE = "chungsuc-gia-tri-chi-tieu"
TEMPLATE_VERSION = "1"
DATA_SHEET = "SoLieu"
META_SHEET = "_meta"
FIRST_ROW = 4
PASS_OPTIONS = ["Đạt", "Không đạt"]


def _fields_and_thresholds(fw, unit, year):
    efw = frameworks.engine_framework(fw)
    fields = frameworks.fields(efw)
    ctx = frameworks.context_for(unit, year) if unit is not None else frameworks.engine.Context(year=year)
    thresholds = {}
    for f in fields:
        if f.is_input:
            thresholds[f.key] = (f.unit or "", True)
        else:
            text, verified = frameworks.threshold_text(efw, f.indicator, ctx)
            thresholds[f.key] = (text, verified)
    return efw, fields, thresholds


def build_workbook(
    *, framework, year: int, units: list, assessments: dict[int, Assessment], write_only=False
):
    """The pre-filled workbook for `units` (a row each; values from `assessments` by unit id)."""
    efw, fields, thresholds = _fields_and_thresholds(framework, units[0] if len(units) == 1 else None, year)
    keys = [f.key for f in fields]
    wb = openpyxl.Workbook(write_only=write_only)
    if write_only:
        ws = wb.create_sheet(DATA_SHEET)
    else:
        ws = wb.active
        ws.title = DATA_SHEET
    header = ["Mã ĐV", "Tên đơn vị", *keys]
    names = ["", "", *[f.name for f in fields]]
    thr_row = [
        "",
        "Ngưỡng áp dụng →",
        *[f"{thresholds[k][0]}{'' if thresholds[k][1] else ' (chưa kiểm chứng)'}" for k in keys],
    ]
    layout = frameworks.layout(efw)
    lkey = layout_key(layout)
    if write_only:
        cx.write_header_row(ws, [("Mã ĐV", 10), ("Tên đơn vị", 28), *[(k, 12) for k in keys]])
        ws.append(names)
        ws.append(thr_row)
    else:
        cx.write_header_row(ws, [("Mã ĐV", 10), ("Tên đơn vị", 28), *[(k, 12) for k in keys]])
        for i, text in enumerate(names, start=1):
            ws.cell(row=2, column=i, value=text)
        for i, text in enumerate(thr_row, start=1):
            ws.cell(row=3, column=i, value=text)
        ws.freeze_panes = "C4"
    for unit in units:
        a = assessments.get(unit.pk)
        vals = unpack(a.packed, layout) if (a is not None and a.packed and a.layout == lkey) else {}
        row = [unit.code, unit.name]
        for f in fields:
            v = vals.get(f.key)
            if v is None:
                row.append(None)
            elif f.value_type == "pass_fail":
                row.append(format_value(v, "pass_fail"))
            else:
                row.append(int(v) if float(v).is_integer() else v)
        ws.append(row)
    last = FIRST_ROW + len(units) - 1
    if not write_only and units:
        end_col = get_column_letter(len(header))
        cx.lock_cells(ws, f"A{FIRST_ROW}:B{last}")
        cx.protect_sheet(ws, editable=f"C{FIRST_ROW}:{end_col}{last}")
        for i, f in enumerate(fields, start=3):
            col = get_column_letter(i)
            rng = f"{col}{FIRST_ROW}:{col}{last}"
            if f.value_type == "pass_fail":
                cx.add_list_validation(ws, rng, PASS_OPTIONS)
            elif f.value_type == "percentage":
                cx.add_number_validation(ws, rng, minimum=0, maximum=100, unit="%")
            elif f.value_type == "count":
                cx.add_number_validation(ws, rng, minimum=0, whole=True)
            else:
                cx.add_number_validation(ws, rng, minimum=0, unit=f.unit)
    meta = wb.create_sheet(META_SHEET)
    for pair in [
        ("template", TEMPLATE),
        ("template_version", TEMPLATE_VERSION),
        ("framework", efw.code),
        ("framework_version", str(efw.version)),
        ("year", str(year)),
    ]:
        meta.append(list(pair))
    meta.sheet_state = "hidden"
    if not write_only:
        cx.add_readme_sheet(
            wb,
            heading="Nhập số liệu tự đánh giá ngoài mạng",
            lines=[
                ("Bộ tiêu chí", f"{framework.name} ({efw.code}, phiên bản {efw.version})"),
                ("Năm", str(year)),
                (
                    "Cách nhập",
                    "Mỗi dòng một đơn vị; mỗi cột một chỉ tiêu (dòng 1: mã, dòng 2: tên, dòng 3: ngưỡng).",
                ),
                ("Đạt/không đạt", "Chọn «Đạt» hoặc «Không đạt» trong danh sách."),
                ("Tỷ lệ %", "Nhập số từ 0 đến 100 (không nhập công thức)."),
                ("Để trống", "Ô để trống nghĩa là chưa có số liệu (không xóa số liệu đã có)."),
                ("Không sửa", "Không sửa mã, tên đơn vị, tiêu đề và trang tính ẩn _meta."),
                (
                    "Tải lên",
                    "Hệ thống kiểm tra thử, liệt kê mọi lỗi và mọi thay đổi; chỉ ghi khi bạn xác nhận.",
                ),
            ],
        )
    return wb


# --- import ---------------------------------------------------------------------------------------


@dataclass
class RowPlan:
    row: int
    unit_id: int
    unit_code: str
    unit_name: str
    assessment_id: int | None
    version: int | None
    values: dict[str, float | None] = field(default_factory=dict)
    changes: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class ImportPlan:
    framework_id: int
    framework_code: str
    year: int
    rows: list[RowPlan]
    errors: list[str]

    @property
    def change_count(self) -> int:
        return sum(len(r.changes) for r in self.rows)

    def to_json(self) -> str:
        return json.dumps(
            {
                "framework_id": self.framework_id,
                "framework_code": self.framework_code,
                "year": self.year,
                "rows": [r.__dict__ for r in self.rows if r.changes],
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> ImportPlan:
        d = json.loads(text)
        return cls(d["framework_id"], d["framework_code"], d["year"], [RowPlan(**r) for r in d["rows"]], [])


def _meta(wb) -> dict[str, str]:
    if META_SHEET not in wb.sheetnames:
        raise ValidationError(
            "Tệp không phải mẫu nhập số liệu của Chung Sức (thiếu trang tính _meta). Hãy tải mẫu từ hệ thống."
        )
    out = {}
    for row in wb[META_SHEET].iter_rows(values_only=True):
        if row and row[0]:
            out[str(row[0])] = str(row[1]) if len(row) > 1 and row[1] is not None else ""
    return out


def dry_run(*, actor, upload, framework=None, name: str | None = None) -> ImportPlan:
    """Read and check the whole workbook; answer every problem and every change. Writes nothing."""
    from chungsuc.criteria.models import Framework, Status

    wb = cx.open_workbook_safely(upload, data_only=False, name=name)
    try:
        meta = _meta(wb)
        if meta.get("template") != TEMPLATE:
            raise ValidationError(
                f"Tệp dùng mẫu «{meta.get('template') or '?'}», "
                f"không phải mẫu nhập số liệu tự đánh giá ({TEMPLATE})."
            )
        code = meta.get("framework", "")
        fw = (
            framework
            if framework is not None
            else Framework.objects.filter(code=code, status=Status.IN_FORCE).order_by("-version").first()
        )
        if fw is None or fw.code != code:
            raise ValidationError(
                f"Tệp dành cho bộ tiêu chí «{code}», không phải bộ tiêu chí đang nhập"
                + (f" «{framework.code}»." if framework is not None else " (không có trong hệ thống).")
            )
        try:
            year = int(meta.get("year", ""))
        except ValueError:
            raise ValidationError(f"Trang tính _meta: năm «{meta.get('year')}» không hợp lệ.") from None
        efw = frameworks.engine_framework(fw)
        fields = {f.key: f for f in frameworks.fields(efw)}
        layout = frameworks.layout(efw)
        lkey = layout_key(layout)
        ws = cx.sheet_or_error(wb, DATA_SHEET)
        errors = cx.CellErrors(limit=2000)
        rows_iter = ws.iter_rows(values_only=True)
        header = next(rows_iter, None) or ()
        columns: dict[int, str] = {}
        for idx, h in enumerate(header[2:], start=3):
            text = cx.cell_text(h)
            if not text:
                continue
            if text not in fields:
                errors.add(DATA_SHEET, 1, idx, f"mã chỉ tiêu «{text}» không có trong bộ tiêu chí {fw.code}")
            else:
                columns[idx] = text
        if cx.cell_text(header[0] if header else "") != "Mã ĐV":
            errors.add(DATA_SHEET, 1, 1, "tiêu đề cột phải là «Mã ĐV» — hãy dùng đúng mẫu tải về")
        next(rows_iter, None)
        next(rows_iter, None)
        scope = scope_for(actor)
        import datetime as dt

        from chungsuc.geo.models import UnitVersion
        from chungsuc.geo.selectors import valid_on

        on = dt.date(year, 12, 31)
        raw_rows = []
        for r, cells in enumerate(rows_iter, start=FIRST_ROW):
            if not cells or all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            raw_rows.append((r, cells))
        codes = {cx.cell_text(c[0]) for _r, c in raw_rows}
        units_by_code = {}
        for v in UnitVersion.objects.filter(valid_on(on), code__in=codes).select_related("unit"):
            units_by_code[v.code] = v.unit
        if len(units_by_code) < len(codes):
            # a code may belong to a unit valid earlier in the year (e.g. before a merger)
            for v in UnitVersion.objects.filter(
                valid_on(dt.date(year, 1, 1)), code__in=codes - set(units_by_code)
            ).select_related("unit"):
                units_by_code[v.code] = v.unit
        unit_ids = [u.pk for u in units_by_code.values()]
        existing = {
            a.unit_id: a
            for a in Assessment.objects.filter(unit_id__in=unit_ids, year=year, framework__code=fw.code).only(
                "id", "unit_id", "version", "packed", "layout"
            )
        }
        locked_ids = _locked_assessment_ids([a.pk for a in existing.values()])
        plans: list[RowPlan] = []
        seen_codes: dict[str, int] = {}
        for r, cells in raw_rows:
            code_text = cx.cell_text(cells[0])
            unit = units_by_code.get(code_text)
            if unit is None or not scope.covers(unit.pk):
                errors.add(
                    DATA_SHEET,
                    r,
                    1,
                    f"mã đơn vị «{code_text}» không có hoặc không thuộc địa bàn của bạn",
                    "Mã ĐV",
                )
                continue
            if code_text in seen_codes:
                errors.add(
                    DATA_SHEET,
                    r,
                    1,
                    f"mã đơn vị «{code_text}» lặp lại (đã có ở dòng {seen_codes[code_text]})",
                    "Mã ĐV",
                )
                continue
            seen_codes[code_text] = r
            a = existing.get(unit.pk)
            current = unpack(a.packed, layout) if (a is not None and a.packed and a.layout == lkey) else {}
            plan = RowPlan(r, unit.pk, unit.code, unit.name, a.pk if a else None, a.version if a else None)
            for idx, key in columns.items():
                raw = cells[idx - 1] if idx - 1 < len(cells) else None
                if raw is None or (isinstance(raw, str) and not raw.strip()):
                    continue
                if cx.is_formula(raw):
                    errors.add(DATA_SHEET, r, idx, "có công thức; hãy nhập giá trị (dán dạng giá trị)", key)
                    continue
                f = fields[key]
                try:
                    value = parse_value(raw, f.value_type)
                except ValueError as exc:
                    errors.add(DATA_SHEET, r, idx, str(exc), key)
                    continue
                old = current.get(key)
                if value != old:
                    plan.values[key] = value
                    plan.changes[key] = [format_value(old, f.value_type), format_value(value, f.value_type)]
            if plan.changes:
                if a is not None and a.pk in locked_ids:
                    errors.add(
                        DATA_SHEET, r, 1, f"hồ sơ của {unit.name} đã gửi/được duyệt, chỉ được xem", "Mã ĐV"
                    )
                    continue
                if not can_act_on_unit(
                    actor,
                    unit.pk,
                    {"commune_officer", "district_officer", "programme_office", "province_admin"},
                ):
                    errors.add(DATA_SHEET, r, 1, f"bạn không có quyền nhập số liệu cho {unit.name}", "Mã ĐV")
                    continue
            plans.append(plan)
        return ImportPlan(fw.pk, fw.code, year, plans, errors.messages())
    finally:
        close = getattr(wb, "close", None)
        if close:
            close()


def _locked_assessment_ids(ids: list[int]) -> set[int]:
    from django.contrib.contenttypes.models import ContentType

    from chungsuc.core.models import WorkflowCase

    ct = ContentType.objects.get_for_model(Assessment)
    return set(
        WorkflowCase.objects.filter(content_type=ct, object_id__in=ids, state__locks_data=True).values_list(
            "object_id", flat=True
        )
    )


def plan_store(plan: ImportPlan, user) -> str:
    token = uuid.uuid4().hex
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{token}.json").write_text(
        json.dumps({"user": user.pk, "plan": plan.to_json()}), encoding="utf-8"
    )
    return token


def plan_load(token: str, user) -> ImportPlan:
    if not token.isalnum():
        raise ValidationError("Mã lần nhập không hợp lệ.")
    path = Path(settings.VAR_DIR) / "imports" / f"{token}.json"
    if not path.exists():
        raise ValidationError("Lần kiểm tra thử này không còn (đã ghi hoặc đã hết hạn); hãy tải tệp lên lại.")
    data = json.loads(path.read_text(encoding="utf-8"))
    if data["user"] != user.pk:
        raise PermissionDenied("Lần nhập này của người khác.")
    return ImportPlan.from_json(data["plan"])


def plan_discard(token: str) -> None:
    path = Path(settings.VAR_DIR) / "imports" / f"{token}.json"
    path.unlink(missing_ok=True)


def commit(*, actor, plan: ImportPlan) -> int:
    """Apply the checked plan atomically: every assessment still at the version the dry run saw, or
    nothing is written. Creates missing assessments, writes values with history, one audit row per
    assessment, then evaluates the touched assessments set-at-a-time. Returns the number of values."""
    from chungsuc.assessments import services
    from chungsuc.assessments.evaluation import evaluate_many
    from chungsuc.core.audit import audit_record
    from chungsuc.core.concurrency import ConflictError, save_with_version
    from chungsuc.criteria.models import Framework
    from chungsuc.geo.models import Unit

    fw = Framework.objects.get(pk=plan.framework_id)
    efw = frameworks.engine_framework(fw)
    rows = [r for r in plan.rows if r.changes]
    touched = []
    with transaction.atomic():
        ids = [r.assessment_id for r in rows if r.assessment_id]
        current = dict(Assessment.objects.select_for_update().filter(pk__in=ids).values_list("pk", "version"))
        stale = [r for r in rows if r.assessment_id and current.get(r.assessment_id) != r.version]
        if stale:
            raise ConflictError(
                "Số liệu của "
                + ", ".join(r.unit_name for r in stale[:10])
                + " đã được người khác thay đổi sau khi bạn kiểm tra thử; chưa ghi gì. Hãy tải tệp lên lại."
            )
        if _locked_assessment_ids(ids):
            raise ValidationError(
                "Có hồ sơ vừa được gửi/duyệt sau khi kiểm tra thử; chưa ghi gì. Hãy tải tệp lên lại."
            )
        units = Unit.objects.in_bulk([r.unit_id for r in rows if not r.assessment_id])
        assessments = Assessment.objects.in_bulk(ids)
        for r in rows:
            if r.assessment_id:
                a = assessments[r.assessment_id]
            else:
                a = services.assessment_create(
                    actor=actor, unit=units[r.unit_id], year=plan.year, framework=fw
                )
            values = dict(r.values)
            changes = services._apply_values(actor=actor, assessment=a, values=values, comments={}, efw=efw)
            save_with_version(a, a.version, ["packed", "layout", "values_hash", "filled"])
            audit_record(
                actor=actor,
                action="assessment.import",
                target=a,
                unit_id=a.unit_id,
                changes=changes,
                reason="Nhập từ Excel",
            )
            touched.append(a.pk)
        evaluate_many(Assessment.objects.filter(pk__in=touched))
    return sum(len(r.changes) for r in rows)
