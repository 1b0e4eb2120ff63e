"""DEMO classification of the demo commune of the merged province: QĐ 51/2025 sets 2026–2030 thresholds
by commune group (1/2/3) and the province classifies its communes. Nobody has the province's list yet,
so the demo puts Xã Phú Hòa (30685, successor of Xã Vĩnh Chánh) in group 2, audited with a reason that
says DEMO. Idempotent."""

from __future__ import annotations

import datetime as dt

DEMO_COMMUNE = "30685"
DEMO_GROUP = 2
DEMO_REASON = "DEMO: nhóm xã giả định để dùng thử (chưa có danh sách phân nhóm của tỉnh)"


def load(*, stdout=None) -> None:
    from chungsuc.geo.selectors import unit_by_code
    from chungsuc.geo.services import unit_commune_group_set

    unit = unit_by_code(DEMO_COMMUNE, dt.date(2026, 1, 1))
    if unit is None or unit.commune_group is not None:
        return
    unit_commune_group_set(actor=None, unit=unit, group=DEMO_GROUP, reason=DEMO_REASON)
    if stdout is not None:
        stdout.write(f"Đơn vị hành chính: {unit.name} — nhóm xã {DEMO_GROUP} (DEMO).")
