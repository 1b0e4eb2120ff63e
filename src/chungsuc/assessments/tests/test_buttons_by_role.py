"""Forms and buttons are shown only to roles that may use them, decided by the same permission check
the services make: the participant, council and inspector roles, and the officers whose jurisdiction
ended on 30/6/2025, see neither "Lập hồ sơ" nor "Nhập từ Excel", and are refused if they try."""

import pytest
from django.contrib.auth import get_user_model

from chungsuc.assessments.models import Assessment


@pytest.mark.parametrize(
    "username, may",
    [
        ("demo.so", False),  # participant officer
        ("demo.hoidong", False),  # council member
        ("demo.kiemtra", False),  # inspector
        ("demo.thoaison", False),  # district officer, jurisdiction ended on 30/6/2025
        ("demo.vinhchanh", False),  # commune officer, jurisdiction ended on 30/6/2025
        ("demo.phuhoa", True),  # commune officer of the merged province, today
        ("demo.nnptnt", True),  # programme office
    ],
)
def test_create_and_import_are_shown_only_to_those_who_may_use_them(client, demo, username, may):
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    html = client.get("/assessments/").content.decode()
    assert ('data-testid="create-card"' in html) is may
    assert ('data-testid="import-button"' in html) is may
    r = client.get("/assessments/import/")
    assert r.status_code == (200 if may else 403)
    if not may:
        assert "Bạn không có quyền nhập hồ sơ từ Excel" in r.content.decode()
        # the service refuses them the same way: nothing is written
        from chungsuc.criteria.models import Framework
        from chungsuc.geo.selectors import unit_by_code

        before = Assessment.objects.count()
        fw = Framework.objects.filter(level="commune").order_by("-period_start").first()
        unit = unit_by_code("30685", "2026-01-01")
        client.post("/assessments/new/", {"unit": unit.pk, "year": 2026, "framework": fw.pk})
        assert Assessment.objects.count() == before
