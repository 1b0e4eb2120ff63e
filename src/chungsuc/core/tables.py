"""A table as shown on a page, and its exports: Excel for officials (title, as-of line, header with
units, dd/mm/yyyy dates, Vietnamese number formats, a totals row), CSV and JSON for machines (column
keys, ISO dates, plain numbers).

Every chart and list that offers "Tải Excel / CSV / JSON" builds one `DataTable` and hands it to
`export_response`, so what is downloaded is what the page shows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field

from django.http import HttpResponse

TEXT, INT, FLOAT, PERCENT, DATE, YEAR = "text", "int", "float", "percent", "date", "year"
EXPORT_FORMATS = ("xlsx", "csv", "json")


@dataclass
class Column:
    key: str  # machine name (CSV header, JSON key)
    label: str  # Vietnamese header
    kind: str = TEXT
    unit: str = ""  # shown under the header in Excel ("xã", "%")
    total: bool = False  # summed in the totals row


@dataclass
class DataTable:
    key: str  # stable name, used in URLs and file names
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)
    subtitle: str = ""  # "Tính đến ngày 31/12/2024 — toàn tỉnh"
    note: str = ""  # source, caveats
    total_label: str = "Tổng cộng"

    def totals(self) -> dict | None:
        if not any(c.total for c in self.columns):
            return None
        out: dict = {}
        for i, c in enumerate(self.columns):
            if c.total:
                out[c.key] = sum((r.get(c.key) or 0) for r in self.rows)
            elif i == 0:
                out[c.key] = self.total_label
        return out

    def display(self, value, column: Column) -> str:
        """A value as the page shows it (1.234,5; 31/12/2024; —)."""
        return display(value, column.kind)


def display(value, kind: str) -> str:
    if value is None or value == "":
        return "—"
    if kind == DATE and isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if kind == YEAR:
        return str(int(value))
    if kind == INT:
        return f"{int(value):,}".replace(",", ".")
    if kind in (FLOAT, PERCENT):
        text = f"{float(value):,.1f}".replace(",", "\0").replace(".", ",").replace("\0", ".")
        return f"{text}%" if kind == PERCENT else text
    return str(value)


def verified_label(flag) -> str:
    """ "đã kiểm chứng" / "chưa kiểm chứng": a row's verification as every table writes it."""
    from django.utils.translation import gettext as _

    return _("đã kiểm chứng") if flag else _("chưa kiểm chứng")


def _machine(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def to_csv(table: DataTable) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.key for c in table.columns])
    for row in table.rows:
        writer.writerow(["" if row.get(c.key) is None else _machine(row.get(c.key)) for c in table.columns])
    return out.getvalue()


def to_json(table: DataTable) -> dict:
    return {
        "table": table.key,
        "title": table.title,
        "subtitle": table.subtitle,
        "note": table.note,
        "columns": [{"key": c.key, "label": c.label, "kind": c.kind, "unit": c.unit} for c in table.columns],
        "rows": [{c.key: _machine(r.get(c.key)) for c in table.columns} for r in table.rows],
        "totals": table.totals(),
    }


NUMBER_FORMATS = {YEAR: "0", INT: "#,##0", FLOAT: "#,##0.0", PERCENT: '0.0"%"', DATE: "dd/mm/yyyy"}


def to_xlsx(table: DataTable) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = (table.title[:28] or "Bang").replace("/", "-").replace(":", " ")
    ncols = len(table.columns)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.cell(row=1, column=1, value=table.title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(ncols, 1))
    r = 2
    if table.subtitle:
        ws.cell(row=r, column=1, value=table.subtitle).font = Font(italic=True)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=max(ncols, 1))
        r += 1
    r += 1
    header_row = r
    fill = PatternFill("solid", fgColor="DDEBDD")
    for i, c in enumerate(table.columns, start=1):
        label = f"{c.label} ({c.unit})" if c.unit else c.label
        cell = ws.cell(row=r, column=i, value=label)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        width = (
            max(len(label), *(len(display(row.get(c.key), c.kind)) for row in table.rows))
            if table.rows
            else len(label)
        )
        ws.column_dimensions[get_column_letter(i)].width = min(max(10, width + 2), 60)
    for row in table.rows:
        r += 1
        for i, c in enumerate(table.columns, start=1):
            value = row.get(c.key)
            if c.kind == PERCENT and value is not None:
                value = round(float(value), 1)
            cell = ws.cell(row=r, column=i, value=value)
            cell.border = border
            if c.kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[c.kind]
    totals = table.totals()
    if totals:
        r += 1
        for i, c in enumerate(table.columns, start=1):
            cell = ws.cell(row=r, column=i, value=totals.get(c.key))
            cell.font = Font(bold=True)
            cell.border = border
            if c.kind in NUMBER_FORMATS and c.total:
                cell.number_format = NUMBER_FORMATS[c.kind]
    if table.note:
        r += 2
        ws.cell(row=r, column=1, value=table.note).font = Font(italic=True, size=9)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


def export_response(table: DataTable, fmt: str, filename: str) -> HttpResponse:
    """The table as a download (`fmt` one of EXPORT_FORMATS); the caller has scoped the rows."""
    if fmt == "xlsx":
        body: bytes | str = to_xlsx(table)
    elif fmt == "csv":
        body = "\ufeff" + to_csv(table)  # BOM: Excel opens UTF-8 CSV with diacritics intact
    elif fmt == "json":
        body = json.dumps(to_json(table), ensure_ascii=False, indent=1)
    else:
        raise ValueError(fmt)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.{fmt}")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def export_if_asked(request, build, filename: str) -> HttpResponse | None:
    """The page's table as a download when `?format=` asks for one of EXPORT_FORMATS (None: render the
    page). `build()` returns the `DataTable` of every row the page lists (all pages, the same filters,
    the same scope). An unknown format is the page itself, never an error."""
    fmt = request.GET.get("format")
    if fmt not in EXPORT_FORMATS:
        return None
    return export_response(build(), fmt, filename)


def export_query(request, table: str = "") -> str:
    """The page's query string without its page number and format, ready for "?{q}format=xlsx". A page
    with several tables names the one to download (`table=`), which `export_table` reads back."""
    params = request.GET.copy()
    for key in ("page", "format", "table"):
        params.pop(key, None)
    if table:
        params["table"] = table
    text = params.urlencode()
    return f"{text}&" if text else ""


def export_table(request, builds: dict, filename: str) -> HttpResponse | None:
    """`export_if_asked` for a page with several tables: `builds` maps each table's key to its
    `build()`; `?table=KEY&format=…` downloads that one (file name `{filename}-{KEY}`). An unknown
    table, like an unknown format, is the page itself."""
    key = request.GET.get("table", "")
    if key not in builds:
        return None
    return export_if_asked(request, builds[key], f"{filename}-{key}")
