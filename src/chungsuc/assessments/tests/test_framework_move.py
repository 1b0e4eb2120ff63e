"""Open dossiers follow a corrected framework; a decided one keeps its version (issue 7 §1)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chungsuc.assessments import services
from chungsuc.assessments.models import EvaluationResult
from chungsuc.core.models import AuditEntry

# The three-tier history (2021–2025): writes decided as of 31/12/2024, before the merger.
pytestmark = pytest.mark.usefixtures("acting_in_2024")


@pytest.fixture
def dossier(workflows, users, framework, vinh_chanh):
    a = services.assessment_create(
        actor=users["demo.vinhchanh"], unit=vinh_chanh, year=2024, framework=framework
    )
    services.assessment_values_save(
        actor=users["demo.vinhchanh"],
        assessment=a,
        values={"1.1": "Đạt", "3.1": "75", "3.2": "Đạt", "10.1": "65", "10.2": "12"},
    )
    return a


def _correct_threshold(users, framework):
    from chungsuc.criteria.models import ThresholdRule
    from chungsuc.criteria.services import threshold_update

    rule = ThresholdRule.objects.get(framework=framework, key="3.1")
    return threshold_update(actor=users["demo.nnptnt"], rule=rule, value="70", reason="Sửa theo văn bản")


def test_an_undecided_dossier_shows_the_new_version_and_moves_with_a_reason(
    dossier, users, framework, client
):
    assert not EvaluationResult.objects.filter(assessment=dossier).latest("id").standard_met
    new_rule = _correct_threshold(users, framework)
    new_fw = new_rule.framework
    assert services.newer_framework(dossier) == new_fw
    client.force_login(users["demo.vinhchanh"])
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert "có phiên bản mới" in page and 'data-testid="framework-move-form"' in page
    listing = client.get("/assessments/").content.decode()
    assert 'data-testid="newer-framework-badge"' in listing

    with pytest.raises(ValidationError):
        services.assessment_framework_move(actor=users["demo.vinhchanh"], assessment=dossier, reason=" ")
    with pytest.raises(PermissionDenied):
        services.assessment_framework_move(actor=users["demo.so"], assessment=dossier, reason="x")
    response = client.post(
        f"/assessments/{dossier.pk}/framework/move/", {"reason": "Ngưỡng 3.1 đã sửa", "scope": "one"}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.framework_id == new_fw.pk
    latest = EvaluationResult.objects.filter(assessment=dossier).latest("id")
    assert latest.framework_version == str(new_fw.version) and latest.standard_met
    entry = AuditEntry.objects.get(action="assessment.framework_move", target_id=str(dossier.pk))
    assert entry.reason == "Ngưỡng 3.1 đã sửa"
    assert entry.changes["framework_version"] == [1, new_fw.version]
    assert services.newer_framework(dossier) is None
    assert "có phiên bản mới" not in client.get(dossier.get_absolute_url()).content.decode()


def test_a_decided_dossier_keeps_its_version(dossier, users, framework):
    from chungsuc.core.models import WorkflowState
    from chungsuc.core.workflow import case_for

    case = case_for(dossier)
    final = WorkflowState.objects.filter(workflow=case.workflow, is_final=True).first()
    type(case).objects.filter(pk=case.pk).update(state=final)
    _correct_threshold(users, framework)
    assert services.newer_framework(dossier) is None
    with pytest.raises(ValidationError, match="đã có quyết định"):
        services.assessment_framework_move(actor=users["demo.nnptnt"], assessment=dossier, reason="x")
    assert (
        services.assessments_framework_move_all(
            actor=users["demo.nnptnt"], framework_code=framework.code, reason="x"
        )
        == 0
    )
    dossier.refresh_from_db()
    assert dossier.framework_id == framework.pk


def test_the_province_moves_every_undecided_dossier_at_once(dossier, users, framework, an_giang):
    from chungsuc.geo.selectors import unit_by_code

    other = services.assessment_create(
        actor=users["demo.thoaison"], unit=unit_by_code("30706", "2024-06-30"), year=2024, framework=framework
    )
    new_fw = _correct_threshold(users, framework).framework
    with pytest.raises(PermissionDenied):
        services.assessments_framework_move_all(
            actor=users["demo.vinhchanh"], framework_code=framework.code, reason="x"
        )
    n = services.assessments_framework_move_all(
        actor=users["demo.nnptnt"], framework_code=framework.code, reason="Sửa ngưỡng 3.1"
    )
    assert n == 2
    for a in (dossier, other):
        a.refresh_from_db()
        assert a.framework_id == new_fw.pk
    assert AuditEntry.objects.filter(action="assessment.framework_move", reason="Sửa ngưỡng 3.1").count() == 2
