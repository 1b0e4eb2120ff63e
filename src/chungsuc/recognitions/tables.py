"""The register's lists as `core.tables.DataTable`s: what the page shows, every row, for the Excel /
CSV / JSON downloads beside it (labels and dd/mm/yyyy for officials in Excel; keys and ISO dates for
machines)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from chungsuc.core.tables import DATE, INT, TEXT, YEAR, Column, DataTable
from chungsuc.core.tables import verified_label as _verified


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
                "since_precision": _precision(r),
                "decision": decision,
                "until": r.until,
                "origin": r.get_origin_display(),
                "verified": _verified(r.verified),
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


def _precision(record) -> str:
    return _("chỉ biết năm") if record.since_precision == "year" else ""


def unit_standards_table(unit, on: dt.date, data: dict) -> DataTable:
    """The standards a unit holds on `on` (`selectors.unit_standards`): its own register records, then
    those of its predecessors that it inherits through a merger, as the page lists them."""
    from chungsuc.core.sources import source_text

    rows = []
    for r in data["own"]:
        rows.append(
            {
                "holder": _("chính đơn vị"),
                "unit": unit.name,
                "code": unit.code,
                "standard": r.get_standard_display(),
                "year": r.year,
                "since": r.since,
                "since_precision": _precision(r),
                "decision": r.decision_text or r.fact,
                "via": "",
                "verified": _verified(r.verified),
                "source": source_text(r.source),
            }
        )
    for i in data["inherited"]:
        r = i["record"]
        rows.append(
            {
                "holder": _("đơn vị tiền thân"),
                "unit": i["predecessor"].name,
                "code": i["predecessor"].code,
                "standard": r.get_standard_display(),
                "year": r.year,
                "since": r.since,
                "since_precision": _precision(r),
                "decision": r.decision_text or r.fact,
                "via": i["event"].legal_act,
                "verified": _verified(r.verified)
                if i["verified"]
                else _("%(v)s; liên kết chưa kiểm chứng") % {"v": _verified(r.verified)},
                "source": source_text(r.source),
            }
        )
    return DataTable(
        key="standards",
        title=_("Chuẩn nông thôn mới — %(unit)s (%(code)s)") % {"unit": unit.name, "code": unit.code},
        subtitle=_("Tính đến ngày %(d)s") % {"d": on.strftime("%d/%m/%Y")},
        columns=[
            Column("holder", _("Công nhận của"), TEXT),
            Column("unit", _("Đơn vị"), TEXT),
            Column("code", _("Mã đơn vị"), TEXT),
            Column("standard", _("Mức"), TEXT),
            Column("year", _("Năm"), YEAR),
            Column("since", _("Từ ngày"), DATE),
            Column("since_precision", _("Độ chính xác của ngày"), TEXT),
            Column("decision", _("Quyết định"), TEXT),
            Column("via", _("Văn bản sắp xếp"), TEXT),
            Column("verified", _("Kiểm chứng"), TEXT),
            Column("source", _("Nguồn"), TEXT),
        ],
        rows=rows,
        note=_("Đơn vị hình thành sau sắp xếp: cần tự đánh giá lại theo địa bàn mới.")
        if data.get("needs_own_assessment")
        else "",
    )


def unit_history_table(unit, history) -> DataTable:
    """Every register entry of a unit, past and present, with its revocation (the page's table "Các
    lần công nhận và thu hồi"; the public unit page's "Công nhận đạt chuẩn")."""
    rows = []
    for r in history:
        rows.append(
            {
                "standard": r.get_standard_display(),
                "year": r.year,
                "since": r.since,
                "since_precision": _precision(r),
                "until": r.until,
                "revocation": r.revocation.number if r.revocation_id else "",
                "decision": r.decision_text or (r.decision.number if r.decision_id else ""),
                "decided_on": r.decision.date if r.decision_id else None,
                "verified": _verified(r.verified),
            }
        )
    return DataTable(
        key="history",
        title=_("Các lần công nhận và thu hồi — %(unit)s (%(code)s)")
        % {"unit": unit.name, "code": unit.code},
        columns=[
            Column("standard", _("Mức"), TEXT),
            Column("year", _("Năm"), YEAR),
            Column("since", _("Từ ngày"), DATE),
            Column("since_precision", _("Độ chính xác của ngày"), TEXT),
            Column("until", _("Đến ngày"), DATE),
            Column("revocation", _("Quyết định thu hồi"), TEXT),
            Column("decision", _("Quyết định"), TEXT),
            Column("decided_on", _("Ngày ký quyết định"), DATE),
            Column("verified", _("Kiểm chứng"), TEXT),
        ],
        rows=rows,
    )
