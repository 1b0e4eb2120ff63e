"""Importing past recognitions into the register: the Excel template, reading it, and checking rows.

The same check serves the Excel page (rows read from the sheet, errors named by sheet, row and column)
and the API (JSON rows, errors named by row number and field). `check_rows` only reads; the write is
`services.recognition_import`, which runs the check again inside its transaction (this module never
imports the services: the dependency runs one way).

Row fields: unit_code, standard (code or Vietnamese label), year, since (recognition date; empty =
only the year is known), decision_number, decision_date, signer (person or body), source, verified,
uncertainty; `decision` (free text) is accepted instead of number/date/signer.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from chungsuc.assessments.models import Standard
from chungsuc.core import excel as cx
from chungsuc.core.links import is_http_url, looks_like_address
from chungsuc.core.text import fold
from chungsuc.recognitions.models import RecognitionRecord

SHEET = "SoCongNhan"
FIRST_YEAR, LAST_YEAR = 2010, 2035

# (key, header in the template, column width, required)
COLUMNS = [
    ("unit_code", "Mã đơn vị", 12, True),
    ("standard", "Mức đạt chuẩn", 44, True),
    ("year", "Năm", 8, True),
    ("since", "Ngày công nhận", 15, False),
    ("decision_number", "Số quyết định", 20, False),
    ("decision_date", "Ngày quyết định", 15, False),
    ("signer", "Người ký/cơ quan", 30, False),
    ("source", "Nguồn", 44, True),
    ("verified", "Đã kiểm chứng", 14, False),
    ("uncertainty", "Điểm chưa chắc chắn", 36, False),
]
HEADERS = {key: header for key, header, _w, _r in COLUMNS}
YES, NO = "Có", "Không"
_TRUE = {"1", "true", "yes", "co", "x", "dung", "da kiem chung"}
_FALSE = {"", "0", "false", "no", "khong", "chua", "chua kiem chung"}


FIELD_LABELS = {
    "since": "Ngày công nhận",
    "since_precision": "Độ chính xác của ngày",
    "decision_text": "Quyết định",
    "source": "Nguồn",
    "verified": "Đã kiểm chứng",
    "uncertainty": "Điểm chưa chắc chắn",
    "origin": "Nguồn gốc mục",
}
# Standards a commune-level framework recognises: a ward (phường) or township (thị trấn) is not a
# commune and cannot hold them (it is urban; the NTM programme covers communes).
COMMUNE_STANDARDS = {Standard.NTM, Standard.ADVANCED, Standard.MODEL}
URBAN_COMMUNE_KINDS = {"phuong": "phường", "thi_tran": "thị trấn"}


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    if value in ("day", "year"):
        return {"day": "ngày", "year": "chỉ biết năm"}[value]
    labels = dict(RecognitionRecord.Origin.choices)
    return str(labels.get(value, value))


def standard_labels() -> dict[str, str]:
    return {code: str(label) for code, label in Standard.choices}


def _standard_of(value) -> str | None:
    text = fold(value)
    for code, label in standard_labels().items():
        if text in {code, fold(label)}:
            return code
    return None


def _date_of(value) -> dt.date:
    """A date from a cell or JSON: a date, 'dd/mm/yyyy' or 'yyyy-mm-dd'. ValueError otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if m:
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    return dt.date.fromisoformat(text)


def _bool_of(value) -> bool:
    if isinstance(value, bool):
        return value
    text = fold(value)
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class Entry:
    """One register entry that the import would write (new, or replacing an imported one)."""

    row: int
    unit_id: int
    unit_code: str
    unit_name: str
    standard: str
    standard_label: str
    year: int
    since: str  # ISO
    since_precision: str
    decision_text: str
    source: str
    verified: bool
    uncertainty: str
    action: str = "new"  # "new" | "update" | "same"
    before: dict = field(default_factory=dict)
    # An update of an entry that already has a source overwrites sourced facts: it is written only
    # with an explicit confirmation (`confirm_overwrite`).
    needs_confirmation: bool = False
    current_source: str = ""

    @property
    def changes(self) -> list[dict]:
        """Each changed field with its label, old and new value as an official reads them."""
        after = self.defaults()
        out = []
        for name, old in self.before.items():
            new = after.get(name)
            out.append({"field": str(FIELD_LABELS.get(name, name)), "old": _shown(old), "new": _shown(new)})
        return out

    def defaults(self) -> dict:
        return {
            "since": dt.date.fromisoformat(self.since),
            "since_precision": self.since_precision,
            "decision_text": self.decision_text,
            "source": self.source,
            "verified": self.verified,
            "uncertainty": self.uncertainty,
            "origin": RecognitionRecord.Origin.IMPORT,
        }

    @property
    def since_display(self) -> str:
        day = dt.date.fromisoformat(self.since)
        return str(day.year) if self.since_precision == "year" else day.strftime("%d/%m/%Y")


@dataclass
class Plan:
    entries: list[Entry]
    errors: list[str]

    @property
    def new_count(self) -> int:
        return sum(1 for e in self.entries if e.action == "new")

    @property
    def update_count(self) -> int:
        return sum(1 for e in self.entries if e.action == "update")

    @property
    def same_count(self) -> int:
        return sum(1 for e in self.entries if e.action == "same")

    @property
    def change_count(self) -> int:
        return self.new_count + self.update_count

    @property
    def confirm_count(self) -> int:
        return sum(1 for e in self.entries if e.action == "update" and e.needs_confirmation)

    def to_dict(self) -> dict:
        return {
            "entries": [
                {
                    **asdict(e),
                    "after": {
                        k: (v.isoformat() if isinstance(v, dt.date) else v)
                        for k, v in e.defaults().items()
                        if k in e.before
                    },
                }
                for e in self.entries
            ],
            "errors": self.errors,
            "new": self.new_count,
            "updated": self.update_count,
            "unchanged": self.same_count,
            "needs_confirmation": self.confirm_count,
        }


def require_importer(actor) -> None:
    """Only the province (programme office, province administrator) keeps the register."""
    from chungsuc.accounts import permissions

    if actor is not None and not permissions.can(actor, "recognition.register.import"):
        raise PermissionDenied(
            _("Chỉ cấp tỉnh (Văn phòng Điều phối NTM, quản trị tỉnh) được nhập sổ công nhận.")
        )


class _Where:
    """Names a place: "Trang tính X, dòng N, cột C (header)" for a sheet, "Dòng N, cột «key»" for JSON."""

    def __init__(self, sheet: str | None, columns: dict[str, int] | None):
        self.sheet = sheet
        self.columns = columns or {}
        self.cells = cx.CellErrors()
        self.plain: list[tuple[int, int, str]] = []

    def add(self, row: int, key: str, message: str) -> None:
        if self.sheet:
            self.cells.add(self.sheet, row, self.columns.get(key), message, header=HEADERS.get(key, key))
        else:
            order = next((i for i, c in enumerate(COLUMNS) if c[0] == key), 99)
            text = _("Dòng %(row)d, cột «%(key)s»: %(msg)s") % {"row": row, "key": key, "msg": message}
            self.plain.append((row, order, text))

    def messages(self) -> list[str]:
        if self.sheet:
            return self.cells.messages()
        return [t for _r, _o, t in sorted(self.plain)]


def check_rows(
    *, actor, rows: list[dict], sheet: str | None = None, columns=None, first_row: int = 2
) -> Plan:
    """Check every row (nothing is written) and say what each would do to the register.

    A row may carry its own number in "_row" (read from a sheet); otherwise rows are numbered from
    `first_row`. Units are looked up by the code they bore on the recognition date and must lie in the
    actor's jurisdiction ("not yours" reads the same as "does not exist")."""
    from chungsuc.accounts import permissions
    from chungsuc.geo.models import Unit
    from chungsuc.geo.selectors import unit_by_code

    require_importer(actor)
    # the units the actor keeps the register of today (an ended unit's through its successor): one query
    writable_ids = None
    if actor is not None and not actor.is_superuser:
        writable = permissions.restrict(Unit.objects.all(), actor, "recognition.register.import")
        writable_ids = set(writable.values_list("pk", flat=True))
    where = _Where(sheet, columns)
    labels = standard_labels()
    entries: list[Entry] = []
    seen: dict[tuple, int] = {}
    if not isinstance(rows, list):
        raise ValidationError(_("Cần một danh sách các dòng."))
    for index, raw in enumerate(rows):
        n = raw.get("_row", first_row + index) if isinstance(raw, dict) else first_row + index
        if not isinstance(raw, dict):
            where.add(n, "unit_code", _("dòng phải là một bảng trường → giá trị"))
            continue
        bad = False

        def fail(key, message, n=n):
            nonlocal bad
            bad = True
            where.add(n, key, message)

        for key, value in raw.items():
            if cx.is_formula(value):
                fail(key, _("cần nhập giá trị, không nhập công thức (%(f)s)") % {"f": str(value)[:60]})
        if bad:
            continue
        # year
        year = None
        if _blank(raw.get("year")):
            if _blank(raw.get("since")):
                fail("year", _("thiếu năm công nhận"))
        else:
            try:
                year = int(str(raw["year"]).strip().removesuffix(".0"))
                if not FIRST_YEAR <= year <= LAST_YEAR:
                    fail(
                        "year",
                        _("năm %(y)s ngoài khoảng %(a)d–%(b)d")
                        % {"y": year, "a": FIRST_YEAR, "b": LAST_YEAR},
                    )
                    year = None  # refused: no date is built from it (year 0 was a 500)
            except ValueError:
                fail("year", _("«%(v)s» không phải là năm") % {"v": raw["year"]})
        # recognition date (empty: only the year is known → 31/12 of that year)
        since, precision = None, "day"
        if not _blank(raw.get("since")):
            try:
                since = _date_of(raw["since"])
            except (ValueError, TypeError):
                fail("since", _("ngày «%(v)s» không hợp lệ (nhập dd/mm/yyyy)") % {"v": raw["since"]})
        if since is not None and year is None and not bad:
            year = since.year
        if since is None and year is not None:
            since, precision = dt.date(year, 12, 31), "year"
        if since is not None and year is not None and since.year not in (year, year + 1):
            fail(
                "since",
                _("ngày công nhận %(d)s không khớp năm %(y)d") % {"d": since.strftime("%d/%m/%Y"), "y": year},
            )
        if since is not None and since > dt.date.today():
            fail("since", _("ngày công nhận %(d)s ở tương lai") % {"d": since.strftime("%d/%m/%Y")})
        # standard
        standard = _standard_of(raw.get("standard"))
        if standard is None:
            fail(
                "standard",
                _("«%(v)s» không phải mức đạt chuẩn (chọn: %(opts)s)")
                % {"v": raw.get("standard") or "", "opts": "; ".join(labels.values())},
            )
        # unit
        code = str(raw.get("unit_code") or "").strip().removesuffix(".0")
        unit = None
        if not code:
            fail("unit_code", _("thiếu mã đơn vị"))
        elif since is None:
            from chungsuc.geo.selectors import code_ever_used

            if not code_ever_used(code):
                fail("unit_code", _("không có đơn vị nào từng mang mã «%(c)s»") % {"c": code})
        else:
            unit = unit_by_code(code, since)
            if unit is None or (writable_ids is not None and unit.pk not in writable_ids):
                fail(
                    "unit_code",
                    _("không có đơn vị mã «%(c)s» vào ngày %(d)s trong địa bàn của bạn")
                    % {"c": code, "d": since.strftime("%d/%m/%Y")},
                )
                unit = None
        # decision
        number = str(raw.get("decision_number") or "").strip()
        signer = str(raw.get("signer") or "").strip()
        decision_date = None
        if not _blank(raw.get("decision_date")):
            try:
                decision_date = _date_of(raw["decision_date"])
            except (ValueError, TypeError):
                fail(
                    "decision_date",
                    _("ngày «%(v)s» không hợp lệ (nhập dd/mm/yyyy)") % {"v": raw["decision_date"]},
                )
        if decision_date and since and decision_date > since + dt.timedelta(days=366):
            fail("decision_date", _("ngày quyết định muộn hơn ngày công nhận quá một năm"))
        if (decision_date or signer) and not number:
            fail("decision_number", _("có ngày quyết định hoặc người ký nhưng thiếu số quyết định"))
        source = str(raw.get("source") or "").strip()
        if not source:
            fail("source", _("thiếu nguồn (văn bản, đường dẫn hoặc cơ quan cung cấp)"))
        elif looks_like_address(source) and not is_http_url(source.split()[0]):
            fail(
                "source",
                _("đường dẫn «%(v)s» không hợp lệ: chỉ nhận địa chỉ web bắt đầu bằng http:// hoặc https://")
                % {"v": source.split()[0][:80]},
            )
        try:
            verified = _bool_of(raw.get("verified"))
        except ValueError:
            fail("verified", _("«%(v)s» không hợp lệ (chọn «Có» hoặc «Không»)") % {"v": raw.get("verified")})
            verified = False
        if unit is not None and standard in COMMUNE_STANDARDS and since is not None:
            kind = _kind_on(unit, since)
            if kind in URBAN_COMMUNE_KINDS:
                fail(
                    "unit_code",
                    _(
                        "%(u)s là %(k)s vào ngày %(d)s: mức «%(s)s» theo bộ tiêu chí cấp xã chỉ công nhận "
                        "cho xã, không cho phường, thị trấn"
                    )
                    % {
                        "u": unit.name,
                        "k": URBAN_COMMUNE_KINDS[kind],
                        "d": since.strftime("%d/%m/%Y"),
                        "s": labels[standard],
                    },
                )
        if bad or unit is None or standard is None or since is None or year is None:
            continue
        key = (unit.pk, standard, year)
        if key in seen:
            where.add(
                n,
                "unit_code",
                _("trùng với dòng %(r)d (cùng đơn vị, mức và năm)") % {"r": seen[key]},
            )
            continue
        seen[key] = n
        if number:
            text = number
            if decision_date:
                text += f" ngày {decision_date:%d/%m/%Y}"
            if signer:
                text += f" của {signer}"
        else:
            text = str(raw.get("decision") or "").strip()
        entries.append(
            Entry(
                row=n,
                unit_id=unit.pk,
                unit_code=code,
                unit_name=unit.name,
                standard=standard,
                standard_label=labels[standard],
                year=year,
                since=since.isoformat(),
                since_precision=precision,
                decision_text=text[:300],
                source=source,
                verified=verified,
                uncertainty=str(raw.get("uncertainty") or "").strip(),
            )
        )
    entries = _refuse_repeats(entries, where)
    _compare_with_register(entries, where)
    return Plan(entries=entries, errors=where.messages())


def _kind_on(unit, day: dt.date) -> str:
    from chungsuc.geo.models import UnitVersion
    from chungsuc.geo.selectors import valid_on

    version = UnitVersion.objects.filter(valid_on(day), unit=unit).first()
    return version.kind if version is not None else unit.kind


def _refuse_repeats(entries: list[Entry], where: _Where) -> list[Entry]:
    """A unit recognised for a standard it already holds (another year), with no revocation in between,
    is implausible: refuse the row, naming the entry it repeats (in the register or in the file)."""
    if not entries:
        return entries
    held: dict[tuple[int, str], list] = {}
    for rec in RecognitionRecord.objects.filter(
        unit_id__in={e.unit_id for e in entries}, standard__in={e.standard for e in entries}
    ):
        held.setdefault((rec.unit_id, rec.standard), []).append(
            (
                rec.year,
                rec.since,
                rec.until,
                _("trong sổ (%(d)s)") % {"d": rec.decision_text or rec.source[:60]},
            )
        )
    kept: list[Entry] = []
    for e in sorted(entries, key=lambda x: (x.since, x.row)):
        since = dt.date.fromisoformat(e.since)
        clash = None
        for year, other_since, until, where_text in held.get((e.unit_id, e.standard), []):
            if year == e.year:
                continue  # the same entry: compared (and maybe updated) below
            # the two periods overlap unless the earlier one was ended (revoked) before the later began
            first_until, second_since = (until, since) if other_since <= since else (None, other_since)
            if first_until is None or first_until >= second_since:
                clash = (year, where_text)
                break
        if clash is not None:
            where.add(
                e.row,
                "year",
                _(
                    "%(u)s đã được công nhận mức «%(s)s» năm %(y)d %(w)s và chưa bị thu hồi: không công "
                    "nhận lại cùng mức khi chưa có quyết định thu hồi"
                )
                % {"u": e.unit_name, "s": e.standard_label, "y": clash[0], "w": clash[1]},
            )
            continue
        held.setdefault((e.unit_id, e.standard), []).append(
            (e.year, since, None, _("ở dòng %(r)d của tệp") % {"r": e.row})
        )
        kept.append(e)
    return sorted(kept, key=lambda x: x.row)


def _compare_with_register(entries: list[Entry], where: _Where) -> None:
    """Mark each entry new / update / same; refuse to overwrite an entry made by a decision on the
    system (or one that was revoked): those change only through their own decisions."""
    if not entries:
        return
    existing = {
        (r.unit_id, r.standard, r.year): r
        for r in RecognitionRecord.objects.filter(unit_id__in={e.unit_id for e in entries})
    }
    for e in entries:
        rec = existing.get((e.unit_id, e.standard, e.year))
        if rec is None:
            continue
        if rec.origin == RecognitionRecord.Origin.DECISION or rec.until is not None:
            where.add(
                e.row,
                "unit_code",
                _(
                    "%(u)s đã có trong sổ công nhận mức «%(s)s» năm %(y)d theo quyết định %(d)s; "
                    "mục này chỉ thay đổi bằng quyết định, không ghi đè bằng tệp nhập"
                )
                % {"u": e.unit_name, "s": e.standard_label, "y": e.year, "d": rec.decision_text or "—"},
            )
            continue
        after = e.defaults()
        before = {}
        for name, value in after.items():
            old = getattr(rec, name)
            if old != value:
                before[name] = old.isoformat() if isinstance(old, dt.date) else old
        e.action = "update" if before else "same"
        e.before = before
        if e.action == "update" and (rec.source or "").strip():
            e.needs_confirmation = True
            e.current_source = rec.source


# --- Excel ----------------------------------------------------------------------------------------


def build_template() -> bytes:
    """The blank import template: one data sheet with lists, a read-me sheet, the unit code list."""
    import openpyxl

    from chungsuc.geo.models import UnitVersion

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    cx.write_header_row(ws, [(header, width) for _k, header, width, _r in COLUMNS])
    last = 2000
    labels = list(standard_labels().values())
    col = {key: cx.column_letter(i) for i, (key, *_rest) in enumerate(COLUMNS, start=1)}
    cx.add_list_validation(
        ws, f"{col['standard']}2:{col['standard']}{last}", labels, title=_("Mức đạt chuẩn")
    )
    cx.add_list_validation(
        ws, f"{col['verified']}2:{col['verified']}{last}", [YES, NO], title=_("Đã kiểm chứng")
    )
    cx.add_number_validation(
        ws, f"{col['year']}2:{col['year']}{last}", minimum=FIRST_YEAR, maximum=LAST_YEAR, whole=True
    )
    for key in ("since", "decision_date"):
        for row in range(2, last + 1):
            ws[f"{col[key]}{row}"].number_format = "DD/MM/YYYY"
    for row in range(2, last + 1):
        ws[f"{col['unit_code']}{row}"].number_format = "@"
    cx.add_readme_sheet(
        wb,
        heading=_("Nhập sổ công nhận đạt chuẩn nông thôn mới các năm trước"),
        lines=[
            (
                _("Trang tính"),
                _("Điền vào trang «%(s)s», mỗi dòng một lần công nhận; giữ nguyên dòng tiêu đề.")
                % {"s": SHEET},
            ),
            (
                HEADERS["unit_code"],
                _(
                    "Mã đơn vị hành chính vào ngày công nhận (xem trang «MaDonVi»; "
                    "mã có thể đổi sau sắp xếp)."
                ),
            ),
            (HEADERS["standard"], _("Chọn trong danh sách: ") + "; ".join(labels) + "."),
            (HEADERS["year"], _("Năm được công nhận, ví dụ 2019.")),
            (
                HEADERS["since"],
                _(
                    "dd/mm/yyyy. Để trống nếu chỉ biết năm (hệ thống ghi 31/12 của năm đó "
                    "và đánh dấu «chỉ biết năm»)."
                ),
            ),
            (HEADERS["decision_number"], _("Ví dụ 2345/QĐ-UBND. Để trống nếu chưa rõ.")),
            (HEADERS["decision_date"], _("dd/mm/yyyy.")),
            (HEADERS["signer"], _("Người ký hoặc cơ quan ban hành, ví dụ Chủ tịch UBND tỉnh.")),
            (HEADERS["source"], _("Bắt buộc: văn bản, đường dẫn hoặc cơ quan cung cấp thông tin.")),
            (
                HEADERS["verified"],
                _(
                    "«Có» nếu đã đối chiếu với văn bản gốc; «Không»: vẫn được nạp "
                    "nhưng hiện nhãn «chưa kiểm chứng»."
                ),
            ),
            (HEADERS["uncertainty"], _("Không bắt buộc: điều gì chưa chắc chắn.")),
            (
                _("Tải lên"),
                _(
                    "Hệ thống kiểm tra thử, liệt kê mọi lỗi theo dòng và cột và mọi mục sẽ thêm; "
                    "chỉ ghi khi bạn xác nhận, và không ghi gì nếu còn lỗi."
                ),
            ),
            (
                _("Không ghi đè"),
                _(
                    "Mục đã ghi nhận bằng quyết định trên hệ thống hoặc đã bị thu hồi "
                    "không thể sửa bằng tệp này."
                ),
            ),
        ],
    )
    codes = wb.create_sheet("MaDonVi")
    cx.write_header_row(
        codes, [("Mã", 10), ("Tên đơn vị", 34), ("Loại", 14), ("Từ ngày", 12), ("Đến ngày", 12)]
    )
    for v in (
        UnitVersion.objects.exclude(level="province").select_related("unit").order_by("code", "valid_from")
    ):
        codes.append(
            [
                v.code,
                v.name,
                v.get_kind_display(),
                v.valid_from.strftime("%d/%m/%Y") if v.valid_from else "",
                v.valid_to.strftime("%d/%m/%Y") if v.valid_to else "",
            ]
        )
    codes.protection.sheet = True
    wb.active = 1
    return cx.workbook_bytes(wb)


def read_workbook(upload, *, name: str | None = None) -> tuple[list[dict], dict[str, int]]:
    """Rows of the template's sheet as dicts (each with its "_row") and the columns found.

    Raises ExcelError / FileRejected for a file that is not a readable .xlsx, or ExcelError
    naming the missing columns."""
    wb = cx.open_workbook_safely(upload, max_bytes=settings.FILE_UPLOAD_MAX_BYTES, name=name)
    try:
        ws = cx.sheet_or_error(wb, SHEET, file_label=name or "")
        found = cx.header_columns(ws)
        by_header = {fold(h): c for h, c in found.items()}
        columns = {
            key: by_header[fold(header)] for key, header, _w, _r in COLUMNS if fold(header) in by_header
        }
        missing = [header for key, header, _w, required in COLUMNS if required and key not in columns]
        if missing:
            raise cx.ExcelError(
                _("Trang tính %(s)s thiếu cột: %(cols)s. Hãy dùng đúng mẫu tải về.")
                % {"s": SHEET, "cols": ", ".join(f"«{m}»" for m in missing)}
            )
        rows = []
        for n, cells in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
            row = {}
            for key, c in columns.items():
                value = cells[c - 1] if c - 1 < len(cells) else None
                if isinstance(value, str):
                    value = value.strip()
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                row[key] = value
            if all(_blank(v) for v in row.values()):
                continue
            row["_row"] = n
            rows.append(row)
    finally:
        if getattr(wb, "read_only", False):
            wb.close()
    return rows, columns


def rows_for_storage(rows: list[dict]) -> list[dict]:
    """Rows made JSON-safe (dates as ISO) to keep between the dry run and the commit."""
    out = []
    for row in rows:
        out.append(
            {
                k: (
                    v.date().isoformat()
                    if isinstance(v, dt.datetime)
                    else v.isoformat()
                    if isinstance(v, dt.date)
                    else v
                )
                for k, v in row.items()
            }
        )
    return out


STAGING_KIND = "recognitions.register"


def pending_store(user, rows: list[dict], columns: dict[str, int], name: str) -> str:
    """Keep the checked rows until the official confirms (core.staging: bound to the user, removed
    after use, expired after the time limit)."""
    from chungsuc.core.staging import stage_put

    payload = {"rows": rows_for_storage(rows), "columns": columns, "name": name}
    return stage_put(user=user, kind=STAGING_KIND, payload=payload)


def pending_load(token: str, user) -> dict:
    from chungsuc.core.staging import stage_get

    return stage_get(token, user=user, kind=STAGING_KIND).payload


def pending_discard(token: str) -> None:
    from chungsuc.core.staging import stage_discard

    stage_discard(token)
