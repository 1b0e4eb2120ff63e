"""Every list of the movement downloads as Excel (for officials) and CSV / JSON (for machines) with
what the page shows: pilot units, roadmaps, clusters and a cluster's ranking, exemplary models,
inspections. The content is asserted from a fixture."""

from __future__ import annotations

import datetime as dt
import io
import json

from openpyxl import load_workbook

from chungsuc.movements.tests.conftest import client_for, unit


def _sheet(resp):
    assert resp.status_code == 200, resp.status_code
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(resp.content)).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r[0] and r[1] and i > 0)
    body = []
    for r in rows[header + 1 :]:
        if not any(v is not None for v in r):
            break  # the note follows a blank row
        body.append(r)
    return rows[0][0], rows[header], body


def test_pilots_and_roadmaps_export_what_the_page_lists(plan861, register_fixture):
    from chungsuc.movements import services
    from chungsuc.movements.models import PilotUnit
    from chungsuc.movements.selectors import pilots_data

    tinh = client_for("demo.tinh")
    data = pilots_data(plan861, on=dt.date(2024, 12, 31))
    title, header, rows = _sheet(
        tinh.get(f"/movements/{plan861.pk}/pilots/", {"on": "31/12/2024", "format": "xlsx"})
    )
    assert title == "Đơn vị điểm" and header[0] == "Đơn vị" and header[3] == "Đạt chuẩn (sổ công nhận)"
    assert len(rows) == len(data["items"]) == PilotUnit.objects.filter(movement=plan861).count()
    assert [r[0] for r in rows] == [i["name"] for i in data["items"]]
    reached = next(i for i in data["items"] if i["reached"])
    row = next(r for r in rows if r[0] == reached["name"])
    assert row[3].date() == reached["reached"]  # a real date cell, shown dd/mm/yyyy
    page = tinh.get(f"/movements/{plan861.pk}/pilots/", {"on": "31/12/2024"}).content.decode()
    assert 'data-testid="export-pilots-xlsx"' in page and "on=31/12/2024&amp;format=xlsx" in page

    vinh_chanh, nhon_my = unit("30703"), unit("30658")
    from django.contrib.auth import get_user_model

    actor = get_user_model().objects.get(username="demo.tinh")
    services.roadmap_set(actor=actor, movement=plan861, unit=vinh_chanh, standard="ntm", year=2023, note="")
    services.roadmap_set(
        actor=actor, movement=plan861, unit=nhon_my, standard="advanced", year=2022, note="x"
    )
    resp = tinh.get(f"/movements/{plan861.pk}/roadmaps/", {"on": "31/12/2024", "format": "csv"})
    lines = resp.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "unit,standard,year,status,note"
    assert sorted(lines[1:]) == sorted(
        [
            f"{nhon_my.name},Nông thôn mới nâng cao,2022,chậm so với lộ trình,x",
            f"{vinh_chanh.name},Nông thôn mới,2023,đã được công nhận,",
        ]
    )


def test_models_clusters_and_inspections_export_with_their_figures(plan861, outsider):
    from django.contrib.auth import get_user_model

    from chungsuc.movements.models import (
        ChecklistItem,
        Cluster,
        ClusterMember,
        ExemplaryModel,
        Finding,
        Inspection,
        ModelReplication,
        Recommendation,
    )

    tinh = client_for("demo.tinh")
    vinh_chanh, cho_moi = unit("30703"), unit("893")
    model = ExemplaryModel.objects.create(
        movement=plan861,
        title="Tuyến đường hoa",
        who="Ấp Hòa Long",
        unit=vinh_chanh,
        description="Góp 1,2 km",
        media_links="https://baoangiang.com.vn/a\nhttps://baoangiang.com.vn/b",
        state="published",
        published_at=dt.datetime(2024, 5, 2, 3, 0, tzinfo=dt.UTC),
    )
    ModelReplication.objects.create(model=model, unit=unit("30658"), year=2024)
    ModelReplication.objects.create(model=model, unit=unit("30706"), year=2025)
    title, header, rows = _sheet(tinh.get(f"/movements/{plan861.pk}/models/", {"format": "xlsx"}))
    assert title == "Mô hình, điển hình"
    assert rows[0][:4] == ["Tuyến đường hoa", "Mô hình, cách làm hay", "Ấp Hòa Long", vinh_chanh.name]
    assert rows[0][5] == "Đã công bố" and rows[0][6].date() == dt.date(2024, 5, 2) and rows[0][7] == 2
    assert rows[1][0] == "Tổng cộng" and rows[1][7] == 2

    cluster = Cluster.objects.create(movement=plan861, name="Cụm thi đua số 1")
    parts = list(plan861.participants.all()[:3])
    for p in parts:
        ClusterMember.objects.create(cluster=cluster, participant=p, year=2024)
    ClusterMember.objects.create(cluster=cluster, participant=parts[0], year=2023)
    data = json.loads(tinh.get(f"/movements/{plan861.pk}/clusters/", {"format": "json"}).content)
    assert data["rows"] == [
        {"cluster": "Cụm thi đua số 1", "kind": "Cụm thi đua", "members": "2023: 1; 2024: 3"}
    ]
    ranking = json.loads(
        tinh.get(f"/movements/clusters/{cluster.pk}/", {"year": "2024", "format": "json"}).content
    )
    assert [r["member"] for r in ranking["rows"]] and len(ranking["rows"]) == 3

    inspector = get_user_model().objects.get(username="demo.kiemtra")
    insp = Inspection.objects.create(
        movement=plan861,
        year=2024,
        team_name="Đoàn kiểm tra số 1",
        leader="Trưởng đoàn thử",
        unit=cho_moi,
        planned_on=dt.date(2024, 10, 15),
        inspected_on=dt.date(2024, 10, 16),
        state="inspected",
    )
    insp.members.add(inspector)
    items = list(ChecklistItem.objects.filter(movement=plan861)[:3])
    for item, result in zip(items, ["met", "not_met", "partly"], strict=True):
        Finding.objects.create(inspection=insp, item=item, result=result, note="ghi")
    Recommendation.objects.create(inspection=insp, text="a", due_date=dt.date(2024, 12, 31))
    Recommendation.objects.create(
        inspection=insp, text="b", due_date=dt.date(2024, 12, 31), done_on=dt.date(2024, 12, 1)
    )
    Recommendation.objects.create(inspection=insp, text="c", due_date=dt.date(2099, 1, 1))
    title, header, rows = _sheet(tinh.get(f"/movements/{plan861.pk}/inspections/", {"format": "xlsx"}))
    assert title == "Kiểm tra" and header[7] == "Nội dung chưa đạt (nội dung)"
    assert rows[0][:4] == [2024, "Đoàn kiểm tra số 1", "Trưởng đoàn thử", cho_moi.name]
    assert rows[0][4].date() == dt.date(2024, 10, 15) and rows[0][6] == "Đã kiểm tra"
    assert rows[0][7:11] == [2, 3, 1, 1]  # not met or partly; recommendations; open; overdue
    # an outsider gets the same 404 as for the page
    assert outsider.get(f"/movements/{plan861.pk}/inspections/", {"format": "csv"}).status_code == 404
    assert outsider.get(f"/movements/{plan861.pk}/models/", {"format": "xlsx"}).status_code == 404


def test_the_movement_list_and_the_commune_groups_export_and_answer_in_the_api(plan861):
    from django.contrib.auth import get_user_model

    from chungsuc.movements import demo as movement_demo
    from chungsuc.movements import services
    from chungsuc.movements.models import Movement

    movement_demo.load()
    tinh = client_for("demo.tinh")
    title, header, rows = _sheet(tinh.get("/movements/", {"format": "xlsx"}))
    assert title == "Phong trào thi đua" and header[:3] == ["Phong trào", "Tỉnh", "Văn bản"]
    listed = {r[0] for r in rows}
    assert str(plan861) in listed and len(rows) == Movement.objects.count()
    # the DEMO 2026–2030 movement's communes with their groups: page, export and API agree
    m = Movement.objects.get(code=movement_demo.DEMO_CODE)
    data = json.loads(tinh.get(f"/movements/{m.pk}/groups/", {"format": "json"}).content)
    assert len(data["rows"]) > 90  # the merged province's communes and special zones (no wards)
    api = tinh.get(f"/api/v1/movements/{m.pk}/groups/").json()
    assert [u["name"] for u in api["units"]] == [r["unit"] for r in data["rows"]]
    admin = get_user_model().objects.get(username="demo.tinh")
    first = api["units"][0]
    from chungsuc.geo.models import Unit

    services.unit_group_set(
        actor=admin, movement=m, unit=Unit.objects.get(pk=first["unit"]), group=3, basis="Thử"
    )
    again = tinh.get(f"/api/v1/movements/{m.pk}/groups/").json()["units"][0]
    assert again["group"] == 3
    row = json.loads(tinh.get(f"/movements/{m.pk}/groups/", {"format": "json"}).content)["rows"][0]
    assert row["group"] == 3
    # the inspection teams through the API
    teams = tinh.get(f"/api/v1/movements/{m.pk}/inspection-teams/").json()
    assert teams[0]["name"] == "Đoàn kiểm tra số 1 (DEMO)" and teams[0]["decision"] is None
    assert [x["role"] for x in teams[0]["members"]] == ["leader", "member"]


def test_the_reporting_summary_gives_the_consolidations_figures_for_every_year(plan861):
    """The charts read many years at once through `reporting_summary`; its figures are the
    consolidation's, year by year (owed, included, late among them, resources by source)."""
    from chungsuc.movements import demo as movement_demo
    from chungsuc.movements.selectors import consolidation, reporting_summary

    movement_demo.load()  # DEMO annual reports of 2024 with resources
    years = list(range(2021, 2026))
    summary = {s["year"]: s for s in reporting_summary(plan861, years=years)}
    assert sorted(summary) == years
    seen_money = False
    for year in years:
        c = consolidation(plan861, year=year)
        s = summary[year]
        assert (s["owed"], s["included"]) == (c["owed"], c["included"])
        assert s["late"] == sum(1 for p in c["by_participant"] if p["late"])
        assert s["by_source"] == c["by_source"]
        seen_money |= any(x["amount"] for x in s["by_source"])
    assert seen_money  # the fixture has resources, so the sums were really compared
