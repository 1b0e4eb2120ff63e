"""The generic workflow engine: define workflows from data, start cases, move them.

Every write is a service, one transaction each, writing its audit row:

- `workflow_define(*, actor, code, name, states, transitions, description="", active=True)`
  creates or updates a workflow from plain data (idempotent: the same data twice changes nothing).
- `case_start(*, actor, workflow, subject, unit_id)` puts a subject (any model instance) into the
  workflow's initial state.
- `case_transition(*, actor, case, transition_code, reason="", expected_version=None)` moves it,
  after checking (a) the transition leaves the current state, (b) the actor holds one of its roles
  over the case's unit (`settings.CHUNGSUC_WORKFLOW_PERMISSION`), (c) a reason when one is required,
  (d) the version the actor saw. `actor=None` is the system (a scheduled job): it may take only
  transitions whose roles list "system". It writes a `WorkflowEvent` and an audit row, sends
  `case_transitioned` (receivers run inside the same transaction, so a subject app's reaction and the
  move stand or fall together), and notifies the users who can act next
  (`settings.CHUNGSUC_WORKFLOW_RECIPIENTS`) in-app and by e-mail.

Reads: `available_transitions(user, case)`, `case_for(subject, workflow=None)`, `case_history(case)`,
`is_locked(subject)`, `assert_editable(subject)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.dispatch import Signal
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from chungsuc.core.audit import audit_record
from chungsuc.core.concurrency import ConflictError, save_with_version
from chungsuc.core.models import Workflow, WorkflowCase, WorkflowEvent, WorkflowState, WorkflowTransition
from chungsuc.core.notifications import notify

__all__ = [
    "ConflictError",
    "WorkflowError",
    "WorkflowPermissionError",
    "assert_editable",
    "available_transitions",
    "case_for",
    "case_history",
    "case_start",
    "case_started",
    "case_transition",
    "case_transitioned",
    "is_locked",
    "workflow_define",
]

# Sent inside the transition's transaction: sender=WorkflowCase, case, event, transition, actor,
# subject, from_state, to_state, reason. An exception in a receiver rolls the transition back.
case_transitioned = Signal()
# Sent inside case_start's transaction: sender=WorkflowCase, case, event, actor, subject.
case_started = Signal()


class WorkflowError(ValidationError):
    """A workflow request that cannot be carried out; the message (Vietnamese) says why."""


class WorkflowPermissionError(WorkflowError):
    """The actor does not hold a role allowed to take this transition over the case's unit."""


# --- hooks into accounts (core sits below it) ---------------------------------------------------


def _can_act(user, unit_id, roles) -> bool:
    return bool(import_string(settings.CHUNGSUC_WORKFLOW_PERMISSION)(user, unit_id, list(roles)))


SYSTEM_ROLE = "system"


def _allowed(actor, unit_id, roles) -> bool:
    """A user needs one of `roles` over the unit; the system itself (actor=None: a scheduled job such
    as closing a public consultation after its days) may take only transitions listing "system"."""
    if actor is None:
        return SYSTEM_ROLE in roles
    return _can_act(actor, unit_id, [r for r in roles if r != SYSTEM_ROLE])


def _recipients(unit_id, roles) -> Iterable:
    if not roles:
        return []
    return import_string(settings.CHUNGSUC_WORKFLOW_RECIPIENTS)(unit_id, list(roles))


def _actor_repr(actor) -> str:
    if getattr(actor, "is_authenticated", False):
        return actor.get_full_name() or actor.get_username()
    return "hệ thống"


# --- defining workflows from data --------------------------------------------------------------

_STATE_KEYS = {"code", "name", "order", "is_initial", "is_final", "locks_data"}
_TRANSITION_KEYS = {"code", "name", "source", "target", "roles", "requires_reason", "is_reopen", "order"}


def _check_keys(item: Any, allowed: set[str], what: str) -> dict:
    if not isinstance(item, Mapping):
        raise WorkflowError(
            _("%(what)s phải là một bảng khóa–giá trị, nhận được: %(item)r.") % {"what": what, "item": item}
        )
    unknown = sorted(set(item) - allowed)
    if unknown:
        raise WorkflowError(
            _("%(what)s có khóa không hợp lệ: %(keys)s (chỉ dùng: %(allowed)s).")
            % {"what": what, "keys": ", ".join(unknown), "allowed": ", ".join(sorted(allowed))}
        )
    for key in ("code", "name"):
        if not str(item.get(key) or "").strip():
            raise WorkflowError(_("%(what)s thiếu «%(key)s».") % {"what": what, "key": key})
    return dict(item)


def _validate_definition(code: str, states: list, transitions: list) -> tuple[list[dict], list[dict]]:
    if not states:
        raise WorkflowError(_("Quy trình «%(code)s» chưa có trạng thái nào.") % {"code": code})
    clean_states: list[dict] = []
    seen: set[str] = set()
    for index, raw in enumerate(states, start=1):
        item = _check_keys(
            raw, _STATE_KEYS, _("Trạng thái thứ %(n)d của quy trình «%(code)s»") % {"n": index, "code": code}
        )
        state_code = str(item["code"]).strip()
        if state_code in seen:
            raise WorkflowError(
                _("Quy trình «%(code)s»: mã trạng thái «%(state)s» bị lặp.")
                % {"code": code, "state": state_code}
            )
        seen.add(state_code)
        clean_states.append(
            {
                "code": state_code,
                "name": str(item["name"]).strip(),
                "order": int(item.get("order", index * 10)),
                "is_initial": bool(item.get("is_initial", False)),
                "is_final": bool(item.get("is_final", False)),
                "locks_data": bool(item.get("locks_data", False)),
            }
        )
    initial = [s["code"] for s in clean_states if s["is_initial"]]
    if len(initial) != 1:
        raise WorkflowError(
            _("Quy trình «%(code)s» cần đúng một trạng thái đầu (is_initial), đang có %(n)d: %(states)s.")
            % {"code": code, "n": len(initial), "states": ", ".join(initial) or "—"}
        )
    clean_transitions: list[dict] = []
    pairs: set[tuple[str, str]] = set()
    for index, raw in enumerate(transitions, start=1):
        what = _("Bước chuyển thứ %(n)d («%(t)s») của quy trình «%(code)s»") % {
            "n": index,
            "t": (raw or {}).get("code", "?") if isinstance(raw, Mapping) else "?",
            "code": code,
        }
        item = _check_keys(raw, _TRANSITION_KEYS, what)
        for end in ("source", "target"):
            if str(item.get(end) or "") not in seen:
                raise WorkflowError(
                    _("%(what)s: trạng thái %(end)s «%(state)s» không có trong quy trình.")
                    % {"what": what, "end": "nguồn" if end == "source" else "đích", "state": item.get(end)}
                )
        roles = item.get("roles", [])
        if (
            isinstance(roles, str)
            or not isinstance(roles, list | tuple)
            or not all(isinstance(r, str) for r in roles)
        ):
            raise WorkflowError(
                _("%(what)s: «roles» phải là danh sách mã vai trò, nhận được: %(roles)r.")
                % {"what": what, "roles": roles}
            )
        key = (str(item["source"]), str(item["code"]).strip())
        if key in pairs:
            raise WorkflowError(
                _("%(what)s: thao tác «%(t)s» từ trạng thái «%(s)s» bị lặp.")
                % {"what": what, "t": key[1], "s": key[0]}
            )
        pairs.add(key)
        clean_transitions.append(
            {
                "code": key[1],
                "name": str(item["name"]).strip(),
                "source": key[0],
                "target": str(item["target"]),
                "roles": [str(r) for r in roles],
                "requires_reason": bool(item.get("requires_reason", False)),
                "is_reopen": bool(item.get("is_reopen", False)),
                "order": int(item.get("order", index * 10)),
            }
        )
    return clean_states, clean_transitions


def workflow_define(
    *,
    actor,
    code: str,
    name: str,
    states: list[Mapping[str, Any]],
    transitions: list[Mapping[str, Any]],
    description: str = "",
    active: bool = True,
) -> Workflow:
    """Create or update the workflow `code` so that it has exactly these states and transitions.

    states: [{"code", "name", "order"?, "is_initial"?, "is_final"?, "locks_data"?}, ...]
    transitions: [{"code", "name", "source", "target", "roles": [...], "requires_reason"?,
    "is_reopen"?, "order"?}, ...] (source/target are state codes).
    States and transitions absent from the data are removed; a state still holding cases cannot be
    removed. Running it again with the same data changes nothing and writes no audit row.
    """
    code = str(code or "").strip()
    if not code:
        raise WorkflowError(_("Quy trình thiếu mã."))
    clean_states, clean_transitions = _validate_definition(code, list(states), list(transitions))
    with transaction.atomic():
        changes: dict[str, list[Any]] = {}
        workflow = Workflow.objects.select_for_update().filter(code=code).first()
        if workflow is None:
            workflow = Workflow.objects.create(code=code, name=name, description=description, active=active)
            changes["workflow"] = [None, code]
        else:
            before = {"name": workflow.name, "description": workflow.description, "active": workflow.active}
            after = {"name": name, "description": description, "active": active}
            if before != after:
                for key, value in after.items():
                    if before[key] != value:
                        changes[key] = [before[key], value]
                Workflow.objects.filter(pk=workflow.pk).update(**after)
                for key, value in after.items():
                    setattr(workflow, key, value)

        existing_states = {s.code: s for s in workflow.states.all()}
        wanted_codes = {s["code"] for s in clean_states}
        stale = [s for c, s in existing_states.items() if c not in wanted_codes]
        for state in stale:
            if WorkflowCase.objects.filter(state=state).exists():
                raise WorkflowError(
                    _(
                        "Không thể bỏ trạng thái «%(state)s» khỏi quy trình «%(code)s» "
                        "vì còn hồ sơ đang ở trạng thái này."
                    )
                    % {"state": state.code, "code": code}
                )
        # Clear the old initial flag first so the one-initial-state constraint holds throughout.
        new_initial = next(s["code"] for s in clean_states if s["is_initial"])
        workflow.states.filter(is_initial=True).exclude(code=new_initial).update(is_initial=False)
        state_by_code: dict[str, WorkflowState] = {}
        for data in clean_states:
            state = existing_states.get(data["code"])
            if state is None:
                state = WorkflowState.objects.create(workflow=workflow, **data)
                changes[f"state:{data['code']}"] = [None, data["name"]]
            else:
                diff = {k: v for k, v in data.items() if getattr(state, k) != v}
                if diff:
                    changes[f"state:{data['code']}"] = [
                        {k: getattr(state, k) for k in diff},
                        diff,
                    ]
                    for key, value in diff.items():
                        setattr(state, key, value)
                    state.save(update_fields=list(diff))
            state_by_code[data["code"]] = state

        existing_transitions = {
            (t.source.code, t.code): t for t in workflow.transitions.select_related("source")
        }
        wanted_keys = set()
        for data in clean_transitions:
            key = (data["source"], data["code"])
            wanted_keys.add(key)
            values = {
                **data,
                "source": state_by_code[data["source"]],
                "target": state_by_code[data["target"]],
            }
            transition = existing_transitions.get(key)
            label = f"transition:{data['source']}:{data['code']}"
            if transition is None:
                WorkflowTransition.objects.create(workflow=workflow, **values)
                changes[label] = [None, f"{data['source']} → {data['target']}"]
            else:
                comparable = {k: v for k, v in values.items() if k not in {"source", "code"}}
                diff = {
                    k: v
                    for k, v in comparable.items()
                    if (
                        getattr(transition, f"{k}_id") != v.pk
                        if k == "target"
                        else getattr(transition, k) != v
                    )
                }
                if diff:
                    changes[label] = [
                        {
                            k: (getattr(transition, k).code if k == "target" else getattr(transition, k))
                            for k in diff
                        },
                        {k: (v.code if k == "target" else v) for k, v in diff.items()},
                    ]
                    for key_, value in diff.items():
                        setattr(transition, key_, value)
                    transition.save(update_fields=list(diff))
        for key, transition in existing_transitions.items():
            if key not in wanted_keys:
                changes[f"transition:{key[0]}:{key[1]}"] = [
                    f"{transition.source.code} → {transition.target.code}",
                    None,
                ]
                transition.delete()
        for state in stale:
            changes[f"state:{state.code}"] = [state.name, None]
            state.delete()

        if changes:
            audit_record(
                actor=actor,
                action="workflow.define",
                target=workflow,
                target_repr=f"{workflow.name} ({workflow.code})",
                changes=changes,
            )
    return workflow


# --- cases -------------------------------------------------------------------------------------


def _workflow(workflow: Workflow | str) -> Workflow:
    if isinstance(workflow, Workflow):
        return workflow
    try:
        return Workflow.objects.get(code=workflow)
    except Workflow.DoesNotExist:
        raise WorkflowError(_("Không có quy trình «%(code)s».") % {"code": workflow}) from None


def _subject_repr(case: WorkflowCase, subject=None) -> str:
    subject = subject if subject is not None else case.subject
    return str(subject) if subject is not None else f"{case.content_type.model} #{case.object_id}"


def _subject_url(subject) -> str:
    getter = getattr(subject, "get_absolute_url", None)
    if getter is None:
        return ""
    try:
        return getter() or ""
    except Exception:  # a subject without a page is still notifiable
        return ""


def case_start(
    *,
    actor,
    workflow: Workflow | str,
    subject: models.Model,
    unit_id: int | None,
    roles: Iterable[str] | None = None,
) -> WorkflowCase:
    """Put `subject` into `workflow`'s initial state. One case per subject and workflow.

    Starting is usually part of the subject app's own act (creating a dossier), which has already
    checked that the actor may create the subject on `unit_id`; pass `roles` to have the engine check
    it too (WorkflowPermissionError otherwise).
    """
    workflow = _workflow(workflow)
    if roles is not None and not _can_act(actor, unit_id, roles):
        raise WorkflowPermissionError(
            _("Bạn không có quyền lập hồ sơ trong quy trình «%(name)s» cho đơn vị này.")
            % {"name": workflow.name},
            code="forbidden",
        )
    if not workflow.active:
        raise WorkflowError(_("Quy trình «%(name)s» đã ngừng sử dụng.") % {"name": workflow.name})
    if subject.pk is None:
        raise WorkflowError(_("Đối tượng cần được lưu trước khi đưa vào quy trình."))
    initial = workflow.initial_state
    if initial is None:
        raise WorkflowError(_("Quy trình «%(name)s» chưa có trạng thái đầu.") % {"name": workflow.name})
    content_type = ContentType.objects.get_for_model(subject)
    try:
        with transaction.atomic():
            case = WorkflowCase.objects.create(
                workflow=workflow,
                content_type=content_type,
                object_id=subject.pk,
                unit_id=unit_id,
                state=initial,
                started_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            event = WorkflowEvent.objects.create(
                case=case,
                transition_code="start",
                transition_name=_("Khởi tạo"),
                from_state=None,
                to_state=initial,
                actor=case.started_by,
                actor_repr=_actor_repr(actor),
            )
            audit_record(
                actor=actor,
                action="workflow.start",
                target=subject,
                unit_id=unit_id,
                changes={"workflow": [None, workflow.code], "state": [None, initial.code]},
            )
            case_started.send(sender=WorkflowCase, case=case, event=event, actor=actor, subject=subject)
    except IntegrityError:
        raise WorkflowError(
            _("«%(subject)s» đã có hồ sơ trong quy trình «%(name)s».")
            % {"subject": subject, "name": workflow.name}
        ) from None
    return case


def case_for(subject: models.Model, workflow: Workflow | str | None = None) -> WorkflowCase | None:
    """The subject's case (in `workflow` if given, else its most recent one), or None."""
    qs = WorkflowCase.objects.select_related("workflow", "state").filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
    )
    if workflow is not None:
        qs = qs.filter(workflow__code=workflow.code if isinstance(workflow, Workflow) else workflow)
    return qs.order_by("-created_at", "-id").first()


def case_history(case: WorkflowCase):
    return case.events.select_related("from_state", "to_state", "actor").order_by("at", "id")


def available_transitions(user, case: WorkflowCase) -> list[WorkflowTransition]:
    """The transitions `user` may take on `case` now, in their configured order."""
    transitions = WorkflowTransition.objects.filter(
        workflow_id=case.workflow_id, source_id=case.state_id
    ).select_related("target")
    return [t for t in transitions.order_by("order", "id") if _allowed(user, case.unit_id, t.roles)]


def is_locked(subject: models.Model) -> bool:
    """True while any of the subject's cases is in a state that locks its data."""
    return WorkflowCase.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk, state__locks_data=True
    ).exists()


def assert_editable(subject: models.Model) -> None:
    """Raise WorkflowError when the subject's data is read-only (submitted or approved)."""
    case = (
        WorkflowCase.objects.select_related("state")
        .filter(
            content_type=ContentType.objects.get_for_model(subject),
            object_id=subject.pk,
            state__locks_data=True,
        )
        .first()
    )
    if case is not None:
        raise WorkflowError(
            _(
                "Hồ sơ đang ở trạng thái «%(state)s» nên chỉ được xem, không được sửa. "
                "Cần cấp trên mở lại (kèm lý do) trước khi sửa."
            )
            % {"state": case.state.name},
            code="locked",
        )


def _notify_next(
    *, case: WorkflowCase, event: WorkflowEvent, actor, subject, transition: WorkflowTransition
) -> None:
    state = event.to_state
    roles: set[str] = set()
    for nxt in WorkflowTransition.objects.filter(source=state, is_reopen=False):
        roles.update(r for r in nxt.roles if r != SYSTEM_ROLE)
    recipients = list(_recipients(case.unit_id, sorted(roles)))
    if state.is_final and case.started_by_id:
        recipients.append(case.started_by)
    if not recipients:
        return
    subject_text = _subject_repr(case, subject)
    title = _("«%(subject)s»: %(transition)s — nay ở trạng thái «%(state)s»") % {
        "subject": subject_text,
        "transition": transition.name,
        "state": state.name,
    }
    lines = [
        _("%(actor)s đã thực hiện «%(transition)s» (quy trình «%(workflow)s»).")
        % {"actor": event.actor_repr, "transition": transition.name, "workflow": case.workflow.name},
        _("Trạng thái: «%(from)s» → «%(to)s».") % {"from": event.from_state.name, "to": state.name},
    ]
    if event.reason:
        lines.append(_("Lý do: %(reason)s") % {"reason": event.reason})
    notify(
        recipients=recipients,
        title=title,
        body="\n".join(lines),
        url=_subject_url(subject),
        exclude=actor,
    )


def case_transition(
    *,
    actor,
    case: WorkflowCase,
    transition_code: str,
    reason: str = "",
    expected_version: int | None = None,
) -> WorkflowCase:
    """Take transition `transition_code` on `case` (see the module docstring for the checks).

    Returns the case, reloaded, in its new state with its new version.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        try:
            locked = (
                WorkflowCase.objects.select_for_update()
                .select_related("workflow", "state", "content_type")
                .get(pk=case.pk)
            )
        except WorkflowCase.DoesNotExist:
            raise WorkflowError(_("Hồ sơ không còn trong quy trình.")) from None
        if expected_version is not None and int(expected_version) != locked.version:
            raise ConflictError(expected=int(expected_version), current=locked.version)
        transition = (
            WorkflowTransition.objects.select_related("source", "target")
            .filter(workflow_id=locked.workflow_id, source_id=locked.state_id, code=transition_code)
            .first()
        )
        if transition is None:
            known = WorkflowTransition.objects.filter(
                workflow_id=locked.workflow_id, code=transition_code
            ).first()
            if known is None:
                raise WorkflowError(
                    _("Quy trình «%(workflow)s» không có thao tác «%(code)s».")
                    % {"workflow": locked.workflow.name, "code": transition_code},
                    code="unknown_transition",
                )
            raise WorkflowError(
                _("Không thể «%(transition)s» khi hồ sơ đang ở trạng thái «%(state)s».")
                % {"transition": known.name, "state": locked.state.name},
                code="wrong_state",
            )
        if not _allowed(actor, locked.unit_id, transition.roles):
            raise WorkflowPermissionError(
                _(
                    "Bạn không có quyền «%(transition)s» hồ sơ này "
                    "(cần một trong các vai trò: %(roles)s trên địa bàn của hồ sơ)."
                )
                % {"transition": transition.name, "roles": ", ".join(transition.roles) or "—"},
                code="forbidden",
            )
        if transition.requires_reason and not reason:
            raise WorkflowError(
                _("Cần nêu lý do khi «%(transition)s».") % {"transition": transition.name},
                code="reason_required",
            )

        from_state = locked.state
        locked.state = transition.target
        save_with_version(locked, locked.version, ["state"])
        event = WorkflowEvent.objects.create(
            case=locked,
            transition=transition,
            transition_code=transition.code,
            transition_name=transition.name,
            from_state=from_state,
            to_state=transition.target,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            actor_repr=_actor_repr(actor),
            reason=reason,
        )
        subject = locked.subject
        audit_record(
            actor=actor,
            action="workflow.transition",
            target=subject,
            target_type=locked.content_type.app_label + "." + locked.content_type.model,
            target_id=str(locked.object_id),
            target_repr=_subject_repr(locked, subject),
            unit_id=locked.unit_id,
            changes={
                "state": [from_state.code, transition.target.code],
                "state_name": [from_state.name, transition.target.name],
                "transition": [None, transition.code],
                "version": [locked.version - 1, locked.version],
            },
            reason=reason,
        )
        case_transitioned.send(
            sender=WorkflowCase,
            case=locked,
            event=event,
            transition=transition,
            actor=actor,
            subject=subject,
            from_state=from_state,
            to_state=transition.target,
            reason=reason,
        )
        _notify_next(case=locked, event=event, actor=actor, subject=subject, transition=transition)
    return locked
