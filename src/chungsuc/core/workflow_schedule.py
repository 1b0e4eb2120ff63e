"""The workflow engine's scheduled job (part of the `chungsuc.core.workflow` API).

`workflow_tick(today=None)` runs as the system (actor=None, so only transitions listing the "system"
role) and is safe to run as often as one likes:

1. overdue moves: every case whose state has an `overdue_transition` and whose due date has passed is
   moved by it (each case in its own transaction; a refused move is reported, not fatal);
2. votes whose due date has passed are closed and counted;
3. reminders before and after due dates (the state's or the task's `reminder_days`, offsets from the
   due date) go to whoever can act next (for a task: its assignees; for a vote: the members who have
   not voted). Each reminder is sent once per stay in the state (`WorkflowReminder.key`); after a gap
   in the schedule only the latest reminder due is sent, and one missed by more than a week is dropped.

It runs from Celery beat (`chungsuc.core.tasks.workflow_tick`, `CELERY_BEAT_SCHEDULE` in settings) or,
without a broker, from cron: `chungsuc workflow_tick`.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chungsuc.core.audit import audit_record
from chungsuc.core.models import WorkflowCase, WorkflowReminder, WorkflowState, WorkflowTask
from chungsuc.core.notifications import notify

log = logging.getLogger(__name__)

# A reminder whose day was missed (the job did not run) is still sent within this many days.
REMINDER_GRACE_DAYS = 7


@dataclass
class TickReport:
    today: dt.date
    moved: list[int] = field(default_factory=list)  # case ids moved by their overdue transition
    votes_closed: list[int] = field(default_factory=list)
    reminders: int = 0
    errors: list[str] = field(default_factory=list)
    # what each CHUNGSUC_WORKFLOW_TICK_HOOKS hook reported (reminders it sent), by dotted path
    hooks: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        return _(
            "Ngày %(date)s: %(moved)d hồ sơ quá hạn được chuyển, %(votes)d biểu quyết kết thúc, "
            "%(reminders)d lời nhắc hạn, %(errors)d lỗi."
        ) % {
            "date": self.today.strftime("%d/%m/%Y"),
            "moved": len(self.moved),
            "votes": len(self.votes_closed),
            "reminders": self.reminders,
            "errors": len(self.errors),
        }


def _wf():
    from chungsuc.core import workflow

    return workflow


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _overdue_moves(report: TickReport) -> None:
    wf = _wf()
    today = report.today
    states = WorkflowState.objects.exclude(overdue_transition="").filter(is_final=False)
    for state in states:
        cases = WorkflowCase.objects.filter(state=state, due_on__lt=today).order_by("due_on", "id")
        for case in cases:
            try:
                wf.case_transition(
                    actor=None,
                    case=case,
                    transition_code=state.overdue_transition,
                    reason=_("Quá hạn %(date)s: hệ thống tự chuyển theo quy trình.")
                    % {"date": _fmt(case.due_on)},
                )
            except ValidationError as exc:
                report.errors.append(f"case {case.pk}: {' '.join(exc.messages)}")
                log.warning("workflow_tick: case %s not moved: %s", case.pk, exc.messages)
            else:
                report.moved.append(case.pk)


def _close_votes(report: TickReport) -> None:
    wf = _wf()
    votes = WorkflowTask.objects.filter(
        kind=WorkflowTask.Kind.VOTE, status=WorkflowTask.Status.OPEN, due_on__lt=report.today
    ).select_related("case")
    for task in votes:
        try:
            wf.vote_close(
                actor=None, task=task, reason=_("Hết hạn biểu quyết %(date)s.") % {"date": _fmt(task.due_on)}
            )
        except ValidationError as exc:
            report.errors.append(f"vote {task.pk}: {' '.join(exc.messages)}")
        else:
            report.votes_closed.append(task.pk)


def _due_offset(today: dt.date, due_on: dt.date, offsets: list[int]) -> int | None:
    """The latest reminder offset that has come (today ≥ due + offset), or None."""
    passed = [o for o in sorted(offsets) if today >= due_on + dt.timedelta(days=o)]
    return passed[-1] if passed else None


def _reminder_text(name: str, due_on: dt.date, today: dt.date) -> str:
    days = (due_on - today).days
    if days > 0:
        return _("«%(name)s»: còn %(n)d ngày đến hạn %(date)s.") % {
            "name": name,
            "n": days,
            "date": _fmt(due_on),
        }
    if days == 0:
        return _("«%(name)s»: hôm nay là hạn (%(date)s).") % {"name": name, "date": _fmt(due_on)}
    return _("«%(name)s»: đã quá hạn %(date)s %(n)d ngày.") % {"name": name, "n": -days, "date": _fmt(due_on)}


def _send(*, report: TickReport, key: str, case: WorkflowCase, task, due_on, offset, recipients, title, body):
    wf = _wf()
    try:
        with transaction.atomic():
            WorkflowReminder.objects.create(
                key=key, case=case, task=task, due_on=due_on, offset_days=offset, recipients=len(recipients)
            )
            subject = case.subject
            notify(recipients=recipients, title=title, body=body, url=wf._subject_url(subject))
            audit_record(
                actor=None,
                action="workflow.remind",
                target=subject,
                target_type=case.content_type.app_label + "." + case.content_type.model,
                target_id=str(case.object_id),
                target_repr=wf._subject_repr(case, subject),
                unit_id=case.unit_id,
                changes={
                    "due_on": [None, due_on.isoformat()],
                    "offset_days": [None, offset],
                    "task": [None, task.code if task else None],
                    "recipients": [None, len(recipients)],
                },
            )
    except IntegrityError:  # another run sent it first
        return
    report.reminders += 1


def _case_reminders(report: TickReport) -> None:
    wf = _wf()
    today = report.today
    for state in WorkflowState.objects.filter(is_final=False).select_related("workflow"):
        offsets = list(state.reminder_days or [])
        if not offsets:
            continue
        # Only cases inside the reminder window: due + min(offsets) ≤ today ≤ due + max(offsets) + grace.
        cases = WorkflowCase.objects.filter(
            state=state,
            due_on__lte=today - dt.timedelta(days=min(offsets)),
            due_on__gte=today - dt.timedelta(days=max(offsets) + REMINDER_GRACE_DAYS),
        ).select_related("workflow", "state", "content_type")
        for case in cases:
            offset = _due_offset(today, case.due_on, offsets)
            if offset is None:
                continue
            key = f"case:{case.pk}:v{case.version}:{case.due_on.isoformat()}:{offset}"
            if WorkflowReminder.objects.filter(key=key).exists():
                continue
            recipients = wf.next_actors(case)
            subject_text = wf._subject_repr(case)
            _send(
                report=report,
                key=key,
                case=case,
                task=None,
                due_on=case.due_on,
                offset=offset,
                recipients=recipients,
                title=_("Nhắc hạn: %(text)s") % {"text": _reminder_text(subject_text, case.due_on, today)},
                body=_("Hồ sơ đang ở trạng thái «%(state)s» (quy trình «%(workflow)s»).")
                % {"state": state.name, "workflow": state.workflow.name},
            )


def _task_reminders(report: TickReport) -> None:
    from chungsuc.core.workflow_tasks import _eligible_members, task_assignees

    wf = _wf()
    today = report.today
    tasks = (
        WorkflowTask.objects.filter(status=WorkflowTask.Status.OPEN, due_on__isnull=False)
        .exclude(reminder_days=[])
        .select_related("case", "case__workflow", "case__state", "case__content_type", "state")
    )
    for task in tasks:
        offsets = list(task.reminder_days or [])
        offset = _due_offset(today, task.due_on, offsets) if offsets else None
        if offset is None or today > task.due_on + dt.timedelta(days=max(offsets) + REMINDER_GRACE_DAYS):
            continue
        key = f"task:{task.pk}:{task.due_on.isoformat()}:{offset}"
        if WorkflowReminder.objects.filter(key=key).exists():
            continue
        if task.kind == WorkflowTask.Kind.VOTE:
            voted = set(task.ballots.values_list("voter_id", flat=True))
            recipients = [m for m in _eligible_members(task, task.case) if m.pk not in voted]
        else:
            recipients = task_assignees(task)
        _send(
            report=report,
            key=key,
            case=task.case,
            task=task,
            due_on=task.due_on,
            offset=offset,
            recipients=recipients,
            title=_("Nhắc hạn: %(text)s") % {"text": _reminder_text(task.name, task.due_on, today)},
            body=_("Hồ sơ «%(subject)s».") % {"subject": wf._subject_repr(task.case)},
        )


def workflow_tick(*, today: dt.date | None = None) -> TickReport:
    """Run the scheduled job once (see the module docstring). Returns what it did."""
    report = TickReport(today=today or timezone.localdate())
    _overdue_moves(report)
    _close_votes(report)
    _case_reminders(report)
    _task_reminders(report)
    _hooks(report)
    return report


def _hooks(report: TickReport) -> None:
    """The scheduled work of higher apps that is not a workflow case (a movement's obligations that
    have no report yet): `CHUNGSUC_WORKFLOW_TICK_HOOKS`, dotted paths of `hook(*, today) -> int` (the
    reminders it sent), run by the same tick as the system. A failing hook is recorded as an error
    of the tick; the others still run."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    for path in getattr(settings, "CHUNGSUC_WORKFLOW_TICK_HOOKS", ()):
        try:
            report.hooks[path] = int(import_string(path)(today=report.today) or 0)
        except Exception as exc:  # one hook's failure must not stop the tick
            log.exception("workflow tick hook %s failed", path)
            report.errors.append(f"{path}: {exc}")
