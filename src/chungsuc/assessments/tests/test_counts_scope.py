"""The dashboard's set-at-a-time counts give what row-by-row reads would (states by latest case,
scopes that cover every unit read without an IN list)."""

from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from chungsuc.assessments import selectors
from chungsuc.assessments.models import Assessment
from chungsuc.core.models import Workflow, WorkflowCase, WorkflowState

# The three-tier history (2021–2025): writes decided as of 31/12/2024, before the merger.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("acting_in_2024")]


def _by_state_row_by_row(user) -> Counter:
    return Counter(a.state_name for a in selectors.assessments_for(user))


def test_state_counts_follow_the_latest_case(users, framework, vinh_chanh):
    User = get_user_model()
    assessment = Assessment.objects.create(unit=vinh_chanh, year=2024, framework=framework)
    Assessment.objects.create(unit=vinh_chanh, year=2023, framework=framework)  # no case at all
    ct = ContentType.objects.get_for_model(Assessment)
    first = Workflow.objects.create(code="kiem-thu-dau", name="Quy trình đầu")
    first_state = WorkflowState.objects.create(workflow=first, code="dau", name="Trạng thái đầu")
    WorkflowCase.objects.create(
        workflow=first, content_type=ct, object_id=assessment.pk, unit_id=vinh_chanh.pk, state=first_state
    )
    # a second, later case of another workflow for the same dossier: its state is the one counted
    other = Workflow.objects.create(code="kiem-thu-dem", name="Quy trình kiểm thử")
    later_state = WorkflowState.objects.create(workflow=other, code="xem-xet", name="Trạng thái kiểm thử")
    ct = ContentType.objects.get_for_model(Assessment)
    WorkflowCase.objects.create(
        workflow=other,
        content_type=ct,
        object_id=assessment.pk,
        unit_id=assessment.unit_id,
        state=later_state,
    )
    superuser = User.objects.create_superuser("kiem.thu.dem", password="x")
    for user in [superuser, *User.objects.filter(username__startswith="demo.")]:
        expected = _by_state_row_by_row(user)
        counted = selectors.assessment_counts_by_state(user)
        assert Counter({k: v for k, v in counted.items() if v}) == +expected, user.username
    counted = selectors.assessment_counts_by_state(superuser)
    assert counted["Trạng thái kiểm thử"] == 1
    assert "Trạng thái đầu" not in counted
    assert counted[None] == 1
