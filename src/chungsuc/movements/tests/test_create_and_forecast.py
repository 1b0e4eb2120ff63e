"""A movement created from the interface with its own targets; its progress and forecast pages, the
forecast from a fixture of evaluations."""

import datetime as dt

import pytest

from chungsuc.core.models import AuditEntry
from chungsuc.geo.selectors import unit_by_code
from chungsuc.movements import selectors, services
from chungsuc.movements.models import Movement, Roadmap
from chungsuc.movements.tests.conftest import client_for, record

ON = dt.date(2026, 12, 1)


def form_data(**extra):
    province = unit_by_code("91", ON)
    data = {
        "name": "Kế hoạch phong trào thi đua giai đoạn 2026 - 2030 (thử)",
        "short_name": "Phong trào 2026–2030 (thử)",
        "province": str(province.pk),
        "issuing_body": "Ủy ban nhân dân tỉnh An Giang",
        "act_number": "15",
        "act_symbol": "KH-UBND",
        "act_date": "15/03/2026",
        "period_start": "2026",
        "period_end": "2030",
        "status": "in_force",
        "legal_bases": "Quyết định số 51/2025/QĐ-TTg\nNghị quyết số 257/2025/QH15",
        "t1_code": "1",
        "t1_name": "Xã đạt chuẩn nông thôn mới (thêm)",
        "t1_level": "commune",
        "t1_standard": "ntm",
        "t1_counts": "3, 4, 4, 3, 2",
    }
    data.update(extra)
    return data


def test_a_movement_with_its_own_targets_is_created_from_the_interface(demo):
    c = client_for("demo.tinh")
    assert c.get("/movements/new/").status_code == 200
    r = c.post("/movements/new/", form_data())
    m = Movement.objects.get(short_name="Phong trào 2026–2030 (thử)")
    assert r.status_code == 302 and r["Location"] == f"/movements/{m.pk}/progress/"
    assert (m.act_reference, m.act_date, m.period_start, m.period_end) == (
        "15/KH-UBND",
        dt.date(2026, 3, 15),
        2026,
        2030,
    )
    assert [b.text for b in m.legal_bases.all()] == [
        "Quyết định số 51/2025/QĐ-TTg",
        "Nghị quyết số 257/2025/QH15",
    ]
    t = m.versions.get(number=1).targets.get()
    assert {y.year: y.count for y in t.years.all()} == {2026: 3, 2027: 4, 2028: 4, 2029: 3, 2030: 2}
    # the plan is a legal act (Nghị định 30/2020), linked to the movement it decides
    assert m.legal_act.reference == "15/KH-UBND" and m.legal_act.kind == "ke_hoach"
    assert m.legal_act.links.get().target == m
    audit = AuditEntry.objects.get(action="movement.create", target_id=str(m.pk))
    assert audit.actor.username == "demo.tinh" and audit.changes["targets"] == [None, {"1": 16}]
    page = c.get(f"/movements/{m.pk}/progress/", {"on": "01/12/2026"})
    assert page.status_code == 200 and 'data-testid="total-1">0/16<' in page.content.decode()


@pytest.mark.parametrize(
    "extra, where, message",
    [
        ({"name": ""}, "name", "Cần nhập tên kế hoạch"),
        ({"period_end": "2025"}, "period_end", "«Đến năm» phải không sớm hơn «từ năm»"),
        ({"t1_counts": "3, 4"}, "target-error-1", "Chỉ tiêu 1: cần 5 số"),
        ({"t1_counts": "3, 4, x, 3, 2"}, "target-error-1", "năm 2028: «x» không phải số"),
        ({"t1_code": "", "t1_name": "", "t1_counts": ""}, "target-error-1", "Cần ít nhất một chỉ tiêu"),
        ({"act_date": "31/02/2026"}, "act_date", "Ngày «31/02/2026» không hợp lệ"),
        ({"period_start": "hai nghìn"}, "period_start", "Từ năm"),
        ({"act_symbol": "QĐ-UBND"}, "act_symbol", "phải bắt đầu bằng «KH-»"),
        ({"act_number": "15a"}, "act_number", "phải là số"),
        ({"act_date": ""}, "act_date", "Cần nhập ngày ban hành"),
    ],
)
def test_bad_input_is_refused_with_a_vietnamese_message_where_the_user_acted(demo, extra, where, message):
    from chungsuc.core.models import LegalAct

    before = (Movement.objects.count(), LegalAct.objects.count())
    r = client_for("demo.tinh").post("/movements/new/", form_data(**extra))
    assert r.status_code == 400
    html = r.content.decode()
    assert message in html
    testid = where if where.startswith("target-error") else f"error-{where}"
    assert f'data-testid="{testid}"' in html
    assert (Movement.objects.count(), LegalAct.objects.count()) == before


def test_only_a_province_administrator_creates_a_movement(demo, outsider):
    assert client_for("demo.so").get("/movements/new/").status_code == 403
    assert client_for("demo.chomoi").post("/movements/new/", form_data()).status_code == 403
    assert outsider.post("/movements/new/", form_data()).status_code == 403
    assert not Movement.objects.filter(short_name="Phong trào 2026–2030 (thử)").exists()


@pytest.fixture
def movement_2026(demo):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(username="demo.tinh")
    return services.movement_create(
        actor=admin,
        name="Phong trào thử 2026–2030",
        province=unit_by_code("91", ON),
        issuing_body="UBND tỉnh An Giang",
        period_start=2026,
        period_end=2030,
        targets=[
            {
                "code": "1",
                "name": "Xã NTM",
                "level": "commune",
                "standards": ["ntm"],
                "by_year": {2026: 4, 2027: 2},
            }
        ],
    )


@pytest.fixture
def evaluations(an_giang):
    """Latest evaluations of merged communes against a new-rural framework: one meets every criterion,
    one lacks criteria 10 and 17, one lacks five; an older evaluation of the second one lacked more."""
    from chungsuc.assessments.models import Assessment, EvaluationResult
    from chungsuc.criteria.models import Framework

    fw = Framework.objects.create(
        code="xa-thu-2026",
        version=1,
        name="Bộ thử 2026",
        level="commune",
        standard="ntm",
        period_start=2026,
        period_end=2030,
        kinds=["xa"],
    )

    def evaluate(key, year, failing):
        from chungsuc.geo.models import Unit

        a = Assessment.objects.create(unit=Unit.objects.get(key=key), year=year, framework=fw)
        criteria = {str(c): ("not_met" if str(c) in failing else "met") for c in range(1, 11)}
        criteria.update(dict.fromkeys(failing, "not_met"))
        EvaluationResult.objects.create(
            assessment=a, framework_code=fw.code, framework_version="1", values_hash="x", criteria=criteria
        )

    evaluate("30685@2025-07-01", 2026, [])  # Phú Hòa
    evaluate("30292@2025-07-01", 2025, ["2", "5", "7", "10", "17"])  # Bình Đức, older
    evaluate("30292@2025-07-01", 2026, ["10", "17"])
    return fw


def test_forecast_lists_who_can_reach_the_standard_next_year_with_gaps_and_the_shortfall(
    movement_2026, evaluations
):
    record("30307@2025-07-01", "ntm", dt.date(2026, 5, 1))  # recognised this year already
    fc = selectors.forecast_data(movement_2026, on=ON)
    assert fc["remaining"] == [2026, 2027, 2028, 2029, 2030]
    year = fc["targets"][0]["years"][0]
    names = {u["name"]: u["gaps_text"] for u in year["units"]}
    assert names["Xã Phú Hòa"] == "đạt tất cả tiêu chí"
    assert names["Phường Bình Đức"] == "thiếu tiêu chí 10 và 17"  # from its latest evaluation
    assert year["counts"]["ready"] == 1 and year["counts"]["close"] == 1
    achieved = year["achieved"]
    assert achieved == 1
    assert year["expected"] == achieved + 2
    assert year["shortfall"] == max(0, 4 - (achieved + 2))
    assert year["at_risk"] == (achieved + 2 < 4)
    # a roadmap for 2027 moves Bình Đức out of 2026 and into 2027's planned count
    from chungsuc.geo.models import Unit

    Roadmap.objects.create(
        movement=movement_2026, unit=Unit.objects.get(key="30292@2025-07-01"), standard="ntm", year=2027
    )
    fc = selectors.forecast_data(movement_2026, on=ON)
    y26, y27 = fc["targets"][0]["years"][:2]
    assert y26["expected"] == achieved + 1 and y26["counts"]["later"] == 1
    assert y27["planned"] == 1 and y27["from_roadmap_only"] and y27["shortfall"] == 1
    # through the page
    page = (
        client_for("demo.tinh")
        .get(f"/movements/{movement_2026.pk}/forecast/", {"on": "01/12/2026"})
        .content.decode()
    )
    assert "thiếu tiêu chí 10 và 17" in page and "Xã Phú Hòa" in page
    assert f'data-testid="shortfall-1-2026">{max(0, 4 - (achieved + 1))}<' in page
    assert "có nguy cơ không đạt" in page
    # the lists in full as CSV / Excel / JSON
    export = (
        client_for("demo.tinh")
        .get(f"/movements/{movement_2026.pk}/forecast/", {"on": "01/12/2026", "format": "csv"})
        .content.decode("utf-8-sig")
        .splitlines()
    )
    assert export[0] == "target,year,unit,district,status,gaps,evaluated_year,roadmap_year"
    assert "1. Xã NTM,2026,Xã Phú Hòa,,đủ tiêu chí,đạt tất cả tiêu chí,2026," in export
    assert "1. Xã NTM,2026,Phường Bình Đức,,lộ trình năm sau,thiếu tiêu chí 10 và 17,2026,2027" in export


def test_latest_gaps_reads_codes_only_near_the_standard_and_falls_back_to_earlier_years(
    movement_2026, evaluations
):
    """The forecast's read of the evaluations: the newest year first, a unit without a result that
    year from its earlier years; the criteria's codes only within `names_up_to`, the rest counted
    from the stored criteria_total − criteria_met."""
    from chungsuc.assessments.models import Assessment, EvaluationResult
    from chungsuc.geo.models import Unit
    from chungsuc.movements import sources

    phu_hoa, binh_duc = Unit.objects.get(key="30685@2025-07-01"), Unit.objects.get(key="30292@2025-07-01")
    other = Unit.objects.get(key="30307@2025-07-01")
    a = Assessment.objects.create(unit=other, year=2025, framework=evaluations)
    EvaluationResult.objects.create(
        assessment=a,
        framework_code=evaluations.code,
        framework_version="1",
        values_hash="y",
        criteria={str(c): ("met" if c <= 5 else "not_met") for c in range(1, 11)},
        criteria_met=5,
        criteria_total=10,
    )
    ids = [phu_hoa.pk, binh_duc.pk, other.pk]
    gaps = sources.latest_gaps(ids, "ntm", names_up_to=2, expected=ids)
    assert gaps[phu_hoa.pk] == (2026, 0, ())
    assert gaps[binh_duc.pk] == (2026, 2, ("10", "17"))  # its 2026 result, not the older one
    assert gaps[other.pk] == (2025, 5, None)  # only a 2025 result, five criteria not met: counted
    every = sources.latest_gaps(ids, "ntm")  # no limit, no list: codes for all, earlier years by subquery
    assert every[other.pk] == (2025, 5, ("6", "7", "8", "9", "10"))
    assert every[binh_duc.pk] == gaps[binh_duc.pk]
