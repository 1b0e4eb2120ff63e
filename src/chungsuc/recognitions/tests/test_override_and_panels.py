"""Issue 7 §2, §4, §5 on the dossier's back half: opening the consultation of a dossier whose current
evaluation does not meet its standard needs the explicit override with a reason (audited, shown to the
next level); the decision never recognises it and names the failing criteria; the conditions panel
follows the live evaluation (also after an HTMX values save); attestation forms name their condition
and are gone once attested; evidence of the whole dossier stays visible after the dossier is locked;
a pass/fail value's history reads Đạt/Không đạt."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from chungsuc.assessments import services as assessment_services
from chungsuc.assessments.services import StandardNotMet
from chungsuc.core.models import AuditEntry
from chungsuc.core.workflow import case_for
from chungsuc.recognitions import services
from chungsuc.recognitions.models import RecognitionCondition

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
GOOD = {"1.1": "Đạt", "3.1": "90", "3.2": "Đạt", "10.1": "70", "10.2": "3"}
FAILING = GOOD | {"3.1": "60"}  # criterion 3 (Thủy lợi) fails

# The three-tier history (2021–2025): writes decided as of 31/12/2024, before the merger.
pytestmark = pytest.mark.usefixtures("acting_in_2024")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _appraised(users, framework, unit, values, *, evidence=False):
    """A 2024 dossier of Vĩnh Chánh through the district and the province (with the override the
    failing one needs at each appraisal)."""
    commune = users["demo.vinhchanh"]
    a = assessment_services.assessment_create(actor=commune, unit=unit, year=2024, framework=framework)
    assessment_services.assessment_values_save(actor=commune, assessment=a, values=values)
    if evidence:
        assessment_services.evidence_add(
            actor=commune,
            assessment=a,
            upload=SimpleUploadedFile("to-trinh.pdf", PDF, "application/pdf"),
            description="Tờ trình đề nghị",
        )
    move = assessment_services.assessment_transition
    kw = {"override": True, "override_reason": "Đang hoàn thiện công trình thủy lợi"}
    move(actor=commune, assessment=a, transition_code="submit")
    move(actor=users["demo.thoaison"], assessment=a, transition_code="approve", **kw)
    move(actor=users["demo.thoaison"], assessment=a, transition_code="submit")
    move(actor=users["demo.nnptnt"], assessment=a, transition_code="approve", **kw)
    return a


@pytest.fixture
def failing(workflows, users, framework, vinh_chanh, media):
    return _appraised(users, framework, vinh_chanh, FAILING)


def test_opening_the_consultation_of_a_failing_dossier_needs_the_override(failing, users):
    province = users["demo.nnptnt"]
    overrides_before = AuditEntry.objects.filter(action="assessment.override").count()
    with pytest.raises(StandardNotMet) as exc:
        services.consultation_open(actor=province, assessment=failing, days=15)
    assert exc.value.failing == [("3", "Thủy lợi")]
    assert case_for(failing).state.code == "province_approved"
    with pytest.raises(ValidationError) as exc:
        services.consultation_open(
            actor=province, assessment=failing, days=15, override=True, override_reason=" "
        )
    assert "override_reason" in exc.value.message_dict
    assert case_for(failing).state.code == "province_approved"
    assert not hasattr(failing, "consultation") or failing.consultation is None
    assert AuditEntry.objects.filter(action="assessment.override").count() == overrides_before

    services.consultation_open(
        actor=province,
        assessment=failing,
        days=15,
        override=True,
        override_reason="UBND tỉnh chỉ đạo công khai",
    )
    assert case_for(failing).state.code == "consultation"
    entry = AuditEntry.objects.filter(action="assessment.override", target_id=str(failing.pk)).latest("id")
    assert entry.reason == "UBND tỉnh chỉ đạo công khai"
    assert entry.changes["step"] == [None, "Công khai lấy ý kiến nhân dân"]
    assert entry.changes["failing"] == [None, "3"]


def test_the_page_asks_for_the_override_and_shows_it_to_the_next_step(failing, users, client):
    client.force_login(users["demo.nnptnt"])
    page = client.get(failing.get_absolute_url()).content.decode()
    assert 'data-testid="override-open_consultation"' in page and "3. Thủy lợi" in page
    url = f"/recognitions/dossiers/{failing.pk}/consultation/open/"
    response = client.post(url, {"days": 15, "case_version": case_for(failing).version})
    assert case_for(failing).state.code == "province_approved"
    assert "các tiêu chí chưa đạt" in client.get(response.url).content.decode()
    client.post(
        url,
        {
            "days": 15,
            "case_version": case_for(failing).version,
            "override": "1",
            "override_reason": "Công khai theo chỉ đạo",
        },
    )
    assert case_for(failing).state.code == "consultation"
    page = client.get(failing.get_absolute_url()).content.decode()
    assert 'data-testid="overrides"' in page and "Công khai theo chỉ đạo" in page
    assert "Công khai lấy ý kiến nhân dân" in page


def test_a_failing_dossier_is_never_recognised_and_the_refusal_names_the_criteria(failing, users):
    province = users["demo.nnptnt"]
    services.consultation_open(
        actor=province, assessment=failing, days=15, override=True, override_reason="Chỉ đạo"
    )
    services.consultation_close(actor=province, assessment=failing)
    for cond in RecognitionCondition.objects.filter(kind="attestation"):
        services.condition_check_set(actor=province, assessment=failing, condition=cond, met=True, note="ok")
    with pytest.raises(ValidationError) as exc:
        services.decision_record(
            actor=province,
            assessment=failing,
            recognised=True,
            number="12/QĐ-UBND",
            date=dt.date(2024, 11, 20),
            signer="Chủ tịch UBND tỉnh",
        )
    assert "3. Thủy lợi" in exc.value.messages[0]
    assert case_for(failing).state.code == "consultation_closed"


def test_conditions_follow_the_live_evaluation_and_attestations_go_once_attested(
    workflows, users, framework, vinh_chanh, media, client
):
    commune = users["demo.vinhchanh"]
    a = assessment_services.assessment_create(actor=commune, unit=vinh_chanh, year=2024, framework=framework)
    assessment_services.assessment_values_save(actor=commune, assessment=a, values=FAILING)
    client.force_login(commune)
    page = client.get(a.get_absolute_url()).content.decode()
    assert "chưa đạt: 3. Thủy lợi" in page
    # an HTMX save answers with the sheet and, out of band, the conditions panel as they now stand
    response = client.post(
        f"/assessments/{a.pk}/values/",
        {"version": a.version, "v:3.1": "85"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="dossier-conditions" hx-swap-oob="true"' in body
    panel = body[body.index('id="dossier-conditions"') :]
    assert "3/3 tiêu chí" in panel and "chưa đạt: 3. Thủy lợi" not in panel

    move = assessment_services.assessment_transition
    move(actor=commune, assessment=a, transition_code="submit")
    district = users["demo.thoaison"]
    client.force_login(district)
    page = client.get(a.get_absolute_url()).content.decode()
    attestations = list(
        RecognitionCondition.objects.filter(kind="attestation").filter(levels__contains="commune")
    )
    assert attestations
    first = attestations[0]
    # each form carries its condition's name as a visible label
    form_html = page[page.index(f'data-testid="attest-form-{first.code}"') :]
    assert first.name in form_html[: form_html.index("</form>")]
    client.post(
        f"/recognitions/dossiers/{a.pk}/condition/",
        {"condition": first.pk, "met": "1", "note": "Đã đối chiếu"},
    )
    page = client.get(a.get_absolute_url()).content.decode()
    assert f'data-testid="attest-form-{first.code}"' not in page
    for other in attestations[1:]:
        assert f'data-testid="attest-form-{other.code}"' in page


def test_evidence_of_the_whole_dossier_stays_visible_after_the_lock(
    workflows, users, framework, vinh_chanh, media, client
):
    a = _appraised(users, framework, vinh_chanh, GOOD, evidence=True)
    assert case_for(a).state.locks_data
    for username in ("demo.nnptnt", "demo.thoaison", "demo.vinhchanh"):
        client.force_login(users[username])
        page = client.get(a.get_absolute_url()).content.decode()
        assert 'data-testid="general-evidence"' in page and "to-trinh.pdf" in page, username
        assert 'data-testid="evidence-form"' not in page  # locked: nothing to upload


def test_a_pass_fail_value_history_reads_dat_khong_dat(workflows, users, framework, vinh_chanh, client):
    commune = users["demo.vinhchanh"]
    a = assessment_services.assessment_create(actor=commune, unit=vinh_chanh, year=2024, framework=framework)
    assessment_services.assessment_values_save(
        actor=commune, assessment=a, values={"1.1": "Đạt", "10.1": "1234.5"}
    )
    a.refresh_from_db()
    assessment_services.assessment_values_save(
        actor=commune, assessment=a, values={"1.1": "Không đạt"}, expected_version=a.version
    )
    client.force_login(commune)
    history = client.get(f"/assessments/{a.pk}/history/1.1/").content.decode()
    assert "Không đạt" in history and "Đạt" in history
    assert ": 1.0" not in history and ": 0.0" not in history and ": 1<" not in history
    numbers = client.get(f"/assessments/{a.pk}/history/10.1/").content.decode()
    assert "1.234,5" in numbers
