"""An official document in the layout of Nghị định 30/2020/NĐ-CP (Phụ lục I), as plain data.

No Django here: the builders in `documents.py` fill an `OfficialDocument` from the database, and the
renderers (`render_docx.py`, `render_pdf.py`) lay the same structure out as Word and PDF. Keeping the
layout rules in one place means the two formats say the same thing.

The rules followed (Phụ lục I, NĐ 30/2020): A4; margins top and bottom 20 mm, left 30 mm, right 15 mm;
Times New Roman (Liberation Serif, metric-compatible, where it is absent); national title in capitals,
bold, 12–13 pt, and the motto bold 13–14 pt with a rule under it; the issuing body (its superior body in
capitals, regular; the body itself in capitals, bold) with a short rule under it; "Số: n/KH-CQ"; place
and date in italics ("An Giang, ngày 05 tháng 01 năm 2026": day below 10 and months 1–2 with a leading
zero); the document type in capitals, bold, and its summary bold below it; the body 13–14 pt, justified,
first line indented; the signing authority (TM., KT., …) and title in capitals, bold, the signer's name
bold; recipients ("Nơi nhận:" bold italic 12 pt, the list 11 pt, each line "- …;", the last "- Lưu: VT…").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

# Page geometry (millimetres) and type sizes (points), per Phụ lục I.
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 20, 20, 30, 15
BODY_PT = 14
HEADER_PT = 13
TABLE_PT = 12
RECIPIENTS_TITLE_PT = 12
RECIPIENTS_PT = 11
FIRST_LINE_INDENT_CM = 1.27


@dataclass
class Para:
    """A body paragraph. `kind`: "body" (justified, first line indented), "heading" (bold, a section
    title such as "I. KẾT QUẢ ĐẠT ĐƯỢC"), "note" (italic, smaller)."""

    text: str
    kind: str = "body"


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    # relative column widths (any scale); None = equal
    widths: list[float] | None = None
    # a last row in bold (totals), if any
    total: list[str] | None = None
    caption: str = ""
    # columns aligned right (numbers)
    numeric: set[int] = field(default_factory=set)


@dataclass
class Chart:
    """A chart in the body (`reports.charts.Figure`): the PDF draws it as SVG, the Word file as a PNG
    with its legend in words under it; the caption is the document's own text in both."""

    figure: object


@dataclass
class OfficialDocument:
    issuing_body: str  # "SỞ NỘI VỤ", "ỦY BAN NHÂN DÂN XÃ VĨNH CHÁNH"
    doc_type: str  # "BÁO CÁO", "DANH SÁCH", "BIỂU TỔNG HỢP"
    summary: str  # the "trích yếu"
    date: dt.date
    place: str  # "An Giang"
    symbol: str  # "BC-SNV" (the part after the slash)
    number: str = ""  # "15"; empty: left blank for the clerk (văn thư) to fill in when registering it
    parent_body: str = ""  # "UBND TỈNH AN GIANG" (the superior body, if any)
    blocks: list[Para | Table | Chart] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    authority: str = ""  # "TM. ỦY BAN NHÂN DÂN", "KT. GIÁM ĐỐC" (empty when the head signs)
    signer_title: str = ""  # "CHỦ TỊCH", "PHÓ GIÁM ĐỐC"
    signer_name: str = ""
    # a line shown above the document type when the data is for trying the product only
    demo_notice: str = ""

    @property
    def number_line(self) -> str:
        return number_line(self.number, self.symbol)

    @property
    def date_line(self) -> str:
        return date_line(self.place, self.date)

    @property
    def reference(self) -> str:
        """ "15/BC-SNV" (or "BC-SNV" when the number is not yet given): used in file names."""
        return f"{self.number}/{self.symbol}" if self.number else self.symbol

    def recipient_lines(self) -> list[str]:
        return recipient_lines(self.recipients)


def number_line(number: str, symbol: str) -> str:
    """ "Số: 15/BC-SNV"; with no number yet, the blank the clerk fills in: "Số:       /BC-SNV"."""
    number = (number or "").strip()
    symbol = (symbol or "").strip().upper()
    if number:
        return f"Số: {number}/{symbol}" if symbol else f"Số: {number}"
    return f"Số:{' ' * 8}/{symbol}" if symbol else "Số:"


def date_line(place: str, date: dt.date) -> str:
    """ "An Giang, ngày 05 tháng 01 năm 2026" — days below 10 and months 1 and 2 take a leading zero
    (NĐ 30/2020, Phụ lục I, I.5.b)."""
    day = f"{date.day:02d}"
    month = f"{date.month:02d}" if date.month < 3 else str(date.month)
    place = (place or "").strip()
    text = f"ngày {day} tháng {month} năm {date.year}"
    return f"{place}, {text}" if place else text[0].upper() + text[1:]


def recipient_lines(recipients: list[str]) -> list[str]:
    """Each recipient as "- X;", the last "- Lưu: VT, …." (added if missing)."""
    items = [r.strip().lstrip("-").strip().rstrip(";.").strip() for r in recipients if r and r.strip()]
    if not any(i.lower().startswith("lưu") for i in items):
        items.append("Lưu: VT")
    lines = []
    for i, item in enumerate(items):
        end = "." if i == len(items) - 1 else ";"
        lines.append(f"- {item}{end}")
    return lines


def fmt_number(value, decimals: int = 0) -> str:
    """1234.5 → "1.234,5" (Vietnamese separators); None → "—"."""
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def fmt_percent(part: int, whole: int, decimals: int = 1) -> str:
    if not whole:
        return "—"
    return fmt_number(100 * part / whole, decimals) + "%"


def fmt_date(d: dt.date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""
