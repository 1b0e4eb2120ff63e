"""DEMO users, one per role, with a documented password. For trying the product only."""

from __future__ import annotations

from django.db import transaction

from chungsuc.accounts.models import Organisation, Role
from chungsuc.accounts.services import membership_grant, user_upsert

DEMO_PASSWORD = "ChungSuc@2025"

# (username, full name, organisation code, role, what they do)
DEMO_USERS = [
    (
        "demo.tinh",
        "Nguyễn Văn Tỉnh (DEMO)",
        "so-noi-vu",
        Role.PROVINCE_ADMIN,
        "Quản trị cấp tỉnh — Sở Nội vụ (Ban Thi đua–Khen thưởng)",
    ),
    (
        "demo.nnptnt",
        "Trần Thị Điều Phối (DEMO)",
        "so-nnptnt",
        Role.PROGRAMME_OFFICE,
        "Văn phòng Điều phối NTM — Sở NN&PTNT",
    ),
    (
        "demo.thoaison",
        "Lê Văn Huyện (DEMO)",
        "ubnd-894",
        Role.DISTRICT_OFFICER,
        "Cán bộ UBND huyện Thoại Sơn (đến 30/6/2025 — lịch sử 2021–2025)",
    ),
    (
        "demo.vinhchanh",
        "Phạm Thị Xã (DEMO)",
        "ubnd-30703",
        Role.COMMUNE_OFFICER,
        "Cán bộ UBND xã Vĩnh Chánh (huyện Thoại Sơn, đến 30/6/2025 — lịch sử 2021–2025)",
    ),
    (
        "demo.phuhoa",
        "Ngô Thị Phú Hòa (DEMO)",
        "ubnd-30685-2025",
        Role.COMMUNE_OFFICER,
        "Cán bộ UBND xã Phú Hòa (tỉnh An Giang mới, từ 01/7/2025; kế thừa xã Vĩnh Chánh)",
    ),
    (
        "demo.chomoi",
        "Võ Văn Chợ Mới (DEMO)",
        "ubnd-893",
        Role.DISTRICT_OFFICER,
        "Cán bộ UBND huyện Chợ Mới (để thử phân quyền)",
    ),
    (
        "demo.so",
        "Huỳnh Văn Sở (DEMO)",
        "so-tttt",
        Role.PARTICIPANT_OFFICER,
        "Cán bộ Sở Thông tin và Truyền thông",
    ),
    (
        "demo.hoidong",
        "Đặng Thị Hội Đồng (DEMO)",
        "hdtdkt-tinh",
        Role.COUNCIL_MEMBER,
        "Thành viên Hội đồng Thi đua–Khen thưởng tỉnh",
    ),
    ("demo.kiemtra", "Bùi Văn Kiểm Tra (DEMO)", "hdtdkt-tinh", Role.INSPECTOR, "Thành viên đoàn kiểm tra"),
]


@transaction.atomic
def load(*, stdout=None) -> None:
    from django.contrib.auth import get_user_model

    for username, full_name, org_code, role, _what in DEMO_USERS:
        user = user_upsert(
            actor=None,
            username=username,
            full_name=full_name,
            email=f"{username}@demo.invalid",
            password=DEMO_PASSWORD,
        )
        membership_grant(
            actor=None, user=user, organisation=Organisation.objects.get(code=org_code), role=role
        )
    User = get_user_model()
    if not User.objects.filter(username="demo.admin").exists():
        User.objects.create_superuser(
            "demo.admin",
            "demo.admin@demo.invalid",
            DEMO_PASSWORD,
            first_name="Quản trị hệ thống",
            last_name="(DEMO)",
        )


def print_logins(stdout) -> None:
    stdout.write(f"\nTài khoản DEMO (mật khẩu chung: {DEMO_PASSWORD}):")
    for username, _name, _org, _role, what in DEMO_USERS:
        stdout.write(f"  {username:<16} {what}")
    stdout.write(f"  {'demo.admin':<16} Quản trị hệ thống (Django admin: /admin/)")
