"""Built-in organisations of An Giang's movement (Plan 861/KH-UBND, section VII) and the people's
committee of every district- and commune-level unit, each with its jurisdiction over time."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from chungsuc.accounts.models import OrganisationKind as K
from chungsuc.accounts.services import organisation_upsert
from chungsuc.geo.models import Unit, UnitLevel
from chungsuc.geo.selectors import unit_by_code

OLD_PROVINCE_END = dt.date(2025, 6, 30)
NEW_PROVINCE_START = dt.date(2025, 7, 1)

# (code, name, short name, kind). Named in Plan 861/KH-UBND; renamed/merged bodies keep the plan's name
# with a note (Sở NN&PTNT and Sở TN&MT merged into Sở Nông nghiệp và Môi trường on 1/3/2025).
PROVINCE_ORGANISATIONS = [
    ("ubnd-tinh", "Ủy ban nhân dân tỉnh An Giang", "UBND tỉnh", K.PEOPLES_COMMITTEE),
    ("so-noi-vu", "Sở Nội vụ (Ban Thi đua – Khen thưởng)", "Sở Nội vụ", K.DEPARTMENT),
    (
        "so-nnptnt",
        "Sở Nông nghiệp và Phát triển nông thôn (Văn phòng Điều phối NTM)",
        "Sở NN&PTNT",
        K.DEPARTMENT,
    ),
    ("so-tttt", "Sở Thông tin và Truyền thông", "Sở TT&TT", K.DEPARTMENT),
    ("ban-tuyen-giao", "Ban Tuyên giáo Tỉnh ủy", "Ban Tuyên giáo", K.PARTY_BODY),
    ("mttq-tinh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh An Giang", "UBMTTQ tỉnh", K.FATHERLAND_FRONT),
    ("hoi-nong-dan", "Hội Nông dân tỉnh An Giang", "Hội Nông dân", K.MASS_ORGANISATION),
    ("hoi-phu-nu", "Hội Liên hiệp Phụ nữ tỉnh An Giang", "Hội LHPN", K.MASS_ORGANISATION),
    ("tinh-doan", "Tỉnh Đoàn An Giang (Đoàn TNCS Hồ Chí Minh)", "Tỉnh Đoàn", K.MASS_ORGANISATION),
    ("hoi-ccb", "Hội Cựu chiến binh tỉnh An Giang", "Hội CCB", K.MASS_ORGANISATION),
    ("ldld-tinh", "Liên đoàn Lao động tỉnh An Giang", "LĐLĐ tỉnh", K.MASS_ORGANISATION),
    ("hdtdkt-tinh", "Hội đồng Thi đua – Khen thưởng tỉnh An Giang", "HĐTĐKT tỉnh", K.COUNCIL),
    (
        "bcd-ctmtqg",
        "Ban Chỉ đạo các Chương trình mục tiêu quốc gia tỉnh An Giang",
        "BCĐ CTMTQG",
        K.STEERING_COMMITTEE,
    ),
]


def _unit_org_code(unit: Unit) -> str:
    """ubnd-<code> for units of old An Giang, ubnd-<code>-2025 for the merged province's units
    (national codes were reused on 1/7/2025)."""
    new = unit.valid_from is not None and unit.valid_from >= NEW_PROVINCE_START
    return f"ubnd-{unit.code}-2025" if new else f"ubnd-{unit.code}"


@transaction.atomic
def load(*, stdout=None) -> None:
    old = unit_by_code("89", OLD_PROVINCE_END)
    new = unit_by_code("91", NEW_PROVINCE_START)
    if old is None:
        raise RuntimeError("Chưa nạp đơn vị hành chính tỉnh An Giang (mã 89): chạy nạp dữ liệu geo trước.")
    for code, name, short, kind in PROVINCE_ORGANISATIONS:
        organisation_upsert(
            actor=None, code=code, name=name, short_name=short, kind=kind, unit=old, valid_to=OLD_PROVINCE_END
        )
        if new is not None:
            organisation_upsert(
                actor=None,
                code=code,
                name=name,
                short_name=short,
                kind=kind,
                unit=new,
                valid_from=NEW_PROVINCE_START,
            )
    province_ubnd = organisation_upsert(
        actor=None,
        code="ubnd-tinh",
        name=PROVINCE_ORGANISATIONS[0][1],
        short_name="UBND tỉnh",
        kind=K.PEOPLES_COMMITTEE,
    )
    count = 0
    for unit in Unit.objects.filter(level__in=[UnitLevel.DISTRICT, UnitLevel.COMMUNE]).order_by(
        "code", "valid_from"
    ):
        organisation_upsert(
            actor=None,
            code=_unit_org_code(unit),
            name=f"Ủy ban nhân dân {unit.name}",
            short_name=f"UBND {unit.name}",
            kind=K.PEOPLES_COMMITTEE,
            parent=province_ubnd,
            unit=unit,
            valid_from=unit.valid_from,
            valid_to=unit.valid_to,
        )
        count += 1
    if stdout:
        stdout.write(f"Tổ chức: {len(PROVINCE_ORGANISATIONS)} cấp tỉnh, {count} UBND cấp huyện/xã.")
