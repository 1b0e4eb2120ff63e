"""The dossiers' list as a `core.tables.DataTable`: what the list page shows, every row (all pages,
the same filters and scope), for the Excel / CSV / JSON downloads beside it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from chungsuc.core.tables import INT, TEXT, YEAR, Column, DataTable


def dossiers_table(assessments) -> DataTable:
    rows = []
    for a in assessments:
        fw = a.framework
        rows.append(
            {
                "unit": a.unit.name,
                "code": a.unit.code,
                "year": a.year,
                "framework": f"{fw.get_standard_display()} ({fw.get_level_display().lower()}, v{fw.version})",
                "filled": a.filled,
                "criteria_met": a.latest_met if a.latest_total else None,
                "criteria_total": a.latest_total or None,
                "standard_met": (_("đạt chuẩn") if a.latest_standard else _("chưa đạt chuẩn"))
                if a.latest_total
                else "",
                "state": _(a.state_name) if a.state_name else "",
                "demo": "DEMO" if a.is_demo else "",
            }
        )
    return DataTable(
        key="dossiers",
        title=_("Hồ sơ tự đánh giá"),
        columns=[
            Column("unit", _("Đơn vị"), TEXT),
            Column("code", _("Mã đơn vị"), TEXT),
            Column("year", _("Năm"), YEAR),
            Column("framework", _("Bộ tiêu chí"), TEXT),
            Column("filled", _("Đã nhập"), INT, _("chỉ tiêu")),
            Column("criteria_met", _("Số tiêu chí đạt"), INT, _("tiêu chí")),
            Column("criteria_total", _("Tổng số tiêu chí"), INT, _("tiêu chí")),
            Column("standard_met", _("Kết quả"), TEXT),
            Column("state", _("Trạng thái"), TEXT),
            Column("demo", _("Dữ liệu mẫu"), TEXT),
        ],
        rows=rows,
    )
