"""Issue 12 §4, continued: the criteria set's comparison and trial evaluation, the unit tree and a
unit's tables, and the officials' home counters download beside the page (Excel / CSV / JSON), with
the page's rows, filters and scope."""

import csv
import datetime as dt
import io
import json
import re

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


def _cells(response) -> list:
    assert response.status_code == 200, response.content[:300]
    wb = load_workbook(io.BytesIO(response.content))
    return [c.value for row in wb.active.iter_rows() for c in row if c.value is not None]


def _csv(response) -> list[dict]:
    assert response.status_code == 200, response.content[:300]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


# ------------------------------------------------------------------------------------- criteria


def test_the_compare_page_downloads_its_changes(an_giang, demo, client):
    from chungsuc.criteria import selectors, services
    from chungsuc.criteria.models import ThresholdRule
    from chungsuc.criteria.specs import spec_diff

    office = _login(client, "demo.nnptnt")
    v1 = selectors.framework_get("xa-ntm-2021")
    rule = ThresholdRule.objects.filter(framework=v1, indicator__code="3.1").first()
    before = rule.value
    services.threshold_update(actor=office, rule=rule, value=before + 5, reason="Đối chiếu QĐ 318")
    v2 = selectors.framework_get("xa-ntm-2021")
    assert v2.version == v1.version + 1
    query = {"a": v1.version, "b": v2.version}
    page = client.get("/criteria/xa-ntm-2021/compare/", query).content.decode()
    assert f'href="?a={v1.version}&amp;b={v2.version}&amp;format=xlsx"' in page
    data = _json(client.get("/criteria/xa-ntm-2021/compare/", {**query, "format": "json"}))
    changes = spec_diff(selectors.spec_of(v1), selectors.spec_of(v2))
    assert len(data["rows"]) == len(changes) > 0
    row = next(r for r in data["rows"] if r["code"] == "3.1 (ngưỡng 1)" and r["field"] == "Ngưỡng")
    assert (row["what"], row["change"]) == ("Ngưỡng", "sửa")
    assert (row["before"], row["after"]) == (f"{before:g}", f"{before + 5:g}")
    labels = [c["label"] for c in data["columns"]][-2:]
    assert labels == [f"Phiên bản {v1.version}", f"Phiên bản {v2.version}"]
    cells = _cells(client.get("/criteria/xa-ntm-2021/compare/", {**query, "format": "xlsx"}))
    assert "So sánh phiên bản xa-ntm-2021" in cells
    assert any(isinstance(c, str) and "Đối chiếu QĐ 318" in c for c in cells)  # the reason of v2
    # the same version on both sides: the page says so and the download has no row
    same = {"a": v2.version, "b": v2.version, "format": "csv"}
    assert _csv(client.get("/criteria/xa-ntm-2021/compare/", same)) == []


def test_the_evaluate_result_downloads_as_the_page_shows_it(an_giang, demo, client):
    from chungsuc.criteria import selectors

    _login(client, "demo.vinhchanh")
    url = "/criteria/xa-ntm-2021-ag/evaluate/"
    form = {"year": "2025", "region": "dong_bang_song_cuu_long", "kind": "xa", "v:3.1": "79,9", "v:1.1": "1"}
    page = client.post(url, form).content.decode()
    assert 'data-testid="export-evaluation-xlsx"' in page and 'formaction="?format=xlsx"' in page
    assert 'form="evaluate-form"' in page and 'id="evaluate-form"' in page
    # before anything is evaluated there is no result, so nothing to download: the page itself
    empty = client.get(url, {"format": "json"})
    assert empty["Content-Type"].startswith("text/html") and 'data-testid="export-evaluation' not in (
        empty.content.decode()
    )
    data = _json(client.post(f"{url}?format=json", form))
    expected = selectors.evaluation_for(
        framework="xa-ntm-2021-ag",
        year=2025,
        values={"3.1": 79.9, "1.1": True},
        region="dong_bang_song_cuu_long",
        kind="xa",
    )
    assert len(data["rows"]) == sum(len(c["indicators"]) for c in expected["criteria"])
    rows = {r["indicator"]: r for r in data["rows"]}
    assert rows["3.1"]["value"] == 79.9 and rows["3.1"]["result"] == "chưa đạt"
    assert rows["3.1"]["requirement"].startswith("≥ 80")
    assert rows["1.1"]["value"] == "Đạt" and rows["1.1"]["result"] == "đạt"
    without_value = [i["code"] for c in expected["criteria"] for i in c["indicators"] if i["value"] is None]
    assert [r["indicator"] for r in data["rows"] if r["value"] is None] == without_value
    verdict = "Đạt chuẩn" if expected["standard_met"] else "Chưa đạt chuẩn"
    assert f"{verdict} — {expected['criteria_met']}/{expected['criteria_total']} tiêu chí" in data["subtitle"]
    assert data["note"] == expected["explanation"]
    cells = _cells(client.post(f"{url}?format=xlsx", form))
    assert any(isinstance(c, str) and c.startswith("Đánh giá thử") for c in cells) and 79.9 in cells


# ------------------------------------------------------------------------------------------- geo


def _page_codes(response) -> list[str]:
    return re.findall(r'data-testid="unit-row" data-unit-code="(\d+)"', response.content.decode())


def test_the_unit_tree_downloads_every_unit_of_the_day_and_the_search(an_giang, demo, client):
    _login(client, "demo.tinh")
    query = {"as_of": "30/06/2023"}
    page = client.get("/units/", query)
    assert 'data-testid="export-units-csv"' in page.content.decode()
    data = _json(client.get("/units/", {**query, "format": "json"}))
    assert [r["code"] for r in data["rows"]] == _page_codes(page)
    assert len(data["rows"]) == page.context["total"] > 100
    row = next(r for r in data["rows"] if r["code"] == "30703")
    assert (row["name"], row["kind"], row["parent_code"], row["depth"]) == ("Xã Vĩnh Chánh", "Xã", "894", 2)
    assert data["subtitle"].startswith(f"Ngày 30/06/2023: {page.context['total']} đơn vị")
    # the search: the matches and their ancestors, as the page lists them
    found = {"as_of": "30/06/2023", "q": "vinh chanh"}
    rows = _csv(client.get("/units/", {**found, "format": "csv"}))
    assert [r["code"] for r in rows] == _page_codes(client.get("/units/", found)) == ["89", "894", "30703"]
    assert [r["matched"] for r in rows][-1] == "có"
    # the HTMX partial carries the download with the filter it shows
    partial = client.get("/units/", found, HTTP_HX_REQUEST="true").content.decode()
    assert "?as_of=30%2F06%2F2023&amp;q=vinh+chanh&amp;format=xlsx" in partial
    cells = _cells(client.get("/units/", {**query, "format": "xlsx"}))
    assert "Đơn vị hành chính" in cells and "Xã Vĩnh Chánh" in cells


def test_the_unit_tree_download_is_the_officers_scope(an_giang, demo, client):
    _login(client, "demo.thoaison")
    data = _json(client.get("/units/", {"as_of": "30/06/2023", "format": "json"}))
    codes = [r["code"] for r in data["rows"]]
    assert codes == _page_codes(client.get("/units/", {"as_of": "30/06/2023"}))
    assert codes[0] == "894" and len(codes) == 18  # Thoại Sơn and its 17 communes
    assert "30637" not in codes and "89" not in codes  # Chợ Mới's commune, the province
    _login(client, "demo.vinhchanh")
    rows = _csv(client.get("/units/", {"as_of": "30/06/2023", "format": "csv"}))
    assert [r["code"] for r in rows] == ["30703"]


def test_a_units_tables_download_and_an_outsider_gets_404(an_giang, demo, client):
    from chungsuc.geo import selectors

    day = dt.date(2024, 6, 30)
    district = selectors.unit_by_code("894", day)
    _login(client, "demo.thoaison")
    url = f"/units/{district.pk}/"
    page = client.get(url, {"as_of": "30/06/2024"}).content.decode()
    for key in ("versions", "events", "lineage", "children"):
        assert f'data-testid="export-{key}-xlsx"' in page
    assert "?as_of=30%2F06%2F2024&amp;table=children&amp;format=json" in page
    children = _json(client.get(url, {"as_of": "30/06/2024", "table": "children", "format": "json"}))
    expected = [v.code for v in selectors.children_on(district, day)]
    assert [r["code"] for r in children["rows"]] == expected and len(expected) == 17
    assert children["subtitle"] == "Ngày 30/06/2024: 17 đơn vị"
    history = selectors.unit_history(district)
    versions = _json(client.get(url, {"table": "versions", "format": "json"}))["rows"]
    assert [(r["valid_from"], r["name"]) for r in versions] == [
        (v.valid_from.isoformat() if v.valid_from else None, v.name) for v in history.versions
    ]
    events = _csv(client.get(url, {"table": "events", "format": "csv"}))
    assert [r["date"] for r in events] == [e.date.isoformat() for e in history.events]
    # a commune merged on 1/7/2025: its successors with their approximate shares
    commune = selectors.unit_by_code("30703", day)
    lineage = _json(client.get(f"/units/{commune.pk}/", {"table": "lineage", "format": "json"}))["rows"]
    links = selectors.unit_history(commune).successors
    successors = [r["code"] for r in lineage if r["direction"] == "Kế thừa"]
    assert successors == [link.successor.code for link in links]
    assert links and all(r["date"] == "2025-07-01" for r in lineage)
    cells = _cells(client.get(url, {"as_of": "30/06/2024", "table": "children", "format": "xlsx"}))
    assert "Đơn vị trực thuộc — Huyện Thoại Sơn (894)" in cells
    # an unknown table is the page itself, never an error
    assert client.get(url, {"table": "x", "format": "json"})["Content-Type"].startswith("text/html")
    # another district's unit: the same 404 for its page and for each of its downloads
    other = selectors.unit_by_code("893", day)  # Huyện Chợ Mới
    for key in ("children", "versions"):
        assert client.get(f"/units/{other.pk}/", {"table": key, "format": "json"}).status_code == 404


@pytest.mark.usefixtures("acting_in_2024")
def test_a_units_children_download_is_scoped_like_the_page(an_giang, demo, client):
    from chungsuc.geo import selectors

    day = dt.date(2024, 6, 30)
    province = selectors.unit_by_code("89", day)
    _login(client, "demo.tinh")
    query = {"as_of": "30/06/2024", "table": "children", "format": "json"}
    rows = _json(client.get(f"/units/{province.pk}/", query))
    assert [r["code"] for r in rows["rows"]] == [v.code for v in selectors.children_on(province, day)]
    assert "894" in [r["code"] for r in rows["rows"]]
    _login(client, "demo.thoaison")  # the province is not the district officer's
    assert client.get(f"/units/{province.pk}/", {"table": "children", "format": "json"}).status_code == 404


# ------------------------------------------------------------------------------------- dashboard


def _counters(data) -> dict[tuple[str, str], int]:
    return {(r["section"], r["item"]): r["count"] for r in data["rows"]}


def test_the_home_counters_download_with_the_users_scope(an_giang, demo, client):
    from chungsuc.accounts.selectors import visible_units
    from chungsuc.assessments import demo as assessment_demo
    from chungsuc.assessments.selectors import assessments_for
    from chungsuc.recognitions.models import RecognitionRecord

    assessment_demo.load()
    results = {}
    for username in ("demo.thoaison", "demo.tinh"):
        user = _login(client, username)
        page = client.get("/dashboard/")
        assert 'data-testid="export-overview-xlsx"' in page.content.decode()
        on = page.context["on"]
        data = _json(client.get("/dashboard/", {"format": "json"}))
        counters = _counters(data)
        scope = "Phạm vi phụ trách"
        units = visible_units(user)
        all_units = "Đơn vị hành chính (mọi thời điểm trong thời hạn phụ trách)"
        assert counters[(scope, all_units)] == units.count()
        assert counters[(scope, "trong đó đơn vị cấp xã")] == units.filter(level="commune").count()
        register = RecognitionRecord.objects.as_of(on).filter(unit_id__in=units.values("pk"))
        recognised = f"Đạt chuẩn đến ngày {on:%d/%m/%Y}"
        for r in page.context["recognised"]:
            assert counters[(recognised, str(r["label"]))] == register.filter(standard=r["code"]).count()
        assert counters[("Hồ sơ tự đánh giá theo trạng thái", "Cộng")] == assessments_for(user).count() > 0
        assert data["subtitle"].startswith(f"Tính đến ngày {on:%d/%m/%Y}")
        results[username] = counters
    ntm = (f"Đạt chuẩn đến ngày {on:%d/%m/%Y}", "Nông thôn mới")
    # the district's figures are its own, not the province's
    assert results["demo.thoaison"][ntm] < results["demo.tinh"][ntm]
    cells = _cells(client.get("/dashboard/", {"format": "xlsx"}))
    assert "Tổng quan" in cells and "Số lượng" in cells and "Đơn vị tính" in cells
