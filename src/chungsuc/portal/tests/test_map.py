"""The public map: boundaries of the tree valid on the date (old province / merged), simplified and
compressed; values from the register; attribution shown; a list where a boundary is missing."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import pytest
from django.urls import reverse

from chungsuc.geo import mapdata


def test_douglas_peucker_drops_collinear_points_and_keeps_corners():
    line = [(0, 0), (1, 0.00001), (2, 0), (2, 1), (2.00001, 2), (2, 3)]
    assert mapdata.douglas_peucker(line, 0.001) == [(0, 0), (2, 0), (2, 3)]
    square = {"type": "Polygon", "coordinates": [[[0, 0], [0.5, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    out = mapdata.simplify_geometry(square, tolerance=0.01)
    assert out["coordinates"][0] == [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    assert mapdata.simplify_geometry({"type": "Point", "coordinates": [0, 0]}) is None


@pytest.mark.parametrize(("on", "province"), [("2024-12-31", "89"), ("2025-08-01", "91")])
def test_boundaries_follow_the_tree_of_the_date_compressed(client, an_giang, on, province):
    from chungsuc.geo.models import UnitVersion
    from chungsuc.geo.selectors import valid_on

    day = dt.date.fromisoformat(on)
    communes = dict(UnitVersion.objects.filter(valid_on(day), level="commune").values_list("unit_id", "code"))
    resp = client.get(reverse("portal:map-boundaries"), {"on": on}, HTTP_ACCEPT_ENCODING="gzip")
    assert resp.status_code == 200 and resp["Content-Encoding"] == "gzip"
    data = json.loads(gzip.decompress(resp.content))
    codes = {f["properties"]["code"] for f in data["features"]}
    # every feature is a commune of that day's tree, and (the shipped files cover An Giang) all of them
    assert codes == set(communes.values())
    assert len(codes) == (102 if province == "91" else len(communes)) and len(codes) > 100
    built = mapdata.boundaries_for(dt.date.fromisoformat(on))
    assert len(resp.content) == len(built.gzipped) < len(built.body) < built.raw_bytes
    print(
        f"map boundaries {on}: raw {built.raw_bytes} B, simplified {len(built.body)} B, "
        f"gzip {len(built.gzipped)} B"
    )
    # plain clients get the same JSON uncompressed; a repeat with the ETag is 304
    plain = client.get(reverse("portal:map-boundaries"), {"on": on})
    assert "Content-Encoding" not in plain and json.loads(plain.content) == data
    again = client.get(reverse("portal:map-boundaries"), {"on": on}, HTTP_IF_NONE_MATCH=resp["ETag"])
    assert again.status_code == 304


def test_bad_date_on_the_boundaries_is_a_400_in_vietnamese(client, an_giang):
    resp = client.get(reverse("portal:map-boundaries"), {"on": "hôm qua"})
    assert resp.status_code == 400 and "không hợp lệ" in resp.content.decode()


def test_public_map_page_colours_by_the_register_with_attribution(client, an_giang):
    from chungsuc.recognitions.selectors import highest_standards

    resp = client.get(reverse("portal:map"), {"on": "31/12/2024"})
    assert resp.status_code == 200
    body = resp.content.decode()
    payload = resp.context["payload"]
    best = highest_standards(dt.date(2024, 12, 31))
    by_id = {v["id"]: v for v in payload["values"]}
    recognised = [v for v in payload["values"] if v["value"] > 0]
    assert recognised and all(v["id"] in best for v in recognised)
    assert not any(v["value"] == 0 and v["id"] in best for v in payload["values"])
    # the licence notice of the boundaries drawn that day (the old province: vietnam63)
    assert by_id and "vietnam63" in body and "Marc Choisy" in body
    after = client.get(reverse("portal:map"), {"on": "01/08/2025"}).content.decode()
    assert "Thang Le Quoc" in after
    assert 'id="map-payload" type="application/json"' in body
    assert "Ranh giới đã đơn giản hóa" in body


def test_public_unit_page_lists_its_recognitions(client, an_giang):
    from chungsuc.recognitions.models import RecognitionRecord

    rec = RecognitionRecord.objects.select_related("unit").first()
    resp = client.get(reverse("portal:unit", args=[rec.unit_id]))
    assert resp.status_code == 200
    assert rec.unit.name in resp.content.decode()
    assert client.get(reverse("portal:unit", args=[10**9])).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_open_data_register_downloads_match_the_register(client, an_giang, fmt):
    import io

    from chungsuc.recognitions.selectors import register_as_of

    expected = list(register_as_of(dt.date(2024, 12, 31)))
    resp = client.get(reverse("portal:open-data-file", args=["register", fmt]), {"on": "2024-12-31"})
    assert resp.status_code == 200 and "chungsuc-register-2024-12-31" in resp["Content-Disposition"]
    if fmt == "csv":
        import csv

        rows = list(csv.DictReader(io.StringIO(resp.content.decode("utf-8-sig"))))
        assert len(rows) == len(expected)
        assert {r["unit_code"] for r in rows} == {rec.unit.code for rec in expected}
        assert all(len(r["since"]) == 10 and r["since"][4] == "-" for r in rows)  # ISO dates for machines
    elif fmt == "json":
        data = json.loads(resp.content)
        assert len(data["rows"]) == len(expected) and data["columns"][0]["key"] == "unit_code"
        assert "CC BY 4.0" in data["note"]
    else:
        import openpyxl

        ws = openpyxl.load_workbook(io.BytesIO(resp.content)).active
        header = [c.value for c in ws[4]]
        assert header[1] == "Tên đơn vị"
        since = ws.cell(row=5, column=8)
        assert since.number_format == "dd/mm/yyyy" and since.value.year >= 2016


def test_open_data_page_has_a_dictionary_and_a_licence(client, an_giang):
    body = client.get(reverse("portal:open-data")).content.decode()
    assert "Từ điển dữ liệu" in body and "CC BY 4.0" in body and "unit_code" in body
    assert client.get(reverse("portal:open-data-file", args=["nothing", "csv"])).status_code == 404
    assert (
        client.get(reverse("portal:open-data-file", args=["register", "csv"]), {"on": "x"}).status_code == 400
    )


def test_public_progress_shows_the_plans_targets_against_the_register(client, an_giang):
    from chungsuc.movements.models import Movement
    from chungsuc.movements.selectors import progress_data

    plan = Movement.objects.get(code="kh-861-2022")
    figures = progress_data(plan)
    resp = client.get(reverse("portal:progress"))
    assert resp.status_code == 200
    from django.utils.html import escape

    body = resp.content.decode()
    assert escape(str(plan)) in body
    for t in figures["targets"]:
        assert escape(t["name"]) in body
        assert f"Đã thực hiện {t['total_actual']} trên {t['total_target']} theo kế hoạch." in body
    assert client.get(reverse("portal:progress-movement", args=[10**9])).status_code == 404
