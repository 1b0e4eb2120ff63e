import pytest
from django.urls import reverse

from chungsuc.accounts.selectors import visible_units
from chungsuc.recognitions.models import RecognitionRecord

pytestmark = pytest.mark.django_db


def test_district_dashboard_counts_only_its_recognised_units(client, demo):
    client.login(username="demo.thoaison", password=demo.DEMO_PASSWORD)
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 200
    ctx = response.context
    assert ctx["unit_count"] == 18
    units = visible_units(ctx["user"])
    expected = RecognitionRecord.objects.as_of(ctx["on"]).filter(unit_id__in=units.values("pk"))
    counted = {r["code"]: r["count"] for r in ctx["recognised"]}
    assert sum(counted.values()) == expected.count() > 0
    province = RecognitionRecord.objects.as_of(ctx["on"]).count()
    assert sum(counted.values()) < province  # other districts' recognitions are not counted
    assert "Theo dõi đơn vị tụt chuẩn" in response.content.decode()


def test_commune_dashboard_shows_its_own_assessments(client, demo):
    client.login(username="demo.vinhchanh", password=demo.DEMO_PASSWORD)
    response = client.get(reverse("dashboard:home"))
    assert response.context["unit_count"] == 1
    assert response.context["commune_count"] == 1
