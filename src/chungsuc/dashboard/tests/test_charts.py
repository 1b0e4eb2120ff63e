"""The charts page: figures from the register and the stored evaluations, scoped, as of any date,
with drill-down and exports whose content is asserted."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.urls import reverse

from chungsuc.dashboard import charts
from chungsuc.recognitions.models import RecognitionRecord


@pytest.fixture
def users(demo):
    from django.contrib.auth import get_user_model

    return {u.username: u for u in get_user_model().objects.filter(username__startswith="demo.")}


def _expected_ntm(on: dt.date, district_code: str | None = None) -> int:
    from chungsuc.geo.models import UnitVersion
    from chungsuc.geo.selectors import valid_on

    communes = UnitVersion.objects.filter(valid_on(on), level="commune")
    if district_code:
        communes = communes.filter(parent__versions__code=district_code)
    return (
        RecognitionRecord.objects.as_of(on)
        .filter(unit_id__in=communes.values("unit_id"), standard="ntm")
        .count()
    )


def test_province_charts_count_the_register_by_year_end(client, users):
    client.force_login(users["demo.tinh"])
    resp = client.get(reverse("dashboard:charts"), {"on": "31/12/2024"})
    assert resp.status_code == 200
    body = resp.content.decode()
    tables = {c["table"].key: c["table"] for c in resp.context["cards"]}
    rec = {r["year"]: r for r in tables["recognitions"].rows}
    assert sorted(rec) == [2021, 2022, 2023, 2024]
    for year in rec:
        assert rec[year]["ntm"] == _expected_ntm(dt.date(year, 12, 31))
    assert rec[2024]["ntm"] > 0
    assert resp.context["ctx"].version.code == "89"  # the old province on 31/12/2024
    # the chart's data goes through json_script, never an inline script
    assert 'id="chart-data-recognitions" type="application/json"' in body
    assert "<script>" not in body.replace("<script src=", "")
    # text alternative states the same figure
    assert f"có {rec[2024]['ntm']} xã đạt chuẩn nông thôn mới" in body
    # drill-down: one row per district, and the totals add up to the province
    units = tables["units"]
    assert len(units.rows) == 11
    assert sum(r["ntm"] for r in units.rows) == _expected_ntm(dt.date(2024, 12, 31))


def test_after_the_merger_the_province_is_the_new_one_with_communes_directly(client, users):
    client.force_login(users["demo.tinh"])
    resp = client.get(reverse("dashboard:charts"), {"on": "2025-08-01"})
    ctx = resp.context["ctx"]
    assert ctx.version.code == "91" and len(ctx.communes) == 102
    units = {c["table"].key: c["table"] for c in resp.context["cards"]}["units"]
    assert len(units.rows) == 102  # no district level any more


def test_drill_down_to_a_district_and_out_of_scope_is_404(client, users):
    from chungsuc.geo.selectors import unit_by_code

    thoai_son = unit_by_code("894", dt.date(2024, 12, 31))
    cho_moi = unit_by_code("893", dt.date(2024, 12, 31))
    client.force_login(users["demo.thoaison"])
    resp = client.get(reverse("dashboard:charts"), {"on": "31/12/2024"})
    assert resp.context["ctx"].root.pk == thoai_son.pk  # the district officer starts at the district
    rec = {c["table"].key: c["table"] for c in resp.context["cards"]}["recognitions"].rows
    assert rec[-1]["ntm"] == _expected_ntm(dt.date(2024, 12, 31), "894")
    assert (
        client.get(reverse("dashboard:charts"), {"on": "31/12/2024", "unit": cho_moi.pk}).status_code == 404
    )
    assert client.get(reverse("dashboard:charts"), {"unit": "abc"}).status_code == 404


def test_a_bad_date_is_named_and_today_is_shown(client, users):
    client.force_login(users["demo.tinh"])
    resp = client.get(reverse("dashboard:charts"), {"on": "31/13/2024"})
    assert resp.status_code == 200
    assert "Ngày «31/13/2024» không hợp lệ" in resp.content.decode()


def test_bands_and_criteria_rates_from_the_stored_evaluation(client, users):
    from chungsuc.assessments import demo as assessment_demo
    from chungsuc.assessments.evaluation import evaluate_one
    from chungsuc.assessments.models import Assessment

    assessment_demo.load()
    a = Assessment.objects.get(unit__code="30703", year=2024, is_demo=True)
    result = evaluate_one(a, store=True)
    client.force_login(users["demo.tinh"])
    resp = client.get(reverse("dashboard:charts"), {"on": "31/12/2024"})
    tables = {c["table"].key: c["table"] for c in resp.context["cards"]}
    bands = {r["band"]: r["communes"] for r in tables["bands"].rows}
    assert sum(bands.values()) == 1
    crit = {r["code"]: r for r in tables["criteria"].rows}
    met = [c.code for c in result.criteria if c.met]
    assert met and all(crit[c]["met"] == 1 and crit[c]["rate"] == 100 for c in met)


def test_a_commune_evaluated_twice_counts_once_by_its_latest_result(client, users):
    """The charts and the map read each assessment's latest result only (an anti-join on the newer
    results): a later evaluation replaces the earlier one, it is never counted beside it."""
    from chungsuc.assessments import demo as assessment_demo
    from chungsuc.assessments.evaluation import evaluate_one
    from chungsuc.assessments.models import Assessment, EvaluationResult

    assessment_demo.load()
    a = Assessment.objects.get(unit__code="30703", year=2024, is_demo=True)
    first = evaluate_one(a, store=True)
    assert first.criteria_met < first.criteria_total
    earlier = EvaluationResult.objects.filter(assessment=a).latest("id")
    later = EvaluationResult.objects.create(
        assessment=a,
        framework_code=earlier.framework_code,
        framework_version=earlier.framework_version,
        values_hash=earlier.values_hash,
        standard_met=True,
        criteria_met=earlier.criteria_total,
        criteria_total=earlier.criteria_total,
        criteria=dict.fromkeys(earlier.criteria, "met"),
    )
    client.force_login(users["demo.tinh"])
    resp = client.get(reverse("dashboard:charts"), {"on": "31/12/2024"})
    tables = {c["table"].key: c["table"] for c in resp.context["cards"]}
    bands = {r["band"]: r["communes"] for r in tables["bands"].rows}
    assert bands == {label: (1 if key == "full" else 0) for key, label in charts.BANDS}
    rows = tables["criteria"].rows
    assert len(rows) == len(earlier.criteria) and all(r["evaluated"] == r["met"] == 1 for r in rows)
    map_page = client.get(reverse("dashboard:map"), {"on": "31/12/2024", "colour": "criteria"})
    shown = {v["id"]: v["value"] for v in map_page.context["payload"]["values"]}
    assert shown[a.unit_id] == later.criteria_met > first.criteria_met


def test_regressions_name_their_failing_criteria_on_the_page_and_in_the_export(client, users, monkeypatch):
    """Recognised communes whose latest result fails, as the regression watch lists them; the page
    names the failing criteria of the rows it shows, the export those of every row."""
    from chungsuc.assessments import demo as assessment_demo
    from chungsuc.assessments.evaluation import evaluate_one
    from chungsuc.assessments.models import Assessment
    from chungsuc.dashboard import views_charts
    from chungsuc.recognitions import selectors as recognition_selectors

    assessment_demo.load()
    failing = []
    for a in Assessment.objects.filter(year=2024, is_demo=True, framework__standard="ntm").select_related(
        "unit"
    ):
        if not evaluate_one(a, store=True).standard_met:
            RecognitionRecord.objects.create(
                unit=a.unit,
                standard="ntm",
                year=2022,
                since=dt.date(2022, 12, 1),
                source="thử",
                origin="import",
            )
            failing.append(a)
    assert failing
    # a second commune (Tân An) whose latest result fails on other criteria
    from chungsuc.assessments.models import EvaluationResult
    from chungsuc.geo.models import Unit

    tan_an = Unit.objects.get(code="30388", valid_to__lt=dt.date(2025, 7, 1))  # the old commune
    other = Assessment.objects.create(unit=tan_an, year=2024, framework=failing[0].framework)
    first = EvaluationResult.objects.filter(assessment=failing[0]).latest("id")
    codes = list(first.criteria)
    EvaluationResult.objects.create(
        assessment=other,
        framework_code=first.framework_code,
        framework_version=first.framework_version,
        values_hash="",
        standard_met=False,
        criteria_met=len(codes) - 2,
        criteria_total=len(codes),
        criteria={c: ("not_met" if c in codes[-2:] else "met") for c in codes},
    )
    RecognitionRecord.objects.create(
        unit=tan_an, standard="ntm", year=2022, since=dt.date(2022, 12, 1), source="thử", origin="import"
    )
    failing.append(other)
    on = dt.date(2024, 12, 31)
    watch = recognition_selectors.regression_watch(users["demo.tinh"], on)
    expected = {(w["unit"].name, ", ".join(c for c, _name in w["failing"])) for w in watch}
    assert len(expected) == len(failing) and ("Xã Tân An", ", ".join(codes[-2:])) in expected

    monkeypatch.setattr(views_charts, "PAGE_ROWS", 1)
    client.force_login(users["demo.tinh"])
    resp = client.get(reverse("dashboard:charts"), {"on": "31/12/2024"})
    card = next(c for c in resp.context["cards"] if c["table"].key == "regressions")
    assert len(card["table"].rows) == len(failing) and len(card["cells"]) == 1
    shown = card["table"].rows[0]  # by code: Tân An (30388) before Vĩnh Chánh (30703)
    assert (shown["unit"], shown["failing"]) == ("Xã Tân An", ", ".join(codes[-2:]))
    assert shown["failing"] in resp.content.decode()
    exported = client.get(
        reverse("dashboard:chart-export", args=["regressions", "json"]),
        {"on": "2024-12-31", "unit": resp.context["ctx"].root.pk},
    )
    rows = json.loads(exported.content)["rows"]
    assert {(r["unit"], r["failing"]) for r in rows} == expected


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_exports_hold_what_the_table_shows(client, users, fmt):
    client.force_login(users["demo.tinh"])
    url = reverse("dashboard:chart-export", args=["units", fmt])
    resp = client.get(url, {"on": "2024-12-31"})
    assert resp.status_code == 200
    expected = _expected_ntm(dt.date(2024, 12, 31))
    if fmt == "xlsx":
        import openpyxl

        ws = openpyxl.load_workbook(io.BytesIO(resp.content)).active
        rows = list(ws.iter_rows(values_only=True))
        assert rows[0][0] == "Theo đơn vị trực thuộc"
        assert "31/12/2024" in rows[1][0]
        header = rows[3]
        assert header[2] == "Đạt chuẩn nông thôn mới (xã)"
        total = rows[-1]
        assert total[0] == "Tổng cộng" and total[2] == expected
        assert len(rows) == 4 + 11 + 1
    elif fmt == "csv":
        text = resp.content.decode("utf-8-sig")
        lines = text.strip().splitlines()
        assert lines[0].split(",")[:3] == ["unit", "communes", "ntm"]
        assert len(lines) == 12
        assert sum(int(line.split(",")[2]) for line in lines[1:]) == expected
    else:
        data = json.loads(resp.content)
        assert data["totals"]["ntm"] == expected and len(data["rows"]) == 11
    assert "attachment" in resp["Content-Disposition"]


def test_officials_map_by_criteria_met_and_by_standard(client, users):
    from chungsuc.assessments import demo as assessment_demo
    from chungsuc.assessments.evaluation import evaluate_one
    from chungsuc.assessments.models import Assessment

    assessment_demo.load()
    a = Assessment.objects.get(unit__code="30703", year=2024, is_demo=True)
    result = evaluate_one(a, store=True)
    client.force_login(users["demo.thoaison"])
    resp = client.get(reverse("dashboard:map"), {"on": "31/12/2024", "colour": "criteria"})
    assert resp.status_code == 200
    values = {v["id"]: v for v in resp.context["values"]}
    # only Thoại Sơn's communes (the officer's scope), the demo commune with its criteria met
    assert a.unit_id in values and values[a.unit_id]["value"] == result.criteria_met
    assert values[a.unit_id]["label"] == f"{result.criteria_met}/{result.criteria_total} tiêu chí"
    assert len(values) == len(resp.context["ctx"].communes) < 30
    body = resp.content.decode()
    assert "Chưa có kết quả đánh giá" in body and "vietnam63" in body
    by_standard = client.get(reverse("dashboard:map"), {"on": "31/12/2024"}).context["values"]
    assert {v["value"] for v in by_standard} <= {0, 1, 2, 3}


def test_a_communes_page_shows_its_gaps_and_its_place_among_peers(client, users):
    from chungsuc.assessments import demo as assessment_demo
    from chungsuc.assessments.evaluation import evaluate_one
    from chungsuc.assessments.models import Assessment

    assessment_demo.load()
    a = Assessment.objects.get(unit__code="30703", year=2024, is_demo=True)
    result = evaluate_one(a, store=True)
    client.force_login(users["demo.thoaison"])
    resp = client.get(reverse("dashboard:charts"), {"on": "31/12/2024", "unit": a.unit_id})
    assert resp.status_code == 200
    tables = {c["table"].key: c["table"] for c in resp.context["cards"]}
    assert "units" not in tables
    gaps = tables["gaps"].rows
    assert len(gaps) == result.criteria_total
    assert sum(1 for g in gaps if g["status"] == "Đạt") == result.criteria_met
    peers = tables["peers"].rows
    assert (
        peers[0]["unit_id"] == a.unit_id and peers[0]["rank"] == 1 and peers[0]["met"] == result.criteria_met
    )
    assert len(peers) > 5  # the other communes of Thoại Sơn, without results yet
    export = client.get(
        reverse("dashboard:chart-export", args=["gaps", "csv"]), {"unit": a.unit_id, "on": "2024-12-31"}
    )
    assert export.status_code == 200 and export.content.decode("utf-8-sig").count("\n") == len(gaps) + 1


def test_province_charts_show_participants_reporting_and_resources(client, users):
    from chungsuc.movements.models import Movement
    from chungsuc.movements.selectors import consolidation

    plan = Movement.objects.get(code="kh-861-2022")
    client.force_login(users["demo.tinh"])
    resp = client.get(reverse("dashboard:charts"), {"on": "31/12/2024"})
    tables = {c["table"].key: c["table"] for c in resp.context["cards"]}
    reporting = {r["year"]: r for r in tables["reporting"].rows}
    assert sorted(reporting) == [2021, 2022, 2023, 2024]
    for year, row in reporting.items():
        c = consolidation(plan, year=year)
        assert row["owed"] == c["owed"] and row["included"] == c["included"]
    assert {c.key for c in tables["resources"].columns} >= {"year", "state_budget", "community", "total"}
    body = resp.content.decode()
    owed = sum(r["owed"] for r in reporting.values())
    assert f"/{owed} báo cáo đã nộp" in body


def test_province_charts_put_the_plans_yearly_targets_beside_what_was_achieved(client, users):
    from chungsuc.movements.models import Movement
    from chungsuc.movements.selectors import progress_data

    plan = Movement.objects.get(code="kh-861-2022")
    client.force_login(users["demo.tinh"])
    resp = client.get(reverse("dashboard:charts"), {"on": "30/06/2024"})
    cards = {c["table"].key: c for c in resp.context["cards"]}
    table = cards["targets"]["table"]
    rows = {r["year"]: r for r in table.rows}
    assert sorted(rows) == [2021, 2022, 2023, 2024, 2025]
    # Plan 861 section II, exactly
    assert [rows[y]["t2.1"] for y in range(2021, 2026)] == [8, 6, 8, 5, 6]
    assert [rows[y]["t2.2"] for y in range(2021, 2026)] == [6, 3, 8, 3, 3]
    assert rows[2024]["t2.3"] == 1 and rows[2023]["t2.4"] == 1
    progress = progress_data(plan, on=dt.date(2024, 6, 30))
    achieved = {t["code"]: {r["year"]: r["actual"] for r in t["rows"]} for t in progress["targets"]}
    for year in (2021, 2022, 2023, 2024):
        assert rows[year]["a2.1"] == achieved["2.1"][year]
        assert rows[year]["a2.2"] == achieved["2.2"][year]
    assert rows[2025]["a2.1"] is None  # after the as-of date: a target, no achievement yet
    assert table.totals()["t2.1"] == 33
    # the chart draws the targets as lines beside the achieved bars
    option = cards["targets"]["option"]
    kinds = {s["name"]: s["type"] for s in option["series"]}
    assert kinds[table.columns[1].label] == "line" and kinds[table.columns[2].label] == "bar"
    first_four = sum(achieved["2.1"][y] for y in (2021, 2022, 2023, 2024))
    assert f"chỉ tiêu 2.1: đạt {first_four} trên kế hoạch 27" in resp.content.decode()
    export = client.get(
        reverse("dashboard:chart-export", args=["targets", "csv"]), {"on": "2024-06-30"}
    ).content.decode("utf-8-sig")
    assert export.splitlines()[0].startswith("year,t2.1,a2.1")


def test_a_long_table_shows_its_first_rows_and_says_the_export_holds_them_all(client, users, monkeypatch):
    from chungsuc.dashboard import views_charts

    monkeypatch.setattr(views_charts, "PAGE_ROWS", 4)
    client.force_login(users["demo.tinh"])
    resp = client.get(reverse("dashboard:charts"), {"on": "31/12/2024"})
    card = next(c for c in resp.context["cards"] if c["table"].key == "units")
    assert len(card["table"].rows) == 11 and len(card["cells"]) == 4
    assert card["rows_note"] == "Bảng hiển thị 4 trên 11 dòng; tải Excel, CSV hoặc JSON để xem đủ."
    assert 'data-testid="rows-note-units"' in resp.content.decode()
    # the totals row still adds up every district, not the four shown
    assert card["total_cells"][1][0] == str(sum(r["communes"] for r in card["table"].rows))
    exported = client.get(
        reverse("dashboard:chart-export", args=["units", "json"]),
        {"on": "2024-12-31", "unit": resp.context["ctx"].root.pk},
    )
    assert len(json.loads(exported.content)["rows"]) == 11


def test_the_map_list_is_bounded_and_its_export_holds_every_commune(client, users, monkeypatch):
    from chungsuc.dashboard import maps
    from chungsuc.geo.mapdata import boundaries_for

    monkeypatch.setattr(maps, "LIST_ROWS", 3)
    client.force_login(users["demo.tinh"])
    resp = client.get(reverse("dashboard:map"), {"on": "2025-08-01"})
    ctx = resp.context["ctx"]
    assert len(resp.context["values"]) == 3 and resp.context["values_total"] == len(ctx.communes) == 102
    body = resp.content.decode()
    assert "Danh sách hiển thị 3 trên 102 đơn vị" in body
    # the script gets only what it can draw: communes with a boundary that day, id, value and label
    drawn = boundaries_for(dt.date(2025, 8, 1)).unit_ids
    payload = resp.context["payload"]
    assert {v["id"] for v in payload["values"]} == set(ctx.communes) & set(drawn)
    assert all(set(v) == {"id", "value", "label"} for v in payload["values"])
    for fmt in ("csv", "json", "xlsx"):
        exported = client.get(
            reverse("dashboard:map-export", args=[fmt]), {"on": "2025-08-01", "unit": ctx.root.pk}
        )
        assert exported.status_code == 200, fmt
    rows = json.loads(
        client.get(reverse("dashboard:map-export", args=["json"]), {"on": "2025-08-01"}).content
    )["rows"]
    assert len(rows) == 102 and {r["label"] for r in rows} <= {
        "Chưa được công nhận",
        "Nông thôn mới",
        "Nông thôn mới nâng cao",
        "Nông thôn mới kiểu mẫu",
    }
    assert client.get(reverse("dashboard:map-export", args=["pdf"])).status_code == 404
