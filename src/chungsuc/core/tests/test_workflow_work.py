"""The engine's new parts on a toy subject (auth Groups), independent of any domain: definition checks,
per-subject and per-anchor "who may act", parallel tasks, council votes, due dates with reminders and
overdue moves by the scheduled job, batch transitions."""

import copy
import datetime as dt
from fractions import Fraction

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from chungsuc.core import workflow as wf
from chungsuc.core.models import (
    AuditEntry,
    Notification,
    WorkflowBallot,
    WorkflowEvent,
    WorkflowReminder,
    WorkflowTask,
)
from chungsuc.core.tests.conftest import COMMUNE, THREE_TIER
from chungsuc.core.workflow_tasks import needed, tally_outcome

DEPT_A, DEPT_B, APPLICANT_ORG = 501, 502, 777


def _messages(excinfo) -> str:
    return " ".join(excinfo.value.messages)


def _group(name):
    return Group.objects.create(name=name)


# --- definitions: codes validated, meanings as flags ------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["transitions"][0].update(roles=["commune_oficer"]),
            "vai trò không tồn tại: commune_oficer",
        ),
        (lambda d: d["transitions"][0].update(anchor="street"), "«anchor» phải là unit, organisation"),
        (lambda d: d["states"][1].update(due_days=-2), "«due_days» phải là số ngày"),
        (lambda d: d["states"][1].update(reminder_days="3"), "«reminder_days» phải là danh sách"),
        (
            lambda d: d["states"][1].update(overdue_transition="expire"),
            "không có thao tác này từ trạng thái đó",
        ),
        (lambda d: d["states"][1].update(overdue_transition="approve"), "roles» phải có «system»"),
        (
            lambda d: d["states"][1].update(advance={"when": "all", "transition": "approve"}),
            "không có nhiệm vụ nào",
        ),
        (
            lambda d: d["states"][1].update(tasks=[{"code": "v", "name": "Bỏ phiếu", "kind": "vote"}]),
            "cần «members_roles»",
        ),
        (
            lambda d: d["states"][1].update(
                tasks=[
                    {
                        "code": "v",
                        "name": "Bỏ phiếu",
                        "kind": "vote",
                        "members_roles": ["council_member"],
                        "quorum": "3/2",
                    }
                ]
            ),
            "tỷ lệ «3/2» không hợp lệ",
        ),
        (
            lambda d: d["states"][1].update(
                tasks=[{"code": "t", "name": "Thẩm định", "roles": ["deparment"]}]
            ),
            "vai trò không tồn tại: deparment",
        ),
    ],
)
def test_bad_codes_and_rules_are_refused_at_definition_time(db, stub_hooks, mutate, expected):
    data = copy.deepcopy(THREE_TIER)
    mutate(data)
    with pytest.raises(wf.WorkflowError) as exc:
        wf.workflow_define(actor=None, **data)
    assert expected in _messages(exc)
    assert not wf.Workflow.objects.filter(code=data["code"]).exists()


def test_state_meanings_are_flags_and_redefinition_is_idempotent(db, stub_hooks):
    data = copy.deepcopy(THREE_TIER)
    data["states"][4].update(is_public=True)
    data["states"][1].update(due_days=15, reminder_days=[3, -5, -1])
    workflow = wf.workflow_define(actor=None, **data)
    recognised = workflow.states.get(code="recognised")
    assert recognised.is_public and recognised.is_final and recognised.locks_data
    submitted = workflow.states.get(code="submitted")
    assert submitted.due_days == 15 and submitted.reminder_days == [-5, -1, 3]
    audits = AuditEntry.objects.filter(action="workflow.define").count()
    wf.workflow_define(actor=None, **data)
    assert AuditEntry.objects.filter(action="workflow.define").count() == audits


def test_ratios_parse_as_data():
    assert wf.parse_ratio("2/3") == (Fraction(2, 3), False)
    assert wf.parse_ratio(">1/2") == (Fraction(1, 2), True)
    assert wf.parse_ratio("70%") == (Fraction(7, 10), False)
    assert wf.parse_ratio("0,5") == (Fraction(1, 2), False)
    for bad in ("", "0", "abc", "150%", "1/0"):
        with pytest.raises(wf.WorkflowError):
            wf.parse_ratio(bad)


def test_vote_arithmetic_at_the_boundaries():
    assert needed(Fraction(1, 2), True, 4) == 3  # more than half of 4
    assert needed(Fraction(1, 2), False, 4) == 2  # at least half of 4
    assert needed(Fraction(2, 3), False, 4) == 3
    base = {"quorum": "2/3", "threshold": ">1/2", "threshold_of": "cast"}
    assert tally_outcome(eligible=6, yes=3, no=1, abstain=0, **base)["outcome"] == "passed"
    assert (
        tally_outcome(eligible=6, yes=2, no=2, abstain=0, **base)["outcome"] == "failed"
    )  # 2 of 4 is not > 1/2
    assert tally_outcome(eligible=6, yes=3, no=0, abstain=0, **base)["outcome"] == "no_quorum"  # 3 < 4
    by_members = {**base, "threshold_of": "members"}
    assert tally_outcome(eligible=6, yes=3, no=0, abstain=1, **by_members)["outcome"] == "failed"  # 3 of 6
    assert tally_outcome(eligible=6, yes=4, no=0, abstain=0, **by_members)["outcome"] == "passed"
    assert tally_outcome(eligible=0, yes=0, no=0, abstain=0, **base)["outcome"] == "no_quorum"


# --- who may act: anchors and per-subject hooks -----------------------------------------------

ORG_REPORT = {
    "code": "test-org-report",
    "name": "Báo cáo của cơ quan (thử)",
    "states": [
        {"code": "draft", "name": "Đang soạn", "is_initial": True},
        {"code": "submitted", "name": "Đã gửi", "locks_data": True},
        {"code": "accepted", "name": "Đã tiếp nhận", "is_final": True, "locks_data": True},
    ],
    "transitions": [
        {
            "code": "submit",
            "name": "Gửi báo cáo",
            "source": "draft",
            "target": "submitted",
            "roles": ["participant_officer"],
            "anchor": "organisation",
        },
        {
            "code": "accept",
            "name": "Tiếp nhận",
            "source": "submitted",
            "target": "accepted",
            "roles": ["province_admin"],
        },
    ],
}


def test_organisation_anchor_lets_only_the_organisations_officer_act(
    db, stub_hooks, people, django_user_model
):
    dept_officer = django_user_model.objects.create_user(username="soA", password="x")
    other_officer = django_user_model.objects.create_user(username="soB", password="x")
    stub_hooks.join(dept_officer, DEPT_A, "participant_officer")
    stub_hooks.join(other_officer, DEPT_B, "participant_officer")
    stub_hooks.grant(other_officer, COMMUNE, "participant_officer")  # a unit grant does not count here
    wf.workflow_define(actor=None, **ORG_REPORT)
    case = wf.case_start(
        actor=dept_officer,
        workflow="test-org-report",
        subject=_group("BC sở A"),
        unit_id=COMMUNE,
        organisation_id=DEPT_A,
    )
    assert [t.code for t in wf.available_transitions(other_officer, case)] == []
    with pytest.raises(wf.WorkflowPermissionError):
        wf.case_transition(actor=other_officer, case=case, transition_code="submit")
    case = wf.case_transition(actor=dept_officer, case=case, transition_code="submit")
    assert case.state.code == "submitted"
    # the next step (province admin over the unit) is notified
    assert Notification.objects.filter(recipient=people["province"]).exists()
    case = wf.case_transition(actor=people["province"], case=case, transition_code="accept")
    assert case.state.code == "accepted"


def test_a_subject_can_plug_its_own_who_may_act_check(three_tier, people):
    asked = []

    def only_the_province(user, case, roles, transition):
        asked.append((user.username, tuple(roles), getattr(transition, "code", None)))
        return user.username == "tinh"

    wf.workflow_subject_register(Group, can_act=only_the_province)
    try:
        case = wf.case_start(
            actor=people["commune"], workflow=three_tier, subject=_group("X"), unit_id=COMMUNE
        )
        with pytest.raises(wf.WorkflowPermissionError):
            wf.case_transition(actor=people["commune"], case=case, transition_code="submit")
        case = wf.case_transition(actor=people["province"], case=case, transition_code="submit")
        assert case.state.code == "submitted"
        assert ("xa", ("commune_officer",), "submit") in asked
    finally:
        wf._SUBJECT_HOOKS.clear()


def test_a_subjects_recipients_hook_is_asked_for_each_next_transition(three_tier, people):
    asked = []

    def recipients(case, roles, transition):
        asked.append(transition.code if transition else None)
        return [people["province"]] if transition and transition.code == "approve" else []

    wf.workflow_subject_register(Group, recipients=recipients)
    try:
        case = wf.case_start(
            actor=people["commune"], workflow=three_tier, subject=_group("Z"), unit_id=COMMUNE
        )
        wf.case_transition(actor=people["commune"], case=case, transition_code="submit")
        assert sorted(asked) == ["approve", "return"]  # the two steps out of «submitted», by name
        assert Notification.objects.filter(recipient=people["province"]).count() == 1
        assert not Notification.objects.filter(recipient=people["district"]).exists()
    finally:
        wf._SUBJECT_HOOKS.clear()


# --- parallel tasks -----------------------------------------------------------------------------

APPRAISAL = {
    "code": "test-appraisal",
    "name": "Thẩm định liên ngành (thử)",
    "states": [
        {"code": "draft", "name": "Đang soạn", "is_initial": True},
        {
            "code": "appraisal",
            "name": "Các sở đang thẩm định",
            "locks_data": True,
            "tasks": [
                {
                    "code": "district",
                    "name": "Huyện cho ý kiến",
                    "roles": ["district_officer"],
                    "outcomes": ["agree", "disagree"],
                }
            ],
            "advance": {"when": "all", "transition": "appraised", "on_outcome": {"disagree": "return"}},
        },
        {"code": "appraised", "name": "Đã thẩm định", "locks_data": True},
        {"code": "returned", "name": "Bị trả lại"},
        {"code": "done", "name": "Xong", "is_final": True},
    ],
    "transitions": [
        {
            "code": "submit",
            "name": "Nộp",
            "source": "draft",
            "target": "appraisal",
            "roles": ["commune_officer"],
        },
        {
            "code": "appraised",
            "name": "Thẩm định xong",
            "source": "appraisal",
            "target": "appraised",
            "roles": ["system", "province_admin"],
            "requires_tasks_done": True,
        },
        {
            "code": "return",
            "name": "Trả lại",
            "source": "appraisal",
            "target": "returned",
            "roles": ["system", "province_admin"],
            "requires_reason": True,
        },
        {
            "code": "resubmit",
            "name": "Nộp lại",
            "source": "returned",
            "target": "appraisal",
            "roles": ["commune_officer"],
        },
        {
            "code": "finish",
            "name": "Kết thúc",
            "source": "appraised",
            "target": "done",
            "roles": ["province_admin"],
        },
    ],
}


@pytest.fixture
def departments(db, stub_hooks, django_user_model):
    a = django_user_model.objects.create_user(username="so-a", password="x", email="a@example.invalid")
    b = django_user_model.objects.create_user(username="so-b", password="x", email="b@example.invalid")
    stub_hooks.join(a, DEPT_A, "participant_officer")
    stub_hooks.join(b, DEPT_B, "participant_officer")
    return {"a": a, "b": b}


def _appraisal_case(people, departments):
    wf.workflow_define(actor=None, **APPRAISAL)
    case = wf.case_start(
        actor=people["commune"], workflow="test-appraisal", subject=_group("Hồ sơ"), unit_id=COMMUNE
    )
    case = wf.case_transition(actor=people["commune"], case=case, transition_code="submit")
    for code, org in (("so-a", DEPT_A), ("so-b", DEPT_B)):
        wf.task_create(
            actor=people["province"],
            case=case,
            code=code,
            name=f"Sở {code[-1].upper()} thẩm định",
            assignee_organisation_id=org,
            outcomes=["agree", "disagree"],
        )
    return case


def test_parallel_tasks_advance_the_case_when_all_are_done(people, departments):
    case = _appraisal_case(people, departments)
    tasks = {t.code: t for t in wf.tasks_of(case)}
    assert set(tasks) == {"district", "so-a", "so-b"}  # one from the state's data, two added
    assert Notification.objects.filter(recipient=departments["a"], title__contains="Sở A thẩm định").exists()
    with pytest.raises(wf.WorkflowError) as exc:  # a human may not skip the open tasks
        wf.case_transition(actor=people["province"], case=case, transition_code="appraised")
    assert "còn nhiệm vụ chưa xong" in _messages(exc)
    with pytest.raises(wf.WorkflowPermissionError):  # department B cannot finish A's task
        wf.task_complete(actor=departments["b"], task=tasks["so-a"], outcome="agree")
    with pytest.raises(wf.WorkflowError) as exc:
        wf.task_complete(actor=departments["a"], task=tasks["so-a"], outcome="maybe")
    assert "Kết quả «maybe» không hợp lệ" in _messages(exc)

    wf.task_complete(actor=departments["a"], task=tasks["so-a"], outcome="agree", comment="Đạt")
    wf.task_complete(actor=people["district"], task=tasks["district"], outcome="agree")
    case.refresh_from_db()
    assert case.state.code == "appraisal"  # B has not finished
    with pytest.raises(wf.WorkflowError) as exc:
        wf.task_complete(actor=departments["a"], task=tasks["so-a"], outcome="agree")
    assert "đã đã xong" in _messages(exc) or "đã xong" in _messages(exc)

    wf.task_complete(actor=departments["b"], task=tasks["so-b"], outcome="agree")
    case.refresh_from_db()
    assert case.state.code == "appraised"
    move = WorkflowEvent.objects.filter(case=case).order_by("-id").first()
    assert move.actor is None and move.actor_repr == "hệ thống" and "Sở B thẩm định" in move.reason
    completions = AuditEntry.objects.filter(action="workflow.task_complete", target_id=str(case.object_id))
    assert completions.count() == 3
    assert {e.actor_id for e in completions} == {
        departments["a"].pk,
        departments["b"].pk,
        people["district"].pk,
    }


def test_a_disagreeing_department_returns_the_case_and_a_new_stay_opens_new_tasks(people, departments):
    case = _appraisal_case(people, departments)
    tasks = {t.code: t for t in wf.tasks_of(case)}
    wf.task_complete(
        actor=departments["a"], task=tasks["so-a"], outcome="disagree", comment="Thiếu hồ sơ đất"
    )
    wf.task_complete(actor=departments["b"], task=tasks["so-b"], outcome="agree")
    wf.task_complete(actor=people["district"], task=tasks["district"], outcome="agree")
    case.refresh_from_db()
    assert case.state.code == "returned"
    case = wf.case_transition(actor=people["commune"], case=case, transition_code="resubmit")
    current = list(wf.tasks_of(case))
    assert [t.code for t in current] == ["district"] and current[0].status == "open"
    assert WorkflowTask.objects.filter(case=case).count() == 4  # the first round stays as history


def test_leaving_a_state_cancels_its_open_tasks(people, departments):
    case = _appraisal_case(people, departments)
    wf.case_transition(actor=people["province"], case=case, transition_code="return", reason="Rút hồ sơ")
    assert set(WorkflowTask.objects.filter(case=case).values_list("status", flat=True)) == {"cancelled"}
    task = WorkflowTask.objects.get(case=case, code="so-a")
    with pytest.raises(wf.WorkflowError) as exc:
        wf.task_complete(actor=departments["a"], task=task, outcome="agree")
    assert "đã hủy" in _messages(exc)


# --- votes -------------------------------------------------------------------------------------

COUNCIL = {
    "code": "test-council",
    "name": "Xét khen thưởng (thử)",
    "states": [
        {"code": "proposed", "name": "Đã đề nghị", "is_initial": True},
        {
            "code": "council",
            "name": "Hội đồng đang xét",
            "locks_data": True,
            "tasks": [
                {
                    "code": "vote",
                    "name": "Bỏ phiếu kín",
                    "kind": "vote",
                    "roles": ["province_admin"],
                    "members_roles": ["council_member"],
                    "secret": True,
                    "quorum": "2/3",
                    "threshold": ">1/2",
                    "due_days": 5,
                    "reminder_days": [-1],
                }
            ],
            "advance": {
                "when": "all",
                "on_outcome": {"passed": "approve", "failed": "reject", "no_quorum": "reject"},
            },
        },
        {"code": "approved", "name": "Được thông qua", "is_final": True},
        {"code": "rejected", "name": "Không được thông qua", "is_final": True},
    ],
    "transitions": [
        {
            "code": "send",
            "name": "Trình hội đồng",
            "source": "proposed",
            "target": "council",
            "roles": ["province_admin"],
        },
        {
            "code": "approve",
            "name": "Thông qua",
            "source": "council",
            "target": "approved",
            "roles": ["system"],
        },
        {
            "code": "reject",
            "name": "Không thông qua",
            "source": "council",
            "target": "rejected",
            "roles": ["system"],
        },
    ],
}


@pytest.fixture
def council(db, stub_hooks, people, django_user_model):
    members = []
    for n in range(1, 6):
        user = django_user_model.objects.create_user(
            username=f"hd{n}", password="x", email=f"hd{n}@example.invalid"
        )
        stub_hooks.grant(user, COMMUNE, "council_member")
        members.append(user)
    stub_hooks.join(members[4], APPLICANT_ORG, "participant_officer")  # member 5 works for the nominee's body
    wf.workflow_define(actor=None, **COUNCIL)
    case = wf.case_start(
        actor=people["province"],
        workflow="test-council",
        subject=_group("Đề nghị khen Sở X"),
        unit_id=COMMUNE,
        organisation_id=APPLICANT_ORG,
    )
    case = wf.case_transition(actor=people["province"], case=case, transition_code="send")
    vote = wf.tasks_of(case).get(code="vote")
    return {"members": members, "case": case, "vote": vote}


def test_secret_vote_with_quorum_threshold_and_conflict_of_interest(council, people):
    m, vote, case = council["members"], council["vote"], council["case"]
    assert (
        vote.members.count() == 5
        and vote.secret
        and vote.due_on == timezone.localdate() + dt.timedelta(days=5)
    )
    with pytest.raises(wf.WorkflowPermissionError) as exc:
        wf.vote_cast(actor=m[4], task=vote, choice="yes")
    assert "xung đột lợi ích" in _messages(exc)
    with pytest.raises(wf.WorkflowPermissionError):
        wf.vote_cast(actor=people["district"], task=vote, choice="yes")  # not a member
    wf.vote_cast(actor=m[0], task=vote, choice="yes")
    with pytest.raises(wf.WorkflowError) as exc:
        wf.vote_cast(actor=m[0], task=vote, choice="no")
    assert "mỗi thành viên chỉ có một phiếu" in _messages(exc)
    wf.vote_cast(actor=m[1], task=vote, choice="yes")
    assert wf.vote_result(vote) == {"cast": 2, "members": 5, "outcome": ""}  # no running tally while open
    wf.vote_cast(actor=m[2], task=vote, choice="no")
    case.refresh_from_db()
    assert case.state.code == "council"  # 3 of 4 eligible have voted: still open
    with pytest.raises(wf.WorkflowPermissionError):
        wf.vote_close(actor=m[0], task=vote)
    wf.vote_close(actor=people["province"], task=vote, reason="Hết phiên họp")
    vote.refresh_from_db()
    result = wf.vote_result(vote)
    assert (result["eligible"], result["cast"], result["yes"], result["no"]) == (4, 3, 2, 1)
    assert result["quorum_needed"] == 3 and result["pass_needed"] == 2 and result["outcome"] == "passed"
    case.refresh_from_db()
    assert case.state.code == "approved"
    # secrecy: ballots prove participation only; no audit row names a choice
    assert set(WorkflowBallot.objects.filter(task=vote).values_list("choice", flat=True)) == {""}
    casts = AuditEntry.objects.filter(action="workflow.vote_cast")
    assert casts.count() == 3 and all("choice" not in e.changes for e in casts)


def test_a_vote_without_quorum_rejects_and_one_by_all_members_closes_itself(council, people):
    m, vote, case = council["members"], council["vote"], council["case"]
    wf.vote_cast(actor=m[0], task=vote, choice="yes")
    wf.vote_cast(actor=m[1], task=vote, choice="yes")
    wf.vote_close(actor=people["province"], task=vote)
    case.refresh_from_db()
    vote.refresh_from_db()
    assert vote.outcome == "no_quorum" and case.state.code == "rejected"


def test_the_vote_closes_itself_when_every_eligible_member_has_voted(council):
    m, vote, case = council["members"], council["vote"], council["case"]
    for member, choice in zip(m[:4], ["no", "no", "yes", "abstain"], strict=True):
        wf.vote_cast(actor=member, task=vote, choice=choice)
    vote.refresh_from_db()
    case.refresh_from_db()
    assert vote.status == "done" and vote.outcome == "failed" and case.state.code == "rejected"
    assert vote.tally["yes"] == 1 and vote.tally["no"] == 2 and vote.tally["abstain"] == 1


def test_an_open_vote_from_a_service_with_a_public_ballot(three_tier, people, django_user_model):
    case = wf.case_start(actor=people["commune"], workflow=three_tier, subject=_group("Y"), unit_id=COMMUNE)
    case = wf.case_transition(actor=people["commune"], case=case, transition_code="submit")
    members = [django_user_model.objects.create_user(username=f"tv{n}", password="x") for n in range(3)]
    with pytest.raises(wf.WorkflowPermissionError):
        wf.vote_open(actor=people["outsider"], case=case, code="v", name="Biểu quyết", members=members)
    with pytest.raises(wf.WorkflowError) as exc:
        wf.vote_open(
            actor=people["district"], case=case, code="v", name="Biểu quyết", members=members, threshold="abc"
        )
    assert "tỷ lệ «abc» không hợp lệ" in _messages(exc)
    vote = wf.vote_open(
        actor=people["district"],
        case=case,
        code="v",
        name="Biểu quyết",
        members=members,
        quorum="1/2",
        threshold="2/3",
        threshold_of="members",
    )
    wf.vote_cast(actor=members[0], task=vote, choice="yes", comment="Đồng ý")
    assert WorkflowBallot.objects.get(task=vote, voter=members[0]).choice == "yes"
    assert AuditEntry.objects.filter(action="workflow.vote_cast").first().changes["choice"] == [None, "yes"]
    wf.vote_cast(actor=members[1], task=vote, choice="yes")
    wf.vote_cast(actor=members[2], task=vote, choice="no")
    vote.refresh_from_db()
    assert vote.outcome == "passed"  # 2 of 3 members ≥ 2/3
    case.refresh_from_db()
    assert case.state.code == "submitted"  # this state has no advance rule: a human decides next


# --- due dates, reminders, overdue moves by the scheduled job ----------------------------------

REPORTING = {
    "code": "test-reporting",
    "name": "Báo cáo năm (thử)",
    "states": [
        {"code": "draft", "name": "Đang soạn", "is_initial": True, "reminder_days": [-7, -1, 2]},
        {
            "code": "submitted",
            "name": "Đã gửi",
            "locks_data": True,
            "due_days": 10,
            "reminder_days": [-2],
            "overdue_transition": "accept_by_default",
        },
        {"code": "accepted", "name": "Đã tiếp nhận", "is_final": True, "locks_data": True},
    ],
    "transitions": [
        {
            "code": "submit",
            "name": "Gửi",
            "source": "draft",
            "target": "submitted",
            "roles": ["commune_officer"],
        },
        {
            "code": "accept",
            "name": "Tiếp nhận",
            "source": "submitted",
            "target": "accepted",
            "roles": ["district_officer"],
        },
        {
            "code": "accept_by_default",
            "name": "Coi như tiếp nhận (quá hạn xem xét)",
            "source": "submitted",
            "target": "accepted",
            "roles": ["system"],
        },
    ],
}


def test_reminders_before_and_after_the_due_date_and_a_late_mark_that_stays(db, stub_hooks, people):
    wf.workflow_define(actor=None, **REPORTING)
    today = timezone.localdate()
    due = today + dt.timedelta(days=10)
    case = wf.case_start(
        actor=people["commune"],
        workflow="test-reporting",
        subject=_group("BC 2026"),
        unit_id=COMMUNE,
        due_on=due,
    )
    assert case.due_on == due

    def reminders_to(user):
        return Notification.objects.filter(recipient=user, title__startswith="Nhắc hạn").count()

    assert wf.workflow_tick(today=due - dt.timedelta(days=8)).reminders == 0
    report = wf.workflow_tick(today=due - dt.timedelta(days=7))
    assert report.reminders == 1 and reminders_to(people["commune"]) == 1
    assert "còn 7 ngày đến hạn" in Notification.objects.filter(recipient=people["commune"]).first().title
    assert wf.workflow_tick(today=due - dt.timedelta(days=7)).reminders == 0  # idempotent
    assert wf.workflow_tick(today=due - dt.timedelta(days=1)).reminders == 1
    assert wf.workflow_tick(today=due + dt.timedelta(days=2)).reminders == 1  # the "after" reminder
    assert wf.workflow_tick(today=due + dt.timedelta(days=3)).reminders == 0
    assert "đã quá hạn" in Notification.objects.filter(recipient=people["commune"]).first().title
    assert reminders_to(people["commune"]) == 3 and reminders_to(people["district"]) == 0
    remind = AuditEntry.objects.filter(action="workflow.remind").first()
    assert remind.actor is None and remind.changes["offset_days"] == [None, 2]
    assert WorkflowReminder.objects.filter(case=case).count() == 3

    # submitted before its due date: on time; the new state has its own due date
    case = wf.case_transition(actor=people["commune"], case=case, transition_code="submit")
    event = case.events.order_by("-id").first()
    assert not event.late and event.due_on == due
    assert case.due_on == today + dt.timedelta(days=10)

    # submitted after its due date: the move is marked late, for good
    yesterday = today - dt.timedelta(days=1)
    late = wf.case_start(
        actor=people["commune"],
        workflow="test-reporting",
        subject=_group("BC muộn"),
        unit_id=COMMUNE,
        due_on=yesterday,
    )
    assert late.is_overdue() and not case.is_overdue()
    late = wf.case_transition(actor=people["commune"], case=late, transition_code="submit")
    event = late.events.order_by("-id").first()
    assert event.late and event.due_on == yesterday
    entry = AuditEntry.objects.filter(action="workflow.transition").first()
    assert entry.changes["late"] == [None, yesterday.isoformat()]


def test_the_scheduled_job_takes_the_overdue_move_as_the_system(db, stub_hooks, people):
    wf.workflow_define(actor=None, **REPORTING)
    today = timezone.localdate()
    case = wf.case_start(
        actor=people["commune"], workflow="test-reporting", subject=_group("BC"), unit_id=COMMUNE
    )
    case = wf.case_transition(actor=people["commune"], case=case, transition_code="submit")
    due = case.due_on
    assert due == today + dt.timedelta(days=10)
    report = wf.workflow_tick(today=due - dt.timedelta(days=2))
    assert report.reminders == 1 and report.moved == []
    assert Notification.objects.filter(recipient=people["district"], title__contains="còn 2 ngày").exists()
    report = wf.workflow_tick(today=due)
    assert report.moved == []  # due today is not overdue
    report = wf.workflow_tick(today=due + dt.timedelta(days=1))
    assert report.moved == [case.pk] and report.errors == []
    case.refresh_from_db()
    assert case.state.code == "accepted"
    event = case.events.order_by("-id").first()
    assert event.actor is None and event.transition_code == "accept_by_default" and "Quá hạn" in event.reason
    assert wf.workflow_tick(today=due + dt.timedelta(days=2)).moved == []  # nothing left to move


def test_the_job_closes_votes_past_due_and_reminds_members_who_have_not_voted(council, people):
    m, vote, case = council["members"], council["vote"], council["case"]
    wf.vote_cast(actor=m[0], task=vote, choice="yes")
    report = wf.workflow_tick(today=vote.due_on - dt.timedelta(days=1))
    assert report.reminders == 1
    reminded = set(
        Notification.objects.filter(title__startswith="Nhắc hạn").values_list(
            "recipient__username", flat=True
        )
    )
    assert reminded == {"hd2", "hd3", "hd4"}  # not the voter, not the conflicted member
    for member in m[1:3]:
        wf.vote_cast(actor=member, task=vote, choice="yes")
    report = wf.workflow_tick(today=vote.due_on + dt.timedelta(days=1))
    assert report.votes_closed == [vote.pk]
    case.refresh_from_db()
    assert case.state.code == "approved"


def test_the_job_runs_as_a_management_command_and_a_celery_beat_task(
    db, stub_hooks, people, settings, capsys
):
    from chungsuc.celery_app import app
    from chungsuc.core.tasks import workflow_tick as celery_tick

    wf.workflow_define(actor=None, **REPORTING)
    case = wf.case_start(
        actor=people["commune"], workflow="test-reporting", subject=_group("BC"), unit_id=COMMUNE
    )
    case = wf.case_transition(actor=people["commune"], case=case, transition_code="submit")
    late = case.due_on + dt.timedelta(days=1)
    call_command("workflow_tick", "--date", late.strftime("%d/%m/%Y"))
    out = capsys.readouterr().out
    assert "1 hồ sơ quá hạn được chuyển" in out and late.strftime("%d/%m/%Y") in out
    case.refresh_from_db()
    assert case.state.code == "accepted"
    with pytest.raises(CommandError) as exc:
        call_command("workflow_tick", "--date", "31/02/2026")
    assert "không hợp lệ" in str(exc.value)

    entry = settings.CELERY_BEAT_SCHEDULE["workflow-tick"]
    assert entry["task"] == "chungsuc.core.tasks.workflow_tick"
    assert entry["task"] in app.tasks
    assert "0 hồ sơ quá hạn" in celery_tick.delay(late.isoformat()).get()


# --- batch transitions -------------------------------------------------------------------------


def test_a_batch_moves_every_case_by_one_decision_each_audited(three_tier, people):
    cases = []
    for n in range(3):
        case = wf.case_start(
            actor=people["commune"], workflow=three_tier, subject=_group(f"Xã {n}"), unit_id=COMMUNE
        )
        cases.append(wf.case_transition(actor=people["commune"], case=case, transition_code="submit"))
    batch, moved = wf.case_transition_batch(
        actor=people["district"], cases=cases, transition_code="approve", reason="Quyết định 12/QĐ-UBND"
    )
    assert [c.state.code for c in moved] == ["district_approved"] * 3
    events = WorkflowEvent.objects.filter(batch=batch)
    assert events.count() == 3 and {e.case_id for e in events} == {c.pk for c in cases}
    rows = AuditEntry.objects.filter(action="workflow.transition", changes__batch=[None, str(batch)])
    assert rows.count() == 3 and {r.target_id for r in rows} == {str(c.object_id) for c in cases}
    summary = AuditEntry.objects.get(action="workflow.batch")
    assert sorted(summary.changes["cases"][1]) == sorted(c.pk for c in cases)


def test_a_batch_with_one_refused_case_moves_nothing_and_names_it(three_tier, people):
    cases = []
    for n in range(3):
        case = wf.case_start(
            actor=people["commune"], workflow=three_tier, subject=_group(f"Xã {n}"), unit_id=COMMUNE
        )
        cases.append(case)
    cases[0] = wf.case_transition(actor=people["commune"], case=cases[0], transition_code="submit")
    cases[1] = wf.case_transition(actor=people["commune"], case=cases[1], transition_code="submit")
    audits = AuditEntry.objects.count()
    with pytest.raises(wf.WorkflowError) as exc:
        wf.case_transition_batch(actor=people["district"], cases=cases, transition_code="approve")
    assert "1/3 hồ sơ" in _messages(exc) and "«Xã 2»" in _messages(exc) and "Đang soạn" in _messages(exc)
    assert AuditEntry.objects.count() == audits
    assert [wf.case_for(c.subject).state.code for c in cases] == ["submitted", "submitted", "draft"]
    with pytest.raises(wf.WorkflowError):
        wf.case_transition_batch(actor=people["district"], cases=[], transition_code="approve")
