"""District-level dossiers: derived indicators from the communes of the year (the register wins), the
path to the Prime Minister's decision and its register entry, and no district dossiers after 2025."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import Client

from chungsuc.assessments import selectors, services
from chungsuc.assessments.evaluation import evaluate_many, evaluate_one
from chungsuc.assessments.models import Assessment, EvaluationResult
from chungsuc.core.models import AuditEntry
from chungsuc.recognitions import selectors as recognition_selectors
from chungsuc.recognitions import services as recognition_services
from chungsuc.recognitions.models import Decision, RecognitionRecord

# The three-tier history (2021–2025): writes decided as of 31/12/2024, before the merger.
pytestmark = pytest.mark.usefixtures("acting_in_2024")


@pytest.fixture
def thoai_son(an_giang):
    from chungsuc.geo.selectors import unit_by_code

    return unit_by_code("894", "2023-12-31")


@pytest.fixture
def huyen_fw(an_giang):
    from chungsuc.criteria.selectors import framework_get

    return framework_get("huyen-ntm-2021")


def _indicator(result, code):
    return next(i for c in result.criteria for i in c.indicators if i.code == code)


def _import(users, rows):
    return recognition_services.recognition_import(
        actor=users["demo.nnptnt"],
        rows=[
            {
                "unit_code": code,
                "standard": std,
                "year": year,
                "since": since,
                "source": "thử",
                "verified": "1",
            }
            for code, std, year, since in rows
        ],
    )


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_derived_share_follows_the_register(workflows, users, thoai_son, huyen_fw):
    a = services.assessment_create(
        actor=users["demo.thoaison"], unit=thoai_son, year=2023, framework=huyen_fw
    )
    result = evaluate_one(a)
    h1 = _indicator(result, "H.1")
    # the built-in register knows 12 of the 14 communes (Vĩnh Chánh, Mỹ Phú Đông are not in it):
    # missing, never failed
    assert h1.status == "missing" and h1.derived
    snap = result.children_snapshot
    assert snap["as_of"] == "2023-12-31"
    assert len(snap["children"]) == 17  # 14 communes and 3 townships under Thoại Sơn at 31/12/2023
    by_ind = {i["indicator"]: i for i in snap["indicators"]}
    assert by_ind["H.1"]["counted"] == 14 and by_ind["H.1"]["met"] == 12
    assert sorted(by_ind["H.1"]["unknown"]) == ["30703", "30712"]

    _import(users, [("30703", "ntm", 2019, "2019-12-31"), ("30712", "ntm", 2020, "2020-12-31")])
    result = evaluate_one(a)
    h1 = _indicator(result, "H.1")
    assert h1.status == "met" and h1.value == 100.0
    text = {i["indicator"]: i["text"] for i in result.children_snapshot["indicators"]}
    assert text["H.1"] == "14/14 xã đạt chuẩn Nông thôn mới (100 %)"

    # revoke Phú Thuận's recognition (NTM 2018) in mid-2023: at the year's end it no longer counts
    rec = RecognitionRecord.objects.get(unit__code="30700", standard="ntm", year=2018)
    recognition_services.revocation_record(
        actor=users["demo.nnptnt"],
        record=rec,
        number="12/QĐ-UBND",
        date=dt.date(2023, 6, 1),
        signer="Chủ tịch UBND tỉnh",
        reason="Không còn đạt tiêu chí 17",
    )
    result = evaluate_one(a)
    h1 = _indicator(result, "H.1")
    assert h1.status == "not_met" and round(h1.value, 1) == 92.9
    summary = {i["indicator"]: i for i in result.children_snapshot["indicators"]}["H.1"]
    assert summary["text"] == "13/14 xã đạt chuẩn Nông thôn mới (92,9 %)"
    assert summary["not_met"] == ["30700"]
    phu_thuan = next(c for c in result.children_snapshot["children"] if c["code"] == "30700")
    assert phu_thuan["source"]["xa-ntm-2021"] == "revoked"
    assert not result.standard_met
    # the district's 2022 dossier still counts Phú Thuận (recognised on 31/12/2022, revoked in 2023)
    a2022 = services.assessment_create(
        actor=users["demo.thoaison"], unit=thoai_son, year=2022, framework=huyen_fw
    )
    assert _indicator(evaluate_one(a2022), "H.1").value == 100.0

    # a typed value never overrides the derived one
    with pytest.raises(ValidationError) as exc:
        services.assessment_values_save(actor=users["demo.thoaison"], assessment=a, values={"H.1": "100"})
    assert "H.1" in str(exc.value)


def test_dossier_page_reevaluates_and_lists_communes(workflows, users, thoai_son, huyen_fw):
    a = services.assessment_create(
        actor=users["demo.thoaison"], unit=thoai_son, year=2023, framework=huyen_fw
    )
    _import(users, [("30703", "ntm", 2019, "2019-12-31"), ("30712", "ntm", 2020, "2020-12-31")])
    district = _client(users["demo.thoaison"])
    page = district.get(f"/assessments/{a.pk}/").content.decode()
    assert "14/14 xã đạt chuẩn Nông thôn mới (100 %)" in page
    assert "Sổ công nhận là căn cứ pháp lý" in page
    from django.urls import reverse

    from chungsuc.geo.models import Unit

    vinh_chanh = Unit.objects.get(key="30703")
    assert "Xã Vĩnh Chánh" in page and reverse("geo:unit-detail", args=[vinh_chanh.pk]) in page
    # a page view never writes: the live evaluation is shown, the stored one is refreshed by a POST
    assert EvaluationResult.objects.filter(assessment=a).count() == 0
    assert 'data-testid="result-stale"' in page
    assert district.post(f"/assessments/{a.pk}/refresh/").status_code == 302
    assert EvaluationResult.objects.filter(assessment=a).count() == 1
    latest = selectors.latest_result(a)
    assert len(latest.children["children"]) == 17
    # opening it again with nothing changed stores nothing and asks for nothing
    page = district.get(f"/assessments/{a.pk}/").content.decode()
    assert 'data-testid="result-stale"' not in page
    district.post(f"/assessments/{a.pk}/refresh/")
    assert EvaluationResult.objects.filter(assessment=a).count() == 1
    # a commune loses its recognition: the next opening re-evaluates, stores and audits
    rec = RecognitionRecord.objects.get(unit__code="30700", standard="ntm", year=2018)
    recognition_services.revocation_record(
        actor=users["demo.nnptnt"],
        record=rec,
        number="12/QĐ-UBND",
        date=dt.date(2023, 6, 1),
        signer="Chủ tịch UBND tỉnh",
        reason="Không còn đạt tiêu chí 17",
    )
    page = district.get(f"/assessments/{a.pk}/").content.decode()
    assert "13/14 xã đạt chuẩn Nông thôn mới (92,9 %)" in page
    assert EvaluationResult.objects.filter(assessment=a).count() == 1
    # the read-only inspector sees the same live result and stores nothing (no result, no audit row)
    audit_before = AuditEntry.objects.count()
    inspector = _client(users["demo.kiemtra"])
    assert (
        "13/14 xã đạt chuẩn Nông thôn mới (92,9 %)" in inspector.get(f"/assessments/{a.pk}/").content.decode()
    )
    assert inspector.post(f"/assessments/{a.pk}/refresh/").status_code == 302
    assert EvaluationResult.objects.filter(assessment=a).count() == 1
    assert AuditEntry.objects.count() == audit_before
    district.post(f"/assessments/{a.pk}/refresh/")
    assert EvaluationResult.objects.filter(assessment=a).count() == 2
    entry = AuditEntry.objects.filter(action="assessment.evaluate", target_id=str(a.pk)).latest("id")
    assert "H.1" in entry.changes
    # the API gives the same children behind the derived indicators
    data = district.get(f"/api/v1/assessments/{a.pk}/").json()
    h1 = {i["indicator"]: i for i in data["evaluation"]["children"]["indicators"]}["H.1"]
    assert h1["not_met"] == ["30700"] and h1["met"] == 13
    # another district's officer: 404
    assert _client(users["demo.chomoi"]).get(f"/assessments/{a.pk}/").status_code == 404
    assert _client(users["demo.chomoi"]).get(f"/api/v1/assessments/{a.pk}/").status_code == 404


def test_evaluate_many_derives_set_at_a_time(workflows, users, thoai_son, huyen_fw):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    a = services.assessment_create(
        actor=users["demo.thoaison"], unit=thoai_son, year=2023, framework=huyen_fw
    )
    b = services.assessment_create(
        actor=users["demo.thoaison"], unit=thoai_son, year=2022, framework=huyen_fw
    )
    _import(users, [("30703", "ntm", 2019, "2019-12-31"), ("30712", "ntm", 2020, "2020-12-31")])
    with CaptureQueriesContext(connection) as ctx:
        evaluate_many(Assessment.objects.filter(pk__in=[a.pk, b.pk]))
    assert len(ctx.captured_queries) < 20  # not one per commune (17 children × 2 years)
    for x in (a, b):
        res = selectors.latest_result(x)
        h1 = {i["indicator"]: i for i in res.children["indicators"]}["H.1"]
        assert h1["met"] == 14 and h1["share"] == 100.0
        assert res.criteria["DK"] in {"missing", "not_met"}  # H.3, H.4 not entered yet


def test_district_path_to_prime_minister_decision(workflows, users, thoai_son, huyen_fw):
    from chungsuc.assessments import frameworks
    from chungsuc.core.workflow import case_for
    from chungsuc.recognitions.models import RecognitionCondition

    district, nnptnt = users["demo.thoaison"], users["demo.nnptnt"]
    _import(
        users,
        [
            ("30703", "advanced", 2021, "2021-12-31"),
            ("30712", "advanced", 2021, "2021-12-31"),
            ("30700", "advanced", 2022, "2022-12-31"),
        ],
    )
    a = services.assessment_create(actor=district, unit=thoai_son, year=2023, framework=huyen_fw)
    assert case_for(a).workflow.code == "ntm-district-recognition"
    efw = frameworks.engine_framework(huyen_fw)
    values = {i.code: "Đạt" for i in efw.indicators if i.value_type == "pass_fail"}
    values.update({"H.3": "100", "H.4": "95"})
    result = services.assessment_values_save(actor=district, assessment=a, values=values)
    assert result.standard_met, result.explanation
    # district → province (Sở NN&PTNT appraisal)
    services.assessment_transition(actor=district, assessment=a, transition_code="submit")
    assert case_for(a).state.code == "province_review"
    with pytest.raises((PermissionDenied, ValidationError)):
        services.assessment_transition(actor=district, assessment=a, transition_code="approve")
    services.assessment_transition(actor=nnptnt, assessment=a, transition_code="approve")
    assert case_for(a).state.code == "province_approved"
    consultation = recognition_services.consultation_open(actor=nnptnt, assessment=a, days=15)
    recognition_services.consultation_comment_add(
        consultation=consultation, name="", hamlet="", satisfied=True, text="Đồng ý"
    )
    recognition_services.consultation_close(actor=nnptnt, assessment=a)
    survey = recognition_services.survey_record(
        actor=district,
        assessment=a,
        surveyed=400,
        satisfied=372,
        method="Phiếu khảo sát tại các xã",
        conducted_on=dt.date(2024, 7, 1),
        minutes=SimpleUploadedFile("bb.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
    )
    recognition_services.survey_attest(actor=nnptnt, survey=survey)
    for cond in RecognitionCondition.objects.filter(kind="attestation"):
        recognition_services.condition_check_set(
            actor=nnptnt, assessment=a, condition=cond, met=True, note="Đã xác nhận"
        )
    # the decision form defaults to the Prime Minister
    page = _client(nnptnt).get(f"/assessments/{a.pk}/").content.decode()
    assert 'value="Thủ tướng Chính phủ"' in page
    assert recognition_services.decision_authority(a) == "Thủ tướng Chính phủ"
    d = recognition_services.decision_record(
        actor=nnptnt,
        assessment=a,
        recognised=True,
        number="750/QĐ-TTg",
        date=dt.date(2024, 8, 1),
        signer="Phó Thủ tướng Chính phủ",
    )
    assert d.authority == "Thủ tướng Chính phủ" and d.kind == Decision.Kind.RECOGNITION
    assert case_for(a).state.code == "recognised"
    rec = RecognitionRecord.objects.get(unit=thoai_son, standard="ntm", year=2023)
    assert rec.decision == d
    assert rec.decision_text == (
        "750/QĐ-TTg ngày 01/08/2024 của Thủ tướng Chính phủ (người ký: Phó Thủ tướng Chính phủ)"
    )
    assert recognition_selectors.register_as_of(dt.date(2024, 8, 1)).filter(pk=rec.pk).exists()
    audit = AuditEntry.objects.filter(action="assessment.decision", target_id=str(a.pk)).latest("id")
    assert audit.changes["authority"] == [None, "Thủ tướng Chính phủ"]


def test_commune_decision_still_defaults_to_the_province_chairman(workflows, users, framework, vinh_chanh):
    a = services.assessment_create(
        actor=users["demo.vinhchanh"], unit=vinh_chanh, year=2023, framework=framework
    )
    assert recognition_services.decision_authority(a) == "Chủ tịch UBND tỉnh"


def test_no_district_dossier_after_2025(workflows, users, thoai_son, huyen_fw):
    with pytest.raises(ValidationError) as exc:
        services.assessment_create(
            actor=users["demo.thoaison"], unit=thoai_son, year=2026, framework=huyen_fw
        )
    assert "01/7/2025" in str(exc.value) and "cấp huyện" in str(exc.value)
    assert not Assessment.objects.filter(unit=thoai_son, year=2026).exists()
    # through the page: the message, nothing written
    resp = _client(users["demo.thoaison"]).post(
        "/assessments/new/", {"unit": thoai_son.pk, "year": 2026, "framework": huyen_fw.pk}, follow=True
    )
    assert "không còn đơn vị hành chính cấp huyện" in resp.content.decode()
    assert not Assessment.objects.filter(unit=thoai_son, year=2026).exists()
    # 2025 (until 30/6/2025) is still allowed, with the children as of 30/6/2025
    a = services.assessment_create(
        actor=users["demo.thoaison"], unit=thoai_son, year=2025, framework=huyen_fw
    )
    assert evaluate_one(a).children_snapshot["as_of"] == "2025-06-30"


def test_province_dossier_goes_to_the_centre_and_the_prime_minister(workflows, users, an_giang):
    from chungsuc.assessments import frameworks
    from chungsuc.core.workflow import case_for
    from chungsuc.criteria import services as criteria_services
    from chungsuc.criteria.models import ThresholdRule
    from chungsuc.criteria.selectors import framework_get
    from chungsuc.geo.models import UnitVersion
    from chungsuc.geo.selectors import unit_by_code

    nnptnt = users["demo.nnptnt"]
    province = unit_by_code("89", "2024-12-31")
    # P.1's threshold is not known from a source: the programme office sets it (a new version) first
    rule = ThresholdRule.objects.get(framework=framework_get("tinh-httnv-2021"), indicator__code="P.1")
    criteria_services.threshold_update(actor=nnptnt, rule=rule, value=100, reason="Theo hướng dẫn của Bộ")
    fw = framework_get("tinh-httnv-2021")
    # every district-level unit of 2024 holds its standard in the register
    districts = UnitVersion.objects.filter(parent=province, valid_to="2025-06-30").values_list(
        "code", flat=True
    )
    assert len(districts) == 11
    # (those already recognised in the built-in register keep it: recognising them again is refused)
    held = set(
        RecognitionRecord.objects.filter(unit__code__in=list(districts), until__isnull=True).values_list(
            "unit__code", flat=True
        )
    )
    _import(users, [(code, "ntm", 2024, "2024-12-01") for code in districts if code not in held])

    a = services.assessment_create(actor=nnptnt, unit=province, year=2024, framework=fw)
    efw = frameworks.engine_framework(fw)
    values = {i.code: "Đạt" for i in efw.indicators if i.value_type == "pass_fail"}
    result = services.assessment_values_save(actor=nnptnt, assessment=a, values=values)
    assert result.standard_met, result.explanation
    case = case_for(a)
    assert case.workflow.code == "ntm-province-recognition"
    assert case.state.code == "draft"
    with pytest.raises(Http404):  # the province's dossier is not a district officer's: 404
        services.assessment_transition(actor=users["demo.thoaison"], assessment=a, transition_code="submit")
    services.assessment_transition(actor=nnptnt, assessment=a, transition_code="submit")
    assert case_for(a).state.name == "Trung ương đang thẩm định"
    with pytest.raises(ValidationError):  # recording the centre's return needs its reasons
        services.assessment_transition(actor=nnptnt, assessment=a, transition_code="return")
    services.assessment_transition(
        actor=nnptnt, assessment=a, transition_code="return", reason="Bổ sung báo cáo tiêu chí P.1"
    )
    services.assessment_transition(actor=nnptnt, assessment=a, transition_code="submit")
    services.assessment_transition(actor=nnptnt, assessment=a, transition_code="approve")
    assert recognition_services.decision_authority(a) == "Thủ tướng Chính phủ"
    # no public consultation or commune attestations for a province: only the criteria condition
    conditions = [c["name"] for c in recognition_selectors.conditions_status(a)]
    assert conditions == ["Đáp ứng đầy đủ mức đạt chuẩn của bộ tiêu chí"]
    d = recognition_services.decision_record(
        actor=nnptnt,
        assessment=a,
        recognised=True,
        number="123/QĐ-TTg",
        date=dt.date(2025, 3, 1),
        signer="Phó Thủ tướng Chính phủ",
    )
    assert case_for(a).state.code == "recognised"
    rec = RecognitionRecord.objects.get(unit=province, year=2024)
    assert rec.decision == d and rec.standard == "task_completed"
