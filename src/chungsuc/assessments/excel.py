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

import io
import json
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

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


def build_workbook(*, framework, year: int, units: list, assessments: dict[int, Assessment]) -> bytes:
    """The pre-filled workbook (bytes) for `units`, a row each, values from `assessments` by unit id."""
    from chungsuc.assessments import xlsx_fast as xf

    efw, fields, thresholds = _fields_and_thresholds(framework, units[0] if len(units) == 1 else None, year)
    keys = [f.key for f in fields]
    layout = frameworks.layout(efw)
    lkey = layout_key(layout)
    width = len(keys) + 2
    rows: list = [
        [("Mã ĐV", xf.S_HEADER), ("Tên đơn vị", xf.S_HEADER), *[(k, xf.S_HEADER) for k in keys]],
        [("", xf.S_LOCKED), ("Tên chỉ tiêu →", xf.S_LOCKED), *[(f.name, xf.S_WRAP) for f in fields]],
        [("", xf.S_LOCKED), ("Ngưỡng áp dụng →", xf.S_LOCKED)]
        + [
            (f"{thresholds[k][0]}{'' if thresholds[k][1] else ' (chưa kiểm chứng)'}", xf.S_LOCKED)
            for k in keys
        ],
    ]
    types = [f.value_type for f in fields]
    for unit in units:
        a = assessments.get(unit.pk)
        vals = unpack(a.packed, layout) if (a is not None and a.packed and a.layout == lkey) else {}
        row = [(unit.code, xf.S_LOCKED), (unit.name, xf.S_LOCKED)]
        for key, vt in zip(keys, types, strict=True):
            v = vals.get(key)
            if v is None:
                row.append((None, xf.S_UNLOCKED))
            elif vt == "pass_fail":
                row.append((format_value(v, "pass_fail"), xf.S_UNLOCKED))
            else:
                row.append((int(v) if float(v).is_integer() else v, xf.S_UNLOCKED))
        rows.append(row)
    last = FIRST_ROW + max(len(units), 1) - 1
    by_kind: dict[tuple, list[str]] = {}
    for i, vt in enumerate(types, start=3):
        col = xf.col_letter(i)
        rng = f"{col}{FIRST_ROW}:{col}{last}"
        if vt == "pass_fail":
            key = ("list", None, '"' + ",".join(PASS_OPTIONS) + '"', None)
        elif vt == "percentage":
            key = ("decimal", "between", "0", "100")
        elif vt == "count":
            key = ("whole", "greaterThanOrEqual", "0", None)
        else:
            key = ("decimal", "greaterThanOrEqual", "0", None)
        by_kind.setdefault(key, []).append(rng)
    validations = [(k[0], k[1], k[2], k[3], " ".join(r)) for k, r in by_kind.items()]
    data_sheet = xf.Sheet(
        DATA_SHEET,
        rows,
        widths={1: 10, 2: 28, **dict.fromkeys(range(3, width + 1), 12)},
        freeze=(2, 3),
        protect=True,
        validations=validations,
    )
    readme = xf.Sheet(
        "Hướng dẫn",
        [
            [("Nhập số liệu tự đánh giá ngoài mạng", xf.S_HEADING)],
            [],
            [("Bộ tiêu chí", xf.S_BOLD), f"{framework.name} ({efw.code}, phiên bản {efw.version})"],
            [("Năm", xf.S_BOLD), str(year)],
            [
                ("Cách nhập", xf.S_BOLD),
                "Mỗi dòng một đơn vị; mỗi cột một chỉ tiêu (dòng 1: mã, dòng 2: tên, dòng 3: ngưỡng).",
            ],
            [("Đạt/không đạt", xf.S_BOLD), "Chọn «Đạt» hoặc «Không đạt» trong danh sách."],
            [("Tỷ lệ %", xf.S_BOLD), "Nhập số từ 0 đến 100 (không nhập công thức)."],
            [("Để trống", xf.S_BOLD), "Ô để trống nghĩa là chưa có số liệu (không xóa số liệu đã có)."],
            [("Không sửa", xf.S_BOLD), "Không sửa mã, tên đơn vị, tiêu đề và trang tính ẩn _meta."],
            [
                ("Tải lên", xf.S_BOLD),
                "Hệ thống kiểm tra thử, liệt kê mọi lỗi và mọi thay đổi; chỉ ghi khi bạn xác nhận.",
            ],
            [
                ("Chưa kiểm chứng", xf.S_BOLD),
                "Ngưỡng ghi «(chưa kiểm chứng)» chưa đối chiếu được với văn bản gốc.",
            ],
        ],
        widths={1: 28, 2: 90},
        protect=True,
    )
    meta = xf.Sheet(
        META_SHEET,
        [
            ["template", TEMPLATE],
            ["template_version", TEMPLATE_VERSION],
            ["framework", efw.code],
            ["framework_version", str(efw.version)],
            ["year", str(year)],
        ],
        hidden=True,
        protect=True,
    )
    return xf.write([readme, data_sheet, meta], active=0)


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


def _meta(data: bytes, names) -> dict[str, str]:
    from chungsuc.assessments import xlsx_fast as xf

    if META_SHEET not in names:
        raise ValidationError(
            "Tệp không phải mẫu nhập số liệu của Chung Sức (thiếu trang tính _meta). Hãy tải mẫu từ hệ thống."
        )
    out = {}
    for _r, row in xf.iter_rows(data, META_SHEET):
        if row and row[0]:
            out[str(row[0])] = str(row[1]) if len(row) > 1 and row[1] is not None else ""
    return out


def dry_run(*, actor, upload, framework=None, name: str | None = None) -> ImportPlan:
    """Read and check the whole workbook; answer every problem and every change. Writes nothing."""
    from chungsuc.assessments import xlsx_fast as xf
    from chungsuc.core.files import inspect_upload
    from chungsuc.criteria.models import Framework, Status

    checked = inspect_upload(upload, allowed={"xlsx"}, name=name)
    upload.seek(0)
    data = upload.read()
    try:
        names = xf.sheet_names(zipfile.ZipFile(io.BytesIO(data)))
    except Exception:
        raise ValidationError(
            f"Không đọc được tệp Excel «{checked.original_name}»: tệp bị hỏng hoặc không đúng cấu trúc .xlsx."
        ) from None
    try:
        meta = _meta(data, names)
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
        if DATA_SHEET not in names:
            raise ValidationError(
                f"Tệp không có trang tính «{DATA_SHEET}» (các trang tính có: "
                + ", ".join(f"«{n}»" for n in names)
                + "). Hãy dùng đúng mẫu tải về."
            )
        errors = cx.CellErrors(limit=2000)
        rows_iter = xf.iter_rows(data, DATA_SHEET)
        first = next(rows_iter, None)
        header = first[1] if first and first[0] == 1 else ()
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
        scope = scope_for(actor)
        import datetime as dt

        from chungsuc.geo.models import UnitVersion
        from chungsuc.geo.selectors import valid_on

        on = dt.date(year, 12, 31)
        raw_rows = []
        for r, cells in rows_iter:
            if r < FIRST_ROW:
                continue
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
                if isinstance(raw, xf.Formula) or cx.is_formula(raw):
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
    except xf.ReadError as exc:
        raise ValidationError(f"Không đọc được tệp Excel «{checked.original_name}»: {exc}.") from None


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
    """Apply the checked plan atomically, set-at-a-time: every assessment still at the version the dry
    run saw, or nothing is written. Creates missing assessments (through the service), writes the value
    rows with their history in bulk, repacks the value columns, bumps the versions, writes one audit
    row per assessment, then evaluates the touched assessments at once. Returns the number of values."""
    import numpy as np
    from django.utils import timezone

    from chungsuc.assessments import services
    from chungsuc.assessments.evaluation import evaluate_many
    from chungsuc.assessments.models import AssessmentValue, values_hash
    from chungsuc.core.audit import _plain
    from chungsuc.core.concurrency import ConflictError
    from chungsuc.core.models import AuditEntry
    from chungsuc.criteria.models import Framework
    from chungsuc.geo.models import Unit

    fw = Framework.objects.get(pk=plan.framework_id)
    efw = frameworks.engine_framework(fw)
    layout = frameworks.layout(efw)
    lkey = layout_key(layout)
    position = {k: i for i, k in enumerate(layout)}
    indicator_mask = np.array([k in {i.code for i in efw.indicators} for k in layout])
    rows = [r for r in plan.rows if r.changes]
    user = actor if getattr(actor, "is_authenticated", False) else None
    now = timezone.now()
    with transaction.atomic():
        ids = [r.assessment_id for r in rows if r.assessment_id]
        current = {}
        for chunk in range(0, len(ids), 5000):
            current.update(
                Assessment.objects.select_for_update()
                .filter(pk__in=ids[chunk : chunk + 5000])
                .values_list("pk", "version")
            )
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
        for r in rows:
            if not r.assessment_id:
                a = services.assessment_create(
                    actor=actor, unit=units[r.unit_id], year=plan.year, framework=fw
                )
                r.assessment_id, r.version = a.pk, a.version
        all_ids = [r.assessment_id for r in rows]
        assessments = {}
        for chunk in range(0, len(all_ids), 5000):
            assessments.update(Assessment.objects.in_bulk(all_ids[chunk : chunk + 5000]))
        existing: dict[tuple[int, str], AssessmentValue] = {}
        codes = sorted({k for r in rows for k in r.values})
        for chunk in range(0, len(all_ids), 2000):
            for v in AssessmentValue.objects.filter(
                assessment_id__in=all_ids[chunk : chunk + 2000], indicator_code__in=codes
            ):
                existing[(v.assessment_id, v.indicator_code)] = v
        to_update, to_create, audits, changed_assessments = [], [], [], []
        for r in rows:
            a = assessments[r.assessment_id]
            arr = (
                np.frombuffer(bytes(a.packed), dtype="<f8").copy()
                if a.packed and a.layout == lkey
                else np.full(len(layout), np.nan)
            )
            for key, value in r.values.items():
                row = existing.get((a.pk, key))
                if row is None:
                    to_create.append(
                        AssessmentValue(
                            assessment_id=a.pk,
                            indicator_code=key,
                            value=value,
                            updated_by=user,
                            updated_at=now,
                        )
                    )
                else:
                    row.value, row.updated_by, row.updated_at = value, user, now
                    to_update.append(row)
                arr[position[key]] = np.nan if value is None else value
            blob = arr.astype("<f8").tobytes()
            a.packed, a.layout, a.values_hash = blob, lkey, values_hash(blob)
            a.filled = int((~np.isnan(arr[indicator_mask])).sum())
            a.version = r.version + 1
            a.updated_at = now
            changed_assessments.append(a)
            audits.append(
                AuditEntry(
                    actor=user,
                    actor_repr=(user.get_full_name() or user.get_username()) if user else "hệ thống",
                    action="assessment.import",
                    target_type=a._meta.label_lower,
                    target_id=str(a.pk),
                    target_repr=str(a.title or a.pk)[:300],
                    unit_id=a.unit_id,
                    changes=_plain(r.changes),
                    reason="Nhập từ Excel",
                )
            )
        _write_values(to_update, to_create, changed_assessments, user)
        AuditEntry.objects.bulk_create(audits, batch_size=2000)
        for chunk in range(0, len(all_ids), 5000):
            evaluate_many(Assessment.objects.filter(pk__in=all_ids[chunk : chunk + 5000]))
    return sum(len(r.changes) for r in rows)


def _write_values(to_update, to_create, changed_assessments, user) -> None:
    """Bulk writes with plain parameterised SQL (Django's bulk_update builds a CASE per row, which is
    10× slower at this size), plus the history rows of every value written."""
    from django.db import connection

    from chungsuc.assessments.models import AssessmentValue

    vt = AssessmentValue._meta.db_table
    at = Assessment._meta.db_table
    ops = connection.ops
    with connection.cursor() as cur:
        if to_update:
            cur.executemany(
                f"UPDATE {vt} SET value = %s, updated_by_id = %s, updated_at = %s WHERE id = %s",
                [
                    (v.value, v.updated_by_id, ops.adapt_datetimefield_value(v.updated_at), v.pk)
                    for v in to_update
                ],
            )
        if changed_assessments:
            cur.executemany(
                f"UPDATE {at} SET packed = %s, layout = %s, values_hash = %s, filled = %s, version = %s, "
                f"updated_at = %s WHERE id = %s",
                [
                    (
                        a.packed,
                        a.layout,
                        a.values_hash,
                        a.filled,
                        a.version,
                        ops.adapt_datetimefield_value(a.updated_at),
                        a.pk,
                    )
                    for a in changed_assessments
                ],
            )
    if to_create:
        AssessmentValue.objects.bulk_create(to_create, batch_size=1000)
    written = list(to_update) + list(to_create)
    if written:
        AssessmentValue.history.bulk_history_create(written, batch_size=1000, default_user=user, update=True)
