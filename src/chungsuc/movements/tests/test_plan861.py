"""Plan 861 as built-in data, its progress against the register (a fixture of our own), the reported
counts beside it, and the pages."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from chungsuc.movements import builtin, selectors
from chungsuc.movements.models import Movement, Obligation, Section, Target
from chungsuc.movements.tests.conftest import client_for

ON = dt.date(2026, 12, 1)


def test_plan_861_is_built_in_with_its_act_sections_and_the_four_targets_of_section_ii(plan861):
    m = plan861
    assert (m.act_reference, m.act_date, m.issuing_body) == (
        "861/KH-UBND",
        dt.date(2022, 12, 19),
        "Ủy ban nhân dân tỉnh An Giang",
    )
    assert (m.period_start, m.period_end, m.province.code, m.signer_name) == (
        2021,
        2025,
        "89",
        "Trần Anh Thư",
    )
    assert (m.legal_act.reference, m.legal_act.issued_on, m.legal_act.signer_name) == (
        "861/KH-UBND",
        dt.date(2022, 12, 19),
        "Trần Anh Thư",
    )
    assert [b.number for b in m.legal_bases.all()] == [
        "263/QĐ-TTg",
        "587/QĐ-TTg",
        "1850/QĐ-UBND",
        "2872/QĐ-UBND",
    ]
    targets = {
        t.code: (t.level, t.standards, {y.year: y.count for y in t.years.all()}, t.section.number)
        for t in Target.objects.filter(version__movement=m)
    }
    assert targets == {
        "2.1": ("commune", ["ntm"], {2021: 8, 2022: 6, 2023: 8, 2024: 5, 2025: 6}, "II.2.1"),
        "2.2": ("commune", ["advanced"], {2021: 6, 2022: 3, 2023: 8, 2024: 3, 2025: 3}, "II.2.2"),
        "2.3": ("district", ["ntm", "task_completed"], {2024: 1, 2025: 2}, "II.2.3"),
        "2.4": ("district", ["advanced"], {2023: 1}, "II.2.4"),
    }
    # the paragraph's text is kept and names what the target says
    s = Section.objects.get(movement=m, number="II.2.1")
    assert "thêm 33 xã nông thôn mới" in s.text and "Năm 2025 phấn đấu có thêm 06" in s.text
    assert Section.objects.get(movement=m, number="VII.5").responsibilities.get().participants.count() == 20
    # obligations with due dates, each tied to its paragraph; districts owe nothing after 30/6/2025
    so_tttt = m.participants.get(organisation__code="so-tttt")
    owed = {(o.kind, o.year): (o.due_date, o.section.number) for o in so_tttt.obligations.all()}
    assert owed[("plan", 2022)] == (dt.date(2022, 12, 31), "VI.2")
    assert owed[("midterm_review", 2023)] == (dt.date(2023, 12, 31), "VI.3")
    assert owed[("final_review", 2025)] == (dt.date(2025, 12, 31), "VI.3")
    assert sorted(y for k, y in owed if k == "annual_report") == [2022, 2023, 2024, 2025]
    cho_moi = m.participants.get(organisation__code="ubnd-893")
    assert cho_moi.unit.code == "893"
    assert not cho_moi.obligations.filter(year=2025).exists()
    assert so_tttt.unit.code == "89"


def test_loading_again_changes_nothing(plan861):
    from chungsuc.core.models import AuditEntry

    before = (
        Obligation.objects.count(),
        Target.objects.count(),
        Section.objects.count(),
        plan861.reported_counts.count(),
        AuditEntry.objects.filter(action__startswith="movement").count(),
    )
    builtin.load()
    builtin.load()
    after = (
        Obligation.objects.count(),
        Target.objects.count(),
        Section.objects.count(),
        plan861.reported_counts.count(),
        AuditEntry.objects.filter(action__startswith="movement").count(),
    )
    assert before == after
    assert Movement.objects.filter(code="kh-861-2022").count() == 1


def test_progress_from_the_register_by_year_of_decision_with_an_old_commune_merged_in_2025(
    plan861, register_fixture
):
    data = selectors.progress_data(plan861, on=ON)
    t = {x["code"]: x for x in data["targets"]}
    assert [(r["year"], r["target"], r["actual"]) for r in t["2.1"]["rows"]] == [
        (2021, 8, 0),
        (2022, 6, 0),
        (2023, 8, 2),  # Vĩnh Chánh and Nhơn Mỹ ("năm 2022", decided 2023)
        (2024, 5, 0),
        (2025, 6, 0),  # the merged Phú Hòa is not a unit of old An Giang: not counted
    ]
    assert [r["cumulative_actual"] for r in t["2.1"]["rows"]] == [0, 0, 2, 2, 2]
    units_2023 = {u["name"]: u["district"] for u in t["2.1"]["rows"][2]["units"]}
    assert units_2023 == {"Xã Vĩnh Chánh": "Huyện Thoại Sơn", "Xã Nhơn Mỹ": "Huyện Chợ Mới"}
    assert {d["district"]: d["total"] for d in t["2.1"]["by_district"]} == {
        "Huyện Thoại Sơn": 1,
        "Huyện Chợ Mới": 1,
    }
    assert [r["actual"] for r in t["2.2"]["rows"]] == [1, 0, 0, 0, 0]
    assert t["2.2"]["rows"][0]["units"][0]["verified"] is False
    assert [r["actual"] for r in t["2.4"]["rows"]] == [0, 0, 0, 1, 0]  # QĐ 750 was signed in 2024
    assert (t["2.1"]["total_target"], t["2.1"]["total_actual"]) == (33, 2)
    assert (t["2.3"]["total_target"], t["2.3"]["total_actual"]) == (3, 0)


def test_the_charts_counts_are_the_progress_pages_counts(plan861, register_fixture):
    """`target_counts` (the charts' lighter read: no names, no districts) counts what `progress_data`
    counts, target by target and year by year — the district target, the record decided the year after
    its "năm 2022" and the merged commune left out included."""
    full = selectors.progress_data(plan861, on=ON)
    light = selectors.target_counts(plan861, on=ON)
    assert light["years"] == full["years"]

    def counts(data):
        return {
            t["code"]: (t["level"], [(r["year"], r["target"], r["actual"]) for r in t["rows"]])
            for t in data["targets"]
        }

    assert counts(light) == counts(full)
    assert counts(light)["2.1"][1][2] == (2023, 8, 2) and counts(light)["2.4"][0] == "district"
    assert sum(r[2] for t in counts(light).values() for r in t[1]) == 4


def test_reported_counts_sit_beside_the_register_with_its_coverage(plan861, register_fixture):
    rows = {(r["as_of"], r["level"], r["standard"], r["basis"]): r for r in selectors.reported_data(plan861)}
    ntm_2024 = rows[(dt.date(2024, 3, 28), "commune", "ntm", "recognised")]
    assert ntm_2024["count"] == 71 and ntm_2024["denominator"] == 110
    assert ntm_2024["source"].startswith("https://sonongnghiep.angiang.gov.vn")
    # the register holds Vĩnh Chánh, Nhơn Mỹ, Vĩnh Trạch (2020) and Định Mỹ (advanced) at that date
    assert ntm_2024["in_register"] == 4
    assert ntm_2024["coverage"] == pytest.approx(100 * 4 / 71)
    assert rows[(dt.date(2024, 3, 28), "commune", "ntm", "meeting")]["comparable"] is False
    merged = rows[(dt.date(2025, 11, 30), "commune", "ntm", "reported")]
    assert (
        merged["count"] == 69
        and merged["denominator"] == 85
        and merged["after_merger"]
        and merged["coverage"] is None
    )
    assert rows[(dt.date(2024, 3, 28), "district", "ntm", "reported")]["count"] == 3


def test_progress_page_shows_targets_actuals_reported_counts_and_coverage(plan861, register_fixture):
    c = client_for("demo.tinh")
    r = c.get(f"/movements/{plan861.pk}/progress/", {"on": "01/12/2026"})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="actual-2.1-2023">2<' in html
    assert 'data-testid="total-2.1">2/33<' in html
    assert "Xã Vĩnh Chánh" in html and "Huyện Thoại Sơn" in html
    assert "71/110" in html and "5,6 %" in html  # 4 of 71, Vietnamese decimal comma
    assert "tỉnh mới sau sáp nhập, không so sánh" in html
    assert "kh-861-2022" not in html and "task_completed" not in html  # no internal codes shown
    # the Excel export carries the same numbers
    x = c.get(f"/movements/{plan861.pk}/progress.xlsx", {"on": "01/12/2026"})
    assert x.status_code == 200
    ws = load_workbook(io.BytesIO(x.content))["Tiến độ"]
    rows = [tuple(row) for row in ws.iter_rows(min_row=2, values_only=True)]
    assert ("2.1 Xã đạt chuẩn nông thôn mới (thêm)", "II.2.1", 2023, 8, 2, -6, 22, 2) in rows


def test_plan_pages_for_officials_and_404_for_an_outsider(plan861, outsider):
    officer = client_for("demo.chomoi")  # a district officer of old An Giang
    for path in ["", "progress/", "forecast/", "obligations/", "groups/"]:
        assert officer.get(f"/movements/{plan861.pk}/{path}").status_code == 200, path
        assert outsider.get(f"/movements/{plan861.pk}/{path}").status_code == 404, path
    detail = officer.get(f"/movements/{plan861.pk}/").content.decode()
    assert "263/QĐ-TTg" in detail and "II.2.1" in detail and "Chỉ tiêu 2.1" in detail
    # consolidation is for Sở Nội vụ and the council, not a district officer
    assert officer.get(f"/movements/{plan861.pk}/consolidation/").status_code == 404
    assert client_for("demo.tinh").get(f"/movements/{plan861.pk}/consolidation/").status_code == 200
    # the forecast of an ended plan says so
    fc = officer.get(f"/movements/{plan861.pk}/forecast/", {"on": "01/12/2026"}).content.decode()
    assert 'data-testid="forecast-ended"' in fc

    def listed(c):
        html = c.get("/movements/").content.decode()
        table = html[html.index('data-testid="movement-list"') :]
        return f"/movements/{plan861.pk}/" in table

    assert listed(officer) and not listed(outsider)
