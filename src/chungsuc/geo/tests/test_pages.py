"""The unit browser and unit page: scoped through accounts.selectors, out of scope = 404."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from chungsuc.geo import selectors
from chungsuc.geo.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client, geo_demo):
    def login(username):
        client.force_login(get_user_model().objects.get(username=username))
        return client

    return login


def codes(response) -> list[str]:
    return re.findall(r'data-testid="unit-row" data-unit-code="(\d+)"', response.content.decode())


def test_login_required(client, geo_units):
    response = client.get("/units/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_district_officer_defaults_to_the_last_day_of_the_district(as_user):
    client = as_user("demo.thoaison")
    response = client.get("/units/")
    assert response.status_code == 200
    assert response.context["as_of"] == dt.date(2025, 6, 30) < timezone.localdate()
    assert 'data-testid="unit-notice"' in response.content.decode()
    shown = codes(response)
    assert shown[0] == "894" and len(shown) == 18  # Thoại Sơn and its 17 communes
    assert "30703" in shown and "30280" not in shown and "89" not in shown


def test_district_officer_sees_only_its_communes_and_404_elsewhere(as_user):
    client = as_user("demo.thoaison")
    assert len(codes(client.get("/units/", {"as_of": "2021-06-30"}))) == 18
    own = selectors.unit_by_code("30703", dt.date(2024, 6, 30))
    other = selectors.unit_by_code("30637", dt.date(2024, 6, 30))  # Xã Mỹ Hội Đông, huyện Chợ Mới
    assert client.get(f"/units/{own.pk}/").status_code == 200
    assert client.get(f"/units/{other.pk}/").status_code == 404
    assert client.get("/units/999999/").status_code == 404
    assert codes(client.get("/units/", {"as_of": "2025-07-01"})) == []


def test_commune_officer_sees_one_commune(as_user):
    client = as_user("demo.vinhchanh")
    assert codes(client.get("/units/", {"as_of": "2024-06-30"})) == ["30703"]


def test_province_admin_sees_the_merged_province_today_and_searches_without_diacritics(as_user):
    client = as_user("demo.tinh")
    today = client.get("/units/")
    assert today.context["as_of"] == timezone.localdate()
    assert len(codes(today)) == 103 and codes(today)[0] == "91"
    found = client.get("/units/", {"as_of": "2023-06-30", "q": "vinh chanh"})
    assert codes(found) == ["89", "894", "30703"]  # the match and its ancestors
    assert 'data-count="1"' in found.content.decode()
    with_marks = client.get("/units/", {"as_of": "2023-06-30", "q": "Vĩnh Chánh"})
    assert codes(with_marks) == codes(found)
    partial = client.get("/units/", {"as_of": "2023-06-30", "q": "tinh bien"}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="unit-tree"') and "<html" not in body
    assert "Thị xã Tịnh Biên" in body


def test_bad_date_is_reported(as_user):
    response = as_user("demo.tinh").get("/units/", {"as_of": "2023-02-30"})
    assert response.status_code == 200 and "2023-02-30" in response.context["error"]


def test_unit_page_shows_history_lineage_and_badges(as_user):
    client = as_user("demo.tinh")
    vinh_chau = Unit.objects.get(key="30334")
    body = client.get(f"/units/{vinh_chau.pk}/").content.decode()
    assert body.count('data-testid="successor-row"') == 2
    assert "chưa kiểm chứng" in body
    tinh_bien = Unit.objects.get(key="890")
    response = client.get(f"/units/{tinh_bien.pk}/", {"as_of": "2023-06-30"})
    body = response.content.decode()
    assert body.count('data-testid="version-row"') == 2
    assert "NQ 721/NQ-UBTVQH15" in body and "Thị xã Tịnh Biên" in body
    assert body.count('data-testid="child-row"') == 14
    assert response.context["version"].kind == "thi_xa"
    # Default date of a unit that no longer exists: its last day.
    assert client.get(f"/units/{tinh_bien.pk}/").context["as_of"] == dt.date(2025, 6, 30)


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_unit_browser_and_unit_page_query_counts_are_bounded(as_user):
    """Set-based pages: the whole province (168 units) costs the same queries as one district's 18,
    and the unit page does not query per version, event, successor or child."""
    client = as_user("demo.admin")
    whole = _queries(client, "/units/?as_of=2021-06-30")
    searched = _queries(client, "/units/?as_of=2024-06-30&q=phu")
    assert whole == searched <= 6
    province = Unit.objects.get(code="89")  # 11 children, many successors and events
    district = Unit.objects.get(code="894")
    assert _queries(client, f"/units/{province.pk}/?as_of=2021-06-30") <= 12
    assert _queries(client, f"/units/{district.pk}/?as_of=2021-06-30") <= 12
    officer = as_user("demo.thoaison")
    assert _queries(officer, "/units/?as_of=2021-06-30") <= 10
    assert _queries(officer, f"/units/{district.pk}/?as_of=2021-06-30") <= 14


def test_unit_page_links_to_its_assessments_and_standards(as_user):
    client = as_user("demo.tinh")
    unit = Unit.objects.get(code="890")
    page = client.get(f"/units/{unit.pk}/").content.decode()
    assert f'href="/assessments/?q={unit.code}"' in page
    assert f'href="/recognitions/units/{unit.pk}/standards/"' in page
