import pytest

from chungsuc.recognitions.models import RecognitionRecord

pytestmark = pytest.mark.django_db


def test_portal_home_is_public_and_counts_the_register(client, an_giang):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Kế hoạch 861/KH-UBND" in body
    counts = {r["label"]: r["count"] for r in response.context["recognised"]}
    assert sum(counts.values()) == RecognitionRecord.objects.as_of(response.context["today"]).count()
    assert "/api/v1/units/" in body
