"""A small, fast .xlsx writer and reader for the big value sheets (10,000 rows × 57 columns).

openpyxl builds a Python object per cell, which on a 2-core machine takes 10–20 s for such a sheet
either way. This module writes the sheet's XML directly (inline strings, a handful of styles, sheet
protection with the value cells unlocked, data validation by column) and reads it back with lxml's
`iterparse`, row by row, in constant memory. It handles what Excel and LibreOffice write when an
official edits the file: shared strings, inline strings, numbers, booleans, formulas (reported as
`Formula`, never evaluated), sparse rows and cells.

The files it writes are ordinary workbooks (openpyxl, Excel and LibreOffice open them); the reader
is only used after `core.files.inspect_upload` has checked the file (real .xlsx, no macros, not
encrypted, size).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from lxml import etree

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RNS = "http://schemas.openxmlformats.org/package/2006/relationships"

# style indexes in STYLES
S_DEFAULT, S_HEADER, S_LOCKED, S_UNLOCKED, S_HEADING, S_BOLD, S_WRAP = range(7)
# unlocked number cells shown with 0, 1 or 2 digits after the decimal point (an indicator's stated precision)
S_UNLOCKED_DECIMALS = (7, 8, 9)

STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{NS}">
<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0"/></numFmts>
<fonts count="4">
<font><sz val="11"/><name val="Calibri"/></font>
<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/></font>
<font><b/><sz val="14"/><color rgb="FF2F7D32"/><name val="Calibri"/></font>
<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="4">
<fill><patternFill patternType="none"/></fill>
<fill><patternFill patternType="gray125"/></fill>
<fill><patternFill patternType="solid">
<fgColor rgb="FF2F7D32"/><bgColor rgb="FF2F7D32"/></patternFill></fill>
<fill><patternFill patternType="solid">
<fgColor rgb="FFEEEEEE"/><bgColor rgb="FFEEEEEE"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="10">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">
<alignment horizontal="center" vertical="center" wrapText="1"/></xf>
<xf numFmtId="0" fontId="0" fillId="3" borderId="0" xfId="0" applyFill="1"/>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyProtection="1"><protection locked="0"/></xf>
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="0" fontId="0" fillId="3" borderId="0" xfId="0" applyFill="1" applyAlignment="1">
<alignment wrapText="1" vertical="top"/></xf>
<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyProtection="1">
<protection locked="0"/></xf>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyProtection="1">
<protection locked="0"/></xf>
<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyProtection="1">
<protection locked="0"/></xf>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""


def col_letter(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


_COL = re.compile(r"([A-Z]+)")


def col_index(ref: str) -> int:
    letters = _COL.match(ref).group(1)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _text(value: str) -> str:
    return escape(_ILLEGAL.sub("", value), {'"': "&quot;"})


def _cell(ref: str, value, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return (
            f'<c r="{ref}"{s}><v>{value!r}</v></c>'
            if isinstance(value, float)
            else f'<c r="{ref}"{s}><v>{value}</v></c>'
        )
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_text(str(value))}</t></is></c>'


@dataclass
class Sheet:
    name: str
    rows: list  # list of rows; a row is a list of (value, style) or values (style 0)
    widths: dict[int, float] | None = None
    freeze: tuple[int, int] | None = None  # (columns, rows) frozen
    protect: bool = False
    validations: list[tuple[str, str, str | None, str | None, str]] | None = None  # (type, op, f1, f2, sqref)
    hidden: bool = False

    def xml(self, out: io.StringIO) -> None:
        out.write(
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{NS}" xmlns:r="{RNS}">'  # noqa: E501
        )
        if self.freeze:
            cols, rows = self.freeze
            top = f"{col_letter(cols + 1)}{rows + 1}"
            out.write(
                f'<sheetViews><sheetView workbookViewId="0"><pane xSplit="{cols}" ySplit="{rows}" topLeftCell="{top}" '  # noqa: E501
                f'activePane="bottomRight" state="frozen"/></sheetView></sheetViews>'
            )
        if self.widths:
            out.write("<cols>")
            for col, width in sorted(self.widths.items()):
                out.write(f'<col min="{col}" max="{col}" width="{width}" customWidth="1"/>')
            out.write("</cols>")
        out.write("<sheetData>")
        letters = [col_letter(i) for i in range(1, 1 + max((len(r) for r in self.rows), default=0))]
        for r, row in enumerate(self.rows, start=1):
            out.write(f'<row r="{r}">')
            for c, item in enumerate(row):
                value, style = item if isinstance(item, tuple) else (item, S_DEFAULT)
                out.write(_cell(f"{letters[c]}{r}", value, style))
            out.write("</row>")
        out.write("</sheetData>")
        if self.protect:
            out.write(
                '<sheetProtection sheet="1" objects="1" scenarios="1" formatColumns="0" formatRows="0" sort="0" '  # noqa: E501
                'autoFilter="0"/>'
            )
        if self.validations:
            out.write(f'<dataValidations count="{len(self.validations)}">')
            for kind, op, f1, f2, sqref in self.validations:
                opattr = f' operator="{op}"' if op else ""
                out.write(
                    f'<dataValidation type="{kind}"{opattr} allowBlank="1" showErrorMessage="1" '
                    f'errorTitle="Giá trị không hợp lệ" error="{_text(_error_text(kind, op, f1, f2))}" sqref="{sqref}">'  # noqa: E501
                )
                if f1 is not None:
                    out.write(f"<formula1>{_text(f1)}</formula1>")
                if f2 is not None:
                    out.write(f"<formula2>{_text(f2)}</formula2>")
                out.write("</dataValidation>")
            out.write("</dataValidations>")
        out.write("</worksheet>")


def _error_text(kind, op, f1, f2) -> str:
    if kind == "list":
        return "Hãy chọn một giá trị trong danh sách: " + (f1 or "").strip('"')
    noun = _("số nguyên") if kind == "whole" else _("số")
    if op == "between":
        return _("Hãy nhập %(noun)s từ %(min)s đến %(max)s.") % {"noun": noun, "min": f1, "max": f2}
    return _("Hãy nhập %(noun)s không nhỏ hơn %(min)s.") % {"noun": noun, "min": f1}


def write(sheets: list[Sheet], active: int = 0) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'  # noqa: E501
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}"
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG_RNS}">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'  # noqa: E501
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        hidden = ' state="hidden"'
        entries = "".join(
            f'<sheet name="{_text(s.name)}" sheetId="{i}"{hidden if s.hidden else ""} r:id="rId{i}"/>'
            for i, s in enumerate(sheets, start=1)
        )
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{NS}" xmlns:r="{RNS}">'
            f'<bookViews><workbookView activeTab="{active}"/></bookViews><sheets>{entries}</sheets></workbook>',  # noqa: E501
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'  # noqa: E501
            f'worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        n = len(sheets) + 1
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG_RNS}">{rels}'
            f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'  # noqa: E501
            f'styles" Target="styles.xml"/></Relationships>',
        )
        z.writestr("xl/styles.xml", STYLES)
        for i, sheet in enumerate(sheets, start=1):
            out = io.StringIO()
            sheet.xml(out)
            z.writestr(f"xl/worksheets/sheet{i}.xml", out.getvalue())
    return buf.getvalue()


# --- reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    text: str


class ReadError(ValueError):
    pass


def _rels(z: zipfile.ZipFile) -> dict[str, str]:
    root = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    return {r.get("Id"): r.get("Target") for r in root}


def sheet_names(z: zipfile.ZipFile) -> dict[str, str]:
    """{sheet name: path in the zip}."""
    root = etree.fromstring(z.read("xl/workbook.xml"))
    rels = _rels(z)
    out = {}
    for s in root.iter(f"{{{NS}}}sheet"):
        target = rels.get(s.get(f"{{{RNS}}}id"), "")
        target = target.lstrip("/")
        out[s.get("name")] = target if target.startswith("xl/") else f"xl/{target}"
    return out


def _shared_strings(z: zipfile.ZipFile) -> list[str]:
    try:
        data = z.open("xl/sharedStrings.xml")
    except KeyError:
        return []
    out = []
    t_tag = f"{{{NS}}}t"
    for _event, si in etree.iterparse(data, tag=f"{{{NS}}}si"):
        out.append("".join(t.text or "" for t in si.iter(t_tag)))
        si.clear()
    return out


# built-in number formats (ECMA-376 §18.8.30): 9, 10 percent; the rest dates and times
_BUILTIN_PERCENT = {9, 10}
_BUILTIN_DATE = set(range(14, 23)) | set(range(27, 37)) | {45, 46, 47} | set(range(50, 59))


def format_kind(code: str) -> str | None:
    from chungsuc.core.excel import number_format_kind

    return number_format_kind(code)


def _style_kinds(z: zipfile.ZipFile) -> list[str | None]:
    """For each cell style index (the `s` attribute), its number format's kind."""
    try:
        root = etree.fromstring(z.read("xl/styles.xml"))
    except (KeyError, etree.XMLSyntaxError):
        return []
    custom = {}
    for nf in root.iter(f"{{{NS}}}numFmt"):
        try:
            custom[int(nf.get("numFmtId"))] = nf.get("formatCode") or ""
        except (TypeError, ValueError):
            continue
    kinds: list[str | None] = []
    xfs = root.find(f"{{{NS}}}cellXfs")
    for xf in xfs if xfs is not None else ():
        try:
            fid = int(xf.get("numFmtId") or 0)
        except ValueError:
            fid = 0
        if fid in custom:
            kinds.append(format_kind(custom[fid]))
        elif fid in _BUILTIN_PERCENT:
            kinds.append("percent")
        elif fid in _BUILTIN_DATE:
            kinds.append("date")
        else:
            kinds.append(None)
    return kinds


@dataclass
class SheetInfo:
    """What the reader saw besides the values: hidden rows and merged ranges ("C1:D1")."""

    hidden_rows: set
    merged: list


def iter_rows_lxml(data: bytes, sheet: str, info: SheetInfo | None = None):
    """The reference reader, element by element with lxml (see `iter_rows`); also the fallback for
    sheets the fast path does not take (prefixed XML namespaces, cells without a reference)."""
    from chungsuc.assessments.values import DateCell, ErrorCell, PercentCell

    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        names = sheet_names(z)
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        raise ReadError(_("tệp không đúng cấu trúc .xlsx")) from None
    if sheet not in names:
        raise KeyError(sheet)
    shared = _shared_strings(z)
    kinds = {str(i): k for i, k in enumerate(_style_kinds(z)) if k}  # style index → "percent"/"date"
    c_tag, v_tag, f_tag, is_tag, t_tag = (f"{{{NS}}}{x}" for x in ("c", "v", "f", "is", "t"))
    row_tag, merge_tag = f"{{{NS}}}row", f"{{{NS}}}mergeCell"
    letters_cache: dict[str, int] = {}
    digits = "0123456789"
    r = 0
    try:
        for _event, row in etree.iterparse(z.open(names[sheet]), tag=(row_tag, merge_tag), huge_tree=True):
            if row.tag == merge_tag:
                if info is not None and row.get("ref"):
                    info.merged.append(row.get("ref"))
                continue
            values: list = []
            for c in row:
                if c.tag != c_tag:
                    continue
                ref = c.get("r")
                if ref:
                    letters = ref.rstrip(digits)
                    idx = letters_cache.get(letters)
                    if idx is None:
                        idx = letters_cache[letters] = col_index(letters)
                else:
                    idx = len(values) + 1
                if len(values) < idx - 1:
                    values.extend([None] * (idx - 1 - len(values)))
                t = c.get("t")
                text = None
                value = None
                formula = None
                inline = None
                for child in c:
                    tag = child.tag
                    if tag == v_tag:
                        text = child.text
                    elif tag == f_tag:
                        formula = child.text or ""
                    elif tag == is_tag:
                        inline = "".join(x.text or "" for x in child.iter(t_tag))
                if formula is not None:
                    value = Formula(formula)
                elif t == "inlineStr":
                    value = inline if inline is not None else ""
                elif text is None:
                    value = None
                elif t == "s":
                    value = shared[int(text)]
                elif t == "b":
                    value = text == "1"
                elif t == "e":
                    value = ErrorCell(text)
                elif t == "str":
                    value = text
                else:
                    num = float(text)
                    kind = kinds.get(c.get("s")) if kinds else None
                    if kind is None:
                        value = int(num) if num.is_integer() and "." not in text and "E" not in text else num
                    elif kind == "percent":
                        value = PercentCell(num)
                    else:
                        value = DateCell(num)
                values.append(value)
            number = row.get("r")
            r = int(number) if number and number.isdecimal() else r + 1
            if info is not None and row.get("hidden") in ("1", "true"):
                info.hidden_rows.add(r)
            yield r, values
            row.clear()
            while row.getprevious() is not None:
                del row.getparent()[0]
    except etree.XMLSyntaxError:
        raise ReadError(_("trang tính «%(s)s» hỏng") % {"s": sheet}) from None


_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_ROW_REF = re.compile(rb'\br="(\d+)"')
_F_OPEN = re.compile(rb"<f[\s>/]")
_F_TEXT = re.compile(rb"<f(?:\s[^>]*)?>([^<]*)</f>|<f[^>]*/>")
_V_TEXT = re.compile(rb"<v>([^<]*)</v>")
_HIDDEN_ROW = re.compile(rb'<row\s[^>]*?\bhidden="(?:1|true)"[^>]*>')
_MERGE = re.compile(rb'<mergeCell\s[^>]*?\bref="([^"]+)"')


def _unescape(raw: bytes) -> str:
    from xml.sax.saxutils import unescape

    return unescape(raw.decode("utf-8"), {"&quot;": '"', "&apos;": "'"})


def _cell_tag_before(xml: bytes, pos: int) -> tuple[int, bytes] | None:
    start = xml.rfind(b"<c ", 0, pos)
    if start < 0:
        return None
    end = xml.find(b">", start)
    return start, xml[start : end + 1]


def _ref_of(tag: bytes) -> tuple[int, int] | None:
    m = _CELL_REF.search(tag)
    if not m:
        return None
    return int(m.group(2)), col_index(m.group(1).decode())


def _special_cells(xml: bytes, style_kinds: dict[str, str]) -> dict[tuple[int, int], object]:
    """What a value reader does not say, found by scanning the sheet's XML for the few cells that need
    it: formulas, Excel errors, numbers whose style is a percent or a date format."""
    from chungsuc.assessments.values import DateCell, ErrorCell, PercentCell

    out: dict[tuple[int, int], object] = {}
    for m in _F_OPEN.finditer(xml):
        found = _cell_tag_before(xml, m.start())
        if found is None:
            continue
        ref = _ref_of(found[1])
        if ref is None or ref in out:
            continue
        f = _F_TEXT.match(xml, m.start())
        out[ref] = Formula(_unescape(f.group(1)) if f and f.group(1) is not None else "")
    for pos in _find_all(xml, b' t="e"'):
        found = _cell_tag_before(xml, pos)
        if found is None or found[0] + len(found[1]) <= pos:
            continue
        ref = _ref_of(found[1])
        if ref is None or ref in out:
            continue
        v = _V_TEXT.match(xml, found[0] + len(found[1]))
        out[ref] = ErrorCell(_unescape(v.group(1)) if v else "#N/A")
    for style, kind in style_kinds.items():
        for pos in _find_all(xml, b' s="' + style.encode() + b'"'):
            found = _cell_tag_before(xml, pos)
            if found is None or found[0] + len(found[1]) <= pos:
                continue  # the attribute of another element (a row's style)
            start, tag = found
            if tag.endswith(b"/>") or (b' t="' in tag and b' t="n"' not in tag):
                continue  # empty, or not a number (text, boolean, error, inline string)
            ref = _ref_of(tag)
            if ref is None or ref in out:
                continue
            v = _V_TEXT.match(xml, start + len(tag))
            if not v:
                continue
            num = float(v.group(1))
            out[ref] = PercentCell(num) if kind == "percent" else DateCell(num)
    return out


def _find_all(data: bytes, needle: bytes):
    pos = data.find(needle)
    while pos >= 0:
        yield pos
        pos = data.find(needle, pos + 1)


def iter_rows(data: bytes, sheet: str, info: SheetInfo | None = None):
    """Yield (row number, list of values) of `sheet`; values are str, float/int, bool, Formula, None,
    or — where the cell's number format matters — `values.PercentCell` (a number shown as a percent),
    `values.DateCell` (a number shown as a date), `values.ErrorCell` (#DIV/0! and the like).
    `info`, when given, collects the hidden rows and merged ranges (complete once iteration ends).

    The values are read by python-calamine (Rust; 10,000 × 59 cells in about a second), which does
    not say which cells hold formulas, errors or percent formats; those few cells are found by
    scanning the sheet's XML (`_special_cells`) and replace calamine's values. Sheets the scan does
    not understand (prefixed namespaces, cells without references) go through `iter_rows_lxml`,
    which gives the same answer element by element (a test checks both agree)."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        names = sheet_names(z)
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        raise ReadError(_("tệp không đúng cấu trúc .xlsx")) from None
    if sheet not in names:
        raise KeyError(sheet)
    try:
        xml = z.read(names[sheet])
    except (KeyError, zipfile.BadZipFile, OSError):
        raise ReadError(_("trang tính «%(s)s» hỏng") % {"s": sheet}) from None
    head = xml[:2000]
    plain = b"<worksheet" in head and b"<c>" not in xml and b"<c/>" not in xml
    if not plain or xml.count(b"<c ") != xml.count(b'<c r="'):  # every cell's reference comes first
        yield from iter_rows_lxml(data, sheet, info)
        return
    try:
        from python_calamine import CalamineWorkbook

        grid = (
            CalamineWorkbook.from_filelike(io.BytesIO(data))
            .get_sheet_by_name(sheet)
            .to_python(skip_empty_area=False)
        )
    except Exception:  # calamine raises its own error types; the reference reader says what is wrong
        yield from iter_rows_lxml(data, sheet, info)
        return
    kinds = {str(i): k for i, k in enumerate(_style_kinds(z)) if k}
    special = _special_cells(xml, kinds)
    by_row: dict[int, list[tuple[int, object]]] = {}
    for (r, c), value in special.items():
        by_row.setdefault(r, []).append((c, value))
    if info is not None:
        for m in _HIDDEN_ROW.finditer(xml):
            ref = _ROW_REF.search(m.group(0))
            if ref:
                info.hidden_rows.add(int(ref.group(1)))
        info.merged.extend(x.decode() for x in _MERGE.findall(xml))
    last = max(len(grid), max(by_row, default=0))
    for r in range(1, last + 1):
        row = grid[r - 1] if r <= len(grid) else ()
        values = [
            None if v == "" else (int(v) if type(v) is float and v.is_integer() and abs(v) < 1e15 else v)
            for v in row
        ]
        for c, value in by_row.get(r, ()):
            if c > len(values):
                values.extend([None] * (c - len(values)))
            values[c - 1] = value
        while values and values[-1] is None:
            values.pop()
        if values:
            yield r, values


def read_sheet(data: bytes, sheet: str) -> list[tuple[int, list]]:
    return list(iter_rows(data, sheet))
