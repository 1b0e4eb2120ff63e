"""The generic workflow engine on its own: stub permission hooks, a Group as the subject."""

import copy

import pytest
from django.core import mail

from chungsuc.core.concurrency import ConflictError
from chungsuc.core.models import (
    AuditEntry,
    Notification,
    Workflow,
    WorkflowCase,
    WorkflowEvent,
    WorkflowState,
    WorkflowTransition,
)
from chungsuc.core.tests.conftest import COMMUNE, THREE_TIER
from chungsuc.core.workflow import (
    WorkflowError,
    WorkflowPermissionError,
    assert_editable,
    available_transitions,
    case_for,
    case_history,
    case_start,
    case_transition,
    case_transitioned,
    is_locked,
    workflow_define,
)


def _messages(excinfo) -> str:
    return " ".join(excinfo.value.messages)


# --- defining ----------------------------------------------------------------------------------


def test_define_creates_states_and_transitions_from_data(three_tier):
    assert three_tier.code == "test-recognition"
    assert list(three_tier.states.values_list("code", flat=True)) == [
        "draft",
        "submitted",
        "district_approved",
        "returned",
        "recognised",
    ]
    assert three_tier.initial_state.code == "draft"
    assert three_tier.states.get(code="recognised").is_final
    assert three_tier.states.get(code="submitted").locks_data
    assert three_tier.transitions.count() == 7
    ret = three_tier.transitions.get(code="return", source__code="submitted")
    assert ret.target.code == "returned" and ret.requires_reason and ret.roles == ["district_officer"]
    assert three_tier.transitions.get(code="reopen").is_reopen
    entry = AuditEntry.objects.get(action="workflow.define", target_id=str(three_tier.pk))
    assert entry.changes["workflow"] == [None, "test-recognition"]


def test_define_is_idempotent_and_audits_only_real_changes(three_tier):
    again = workflow_define(actor=None, **THREE_TIER)
    assert again.pk == three_tier.pk
    assert WorkflowState.objects.filter(workflow=again).count() == 5
    assert WorkflowTransition.objects.filter(workflow=again).count() == 7
    defines = AuditEntry.objects.filter(action="workflow.define", target_id=str(three_tier.pk))
    assert defines.count() == 1

    changed = copy.deepcopy(THREE_TIER)
    changed["states"][1]["name"] = "Xã đã nộp"
    changed["transitions"][0]["roles"] = ["commune_officer", "district_officer"]
    workflow_define(actor=None, **changed)
    assert WorkflowState.objects.get(workflow=again, code="submitted").name == "Xã đã nộp"
    assert WorkflowTransition.objects.get(workflow=again, code="submit", source__code="draft").roles == [
        "commune_officer",
        "district_officer",
    ]
    assert defines.count() == 2
    latest = defines.first().changes
    assert latest["state:submitted"] == [{"name": "Đã nộp"}, {"name": "Xã đã nộp"}]
    assert "transition:draft:submit" in latest


def test_redefining_removes_what_the_data_no_longer_has(three_tier):
    two_tier = copy.deepcopy(THREE_TIER)
    two_tier["states"] = [s for s in two_tier["states"] if s["code"] != "district_approved"]
    two_tier["transitions"] = [
        t for t in two_tier["transitions"] if "district_approved" not in (t["source"], t["target"])
    ] + [
        {
            "code": "approve",
            "name": "Công nhận",
            "source": "submitted",
            "target": "recognised",
            "roles": ["province_admin"],
        }
    ]
    workflow_define(actor=None, **two_tier)
    assert not WorkflowState.objects.filter(workflow=three_tier, code="district_approved").exists()
    assert WorkflowTransition.objects.get(workflow=three_tier, code="approve").target.code == "recognised"


def test_a_state_holding_cases_cannot_be_removed(three_tier, subject, people):
    case = case_start(actor=people["commune"], workflow=three_tier, subject=subject, unit_id=COMMUNE)
    case_transition(actor=people["commune"], case=case, transition_code="submit")
    shrunk = copy.deepcopy(THREE_TIER)
    shrunk["states"] = [s for s in shrunk["states"] if s["code"] != "submitted"]
    shrunk["transitions"] = [
        t for t in shrunk["transitions"] if "submitted" not in (t["source"], t["target"])
    ]
    with pytest.raises(WorkflowError) as exc:
        workflow_define(actor=None, **shrunk)
    assert "«submitted»" in _messages(exc) and "còn hồ sơ" in _messages(exc)
    assert WorkflowState.objects.filter(workflow=three_tier, code="submitted").exists()
    assert WorkflowTransition.objects.filter(workflow=three_tier).count() == 7  # nothing half-written


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["states"][1].update(is_initial=True), "đúng một trạng thái đầu"),
        (lambda d: d["states"][0].update(is_initial=False), "đúng một trạng thái đầu"),
        (lambda d: d["transitions"][0].update(target="nowhere"), "trạng thái đích «nowhere» không có"),
        (lambda d: d["transitions"][0].update(roles="commune_officer"), "«roles» phải là danh sách"),
        (lambda d: d["states"].append({"code": "draft", "name": "Lặp"}), "mã trạng thái «draft» bị lặp"),
        (
            lambda d: d["transitions"].append(dict(d["transitions"][0])),
            "«submit» từ trạng thái «draft» bị lặp",
        ),
        (lambda d: d["transitions"][0].update(who="x"), "khóa không hợp lệ: who"),
        (lambda d: d["states"][2].pop("name"), "thiếu «name»"),
    ],
)
def test_bad_definitions_are_refused_with_a_message_and_write_nothing(db, mutate, expected):
    data = copy.deepcopy(THREE_TIER)
    mutate(data)
    audit_rows = AuditEntry.objects.count()
    with pytest.raises(WorkflowError) as exc:
        workflow_define(actor=None, **data)
    assert expected in _messages(exc)
    assert not Workflow.objects.filter(code=THREE_TIER["code"]).exists()
    assert AuditEntry.objects.count() == audit_rows


# --- starting ----------------------------------------------------------------------------------


def test_case_start_puts_the_subject_in_the_initial_state(three_tier, subject, people):
    case = case_start(actor=people["commune"], workflow="test-recognition", subject=subject, unit_id=COMMUNE)
    assert case.state.code == "draft" and case.version == 1 and case.unit_id == COMMUNE
    assert case.subject == subject
    assert case_for(subject) == case
    event = case.events.get()
    assert event.from_state is None and event.to_state.code == "draft" and event.actor == people["commune"]
    entry = AuditEntry.objects.get(action="workflow.start", target_type="auth.group")
    assert (
        entry.target_type == "auth.group" and entry.target_id == str(subject.pk) and entry.unit_id == COMMUNE
    )
    with pytest.raises(WorkflowError) as exc:
        case_start(actor=people["commune"], workflow=three_tier, subject=subject, unit_id=COMMUNE)
    assert "đã có hồ sơ" in _messages(exc)
    assert WorkflowCase.objects.filter(workflow=three_tier).count() == 1


def test_case_start_can_check_the_starters_role(three_tier, subject, people):
    with pytest.raises(WorkflowPermissionError) as exc:
        case_start(
            actor=people["outsider"],
            workflow=three_tier,
            subject=subject,
            unit_id=COMMUNE,
            roles=["commune_officer"],
        )
    assert "không có quyền lập hồ sơ" in _messages(exc)
    assert case_for(subject) is None
    case = case_start(
        actor=people["commune"],
        workflow=three_tier,
        subject=subject,
        unit_id=COMMUNE,
        roles=["commune_officer"],
    )
    assert case.state.code == "draft"


def test_case_start_refuses_unknown_or_inactive_workflows(three_tier, subject, people):
    with pytest.raises(WorkflowError) as exc:
        case_start(actor=None, workflow="no-such", subject=subject, unit_id=COMMUNE)
    assert "Không có quy trình «no-such»" in _messages(exc)
    Workflow.objects.filter(pk=three_tier.pk).update(active=False)
    three_tier.refresh_from_db()
    with pytest.raises(WorkflowError) as exc:
        case_start(actor=None, workflow=three_tier, subject=subject, unit_id=COMMUNE)
    assert "ngừng sử dụng" in _messages(exc)


# --- moving ------------------------------------------------------------------------------------


@pytest.fixture
def case(three_tier, subject, people):
    return case_start(actor=people["commune"], workflow=three_tier, subject=subject, unit_id=COMMUNE)


def test_transition_moves_writes_event_audit_signal_and_notifies_next_actors(
    case, people, subject, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    case_transitioned.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            moved = case_transition(
                actor=people["commune"], case=case, transition_code="submit", expected_version=1
            )
    finally:
        case_transitioned.disconnect(receiver)

    assert moved.state.code == "submitted" and moved.version == 2
    assert WorkflowCase.objects.get(pk=case.pk).version == 2
    event = WorkflowEvent.objects.filter(case=case).last()
    assert (event.from_state.code, event.to_state.code, event.transition_code) == (
        "draft",
        "submitted",
        "submit",
    )
    assert event.actor == people["commune"]

    entry = AuditEntry.objects.get(action="workflow.transition", target_type="auth.group")
    assert entry.actor == people["commune"] and entry.unit_id == COMMUNE
    assert entry.target_type == "auth.group" and entry.target_id == str(subject.pk)
    assert entry.changes["state"] == ["draft", "submitted"]
    assert entry.changes["state_name"] == ["Đang soạn", "Đã nộp"]

    assert len(received) == 1
    assert received[0]["case"].pk == case.pk and received[0]["to_state"].code == "submitted"
    assert received[0]["subject"] == subject and received[0]["actor"] == people["commune"]

    # The district officer can act next (approve or return): notified in-app and by e-mail.
    notes = Notification.objects.filter(recipient__in=people.values())
    assert [n.recipient for n in notes] == [people["district"]]
    assert "Đã nộp" in notes[0].title and "Nộp hồ sơ" in notes[0].body
    assert [m.to for m in mail.outbox] == [["huyen@example.invalid"]]
    assert mail.outbox[0].subject.startswith("[Chung Sức]")
    # The outsider (another district) is not notified.
    assert not Notification.objects.filter(recipient=people["outsider"]).exists()


def test_the_whole_three_tier_path_with_a_return_and_a_reopen(case, people):
    case = case_transition(actor=people["commune"], case=case, transition_code="submit")
    case = case_transition(
        actor=people["district"], case=case, transition_code="return", reason="Thiếu minh chứng tiêu chí 17"
    )
    assert case.state.code == "returned"
    assert Notification.objects.filter(
        recipient=people["commune"], body__contains="Thiếu minh chứng"
    ).exists()
    case = case_transition(actor=people["commune"], case=case, transition_code="submit")
    case = case_transition(actor=people["district"], case=case, transition_code="approve")
    case = case_transition(actor=people["province"], case=case, transition_code="approve")
    assert case.state.code == "recognised" and case.state.is_final and case.version == 6
    # Final state: the one who started the dossier hears of it.
    assert Notification.objects.filter(recipient=people["commune"], title__contains="Đã công nhận").exists()
    case = case_transition(
        actor=people["province"], case=case, transition_code="reopen", reason="Phát hiện sai số liệu"
    )
    assert case.state.code == "returned"
    history = [(e.from_state and e.from_state.code, e.to_state.code) for e in case_history(case)]
    assert history == [
        (None, "draft"),
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "district_approved"),
        ("district_approved", "recognised"),
        ("recognised", "returned"),
    ]
    assert AuditEntry.objects.filter(action="workflow.transition", target_type="auth.group").count() == 6
    reopen = AuditEntry.objects.filter(action="workflow.transition", target_type="auth.group").first()
    assert reopen.reason == "Phát hiện sai số liệu" and reopen.changes["state"] == ["recognised", "returned"]


def test_transition_must_leave_the_current_state(case, people):
    with pytest.raises(WorkflowError) as exc:
        case_transition(actor=people["district"], case=case, transition_code="approve")
    assert _messages(exc) == "Không thể «Thẩm định đạt» khi hồ sơ đang ở trạng thái «Đang soạn»."
    with pytest.raises(WorkflowError) as exc:
        case_transition(actor=people["district"], case=case, transition_code="fly")
    assert "không có thao tác «fly»" in _messages(exc)
    assert WorkflowCase.objects.get(pk=case.pk).state.code == "draft"


def test_transition_checks_permission_through_the_hook(case, people):
    for who in ("district", "outsider", "province"):
        with pytest.raises(WorkflowPermissionError) as exc:
            case_transition(actor=people[who], case=case, transition_code="submit")
        assert "không có quyền «Nộp hồ sơ»" in _messages(exc)
    fresh = WorkflowCase.objects.get(pk=case.pk)
    assert fresh.state.code == "draft" and fresh.version == 1
    assert not AuditEntry.objects.filter(action="workflow.transition", target_type="auth.group").exists()
    assert WorkflowEvent.objects.filter(case=case).count() == 1


def test_a_required_reason_must_be_given(case, people):
    case = case_transition(actor=people["commune"], case=case, transition_code="submit")
    for reason in ("", "   "):
        with pytest.raises(WorkflowError) as exc:
            case_transition(actor=people["district"], case=case, transition_code="return", reason=reason)
        assert _messages(exc) == "Cần nêu lý do khi «Trả lại»."
    assert WorkflowCase.objects.get(pk=case.pk).state.code == "submitted"


def test_a_stale_version_is_refused_as_a_conflict(case, people):
    seen_by_both = case.version
    case_transition(
        actor=people["commune"], case=case, transition_code="submit", expected_version=seen_by_both
    )
    # The district officer acts on the page they loaded before the submission... then again on the
    # fresh page: only the fresh version is accepted.
    with pytest.raises(ConflictError) as exc:
        case_transition(
            actor=people["district"], case=case, transition_code="approve", expected_version=seen_by_both
        )
    assert "đã được người khác thay đổi" in _messages(exc)
    assert WorkflowCase.objects.get(pk=case.pk).state.code == "submitted"
    moved = case_transition(
        actor=people["district"], case=case, transition_code="approve", expected_version=2
    )
    assert moved.state.code == "district_approved" and moved.version == 3


def test_a_failing_receiver_rolls_the_transition_back(case, people):
    def refuse(sender, **kwargs):
        raise WorkflowError("Chưa đủ điều kiện")

    case_transitioned.connect(refuse)
    try:
        with pytest.raises(WorkflowError):
            case_transition(actor=people["commune"], case=case, transition_code="submit")
    finally:
        case_transitioned.disconnect(refuse)
    fresh = WorkflowCase.objects.get(pk=case.pk)
    assert fresh.state.code == "draft" and fresh.version == 1
    assert not AuditEntry.objects.filter(action="workflow.transition", target_type="auth.group").exists()
    assert not Notification.objects.filter(recipient__in=people.values()).exists()


def test_no_email_is_sent_when_the_transition_rolls_back(case, people, django_capture_on_commit_callbacks):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        case_transition(actor=people["commune"], case=case, transition_code="submit")
        raise RuntimeError("boom")
    assert callbacks == [] and mail.outbox == []


def test_available_transitions_list_what_each_user_may_do_now(case, people):
    assert [t.code for t in available_transitions(people["commune"], case)] == ["submit"]
    assert available_transitions(people["district"], case) == []
    case = case_transition(actor=people["commune"], case=case, transition_code="submit")
    assert [t.code for t in available_transitions(people["district"], case)] == ["approve", "return"]
    assert available_transitions(people["outsider"], case) == []
    assert available_transitions(people["commune"], case) == []


def test_locking_states_make_the_subject_read_only(case, people, subject):
    assert not is_locked(subject)
    assert_editable(subject)  # draft: editable
    case = case_transition(actor=people["commune"], case=case, transition_code="submit")
    assert is_locked(subject)
    with pytest.raises(WorkflowError) as exc:
        assert_editable(subject)
    assert "«Đã nộp»" in _messages(exc) and "mở lại" in _messages(exc)
    case_transition(actor=people["district"], case=case, transition_code="return", reason="Sửa số liệu")
    assert not is_locked(subject)


def test_the_system_may_take_only_transitions_listing_the_system_role(db, stub_hooks, subject, people):
    consultation = workflow_define(
        actor=None,
        code="test-consultation",
        name="Lấy ý kiến nhân dân (thử)",
        states=[
            {"code": "open", "name": "Đang lấy ý kiến", "is_initial": True, "locks_data": True},
            {"code": "closed", "name": "Đã kết thúc lấy ý kiến", "locks_data": True},
        ],
        transitions=[
            {
                "code": "close",
                "name": "Kết thúc lấy ý kiến",
                "source": "open",
                "target": "closed",
                "roles": ["system", "province_admin"],
            },
            {
                "code": "reopen",
                "name": "Mở lại",
                "source": "closed",
                "target": "open",
                "roles": ["province_admin"],
                "requires_reason": True,
                "is_reopen": True,
            },
        ],
    )
    case = case_start(actor=None, workflow=consultation, subject=subject, unit_id=COMMUNE)
    assert [t.code for t in available_transitions(None, case)] == ["close"]
    case = case_transition(actor=None, case=case, transition_code="close")
    assert case.state.code == "closed"
    entry = AuditEntry.objects.filter(action="workflow.transition", target_type="auth.group").first()
    assert entry.actor is None and entry.actor_repr == "hệ thống"
    with pytest.raises(WorkflowPermissionError):
        case_transition(actor=None, case=case, transition_code="reopen", reason="Kéo dài thời gian")
    assert available_transitions(people["commune"], case) == []
    case = case_transition(
        actor=people["province"], case=case, transition_code="reopen", reason="Kéo dài thời gian"
    )
    assert case.state.code == "open"
