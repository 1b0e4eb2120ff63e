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

import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from chungsuc.accounts import permissions
from chungsuc.assessments import frameworks
from chungsuc.assessments.models import Assessment, layout_key, unpack
from chungsuc.assessments.values import format_value
from chungsuc.core import excel as cx

TEMPLATE = "chungsuc-gia-tri-chi-tieu"
TEMPLATE_VERSION = "2"
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
    *, framework, year: int, units: list, assessments: dict[int, Assessment], left_out=()
) -> bytes:
    """The pre-filled workbook (bytes) for `units`, a row each, values from `assessments` by unit id;
    `left_out` ((name, reason) of the units not in it) is listed on the read-me sheet."""
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
    # a stated precision is the cell's number format too (80 shows 80,0 in a 1-digit column)
    styles = [
        xf.S_UNLOCKED_DECIMALS[f.decimals]
        if f.decimals is not None and f.value_type in ("percentage", "number")
        else xf.S_UNLOCKED
        for f in fields
    ]
    for unit in units:
        a = assessments.get(unit.pk)
        vals = unpack(a.packed, layout) if (a is not None and a.packed and a.layout == lkey) else {}
        row = [(unit.code, xf.S_LOCKED), (unit.name, xf.S_LOCKED)]
        for key, vt, style in zip(keys, types, styles, strict=True):
            v = vals.get(key)
            if v is None:
                row.append((None, style))
            elif vt == "pass_fail":
                row.append((format_value(v, "pass_fail"), xf.S_UNLOCKED))
            else:
                row.append((int(v) if float(v).is_integer() else v, style))
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
            *(
                [[], [("Không có trong tệp", xf.S_BOLD), "Các đơn vị sau không có dòng trong tệp này:"]]
                if left_out
                else []
            ),
            *[[(name, xf.S_BOLD), reason] for name, reason in left_out],
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
            ["generated_at", timezone.now().isoformat()],
        ],
        hidden=True,
        protect=True,
    )
    return xf.write([readme, data_sheet, meta], active=0)


# --- import ---------------------------------------------------------------------------------------
#
# The dry run reads the whole sheet, locates the header row and the columns by their content (not by
# position, so deleted helper rows or moved columns are read right), and applies every check the
# commit applies (`services.framework_year_problem`, `services.unit_framework_problem`, scope, role,
# locked dossiers, derived indicators), so that what it accepts the commit writes. A value changed in
# the system since the workbook was downloaded (its `updated_at` is after the workbook's
# `generated_at`) is a conflict: it is shown with who changed it, and written only if the official
# chooses the file's value.

HELPER_LABELS = ("ten chi tieu", "nguong ap dung")
SAME_TEXT = {"Đạt": 1.0, "Không đạt": 0.0}  # pass/fail as the template writes them
HEADER_SEARCH_ROWS = 30
STAGING_KIND = "assessments.values"


@dataclass
class RowPlan:
    row: int
    unit_id: int
    unit_code: str
    unit_name: str
    assessment_id: int | None
    version: int | None
    values: dict[str, float | None] = field(default_factory=dict)
    changes: dict[str, list[str]] = field(default_factory=dict)  # key → [old, new] as shown
    typed: dict[str, str] = field(default_factory=dict)  # key → the cell as typed, when it differs
    last: dict[str, list[str]] = field(default_factory=dict)  # key → [who, when] of the current value
    conflicts: dict[str, dict] = field(default_factory=dict)  # key → {value, current, file, by, at}


@dataclass
class ImportPlan:
    framework_id: int
    framework_code: str
    year: int
    rows: list[RowPlan]
    errors: list[str]
    warnings: list[str] = field(default_factory=list)
    file_name: str = ""
    framework_name: str = ""
    generated_at: str = ""

    @property
    def change_count(self) -> int:
        return sum(len(r.changes) for r in self.rows)

    @property
    def conflict_count(self) -> int:
        return sum(len(r.conflicts) for r in self.rows)

    @property
    def changed_rows(self) -> list[RowPlan]:
        return [r for r in self.rows if r.changes or r.conflicts]

    def to_json(self) -> str:
        return json.dumps(
            {
                "framework_id": self.framework_id,
                "framework_code": self.framework_code,
                "framework_name": self.framework_name,
                "year": self.year,
                "file_name": self.file_name,
                "generated_at": self.generated_at,
                "warnings": self.warnings,
                "rows": [r.__dict__ for r in self.changed_rows],
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> ImportPlan:
        d = json.loads(text)
        return cls(
            d["framework_id"],
            d["framework_code"],
            d["year"],
            [RowPlan(**r) for r in d["rows"]],
            [],
            d.get("warnings", []),
            d.get("file_name", ""),
            d.get("framework_name", ""),
            d.get("generated_at", ""),
        )


def _meta(data: bytes, names) -> dict[str, str]:
    from chungsuc.assessments import xlsx_fast as xf

    if META_SHEET not in names:
        raise ValidationError(
            _(
                "Tệp không phải mẫu nhập số liệu của Chung Sức (thiếu trang tính _meta). "
                "Hãy tải mẫu từ hệ thống."
            )
        )
    out = {}
    for _r, row in xf.iter_rows(data, META_SHEET):
        if row and row[0]:
            out[str(row[0])] = str(row[1]) if len(row) > 1 and row[1] is not None else ""
    return out


def _typed(raw) -> str:
    """A cell as the official typed it (for the dry-run page, so a rounded value cannot hide)."""
    from chungsuc.assessments.values import PercentCell, clean_text

    if isinstance(raw, PercentCell):
        return f"{float(raw) * 100!r}".removesuffix(".0").replace(".", ",") + " % " + _("(ô định dạng %)")
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float):
        return repr(raw).removesuffix(".0").replace(".", ",")
    return clean_text(raw)


_REF = re.compile(r"^\$?[A-Z]{1,3}\$?(\d+)(?::\$?[A-Z]{1,3}\$?(\d+))?$")


def _rows_of(ref: str) -> tuple[int, int]:
    """The first and last row of a range such as "C1:D2" (a range it cannot read covers every row)."""
    m = _REF.match(ref.upper())
    if not m:
        return 1, 10**9
    a = int(m.group(1))
    b = int(m.group(2) or a)
    return min(a, b), max(a, b)


@dataclass(frozen=True, slots=True)
class _UnitRow:
    """What the dry run needs of a unit (read as plain values: 10,000 model instances cost a second)."""

    pk: int
    code: str
    name: str
    kind: str
    level: str


@dataclass(frozen=True, slots=True)
class _AssessmentRow:
    pk: int
    unit_id: int
    version: int
    packed: bytes | None
    layout: str


_KIND_WORDS = ("thanh pho ", "thi xa ", "thi tran ", "phuong ", "huyen ", "xa ", "tinh ")


def _bare(name: str) -> str:
    """A unit name folded and without its kind word: "Xã Vĩnh Chánh" and "vinh chanh" agree."""
    from chungsuc.core.text import fold

    text = fold(name)
    for word in _KIND_WORDS:
        if text.startswith(word):
            return text[len(word) :]
    return text


def dry_run(*, actor, upload, framework=None, name: str | None = None) -> ImportPlan:
    """Read and check the whole workbook; answer every problem and every change. Writes nothing."""
    from chungsuc.assessments import services
    from chungsuc.assessments import xlsx_fast as xf
    from chungsuc.assessments.values import PercentCell, clean_code, clean_text, parse_value
    from chungsuc.core.files import inspect_upload
    from chungsuc.core.text import fold
    from chungsuc.criteria.models import Framework, Status
    from chungsuc.geo.models import UnitVersion
    from chungsuc.geo.selectors import valid_on

    checked = inspect_upload(upload, allowed={"xlsx"}, name=name)
    upload.seek(0)
    data = upload.read()
    file_name = checked.original_name
    try:
        names = xf.sheet_names(zipfile.ZipFile(io.BytesIO(data)))
    except Exception:
        raise ValidationError(
            _("Không đọc được tệp Excel «%(name)s»: tệp bị hỏng hoặc không đúng cấu trúc .xlsx.")
            % {"name": file_name}
        ) from None
    try:
        meta = _meta(data, names)
        if meta.get("template") != TEMPLATE:
            raise ValidationError(
                _("Tệp dùng mẫu «%(t)s», không phải mẫu nhập số liệu tự đánh giá (%(ours)s).")
                % {"t": meta.get("template") or "?", "ours": TEMPLATE}
            )
        if meta.get("template_version") != TEMPLATE_VERSION:
            raise ValidationError(
                _(
                    "Tệp được tải theo mẫu phiên bản %(v)s, hệ thống đang "
                    "dùng mẫu phiên bản %(ours)s: hãy tải "
                    "mẫu mới và điền lại số liệu (mẫu cũ không ghi thời "
                    "điểm tải về, nên không phát hiện được "
                    "số liệu người khác đã sửa sau đó)."
                )
                % {"v": meta.get("template_version") or "?", "ours": TEMPLATE_VERSION}
            )
        code = meta.get("framework", "")
        fw = (
            framework
            if framework is not None
            else Framework.objects.filter(code=code, status=Status.IN_FORCE).order_by("-version").first()
        )
        if fw is None or fw.code != code:
            if framework is not None:
                msg = _("Tệp dành cho bộ tiêu chí «%(code)s», không phải bộ tiêu chí đang nhập «%(ours)s».")
            else:
                msg = _("Tệp dành cho bộ tiêu chí «%(code)s», không có trong hệ thống.")
            raise ValidationError(msg % {"code": code, "ours": framework.code if framework else ""})
        try:
            year = int(meta.get("year", ""))
        except ValueError:
            raise ValidationError(
                _("Trang tính _meta: năm «%(y)s» không hợp lệ.") % {"y": meta.get("year")}
            ) from None
        problem = services.framework_year_problem(fw, year)
        if problem:
            raise ValidationError(problem)
        try:
            generated_at = dt.datetime.fromisoformat(meta.get("generated_at", ""))
        except ValueError:
            raise ValidationError(
                _("Trang tính _meta: thời điểm tải mẫu «%(v)s» không đọc được; hãy tải mẫu mới.")
                % {"v": meta.get("generated_at", "")}
            ) from None
        efw = frameworks.engine_framework(fw)
        fields = {f.key: f for f in frameworks.fields(efw)}
        derived = {i.code for i in efw.indicators if i.derived is not None}
        layout = frameworks.layout(efw)
        lkey = layout_key(layout)
        if DATA_SHEET not in names:
            raise ValidationError(
                _("Tệp không có trang tính «%(s)s» (các trang tính có: %(have)s). Hãy dùng đúng mẫu tải về.")
                % {"s": DATA_SHEET, "have": ", ".join(f"«{n}»" for n in names)}
            )
        errors = cx.CellErrors(limit=2000)
        warnings: list[str] = []
        info = xf.SheetInfo(hidden_rows=set(), merged=[])
        all_rows = list(xf.iter_rows(data, DATA_SHEET, info))

        # the header row: the first row (of the first 30) that has a "Mã ĐV" cell
        header_at = None
        code_col = name_col = None
        for pos, (_r, cells) in enumerate(all_rows[:HEADER_SEARCH_ROWS]):
            for idx, value in enumerate(cells, start=1):
                if isinstance(value, str) and fold(clean_text(value)) == "ma dv":
                    header_at, code_col = pos, idx
                    break
            if header_at is not None:
                break
        if header_at is None:
            raise ValidationError(
                _(
                    "Trang tính %(s)s: không tìm thấy dòng tiêu đề (ô «Mã ĐV») trong %(n)d dòng đầu; "
                    "hãy dùng đúng mẫu tải về, không xóa dòng tiêu đề."
                )
                % {"s": DATA_SHEET, "n": HEADER_SEARCH_ROWS}
            )
        header_row, header = all_rows[header_at]
        columns: dict[int, str] = {}
        for idx, h in enumerate(header, start=1):
            if idx == code_col:
                continue
            text, _hidden = clean_code(h) if not isinstance(h, xf.Formula) else ("=", False)
            if not text:
                continue
            if fold(text) == "ten don vi":
                name_col = idx
                continue
            if text not in fields:
                errors.add(
                    DATA_SHEET,
                    header_row,
                    idx,
                    _("mã chỉ tiêu «%(c)s» không có trong bộ tiêu chí %(fw)s") % {"c": text, "fw": fw.code},
                )
            elif text in columns.values():
                first = next(i for i, k in columns.items() if k == text)
                errors.add(
                    DATA_SHEET,
                    header_row,
                    idx,
                    _("mã chỉ tiêu «%(c)s» lặp lại (đã có ở cột %(col)s)")
                    % {"c": text, "col": xf.col_letter(first)},
                )
            else:
                columns[idx] = text
        for ref in info.merged:
            if _rows_of(ref)[1] >= header_row:
                raise ValidationError(
                    _(
                        "Trang tính %(s)s: các ô %(ref)s bị gộp, nên không "
                        "biết mỗi cột thuộc chỉ tiêu nào hay "
                        "mỗi ô thuộc đơn vị nào. Hãy bỏ gộp ô (mỗi cột một mã chỉ tiêu, mỗi dòng một đơn vị) "
                        "rồi tải lên lại."
                    )
                    % {"s": DATA_SHEET, "ref": ref}
                )

        # the data rows: every row after the header, except the helper rows (indicator names,
        # thresholds) recognised by their label; a row with values is never skipped
        known_cols = set(columns) | {code_col} | ({name_col} if name_col else set())
        raw_rows = []
        orphans: dict[int, list[int]] = {}
        for r, cells in all_rows[header_at + 1 :]:
            if not cells or all(c is None or (type(c) is str and not c.strip()) for c in cells):
                continue
            code_raw = cells[code_col - 1] if code_col - 1 < len(cells) else None
            label = cells[name_col - 1] if name_col and name_col - 1 < len(cells) else None
            if (
                (code_raw is None or not clean_code(code_raw)[0])
                and isinstance(label, str)
                and fold(clean_text(label)).startswith(HELPER_LABELS)
            ):
                continue
            for idx, value in enumerate(cells, start=1):
                if (
                    idx not in known_cols
                    and value is not None
                    and not (isinstance(value, str) and not clean_text(value))
                ):
                    orphans.setdefault(idx, []).append(r)
            raw_rows.append((r, cells))
        for idx, at in sorted(orphans.items()):
            errors.add(
                DATA_SHEET,
                None,
                idx,
                _(
                    "cột %(col)s có số liệu (dòng %(rows)s) nhưng ô tiêu đề "
                    "%(col)s%(hr)d không có mã chỉ tiêu; "
                    "hãy ghi lại mã chỉ tiêu ở ô tiêu đề (hoặc xóa cột nếu không dùng)"
                )
                % {
                    "col": xf.col_letter(idx),
                    "rows": ", ".join(map(str, at[:5])) + ("…" if len(at) > 5 else ""),
                    "hr": header_row,
                },
            )
        if not raw_rows:
            raise ValidationError(
                _("Trang tính %(s)s không có dòng số liệu nào (sau dòng tiêu đề %(r)d).")
                % {"s": DATA_SHEET, "r": header_row}
            )
        hidden = sorted(r for r, _c in raw_rows if r in info.hidden_rows)
        if hidden:
            warnings.append(
                _(
                    "Trang tính %(s)s: dòng %(rows)s đang bị ẩn trong tệp; "
                    "số liệu ở các dòng này vẫn được đọc."
                )
                % {
                    "s": DATA_SHEET,
                    "rows": ", ".join(map(str, hidden[:20])) + ("…" if len(hidden) > 20 else ""),
                }
            )

        on = dt.date(year, 12, 31)
        codes = {}
        for r, cells in raw_rows:
            text, had_hidden = clean_code(cells[code_col - 1] if code_col - 1 < len(cells) else None)
            codes[r] = text
            if had_hidden and text:
                warnings.append(
                    str(
                        cx.CellError(
                            DATA_SHEET,
                            r,
                            code_col,
                            _(
                                "mã «%(c)s» có ký tự ẩn (khoảng trắng không ngắt, "
                                "ký tự không độ rộng hoặc dấu ' "
                                "ở đầu) — đã bỏ khi đọc"
                            )
                            % {"c": text},
                        )
                    )
                )
        wanted = set(codes.values()) - {""}
        units_by_code, names_by_code = {}, {}
        unit_fields = ("code", "name", "unit_id", "unit__code", "unit__name", "unit__kind", "unit__level")
        for code, vname, uid, ucode, uname, ukind, ulevel in UnitVersion.objects.filter(
            valid_on(on), code__in=wanted
        ).values_list(*unit_fields):
            units_by_code[code] = _UnitRow(uid, ucode, uname, ukind, ulevel)
            names_by_code.setdefault(code, set()).add(vname)
        if len(units_by_code) < len(wanted):
            # a code may belong to a unit valid earlier in the year (e.g. before a merger)
            for code, vname, uid, ucode, uname, ukind, ulevel in UnitVersion.objects.filter(
                valid_on(dt.date(year, 1, 1)), code__in=wanted - set(units_by_code)
            ).values_list(*unit_fields):
                units_by_code[code] = _UnitRow(uid, ucode, uname, ukind, ulevel)
                names_by_code.setdefault(code, set()).add(vname)
        unit_ids = [u.pk for u in units_by_code.values()]
        # the file's units the actor reads dossiers of (the layer's rule, one query per 5000 codes)
        in_scope: set[int] = set()
        for chunk in range(0, len(unit_ids), 5000):
            in_scope |= permissions.reached(actor, "assessment.view", unit_ids[chunk : chunk + 5000])
        existing = {}
        for chunk in range(0, len(unit_ids), 5000):
            for aid, unit_id, version, packed, alayout in Assessment.objects.filter(
                unit_id__in=unit_ids[chunk : chunk + 5000], year=year, framework__code=fw.code
            ).values_list("id", "unit_id", "version", "packed", "layout"):
                existing[unit_id] = _AssessmentRow(aid, unit_id, version, packed, alayout)
        locked_ids = _locked_assessment_ids([a.pk for a in existing.values()])
        plans: list[RowPlan] = []
        seen_codes: dict[str, int] = {}
        no_workflow: str | None | bool = False  # asked once, when a row needs a new dossier
        for r, cells in raw_rows:
            code_text = codes[r]
            if not code_text:
                errors.add(DATA_SHEET, r, code_col, _("dòng có số liệu nhưng ô mã đơn vị trống"), "Mã ĐV")
                continue
            unit = units_by_code.get(code_text)
            if unit is None or unit.pk not in in_scope:
                errors.add(
                    DATA_SHEET,
                    r,
                    code_col,
                    _("mã đơn vị «%(c)s» không có hoặc không thuộc địa bàn của bạn") % {"c": code_text},
                    "Mã ĐV",
                )
                continue
            if code_text in seen_codes:
                errors.add(
                    DATA_SHEET,
                    r,
                    code_col,
                    _("mã đơn vị «%(c)s» lặp lại (đã có ở dòng %(r)d)")
                    % {"c": code_text, "r": seen_codes[code_text]},
                    "Mã ĐV",
                )
                continue
            seen_codes[code_text] = r
            if name_col:
                typed_name = (
                    clean_text(cells[name_col - 1])
                    if name_col - 1 < len(cells) and cells[name_col - 1]
                    else ""
                )
                names = names_by_code.get(code_text, set())
                if (
                    typed_name
                    and typed_name != unit.name
                    and typed_name not in names
                    and _bare(typed_name) not in {_bare(n) for n in names} | {_bare(unit.name)}
                ):
                    warnings.append(
                        str(
                            cx.CellError(
                                DATA_SHEET,
                                r,
                                name_col,
                                _(
                                    "tên «%(typed)s» không khớp với mã %(code)s "
                                    "(%(name)s); số liệu của dòng này "
                                    "sẽ ghi cho %(name)s — hãy kiểm tra lại mã và tên"
                                )
                                % {"typed": typed_name, "code": code_text, "name": unit.name},
                            )
                        )
                    )
            a = existing.get(unit.pk)
            current = unpack(a.packed, layout) if (a is not None and a.packed and a.layout == lkey) else {}
            plan = RowPlan(r, unit.pk, unit.code, unit.name, a.pk if a else None, a.version if a else None)
            width = len(cells)
            for idx, key in columns.items():
                raw = cells[idx - 1] if idx - 1 < width else None
                if raw is None:
                    continue
                kind = type(raw)
                if (kind is float or kind is int) and raw == current.get(key):
                    continue  # the stored value, unchanged (it was checked when it was stored)
                if kind is str:
                    if raw in SAME_TEXT and SAME_TEXT[raw] == current.get(key):
                        continue
                    if not raw.strip() and not clean_text(raw):
                        continue
                if kind is xf.Formula or (kind is str and raw[:1] == "=" and len(raw) > 1):
                    errors.add(
                        DATA_SHEET, r, idx, _("có công thức; hãy nhập giá trị (dán dạng giá trị)"), key
                    )
                    continue
                f = fields[key]
                try:
                    value = parse_value(raw, f.value_type, f.decimals)
                except ValueError as exc:
                    errors.add(DATA_SHEET, r, idx, str(exc), key)
                    continue
                old = current.get(key)
                if value == old:
                    continue
                if key in derived:
                    errors.add(
                        DATA_SHEET,
                        r,
                        idx,
                        _("chỉ tiêu %(k)s được tính từ kết quả của các đơn vị cấp dưới, không nhập tay")
                        % {"k": key},
                        key,
                    )
                    continue
                if (
                    f.value_type == "percentage"
                    and value is not None
                    and 0 < value < 1
                    and not isinstance(raw, PercentCell)
                ):
                    warnings.append(
                        str(
                            cx.CellError(
                                DATA_SHEET,
                                r,
                                idx,
                                _("tỷ lệ %(v)s %% — nếu ý là %(p)s %% hãy nhập %(p)s")
                                % {
                                    "v": format_value(value, "percentage"),
                                    "p": format_value(value * 100, "percentage"),
                                },
                                key,
                            )
                        )
                    )
                plan.values[key] = value
                new_text = format_value(value, f.value_type, f.decimals)
                plan.changes[key] = [format_value(old, f.value_type, f.decimals), new_text]
                typed = _typed(raw)
                if typed not in (new_text, format_value(value, f.value_type)):  # not just its zeros (80,0)
                    plan.typed[key] = typed
            if plan.changes:
                if a is None:
                    problem = services.unit_framework_problem(unit, fw, year)
                    if problem is None:
                        if no_workflow is False:
                            no_workflow = services.workflow_problem(fw, year)
                        problem = no_workflow
                    if problem:
                        errors.add(DATA_SHEET, r, code_col, problem, "Mã ĐV")
                        continue
                if a is not None and a.pk in locked_ids:
                    errors.add(
                        DATA_SHEET,
                        r,
                        code_col,
                        _("hồ sơ của %(name)s đã gửi/được duyệt, chỉ được xem") % {"name": unit.name},
                        "Mã ĐV",
                    )
                    continue
                if not permissions.can(actor, "assessment.import", unit.pk):
                    errors.add(
                        DATA_SHEET,
                        r,
                        code_col,
                        _("bạn không có quyền nhập số liệu cho %(name)s") % {"name": unit.name},
                        "Mã ĐV",
                    )
                    continue
            plans.append(plan)
        _mark_conflicts(plans, fields, generated_at)
        return ImportPlan(
            fw.pk,
            fw.code,
            year,
            plans,
            errors.messages(),
            warnings,
            file_name,
            fw.name,
            generated_at.isoformat(),
        )
    except xf.ReadError as exc:
        raise ValidationError(
            _("Không đọc được tệp Excel «%(name)s»: %(why)s.") % {"name": file_name, "why": exc}
        ) from None


def _mark_conflicts(plans: list[RowPlan], fields: dict, generated_at) -> None:
    """Who changed each value the file changes, and when; a value changed after the workbook was made
    moves from `changes` to `conflicts` (written only when the official chooses the file's value)."""
    from chungsuc.assessments.models import AssessmentValue

    by_id = {p.assessment_id: p for p in plans if p.assessment_id and p.changes}
    keys = sorted({k for p in by_id.values() for k in p.changes})
    if not by_id:
        return
    if timezone.is_naive(generated_at):
        generated_at = timezone.make_aware(generated_at, dt.UTC)
    ids = list(by_id)
    for chunk in range(0, len(ids), 2000):
        rows = AssessmentValue.objects.filter(
            assessment_id__in=ids[chunk : chunk + 2000], indicator_code__in=keys
        ).values_list(
            "assessment_id",
            "indicator_code",
            "updated_at",
            "updated_by__first_name",
            "updated_by__last_name",
            "updated_by__username",
        )
        for aid, key, at, first, last, username in rows:
            plan = by_id[aid]
            if key not in plan.changes:
                continue
            who = " ".join(x for x in (first, last) if x) or username or _("hệ thống")
            when = timezone.localtime(at).strftime("%d/%m/%Y %H:%M") if at else ""
            plan.last[key] = [who, when]
            if at and at > generated_at:
                old, new = plan.changes.pop(key)
                plan.conflicts[key] = {
                    "value": plan.values.pop(key),
                    "current": old,
                    "file": new,
                    "typed": plan.typed.get(key, ""),
                    "by": who,
                    "at": when,
                    "name": fields[key].name,
                }


def conflict_message(row: RowPlan, key: str) -> str:
    c = row.conflicts[key]
    return _(
        "%(unit)s, chỉ tiêu %(key)s: đã được %(by)s sửa ngày %(at)s: hiện tại %(cur)s, trong tệp %(file)s"
    ) % {
        "unit": row.unit_name,
        "key": key,
        "by": c["by"],
        "at": c["at"],
        "cur": c["current"] or "—",
        "file": c["file"] or "—",
    }


def _locked_assessment_ids(ids: list[int]) -> set[int]:
    from django.contrib.contenttypes.models import ContentType

    from chungsuc.core.models import WorkflowCase

    ct = ContentType.objects.get_for_model(Assessment)
    out: set[int] = set()
    for chunk in range(0, len(ids), 5000):
        out.update(
            WorkflowCase.objects.filter(
                content_type=ct, object_id__in=ids[chunk : chunk + 5000], state__locks_data=True
            ).values_list("object_id", flat=True)
        )
    return out


def plan_store(plan: ImportPlan, user) -> str:
    from chungsuc.core.staging import stage_put

    return stage_put(user=user, kind=STAGING_KIND, payload={"plan": plan.to_json()})


def plan_load(token: str, user) -> ImportPlan:
    from chungsuc.core.staging import stage_get

    return ImportPlan.from_json(stage_get(token, user=user, kind=STAGING_KIND).payload["plan"])


def plan_discard(token: str) -> None:
    from chungsuc.core.staging import stage_discard

    stage_discard(token)


def commit(*, actor, plan: ImportPlan, accept=()) -> int:
    """Compatibility name: the commit is `services.assessment_import_commit`."""
    from chungsuc.assessments import services

    return services.assessment_import_commit(actor=actor, plan=plan, accept=accept)


REVIEW_UNITS = 500


def review(plan: ImportPlan) -> dict:
    """What the dry-run page shows: the file, unit(s), year and framework; per unit a table (code
    and name of the indicator, its unit of measure, old → new as typed, who changed it last) with
    the conflicts first; the counts."""
    from chungsuc.criteria.models import Framework

    fw = Framework.objects.filter(pk=plan.framework_id).first()
    fields = {f.key: f for f in frameworks.fields(frameworks.engine_framework(fw))} if fw else {}
    units = []
    rows = sorted(plan.changed_rows, key=lambda r: (not r.conflicts, r.row))
    for r in rows[:REVIEW_UNITS]:

        def line(key, old, new, typed, by_at, conflict=None, r=r):
            f = fields.get(key)
            return {
                "key": key,
                "name": f.name if f else key,
                "unit": f.unit if f else "",
                "old": old,
                "new": new,
                "typed": typed,
                "by": by_at[0] if by_at else "",
                "at": by_at[1] if by_at else "",
                "conflict": conflict,
                "take": f"{r.unit_code}:{key}",
            }

        conflicts = [
            line(k, c["current"], c["file"], c.get("typed", ""), [c["by"], c["at"]], c)
            for k, c in r.conflicts.items()
        ]
        changes = [
            line(k, old, new, r.typed.get(k, ""), r.last.get(k)) for k, (old, new) in r.changes.items()
        ]
        units.append(
            {
                "row": r.row,
                "code": r.unit_code,
                "name": r.unit_name,
                "lines": conflicts + changes,
                "changes": len(changes),
                "conflicts": len(conflicts),
            }
        )
    return {
        "file_name": plan.file_name,
        "framework": f"{plan.framework_name or plan.framework_code}",
        "framework_code": plan.framework_code,
        "year": plan.year,
        "unit_names": [u["name"] for u in units[:3]],
        "units": units,
        "unit_count": len(plan.changed_rows),
        "rows_read": len(plan.rows),
        "hidden_units": max(0, len(rows) - REVIEW_UNITS),
        "change_count": plan.change_count,
        "conflict_count": plan.conflict_count,
    }
