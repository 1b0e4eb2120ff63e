"""The officials' home page's counters as a `core.tables.DataTable`, for the Excel / CSV / JSON
downloads beside them: the same figures as the page (`selectors.overview`, scoped to the user)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from chungsuc.core.tables import INT, TEXT, Column, DataTable


def overview_table(data: dict) -> DataTable:
    """A row per counter of the page: the scope, the recognised units by standard, the dossiers by
    state (with their total, which the states add up to), and the programme office's threshold gaps."""
    day = data["on"].strftime("%d/%m/%Y")
    rows: list[dict] = []

    def add(section: str, item: str, count: int, unit: str) -> None:
        rows.append({"section": section, "item": item, "count": count, "unit": unit})

    scope = _("Phạm vi phụ trách")
    units = _("Đơn vị hành chính (mọi thời điểm trong thời hạn phụ trách)")
    add(scope, units, data["unit_count"], _("đơn vị"))
    add(scope, _("trong đó đơn vị cấp xã"), data["commune_count"], _("đơn vị"))
    recognised = _("Đạt chuẩn đến ngày %(d)s") % {"d": day}
    for r in data["recognised"]:
        add(recognised, str(r["label"]), r["count"], _("đơn vị"))
    dossiers = _("Hồ sơ tự đánh giá theo trạng thái")
    for name, n in data["assessment_states"]:
        add(dossiers, _(name), n, _("hồ sơ"))
    add(dossiers, _("Cộng"), sum(n for _name, n in data["assessment_states"]), _("hồ sơ"))
    thresholds = _("Ngưỡng cần bổ sung trước khi công nhận")
    for g in data.get("threshold_gaps") or ():
        name = g["framework"].name
        for key, label in (
            ("missing", _("ngưỡng còn thiếu")),
            ("unverified", _("ngưỡng chưa kiểm chứng")),
            ("demo", _("giá trị DEMO")),
        ):
            if g.get(key):
                add(thresholds, f"{name} — {label}", g[key], _("ngưỡng"))
    organisations = ", ".join(o.name for o in data["organisations"])
    subtitle = _("Tính đến ngày %(d)s") % {"d": day}
    if organisations:
        subtitle += " — " + organisations
    return DataTable(
        key="overview",
        title=_("Tổng quan"),
        subtitle=subtitle,
        columns=[
            Column("section", _("Nhóm chỉ số"), TEXT),
            Column("item", _("Chỉ số"), TEXT),
            Column("count", _("Số lượng"), INT),
            Column("unit", _("Đơn vị tính"), TEXT),
        ],
        rows=rows,
    )
