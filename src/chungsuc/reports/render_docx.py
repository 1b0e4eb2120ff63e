"""Lay an `OfficialDocument` out as an editable Word file (python-docx), per NĐ 30/2020 Phụ lục I.

Everything is real text in ordinary paragraphs and tables (no text boxes or images for the header), so
the clerk can correct the number, date or wording in Word before the document is signed.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from chungsuc.reports import officialdoc as od

FONT = "Times New Roman"


def _font(run, size: float, *, bold: bool = False, italic: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _para(
    container,
    text: str = "",
    *,
    size=od.BODY_PT,
    bold=False,
    italic=False,
    align="center",
    before=0,
    after=0,
    indent_first=None,
):
    p = container.add_paragraph()
    p.alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    fmt = p.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if indent_first is not None:
        fmt.first_line_indent = Cm(indent_first)
    if text:
        _font(p.add_run(text), size, bold=bold, italic=italic)
    return p


def _rule(container, *, indent_mm: float) -> None:
    """A short horizontal rule: an empty paragraph's bottom border, narrowed by its indents."""
    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.left_indent = Mm(indent_mm)
    fmt.right_indent = Mm(indent_mm)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(2)
    fmt.line_spacing = Pt(2)
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    borders.append(bottom)
    ppr.append(borders)


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _fixed_widths(table, widths_mm: list[float]) -> None:
    """Column widths that Word and LibreOffice both honour: fixed layout, grid and every cell."""
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    table.autofit = False
    for col, w in zip(table.columns, widths_mm, strict=False):
        col.width = Mm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(w)


def _cell_first(cell):
    """The cell's first (empty) paragraph, removed so the cell holds only what we add."""
    for p in list(cell.paragraphs):
        p._element.getparent().remove(p._element)
    return cell


def _page_number_header(section) -> None:
    """Page numbers centred at the top from page 2 on (Phụ lục I, I.2)."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    _font(run, od.HEADER_PT)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _data_table(doc, block: od.Table, width_mm: float) -> None:
    if block.caption:
        _para(doc, block.caption, size=od.BODY_PT, bold=True, align="center", before=6, after=4)
    ncols = len(block.headers)
    table = doc.add_table(rows=1, cols=ncols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = block.widths or [1] * ncols
    total_w = sum(widths)
    col_mm = [width_mm * w / total_w for w in widths]

    def fill(cells, values, *, bold=False, header=False):
        for i, (cell, value) in enumerate(zip(cells, values, strict=False)):
            cell.width = Mm(col_mm[i])
            p = cell.paragraphs[0]
            p.alignment = (
                WD_ALIGN_PARAGRAPH.CENTER
                if header
                else (WD_ALIGN_PARAGRAPH.RIGHT if i in block.numeric else WD_ALIGN_PARAGRAPH.LEFT)
            )
            p.paragraph_format.space_after = Pt(0)
            _font(p.add_run(str(value)), od.TABLE_PT, bold=bold or header)

    fill(table.rows[0].cells, block.headers, header=True)
    # repeat the header row on every page
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)
    for row in block.rows:
        fill(table.add_row().cells, row)
    if block.total:
        fill(table.add_row().cells, block.total, bold=True)
    _fixed_widths(table, col_mm)
    _para(doc, "", size=6)


def _chart(doc, block: od.Chart, width_mm: float) -> None:
    """The chart as a picture (a PNG drawn by reports.charts), its caption and legend as text."""
    from chungsuc.reports import charts

    fig = block.figure
    doc.add_picture(io.BytesIO(charts.png(fig)), width=Mm(width_mm))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, fig.caption, size=od.TABLE_PT, italic=True, after=0)
    _para(doc, f"Chú thích: {fig.legend()}.", size=od.RECIPIENTS_PT, italic=True, after=6)


def render_docx(document: od.OfficialDocument, *, landscape: bool = False) -> bytes:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(od.BODY_PT)
    normal.element.get_or_add_rPr()
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(od.PAGE_HEIGHT_MM), Mm(od.PAGE_WIDTH_MM)
    else:
        section.page_width, section.page_height = Mm(od.PAGE_WIDTH_MM), Mm(od.PAGE_HEIGHT_MM)
    section.top_margin = Mm(od.MARGIN_TOP_MM)
    section.bottom_margin = Mm(od.MARGIN_BOTTOM_MM)
    section.left_margin = Mm(od.MARGIN_LEFT_MM)
    section.right_margin = Mm(od.MARGIN_RIGHT_MM)
    section.header_distance = Mm(10)
    _page_number_header(section)
    text_width = (
        (od.PAGE_HEIGHT_MM if landscape else od.PAGE_WIDTH_MM) - od.MARGIN_LEFT_MM - od.MARGIN_RIGHT_MM
    )

    # Header: issuing body and number on the left, national title, motto, place and date on the right.
    left_w, right_w = text_width * 0.38, text_width * 0.62
    header = doc.add_table(rows=1, cols=2)
    _no_borders(header)
    header.autofit = False
    left, right = header.rows[0].cells
    left.width, right.width = Mm(left_w), Mm(right_w)
    _cell_first(left)
    _cell_first(right)
    if document.parent_body:
        _para(left, document.parent_body.upper(), size=od.HEADER_PT)
    _para(left, document.issuing_body.upper(), size=od.HEADER_PT, bold=True)
    _rule(left, indent_mm=left_w * 0.3)
    _para(left, document.number_line, size=od.HEADER_PT, before=4)
    _fixed_widths(header, [left_w, right_w])
    _para(right, od.NATIONAL_TITLE, size=od.HEADER_PT - 1, bold=True)
    _para(right, od.MOTTO, size=od.HEADER_PT + 1, bold=True)
    _rule(right, indent_mm=right_w * 0.2)
    _para(right, document.date_line, size=od.BODY_PT, italic=True, before=4)

    if document.demo_notice:
        _para(doc, document.demo_notice, size=od.RECIPIENTS_PT, italic=True, before=6)
    _para(doc, document.doc_type.upper(), size=od.BODY_PT, bold=True, before=18)
    for line in document.summary.split("\n"):
        _para(doc, line, size=od.BODY_PT, bold=True)
    _rule(doc, indent_mm=text_width * 0.38)
    _para(doc, "", size=6)

    for block in document.blocks:
        if isinstance(block, od.Chart):
            _chart(doc, block, text_width)
        elif isinstance(block, od.Table):
            _data_table(doc, block, text_width)
        elif block.kind == "heading":
            _para(
                doc,
                block.text,
                bold=True,
                align="justify",
                before=6,
                after=3,
                indent_first=od.FIRST_LINE_INDENT_CM,
            )
        elif block.kind == "note":
            _para(doc, block.text, size=od.TABLE_PT, italic=True, align="justify", after=3)
        else:
            _para(doc, block.text, align="justify", after=6, indent_first=od.FIRST_LINE_INDENT_CM)

    # Recipients on the left, the signature block on the right.
    sign = doc.add_table(rows=1, cols=2)
    _no_borders(sign)
    sign.autofit = False
    left, right = sign.rows[0].cells
    left.width, right.width = Mm(text_width * 0.5), Mm(text_width * 0.5)
    _cell_first(left)
    _cell_first(right)
    _para(left, "Nơi nhận:", size=od.RECIPIENTS_TITLE_PT, bold=True, italic=True, align="left", before=6)
    for line in document.recipient_lines():
        _para(left, line, size=od.RECIPIENTS_PT, align="left")
    if document.authority:
        _para(right, document.authority.upper(), bold=True, before=6)
    _para(right, document.signer_title.upper(), bold=True, before=0 if document.authority else 6)
    for _ in range(4):
        _para(right, "")
    _para(right, document.signer_name, bold=True)
    _fixed_widths(sign, [text_width * 0.5, text_width * 0.5])

    out = io.BytesIO()
    doc.core_properties.title = f"{document.doc_type} {document.summary}".strip()[:250]
    doc.core_properties.author = document.issuing_body
    doc.save(out)
    return out.getvalue()
