"""Every write of the assessments app: `<noun>_<verb>(*, actor, ...)`, one transaction each, audited.

Permission is asked of the one permission layer (`accounts.permissions.require` with an action of
`data/permissions/assessments.yaml`); a unit out of the actor's scope answers `Http404` (the same as a
missing record). Bad input raises `ValidationError` with a Vietnamese message
naming the indicator and the reason; nothing is written then.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chungsuc.accounts import permissions
from chungsuc.assessments import frameworks
from chungsuc.assessments.evaluation import evaluate_one, store_one
from chungsuc.assessments.models import (
    Assessment,
    AssessmentValue,
    Evidence,
    WorkflowRule,
    layout_key,
    pack,
    unpack,
    values_hash,
)
from chungsuc.assessments.values import format_value, parse_value
from chungsuc.core import workflow as wf
from chungsuc.core.audit import audit_record
from chungsuc.core.concurrency import ConflictError, check_version, parse_version, save_with_version

# Transitions that carry more data than a reason go through their own service (chungsuc.recognitions).
SPECIAL_TRANSITIONS = {"open_consultation", "close_consultation", "recognise", "refuse", "revoke"}


def _require_scope(actor, unit_id: int) -> None:
    permissions.require_visible(actor, unit_id, not_found=_("Không tìm thấy hồ sơ"))


def _require(actor, unit_id: int, action: str) -> None:
    """404 when the unit is not even visible to the actor, 403 with the action's reason when they may
    not take it (as of today: an ended unit's business is its successor's)."""
    permissions.require(actor, action, unit_id, not_found=_("Không tìm thấy hồ sơ"))


# --- assessments and values ------------------------------------------------------------------------


def _workflow_rule_for(framework, year: int):
    best = None
    for rule in WorkflowRule.objects.filter(level__in=["", framework.level]):
        if rule.year_from is not None and year < rule.year_from:
            continue
        if rule.year_to is not None and year > rule.year_to:
            continue
        if best is None or (rule.level and not best.level):
            best = rule
    return best


def workflow_code_for(framework, year: int) -> str:
    best = _workflow_rule_for(framework, year)
    if best is None:
        raise ValidationError(
            _("Chưa có quy trình xét công nhận áp dụng cho cấp %(level)s, năm %(year)s.")
            % {"level": framework.level, "year": year}
        )
    return best.workflow_code


# The district level ended on 30/6/2025 (Nghị quyết 202/2025/QH15; two-tier local government from 1/7/2025).
LAST_DISTRICT_YEAR = 2025


def framework_year_problem(framework, year: int) -> str | None:
    """Why no dossier of `framework` can be made for `year` (None when it can). The Excel dry run asks
    the same question as `assessment_create`, so what it accepts the commit writes."""
    year = int(year)
    if framework.level == "district" and year > LAST_DISTRICT_YEAR:
        return _(
            "Không lập được hồ sơ cấp huyện cho năm %(year)s: từ ngày 01/7/2025 không còn đơn vị hành chính "
            "cấp huyện (Nghị quyết 202/2025/QH15); hồ sơ cấp huyện chỉ có đến năm %(last)s."
        ) % {"year": year, "last": LAST_DISTRICT_YEAR}
    if (framework.period_start and year < framework.period_start) or (
        framework.period_end and year > framework.period_end
    ):
        return _("Bộ tiêu chí %(code)s áp dụng cho %(start)s–%(end)s, không áp dụng cho năm %(year)s.") % {
            "code": framework.code,
            "start": framework.period_start or "…",
            "end": framework.period_end or "…",
            "year": year,
        }
    return None


def workflow_problem(framework, year: int) -> str | None:
    """Why a new dossier of `framework` for `year` would have no recognition workflow."""
    if not _workflow_rule_for(framework, int(year)):
        return _("Chưa có quy trình xét công nhận áp dụng cho cấp %(level)s, năm %(year)s.") % {
            "level": framework.level,
            "year": year,
        }
    return None


def unit_framework_problem(unit, framework, year: int) -> str | None:
    """Why `unit` cannot have a dossier of `framework` for `year` (None when it can)."""
    if unit.level == "district" and int(year) > LAST_DISTRICT_YEAR:
        return _(
            "Không lập được hồ sơ cấp huyện cho năm %(year)s: từ ngày 01/7/2025 không còn đơn vị hành chính "
            "cấp huyện (Nghị quyết 202/2025/QH15), nên %(name)s chỉ có hồ sơ tự đánh giá đến năm %(last)s."
        ) % {"year": year, "name": unit.name, "last": LAST_DISTRICT_YEAR}
    if framework.kinds and unit.kind not in framework.kinds:
        return _("Bộ tiêu chí %(code)s không áp dụng cho %(name)s.") % {
            "code": framework.code,
            "name": unit.name,
        }
    return None


def assessment_create(*, actor, unit, year: int, framework, is_demo: bool = False) -> Assessment:
    _require(actor, unit.pk, "assessment.create")
    problem = unit_framework_problem(unit, framework, year) or framework_year_problem(framework, year)
    if problem:
        raise ValidationError(problem)
    if Assessment.objects.filter(unit=unit, year=year, framework__code=framework.code).exists():
        raise ValidationError(
            _("%(name)s đã có hồ sơ năm %(year)s theo bộ tiêu chí %(code)s.")
            % {"name": unit.name, "year": year, "code": framework.code}
        )
    code = workflow_code_for(framework, year)
    efw = frameworks.engine_framework(framework)
    keys = frameworks.layout(efw)
    blob = pack({}, keys)
    with transaction.atomic():
        assessment = Assessment.objects.create(
            unit=unit,
            year=year,
            framework=framework,
            title=f"{unit.name} — {framework.name} — năm {year}",
            is_demo=is_demo,
            packed=blob,
            layout=layout_key(keys),
            values_hash=values_hash(blob),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action="assessment.create",
            target=assessment,
            unit_id=unit.pk,
            changes={"unit": [None, unit.code], "year": [None, year], "framework": [None, framework.code]},
        )
        wf.case_start(actor=actor, workflow=code, subject=assessment, unit_id=unit.pk)
    return assessment


def _current_values(assessment: Assessment) -> dict[str, AssessmentValue]:
    return {v.indicator_code: v for v in assessment.values.all()}


def parse_values(efw, raw: dict[str, object]) -> tuple[dict[str, float | None], dict[str, str]]:
    """Parse typed values; returns (values, errors by key)."""
    types = {f.key: f for f in frameworks.fields(efw)}
    out: dict[str, float | None] = {}
    errors: dict[str, str] = {}
    for key, value in raw.items():
        field = types.get(key)
        if field is None:
            errors[key] = _("Chỉ tiêu «%(key)s» không có trong bộ tiêu chí %(fw)s.") % {
                "key": key,
                "fw": efw.code,
            }
            continue
        try:
            out[key] = parse_value(value, field.value_type, field.decimals)
        except ValueError as exc:
            errors[key] = _("Chỉ tiêu %(key)s: %(why)s.") % {"key": key, "why": exc}
    return out, errors


def _apply_values(
    *, actor, assessment: Assessment, values: dict[str, float | None], comments: dict[str, str], efw
) -> dict[str, list]:
    """Write changed values and comments; repack. Returns the changes {key: [old, new]}.

    Only the touched rows are read; the other values come from the packed column when its layout is
    current (it is written in the same transaction as the rows, so both always agree)."""
    keys_layout = frameworks.layout(efw)
    lkey = layout_key(keys_layout)
    touched = set(values) | set(comments)
    if assessment.packed and assessment.layout == lkey:
        packed_values = unpack(assessment.packed, keys_layout)
        current = {v.indicator_code: v for v in assessment.values.filter(indicator_code__in=touched)}
    else:
        current = _current_values(assessment)
        packed_values = {k: v.value for k, v in current.items()}
    changes: dict[str, list] = {}
    user = actor if getattr(actor, "is_authenticated", False) else None
    types = {f.key: f.value_type for f in frameworks.fields(efw)}
    stated = {f.key: f.decimals for f in frameworks.fields(efw)}
    keys = set(values) | set(comments)
    for key in sorted(keys):
        row = current.get(key)
        old_value = row.value if row else None
        old_comment = row.comment if row else ""
        new_value = values.get(key, old_value)
        new_comment = comments.get(key, old_comment)
        if new_value == old_value and new_comment == old_comment:
            continue
        if new_value != old_value:
            changes[key] = [
                format_value(old_value, types[key], stated[key]),
                format_value(new_value, types[key], stated[key]),
            ]
        if new_comment != old_comment:
            changes[f"{key}:ghi_chu"] = [old_comment, new_comment]
        if row is None:
            row = AssessmentValue(assessment=assessment, indicator_code=key)
        row.value = new_value
        row.comment = new_comment
        row.updated_by = user
        row._history_user = user
        row.save()
        current[key] = row
        packed_values[key] = new_value
    blob = pack(packed_values, keys_layout)
    assessment.packed = blob
    assessment.layout = lkey
    assessment.values_hash = values_hash(blob)
    indicator_codes = {i.code for i in efw.indicators}
    assessment.filled = sum(1 for k, v in packed_values.items() if k in indicator_codes and v is not None)
    return changes


def assessment_values_save(
    *,
    actor,
    assessment: Assessment,
    values: dict[str, object],
    comments: dict[str, str] | None = None,
    expected_version: int | None = None,
):
    """Save typed values (and comments) of one assessment; refuses a stale version and locked data.

    Returns the new evaluation (stored as an `EvaluationResult`)."""
    _require(actor, assessment.unit_id, "assessment.values.edit")
    if not isinstance(values, dict):
        raise ValidationError({"values": ["Cần một bảng mã chỉ tiêu → giá trị."]})
    if comments is not None and not isinstance(comments, dict):
        raise ValidationError({"comments": ["Cần một bảng mã chỉ tiêu → ghi chú (văn bản)."]})
    expected_version = parse_version(expected_version)
    check_version(assessment, expected_version)
    wf.assert_editable(assessment)
    efw = frameworks.engine_framework(assessment.framework)
    parsed, errors = parse_values(efw, values)
    for key, text in (comments or {}).items():
        if text is not None and not isinstance(text, str):
            errors[str(key)] = _("Ghi chú của chỉ tiêu «%(key)s» phải là văn bản.") % {"key": key}
    for ind in efw.indicators:
        if ind.derived is not None and ind.code in parsed and parsed.pop(ind.code) is not None:
            errors[ind.code] = _(
                "Chỉ tiêu %(key)s được tính từ kết quả của các đơn vị cấp dưới, không nhập tay."
            ) % {"key": ind.code}
    comments = {
        str(k): (v or "").strip() for k, v in (comments or {}).items() if v is None or isinstance(v, str)
    }
    unknown = [k for k in comments if k not in {f.key for f in frameworks.fields(efw)}]
    for key in unknown:
        errors[key] = _("Chỉ tiêu «%(key)s» không có trong bộ tiêu chí %(fw)s.") % {
            "key": key,
            "fw": efw.code,
        }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        changes = _apply_values(actor=actor, assessment=locked, values=parsed, comments=comments, efw=efw)
        if not changes:
            # Nothing changed (an empty or identical save): no new version, no audit row, no result.
            if expected_version is not None and locked.version != expected_version:
                raise ConflictError(expected=expected_version, current=locked.version)
            assessment.version = locked.version
            return evaluate_one(assessment, store=False)
        save_with_version(
            locked,
            expected_version if expected_version is not None else assessment.version,
            ["packed", "layout", "values_hash", "filled"],
        )
        audit_record(
            actor=actor,
            action="assessment.values",
            target=locked,
            unit_id=locked.unit_id,
            changes=changes,
        )
        result = evaluate_one(locked, store=False)
        store_one(locked, result)
    assessment.version = locked.version
    assessment.packed, assessment.values_hash, assessment.filled = (
        locked.packed,
        locked.values_hash,
        locked.filled,
    )
    return result


def assessment_reevaluate(*, actor, assessment: Assessment):
    """Store a fresh evaluation (e.g. after a threshold edit made a new framework version). It writes a
    result and its audit row, so it is the action "assessment.evaluate", not a read (a role that only
    reads the dossier, an inspector or the council, is refused)."""
    _require(actor, assessment.unit_id, "assessment.evaluate")
    with transaction.atomic():
        result = evaluate_one(assessment)
        stored = store_one(assessment, result)
        audit_record(
            actor=actor,
            action="assessment.evaluate",
            target=assessment,
            unit_id=assessment.unit_id,
            changes={
                "criteria_met": [None, result.criteria_met],
                "standard_met": [None, result.standard_met],
            },
        )
    return stored


def _is_decided(assessment: Assessment) -> bool:
    case = wf.case_for(assessment)
    return bool(case is not None and case.state.is_final)


def newer_framework(assessment: Assessment):
    """The version in force of the dossier's framework when it is newer than the one the dossier
    follows and the dossier is not decided yet (a decided dossier keeps its version); else None."""
    from chungsuc.criteria.models import Framework, Status

    newest = (
        Framework.objects.filter(code=assessment.framework.code, status=Status.IN_FORCE)
        .order_by("-version")
        .first()
    )
    if newest is None or newest.version <= assessment.framework.version or _is_decided(assessment):
        return None
    return newest


def _move_to(*, actor, assessment: Assessment, target, reason: str) -> None:
    locked = Assessment.objects.select_for_update().select_related("framework").get(pk=assessment.pk)
    old = locked.framework
    efw = frameworks.engine_framework(target)
    keys = frameworks.layout(efw)
    rows = {v.indicator_code: v.value for v in locked.values.all()}
    blob = pack(rows, keys)
    indicator_codes = {i.code for i in efw.indicators}
    locked.framework = target
    locked.packed = blob
    locked.layout = layout_key(keys)
    locked.values_hash = values_hash(blob)
    locked.filled = sum(1 for k, v in rows.items() if k in indicator_codes and v is not None)
    save_with_version(locked, locked.version, ["framework", "packed", "layout", "values_hash", "filled"])
    result = evaluate_one(locked, store=False)
    store_one(locked, result)
    audit_record(
        actor=actor,
        action="assessment.framework_move",
        target=locked,
        unit_id=locked.unit_id,
        reason=reason,
        changes={
            "framework_version": [old.version, target.version],
            "criteria_met": [None, result.criteria_met],
            "standard_met": [None, result.standard_met],
        },
    )
    assessment.framework, assessment.version = target, locked.version


def _reason_required(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Cần nêu lý do chuyển hồ sơ sang phiên bản mới của bộ tiêu chí."})
    return reason


def assessment_framework_move(*, actor, assessment: Assessment, reason: str) -> Assessment:
    """Move an undecided dossier to the version in force of its framework (a corrected threshold makes
    a new version): values are kept, the dossier is re-evaluated, the move is audited with its reason.
    A decided dossier keeps the version it was decided on."""
    _require(actor, assessment.unit_id, "assessment.framework.move")
    reason = _reason_required(reason)
    with transaction.atomic():
        target = newer_framework(assessment)
        if target is None:
            if _is_decided(assessment):
                raise ValidationError(
                    "Hồ sơ đã có quyết định: giữ nguyên phiên bản bộ tiêu chí đã dùng khi quyết định."
                )
            raise ValidationError("Hồ sơ đã theo phiên bản hiện hành của bộ tiêu chí.")
        _move_to(actor=actor, assessment=assessment, target=target, reason=reason)
    return assessment


def assessments_framework_move_all(*, actor, framework_code: str, reason: str) -> int:
    """Move every undecided dossier in the actor's scope that follows an older version of
    `framework_code` to the version in force (programme office or province). Returns how many."""
    from chungsuc.criteria.models import Framework, Status

    if not permissions.can(actor, "assessment.framework.move_all"):
        raise PermissionDenied(_("Chỉ cấp tỉnh chuyển hàng loạt hồ sơ sang phiên bản mới của bộ tiêu chí."))
    reason = _reason_required(reason)
    target = (
        Framework.objects.filter(code=framework_code, status=Status.IN_FORCE).order_by("-version").first()
    )
    if target is None:
        raise ValidationError(_("Không có bộ tiêu chí «%(code)s» đang áp dụng.") % {"code": framework_code})
    moved = 0
    with transaction.atomic():
        candidates = permissions.restrict(
            Assessment.objects.filter(framework__code=framework_code, framework__version__lt=target.version),
            actor,
            "assessment.framework.move_all",
        ).select_related("framework")
        for a in candidates:
            if _is_decided(a):
                continue
            _move_to(actor=actor, assessment=a, target=target, reason=reason)
            moved += 1
    return moved


def _accepted(plan_row, key: str, accept) -> bool:
    """Did the official choose the file's value for this conflict? `accept` holds "*" (every
    conflict), a unit code (every conflict of that unit) or "unit_code:key" (one value)."""
    return "*" in accept or plan_row.unit_code in accept or f"{plan_row.unit_code}:{key}" in accept


def assessment_import_commit(*, actor, plan, accept=()) -> int:
    """Apply a checked Excel import (`assessments.excel.dry_run`) atomically, set-at-a-time: every
    assessment still at the version the dry run saw, or nothing is written. A value someone changed
    after the workbook was downloaded (a conflict) is written only if `accept` chooses it; otherwise
    the newer value stays. Creates missing assessments (through `assessment_create`), writes the value
    rows with their history in bulk, repacks the value columns, bumps the versions, writes one audit
    row per assessment naming the file and the row, then evaluates the touched assessments at once.
    Returns the number of values written."""
    import numpy as np

    from chungsuc.assessments.evaluation import evaluate_many
    from chungsuc.core.audit import _plain
    from chungsuc.core.concurrency import ConflictError
    from chungsuc.core.models import AuditEntry
    from chungsuc.criteria.models import Framework
    from chungsuc.geo.models import Unit

    accept = set(accept or ())
    fw = Framework.objects.get(pk=plan.framework_id)
    efw = frameworks.engine_framework(fw)
    keys_layout = frameworks.layout(efw)
    lkey = layout_key(keys_layout)
    position = {k: i for i, k in enumerate(keys_layout)}
    indicator_mask = np.array([k in {i.code for i in efw.indicators} for k in keys_layout])
    for r in plan.rows:
        for key in list(r.conflicts):
            if _accepted(r, key, accept):
                c = r.conflicts[key]
                r.values[key] = c["value"]
                r.changes[key] = [c["current"], c["file"]]
    rows = [r for r in plan.rows if r.changes]
    if actor is not None:
        # The dry run refused the units out of the actor's reach; the commit asks again (the plan may be
        # older than a change of jurisdiction, or come from elsewhere than the actor's own dry run).
        writable = set(
            permissions.restrict(Unit.objects.all(), actor, "assessment.import").values_list("pk", flat=True)
        )
        refused = [r for r in rows if r.unit_id not in writable]
        if refused:
            raise PermissionDenied(
                _("Bạn không có quyền nhập số liệu cho %(units)s; chưa ghi gì.")
                % {"units": ", ".join(f"{r.unit_name} (dòng {r.row})" for r in refused[:10])}
            )
    user = actor if getattr(actor, "is_authenticated", False) else None
    now = timezone.now()
    source = (
        _("Nhập từ Excel «%(file)s»") % {"file": plan.file_name} if plan.file_name else _("Nhập từ Excel")
    )
    with transaction.atomic():
        ids = [r.assessment_id for r in rows if r.assessment_id]
        current = {}
        for chunk in range(0, len(ids), 5000):
            current.update(
                Assessment.objects.select_for_update()
                .filter(pk__in=ids[chunk : chunk + 5000])
                .values_list("pk", "version")
            )
        stale = [r for r in rows if r.assessment_id and current.get(r.assessment_id) != r.version]
        if stale:
            raise ConflictError(
                _(
                    "Số liệu của %(units)s đã được người khác thay đổi sau "
                    "khi bạn kiểm tra thử; chưa ghi gì. "
                    "Hãy tải tệp lên lại."
                )
                % {"units": ", ".join(f"{r.unit_name} (dòng {r.row})" for r in stale[:10])}
            )
        from chungsuc.assessments.excel import _locked_assessment_ids

        locked = _locked_assessment_ids(ids)
        if locked:
            names = [f"{r.unit_name} (dòng {r.row})" for r in rows if r.assessment_id in locked]
            raise ValidationError(
                _(
                    "Hồ sơ của %(units)s vừa được gửi/duyệt sau khi kiểm tra "
                    "thử; chưa ghi gì. Hãy tải tệp lên lại."
                )
                % {"units": ", ".join(names[:10])}
            )
        units = Unit.objects.in_bulk([r.unit_id for r in rows if not r.assessment_id])
        for r in rows:
            if not r.assessment_id:
                try:
                    a = assessment_create(actor=actor, unit=units[r.unit_id], year=plan.year, framework=fw)
                except ValidationError as exc:
                    raise ValidationError(
                        [
                            _("Dòng %(row)d (%(unit)s): %(why)s")
                            % {"row": r.row, "unit": r.unit_name, "why": m}
                            for m in exc.messages
                        ]
                    ) from None
                r.assessment_id, r.version = a.pk, a.version
        all_ids = [r.assessment_id for r in rows]
        assessments = {}
        for chunk in range(0, len(all_ids), 5000):
            assessments.update(Assessment.objects.in_bulk(all_ids[chunk : chunk + 5000]))
        existing: dict[tuple[int, str], AssessmentValue] = {}
        codes = sorted({k for r in rows for k in r.values})
        for chunk in range(0, len(all_ids), 2000):
            for v in AssessmentValue.objects.filter(
                assessment_id__in=all_ids[chunk : chunk + 2000], indicator_code__in=codes
            ):
                existing[(v.assessment_id, v.indicator_code)] = v
        to_update, to_create, audits, changed_assessments = [], [], [], []
        for r in rows:
            a = assessments[r.assessment_id]
            arr = (
                np.frombuffer(bytes(a.packed), dtype="<f8").copy()
                if a.packed and a.layout == lkey
                else np.full(len(keys_layout), np.nan)
            )
            for key, value in r.values.items():
                row = existing.get((a.pk, key))
                if row is None:
                    to_create.append(
                        AssessmentValue(
                            assessment_id=a.pk,
                            indicator_code=key,
                            value=value,
                            updated_by=user,
                            updated_at=now,
                        )
                    )
                else:
                    row.value, row.updated_by, row.updated_at = value, user, now
                    to_update.append(row)
                arr[position[key]] = np.nan if value is None else value
            blob = arr.astype("<f8").tobytes()
            a.packed, a.layout, a.values_hash = blob, lkey, values_hash(blob)
            a.filled = int((~np.isnan(arr[indicator_mask])).sum())
            a.version = r.version + 1
            a.updated_at = now
            changed_assessments.append(a)
            audits.append(
                AuditEntry(
                    actor=user,
                    actor_repr=(user.get_full_name() or user.get_username()) if user else "hệ thống",
                    action="assessment.import",
                    target_type=a._meta.label_lower,
                    target_id=str(a.pk),
                    target_repr=str(a.title or a.pk)[:300],
                    unit_id=a.unit_id,
                    changes=_plain(r.changes),
                    reason=(_("%(source)s, dòng %(row)d") % {"source": source, "row": r.row})[:500],
                )
            )
        _write_values(to_update, to_create, changed_assessments, user)
        _insert_audits(audits)
        for chunk in range(0, len(all_ids), 5000):
            evaluate_many(Assessment.objects.filter(pk__in=all_ids[chunk : chunk + 5000]))
    return sum(len(r.changes) for r in rows)


def _write_values(to_update, to_create, changed_assessments, user) -> None:
    """Bulk writes with plain parameterised SQL (Django's bulk_update builds a CASE per row, which is
    10× slower at this size), plus the history rows of every value written."""
    from django.db import connection

    vt = AssessmentValue._meta.db_table
    at = Assessment._meta.db_table
    ops = connection.ops
    with connection.cursor() as cur:
        if to_update:
            cur.executemany(
                f"UPDATE {vt} SET value = %s, updated_by_id = %s, updated_at = %s WHERE id = %s",
                [
                    (v.value, v.updated_by_id, ops.adapt_datetimefield_value(v.updated_at), v.pk)
                    for v in to_update
                ],
            )
        if changed_assessments:
            cur.executemany(
                f"UPDATE {at} SET packed = %s, layout = %s, values_hash = %s, filled = %s, version = %s, "
                f"updated_at = %s WHERE id = %s",
                [
                    (
                        a.packed,
                        a.layout,
                        a.values_hash,
                        a.filled,
                        a.version,
                        ops.adapt_datetimefield_value(a.updated_at),
                        a.pk,
                    )
                    for a in changed_assessments
                ],
            )
    if to_create:
        AssessmentValue.objects.bulk_create(to_create, batch_size=1000)
    # the history rows (django-simple-history's table), written the same plain way: its
    # bulk_history_create builds a model instance per row, which is most of the commit's time
    ht = AssessmentValue.history.model._meta.db_table
    now = ops.adapt_datetimefield_value(timezone.now())
    uid = user.pk if user is not None else None
    history = [
        (
            v.pk,
            v.indicator_code,
            v.value,
            v.comment or "",
            ops.adapt_datetimefield_value(v.updated_at),
            v.assessment_id,
            v.updated_by_id,
            now,
            None,
            kind,
            uid,
        )
        for kind, rows in (("~", to_update), ("+", to_create))
        for v in rows
    ]
    if history:
        with connection.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {ht} (id, indicator_code, value, comment, updated_at, assessment_id, "
                "updated_by_id, history_date, history_change_reason, history_type, history_user_id) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                history,
            )


def _insert_audits(audits) -> None:
    """AuditEntry rows in one executemany (bulk_create prepares every field of every row in Python)."""
    from django.db import connection

    from chungsuc.core.models import AuditEntry

    if not audits:
        return
    ops = connection.ops
    changes_field = AuditEntry._meta.get_field("changes")
    now = ops.adapt_datetimefield_value(timezone.now())
    rows = [
        (
            now,
            e.actor_id,
            e.actor_repr,
            e.action,
            e.target_type,
            e.target_id,
            e.target_repr,
            e.unit_id,
            changes_field.get_db_prep_save(e.changes, connection),
            e.reason,
        )
        for e in audits
    ]
    with connection.cursor() as cur:
        cur.executemany(
            f"INSERT INTO {AuditEntry._meta.db_table} (at, actor_id, actor_repr, action, target_type, "
            "target_id, target_repr, unit_id, changes, reason) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )


def _check_file(upload, *, allowed) -> str:
    """Check an uploaded file by content (core.files): size, real type, no macros, not encrypted."""
    from chungsuc.core.files import inspect_upload

    return inspect_upload(upload, allowed=allowed).sha256


def evidence_add(
    *, actor, assessment: Assessment, upload, indicator_code: str = "", description: str = ""
) -> Evidence:
    _require(actor, assessment.unit_id, "assessment.evidence.edit")
    wf.assert_editable(assessment)
    efw = frameworks.engine_framework(assessment.framework)
    if indicator_code and indicator_code not in {i.code for i in efw.indicators}:
        raise ValidationError(
            _("Chỉ tiêu «%(key)s» không có trong bộ tiêu chí %(fw)s.")
            % {"key": indicator_code, "fw": efw.code}
        )
    from chungsuc.core.files import EVIDENCE_KINDS, store_upload

    with transaction.atomic():
        # checked by content and stored under a generated name with the detected type (core.files)
        stored = store_upload(
            upload, allowed=EVIDENCE_KINDS, folder=f"evidence/{assessment.pk}", name=upload.name
        )
        ev = Evidence(
            assessment=assessment,
            indicator_code=indicator_code,
            original_name=stored.original_name[:255],
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
            description=description[:300],
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        ev.file.name = stored.name
        ev.save()
        audit_record(
            actor=actor,
            action="assessment.evidence_add",
            target=assessment,
            unit_id=assessment.unit_id,
            changes={"evidence": [None, f"{indicator_code or 'hồ sơ'}: {ev.original_name}"]},
        )
    return ev


def evidence_remove(*, actor, evidence: Evidence) -> None:
    assessment = evidence.assessment
    _require(actor, assessment.unit_id, "assessment.evidence.edit")
    wf.assert_editable(assessment)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="assessment.evidence_remove",
            target=assessment,
            unit_id=assessment.unit_id,
            changes={"evidence": [f"{evidence.indicator_code or 'hồ sơ'}: {evidence.original_name}", None]},
        )
        storage, name = evidence.file.storage, evidence.file.name
        evidence.delete()
        # The file goes only once the row is gone for good: a rollback keeps both.
        transaction.on_commit(lambda: storage.delete(name))


# --- workflow --------------------------------------------------------------------------------------


def _case(assessment: Assessment):
    case = wf.case_for(assessment)
    if case is None:
        raise ValidationError("Hồ sơ chưa được đưa vào quy trình xét công nhận.")
    return case


# States that say "this dossier meets its standard" (appraised đạt, published for recognition). A
# transition into one of them, for a dossier whose current evaluation does not meet its standard, needs
# an explicit override with a reason: audited and shown on the dossier to the next level.
STANDARD_CLAIMS = {"district_approved", "province_approved", "consultation"}


class StandardNotMet(ValidationError):
    """The dossier's current evaluation does not meet its standard; `failing` lists (code, name)."""

    def __init__(self, failing, result):
        self.failing = failing
        self.result = result
        names = ", ".join(f"{code}. {name}" for code, name in failing)
        super().__init__(
            f"Hồ sơ chưa đạt chuẩn theo kết quả đánh giá hiện tại ({result.criteria_met}/"
            f"{result.criteria_total} tiêu chí); các tiêu chí chưa đạt: {names}. Muốn vẫn tiếp tục, hãy "
            "xác nhận vượt cảnh báo và nêu lý do."
        )


def standard_failing(assessment: Assessment) -> tuple[list[tuple[str, str]], object]:
    """(failing criteria as (code, name), evaluation) of the dossier as it stands now."""
    result = evaluate_one(assessment)
    return [(c.code, c.name) for c in result.criteria if not c.met], result


def standard_override_check(
    *, actor, assessment: Assessment, step: str, override: bool = False, reason: str = ""
) -> None:
    """Refuse `step` (a transition's name) on a dossier that does not meet its standard unless the
    actor overrides with a reason; the override is audited (`assessment.override`). Call it inside the
    transition's transaction."""
    failing, result = standard_failing(assessment)
    if result.standard_met:
        return
    if not override:
        raise StandardNotMet(failing, result)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"override_reason": "Cần nêu lý do khi vẫn tiếp tục với hồ sơ chưa đạt chuẩn."})
    audit_record(
        actor=actor,
        action="assessment.override",
        target=assessment,
        unit_id=assessment.unit_id,
        reason=reason,
        changes={
            "step": [None, step],
            "criteria_met": [None, f"{result.criteria_met}/{result.criteria_total}"],
            "failing": [None, ", ".join(code for code, _name in failing)],
        },
    )


def missing_values(assessment: Assessment) -> int:
    """How many indicators of the dossier have no value (derived ones are computed, not entered)."""
    efw = frameworks.engine_framework(assessment.framework)
    keys = frameworks.layout(efw)
    values = unpack(assessment.packed, keys) if assessment.packed else {}
    return sum(1 for i in efw.indicators if i.derived is None and values.get(i.code) is None)


def assessment_transition(
    *,
    actor,
    assessment: Assessment,
    transition_code: str,
    reason: str = "",
    expected_version: int | None = None,
    override: bool = False,
    override_reason: str = "",
    confirm_missing: bool | None = None,
):
    """Submit, approve, return with a reason, reopen: a plain transition of the dossier's case.

    Submitting with values missing needs `confirm_missing` when the caller asks for it (the page does:
    False until the officer ticks the box; the message says how many); approving a
    dossier that does not meet its standard needs `override` with `override_reason`."""
    from chungsuc.core.models import WorkflowTransition

    _require_scope(actor, assessment.unit_id)
    if transition_code in SPECIAL_TRANSITIONS:
        raise ValidationError(
            _("Thao tác «%(t)s» cần nhập thêm thông tin trên biểu mẫu riêng.") % {"t": transition_code}
        )
    case = _case(assessment)
    t = (
        WorkflowTransition.objects.filter(workflow=case.workflow, source=case.state, code=transition_code)
        .select_related("target")
        .first()
    )
    with transaction.atomic():
        if t is not None and transition_code == "submit" and confirm_missing is False:
            n = missing_values(assessment)
            if n:
                raise ValidationError(
                    {
                        "confirm_missing": f"Còn {n} chỉ tiêu chưa có số liệu. Hãy xác nhận nếu vẫn muốn gửi "
                        "hồ sơ khi chưa nhập đủ."
                    }
                )
        if t is not None and t.target.code in STANDARD_CLAIMS:
            standard_override_check(
                actor=actor, assessment=assessment, step=t.name, override=override, reason=override_reason
            )
        return wf.case_transition(
            actor=actor,
            case=case,
            transition_code=transition_code,
            reason=reason,
            expected_version=expected_version,
        )


def children_result_changed(assessment: Assessment, result, last) -> bool:
    """True when a live evaluation with child units differs from the stored result `last` (a read)."""
    snap = getattr(result, "children_snapshot", None)
    if not snap:
        return False

    def key(s):
        return [(c["unit_id"], c["met"], c["source"]) for c in (s or {}).get("children", [])]

    return not (
        last is not None
        and key(last.children) == key(snap)
        and last.values_hash == assessment.values_hash
        and last.framework_version == str(result.version)
        and last.standard_met == result.standard_met
    )


def assessment_children_refresh(*, actor, assessment: Assessment):
    """Re-evaluate a dossier with derived indicators (district, province) when its child units' results
    changed since the last stored evaluation (a commune recognised or revoked, a commune's dossier
    appraised); store the new result and audit what changed. Returns (evaluation, stored result or
    None when nothing changed)."""
    _require(actor, assessment.unit_id, "assessment.evaluate")
    result = evaluate_one(assessment)
    snap = getattr(result, "children_snapshot", None)
    if not snap:
        return result, None
    from chungsuc.assessments.selectors import latest_result

    last = latest_result(assessment)
    if not children_result_changed(assessment, result, last):
        return result, None
    before = {i["indicator"]: i["text"] for i in (last.children or {}).get("indicators", [])} if last else {}
    changes = {
        i["indicator"]: [before.get(i["indicator"]), i["text"]]
        for i in snap["indicators"]
        if before.get(i["indicator"]) != i["text"]
    }
    with transaction.atomic():
        stored = store_one(assessment, result)
        audit_record(
            actor=actor,
            action="assessment.evaluate",
            target=assessment,
            unit_id=assessment.unit_id,
            changes={**changes, "standard_met": [last.standard_met if last else None, result.standard_met]},
            reason="Kết quả của các đơn vị cấp dưới thay đổi",
        )
    return result, stored
