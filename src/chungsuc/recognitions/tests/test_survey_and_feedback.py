"""Issue 7 §6 and §2: the satisfaction condition comes from the official survey (recorded with its
minutes, attested by a second official, audited); web comments are feedback — rate-limited,
duplicate-suppressed, moderated, never counted; the consultation page shows the result published when
it opened, never live values after a reopen."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import Client

from chungsuc.assessments import services as assessment_services
from chungsuc.core.models import AuditEntry
from chungsuc.recognitions import selectors, services
from chungsuc.recognitions.models import ConsultationComment, SatisfactionSurvey

# The three-tier history (2021–2025): writes decided as of 31/12/2024, before the merger.
pytestmark = pytest.mark.usefixtures("acting_in_2024")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
GOOD = {"1.1": "Đạt", "3.1": 90, "3.2": "Đạt", "10.1": 70, "10.2": 3}


def minutes():
    return SimpleUploadedFile("bien-ban.pdf", PDF, "application/pdf")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def dossier(workflows, users, framework, vinh_chanh, media):
    """Vĩnh Chánh's 2024 dossier, meeting the standard, appraised and open for consultation."""
    a = assessment_services.assessment_create(
        actor=users["demo.vinhchanh"], unit=vinh_chanh, year=2024, framework=framework
    )
    assessment_services.assessment_values_save(actor=users["demo.vinhchanh"], assessment=a, values=GOOD)
    move = assessment_services.assessment_transition
    move(actor=users["demo.vinhchanh"], assessment=a, transition_code="submit")
    move(actor=users["demo.thoaison"], assessment=a, transition_code="approve")
    move(actor=users["demo.thoaison"], assessment=a, transition_code="submit")
    move(actor=users["demo.nnptnt"], assessment=a, transition_code="approve")
    services.consultation_open(actor=users["demo.nnptnt"], assessment=a, days=15)
    a.refresh_from_db()
    return a


def satisfaction_condition(a):
    return next(c for c in selectors.conditions_status(a) if c["code"] == "satisfaction")


def comment(consultation, client, **kw):
    data = {"name": "", "hamlet": "", "satisfied": True, "text": ""} | kw
    return services.consultation_comment_add(consultation=consultation, client=client, **data)


def test_web_comments_never_make_the_satisfaction_condition(dossier, users):
    for i in range(40):
        comment(dossier.consultation, f"10.0.0.{i}", satisfied=True)
    assert selectors.satisfaction(dossier.consultation)["rate"] == 100.0
    cond = satisfaction_condition(dossier)
    assert cond["met"] is False and "chính thức" in cond["detail"]

    survey = services.survey_record(
        actor=users["demo.vinhchanh"],
        assessment=dossier,
        surveyed=200,
        satisfied=190,
        method="Phát phiếu tại 6 ấp",
        conducted_on=dt.date(2024, 10, 1),
        minutes=minutes(),
    )
    assert satisfaction_condition(dossier)["met"] is False  # recorded, not yet attested
    services.survey_attest(actor=users["demo.nnptnt"], survey=survey, note="Khớp biên bản")
    cond = satisfaction_condition(dossier)
    assert cond["met"] is True and "95%" in cond["detail"] and "190/200" in cond["detail"]
    actions = list(AuditEntry.objects.filter(target_id=str(dossier.pk)).values_list("action", flat=True))
    assert "recognition.survey_record" in actions and "recognition.survey_attest" in actions


def test_an_attested_survey_below_the_threshold_fails_whatever_the_comments(dossier, users):
    for i in range(10):
        comment(dossier.consultation, f"10.1.0.{i}", satisfied=True)
    survey = services.survey_record(
        actor=users["demo.vinhchanh"],
        assessment=dossier,
        surveyed=100,
        satisfied=80,
        method="Họp dân",
        conducted_on=dt.date(2024, 10, 1),
        minutes=minutes(),
    )
    services.survey_attest(actor=users["demo.nnptnt"], survey=survey)
    assert satisfaction_condition(dossier)["met"] is False
    services.consultation_close(actor=users["demo.nnptnt"], assessment=dossier)
    with pytest.raises(ValidationError) as exc:
        services.decision_record(
            actor=users["demo.nnptnt"],
            assessment=dossier,
            recognised=True,
            number="12/QĐ-UBND",
            date=dt.date.today(),
            signer="Chủ tịch UBND tỉnh",
        )
    assert "hài lòng" in " ".join(exc.value.messages)


def test_survey_bad_input_is_named_and_nothing_is_written(dossier, users):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.survey_record(
            actor=users["demo.vinhchanh"],
            assessment=dossier,
            surveyed="0",
            satisfied="năm",
            method=" ",
            conducted_on=dt.date.today() + dt.timedelta(days=2),
        )
    assert set(exc.value.message_dict) == {"surveyed", "satisfied", "method", "conducted_on", "minutes"}
    with pytest.raises(ValidationError) as exc:
        services.survey_record(
            actor=users["demo.vinhchanh"],
            assessment=dossier,
            surveyed=10,
            satisfied=11,
            method="Phiếu",
            conducted_on=dt.date(2024, 10, 1),
            minutes=minutes(),
        )
    assert "lớn hơn" in exc.value.message_dict["satisfied"][0]
    assert not SatisfactionSurvey.objects.exists() and AuditEntry.objects.count() == before


def test_the_recorder_cannot_attest_and_an_outsider_cannot_touch_it(dossier, users):
    survey = services.survey_record(
        actor=users["demo.nnptnt"],
        assessment=dossier,
        surveyed=50,
        satisfied=48,
        method="Phiếu",
        conducted_on=dt.date(2024, 10, 1),
        minutes=minutes(),
    )
    with pytest.raises(PermissionDenied):
        services.survey_attest(actor=users["demo.nnptnt"], survey=survey)
    with pytest.raises(PermissionDenied):  # a commune officer does not attest
        services.survey_attest(actor=users["demo.vinhchanh"], survey=survey)
    with pytest.raises(Http404):
        services.survey_attest(actor=users["demo.chomoi"], survey=survey)
    survey.refresh_from_db()
    assert not survey.attested
    services.survey_attest(actor=users["demo.tinh"], survey=survey)
    with pytest.raises(ValidationError):  # attested figures are final
        services.survey_record(
            actor=users["demo.nnptnt"],
            assessment=dossier,
            surveyed=50,
            satisfied=50,
            method="Phiếu",
            conducted_on=dt.date(2024, 10, 1),
        )


def test_comments_are_rate_limited_per_client_on_the_page(dossier, client):
    url = f"/public/consultations/{dossier.consultation.pk}/"
    for i in range(3):
        r = client.post(url, {"satisfied": "1", "text": f"Ý kiến số {i}"}, REMOTE_ADDR="203.0.113.7")
        assert r.status_code == 302
    r = client.post(url, {"satisfied": "1", "text": "Ý kiến số 4"}, REMOTE_ADDR="203.0.113.7")
    assert r.status_code == 429 and "một giờ qua" in r.content.decode()
    assert ConsultationComment.objects.filter(consultation=dossier.consultation).count() == 3
    r = client.post(url, {"satisfied": "1", "text": "Ý kiến số 4"}, REMOTE_ADDR="203.0.113.8")
    assert r.status_code == 302  # another client is not held back
    stored = ConsultationComment.objects.filter(consultation=dossier.consultation).first()
    assert "203.0.113" not in stored.client_key  # only a keyed hash is kept


def test_the_same_text_is_accepted_once(dossier):
    comment(dossier.consultation, "198.51.100.1", text="Đường ấp 3 còn lầy lội")
    with pytest.raises(ValidationError) as exc:
        comment(dossier.consultation, "198.51.100.2", text="  đường  ẤP 3 con lay loi ")
    assert "cùng nội dung" in exc.value.messages[0]
    assert dossier.consultation.comments.count() == 1


def test_moderation_hides_with_a_reason_and_is_audited(dossier, users, client):
    bad = comment(dossier.consultation, "192.0.2.1", text="Quảng cáo bán hàng", satisfied=None)
    good = comment(dossier.consultation, "192.0.2.2", text="Cảm ơn xã")
    with pytest.raises(ValidationError):
        services.consultation_comment_hide(actor=users["demo.nnptnt"], comment=bad, reason=" ")
    with pytest.raises(Http404):
        services.consultation_comment_hide(actor=users["demo.chomoi"], comment=bad, reason="Rác")
    officer = Client()
    officer.force_login(users["demo.nnptnt"])
    r = officer.post(f"/recognitions/comments/{bad.pk}/hide/", {"reason": "Nội dung quảng cáo"})
    assert r.status_code == 302
    bad.refresh_from_db()
    assert bad.hidden_at is not None and bad.hidden_reason == "Nội dung quảng cáo"
    entry = AuditEntry.objects.get(action="recognition.comment_hide")
    assert entry.reason == "Nội dung quảng cáo" and entry.actor == users["demo.nnptnt"]
    page = client.get(f"/public/consultations/{dossier.consultation.pk}/").content.decode()
    assert "Quảng cáo bán hàng" not in page and good.text in page
    assert selectors.satisfaction(dossier.consultation)["comments"] == 1
    dossier_page = officer.get(f"/assessments/{dossier.pk}/").content.decode()
    assert "Quảng cáo bán hàng" in dossier_page and "đã ẩn" in dossier_page  # kept on file


def test_the_public_page_shows_the_result_published_not_live_values_after_a_reopen(dossier, users, client):
    url = f"/public/consultations/{dossier.consultation.pk}/"
    published = dossier.consultation.snapshot
    assert published["criteria_met"] == published["criteria_total"] and published["standard_met"]
    services.consultation_close(actor=users["demo.nnptnt"], assessment=dossier)
    assessment_services.assessment_transition(
        actor=users["demo.nnptnt"], assessment=dossier, transition_code="reopen", reason="Rà soát tiêu chí 3"
    )
    dossier.refresh_from_db()
    assessment_services.assessment_values_save(
        actor=users["demo.vinhchanh"], assessment=dossier, values={"3.1": 10}
    )
    from chungsuc.assessments.evaluation import evaluate_one

    assert not evaluate_one(dossier).standard_met  # the live draft now fails
    page = client.get(url).content.decode()
    total = published["criteria_total"]
    assert f"{total}/{total} tiêu chí đạt" in page and "đạt chuẩn" in page
    assert f"{total - 1}/{total}" not in page


def test_the_api_records_attests_publishes_and_moderates(dossier, users):
    from rest_framework.test import APIClient

    def api(name=None):
        c = APIClient()
        if name:
            c.force_authenticate(users[name])
        return c

    url = f"/api/v1/recognitions/dossiers/{dossier.pk}/survey/"
    assert api("demo.vinhchanh").get(url).status_code == 404  # none yet
    bad = api("demo.vinhchanh").post(url, {"surveyed": "10", "satisfied": "20", "method": "Phiếu"})
    assert bad.status_code == 400 and {"satisfied", "conducted_on", "minutes"} <= set(bad.json())
    assert api("demo.chomoi").post(url, {"surveyed": "10"}).status_code == 404  # not theirs
    r = api("demo.vinhchanh").post(
        url,
        {
            "surveyed": "100",
            "satisfied": "96",
            "method": "Phiếu",
            "conducted_on": "01/10/2024",
            "minutes": minutes(),
        },
        format="multipart",
    )
    assert r.status_code == 201 and r.json()["rate"] == 96.0 and r.json()["attested"] is False
    assert api("demo.vinhchanh").post(url + "attest/", {}, format="json").status_code == 403
    r = api("demo.nnptnt").post(url + "attest/", {"note": "Khớp"}, format="json")
    assert r.status_code == 200 and r.json()["attested"] is True

    c = comment(dossier.consultation, "192.0.2.9", text="Spam spam")
    public = api().get(f"/api/v1/recognitions/consultations/{dossier.consultation.pk}/").json()
    assert public["official_survey"]["rate"] == 96.0 and public["feedback"]["comments"] == 1
    assert public["published_result"]["standard_met"] is True
    hide = f"/api/v1/recognitions/comments/{c.pk}/hide/"
    assert api("demo.nnptnt").post(hide, {"reason": ""}, format="json").status_code == 400
    assert api("demo.nnptnt").post(hide, {"reason": "Rác"}, format="json").status_code == 200
    public = api().get(f"/api/v1/recognitions/consultations/{dossier.consultation.pk}/").json()
    assert public["comments"] == [] and public["feedback"]["comments"] == 0
