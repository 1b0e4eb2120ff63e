"""Lay an `OfficialDocument` out as PDF with WeasyPrint (HTML + CSS paged media), per NĐ 30/2020.

WeasyPrint needs Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0, installed by `make test` and
`.ci/run`). Times New Roman is asked for first; on Linux fontconfig gives Liberation Serif
(fonts-liberation2) or Tinos (fonts-croscore), both metric-compatible and covering Vietnamese.
Measured: a five-page report renders in about 1 s on the 2-core machine, well inside the 10 s budget,
so LibreOffice (3–4 s just to start) was not needed.
"""

from __future__ import annotations

from html import escape

from chungsuc.reports import officialdoc as od

CSS = f"""
@page {{
  size: A4{{orientation}};
  margin: {od.MARGIN_TOP_MM}mm {od.MARGIN_RIGHT_MM}mm {od.MARGIN_BOTTOM_MM}mm {od.MARGIN_LEFT_MM}mm;
  @top-center {{ content: counter(page);
    font: {od.HEADER_PT}pt "Times New Roman", "Liberation Serif", serif; }}
}}
@page :first {{ @top-center {{ content: none; }} }}
body {{ font-family: "Times New Roman", "Liberation Serif", "Tinos", serif; font-size: {od.BODY_PT}pt;
  line-height: 1.25; margin: 0; }}
p {{ margin: 0; }}
.c {{ text-align: center; }}
.chart {{ margin: 6pt 0 0 0; }}
.chart svg {{ width: 100%; height: auto; }}
.b {{ font-weight: bold; }}
.i {{ font-style: italic; }}
table.head, table.sign {{ width: 100%; border-collapse: collapse; }}
table.head td, table.sign td {{ vertical-align: top; padding: 0; }}
.hd {{ font-size: {od.HEADER_PT}pt; }}
.title {{ font-size: {od.HEADER_PT - 1}pt; font-weight: bold; }}
.motto {{ font-size: {od.HEADER_PT + 1}pt; font-weight: bold; }}
.rule {{ border-bottom: 0.6pt solid #000; margin: 1pt auto 4pt; }}
.type {{ margin-top: 18pt; font-weight: bold; text-align: center; }}
.body {{ text-align: justify; text-indent: {od.FIRST_LINE_INDENT_CM}cm; margin-bottom: 6pt; }}
.h {{ font-weight: bold; text-indent: {od.FIRST_LINE_INDENT_CM}cm; margin: 6pt 0 3pt; }}
.note {{ font-style: italic; font-size: {od.TABLE_PT}pt; margin-bottom: 3pt; }}
.demo {{ font-style: italic; font-size: {od.RECIPIENTS_PT}pt; margin-top: 6pt; }}
table.data {{ width: 100%; border-collapse: collapse; margin: 4pt 0 8pt; font-size: {od.TABLE_PT}pt; }}
table.data th, table.data td {{ border: 0.6pt solid #000; padding: 2pt 3pt; vertical-align: top; }}
table.data th {{ text-align: center; font-weight: bold; }}
table.data td.n {{ text-align: right; }}
table.data tr.total td {{ font-weight: bold; }}
table.data thead {{ display: table-header-group; }}
table.data tr {{ page-break-inside: avoid; }}
.caption {{ font-weight: bold; text-align: center; margin-top: 6pt; }}
.to {{ font-size: {od.RECIPIENTS_TITLE_PT}pt; font-weight: bold; font-style: italic; margin-top: 6pt; }}
.to-line {{ font-size: {od.RECIPIENTS_PT}pt; }}
.signature {{ text-align: center; font-weight: bold; }}
.sign-space {{ height: 26mm; }}
table.sign {{ margin-top: 6pt; page-break-inside: avoid; }}
"""


def _p(text: str, cls: str) -> str:
    return f'<p class="{cls}">{escape(text)}</p>'


def _table(block: od.Table) -> str:
    widths = block.widths or [1] * len(block.headers)
    total = sum(widths)
    cols = "".join(f'<col style="width:{100 * w / total:.1f}%">' for w in widths)
    head = "".join(f"<th>{escape(h)}</th>" for h in block.headers)

    def row(values, cls=""):
        cells = "".join(
            f'<td class="n">{escape(str(v))}</td>' if i in block.numeric else f"<td>{escape(str(v))}</td>"
            for i, v in enumerate(values)
        )
        return f'<tr class="{cls}">{cells}</tr>'

    body = "".join(row(r) for r in block.rows)
    if block.total:
        body += row(block.total, "total")
    caption = _p(block.caption, "caption") if block.caption else ""
    return (
        f'{caption}<table class="data"><colgroup>{cols}</colgroup>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def to_html(document: od.OfficialDocument, *, landscape: bool = False) -> str:
    parts = ['<table class="head"><tr><td style="width:40%" class="c">']
    if document.parent_body:
        parts.append(_p(document.parent_body.upper(), "hd"))
    parts.append(_p(document.issuing_body.upper(), "hd b"))
    parts.append('<div class="rule" style="width:35%"></div>')
    parts.append(_p(document.number_line, "hd"))
    parts.append('</td><td style="width:60%" class="c">')
    parts.append(_p(od.NATIONAL_TITLE, "title"))
    parts.append(_p(od.MOTTO, "motto"))
    parts.append('<div class="rule" style="width:60%"></div>')
    parts.append(_p(document.date_line, "i"))
    parts.append("</td></tr></table>")
    if document.demo_notice:
        parts.append(_p(document.demo_notice, "demo"))
    parts.append(_p(document.doc_type.upper(), "type"))
    for line in document.summary.split("\n"):
        parts.append(_p(line, "c b"))
    parts.append('<div class="rule" style="width:25%"></div>')
    for block in document.blocks:
        if isinstance(block, od.Chart):
            from chungsuc.reports import charts

            parts.append(f'<div class="chart">{charts.svg(block.figure)}</div>')
            parts.append(_p(block.figure.caption, "note c"))
        elif isinstance(block, od.Table):
            parts.append(_table(block))
        elif block.kind == "heading":
            parts.append(_p(block.text, "h"))
        elif block.kind == "note":
            parts.append(_p(block.text, "note"))
        else:
            parts.append(_p(block.text, "body"))
    parts.append('<table class="sign"><tr><td style="width:50%">')
    parts.append(_p("Nơi nhận:", "to"))
    for line in document.recipient_lines():
        parts.append(_p(line, "to-line"))
    parts.append('</td><td style="width:50%">')
    if document.authority:
        parts.append(_p(document.authority.upper(), "signature"))
    parts.append(_p(document.signer_title.upper(), "signature"))
    parts.append('<div class="sign-space"></div>')
    parts.append(_p(document.signer_name, "signature"))
    parts.append("</td></tr></table>")
    css = CSS.replace("{orientation}", " landscape" if landscape else "")
    title = escape(f"{document.doc_type} {document.summary}".strip())
    return (
        f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta name="author" content="{escape(document.issuing_body)}">'
        f"<style>{css}</style></head><body>{''.join(parts)}</body></html>"
    )


def render_pdf(document: od.OfficialDocument, *, landscape: bool = False) -> bytes:
    from weasyprint import HTML  # imported late: loading Pango costs ~0.3 s

    return HTML(string=to_html(document, landscape=landscape)).write_pdf()
