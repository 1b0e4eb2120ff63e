"""The register's lists as `core.tables.DataTable`s: what the page shows, every row, for the Excel /
CSV / JSON downloads beside it (labels and dd/mm/yyyy for officials in Excel; keys and ISO dates for
machines)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from chungsuc.core.tables import DATE, INT, TEXT, YEAR, Column, DataTable


def register_table(records, on: dt.date, districts: dict[int, str]) -> DataTable:
    """The register in force on `on` (as filtered on the page), with each commune's district on its
    recognition date."""
    rows = []
    for r in records:
        decision = r.decision_text or (r.decision.number if r.decision_id else "")
        rows.append(
            {
                "unit": r.unit.name,
                "code": r.unit.code,
                "district": districts.get(r.pk, ""),
                "standard": r.get_standard_display(),
                "year": r.year,
                "since": r.since,
                "since_precision": _("chỉ biết năm") if r.since_precision == "year" else "",
                "decision": decision,
                "until": r.until,
                "origin": r.get_origin_display(),
                "verified": _("đã kiểm chứng") if r.verified else _("chưa kiểm chứng"),
                "uncertainty": r.uncertainty,
            }
        )
    return DataTable(
        key="register",
        title=_("Sổ công nhận"),
        subtitle=_("Các công nhận còn hiệu lực đến ngày %(d)s") % {"d": on.strftime("%d/%m/%Y")},
        columns=[
            Column("unit", _("Đơn vị"), TEXT),
            Column("code", _("Mã đơn vị"), TEXT),
            Column("district", _("Huyện (khi công nhận)"), TEXT),
            Column("standard", _("Mức"), TEXT),
            Column("year", _("Năm"), YEAR),
            Column("since", _("Từ ngày"), DATE),
            Column("since_precision", _("Độ chính xác của ngày"), TEXT),
            Column("decision", _("Quyết định"), TEXT),
            Column("until", _("Thu hồi từ"), DATE),
            Column("origin", _("Nguồn gốc bản ghi"), TEXT),
            Column("verified", _("Kiểm chứng"), TEXT),
            Column("uncertainty", _("Điều chưa chắc chắn"), TEXT),
        ],
        rows=rows,
    )


def watch_table(rows: list[dict], on: dt.date) -> DataTable:
    """The regression watch: recognised units whose latest evaluation no longer meets their standard."""
    out = []
    for w in rows:
        out.append(
            {
                "unit": w["unit"].name,
                "code": w["unit"].code,
                "standard": w["standard"],
                "year": w["assessment"].year,
                "criteria_met": w["result"].criteria_met,
                "criteria_total": w["result"].criteria_total,
                "failing": "; ".join(f"{code}. {name}" if name else code for code, name in w["failing"]),
                "missing": ", ".join(w["missing"]),
            }
        )
    return DataTable(
        key="watch",
        title=_("Đơn vị đã được công nhận nhưng kết quả đánh giá mới nhất không còn đạt"),
        subtitle=_("Đến ngày %(d)s") % {"d": on.strftime("%d/%m/%Y")},
        columns=[
            Column("unit", _("Đơn vị"), TEXT),
            Column("code", _("Mã đơn vị"), TEXT),
            Column("standard", _("Chuẩn đang giữ"), TEXT),
            Column("year", _("Năm đánh giá"), YEAR),
            Column("criteria_met", _("Số tiêu chí đạt"), INT, _("tiêu chí")),
            Column("criteria_total", _("Tổng số tiêu chí"), INT, _("tiêu chí")),
            Column("failing", _("Tiêu chí không đạt"), TEXT),
            Column("missing", _("Tiêu chí thiếu số liệu"), TEXT),
        ],
        rows=out,
    )
