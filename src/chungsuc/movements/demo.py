"""DEMO data of the movements (loaded only by `load_demo`, labelled DEMO everywhere):

- the DEMO 2026–2030 movement of the merged province (code 91, two-tier government since 1/7/2025),
  created through the same services the interface uses: yearly targets under QĐ 51/2025/QĐ-TTg's
  framework (DEMO figures, not official targets), the communes' groups (nhóm 1/2/3) assigned by the
  administrator (a DEMO reading of QĐ 51's rule: no provincial classification decision was found),
  participants from the two-tier government (province departments and organisations, every commune-
  level people's committee), their obligations and due dates, a few roadmaps and reports;
- a few DEMO annual reports on Plan 861 so its consolidation has something to show.
Idempotent: nothing is created twice.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

DEMO_CODE = "demo-pt-91-2026-2030"
NEW_PROVINCE_START = dt.date(2025, 7, 1)
DEMO_TARGETS = {2026: 6, 2027: 5, 2028: 4, 2029: 3, 2030: 2}
PROVINCE_BODIES = [
    ("so-nnptnt", "department"),
    ("so-tttt", "department"),
    ("mttq-tinh", "front"),
    ("hoi-nong-dan", "mass_org"),
    ("hoi-phu-nu", "mass_org"),
    ("tinh-doan", "mass_org"),
    ("hoi-ccb", "mass_org"),
    ("ldld-tinh", "mass_org"),
]


def _aware(d: dt.date):
    return timezone.make_aware(dt.datetime(d.year, d.month, d.day, 9, 0))


def _admin():
    return get_user_model().objects.filter(username="demo.tinh").first()


def _new_movement(admin, province):
    from chungsuc.movements import services
    from chungsuc.movements.models import Movement

    existing = Movement.objects.filter(code=DEMO_CODE).first()
    if existing is not None:
        return existing, False
    movement = services.movement_create(
        actor=admin,
        code=DEMO_CODE,
        name='DEMO — Kế hoạch thực hiện phong trào thi đua "An Giang chung sức xây dựng nông thôn mới" '
        "giai đoạn 2026 - 2030",
        short_name="DEMO — Phong trào chung sức xây dựng nông thôn mới 2026–2030 (tỉnh An Giang mới)",
        province=province,
        issuing_body="Ủy ban nhân dân tỉnh An Giang",
        period_start=2026,
        period_end=2030,
        summary="Dữ liệu DEMO để dùng thử: chỉ tiêu, nhóm xã, hạn nộp là số liệu mẫu, không phải văn bản "
        "chính thức của tỉnh.",
        legal_bases=[
            "Nghị quyết số 257/2025/QH15 ngày 11/12/2025 của Quốc hội (Chương trình mục tiêu quốc gia "
            "xây dựng nông thôn mới, giảm nghèo bền vững, phát triển vùng đồng bào DTTS&MN 2026–2035)",
            "Quyết định số 51/2025/QĐ-TTg ngày 29/12/2025 của Thủ tướng Chính phủ ban hành Bộ tiêu chí "
            "quốc gia về nông thôn mới giai đoạn 2026 - 2030 (hiệu lực từ 15/02/2026)",
        ],
        targets=[
            {
                "code": "1",
                "name": "Xã đạt chuẩn nông thôn mới theo Bộ tiêu chí QĐ 51/2025 (thêm) — DEMO",
                "level": "commune",
                "standards": ["ntm"],
                "by_year": DEMO_TARGETS,
            }
        ],
        is_demo=True,
    )
    return movement, True


def _participants(admin, movement, province):
    from chungsuc.accounts.models import Organisation
    from chungsuc.geo.models import UnitLevel, UnitVersion
    from chungsuc.movements import services
    from chungsuc.movements.models import Participant

    have = set(Participant.objects.filter(movement=movement).values_list("organisation__code", flat=True))
    for code, kind in PROVINCE_BODIES:
        org = Organisation.objects.filter(code=code).first()
        if org is not None and code not in have:
            services.participant_add(
                actor=admin, movement=movement, organisation=org, kind=kind, unit=province
            )
    communes = UnitVersion.objects.filter(parent=province, level=UnitLevel.COMMUNE).select_related("unit")
    for v in communes.order_by("name"):
        code = f"ubnd-{v.unit.code}-2025"
        org = Organisation.objects.filter(code=code).first()
        if org is not None and code not in have:
            services.participant_add(
                actor=admin, movement=movement, organisation=org, kind="commune_committee", unit=v.unit
            )


def _obligations(admin, movement):
    from chungsuc.movements import services

    services.obligations_schedule(
        actor=admin, movement=movement, kind="plan", due_dates={2026: dt.date(2026, 3, 31)}
    )
    services.obligations_schedule(
        actor=admin,
        movement=movement,
        kind="annual_report",
        due_dates={y: dt.date(y, 12, 15) for y in range(2026, 2031)},
    )
    services.obligations_schedule(
        actor=admin, movement=movement, kind="midterm_review", due_dates={2028: dt.date(2028, 6, 30)}
    )
    services.obligations_schedule(
        actor=admin, movement=movement, kind="final_review", due_dates={2030: dt.date(2030, 11, 30)}
    )


def _groups(admin, movement, province):
    """DEMO reading of QĐ 51/2025's rule: communes succeeding old Tri Tôn's (Khmer-majority areas,
    possibly khu vực II/III) in group 3, wards excluded, every other commune group 2 (the residual)."""
    from chungsuc.geo.models import LineageLink, UnitKind, UnitLevel, UnitVersion
    from chungsuc.movements import services
    from chungsuc.movements.models import UnitGroup

    if UnitGroup.objects.filter(movement=movement).exists():
        return
    tri_ton_successors = set(
        LineageLink.objects.filter(
            predecessor__child_versions__isnull=True,
            predecessor__versions__parent__code="891",
            event__date=NEW_PROVINCE_START,
        ).values_list("successor_id", flat=True)
    )
    for v in UnitVersion.objects.filter(parent=province, level=UnitLevel.COMMUNE).select_related("unit"):
        if v.kind != UnitKind.COMMUNE:
            continue
        group = 3 if v.unit_id in tri_ton_successors else 2
        services.unit_group_set(
            actor=admin,
            movement=movement,
            unit=v.unit,
            group=group,
            basis="DEMO: phân nhóm thử theo quy tắc của QĐ 51/2025/QĐ-TTg; "
            "chưa có quyết định phân nhóm của tỉnh.",
        )


def _roadmaps(admin, movement, province):
    from chungsuc.geo.models import UnitKind, UnitLevel, UnitVersion
    from chungsuc.movements import services
    from chungsuc.movements.models import Roadmap

    if Roadmap.objects.filter(movement=movement).exists():
        return
    communes = list(
        UnitVersion.objects.filter(parent=province, level=UnitLevel.COMMUNE, kind=UnitKind.COMMUNE)
        .select_related("unit")
        .order_by("unit__code")
    )
    years = [2026, 2027, 2027, 2028, 2028, 2029, 2030]
    for v, year in zip(communes[::7], years * 4, strict=False):
        services.roadmap_set(
            actor=admin, movement=movement, unit=v.unit, standard="ntm", year=year, note="Lộ trình DEMO"
        )


def _reports(admin, movement, year: int, kind: str, rows: list[tuple[str, dict, dt.date | None, str]]):
    """(organisation code, values, submitted on, final transition) — each through the services."""
    from chungsuc.movements import services
    from chungsuc.movements.models import Obligation, Report

    for org_code, values, submitted_on, last in rows:
        ob = Obligation.objects.filter(
            participant__movement=movement, participant__organisation__code=org_code, kind=kind, year=year
        ).first()
        if ob is None or Report.objects.filter(obligation=ob).exists():
            continue
        report = services.report_save(
            actor=admin, obligation=ob, data={**values, "notes": "Báo cáo mẫu (DEMO)"}
        )
        if submitted_on is not None:
            services.report_transition(
                actor=admin, report=report, transition="submit", now=_aware(submitted_on)
            )
        if last == "accept":
            services.report_transition(
                actor=admin, report=report, transition="accept", now=_aware(submitted_on)
            )


DEMO_SCORING = [
    {"code": "1", "name": "Tổ chức phát động, xây dựng kế hoạch thực hiện phong trào", "max_points": 20},
    {"code": "2", "name": "Kết quả thực hiện chỉ tiêu xây dựng nông thôn mới trong năm", "max_points": 50},
    {"code": "3", "name": "Huy động nguồn lực, nhân rộng mô hình, điển hình tiên tiến", "max_points": 20},
    {"code": "4", "name": "Chế độ thông tin, báo cáo đúng hạn", "max_points": 10},
]


def _clusters(admin, movement):
    """A DEMO scoring table (no provincial guidance was found: labelled unverified) and, for Plan 861,
    one DEMO cluster of three districts scored for 2024."""
    from chungsuc.movements import services
    from chungsuc.movements.models import Cluster

    if not movement.scoring_criteria.exists():
        services.scoring_table_set(
            actor=admin,
            movement=movement,
            rows=[{**r, "source": "Bảng điểm mẫu (DEMO), chưa có văn bản hướng dẫn"} for r in DEMO_SCORING],
        )
    if movement.code != "kh-861-2022" or Cluster.objects.filter(movement=movement).exists():
        return
    cluster = services.cluster_create(
        actor=admin, movement=movement, name="Cụm thi đua các huyện phía Nam (DEMO)"
    )
    members = list(movement.participants.filter(organisation__code__in=["ubnd-893", "ubnd-894", "ubnd-892"]))
    services.cluster_members_set(actor=admin, cluster=cluster, year=2024, participants=members)
    sample = [(18, 45, 17, 9), (19, 47, 18, 10), (16, 40, 15, 8)]
    for i, scorer in enumerate(members):
        for j, scored in enumerate(members):
            pts = [max(0, p - (1 if i != j else 0)) for p in sample[j]]
            services.cluster_scores_save(
                actor=admin,
                cluster=cluster,
                year=2024,
                scorer=scorer,
                scored=scored,
                points={str(k + 1): str(v) for k, v in enumerate(pts)},
                evidence={"2": "Số liệu mẫu (DEMO)"},
            )


def _inspection_team(admin, movement, province):
    """A DEMO inspection team of 2026 (no decision recorded: the demo invents no act number) with its
    members, and one commune of the merged province in the year's inspection plan."""
    from chungsuc.geo.models import Unit
    from chungsuc.movements import services
    from chungsuc.movements.selectors import movement_units_qs

    if movement.inspection_teams.exists():
        return
    team = services.inspection_team_create(
        actor=admin, movement=movement, year=2026, name="Đoàn kiểm tra số 1 (DEMO)"
    )
    services.inspection_team_member_add(
        actor=admin,
        team=team,
        full_name="Nguyễn Văn An (DEMO)",
        position="Phó Giám đốc Sở Nội vụ",
        role="leader",
    )
    inspector = get_user_model().objects.filter(username="demo.kiemtra").first()
    services.inspection_team_member_add(
        actor=admin,
        team=team,
        full_name="" if inspector else "Trần Thị Bình (DEMO)",
        position="Chuyên viên Ban Thi đua – Khen thưởng",
        role="member",
        user=inspector,
    )
    # a commune of the merged province (valid today), the first by code
    commune = (
        Unit.objects.filter(pk__in=movement_units_qs(movement), level="commune", valid_to__isnull=True)
        .order_by("code")
        .first()
    )
    if commune is not None:
        services.inspection_plan(
            actor=admin,
            movement=movement,
            year=2026,
            team_name="",
            leader="",
            unit=commune,
            planned_on=dt.date(2026, 11, 10),
            team=team,
        )


@transaction.atomic
def load(*, stdout=None) -> None:
    from chungsuc.geo.selectors import unit_by_code
    from chungsuc.movements.models import Movement

    admin = _admin()
    province = unit_by_code("91", NEW_PROVINCE_START)
    if admin is None or province is None:
        return
    movement, created = _new_movement(admin, province)
    _participants(admin, movement, province)
    _obligations(admin, movement)
    _groups(admin, movement, province)
    _roadmaps(admin, movement, province)
    _reports(
        admin,
        movement,
        2026,
        "plan",
        [
            (
                "so-nnptnt",
                {"activities": "Kế hoạch triển khai phong trào (DEMO)"},
                dt.date(2026, 3, 20),
                "accept",
            ),
            ("mttq-tinh", {"activities": "Kế hoạch của UBMTTQ tỉnh (DEMO)"}, dt.date(2026, 4, 10), "accept"),
            (
                "hoi-nong-dan",
                {"activities": "Kế hoạch của Hội Nông dân (DEMO)"},
                dt.date(2026, 3, 30),
                "submit",
            ),
        ],
    )
    _clusters(admin, movement)
    _inspection_team(admin, movement, province)
    plan861 = Movement.objects.filter(code="kh-861-2022").first()
    if plan861 is not None:
        _clusters(admin, plan861)
        _reports(
            admin,
            plan861,
            2024,
            "annual_report",
            [
                (
                    "so-nnptnt",
                    {
                        "activities": "Hướng dẫn, thẩm định xã NTM (DEMO)",
                        "state_budget": "12500000000",
                        "credit": "3000000000",
                        "models_replicated": "4",
                        "awards_proposed": "6",
                    },
                    dt.date(2024, 12, 12),
                    "accept",
                ),
                (
                    "mttq-tinh",
                    {
                        "activities": "Cuộc vận động Toàn dân đoàn kết (DEMO)",
                        "community": "850000000",
                        "land_m2": "12000",
                        "workdays": "5400",
                        "articles": "35",
                    },
                    dt.date(2024, 12, 20),
                    "accept",
                ),
                (
                    "ubnd-894",
                    {
                        "activities": "Thoại Sơn giữ vững huyện NTM nâng cao (DEMO)",
                        "state_budget": "8200000000",
                        "enterprises": "1500000000",
                        "community": "600000000",
                        "land_m2": "4300",
                        "workdays": "2100",
                    },
                    dt.date(2024, 12, 14),
                    "submit",
                ),
            ],
        )
    if stdout is not None:
        stdout.write(
            f"movements: {'tạo' if created else 'đã có'} {movement} — {movement.participants.count()} đơn vị "
            f"tham gia, {movement.unit_groups.count()} xã đã phân nhóm."
        )
