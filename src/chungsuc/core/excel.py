"""Excel in and out, generically (assessments, criteria and reports build on it).

Reading: `open_workbook_safely(file, *, max_bytes)` checks the file by content first
(`core.files.inspect_upload`: size, real .xlsx, no macros, not encrypted), then opens it with
openpyxl — read-only (streaming) for big files — and answers a broken file with a Vietnamese message.
Problems found while reading rows are collected as `CellError`s in a `CellErrors` and reported all at
once as "Trang tính X, dòng N, cột C: …"; the importer writes nothing while any remain.

Writing: a styled header row, locked cells on a protected sheet, data validation (lists and number
ranges), a read-me sheet, and an HTTP download response.
"""

from __future__ import annotations

import io
import os
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import openpyxl
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

from chungsuc.core.files import KINDS, FileRejected, download_name, inspect_upload
from chungsuc.core.text import normalize

XLSX_CONTENT_TYPE = KINDS["xlsx"].content_type
READ_ONLY_THRESHOLD = 2 * 1024 * 1024  # above this, stream the workbook (memory stays flat)
LIST_SHEET = "DanhMuc"

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", start_color="2F7D32", end_color="2F7D32")
LOCKED_FILL = PatternFill("solid", start_color="EEEEEE", end_color="EEEEEE")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)


class ExcelError(ValidationError):
    """A workbook that cannot be read at all (the message names the file and why)."""


# --- errors by cell ----------------------------------------------------------------------------


def column_letter(column: int | str | None) -> str:
    if column is None or column == "":
        return ""
    if isinstance(column, int):
        return get_column_letter(column)
    return str(column)


@dataclass(frozen=True)
class CellError:
    """One problem at a place in a workbook: "Trang tính X, dòng N, cột C (tiêu đề): message"."""

    sheet: str
    row: int | None
    column: int | str | None
    message: str
    header: str = ""

    @property
    def column_letter(self) -> str:
        return column_letter(self.column)

    def __str__(self) -> str:
        parts = [_("Trang tính %(sheet)s") % {"sheet": self.sheet}]
        if self.row is not None:
            parts.append(_("dòng %(row)d") % {"row": self.row})
        if self.column not in (None, ""):
            col = _("cột %(col)s") % {"col": self.column_letter}
            if self.header:
                col += f" ({self.header})"
            parts.append(col)
        return f"{', '.join(parts)}: {self.message}"


class CellErrors:
    """Errors collected while reading a workbook; `raise_if_any()` reports them all at once."""

    def __init__(self, *, limit: int = 1000):
        self.limit = limit
        self._items: list[CellError] = []

    def add(
        self, sheet: str, row: int | None, column: int | str | None, message: str, header: str = ""
    ) -> None:
        self._items.append(CellError(sheet=sheet, row=row, column=column, message=message, header=header))

    def extend(self, errors: Iterable[CellError]) -> None:
        self._items.extend(errors)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def __iter__(self) -> Iterator[CellError]:
        return iter(self._items)

    def sorted(self) -> list[CellError]:
        return sorted(self._items, key=lambda e: (e.sheet, e.row or 0, _col_index(e.column)))

    def messages(self) -> list[str]:
        items = self.sorted()
        out = [str(e) for e in items[: self.limit]]
        if len(items) > self.limit:
            out.append(_("… và %(n)d lỗi khác.") % {"n": len(items) - self.limit})
        return out

    def as_validation_error(self) -> ValidationError:
        return ValidationError(self.messages(), code="cells")

    def raise_if_any(self) -> None:
        if self._items:
            raise self.as_validation_error()


def _col_index(column: int | str | None) -> int:
    if isinstance(column, int):
        return column
    if isinstance(column, str) and re.fullmatch(r"[A-Za-z]{1,3}", column):
        return column_index_from_string(column.upper())
    return 0


# --- reading -----------------------------------------------------------------------------------


def open_workbook_safely(
    file,
    *,
    max_bytes: int | None = None,
    read_only: bool | None = None,
    data_only: bool = False,
    name: str | None = None,
) -> Workbook:
    """Check `file` by content (FileRejected on a bad file), then open it with openpyxl.

    `data_only=False` (the default) keeps formulas as formulas, so an importer can refuse "a formula
    where a value is expected" (see `is_formula`). `read_only=None` chooses streaming for files over
    READ_ONLY_THRESHOLD; a read-only workbook should be `close()`d when done.
    """
    if isinstance(file, str | os.PathLike):
        path = Path(file)
        file, name = path.read_bytes(), name or path.name
    checked = inspect_upload(file, allowed={"xlsx"}, max_bytes=max_bytes, name=name)
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
    else:
        file.seek(0)
        data = file.read()
        file.seek(0)
    if read_only is None:
        read_only = checked.size > READ_ONLY_THRESHOLD
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops; not the user's fault
            workbook = openpyxl.load_workbook(
                io.BytesIO(data), read_only=read_only, data_only=data_only, keep_links=False
            )
    except Exception as exc:  # openpyxl raises many kinds (KeyError, ValueError, zip and XML errors)
        raise ExcelError(
            _("Không đọc được tệp Excel «%(name)s»: tệp bị hỏng hoặc không đúng cấu trúc .xlsx (%(detail)s).")
            % {"name": checked.original_name, "detail": type(exc).__name__},
            code="corrupt",
        ) from exc
    if not workbook.sheetnames:
        raise ExcelError(_("Tệp Excel «%(name)s» không có trang tính nào.") % {"name": checked.original_name})
    return workbook


def sheet_or_error(workbook: Workbook, title: str, *, file_label: str = "") -> Worksheet:
    """The sheet called `title`, or ExcelError naming the sheets the workbook does have."""
    if title in workbook.sheetnames:
        return workbook[title]
    raise ExcelError(
        _(
            "Tệp %(file)skhông có trang tính «%(title)s» (các trang tính có: %(have)s). "
            "Hãy dùng đúng mẫu tải về."
        )
        % {
            "file": f"«{file_label}» " if file_label else "",
            "title": title,
            "have": ", ".join(f"«{s}»" for s in workbook.sheetnames),
        },
        code="missing_sheet",
    )


def is_formula(value) -> bool:
    """True for a cell that holds a formula rather than a value (workbook opened with data_only=False)."""
    return isinstance(value, ArrayFormula) or (
        isinstance(value, str) and value.startswith("=") and len(value) > 1
    )


def cell_text(value) -> str:
    """A cell's value as trimmed NFC text ('' for empty)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize(value)


def header_columns(ws: Worksheet, *, row: int = 1) -> dict[str, int]:
    """{header text (NFC, trimmed): 1-based column} of the header row; empty headers are skipped."""
    out: dict[str, int] = {}
    for cells in ws.iter_rows(min_row=row, max_row=row, values_only=True):
        for index, value in enumerate(cells, start=1):
            text = cell_text(value)
            if text and text not in out:
                out[text] = index
    return out


_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')


def number_format_kind(code: str | None) -> str | None:
    """ "percent", "date" or None for an Excel number format code ('0.0%', 'dd/mm/yyyy', 'General').

    Excel stores what an official types as a number plus a format: "85%" is 0.85 with a percent
    format, "1/5/2024" is the day serial 45413 with a date format. An importer that ignores the
    format misreads both, so readers report the kind with the value."""
    if not code or code.lower() == "general":
        return None
    bare = _FORMAT_LITERALS.sub("", code.split(";")[0])
    if "%" in bare:
        return "percent"
    if re.search(r"[dmyhs]", bare, re.IGNORECASE):
        return "date"
    return None


def parse_decimal(value) -> Decimal | None:
    """A number from a cell: numbers as they are; text in Vietnamese ('1.234,5', '12,5') or plain
    ('12.5') form; '' / None → None. Raises ValueError with a Vietnamese reason otherwise."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(_("cần một số, không phải giá trị đúng/sai"))
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if is_formula(value):
        raise ValueError(_("cần nhập giá trị, không nhập công thức (%(f)s)") % {"f": str(value)[:60]})
    text = cell_text(value).replace(" ", "").replace("\u00a0", "").rstrip("%")
    if text == "":
        return None
    if "," in text and "." in text:
        text = (
            text.replace(".", "").replace(",", ".")
            if text.rfind(",") > text.rfind(".")
            else text.replace(",", "")
        )
    elif "," in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("«%(v)s» không phải là số") % {"v": cell_text(value)[:60]}) from None
    if not number.is_finite():
        raise ValueError(_("«%(v)s» không phải là số") % {"v": cell_text(value)[:60]})
    return number


# --- writing -----------------------------------------------------------------------------------


def _is_write_only(ws) -> bool:
    return not isinstance(ws, Worksheet)


def write_header_row(
    ws,
    headers: Sequence[str | tuple[str, float]],
    *,
    row: int = 1,
    widths: Sequence[float] | None = None,
    freeze: bool = True,
    height: float | None = 30,
) -> None:
    """A bold, filled, bordered, wrapped header row; `headers` items are text or (text, width).

    On a write-only worksheet (big exports) the row is appended, so call it first.
    """
    texts = [h[0] if isinstance(h, tuple) else h for h in headers]
    sizes = list(widths or [h[1] if isinstance(h, tuple) else None for h in headers])
    for index, width in enumerate(sizes, start=1):
        if width:
            ws.column_dimensions[get_column_letter(index)].width = width
    if _is_write_only(ws):
        cells = []
        for text in texts:
            cell = WriteOnlyCell(ws, value=text)
            cell.font, cell.fill, cell.alignment, cell.border = (
                HEADER_FONT,
                HEADER_FILL,
                HEADER_ALIGNMENT,
                BORDER,
            )
            cells.append(cell)
        if freeze:
            ws.freeze_panes = f"A{row + 1}"
        ws.append(cells)
        return
    for index, text in enumerate(texts, start=1):
        cell = ws.cell(row=row, column=index, value=text)
        cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT, BORDER
        cell.protection = Protection(locked=True)
    if height:
        ws.row_dimensions[row].height = height
    if freeze:
        ws.freeze_panes = ws.cell(row=row + 1, column=1)


def _cells(ws: Worksheet, ranges: str | Iterable[str]) -> Iterator:
    for ref in [ranges] if isinstance(ranges, str) else ranges:
        block = ws[ref]
        if not isinstance(block, tuple):  # one cell
            yield block
            continue
        for item in block:
            if isinstance(item, tuple):
                yield from item
            else:
                yield item


def lock_cells(
    ws: Worksheet, ranges: str | Iterable[str], *, locked: bool = True, shade: bool = True
) -> None:
    """Mark cells locked (the default for every cell) or unlocked; locked ones are shaded grey."""
    for cell in _cells(ws, ranges):
        cell.protection = Protection(locked=locked)
        if locked and shade and (cell.fill is None or cell.fill.fill_type is None):
            cell.fill = LOCKED_FILL


def protect_sheet(ws: Worksheet, *, editable: str | Iterable[str] = (), password: str | None = None) -> None:
    """Protect the sheet so only the `editable` ranges can be changed (column widths, sorting and
    filtering stay allowed). Protection guides the user; the importer still checks everything."""
    for cell in _cells(ws, editable):
        cell.protection = Protection(locked=False)
    protection = ws.protection
    protection.sheet = True
    protection.formatColumns = False
    protection.formatRows = False
    protection.autoFilter = False
    protection.sort = False
    if password:
        protection.password = password


def _range_text(ranges: str | Iterable[str]) -> str:
    return ranges if isinstance(ranges, str) else " ".join(ranges)


def add_list_validation(
    ws: Worksheet,
    ranges: str | Iterable[str],
    options: Sequence[str],
    *,
    allow_blank: bool = True,
    title: str = "",
) -> DataValidation:
    """A drop-down of `options` on `ranges`. Short lists are written inline; long lists (or options
    containing commas or quotes) go to a hidden "DanhMuc" sheet that the validation refers to."""
    options = [str(o) for o in options]
    inline = '"' + ",".join(options) + '"'
    if len(inline) <= 255 and not any("," in o or '"' in o for o in options):
        formula = inline
    else:
        workbook = ws.parent
        if LIST_SHEET in workbook.sheetnames:
            lists = workbook[LIST_SHEET]
        else:
            lists = workbook.create_sheet(LIST_SHEET)
            lists.sheet_state = "hidden"
            lists.protection.sheet = True
        column = (lists.max_column + 1) if lists.max_row > 1 or lists["A1"].value is not None else 1
        for index, option in enumerate(options, start=1):
            lists.cell(row=index, column=column, value=option)
        letter = get_column_letter(column)
        formula = f"'{LIST_SHEET}'!${letter}$1:${letter}${len(options)}"
    shown = ", ".join(options[:10]) + ("…" if len(options) > 10 else "")
    dv = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=allow_blank,
        showErrorMessage=True,
        errorTitle=title or _("Giá trị không hợp lệ"),
        error=_("Hãy chọn một giá trị trong danh sách: %(options)s") % {"options": shown},
        showInputMessage=bool(title),
        promptTitle=title[:32] if title else None,
        prompt=(_("Chọn trong danh sách") if title else None),
    )
    dv.add(_range_text(ranges))
    ws.add_data_validation(dv)
    return dv


def add_number_validation(
    ws: Worksheet,
    ranges: str | Iterable[str],
    *,
    minimum: float | int | None = None,
    maximum: float | int | None = None,
    whole: bool = False,
    allow_blank: bool = True,
    unit: str = "",
) -> DataValidation:
    """Numbers only on `ranges`, optionally within [minimum, maximum] (e.g. 0–100 for percentages)."""
    kind = "whole" if whole else "decimal"
    noun = _("số nguyên") if whole else _("số")
    params = {"noun": noun, "min": minimum, "max": maximum, "unit": f" {unit}" if unit else ""}
    if minimum is not None and maximum is not None:
        operator, f1, f2 = "between", str(minimum), str(maximum)
        text = _("Hãy nhập %(noun)s từ %(min)s đến %(max)s%(unit)s.") % params
    elif minimum is not None:
        operator, f1, f2 = "greaterThanOrEqual", str(minimum), None
        text = _("Hãy nhập %(noun)s không nhỏ hơn %(min)s%(unit)s.") % params
    elif maximum is not None:
        operator, f1, f2 = "lessThanOrEqual", str(maximum), None
        text = _("Hãy nhập %(noun)s không lớn hơn %(max)s%(unit)s.") % params
    else:
        operator, f1, f2 = "greaterThanOrEqual", "-1E+300", None
        text = _("Hãy nhập một %(noun)s.") % params
    dv = DataValidation(
        type=kind,
        operator=operator,
        formula1=f1,
        formula2=f2,
        allow_blank=allow_blank,
        showErrorMessage=True,
        errorTitle=_("Giá trị không hợp lệ"),
        error=text,
    )
    dv.add(_range_text(ranges))
    ws.add_data_validation(dv)
    return dv


def add_readme_sheet(
    workbook: Workbook,
    *,
    heading: str,
    lines: Iterable[str | tuple[str, str]],
    title: str = "Hướng dẫn",
    first: bool = True,
) -> Worksheet:
    """A read-me sheet: a heading, then lines of text or (label, value) pairs; protected."""
    ws = workbook.create_sheet(title, 0 if first else None)
    ws["A1"] = heading
    ws["A1"].font = Font(bold=True, size=14, color="2F7D32")
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 90
    row = 3
    for line in lines:
        if isinstance(line, tuple):
            label, value = line
            ws.cell(row=row, column=1, value=label).font = Font(bold=True)
            ws.cell(row=row, column=2, value=value).alignment = Alignment(wrap_text=True, vertical="top")
        else:
            ws.cell(row=row, column=1, value=line).alignment = Alignment(wrap_text=False)
        row += 1
    ws.protection.sheet = True
    if first:
        workbook.active = 0
    return ws


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_response(workbook: Workbook, filename: str) -> HttpResponse:
    """The workbook as an .xlsx download."""
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX_CONTENT_TYPE)
    name = download_name(filename, "xlsx")
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response


__all__ = [
    "CellError",
    "CellErrors",
    "ExcelError",
    "FileRejected",
    "add_list_validation",
    "add_number_validation",
    "add_readme_sheet",
    "cell_text",
    "column_letter",
    "header_columns",
    "is_formula",
    "lock_cells",
    "number_format_kind",
    "open_workbook_safely",
    "parse_decimal",
    "protect_sheet",
    "sheet_or_error",
    "workbook_bytes",
    "workbook_response",
    "write_header_row",
]
