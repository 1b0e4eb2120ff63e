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


def test_portal_home_links_every_public_page_that_exists(client, an_giang):
    """Progress, the map, recognised units, communes proposed for recognition, exemplary models and
    open data, each by its stable address; each of them answers without a login."""
    body = client.get("/").content.decode()
    links = body.split('data-testid="portal-links"', 1)[1].split("</ul>", 1)[0]
    for url in (
        "/public/progress/",
        "/public/map/",
        "/public/recognised/",
        "/public/consultations/",
        "/public/models/",
        "/public/open-data/",
    ):
        assert f'href="{url}"' in links
        assert client.get(url).status_code == 200, url
