"""Failing dossiers do not pass through without a word (issue 7 §2): approving a dossier whose current
evaluation does not meet its standard lists the failing criteria and needs an explicit override with a
reason — audited and shown on the dossier to the next level; submitting with values missing asks for
confirmation and says how many."""

import pytest
from django.core.exceptions import ValidationError

from chungsuc.assessments import services
from chungsuc.core.models import AuditEntry
from chungsuc.core.workflow import case_for

# The three-tier history (2021–2025): writes decided as of 31/12/2024, before the merger.
pytestmark = pytest.mark.usefixtures("acting_in_2024")


@pytest.fixture
def failing(workflows, users, framework, vinh_chanh):
    a = services.assessment_create(
        actor=users["demo.vinhchanh"], unit=vinh_chanh, year=2024, framework=framework
    )
    services.assessment_values_save(
        actor=users["demo.vinhchanh"],
        assessment=a,
        values={"1.1": "Đạt", "3.1": "60", "3.2": "Đạt", "10.1": "65", "10.2": "12"},
    )
    services.assessment_transition(actor=users["demo.vinhchanh"], assessment=a, transition_code="submit")
    return a


def test_approving_a_failing_dossier_needs_an_override_with_a_reason(failing, users):
    district = users["demo.thoaison"]
    with pytest.raises(services.StandardNotMet) as exc:
        services.assessment_transition(actor=district, assessment=failing, transition_code="approve")
    assert exc.value.failing == [("3", "Thủy lợi")]
    assert "3. Thủy lợi" in exc.value.messages[0]
    assert case_for(failing).state.code == "district_review"
    with pytest.raises(ValidationError) as exc:
        services.assessment_transition(
            actor=district, assessment=failing, transition_code="approve", override=True, override_reason="  "
        )
    assert "override_reason" in exc.value.message_dict
    assert case_for(failing).state.code == "district_review"
    assert not AuditEntry.objects.filter(action="assessment.override").exists()
    services.assessment_transition(
        actor=district,
        assessment=failing,
        transition_code="approve",
        override=True,
        override_reason="Công trình thủy lợi sắp nghiệm thu",
    )
    assert case_for(failing).state.code == "district_approved"
    entry = AuditEntry.objects.get(action="assessment.override", target_id=str(failing.pk))
    assert entry.reason == "Công trình thủy lợi sắp nghiệm thu"
    assert entry.changes["failing"] == [None, "3"] and entry.changes["criteria_met"] == [None, "2/3"]


def test_the_override_is_shown_to_the_next_level_and_the_page_asks_for_it(failing, users, client):
    client.force_login(users["demo.thoaison"])
    page = client.get(failing.get_absolute_url()).content.decode()
    assert 'data-testid="override-approve"' in page and "3. Thủy lợi" in page
    response = client.post(
        f"/assessments/{failing.pk}/transition/",
        {"transition": "approve", "case_version": case_for(failing).version},
    )
    assert case_for(failing).state.code == "district_review"
    assert "các tiêu chí chưa đạt" in client.get(response.url).content.decode()
    client.post(
        f"/assessments/{failing.pk}/transition/",
        {
            "transition": "approve",
            "case_version": case_for(failing).version,
            "override": "1",
            "override_reason": "Đã có kế hoạch khắc phục",
        },
    )
    assert case_for(failing).state.code == "district_approved"
    client.force_login(users["demo.nnptnt"])
    page = client.get(failing.get_absolute_url()).content.decode()
    assert 'data-testid="overrides"' in page and "Đã có kế hoạch khắc phục" in page


def test_submitting_with_values_missing_asks_for_confirmation_with_the_count(
    workflows, users, framework, vinh_chanh, client
):
    a = services.assessment_create(
        actor=users["demo.vinhchanh"], unit=vinh_chanh, year=2024, framework=framework
    )
    services.assessment_values_save(
        actor=users["demo.vinhchanh"], assessment=a, values={"1.1": "Đạt", "3.1": "85"}
    )
    client.force_login(users["demo.vinhchanh"])
    page = client.get(a.get_absolute_url()).content.decode()
    assert 'data-testid="confirm-missing"' in page and "Còn 3 chỉ tiêu chưa có số liệu" in page
    response = client.post(f"/assessments/{a.pk}/transition/", {"transition": "submit", "case_version": 1})
    assert case_for(a).state.code == "draft"
    assert "Còn 3 chỉ tiêu chưa có số liệu" in client.get(response.url).content.decode()
    client.post(
        f"/assessments/{a.pk}/transition/",
        {"transition": "submit", "case_version": 1, "confirm_missing": "1"},
    )
    assert case_for(a).state.code == "district_review"
