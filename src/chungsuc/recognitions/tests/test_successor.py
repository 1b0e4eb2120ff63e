"""Writes are decided as of today; an abolished unit's open business passes to its successor.

A 2024 dossier of Xã Vĩnh Chánh (huyện Thoại Sơn, both ended on 30/6/2025, Vĩnh Chánh merged into Xã Phú
Hòa) was left pending in the three-tier path. In December 2026 Thoại Sơn's and Vĩnh Chánh's officers
still read it but can no longer change it; the successor commune's officer and the province finish it,
and the three-tier history (district_review, district_approved, province_review …) is kept."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from chungsuc.accounts.permissions import acting_as_of
from chungsuc.assessments import selectors, services
from chungsuc.assessments.models import AssessmentValue
from chungsuc.core import workflow as wf
from chungsuc.core.models import AuditEntry
from chungsuc.core.workflow import WorkflowPermissionError

BEFORE_THE_MERGER = dt.date(2025, 6, 15)
VALUES = {"1.1": "Đạt", "3.1": "85", "3.2": "Đạt", "10.1": "65", "10.2": "12"}


def state(a):
    return wf.case_for(a).state.code


@pytest.fixture
def pending_2024(workflows, framework, vinh_chanh, users):
    """Vĩnh Chánh's 2024 dossier, appraised by the district before 30/6/2025 and never sent on."""
    with acting_as_of(BEFORE_THE_MERGER):
        a = services.assessment_create(
            actor=users["demo.vinhchanh"], unit=vinh_chanh, year=2024, framework=framework
        )
        services.assessment_values_save(actor=users["demo.vinhchanh"], assessment=a, values=VALUES)
        services.assessment_transition(actor=users["demo.vinhchanh"], assessment=a, transition_code="submit")
        services.assessment_transition(actor=users["demo.thoaison"], assessment=a, transition_code="approve")
    a.refresh_from_db()
    assert state(a) == "district_approved"
    return a


def _written():
    return AuditEntry.objects.count(), AssessmentValue.objects.count()


def test_a_write_after_the_jurisdiction_ended_is_refused_and_writes_nothing(pending_2024, users):
    a = pending_2024
    before = _written()
    for name, transition in [("demo.thoaison", "submit"), ("demo.vinhchanh", "submit")]:
        with pytest.raises((PermissionDenied, WorkflowPermissionError)):
            services.assessment_transition(actor=users[name], assessment=a, transition_code=transition)
    # the reason names what was refused, in Vietnamese
    with pytest.raises(PermissionDenied) as refused:
        services.assessment_values_save(actor=users["demo.vinhchanh"], assessment=a, values={"3.1": "90"})
    assert "không có quyền nhập số liệu" in str(refused.value)
    assert _written() == before and state(a) == "district_approved"
    # reading stays: both still open the dossier of their former jurisdiction
    assert selectors.assessment_or_404(users["demo.thoaison"], a.pk) == a
    assert selectors.assessment_or_404(users["demo.vinhchanh"], a.pk) == a
    # and the same people could write it when it was theirs
    with acting_as_of(BEFORE_THE_MERGER):
        assert wf.available_transitions(users["demo.thoaison"], wf.case_for(a))


def test_the_successor_and_the_province_finish_the_2024_dossier_keeping_the_three_tiers(pending_2024, users):
    a = pending_2024
    province, successor = users["demo.nnptnt"], users["demo.phuhoa"]
    # the district's pending step (send to the province) passes to the province: no district exists today
    services.assessment_transition(actor=province, assessment=a, transition_code="submit")
    assert state(a) == "province_review"
    services.assessment_transition(
        actor=province, assessment=a, transition_code="return", reason="Bổ sung 3.1"
    )
    assert state(a) == "returned"
    # the successor commune's officer (Phú Hòa) reads, corrects and resubmits Vĩnh Chánh's dossier
    assert selectors.assessment_or_404(successor, a.pk) == a
    a.refresh_from_db()
    services.assessment_values_save(
        actor=successor, assessment=a, values={"3.1": "90"}, expected_version=a.version
    )
    assert AssessmentValue.objects.get(assessment=a, indicator_code="3.1").value == 90
    services.assessment_transition(actor=successor, assessment=a, transition_code="submit")
    assert state(a) == "district_review"  # the three-tier path is kept
    # Thoại Sơn's officer cannot take the district's step any more; the province takes it
    with pytest.raises((PermissionDenied, WorkflowPermissionError)):
        services.assessment_transition(actor=users["demo.thoaison"], assessment=a, transition_code="approve")
    services.assessment_transition(actor=province, assessment=a, transition_code="approve")
    services.assessment_transition(actor=province, assessment=a, transition_code="submit")
    services.assessment_transition(actor=province, assessment=a, transition_code="approve")
    assert state(a) == "province_approved"
    path = [(e.to_state.code, e.actor.username) for e in wf.case_history(wf.case_for(a)) if e.actor]
    assert path[0] == ("draft", "demo.vinhchanh")  # the case was started when the dossier was made
    assert path[1:3] == [("district_review", "demo.vinhchanh"), ("district_approved", "demo.thoaison")]
    assert ("district_review", "demo.phuhoa") in path
    assert ("district_approved", "demo.nnptnt") in path
    assert path[-1] == ("province_approved", "demo.nnptnt")
    # another district's officer still gets nothing
    with pytest.raises(Exception) as outsider:
        selectors.assessment_or_404(users["demo.chomoi"], a.pk)
    assert outsider.typename == "Http404"
