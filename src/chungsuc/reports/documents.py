"""Builders: fill an `OfficialDocument` from the data (the renderers lay it out).

Each builder takes the already-checked subject (the caller scoped it) and the clerk's options (number,
date, signer, recipients), and reports its progress through `progress(percent, step)`.
Reads of other apps go through their selectors; this module only composes the document.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from chungsuc.reports import officialdoc as od

Progress = Callable[[int, str], None]

DEMO_NOTICE = (
    "Văn bản này có số liệu DEMO (dữ liệu mẫu để dùng thử), không phải số liệu chính thức; "
    "không dùng để ký ban hành."
)
UNVERIFIED_NOTE = (
    "Ghi chú: ngưỡng đánh dấu (*) chưa được đối chiếu với văn bản gốc (CHƯA KIỂM CHỨNG); "
    "kết quả theo các ngưỡng này chỉ để tham khảo."
)


@dataclass
class Options:
    """What the clerk sets before generating (all optional; defaults come from the kind)."""

    number: str = ""
    date: dt.date | None = None
    place: str = ""
    issuing_body: str = ""
    parent_body: str = ""
    symbol: str = ""
    authority: str = ""
    signer_title: str = ""
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)

    @classmethod
    def from_params(cls, params: dict) -> Options:
        raw = dict(params.get("options") or {})
        day = raw.get("date")
        return cls(
            number=raw.get("number", ""),
            date=dt.date.fromisoformat(day) if day else None,
            place=raw.get("place", ""),
            issuing_body=raw.get("issuing_body", ""),
            parent_body=raw.get("parent_body", ""),
            symbol=raw.get("symbol", ""),
            authority=raw.get("authority", ""),
            signer_title=raw.get("signer_title", ""),
            signer_name=raw.get("signer_name", ""),
            recipients=[r for r in raw.get("recipients", []) if r],
        )


def _apply(doc: od.OfficialDocument, opts: Options) -> od.OfficialDocument:
    for name in (
        "number",
        "place",
        "issuing_body",
        "parent_body",
        "symbol",
        "authority",
        "signer_title",
        "signer_name",
    ):
        value = getattr(opts, name)
        if value:
            setattr(doc, name, value)
    if opts.date:
        doc.date = opts.date
    if opts.recipients:
        doc.recipients = list(opts.recipients)
    return doc


def _noop(percent: int, step: str) -> None:
    pass


def short_name(name: str) -> str:
    """ "Xã Vĩnh Chánh" → "Vĩnh Chánh" (the place name used in the date line)."""
    for prefix in ("Thành phố ", "Thị trấn ", "Thị xã ", "Đặc khu ", "Phường ", "Huyện ", "Tỉnh ", "Xã "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


# --- a commune's evaluation sheet ------------------------------------------------------------------


def _value_text(item: dict) -> str:
    """An indicator's value as an official reads it: Đạt/Không đạt, 1.234,5 with its unit, or —."""
    value = item["value"]
    if value is None:
        return "—"
    if item["value_type"] == "pass_fail":
        return "Đạt" if value else "Không đạt"
    number = float(value)
    if item.get("decimals") is not None:  # the precision the criteria set states: 80,0
        text = od.fmt_number(number, item["decimals"])
    elif number.is_integer():
        text = od.fmt_number(number)
    else:
        text = od.fmt_number(number, 2).rstrip("0").rstrip(",")
    unit = item["unit"]
    return f"{text} {unit}" if unit and unit != "%" else (f"{text}%" if unit == "%" else text)


def _running(name: str) -> str:
    """ "Xã Vĩnh Chánh" inside a sentence: "xã Vĩnh Chánh"."""
    return name[:1].lower() + name[1:] if name else name


STATUS_TEXT = {"met": "Đạt", "not_met": "Không đạt", "missing": "Chưa đủ dữ liệu"}


def evaluation_sheet(assessment, opts: Options, *, today: dt.date, progress: Progress = _noop):
    """Biểu tổng hợp kết quả thực hiện các tiêu chí: every criterion and indicator with its threshold,
    the unit's value and the result, then the count of criteria met."""
    from chungsuc.assessments import evaluation, selectors
    from chungsuc.geo.selectors import version_of

    unit = assessment.unit
    progress(10, "Đọc số liệu của đơn vị")
    sheet = selectors.assessment_sheet(assessment)
    progress(30, "Chấm theo bộ tiêu chí")
    result = evaluation.evaluate_one(assessment)
    statuses = {}
    for crit in result.criteria:
        statuses[crit.code] = "met" if crit.met else ("missing" if crit.missing else "not_met")
        for ind in crit.indicators:
            statuses[(crit.code, ind.code)] = ind.status
    version = version_of(unit, dt.date(assessment.year, 12, 31)) or version_of(unit, today)
    name = version.name if version else unit.name
    parent_name = version.parent.name if version and version.parent else ""
    progress(50, "Soạn bảng tổng hợp")
    rows = []
    unverified = False
    for i, crit in enumerate(sheet["criteria"], start=1):
        rows.append(
            [
                str(i),
                f"Tiêu chí {crit['code']}: {crit['name']}",
                "",
                "",
                STATUS_TEXT.get(statuses.get(crit["code"], "missing"), ""),
            ]
        )
        for item in crit["items"]:
            if item["is_input"]:
                continue
            threshold = item["threshold"] or "—"
            if item["threshold"] == "chưa có ngưỡng":
                threshold = "Chưa có ngưỡng"
            elif item["threshold"] and not item["verified"]:
                threshold += " (*)"
                unverified = True
            value = _value_text(item)
            status = statuses.get((crit["code"], item["indicator"]), "missing")
            rows.append(
                [
                    "",
                    f"{item['indicator']}. {item['name']}",
                    threshold,
                    str(value),
                    STATUS_TEXT.get(status, ""),
                ]
            )
    standard = (
        assessment.framework.get_standard_display()
        if hasattr(assessment.framework, "get_standard_display")
        else ""
    )
    summary = (
        f"Kết quả thực hiện các tiêu chí xã {standard.lower() or 'nông thôn mới'}\n"
        f"năm {assessment.year} của {_running(name)}"
    )
    blocks: list = [
        od.Para(
            f"Căn cứ {assessment.framework.name}; căn cứ kết quả rà soát, đánh giá thực tế, "
            f"Ủy ban nhân dân {_running(name)} tổng hợp kết quả thực hiện các tiêu chí "
            f"năm {assessment.year} như sau:"
        ),
        od.Table(
            headers=["TT", "Tiêu chí, chỉ tiêu", "Chỉ tiêu chuẩn", "Kết quả thực hiện", "Đánh giá"],
            rows=rows,
            widths=[0.7, 5.2, 2.6, 2.2, 1.8],
            total=[
                "",
                "Tổng số tiêu chí đạt",
                "",
                f"{result.criteria_met}/{result.criteria_total}",
                "Đạt chuẩn" if result.standard_met else "Chưa đạt chuẩn",
            ],
        ),
        od.Para(
            f"Tổng số tiêu chí đạt: {result.criteria_met}/{result.criteria_total} tiêu chí. "
            f"Số chỉ tiêu đã có số liệu: {sheet['filled']}/{sheet['total']}."
        ),
    ]
    if result.missing:
        blocks.append(
            od.Para(f"Còn {len(result.missing)} chỉ tiêu chưa đủ dữ liệu hoặc chưa có ngưỡng để đánh giá.")
        )
    if unverified:
        blocks.append(od.Para(UNVERIFIED_NOTE, "note"))
    recipients = [
        f"UBND {parent_name}" if parent_name else "UBND tỉnh An Giang",
        "Văn phòng Điều phối nông thôn mới tỉnh",
    ]
    doc = od.OfficialDocument(
        issuing_body=f"ỦY BAN NHÂN DÂN {name}",
        doc_type="Biểu tổng hợp",
        summary=summary,
        date=today,
        place=short_name(name),
        symbol="BC-UBND",
        blocks=blocks,
        recipients=recipients,
        authority="TM. ỦY BAN NHÂN DÂN",
        signer_title="CHỦ TỊCH",
        signer_name="",
        demo_notice=DEMO_NOTICE if assessment.is_demo else "",
    )
    progress(60, "Đã soạn nội dung")
    return _apply(doc, opts)


# --- lists of recognised units ---------------------------------------------------------------------


def recognised_list(
    records: list,
    opts: Options,
    *,
    on: dt.date,
    standard_label: str,
    level_label: str,
    scope_name: str,
    today: dt.date,
    progress: Progress = _noop,
):
    """Danh sách đơn vị đạt chuẩn as of `on`: each unit, the unit above it, the standard, the year and
    the decision; totals by standard. `records` are register rows already scoped and filtered."""
    from chungsuc.geo.selectors import version_of

    progress(20, "Đọc sổ công nhận")
    rows = []
    by_standard: Counter = Counter()
    for i, rec in enumerate(records, start=1):
        version = version_of(rec.unit_id, on) or version_of(rec.unit_id, rec.since)
        name = version.name if version else rec.unit.name
        parent = version.parent.name if version and version.parent else ""
        decision = rec.decision_text or (
            f"{rec.decision.number} ngày {od.fmt_date(rec.decision.date)}" if rec.decision_id else ""
        )
        if not rec.verified:
            decision = (decision + " (chưa kiểm chứng)").strip()
        rows.append([str(i), name, parent, rec.get_standard_display(), str(rec.year), decision or "—"])
        by_standard[rec.get_standard_display()] += 1
    progress(50, "Soạn danh sách")
    what = (
        f"{level_label} đạt chuẩn {standard_label}".strip() if standard_label else f"{level_label} đạt chuẩn"
    )
    blocks: list = [
        od.Para(
            f"Căn cứ sổ công nhận đơn vị đạt chuẩn nông thôn mới, danh sách {what.lower()} "
            f"({scope_name}) tính đến ngày {od.fmt_date(on)} gồm {len(rows)} đơn vị, cụ thể như sau:"
        ),
        od.Table(
            headers=["TT", "Đơn vị", "Trực thuộc", "Mức đạt chuẩn", "Năm công nhận", "Quyết định công nhận"],
            rows=rows,
            widths=[0.6, 3, 2.6, 2.2, 1.3, 3.6],
            total=["", "Tổng cộng", "", f"{len(rows)} đơn vị", "", ""],
            numeric={4},
        ),
    ]
    if len(by_standard) > 1:
        blocks.append(
            od.Para("Trong đó: " + "; ".join(f"{k}: {v}" for k, v in sorted(by_standard.items())) + ".")
        )
    if any(not r.verified for r in records):
        blocks.append(
            od.Para(
                "Ghi chú: các dòng ghi «chưa kiểm chứng» lấy từ nguồn công khai, "
                "chưa đối chiếu với quyết định gốc.",
                "note",
            )
        )
    doc = od.OfficialDocument(
        parent_body="UBND TỈNH AN GIANG",
        # Sở NN&PTNT and Sở TN&MT merged into Sở Nông nghiệp và Môi trường from 01/3/2025
        issuing_body=(
            "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"
            if (opts.date or today) >= dt.date(2025, 3, 1)
            else "SỞ NÔNG NGHIỆP VÀ PTNT"
        ),
        doc_type="Danh sách",
        summary=f"{what}\n(tính đến ngày {od.fmt_date(on)})",
        date=today,
        place="An Giang",
        symbol="DS-SNN",
        blocks=blocks,
        recipients=["UBND tỉnh (để báo cáo)", "Sở Nội vụ (Ban Thi đua – Khen thưởng)"],
        authority="KT. GIÁM ĐỐC",
        signer_title="PHÓ GIÁM ĐỐC",
        signer_name="",
    )
    progress(60, "Đã soạn nội dung")
    return _apply(doc, opts)
