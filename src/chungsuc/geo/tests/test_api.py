"""The public units API: the counts of issue 2 as of each date, filters, errors, detail with history."""

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chungsuc.geo.models import Unit

pytestmark = pytest.mark.django_db


def _under(units: list[dict], province: str) -> list[dict]:
    """Units whose parent chain leads to `province` (code), as the API reports them."""
    parent = {u["code"]: u["parent"] for u in units}

    def chain(code):
        seen = []
        while code is not None and code not in seen:
            seen.append(code)
            code = parent.get(code)
        return seen

    return [u for u in units if u["code"] != province and province in chain(u["code"])]


def test_old_an_giang_on_2021_06_30(geo_units, api_units):
    units = _under(api_units(as_of="2021-06-30"), "89")
    communes = [u for u in units if u["level"] == "commune"]
    districts = [u for u in units if u["level"] == "district"]
    assert len(communes) == 156
    assert Counter(u["kind"] for u in communes) == {"xa": 116, "phuong": 21, "thi_tran": 19}
    assert len(districts) == 11
    assert {u["parent"] for u in communes} == {u["code"] for u in districts}


def test_old_an_giang_on_2023_06_30_tinh_bien_is_a_town(geo_units, api_units):
    units = _under(api_units(as_of="2023-06-30"), "89")
    communes = [u for u in units if u["level"] == "commune"]
    assert len(communes) == 156
    assert Counter(u["kind"] for u in communes) == {"xa": 110, "phuong": 28, "thi_tran": 18}
    tinh_bien = next(u for u in units if u["code"] == "890")
    assert (tinh_bien["kind"], tinh_bien["name"]) == ("thi_xa", "Thị xã Tịnh Biên")
    assert tinh_bien["valid_from"] == "2023-04-10"
    assert tinh_bien["unit_valid_to"] == "2025-06-30"
    # The same unit (identity) as the huyện of 2021.
    before = next(u for u in api_units(as_of="2021-06-30") if u["code"] == "890")
    assert before["kind"] == "huyen" and before["id"] == tinh_bien["id"]


def test_old_an_giang_on_2025_03_01_has_155(geo_units, api_units):
    units = _under(api_units(as_of="2025-03-01"), "89")
    assert len([u for u in units if u["level"] == "commune"]) == 155
    assert "30285" not in {u["code"] for u in units}  # Phường Đông Xuyên merged on 1/1/2025


def test_merged_province_on_2025_07_01(geo_units, api_units):
    everything = api_units(as_of="2025-07-01")
    assert not [u for u in everything if u["level"] == "district"]
    assert "89" not in {u["code"] for u in everything}
    units = _under(everything, "91")
    assert len(units) == 102
    assert Counter(u["kind"] for u in units) == {"xa": 85, "phuong": 14, "dac_khu": 3}
    assert {u["parent"] for u in units} == {"91"}
    province = next(u for u in everything if u["code"] == "91")
    assert province["parent"] is None and province["valid_from"] == "2025-07-01"
    assert province["region"] == "dong_bang_song_cuu_long"


def test_filters_parent_kind_level(geo_units, api_units):
    tinh_bien = api_units(as_of="2023-06-30", parent="890")
    assert len(tinh_bien) == 14
    assert Counter(u["kind"] for u in tinh_bien) == {"phuong": 7, "xa": 7}
    assert [u["code"] for u in api_units(as_of="2021-06-30", parent="890", kind="thi_tran")] == [
        "30502",
        "30505",
        "30520",
    ]
    assert len(api_units(as_of="2021-06-30", level="district")) == 11
    assert api_units(as_of="2025-07-01", parent="89") == []  # the old province no longer exists that day


def test_row_shape_and_pagination(geo_units, client):
    response = client.get("/api/v1/units/", {"as_of": "2021-06-30", "page_size": 10})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 168 and len(body["results"]) == 10 and body["next"]
    first = body["results"][0]
    assert {"id", "code", "name", "kind", "level", "parent", "valid_from", "valid_to"} <= set(first)
    assert (first["code"], first["parent"], first["valid_from"], first["valid_to"]) == (
        "89",
        None,
        None,
        "2025-06-30",
    )


def test_bad_input_answers_400_in_vietnamese(geo_units, client):
    response = client.get("/api/v1/units/", {"as_of": "2023-02-30"})
    assert response.status_code == 400
    assert "2023-02-30" in response.json()["as_of"][0] and "không hợp lệ" in response.json()["as_of"][0]
    response = client.get("/api/v1/units/", {"kind": "lang"})
    assert response.status_code == 400 and "lang" in response.json()["kind"][0]
    assert client.get("/api/v1/units/", {"level": "village"}).status_code == 400


def test_default_date_is_today(geo_units, client):
    from django.utils import timezone

    body = client.get("/api/v1/units/").json()
    assert body["as_of"] == timezone.localdate().isoformat()


def test_detail_has_history_and_lineage(geo_units, client):
    tinh_bien = Unit.objects.get(key="890")
    body = client.get(f"/api/v1/units/{tinh_bien.pk}/").json()
    assert [(v["kind"], v["valid_from"], v["valid_to"]) for v in body["versions"]] == [
        ("huyen", None, "2023-04-09"),
        ("thi_xa", "2023-04-10", "2025-06-30"),
    ]
    assert body["changes"][0]["fields"] == ["name", "kind"]
    reclassify = next(e for e in body["events"] if e["kind"] == "reclassify")
    assert reclassify["date"] == "2023-04-10" and reclassify["legal_act"].startswith("NQ 721/NQ-UBTVQH15")

    split = Unit.objects.get(key="30334")  # Xã Vĩnh Châu, split between two new units
    body = client.get(f"/api/v1/units/{split.pk}/").json()
    assert [(s["successor"]["code"], s["share"], s["verified"]) for s in body["successors"]] == [
        ("30325", 69.5, False),
        ("30316", 29.6, False),
    ]
    assert client.get("/api/v1/units/999999/").status_code == 404


def test_root_link_and_schema_document_the_parameters(geo_units, client):
    assert client.get("/api/v1/").json()["units"].endswith("/api/v1/units/")
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    for name in ("as_of", "parent", "kind", "level", "page_size"):
        assert f'"{name}"' in schema or f"name: {name}" in schema


def test_boundaries_as_geojson(geo_units, client):
    body = client.get("/api/v1/units/boundaries/", {"as_of": "2025-03-01", "level": "commune"}).json()
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 155
    my_xuyen = next(f for f in body["features"] if f["properties"]["code"] == "30286")
    assert my_xuyen["geometry"]["type"] == "MultiPolygon"  # with Đông Xuyên, merged on 1/1/2025
    assert any("Marc Choisy" in a for a in body["attribution"])
    after = client.get("/api/v1/units/boundaries/", {"as_of": "2025-07-01"}).json()
    assert len(after["features"]) == 102 and any("Thang Le Quoc" in a for a in after["attribution"])


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"as_of": "2025-13-01"}, "as_of", "Ngày '2025-13-01' không hợp lệ"),
        ({"kind": "foo"}, "kind", "Giá trị 'foo' không hợp lệ; chọn một trong: tinh,"),
        ({"level": "ward"}, "level", "Giá trị 'ward' không hợp lệ"),
        ({"parent": "abc"}, "parent", "Không có đơn vị nào mang mã 'abc'."),
        ({"page_size": "abc"}, "page_size", "Số dòng mỗi trang 'abc' không hợp lệ"),
        ({"page_size": "0"}, "page_size", "cần một số nguyên từ 1 đến 1000"),
    ],
)
def test_unit_list_bad_parameters_name_the_parameter(geo_units, client, params, field, message):
    response = client.get("/api/v1/units/", params)
    assert response.status_code == 400
    assert message in response.json()[field][0]


def test_unit_list_bad_page_and_unknown_unit_answer_404_in_vietnamese(geo_units, client):
    for page in ("abc", "0", "-1"):
        response = client.get("/api/v1/units/", {"as_of": "2021-06-30", "page": page})
        assert response.status_code == 400
        assert response.json() == {
            "page": [f"Số trang «{page}» không hợp lệ: cần là số nguyên từ 1 trở lên."]
        }
    response = client.get("/api/v1/units/", {"as_of": "2021-06-30", "page": "999"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Trang 999 không có (chỉ có 2 trang)."}
    for raw in ("999999999", "abc", "1.5"):
        response = client.get(f"/api/v1/units/{raw}/")
        assert response.status_code == 404 and response["Content-Type"] == "application/json"
        assert response.json() == {"detail": f"Không có đơn vị hành chính mang mã định danh '{raw}'."}
    boundaries = client.get("/api/v1/units/boundaries/", {"as_of": "2021-02-30"})
    assert boundaries.status_code == 400 and "2021-02-30" in boundaries.json()["as_of"][0]


def test_left_out_filters_are_the_defaults_and_empty_ones_are_refused(geo_units, client):
    """`as_of`, `kind`, `level` and `parent` left out are the documented defaults (today, every kind and
    level, any parent); sent empty, each is a Vietnamese 400 naming it (on the wire an empty value
    cannot be told from a malformed one, so the schema admits none)."""
    everything = client.get("/api/v1/units/", {"as_of": "2021-06-30"})
    assert everything.status_code == 200 and everything.json()["count"] == 168
    today = client.get("/api/v1/units/")
    assert today.status_code == 200 and today.json()["as_of"] == timezone.localdate().isoformat()
    for name in ("as_of", "kind", "level", "parent", "page", "page_size"):
        refused = client.get(
            "/api/v1/units/", {"as_of": "2021-06-30", name: ""} if name != "as_of" else {name: ""}
        )
        assert refused.status_code == 400 and name in refused.json(), name


def test_unit_list_query_count_does_not_grow_with_the_page(geo_units, client):
    """The list is set-based: the same handful of queries for 10 rows or 1,000 (no query per row)."""
    with CaptureQueriesContext(connection) as small:
        assert client.get("/api/v1/units/", {"as_of": "2021-06-30", "page_size": 10}).status_code == 200
    with CaptureQueriesContext(connection) as large:
        response = client.get("/api/v1/units/", {"as_of": "2021-06-30", "page_size": 1000})
    assert len(response.json()["results"]) == 168
    assert len(large.captured_queries) == len(small.captured_queries) <= 4


def test_unit_detail_query_count_is_bounded(geo_units, client):
    big = Unit.objects.get(code="89")  # the old province: many events and successors
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/units/{big.pk}/")
    assert response.status_code == 200 and response.json()["code"] == "89"
    assert len(queries.captured_queries) <= 6
