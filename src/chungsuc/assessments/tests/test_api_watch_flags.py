import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from chungsuc.assessments import selectors, services
from chungsuc.assessments.models import AssessmentValue, QualitySettings

# The three-tier history (2021–2025): writes decided as of 31/12/2024, before the merger.
pytestmark = pytest.mark.usefixtures("acting_in_2024")

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def assessment(workflows, users, framework, vinh_chanh):
    return services.assessment_create(
        actor=users["demo.vinhchanh"], unit=vinh_chanh, year=2024, framework=framework
    )


def api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_api_scoped_values_conflict_evidence_transitions(assessment, users):
    commune, outsider = api(users["demo.vinhchanh"]), api(users["demo.chomoi"])
    listing = commune.get("/api/v1/assessments/").json()
    assert [r["id"] for r in listing["results"]] == [assessment.pk]
    assert outsider.get("/api/v1/assessments/").json()["results"] == []
    assert outsider.get(f"/api/v1/assessments/{assessment.pk}/").status_code == 404
    r = commune.patch(
        f"/api/v1/assessments/{assessment.pk}/values/",
        {"version": 1, "values": {"3.1": 85, "1.1": True}},
        format="json",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["version"] == 2 and body["values"]["3.1"] == 85 and body["values"]["1.1"] is True
    assert body["evaluation"]["criteria"][0]["met"] is True
    stale = commune.patch(
        f"/api/v1/assessments/{assessment.pk}/values/", {"version": 1, "values": {"3.1": 10}}, format="json"
    )
    assert stale.status_code == 409
    bad = commune.patch(
        f"/api/v1/assessments/{assessment.pk}/values/", {"version": 2, "values": {"3.1": 300}}, format="json"
    )
    assert bad.status_code == 400 and "3.1" in bad.json()
    assert AssessmentValue.objects.get(assessment=assessment, indicator_code="3.1").value == 85
    assert (
        outsider.patch(
            f"/api/v1/assessments/{assessment.pk}/values/",
            {"version": 2, "values": {"3.1": 1}},
            format="json",
        ).status_code
        == 404
    )
    up = commune.post(
        f"/api/v1/assessments/{assessment.pk}/evidence/",
        {"file": SimpleUploadedFile("a.pdf", PDF), "indicator_code": "3.1"},
        format="multipart",
    )
    assert up.status_code == 201 and up.json()["indicator_code"] == "3.1"
    fake = commune.post(
        f"/api/v1/assessments/{assessment.pk}/evidence/",
        {"file": SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf")},
        format="multipart",
    )
    assert fake.status_code == 400
    from chungsuc.core.workflow import case_for

    missing = commune.post(
        f"/api/v1/assessments/{assessment.pk}/transitions/", {"transition": "submit"}, format="json"
    )
    assert (
        missing.status_code == 400 and "case_version" in missing.json()["case_version"][0]
    )  # the version is required: nothing written
    assert case_for(assessment).state.code == "draft"
    t = commune.post(
        f"/api/v1/assessments/{assessment.pk}/transitions/",
        {"transition": "submit", "case_version": case_for(assessment).version},
        format="json",
    )
    assert t.status_code == 200 and t.json()["state"] == "district_review"
    district = api(users["demo.thoaison"])
    r = district.post(
        f"/api/v1/assessments/{assessment.pk}/transitions/",
        {"transition": "return", "case_version": case_for(assessment).version},
        format="json",
    )
    assert r.status_code == 400 and "case_version" not in r.json()  # reason required
    assert (
        outsider.post(
            f"/api/v1/assessments/{assessment.pk}/transitions/", {"transition": "approve"}, format="json"
        ).status_code
        == 404
    )


def test_schema_documents_the_assessment_endpoints(users):
    r = api(users["demo.tinh"]).get("/api/v1/schema/")
    assert r.status_code == 200
    text = r.content.decode()
    for p in [
        "/api/v1/assessments/{id}/values/",
        "/api/v1/assessments/{id}/transitions/",
    ]:
        assert p in text


def test_quality_flags_jumps_and_claims_without_evidence_never_block(workflows, users, framework, vinh_chanh):
    officer = users["demo.vinhchanh"]
    QualitySettings.objects.create(max_yoy_change_pct_points=15, max_yoy_change_ratio=0.5)
    prev = services.assessment_create(actor=officer, unit=vinh_chanh, year=2023, framework=framework)
    services.assessment_values_save(actor=officer, assessment=prev, values={"3.1": 50, "10.1": 40})
    cur = services.assessment_create(actor=officer, unit=vinh_chanh, year=2024, framework=framework)
    result = services.assessment_values_save(
        actor=officer, assessment=cur, values={"3.1": 95, "10.1": 45, "1.1": "Đạt"}
    )
    flags = selectors.quality_flags(cur)
    assert "3.1" in flags and "+45.0 điểm %" in flags["3.1"][0]
    assert "10.1" not in flags
    assert any("chưa có minh chứng" in f for f in flags["1.1"])
    assert result.criteria_met >= 1  # saved and evaluated despite the flags
    services.evidence_add(
        actor=officer, assessment=cur, upload=SimpleUploadedFile("qh.pdf", PDF), indicator_code="1.1"
    )
    assert "1.1" not in selectors.quality_flags(cur)
