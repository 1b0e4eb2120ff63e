import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from chungsuc.assessments import services
from chungsuc.assessments.models import AssessmentValue, EvaluationResult
from chungsuc.core.concurrency import ConflictError
from chungsuc.core.models import AuditEntry

# The three-tier history (2021–2025): writes decided as of 31/12/2024, before the merger.
pytestmark = pytest.mark.usefixtures("acting_in_2024")


@pytest.fixture
def assessment(workflows, users, framework, vinh_chanh):
    return services.assessment_create(
        actor=users["demo.vinhchanh"], unit=vinh_chanh, year=2024, framework=framework
    )


def test_create_starts_three_tier_workflow_for_2024(assessment):
    from chungsuc.core.workflow import case_for

    case = case_for(assessment)
    assert case.workflow.code == "ntm-recognition-3-tier"
    assert case.state.code == "draft"
    assert AuditEntry.objects.filter(action="assessment.create", target_id=str(assessment.pk)).exists()


def test_save_values_evaluates_stores_and_audits(assessment, users):
    result = services.assessment_values_save(
        actor=users["demo.vinhchanh"],
        assessment=assessment,
        values={"1.1": "Đạt", "3.1": "79,9", "3.2": "Đạt"},
        comments={"3.1": "Theo báo cáo thủy lợi"},
        expected_version=1,
    )
    assert result.criteria_met == 1  # only criterion 1; 3.1 at 79.9 % < 80 %
    assert not result.standard_met
    assert "10.1" in result.missing
    assessment.refresh_from_db()
    assert assessment.version == 2
    assert assessment.filled == 3
    v = AssessmentValue.objects.get(assessment=assessment, indicator_code="3.1")
    assert v.value == pytest.approx(79.9)
    assert v.comment == "Theo báo cáo thủy lợi"
    assert v.history.count() == 1
    stored = EvaluationResult.objects.filter(assessment=assessment).latest("id")
    assert stored.values_hash == assessment.values_hash
    assert stored.framework_version == "1"
    assert stored.criteria == {"1": "met", "3": "not_met", "10": "missing"}
    entry = AuditEntry.objects.get(action="assessment.values", target_id=str(assessment.pk))
    assert entry.changes["3.1"] == ["", "79,9"]

    result = services.assessment_values_save(
        actor=users["demo.vinhchanh"],
        assessment=assessment,
        values={"3.1": 80, "10.1": "65", "10.2": 12},
        expected_version=2,
    )
    assert result.standard_met
    assert result.criteria_met == 3


def test_second_stale_save_is_refused_and_changes_nothing(assessment, users):
    officer = users["demo.vinhchanh"]
    services.assessment_values_save(
        actor=officer, assessment=assessment, values={"3.1": 85}, expected_version=1
    )
    with pytest.raises(ConflictError):
        services.assessment_values_save(
            actor=officer, assessment=assessment, values={"3.1": 50}, expected_version=1
        )
    assert AssessmentValue.objects.get(assessment=assessment, indicator_code="3.1").value == 85


def test_bad_values_name_the_indicator_and_write_nothing(assessment, users):
    with pytest.raises(ValidationError) as exc:
        services.assessment_values_save(
            actor=users["demo.vinhchanh"],
            assessment=assessment,
            values={"3.1": "120", "10.2": "-1", "1.1": "có lẽ", "9.9": "1"},
        )
    text = str(exc.value)
    assert "3.1" in text and "0–100" in text
    assert "10.2" in text and "âm" in text
    assert "1.1" in text and "9.9" in text
    assert not AssessmentValue.objects.filter(assessment=assessment).exists()


def test_other_district_gets_404_and_locked_data_is_read_only(assessment, users):
    with pytest.raises(Http404):
        services.assessment_values_save(actor=users["demo.chomoi"], assessment=assessment, values={"3.1": 90})
    services.assessment_transition(
        actor=users["demo.vinhchanh"], assessment=assessment, transition_code="submit"
    )
    with pytest.raises(ValidationError, match="chỉ được xem"):
        services.assessment_values_save(
            actor=users["demo.vinhchanh"], assessment=assessment, values={"3.1": 90}
        )


def test_participant_officer_cannot_enter_values(assessment, users, vinh_chanh):
    with pytest.raises((PermissionDenied, Http404)):
        services.assessment_values_save(actor=users["demo.so"], assessment=assessment, values={"3.1": 90})
