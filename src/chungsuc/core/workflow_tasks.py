"""Tasks and votes inside a workflow state (part of the `chungsuc.core.workflow` API).

A state may open tasks when a case enters it (its `tasks` data), and a service may add more
(`task_create`, `vote_open`). A task is assigned to one user, to an organisation (its members with the
task's roles), or to roles held over the case (through the same "who may act" check as transitions).
Several departments appraising in parallel are several tasks; the state's `advance` rule (`when`: all,
any or a number of finished tasks; `transition`; `on_outcome`: outcome → transition) moves the case as
the system when they are done, inside the same transaction as the completion that finished them.

A vote is a task whose members each cast one ballot (yes, no, abstain). A member whose organisation
the item belongs to may not vote (conflict of interest: the subject's `conflict` hook, else
`CHUNGSUC_WORKFLOW_USER_ORGANISATIONS`). In a secret vote the ballot only records that the member
voted; the choice goes into the task's tally with no link to the voter, and the audit row does not
name it. The quorum and the pass threshold are data ("2/3", "50%", ">1/2"): the quorum counts ballots
against the members eligible to vote; the threshold counts "yes" against the ballots cast
(`threshold_of: cast`) or the eligible members (`members`). The vote closes when every eligible member
has voted, when someone allowed closes it (`vote_close`), or when its due date passes (the scheduled
job). Its outcome is "passed", "failed" or "no_quorum".

Every write: one transaction, the case row locked first (so two departments finishing at once cannot
both miss the "all done" moment), an audit row.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from chungsuc.core.audit import audit_record
from chungsuc.core.models import WorkflowBallot, WorkflowCase, WorkflowEvent, WorkflowState, WorkflowTask
from chungsuc.core.notifications import notify

# Sent inside the completing transaction: sender=WorkflowTask, task, actor.
task_completed = Signal()

VOTE_CHOICES = {"yes": "Đồng ý", "no": "Không đồng ý", "abstain": "Không biểu quyết"}
OUTCOME_NAMES = {
    "passed": "Thông qua",
    "failed": "Không thông qua",
    "no_quorum": "Không đủ số thành viên tham gia",
    "done": "Đã xong",
}


def _wf():
    from chungsuc.core import workflow

    return workflow


# --- pure arithmetic of a vote -------------------------------------------------------------------


def needed(ratio: Fraction, strict: bool, base: int) -> int:
    """The smallest count n with n ≥ ratio·base (or n > ratio·base when strict)."""
    exact = ratio * base
    if strict:
        return math.floor(exact) + 1
    return math.ceil(exact)


def tally_outcome(
    *, eligible: int, yes: int, no: int, abstain: int, quorum: str, threshold: str, threshold_of: str
) -> dict[str, Any]:
    """The result of a vote from its counts (plain data, no database)."""
    wf = _wf()
    q_ratio, q_strict = wf.parse_ratio(quorum)
    t_ratio, t_strict = wf.parse_ratio(threshold)
    cast = yes + no + abstain
    quorum_needed = needed(q_ratio, q_strict, eligible)
    base = eligible if threshold_of == "members" else cast
    pass_needed = needed(t_ratio, t_strict, base)
    quorum_met = eligible > 0 and cast >= quorum_needed
    passed = quorum_met and yes >= pass_needed
    return {
        "eligible": eligible,
        "cast": cast,
        "yes": yes,
        "no": no,
        "abstain": abstain,
        "quorum": quorum,
        "threshold": threshold,
        "threshold_of": threshold_of,
        "quorum_needed": quorum_needed,
        "pass_needed": pass_needed,
        "quorum_met": quorum_met,
        "passed": passed,
        "outcome": "passed" if passed else ("failed" if quorum_met else "no_quorum"),
    }


# --- who ------------------------------------------------------------------------------------------


def _current_event(case: WorkflowCase) -> WorkflowEvent:
    return case.events.order_by("-id").first()


def _may_manage(actor, case: WorkflowCase) -> bool:
    """The system, or a user who may take one of the case's current transitions."""
    wf = _wf()
    if actor is None:
        return True
    from chungsuc.core.models import WorkflowTransition

    return any(
        wf.may_act(actor, case, t.roles, transition=t)
        for t in WorkflowTransition.objects.filter(source_id=case.state_id)
    )


def _all_roles() -> list[str]:
    return sorted(_wf().known_roles() - {_wf().SYSTEM_ROLE})


def _may_do(user, task: WorkflowTask) -> bool:
    wf = _wf()
    if not getattr(user, "is_authenticated", False):
        return False
    if task.assignee_user_id is not None:
        return user.pk == task.assignee_user_id
    if task.assignee_organisation_id is not None:
        hook = wf._setting_hook("CHUNGSUC_WORKFLOW_ORG_PERMISSION")
        roles = task.assignee_roles or _all_roles()
        return bool(hook and hook(user, task.assignee_organisation_id, roles))
    return wf.may_act(user, task.case, task.assignee_roles)


def task_assignees(task: WorkflowTask) -> list:
    """Who is expected to finish the task (for a vote: its members)."""
    wf = _wf()
    if task.kind == WorkflowTask.Kind.VOTE:
        return list(task.members.filter(is_active=True))
    if task.assignee_user_id is not None:
        return [task.assignee_user]
    if task.assignee_organisation_id is not None:
        hook = wf._setting_hook("CHUNGSUC_WORKFLOW_ORG_RECIPIENTS")
        roles = task.assignee_roles or _all_roles()
        return list(hook(task.assignee_organisation_id, roles)) if hook else []
    return wf._recipients_for(task.case, task.assignee_roles)


def is_conflicted(user, case: WorkflowCase) -> bool:
    """A member may not vote on their own organisation's item."""
    wf = _wf()
    hook = wf._subject_hook(case, "conflict")
    if hook is not None:
        return bool(hook(user, case))
    if case.organisation_id is None:
        return False
    orgs_of = wf._setting_hook("CHUNGSUC_WORKFLOW_USER_ORGANISATIONS")
    return bool(orgs_of and case.organisation_id in set(orgs_of(user)))


# --- opening --------------------------------------------------------------------------------------


def _notify_assignees(task: WorkflowTask, actor=None) -> None:
    wf = _wf()
    case = task.case
    subject = case.subject
    recipients = task_assignees(task)
    if not recipients:
        return
    if task.kind == WorkflowTask.Kind.VOTE:
        title = _("Mời biểu quyết: «%(task)s» — «%(subject)s»")
    else:
        title = _("Nhiệm vụ mới: «%(task)s» — «%(subject)s»")
    lines = [
        _("Quy trình «%(workflow)s», trạng thái «%(state)s».")
        % {
            "workflow": case.workflow.name,
            "state": task.state.name,
        }
    ]
    if task.due_on:
        lines.append(_("Hạn: %(date)s.") % {"date": task.due_on.strftime("%d/%m/%Y")})
    notify(
        recipients=recipients,
        title=title % {"task": task.name, "subject": wf._subject_repr(case, subject)},
        body="\n".join(lines),
        url=wf._subject_url(subject),
        exclude=actor,
    )


def _create_task(
    *,
    case: WorkflowCase,
    event: WorkflowEvent,
    state: WorkflowState,
    code: str,
    name: str,
    kind: str = WorkflowTask.Kind.TASK,
    assignee_user=None,
    assignee_organisation_id: int | None = None,
    assignee_roles: Iterable[str] = (),
    outcomes: Iterable[str] | None = None,
    due_on: dt.date | None = None,
    reminder_days: Iterable[int] = (),
    members: Iterable = (),
    secret: bool = False,
    quorum: str = "",
    threshold: str = "",
    threshold_of: str = "",
) -> WorkflowTask:
    wf = _wf()
    try:
        with transaction.atomic():
            task = WorkflowTask.objects.create(
                case=case,
                state=state,
                event=event,
                code=code,
                name=name,
                kind=kind,
                assignee_user=assignee_user,
                assignee_organisation_id=assignee_organisation_id,
                assignee_roles=list(assignee_roles),
                outcomes=list(outcomes or (wf.VOTE_OUTCOMES if kind == "vote" else wf.DEFAULT_TASK_OUTCOMES)),
                due_on=due_on,
                reminder_days=sorted(set(reminder_days)),
                secret=secret,
                quorum=quorum,
                threshold=threshold,
                threshold_of=threshold_of,
            )
    except IntegrityError:
        raise wf.WorkflowError(
            _("Hồ sơ đã có nhiệm vụ «%(code)s» ở trạng thái này.") % {"code": code}, code="duplicate_task"
        ) from None
    if kind == WorkflowTask.Kind.VOTE:
        task.members.set(list(members))
    return task


def open_state_tasks(*, case: WorkflowCase, event: WorkflowEvent, state: WorkflowState) -> list[WorkflowTask]:
    """Open the tasks the state's data lists for this stay of the case (called on entering it)."""
    wf = _wf()
    created = []
    today = timezone.localdate()
    for data in state.tasks or []:
        due_on = (
            today + dt.timedelta(days=data["due_days"]) if data.get("due_days") is not None else case.due_on
        )
        members = ()
        if data["kind"] == "vote":
            members = wf._recipients_for(case, data["members_roles"])
        task = _create_task(
            case=case,
            event=event,
            state=state,
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
            assignee_roles=data.get("roles", []),
            outcomes=data.get("outcomes"),
            due_on=due_on,
            reminder_days=data.get("reminder_days", []),
            members=members,
            secret=data.get("secret", False),
            quorum=data.get("quorum", ""),
            threshold=data.get("threshold", ""),
            threshold_of=data.get("threshold_of", ""),
        )
        _notify_assignees(task)
        created.append(task)
    return created


def _lock_case(case: WorkflowCase) -> WorkflowCase:
    return (
        WorkflowCase.objects.select_for_update()
        .select_related("workflow", "state", "content_type")
        .get(pk=case.pk)
    )


def _audit_task(*, actor, task: WorkflowTask, action: str, changes: dict, reason: str = "") -> None:
    wf = _wf()
    case = task.case
    subject = case.subject
    audit_record(
        actor=actor,
        action=action,
        target=subject,
        target_type=case.content_type.app_label + "." + case.content_type.model,
        target_id=str(case.object_id),
        target_repr=wf._subject_repr(case, subject),
        unit_id=case.unit_id,
        changes={"task": [None, task.code], "task_name": [None, task.name], **changes},
        reason=reason,
    )


def task_create(
    *,
    actor,
    case: WorkflowCase,
    code: str,
    name: str,
    assignee_user=None,
    assignee_organisation_id: int | None = None,
    assignee_roles: Iterable[str] = (),
    outcomes: Iterable[str] | None = None,
    due_on: dt.date | None = None,
    reminder_days: Iterable[int] = (),
) -> WorkflowTask:
    """Add a task to the case's current state (e.g. ask one more department for its opinion).

    The actor must be the system or someone who may act on the case now. Exactly one kind of assignee:
    a user, an organisation (optionally narrowed to roles) or roles over the case."""
    wf = _wf()
    code, name = str(code or "").strip(), str(name or "").strip()
    if not code or not name:
        raise wf.WorkflowError(_("Nhiệm vụ cần có mã và tên."), code="invalid_task")
    if assignee_user is None and assignee_organisation_id is None and not list(assignee_roles):
        raise wf.WorkflowError(
            _("Nhiệm vụ «%(name)s» chưa giao cho ai (người, cơ quan hoặc vai trò).") % {"name": name},
            code="no_assignee",
        )
    if assignee_user is not None and assignee_organisation_id is not None:
        raise wf.WorkflowError(
            _("Nhiệm vụ «%(name)s» chỉ giao cho một người hoặc một cơ quan, không cả hai.") % {"name": name},
            code="invalid_task",
        )
    roles = wf._check_roles(
        list(assignee_roles), _("Nhiệm vụ «%(name)s»") % {"name": name}, wf.known_roles(), allow_system=False
    )
    reminder_days = wf._check_offsets(list(reminder_days), _("Nhiệm vụ «%(name)s»") % {"name": name})
    with transaction.atomic():
        locked = _lock_case(case)
        if locked.state.is_final:
            raise wf.WorkflowError(
                _("Hồ sơ đã ở trạng thái cuối «%(state)s», không giao thêm nhiệm vụ.")
                % {"state": locked.state.name},
                code="final_state",
            )
        if not _may_manage(actor, locked):
            raise wf.WorkflowPermissionError(
                _("Bạn không có quyền giao nhiệm vụ cho hồ sơ này."), code="forbidden"
            )
        task = _create_task(
            case=locked,
            event=_current_event(locked),
            state=locked.state,
            code=code,
            name=name,
            assignee_user=assignee_user,
            assignee_organisation_id=assignee_organisation_id,
            assignee_roles=roles,
            outcomes=outcomes,
            due_on=due_on,
            reminder_days=reminder_days,
        )
        _audit_task(
            actor=actor,
            task=task,
            action="workflow.task_create",
            changes={
                "assignee": [
                    None,
                    {
                        "user": getattr(assignee_user, "pk", None),
                        "organisation": assignee_organisation_id,
                        "roles": roles,
                    },
                ],
                "due_on": [None, due_on.isoformat() if due_on else None],
            },
        )
        _notify_assignees(task, actor)
    return task


def vote_open(
    *,
    actor,
    case: WorkflowCase,
    code: str,
    name: str,
    members: Iterable,
    secret: bool = False,
    quorum: str = "1/2",
    threshold: str = ">1/2",
    threshold_of: str = "cast",
    close_roles: Iterable[str] = (),
    due_on: dt.date | None = None,
    reminder_days: Iterable[int] = (),
) -> WorkflowTask:
    """Open a council vote on the case in its current state. `close_roles` may close it early
    (e.g. the council's secretary); otherwise it closes when all have voted or at its due date."""
    wf = _wf()
    what = _("Biểu quyết «%(name)s»") % {"name": name}
    wf.parse_ratio(quorum, what)
    wf.parse_ratio(threshold, what)
    if threshold_of not in ("cast", "members"):
        raise wf.WorkflowError(
            _("%(what)s: tỷ lệ thông qua tính trên số phiếu bầu (cast) hoặc số thành viên (members).")
            % {"what": what},
            code="invalid_vote",
        )
    members = list(members)
    if not members:
        raise wf.WorkflowError(_("%(what)s chưa có thành viên nào.") % {"what": what}, code="invalid_vote")
    roles = wf._check_roles(list(close_roles), what, wf.known_roles(), allow_system=False)
    reminder_days = wf._check_offsets(list(reminder_days), what)
    with transaction.atomic():
        locked = _lock_case(case)
        if locked.state.is_final:
            raise wf.WorkflowError(
                _("Hồ sơ đã ở trạng thái cuối «%(state)s», không mở biểu quyết.")
                % {"state": locked.state.name},
                code="final_state",
            )
        if not _may_manage(actor, locked):
            raise wf.WorkflowPermissionError(
                _("Bạn không có quyền mở biểu quyết cho hồ sơ này."), code="forbidden"
            )
        task = _create_task(
            case=locked,
            event=_current_event(locked),
            state=locked.state,
            code=code,
            name=name,
            kind=WorkflowTask.Kind.VOTE,
            assignee_roles=roles,
            due_on=due_on,
            reminder_days=reminder_days,
            members=members,
            secret=secret,
            quorum=quorum,
            threshold=threshold,
            threshold_of=threshold_of,
        )
        _audit_task(
            actor=actor,
            task=task,
            action="workflow.vote_open",
            changes={
                "members": [None, sorted(m.pk for m in members)],
                "secret": [None, secret],
                "quorum": [None, quorum],
                "threshold": [None, f"{threshold} ({threshold_of})"],
            },
        )
        _notify_assignees(task, actor)
    return task


# --- finishing ------------------------------------------------------------------------------------


def _lock_open_task(task: WorkflowTask, case: WorkflowCase, kind: str) -> WorkflowTask:
    wf = _wf()
    locked = WorkflowTask.objects.select_for_update().select_related("state").get(pk=task.pk)
    locked.case = case
    if locked.kind != kind:
        message = (
            _("«%(name)s» là một biểu quyết, không phải nhiệm vụ.")
            if locked.kind == WorkflowTask.Kind.VOTE
            else _("«%(name)s» không phải một biểu quyết.")
        )
        raise wf.WorkflowError(message % {"name": locked.name}, code="wrong_kind")
    if locked.status != WorkflowTask.Status.OPEN:
        raise wf.WorkflowError(
            _("«%(name)s» đã %(status)s.") % {"name": locked.name, "status": locked.get_status_display()},
            code="task_closed",
        )
    return locked


def _maybe_advance(case: WorkflowCase, task: WorkflowTask) -> WorkflowCase | None:
    """Apply the state's advance rule after a task of the current stay finished."""
    wf = _wf()
    state = case.state
    if not state.advance_when or task.event_id != _current_event(case).pk:
        return None
    tasks = list(
        WorkflowTask.objects.filter(event_id=task.event_id).exclude(status=WorkflowTask.Status.CANCELLED)
    )
    done = [t for t in tasks if t.status == WorkflowTask.Status.DONE]
    when = state.advance_when
    ready = (
        (when == "all" and len(done) == len(tasks))
        or (when == "any" and len(done) >= 1)
        or (when.isdecimal() and len(done) >= int(when))
    )
    if not ready:
        return None
    outcomes = {t.outcome for t in done}
    code = next((tr for outcome, tr in state.advance_on_outcome.items() if outcome in outcomes), "")
    code = code or state.advance_transition
    if not code:
        return None
    summary = "; ".join(f"{t.name}: {OUTCOME_NAMES.get(t.outcome, t.outcome)}" for t in done)
    return wf.case_transition(
        actor=None,
        case=case,
        transition_code=code,
        reason=_("Tự động sau khi các nhiệm vụ hoàn thành (%(summary)s).") % {"summary": summary},
    )


def task_complete(*, actor, task: WorkflowTask, outcome: str = "done", comment: str = "") -> WorkflowTask:
    """Finish a task with one of its outcomes; may advance the case (the state's advance rule)."""
    wf = _wf()
    comment = (comment or "").strip()
    with transaction.atomic():
        case = _lock_case(task.case)
        locked = _lock_open_task(task, case, WorkflowTask.Kind.TASK)
        if not _may_do(actor, locked):
            raise wf.WorkflowPermissionError(
                _("Bạn không được giao nhiệm vụ «%(name)s».") % {"name": locked.name}, code="forbidden"
            )
        if outcome not in locked.outcomes:
            raise wf.WorkflowError(
                _("Kết quả «%(outcome)s» không hợp lệ cho nhiệm vụ «%(name)s» (chọn: %(allowed)s).")
                % {"outcome": outcome, "name": locked.name, "allowed": ", ".join(locked.outcomes)},
                code="invalid_outcome",
            )
        now = timezone.now()
        locked.status = WorkflowTask.Status.DONE
        locked.outcome = outcome
        locked.comment = comment
        locked.completed_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.completed_at = now
        locked.late = bool(locked.due_on and timezone.localdate(now) > locked.due_on)
        locked.save(update_fields=["status", "outcome", "comment", "completed_by", "completed_at", "late"])
        changes: dict[str, Any] = {"outcome": [None, outcome]}
        if locked.late:
            changes["late"] = [None, locked.due_on.isoformat()]
        _audit_task(
            actor=actor, task=locked, action="workflow.task_complete", changes=changes, reason=comment
        )
        task_completed.send(sender=WorkflowTask, task=locked, actor=actor)
        _maybe_advance(case, locked)
    return locked


def _eligible_members(task: WorkflowTask, case: WorkflowCase) -> list:
    return [m for m in task.members.filter(is_active=True) if not is_conflicted(m, case)]


def vote_cast(*, actor, task: WorkflowTask, choice: str, comment: str = "") -> WorkflowBallot:
    """One member's ballot: yes, no or abstain. Closes the vote once every eligible member voted."""
    wf = _wf()
    if choice not in VOTE_CHOICES:
        raise wf.WorkflowError(
            _("Lựa chọn «%(choice)s» không hợp lệ (Đồng ý, Không đồng ý hoặc Không biểu quyết).")
            % {"choice": choice},
            code="invalid_choice",
        )
    with transaction.atomic():
        case = _lock_case(task.case)
        locked = _lock_open_task(task, case, WorkflowTask.Kind.VOTE)
        if not getattr(actor, "is_authenticated", False) or not locked.members.filter(pk=actor.pk).exists():
            raise wf.WorkflowPermissionError(
                _("Bạn không phải thành viên biểu quyết «%(name)s».") % {"name": locked.name},
                code="forbidden",
            )
        if is_conflicted(actor, case):
            raise wf.WorkflowPermissionError(
                _(
                    "Bạn không được biểu quyết «%(name)s» vì hồ sơ thuộc chính cơ quan, đơn vị của bạn "
                    "(xung đột lợi ích)."
                )
                % {"name": locked.name},
                code="conflict_of_interest",
            )
        try:
            with transaction.atomic():
                ballot = WorkflowBallot.objects.create(
                    task=locked,
                    voter=actor,
                    choice="" if locked.secret else choice,
                    comment="" if locked.secret else (comment or "").strip(),
                )
        except IntegrityError:
            raise wf.WorkflowError(
                _("Bạn đã biểu quyết «%(name)s»; mỗi thành viên chỉ có một phiếu.") % {"name": locked.name},
                code="already_voted",
            ) from None
        tally = dict(locked.tally or {})
        tally[choice] = int(tally.get(choice, 0)) + 1
        locked.tally = tally
        locked.save(update_fields=["tally"])
        changes: dict[str, Any] = {"voted": [None, True]}
        if not locked.secret:
            changes["choice"] = [None, choice]
        _audit_task(actor=actor, task=locked, action="workflow.vote_cast", changes=changes)
        eligible = {m.pk for m in _eligible_members(locked, case)}
        voted = set(locked.ballots.values_list("voter_id", flat=True))
        if eligible and eligible <= voted:
            _close(actor=None, task=locked, case=case, reason=_("Mọi thành viên đã biểu quyết."))
    return ballot


def _close(*, actor, task: WorkflowTask, case: WorkflowCase, reason: str) -> WorkflowTask:
    eligible = len(_eligible_members(task, case))
    tally = task.tally or {}
    result = tally_outcome(
        eligible=eligible,
        yes=int(tally.get("yes", 0)),
        no=int(tally.get("no", 0)),
        abstain=int(tally.get("abstain", 0)),
        quorum=task.quorum or "1/2",
        threshold=task.threshold or ">1/2",
        threshold_of=task.threshold_of or "cast",
    )
    now = timezone.now()
    task.status = WorkflowTask.Status.DONE
    task.outcome = result["outcome"]
    task.tally = {**{k: int(tally.get(k, 0)) for k in VOTE_CHOICES}, "result": result}
    task.completed_by = actor if getattr(actor, "is_authenticated", False) else None
    task.completed_at = now
    task.save(update_fields=["status", "outcome", "tally", "completed_by", "completed_at"])
    _audit_task(
        actor=actor,
        task=task,
        action="workflow.vote_close",
        changes={"outcome": [None, result["outcome"]], "result": [None, result]},
        reason=reason,
    )
    task_completed.send(sender=WorkflowTask, task=task, actor=actor)
    _maybe_advance(case, task)
    return task


def vote_close(*, actor, task: WorkflowTask, reason: str = "") -> WorkflowTask:
    """Close the vote now and count it (the system at its due date, or a holder of its close roles)."""
    wf = _wf()
    with transaction.atomic():
        case = _lock_case(task.case)
        locked = _lock_open_task(task, case, WorkflowTask.Kind.VOTE)
        if actor is not None and not (
            locked.assignee_roles and wf.may_act(actor, case, locked.assignee_roles)
        ):
            raise wf.WorkflowPermissionError(
                _("Bạn không có quyền kết thúc biểu quyết «%(name)s».") % {"name": locked.name},
                code="forbidden",
            )
        return _close(actor=actor, task=locked, case=case, reason=(reason or "").strip())


# --- reads ----------------------------------------------------------------------------------------


def tasks_of(case: WorkflowCase, *, current_only: bool = True):
    """The case's tasks (of its current stay in its state, by default), in creation order."""
    qs = WorkflowTask.objects.filter(case=case).select_related("state", "assignee_user", "completed_by")
    if current_only:
        event = _current_event(case)
        qs = qs.filter(event=event)
    return qs.order_by("id")


def vote_result(task: WorkflowTask) -> dict[str, Any]:
    """The counts of a closed vote; while it is open, only how many have voted (a secret vote's
    running tally is never shown)."""
    if task.status == WorkflowTask.Status.DONE:
        return dict(task.tally.get("result") or {})
    return {"cast": task.ballots.count(), "members": task.members.count(), "outcome": ""}
