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

Who may act is asked per subject: a subject model may register its own check
(`workflow_subject_register(Model, can_act=..., recipients=...)`, or the `CHUNGSUC_WORKFLOW_SUBJECTS`
setting), which receives the case (its unit, organisation and person anchors) and the transition, and
usually asks the permission layer. Without one, a transition's `anchor` says what the roles are held
over: the case's unit (default, `CHUNGSUC_WORKFLOW_PERMISSION`), its organisation
(`CHUNGSUC_WORKFLOW_ORG_PERMISSION`) or its person (`CHUNGSUC_WORKFLOW_PERSON_PERMISSION`).

Role codes are checked at definition time against `CHUNGSUC_WORKFLOW_ROLES` (plus "system"); a
state's meanings are flags on it (`locks_data`, `is_public`, `is_final`); a state may carry a due
date (`due_days`), reminders (`reminder_days`, offsets from the due date), an overdue move the
scheduled job takes as the system (`overdue_transition`), tasks opened on entry (`tasks`, including
council votes) and the rule that advances the case when they are done (`advance`). Tasks, votes and the
scheduled job are in `chungsuc.core.workflow_tasks` and `chungsuc.core.workflow_schedule`, re-exported
here. `case_transition_batch` moves many cases by one decision, all or nothing, each audited.

Reads: `available_transitions(user, case)`, `case_for(subject, workflow=None)`, `case_history(case)`,
`is_locked(subject)`, `assert_editable(subject)`, `is_public(subject)`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from chungsuc.core.audit import audit_record
from chungsuc.core.concurrency import ConflictError, save_with_version
from chungsuc.core.models import (
    Workflow,
    WorkflowCase,
    WorkflowEvent,
    WorkflowState,
    WorkflowTask,
    WorkflowTransition,
)
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
    "case_set_due",
    "case_transition",
    "case_transition_batch",
    "case_transitioned",
    "is_locked",
    "is_public",
    "parse_ratio",
    "workflow_define",
    "workflow_subject_register",
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

SYSTEM_ROLE = "system"
ANCHORS = ("unit", "organisation", "person")

# model label ("movements.annualreport") → {"can_act": f(user, case, roles, transition) -> bool,
# "recipients": f(case, roles, transition) -> users, "conflict": f(user, case) -> bool}
_SUBJECT_HOOKS: dict[str, dict[str, Callable]] = {}


def workflow_subject_register(
    model,
    *,
    can_act: Callable | None = None,
    recipients: Callable | None = None,
    conflict: Callable | None = None,
) -> None:
    """Plug a subject model's own "who may act" check into the engine (call it from AppConfig.ready).

    `can_act(user, case, roles, transition)` answers for a user (never the system) and usually asks
    the permission layer (`accounts.permissions.can(user, action, case.subject)`); `transition` is
    None when a task or vote is being completed. `recipients(case, roles, transition)` returns the users
    to notify; `conflict(user, case)` is True when the user may not vote on the case (their own
    organisation's item). Hooks not given fall back to the anchors' settings hooks.
    """
    label = model if isinstance(model, str) else model._meta.label_lower
    hooks = {"can_act": can_act, "recipients": recipients, "conflict": conflict}
    _SUBJECT_HOOKS[label.lower()] = {k: v for k, v in hooks.items() if v is not None}


def _subject_hook(case: WorkflowCase, name: str) -> Callable | None:
    label = f"{case.content_type.app_label}.{case.content_type.model}"
    hook = _SUBJECT_HOOKS.get(label, {}).get(name)
    if hook is None:
        configured = (getattr(settings, "CHUNGSUC_WORKFLOW_SUBJECTS", None) or {}).get(label, {})
        if configured.get(name):
            hook = import_string(configured[name])
    return hook


def _setting_hook(name: str) -> Callable | None:
    path = getattr(settings, name, None)
    return import_string(path) if path else None


def _can_act(user, unit_id, roles) -> bool:
    return bool(import_string(settings.CHUNGSUC_WORKFLOW_PERMISSION)(user, unit_id, list(roles)))


def _anchor_can_act(user, case: WorkflowCase, roles: list[str], anchor: str) -> bool:
    if not roles:
        return False
    if anchor == "organisation":
        hook = _setting_hook("CHUNGSUC_WORKFLOW_ORG_PERMISSION")
        return bool(hook and case.organisation_id is not None and hook(user, case.organisation_id, roles))
    if anchor == "person":
        hook = _setting_hook("CHUNGSUC_WORKFLOW_PERSON_PERMISSION")
        return bool(hook and case.person_id is not None and hook(user, case.person_id, roles))
    return _can_act(user, case.unit_id, roles)


def may_act(actor, case: WorkflowCase, roles, *, transition: WorkflowTransition | None = None) -> bool:
    """Whether `actor` may act on `case` with one of `roles` (the per-subject hook, else the anchor's).

    The system itself (actor=None: a scheduled job) may act only where the roles list "system"."""
    roles = list(roles)
    if actor is None:
        return SYSTEM_ROLE in roles
    human = [r for r in roles if r != SYSTEM_ROLE]
    if not human or not getattr(actor, "is_authenticated", False):
        return False
    hook = _subject_hook(case, "can_act")
    if hook is not None:
        return bool(hook(actor, case, human, transition))
    anchor = getattr(transition, "anchor", "") or "unit"
    return _anchor_can_act(actor, case, human, anchor)


def _allowed(actor, case: WorkflowCase, roles, transition: WorkflowTransition | None = None) -> bool:
    return may_act(actor, case, roles, transition=transition)


def _recipients_for(case: WorkflowCase, roles, *, anchor: str = "unit", transition=None) -> list:
    roles = sorted({r for r in roles if r != SYSTEM_ROLE})
    if not roles:
        return []
    hook = _subject_hook(case, "recipients")
    if hook is not None:
        return list(hook(case, roles, transition))
    if anchor == "organisation":
        org_hook = _setting_hook("CHUNGSUC_WORKFLOW_ORG_RECIPIENTS")
        if org_hook is None or case.organisation_id is None:
            return []
        return list(org_hook(case.organisation_id, roles))
    if anchor == "person":
        return []
    return list(import_string(settings.CHUNGSUC_WORKFLOW_RECIPIENTS)(case.unit_id, roles))


def _recipients(unit_id, roles) -> Iterable:
    if not roles:
        return []
    return import_string(settings.CHUNGSUC_WORKFLOW_RECIPIENTS)(unit_id, list(roles))


def _actor_repr(actor) -> str:
    if getattr(actor, "is_authenticated", False):
        return actor.get_full_name() or actor.get_username()
    return "hệ thống"


def known_roles() -> set[str]:
    """The role codes a workflow may name (`CHUNGSUC_WORKFLOW_ROLES`: a TextChoices class, an iterable
    or a callable returning codes), plus "system"."""
    source = import_string(settings.CHUNGSUC_WORKFLOW_ROLES)
    if hasattr(source, "values") and not isinstance(source, Mapping):
        codes = source.values
    elif callable(source):
        codes = source()
    else:
        codes = source
    return {str(c) for c in codes} | {SYSTEM_ROLE}


def parse_ratio(text: Any, what: str = "") -> tuple[Fraction, bool]:
    """ "2/3", "50%", "0.5", ">1/2" → (fraction, strict). Strict (">") means "more than"; otherwise
    "at least". The fraction must lie in (0, 1]."""
    raw = str(text if text is not None else "").strip().replace(",", ".")
    strict = raw.startswith(">")
    body = raw.lstrip(">=").strip()
    try:
        if body.endswith("%"):
            value = Fraction(body[:-1].strip()) / 100
        else:
            value = Fraction(body)
    except (ValueError, ZeroDivisionError):
        value = None
    if value is None or not (0 < value <= 1):
        raise WorkflowError(
            _("%(what)s: tỷ lệ «%(text)s» không hợp lệ (viết như 2/3, 50%%, >1/2; lớn hơn 0, tối đa 1).")
            % {"what": what or _("Tỷ lệ"), "text": raw}
        )
    return value, strict


# --- defining workflows from data --------------------------------------------------------------

_STATE_KEYS = {
    "code",
    "name",
    "order",
    "is_initial",
    "is_final",
    "locks_data",
    "is_public",
    "due_days",
    "reminder_days",
    "overdue_transition",
    "tasks",
    "advance",
}
_TRANSITION_KEYS = {
    "code",
    "name",
    "source",
    "target",
    "roles",
    "requires_reason",
    "is_reopen",
    "requires_tasks_done",
    "anchor",
    "order",
}
_TASK_KEYS = {
    "code",
    "name",
    "kind",
    "roles",
    "outcomes",
    "due_days",
    "reminder_days",
    "members_roles",
    "secret",
    "quorum",
    "threshold",
    "threshold_of",
}
_ADVANCE_KEYS = {"when", "transition", "on_outcome"}
VOTE_OUTCOMES = ("passed", "failed", "no_quorum")
DEFAULT_TASK_OUTCOMES = ["done"]


def _check_mapping(item: Any, allowed: set[str], what: str) -> dict:
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
    return dict(item)


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


def _check_roles(roles: Any, what: str, known: set[str], *, allow_system: bool = True) -> list[str]:
    if (
        isinstance(roles, str)
        or not isinstance(roles, list | tuple)
        or not all(isinstance(r, str) for r in roles)
    ):
        raise WorkflowError(
            _("%(what)s: «roles» phải là danh sách mã vai trò, nhận được: %(roles)r.")
            % {"what": what, "roles": roles}
        )
    allowed = known if allow_system else known - {SYSTEM_ROLE}
    unknown = [r for r in roles if r not in allowed]
    if unknown:
        raise WorkflowError(
            _("%(what)s: vai trò không tồn tại: %(roles)s (có: %(known)s).")
            % {"what": what, "roles": ", ".join(unknown), "known": ", ".join(sorted(allowed))}
        )
    return [str(r) for r in roles]


def _check_days(value: Any, what: str, key: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise WorkflowError(
            _("%(what)s: «%(key)s» phải là số ngày (số nguyên không âm), nhận được: %(value)r.")
            % {"what": what, "key": key, "value": value}
        )
    return value


def _check_offsets(value: Any, what: str) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list | tuple) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise WorkflowError(
            _(
                "%(what)s: «reminder_days» phải là danh sách số ngày so với hạn "
                "(âm là trước hạn, dương là sau hạn), nhận được: %(value)r."
            )
            % {"what": what, "value": value}
        )
    return sorted(set(value))


def _clean_task(raw: Any, what: str, known: set[str]) -> dict:
    item = _check_keys(raw, _TASK_KEYS, what)
    kind = str(item.get("kind") or "task")
    if kind not in ("task", "vote"):
        raise WorkflowError(
            _("%(what)s: loại «%(kind)s» không hợp lệ (task hoặc vote).") % {"what": what, "kind": kind}
        )
    task = {
        "code": str(item["code"]).strip(),
        "name": str(item["name"]).strip(),
        "kind": kind,
        "roles": _check_roles(item.get("roles", []), what, known, allow_system=False),
        "due_days": _check_days(item.get("due_days"), what, "due_days"),
        "reminder_days": _check_offsets(item.get("reminder_days"), what),
    }
    if kind == "vote":
        members = _check_roles(item.get("members_roles", []), what, known, allow_system=False)
        if not members:
            raise WorkflowError(
                _("%(what)s: biểu quyết cần «members_roles» (vai trò của các thành viên bỏ phiếu).")
                % {"what": what}
            )
        threshold_of = str(item.get("threshold_of") or "cast")
        if threshold_of not in ("cast", "members"):
            raise WorkflowError(
                _("%(what)s: «threshold_of» phải là cast (số phiếu bầu) hoặc members (số thành viên).")
                % {"what": what}
            )
        quorum = str(item.get("quorum") or "1/2")
        threshold = str(item.get("threshold") or ">1/2")
        parse_ratio(quorum, what)
        parse_ratio(threshold, what)
        task.update(
            members_roles=members,
            secret=bool(item.get("secret", False)),
            quorum=quorum,
            threshold=threshold,
            threshold_of=threshold_of,
            outcomes=list(VOTE_OUTCOMES),
        )
    else:
        for key in ("members_roles", "secret", "quorum", "threshold", "threshold_of"):
            if key in item:
                raise WorkflowError(
                    _("%(what)s: «%(key)s» chỉ dùng cho biểu quyết (kind: vote).")
                    % {"what": what, "key": key}
                )
        outcomes = item.get("outcomes") or DEFAULT_TASK_OUTCOMES
        if not isinstance(outcomes, list | tuple) or not all(isinstance(o, str) and o for o in outcomes):
            raise WorkflowError(_("%(what)s: «outcomes» phải là danh sách mã kết quả.") % {"what": what})
        task["outcomes"] = [str(o) for o in outcomes]
    return task


def _validate_definition(code: str, states: list, transitions: list) -> tuple[list[dict], list[dict]]:
    known = known_roles()
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
        what = _("Trạng thái «%(state)s» của quy trình «%(code)s»") % {"state": state_code, "code": code}
        tasks = item.get("tasks") or []
        if not isinstance(tasks, list | tuple):
            raise WorkflowError(_("%(what)s: «tasks» phải là danh sách.") % {"what": what})
        clean_tasks = [
            _clean_task(t, _("%(what)s, nhiệm vụ thứ %(n)d") % {"what": what, "n": n}, known)
            for n, t in enumerate(tasks, start=1)
        ]
        task_codes = [t["code"] for t in clean_tasks]
        if len(set(task_codes)) != len(task_codes):
            raise WorkflowError(_("%(what)s: mã nhiệm vụ bị lặp.") % {"what": what})
        advance = _check_mapping(
            item.get("advance") or {}, _ADVANCE_KEYS, _("%(what)s, «advance»") % {"what": what}
        )
        when = str(advance.get("when") or ("all" if advance.get("transition") else ""))
        if when and not (when in ("all", "any") or (when.isdecimal() and int(when) > 0)):
            raise WorkflowError(
                _("%(what)s: «advance.when» phải là all, any hoặc một số nhiệm vụ, nhận được «%(when)s».")
                % {"what": what, "when": when}
            )
        on_outcome = advance.get("on_outcome") or {}
        if not isinstance(on_outcome, Mapping):
            raise WorkflowError(
                _("%(what)s: «advance.on_outcome» phải là bảng kết quả → thao tác.") % {"what": what}
            )
        if when and not clean_tasks:
            raise WorkflowError(
                _("%(what)s: có quy tắc chuyển tiếp («advance») nhưng không có nhiệm vụ nào.")
                % {"what": what}
            )
        clean_states.append(
            {
                "code": state_code,
                "name": str(item["name"]).strip(),
                "order": int(item.get("order", index * 10)),
                "is_initial": bool(item.get("is_initial", False)),
                "is_final": bool(item.get("is_final", False)),
                "locks_data": bool(item.get("locks_data", False)),
                "is_public": bool(item.get("is_public", False)),
                "due_days": _check_days(item.get("due_days"), what, "due_days"),
                "reminder_days": _check_offsets(item.get("reminder_days"), what),
                "overdue_transition": str(item.get("overdue_transition") or "").strip(),
                "tasks": clean_tasks,
                "advance_when": when,
                "advance_transition": str(advance.get("transition") or "").strip(),
                "advance_on_outcome": {str(k): str(v) for k, v in on_outcome.items()},
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
        roles = _check_roles(item.get("roles", []), what, known)
        anchor = str(item.get("anchor") or "unit")
        if anchor not in ANCHORS:
            raise WorkflowError(
                _("%(what)s: «anchor» phải là unit, organisation hoặc person, nhận được «%(anchor)s».")
                % {"what": what, "anchor": anchor}
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
                "roles": roles,
                "requires_reason": bool(item.get("requires_reason", False)),
                "is_reopen": bool(item.get("is_reopen", False)),
                "requires_tasks_done": bool(item.get("requires_tasks_done", False)),
                "anchor": anchor,
                "order": int(item.get("order", index * 10)),
            }
        )
    # Moves the engine takes by itself must leave their state and be open to the system.
    by_source = {(t["source"], t["code"]): t for t in clean_transitions}
    for state in clean_states:
        automatic = [("overdue_transition", state["overdue_transition"])]
        automatic += [("advance.transition", state["advance_transition"])]
        automatic += [(f"advance.on_outcome.{k}", v) for k, v in state["advance_on_outcome"].items()]
        for key, transition_code in automatic:
            if not transition_code:
                continue
            transition = by_source.get((state["code"], transition_code))
            if transition is None:
                raise WorkflowError(
                    _(
                        "Trạng thái «%(state)s» của quy trình «%(code)s»: «%(key)s» là «%(t)s», "
                        "nhưng không có thao tác này từ trạng thái đó."
                    )
                    % {"state": state["code"], "code": code, "key": key, "t": transition_code}
                )
            if SYSTEM_ROLE not in transition["roles"]:
                raise WorkflowError(
                    _(
                        "Trạng thái «%(state)s» của quy trình «%(code)s»: thao tác «%(t)s» do hệ thống "
                        "tự thực hiện nên «roles» phải có «system»."
                    )
                    % {"state": state["code"], "code": code, "t": transition_code}
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


def _due_for(state: WorkflowState, today: dt.date, explicit: dt.date | None = None) -> dt.date | None:
    if explicit is not None:
        return explicit
    if state.due_days is not None:
        return today + dt.timedelta(days=state.due_days)
    return None


def _enter_state(case: WorkflowCase, event: WorkflowEvent, state: WorkflowState) -> None:
    """Open the state's tasks for this stay (the case has already been given the state and due date)."""
    from chungsuc.core.workflow_tasks import open_state_tasks

    open_state_tasks(case=case, event=event, state=state)


def _cancel_open_tasks(case: WorkflowCase) -> int:
    return WorkflowTask.objects.filter(case=case, status=WorkflowTask.Status.OPEN).update(
        status=WorkflowTask.Status.CANCELLED
    )


def case_start(
    *,
    actor,
    workflow: Workflow | str,
    subject: models.Model,
    unit_id: int | None,
    roles: Iterable[str] | None = None,
    organisation_id: int | None = None,
    person_id: int | None = None,
    due_on: dt.date | None = None,
) -> WorkflowCase:
    """Put `subject` into `workflow`'s initial state. One case per subject and workflow.

    Starting is usually part of the subject app's own act (creating a dossier), which has already
    checked that the actor may create the subject on `unit_id`; pass `roles` to have the engine check
    it too (WorkflowPermissionError otherwise). `organisation_id` and `person_id` anchor subjects that
    belong to an organisation or concern a person; `due_on` gives the first state a due date of its
    own (else the state's `due_days`, if any).
    """
    workflow = _workflow(workflow)
    content_type = ContentType.objects.get_for_model(subject)
    probe = WorkflowCase(
        workflow=workflow,
        content_type=content_type,
        object_id=subject.pk or 0,
        unit_id=unit_id,
        organisation_id=organisation_id,
        person_id=person_id,
    )
    if roles is not None and not may_act(actor, probe, roles):
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
    now = timezone.now()
    try:
        with transaction.atomic():
            case = WorkflowCase.objects.create(
                workflow=workflow,
                content_type=content_type,
                object_id=subject.pk,
                unit_id=unit_id,
                organisation_id=organisation_id,
                person_id=person_id,
                state=initial,
                entered_at=now,
                due_on=_due_for(initial, timezone.localdate(now), due_on),
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
            changes: dict[str, list[Any]] = {"workflow": [None, workflow.code], "state": [None, initial.code]}
            if case.due_on:
                changes["due_on"] = [None, case.due_on.isoformat()]
            audit_record(
                actor=actor, action="workflow.start", target=subject, unit_id=unit_id, changes=changes
            )
            _enter_state(case, event, initial)
            case_started.send(sender=WorkflowCase, case=case, event=event, actor=actor, subject=subject)
    except IntegrityError:
        raise WorkflowError(
            _("«%(subject)s» đã có hồ sơ trong quy trình «%(name)s».")
            % {"subject": subject, "name": workflow.name}
        ) from None
    return case


def case_set_due(*, actor, case: WorkflowCase, due_on: dt.date | None, reason: str = "") -> WorkflowCase:
    """Give the case's current state its own due date (or none), audited. The actor must be one who
    may act on the case now (take one of its current transitions)."""
    with transaction.atomic():
        locked = (
            WorkflowCase.objects.select_for_update()
            .select_related("workflow", "state", "content_type")
            .get(pk=case.pk)
        )
        if actor is not None and not any(
            may_act(actor, locked, t.roles, transition=t)
            for t in WorkflowTransition.objects.filter(source_id=locked.state_id)
        ):
            raise WorkflowPermissionError(_("Bạn không có quyền đặt hạn cho hồ sơ này."), code="forbidden")
        before = locked.due_on
        if before == due_on:
            return locked
        WorkflowCase.objects.filter(pk=locked.pk).update(due_on=due_on)
        locked.due_on = due_on
        subject = locked.subject
        audit_record(
            actor=actor,
            action="workflow.due",
            target=subject,
            target_type=locked.content_type.app_label + "." + locked.content_type.model,
            target_id=str(locked.object_id),
            target_repr=_subject_repr(locked, subject),
            unit_id=locked.unit_id,
            changes={
                "due_on": [before.isoformat() if before else None, due_on.isoformat() if due_on else None]
            },
            reason=(reason or "").strip(),
        )
    return locked


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
    return [t for t in transitions.order_by("order", "id") if may_act(user, case, t.roles, transition=t)]


def is_locked(subject: models.Model) -> bool:
    """True while any of the subject's cases is in a state that locks its data."""
    return WorkflowCase.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk, state__locks_data=True
    ).exists()


def is_public(subject: models.Model) -> bool:
    """True while any of the subject's cases is in a state flagged public."""
    return WorkflowCase.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk, state__is_public=True
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


def next_actors(case: WorkflowCase, state: WorkflowState | None = None) -> list:
    """The users who can take a (non-reopen) step from `state` (default: the case's state).

    A subject's own recipients hook is asked once per next transition (it may answer by transition);
    otherwise one recipients query per anchor."""
    state = state or case.state
    transitions = list(
        WorkflowTransition.objects.filter(source=state, is_reopen=False).order_by("order", "id")
    )
    users: dict[int, Any] = {}
    if _subject_hook(case, "recipients") is not None:
        for nxt in transitions:
            for user in _recipients_for(case, nxt.roles, anchor=nxt.anchor, transition=nxt):
                users.setdefault(user.pk, user)
        return list(users.values())
    roles_by_anchor: dict[str, set[str]] = {}
    for nxt in transitions:
        roles_by_anchor.setdefault(nxt.anchor or "unit", set()).update(nxt.roles)
    for anchor, roles in sorted(roles_by_anchor.items()):
        for user in _recipients_for(case, roles, anchor=anchor):
            users.setdefault(user.pk, user)
    return list(users.values())


def _notify_next(
    *, case: WorkflowCase, event: WorkflowEvent, actor, subject, transition: WorkflowTransition
) -> None:
    state = event.to_state
    recipients = next_actors(case, state)
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
    if case.due_on:
        lines.append(_("Hạn: %(date)s.") % {"date": case.due_on.strftime("%d/%m/%Y")})
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
    due_on: dt.date | None = None,
    batch: uuid.UUID | None = None,
) -> WorkflowCase:
    """Take transition `transition_code` on `case` (see the module docstring for the checks).

    `due_on` gives the new state a due date of its own (else its `due_days`, if any). Open tasks of
    the state left are cancelled; the state entered opens its own. The event is marked late when the
    state left was past its due date. Returns the case, reloaded, in its new state with its new version.
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
        if not may_act(actor, locked, transition.roles, transition=transition):
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
        if transition.requires_tasks_done:
            open_tasks = list(
                WorkflowTask.objects.filter(case=locked, status=WorkflowTask.Status.OPEN).values_list(
                    "name", flat=True
                )
            )
            if open_tasks:
                raise WorkflowError(
                    _("Chưa thể «%(transition)s»: còn nhiệm vụ chưa xong: %(tasks)s.")
                    % {"transition": transition.name, "tasks": "; ".join(open_tasks)},
                    code="tasks_open",
                )

        now = timezone.now()
        today = timezone.localdate(now)
        from_state = locked.state
        left_due = locked.due_on
        late = bool(left_due and today > left_due)
        new_due = _due_for(transition.target, today, due_on)
        _cancel_open_tasks(locked)
        locked.state = transition.target
        locked.entered_at = now
        locked.due_on = new_due
        save_with_version(locked, locked.version, ["state", "entered_at", "due_on"])
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
            late=late,
            due_on=left_due,
            batch=batch,
        )
        subject = locked.subject
        changes: dict[str, list[Any]] = {
            "state": [from_state.code, transition.target.code],
            "state_name": [from_state.name, transition.target.name],
            "transition": [None, transition.code],
            "version": [locked.version - 1, locked.version],
        }
        if late:
            changes["late"] = [None, left_due.isoformat()]
        if left_due != new_due:
            changes["due_on"] = [
                left_due.isoformat() if left_due else None,
                new_due.isoformat() if new_due else None,
            ]
        if batch is not None:
            changes["batch"] = [None, str(batch)]
        audit_record(
            actor=actor,
            action="workflow.transition",
            target=subject,
            target_type=locked.content_type.app_label + "." + locked.content_type.model,
            target_id=str(locked.object_id),
            target_repr=_subject_repr(locked, subject),
            unit_id=locked.unit_id,
            changes=changes,
            reason=reason,
        )
        _enter_state(locked, event, transition.target)
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


def case_transition_batch(
    *,
    actor,
    cases: Iterable[WorkflowCase],
    transition_code: str,
    reason: str = "",
    expected_versions: Mapping[int, int] | None = None,
    due_on: dt.date | None = None,
) -> tuple[uuid.UUID, list[WorkflowCase]]:
    """One decision for many cases: take `transition_code` on each, all or nothing.

    Each case goes through `case_transition` (its own checks, event, audit row, signal and
    notifications), all sharing one batch id, in one transaction; if any case is refused, nothing
    moves and the error names every refused case. `expected_versions` maps case id → version seen.
    Returns (batch id, moved cases). A summary audit row lists the cases.
    """
    cases = list(cases)
    if not cases:
        raise WorkflowError(_("Chưa chọn hồ sơ nào."), code="empty_batch")
    ids = [c.pk for c in cases]
    if len(set(ids)) != len(ids):
        raise WorkflowError(_("Một hồ sơ được chọn hai lần."), code="duplicate_in_batch")
    batch = uuid.uuid4()
    moved: list[WorkflowCase] = []
    problems: list[str] = []
    with transaction.atomic():
        for case in sorted(cases, key=lambda c: c.pk):  # one lock order, no deadlock between batches
            try:
                with transaction.atomic():
                    moved.append(
                        case_transition(
                            actor=actor,
                            case=case,
                            transition_code=transition_code,
                            reason=reason,
                            expected_version=(expected_versions or {}).get(case.pk),
                            due_on=due_on,
                            batch=batch,
                        )
                    )
            except ValidationError as exc:  # WorkflowError, ConflictError
                problems.append(f"«{_subject_repr(case)}»: {' '.join(exc.messages)}")
        if problems:  # raising inside the atomic block rolls every move back
            raise WorkflowError(
                _("Không thực hiện được cho %(n)d/%(total)d hồ sơ nên chưa hồ sơ nào được chuyển: %(list)s")
                % {"n": len(problems), "total": len(cases), "list": " ".join(problems)},
                code="batch_refused",
            )
        audit_record(
            actor=actor,
            action="workflow.batch",
            target=moved[0].workflow,
            target_repr=moved[0].workflow.name,
            changes={
                "batch": [None, str(batch)],
                "transition": [None, transition_code],
                "cases": [None, [c.pk for c in moved]],
            },
            reason=(reason or "").strip(),
        )
    return batch, moved


# Tasks, votes and the scheduled job live in their own modules; they are part of this API.
from chungsuc.core.workflow_schedule import workflow_tick  # noqa: E402
from chungsuc.core.workflow_tasks import (  # noqa: E402
    task_complete,
    task_create,
    tasks_of,
    vote_cast,
    vote_close,
    vote_open,
    vote_result,
)

__all__ += [
    "next_actors",
    "task_complete",
    "task_create",
    "tasks_of",
    "vote_cast",
    "vote_close",
    "vote_open",
    "vote_result",
    "workflow_tick",
]
