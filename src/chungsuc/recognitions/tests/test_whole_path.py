"""The whole recognition path through the pages (Django test client), with another district's officer
getting 404 on the same URLs at every step."""

import datetime as dt
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chungsuc.assessments.models import Assessment, AssessmentValue, Evidence
from chungsuc.core.models import AuditEntry
from chungsuc.recognitions.models import Decision, RecognitionRecord

# The three-tier history (2021–2025): writes decided as of 31/12/2024, before the merger.
pytestmark = pytest.mark.usefixtures("acting_in_2024")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def client_for(client_class, username):
    from django.contrib.auth import get_user_model

    c = client_class()
    c.force_login(get_user_model().objects.get(username=username))
    return c


def assert_outsider_404(outsider, a):
    for url in [f"/assessments/{a.pk}/", f"/assessments/{a.pk}/export.xlsx"]:
        assert outsider.get(url).status_code == 404, url
    for url, data in [
        (f"/assessments/{a.pk}/values/", {"v:3.1": "99"}),
        (f"/assessments/{a.pk}/transition/", {"transition": "approve"}),
        (
            f"/recognitions/dossiers/{a.pk}/decision/",
            {"recognised": "1", "number": "1", "date": "2026-01-01", "signer": "x"},
        ),
    ]:
        assert outsider.post(url, data).status_code == 404, url


@pytest.fixture
def clients(users, client):
    from django.test import Client

    return {
        name: client_for(Client, name)
        for name in ["demo.vinhchanh", "demo.thoaison", "demo.nnptnt", "demo.tinh", "demo.chomoi"]
    }


def cv(a):
    """The case version the page's forms carry (required on every transition since issue 9, finding 3)."""
    from chungsuc.core.workflow import case_for

    return {"case_version": case_for(a).version}


def state(a):
    from chungsuc.core.workflow import case_for

    return case_for(a).state.code


def test_whole_path_from_self_assessment_to_register(workflows, framework, vinh_chanh, clients, client):
    commune, district, province, outsider = (
        clients["demo.vinhchanh"],
        clients["demo.thoaison"],
        clients["demo.nnptnt"],
        clients["demo.chomoi"],
    )
    # the commune officer creates the dossier and fills values
    r = commune.post("/assessments/new/", {"unit": vinh_chanh.pk, "year": 2024, "framework": framework.pk})
    a = Assessment.objects.get(unit=vinh_chanh, year=2024)
    assert r.status_code == 302 and r.url == f"/assessments/{a.pk}/"
    page = commune.get(r.url)
    assert page.status_code == 200
    assert "0/5" in page.content.decode()
    r = commune.post(
        f"/assessments/{a.pk}/values/",
        {"version": 1, "v:1.1": "Đạt", "v:3.1": "79,9", "v:3.2": "Đạt", "v:10.1": "65", "v:10.2": "12"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "5/5" in html and "2/3" in html  # live re-evaluation: criterion 3 fails at 79.9 %
    assert 'data-testid="criterion-3-status"><span class="badge bg-red-lt">' in html
    r = commune.post(
        f"/assessments/{a.pk}/evidence/",
        {"indicator_code": "3.1", "file": SimpleUploadedFile("bien-ban.pdf", PDF, "application/pdf")},
    )
    assert Evidence.objects.filter(assessment=a, indicator_code="3.1").count() == 1
    download = commune.get(f"/assessments/evidence/{Evidence.objects.get(assessment=a).pk}/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00binary", "application/pdf")
    commune.post(f"/assessments/{a.pk}/evidence/", {"indicator_code": "3.1", "file": fake})
    assert Evidence.objects.filter(assessment=a).count() == 1  # refused by content
    assert_outsider_404(outsider, a)

    # submit; district returns with a reason
    commune.post(f"/assessments/{a.pk}/transition/", {**cv(a), "transition": "submit"})
    assert state(a) == "district_review"
    assert_outsider_404(outsider, a)
    r = district.post(f"/assessments/{a.pk}/transition/", {**cv(a), "transition": "return", "reason": ""})
    assert state(a) == "district_review"  # a reason is required
    district.post(
        f"/assessments/{a.pk}/transition/",
        {**cv(a), "transition": "return", "reason": "Chỉ tiêu 3.1 chưa đạt"},
    )
    assert state(a) == "returned"
    assert "Chỉ tiêu 3.1 chưa đạt" in commune.get(f"/assessments/{a.pk}/").content.decode()

    # the commune corrects and resubmits
    a.refresh_from_db()
    commune.post(f"/assessments/{a.pk}/values/", {"version": a.version, "v:3.1": "82"})
    assert AssessmentValue.objects.get(assessment=a, indicator_code="3.1").value == 82
    commune.post(f"/assessments/{a.pk}/transition/", {**cv(a), "transition": "submit"})
    assert state(a) == "district_review"
    # submitted data is read-only
    a.refresh_from_db()
    commune.post(f"/assessments/{a.pk}/values/", {"version": a.version, "v:3.1": "10"})
    assert AssessmentValue.objects.get(assessment=a, indicator_code="3.1").value == 82

    district.post(f"/assessments/{a.pk}/transition/", {**cv(a), "transition": "approve"})
    district.post(f"/assessments/{a.pk}/transition/", {**cv(a), "transition": "submit"})
    assert state(a) == "province_review"
    assert_outsider_404(outsider, a)
    province.post(f"/assessments/{a.pk}/transition/", {**cv(a), "transition": "approve"})
    assert state(a) == "province_approved"

    # public consultation
    province.post(
        f"/recognitions/dossiers/{a.pk}/consultation/open/", {**cv(a), "days": 10, "summary": "Xin ý kiến"}
    )
    assert state(a) == "consultation"
    public = client
    listing = public.get("/public/consultations/").content.decode()
    assert "Vĩnh Chánh" in listing
    cid = a.consultation.pk
    for i in range(9):  # residents from nine addresses
        public.post(
            f"/public/consultations/{cid}/",
            {"name": f"Người {i}", "satisfied": "1"},
            REMOTE_ADDR=f"10.0.0.{i}",
        )
    public.post(
        f"/public/consultations/{cid}/",
        {"satisfied": "0", "text": "Đường ấp 3 còn lầy"},
        REMOTE_ADDR="10.0.1.1",
    )
    page = public.get(f"/public/consultations/{cid}/").content.decode()
    assert "10 ý kiến" in page and "Đường ấp 3 còn lầy" in page
    assert_outsider_404(outsider, a)
    province.post(f"/recognitions/dossiers/{a.pk}/consultation/close/", cv(a))
    assert state(a) == "consultation_closed"
    r = public.post(f"/public/consultations/{cid}/", {"satisfied": "1"}, REMOTE_ADDR="10.0.2.1")
    assert a.consultation.comments.count() == 10  # closed: no more comments

    # the official survey: recorded by the commune with its minutes, attested by the province
    commune.post(
        f"/recognitions/dossiers/{a.pk}/survey/",
        {
            "surveyed": 200,
            "satisfied": 186,
            "method": "Phát phiếu tại 6 ấp",
            "conducted_on": dt.date.today().strftime("%d/%m/%Y"),
            "minutes": SimpleUploadedFile("bien-ban.pdf", PDF, "application/pdf"),
        },
    )
    province.post(f"/recognitions/dossiers/{a.pk}/survey/attest/", {"note": "Khớp biên bản"})
    assert a.survey.attested and a.survey.rate == 93.0

    # conditions: attestations, then the decision
    decision = {
        "recognised": "1",
        "number": "123/QĐ-UBND",
        "date": dt.date.today().isoformat(),
        "signer": "Chủ tịch UBND tỉnh",
        "signed_pdf": SimpleUploadedFile("qd.pdf", PDF, "application/pdf"),
    }
    province.post(f"/recognitions/dossiers/{a.pk}/decision/", {**decision, **cv(a)})
    assert state(a) == "consultation_closed"  # refused: attestations missing
    from chungsuc.recognitions.models import RecognitionCondition

    for cond in RecognitionCondition.objects.filter(kind="attestation"):
        province.post(
            f"/recognitions/dossiers/{a.pk}/condition/",
            {"condition": cond.pk, "met": "1", "note": "Công an tỉnh xác nhận"},
        )
    decision["signed_pdf"] = SimpleUploadedFile("qd.pdf", PDF, "application/pdf")
    assert_outsider_404(outsider, a)
    province.post(f"/recognitions/dossiers/{a.pk}/decision/", {**decision, **cv(a)})
    assert state(a) == "recognised"
    d = Decision.objects.get(assessment=a)
    assert d.number == "123/QĐ-UBND" and d.act.reference == "123/QĐ-UBND" and d.act.file
    rec = RecognitionRecord.objects.get(unit=vinh_chanh, standard="ntm", year=2024)
    assert rec.decision == d
    assert "Vĩnh Chánh" in public.get("/public/recognised/").content.decode()
    assert "Vĩnh Chánh" in province.get("/recognitions/register/").content.decode()
    assert outsider.get(f"/recognitions/decisions/{d.pk}.pdf").status_code == 404
    download = province.get(f"/recognitions/decisions/{d.pk}.pdf")
    assert download.status_code == 200 and "123-QĐ-UBND" in unquote(download["Content-Disposition"])
    actions = set(AuditEntry.objects.filter(target_id=str(a.pk)).values_list("action", flat=True))
    assert {
        "assessment.create",
        "assessment.values",
        "assessment.evidence_add",
        "workflow.transition",
        "assessment.consultation_open",
        "assessment.consultation_close",
        "assessment.decision",
    } <= actions
    # the other district's officer still sees nothing of it
    assert "Vĩnh Chánh" not in outsider.get("/assessments/").content.decode()
    assert outsider.get(f"/assessments/evidence/{Evidence.objects.get(assessment=a).pk}/").status_code == 404
