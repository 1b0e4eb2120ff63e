"""Issue 12 §4, the last tables without a download: a unit's standards page (its own records, those it
inherits from its predecessors, its history), the public unit page and the public map, a criteria
set's threshold worklist, an inspection's results and recommendations and an inspection team's
members. Each downloads (Excel / CSV / JSON) the page's rows with the page's filter and scope; the
public pages' downloads are public like the pages."""

import csv
import datetime as dt
import io
import json

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook


def _login(client, username):
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    return user


def _json(response) -> dict:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def _sheet(response):
    assert response.status_code == 200, response.content[:300]
    return load_workbook(io.BytesIO(response.content)).active


def _cells(response) -> list:
    return [c.value for row in _sheet(response).iter_rows() for c in row if c.value is not None]


def _csv(response) -> list[dict]:
    assert response.status_code == 200, response.content[:300]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _unit(key):
    from chungsuc.geo.models import Unit

    return Unit.objects.get(key=key)


def _record(key, standard, since, **extra):
    from chungsuc.recognitions.models import RecognitionRecord

    return RecognitionRecord.objects.create(
        unit=_unit(key), standard=standard, year=extra.pop("year", since.year), since=since, **extra
    )


def _iso(d):
    return d.isoformat() if d else None


# ---------------------------------------------------------------------------------- recognitions


@pytest.fixture
def vinh_chanh_records(an_giang):
    """Vĩnh Chánh (Thoại Sơn), merged on 1/7/2025 into Xã Phú Hòa: new-rural since 15/3/2023 (its
    source an address and one of our data files), and an advanced standard held in 2021–2022 only."""
    from chungsuc.recognitions.models import RecognitionRecord

    RecognitionRecord.objects.filter(unit__key__in=["30703", "30685@2025-07-01"]).delete()
    return [
        _record(
            "30703",
            "ntm",
            dt.date(2023, 3, 15),
            decision_text="QĐ thử 1",
            source="https://sonongnghiep.angiang.gov.vn/tin ; data/recognitions/an_giang_ntm_timeseries.yaml",
            origin="import",
        ),
        _record(
            "30703",
            "advanced",
            dt.date(2021, 12, 31),
            since_precision="year",
            until=dt.date(2022, 12, 31),
            decision_text="QĐ thử 0",
            verified=False,
            origin="import",
        ),
    ]


def test_a_units_standards_download_its_own_records_and_its_history(vinh_chanh_records, demo, client):
    from chungsuc.recognitions import selectors

    _login(client, "demo.thoaison")
    unit = _unit("30703")
    url = f"/recognitions/units/{unit.pk}/standards/"
    page = client.get(url, {"on": "01/06/2024"}).content.decode()
    for key in ("standards", "history"):
        assert f'data-testid="export-{key}-xlsx"' in page
    assert "?on=01%2F06%2F2024&amp;table=standards&amp;format=json" in page
    data = _json(client.get(url, {"on": "01/06/2024", "table": "standards", "format": "json"}))
    own = selectors.unit_standards(unit, dt.date(2024, 6, 1))["own"]
    assert [(r["standard"], r["year"], r["since"], r["decision"]) for r in data["rows"]] == [
        (r.get_standard_display(), r.year, r.since.isoformat(), r.decision_text) for r in own
    ]
    assert len(own) == 1 and data["rows"][0]["holder"] == "chính đơn vị"
    assert data["subtitle"] == "Tính đến ngày 01/06/2024"
    # the source by its names, never our data file's path
    assert data["rows"][0]["source"] == (
        "sonongnghiep.angiang.gov.vn; "
        "Số liệu nông thôn mới do tỉnh An Giang công bố qua các năm (tổng hợp từ báo cáo, tin bài)"
    )
    assert ".yaml" not in json.dumps(data, ensure_ascii=False)
    # on a day in 2022 the advanced standard was held, known only by its year
    rows = _csv(client.get(url, {"on": "01/06/2022", "table": "standards", "format": "csv"}))
    assert [(r["standard"], r["since_precision"]) for r in rows] == [
        ("Nông thôn mới nâng cao", "chỉ biết năm")
    ]
    # the history: every record, past and present, as the page's table lists them
    history = _json(client.get(url, {"table": "history", "format": "json"}))
    expected = list(selectors.unit_recognition_history(unit))
    assert [(r["standard"], r["since"], r["until"]) for r in history["rows"]] == [
        (r.get_standard_display(), r.since.isoformat(), _iso(r.until)) for r in expected
    ]
    assert history["rows"][-1]["verified"] == "chưa kiểm chứng"
    sheet = _sheet(client.get(url, {"on": "01/06/2024", "table": "standards", "format": "xlsx"}))
    assert sheet["A1"].value == "Chuẩn nông thôn mới — Xã Vĩnh Chánh (30703)"
    assert sheet["A2"].value == "Tính đến ngày 01/06/2024"
    since = next(c for row in sheet.iter_rows() for c in row if c.value == dt.datetime(2023, 3, 15))
    assert since.number_format == "dd/mm/yyyy"
    # another district's commune: the same 404 for its page and each of its downloads
    cho_moi = _unit("30637")
    for key in ("standards", "history"):
        other = client.get(f"/recognitions/units/{cho_moi.pk}/standards/", {"table": key, "format": "json"})
        assert other.status_code == 404


def test_a_merged_units_standards_download_what_it_inherits(vinh_chanh_records, demo, client):
    from chungsuc.recognitions import selectors

    _login(client, "demo.tinh")
    phu_hoa = _unit("30685@2025-07-01")
    on = dt.date(2025, 8, 1)
    url = f"/recognitions/units/{phu_hoa.pk}/standards/"
    data = _json(client.get(url, {"on": "01/08/2025", "table": "standards", "format": "json"}))
    expected = selectors.unit_standards(phu_hoa, on)
    assert not expected["own"] and expected["inherited"]
    assert [(r["holder"], r["code"], r["standard"], r["via"]) for r in data["rows"]] == [
        ("đơn vị tiền thân", i["predecessor"].code, i["record"].get_standard_display(), i["event"].legal_act)
        for i in expected["inherited"]
    ]
    assert "30703" in [r["code"] for r in data["rows"]]
    assert data["note"] == "Đơn vị hình thành sau sắp xếp: cần tự đánh giá lại theo địa bàn mới."
    # an unknown table is the page itself, never an error
    assert client.get(url, {"table": "x", "format": "json"})["Content-Type"].startswith("text/html")


def test_the_public_unit_page_downloads_its_recognitions(vinh_chanh_records, client):
    from chungsuc.recognitions import selectors

    unit = _unit("30703")
    url = f"/public/units/{unit.pk}/"
    page = client.get(url).content.decode()
    assert 'data-testid="export-history-csv"' in page and 'href="?format=json"' in page
    data = _json(client.get(url, {"format": "json"}))
    expected = list(selectors.unit_recognition_history(unit))
    assert len(expected) == 2
    assert [(r["standard"], r["year"], r["decision"], r["since"]) for r in data["rows"]] == [
        (r.get_standard_display(), r.year, r.decision_text, r.since.isoformat()) for r in expected
    ]
    rows = _csv(client.get(url, {"format": "csv"}))
    assert [r["until"] for r in rows] == [_iso(r.until) or "" for r in expected]
    assert "Các lần công nhận và thu hồi — Xã Vĩnh Chánh (30703)" in _cells(
        client.get(url, {"format": "xlsx"})
    )
    assert client.get("/public/units/999999/", {"format": "json"}).status_code == 404


# ------------------------------------------------------------------------------------- public map


def test_the_public_map_downloads_its_counts_and_its_communes(an_giang, client):
    from chungsuc.portal import maps

    on = dt.date(2024, 6, 30)
    query = {"on": "30/06/2024"}
    page = client.get("/public/map/", query).content.decode()
    for key in ("counts", "communes"):
        assert f'data-testid="export-{key}-xlsx"' in page
    assert "?on=30%2F06%2F2024&amp;table=communes&amp;format=csv" in page
    values = maps.standards_values(on)
    counts = _json(client.get("/public/map/", {**query, "table": "counts", "format": "json"}))
    assert [(r["standard"], r["communes"]) for r in counts["rows"]] == [
        (str(item["label"]), sum(1 for v in values if v["value"] == item["value"]))
        for item in maps.standard_legend()
    ]
    assert counts["totals"]["communes"] == len(values) > 100
    assert counts["subtitle"].startswith("Theo sổ công nhận đến ngày 30/06/2024")
    communes = _csv(client.get("/public/map/", {**query, "table": "communes", "format": "csv"}))
    assert [(r["code"], r["unit"], r["parent"], r["standard"]) for r in communes] == [
        (v["code"], v["name"], v["parent"], str(v["label"])) for v in values
    ]
    assert [r["since"] for r in communes] == [v["since"] or "" for v in values]
    assert any(r["since"] for r in communes)  # some communes were recognised by then
    cells = _cells(client.get("/public/map/", {**query, "table": "counts", "format": "xlsx"}))
    assert "Số xã theo mức đạt chuẩn nông thôn mới" in cells and "Tổng cộng" in cells and len(values) in cells
    # after the merger the map and its download are the merged communes
    merged = _json(client.get("/public/map/", {"on": "01/08/2025", "table": "communes", "format": "json"}))
    assert len(merged["rows"]) == len(maps.standards_values(dt.date(2025, 8, 1))) != len(values)


# -------------------------------------------------------------------------------------- criteria


def test_the_threshold_worklist_downloads_every_gap(an_giang, demo, client):
    from chungsuc.criteria import selectors

    _login(client, "demo.nnptnt")
    url = "/criteria/xa-ntm-2021-ag/worklist/"
    page = client.get(url).content.decode()
    assert 'data-testid="export-worklist-xlsx"' in page and 'href="?format=csv"' in page
    fw = selectors.framework_get("xa-ntm-2021-ag")
    work = selectors.threshold_worklist(fw)
    expected = [
        (g["group"], item["indicator"].code, state)
        for g in work["groups"]
        for state, items in (("còn thiếu", g["missing"]), ("chưa kiểm chứng", g["unverified"]))
        for item in items
    ]
    data = _json(client.get(url, {"format": "json"}))
    assert [(r["group"], r["indicator"], r["state"]) for r in data["rows"]] == expected
    assert len(expected) == work["missing"] + work["unverified"] > 0
    demo_rows = [r for r in data["rows"] if r["demo"]]
    assert len(demo_rows) == work["demo"]
    assert all(r["threshold"] for r in data["rows"] if r["state"] == "chưa kiểm chứng")
    assert f"Phiên bản {fw.version}: {work['missing']} ngưỡng còn thiếu" in data["subtitle"]
    rows = _csv(client.get(url, {"format": "csv"}))
    assert len(rows) == len(expected) and rows[0]["indicator_name"]
    assert f"Ngưỡng cần bổ sung — {fw.name}" in _cells(client.get(url, {"format": "xlsx"}))


# ------------------------------------------------------------------------------------- movements


@pytest.fixture
def inspection(demo):
    """An inspection of Chợ Mới in Plan 861's 2024 plan, with two results and two recommendations,
    one of them followed up."""
    from chungsuc.movements import services
    from chungsuc.movements.models import Movement

    tinh = get_user_model().objects.get(username="demo.tinh")
    inspector = get_user_model().objects.get(username="demo.kiemtra")
    movement = Movement.objects.get(code="kh-861-2022")
    insp = services.inspection_plan(
        actor=tinh,
        movement=movement,
        year=2024,
        team_name="Đoàn kiểm tra số 1",
        leader="Trưởng đoàn thử",
        unit=_unit("893"),
        members=[inspector],
        planned_on=dt.date(2024, 10, 15),
    )
    services.findings_save(
        actor=inspector,
        inspection=insp,
        results={"K1": ("met", ""), "K2": ("not_met", "Báo cáo 2023 nộp trễ")},
        inspected_on=dt.date(2024, 10, 16),
    )
    services.recommendation_add(
        actor=inspector, inspection=insp, text="Nộp báo cáo đúng hạn", due_date=dt.date(2024, 11, 30)
    )
    done = services.recommendation_add(
        actor=inspector, inspection=insp, text="Bổ sung hồ sơ", due_date=dt.date(2024, 11, 15)
    )
    services.recommendation_follow_up(
        actor=tinh, recommendation=done, done_on=dt.date(2024, 11, 10), follow_up="Đã bổ sung"
    )
    insp.refresh_from_db()
    return insp


@pytest.mark.usefixtures("acting_in_2024")
def test_an_inspection_downloads_its_results_and_recommendations(inspection, client, user_factory):
    from django.utils import timezone

    _login(client, "demo.tinh")
    url = f"/movements/inspections/{inspection.pk}/"
    page = client.get(url).content.decode()
    for key in ("findings", "recommendations"):
        assert f'data-testid="export-{key}-xlsx"' in page
    assert 'href="?table=findings&amp;format=json"' in page
    findings = _json(client.get(url, {"table": "findings", "format": "json"}))
    checklist = list(inspection.movement.checklist.all())
    recorded = {f.item.code: f for f in inspection.findings.all()}
    assert [(r["code"], r["item"], r["result"], r["note"]) for r in findings["rows"]] == [
        (
            i.code,
            i.text,
            recorded[i.code].get_result_display() if i.code in recorded else None,
            recorded[i.code].note if i.code in recorded else None,
        )
        for i in checklist
    ]
    assert findings["rows"][0]["section"] == "VI.2" and len(recorded) == 2
    assert "kiểm tra ngày 16/10/2024" in findings["subtitle"]
    today = timezone.localdate()
    recs = _csv(client.get(url, {"table": "recommendations", "format": "csv"}))
    expected = list(inspection.recommendations.all())
    assert [(r["text"], r["due_date"], r["done_on"]) for r in recs] == [
        (x.text, x.due_date.isoformat(), _iso(x.done_on) or "") for x in expected
    ]
    labels = {"done": "đã khắc phục", "overdue": "quá hạn", "open": "đang thực hiện"}
    assert [r["status"] for r in recs] == [labels[x.status(today)] for x in expected]
    sheet = _sheet(client.get(url, {"table": "recommendations", "format": "xlsx"}))
    assert sheet["A1"].value == "Kiến nghị và theo dõi khắc phục — Đoàn kiểm tra số 1, Huyện Chợ Mới (2024)"
    due = next(c for row in sheet.iter_rows() for c in row if c.value == dt.datetime(2024, 11, 15))
    assert due.number_format == "dd/mm/yyyy"
    # someone who cannot read the movement: the same 404 for the page and its downloads
    client.force_login(user_factory(username="nguoi.ngoai"))
    for key in ("findings", "recommendations"):
        assert client.get(url, {"table": key, "format": "json"}).status_code == 404


@pytest.mark.usefixtures("acting_in_2024")
def test_an_inspection_team_downloads_its_members(demo, client, user_factory):
    from chungsuc.accounts.models import Organisation
    from chungsuc.movements import services
    from chungsuc.movements.models import Movement

    tinh = _login(client, "demo.tinh")
    inspector = get_user_model().objects.get(username="demo.kiemtra")
    movement = Movement.objects.get(code="kh-861-2022")
    team = services.inspection_team_create(
        actor=tinh,
        movement=movement,
        year=2024,
        name="Đoàn kiểm tra số 2",
        decision_reference="12/QĐ-SNV",
        decision_date=dt.date(2024, 10, 1),
        decision_signer="Lê Văn Ký",
    )
    body = Organisation.objects.filter(active=True).order_by("name").first()
    services.inspection_team_member_add(
        actor=tinh,
        team=team,
        full_name="Nguyễn Văn An",
        position="Phó Giám đốc",
        role="leader",
        organisation=body,
    )
    services.inspection_team_member_add(actor=tinh, team=team, user=inspector, position="Chuyên viên")
    url = f"/movements/inspection-teams/{team.pk}/"
    page = client.get(url).content.decode()
    assert 'data-testid="export-members-xlsx"' in page and 'href="?format=csv"' in page
    data = _json(client.get(url, {"format": "json"}))
    members = list(team.members.select_related("organisation"))
    assert [(r["full_name"], r["role"], r["position"], r["organisation"]) for r in data["rows"]] == [
        (m.full_name, m.get_role_display(), m.position, m.organisation.name if m.organisation_id else "")
        for m in members
    ]
    assert [r["account"] for r in data["rows"]] == ["", "có (ghi kết quả kiểm tra)"]
    assert data["subtitle"].endswith("thành lập theo quyết định 12/QĐ-SNV ngày 01/10/2024")
    cells = _cells(client.get(url, {"format": "xlsx"}))
    assert "Thành viên Đoàn kiểm tra số 2 năm 2024" in cells and "Nguyễn Văn An" in cells
    # a POST never downloads: the form's answer stays the page (422 for a second leader)
    refused = client.post(f"{url}?format=json", {"full_name": "Người thứ hai", "role": "leader"})
    assert refused.status_code == 422 and refused["Content-Type"].startswith("text/html")
    client.force_login(user_factory(username="nguoi.ngoai"))
    assert client.get(url, {"format": "json"}).status_code == 404
