"""Writes for movements. Every function is one transaction, checks permission and writes its audit row.

- `movement_create` — a movement from the interface (or the demo): the plan, legal bases, targets.
- `movement_load` — a built-in movement from its data file (idempotent upsert).
- `participant_add`, `obligations_schedule` — who takes part and what they owe, by when.
- `report_save`, `report_attach`, `report_transition` — a participant's structured report through the
  workflow `movement-report` (draft → submitted → accepted, or returned with a reason).
- `reminders_run` — the scheduled job (run as the system): reminders before and after due dates, and
  the late mark on missed ones.
- `unit_group_set`, `roadmap_set` — commune groups (QĐ 51/2025) and roadmaps.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chungsuc.accounts import permissions
from chungsuc.accounts.models import Membership, Organisation
from chungsuc.core import workflow as wf
from chungsuc.core.audit import audit_record
from chungsuc.core.concurrency import check_version, require_version, save_with_version
from chungsuc.core.files import store_upload
from chungsuc.core.links import is_http_url
from chungsuc.core.notifications import notify
from chungsuc.geo.models import Unit, UnitLevel
from chungsuc.movements import access, obligations
from chungsuc.movements.models import (
    REPORT_NUMBER_FIELDS,
    Amendment,
    ChecklistItem,
    Cluster,
    ClusterMember,
    ClusterScore,
    ExemplaryModel,
    Finding,
    Inspection,
    InspectionTeam,
    InspectionTeamMember,
    LegalBasis,
    ModelAttachment,
    ModelReplication,
    Movement,
    MovementStatus,
    MovementVersion,
    Obligation,
    ObligationKind,
    Participant,
    ParticipantKind,
    PilotKind,
    PilotUnit,
    Recommendation,
    ReminderSent,
    Report,
    ReportAttachment,
    ReportedCount,
    Responsibility,
    Roadmap,
    ScoringCriterion,
    Section,
    Target,
    TargetLevel,
    TargetYear,
    UnitGroup,
)

WORKFLOW_CODE = "movement-report"
STANDARD_CODES = ("ntm", "advanced", "model", "task_completed")
STANDARD_LABELS = {
    "ntm": "Nông thôn mới",
    "advanced": "Nông thôn mới nâng cao",
    "model": "Nông thôn mới kiểu mẫu",
    "task_completed": "Hoàn thành nhiệm vụ xây dựng nông thôn mới",
}
REPORT_ATTACHMENT_KINDS = {"pdf", "docx", "xlsx", "jpeg", "png"}


def workflow_definition() -> dict[str, Any]:
    reporters = sorted(access.REPORT_ROLES)
    reviewers = sorted(access.REVIEW_ROLES)
    return {
        "code": WORKFLOW_CODE,
        "name": "Báo cáo phong trào thi đua",
        "description": "Kế hoạch, báo cáo hằng năm, sơ kết, tổng kết của đơn vị tham gia gửi Sở Nội vụ "
        "(Ban Thi đua – Khen thưởng).",
        "states": [
            {"code": "draft", "name": "Đang soạn", "is_initial": True},
            {"code": "submitted", "name": "Đã nộp", "locks_data": True},
            {"code": "returned", "name": "Bị trả lại"},
            {"code": "accepted", "name": "Đã tiếp nhận", "is_final": True, "locks_data": True},
        ],
        "transitions": [
            {
                "code": "submit",
                "name": "Nộp báo cáo",
                "source": "draft",
                "target": "submitted",
                "roles": reporters,
            },
            {
                "code": "submit",
                "name": "Nộp lại báo cáo",
                "source": "returned",
                "target": "submitted",
                "roles": reporters,
            },
            {
                "code": "accept",
                "name": "Tiếp nhận",
                "source": "submitted",
                "target": "accepted",
                "roles": reviewers,
            },
            {
                "code": "return",
                "name": "Trả lại",
                "source": "submitted",
                "target": "returned",
                "roles": reviewers,
                "requires_reason": True,
            },
            {
                "code": "reopen",
                "name": "Mở lại",
                "source": "accepted",
                "target": "returned",
                "roles": reviewers,
                "requires_reason": True,
                "is_reopen": True,
            },
        ],
    }


def workflow_ensure(actor=None):
    return wf.workflow_define(actor=actor, **workflow_definition())


# --- creating a movement -------------------------------------------------------------------------


def _clean_text(errors, field, value, label, *, required=True, max_length=400) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors.setdefault(field, []).append(_("Cần nhập %(label)s.") % {"label": label})
    elif len(text) > max_length:
        errors.setdefault(field, []).append(
            _("%(label)s dài quá %(n)d ký tự.") % {"label": label, "n": max_length}
        )
    return text


def _clean_targets(errors, targets, years) -> list[dict]:
    clean = []
    seen = set()
    for index, raw in enumerate(targets or [], start=1):
        key = f"target_{index}"
        code = str(raw.get("code") or "").strip()
        name = str(raw.get("name") or "").strip()
        counts = raw.get("by_year") or {}
        if not (code or name or any(counts.values())):
            continue
        label = _("Chỉ tiêu %(n)d") % {"n": index}
        if not code:
            errors.setdefault(key, []).append(_("%(t)s: cần nhập mã chỉ tiêu (ví dụ 2.1).") % {"t": label})
        elif code in seen:
            errors.setdefault(key, []).append(_("%(t)s: mã «%(c)s» bị trùng.") % {"t": label, "c": code})
        seen.add(code)
        if not name:
            errors.setdefault(key, []).append(_("%(t)s: cần nhập tên chỉ tiêu.") % {"t": label})
        level = raw.get("level")
        if level not in TargetLevel.values:
            errors.setdefault(key, []).append(_("%(t)s: cần chọn cấp (xã hoặc huyện).") % {"t": label})
        standards = [s for s in (raw.get("standards") or []) if s]
        bad = [s for s in standards if s not in STANDARD_CODES]
        if not standards or bad:
            errors.setdefault(key, []).append(_("%(t)s: cần chọn mức đạt chuẩn.") % {"t": label})
        outside = sorted(y for y in counts if y not in years)
        if outside:
            errors.setdefault(key, []).append(
                _("%(t)s: năm %(y)s nằm ngoài giai đoạn của kế hoạch.") % {"t": label, "y": outside[0]}
            )
        negative = [y for y, n in counts.items() if not isinstance(n, int) or n < 0]
        if negative:
            errors.setdefault(key, []).append(
                _("%(t)s: số đơn vị năm %(y)s phải là số nguyên không âm.") % {"t": label, "y": negative[0]}
            )
        clean.append(
            {
                "code": code,
                "name": name,
                "level": level,
                "standards": standards,
                "by_year": {int(y): int(n) for y, n in counts.items() if isinstance(n, int) and n >= 0},
                "note": str(raw.get("note") or "").strip(),
                "section": raw.get("section") or "",
            }
        )
    return clean


def _write_targets(version: MovementVersion, targets: list[dict], sections: dict[str, Section]) -> None:
    for order, t in enumerate(targets, start=1):
        target, _created = Target.objects.update_or_create(
            version=version,
            code=t["code"],
            defaults={
                "name": t["name"],
                "level": t["level"],
                "standards": list(t["standards"]),
                "note": t.get("note", ""),
                "order": order,
                "section": sections.get(t.get("section") or ""),
            },
        )
        TargetYear.objects.filter(target=target).exclude(year__in=list(t["by_year"])).delete()
        for year, count in t["by_year"].items():
            TargetYear.objects.update_or_create(target=target, year=year, defaults={"count": count})


ACT_FIELDS = {
    "number": "act_number",
    "reference": "act_number",
    "year": "act_number",
    "symbol": "act_symbol",
    "kind": "act_symbol",
    "issued_on": "act_date",
    "issuing_body": "issuing_body",
    "signer_name": "signer_name",
}


def _validate_act(
    errors, number, symbol, issued_on, issuing_body, signer_name, signer_title, summary, kind="ke_hoach"
):
    """The plan's number, symbol and date checked as a legal act (Nghị định 30/2020); errors are
    put on the form's own fields."""
    from chungsuc.core.legal import legal_act_validate

    if issued_on is None:
        errors.setdefault("act_date", []).append(_("Cần nhập ngày ban hành của kế hoạch."))
        return None
    try:
        return legal_act_validate(
            kind=kind,
            number=number,
            symbol=symbol,
            issued_on=issued_on,
            issuing_body=issuing_body,
            signer_name=signer_name,
            signer_title=signer_title,
            summary=summary,
            require_signer=False,
        )
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(ACT_FIELDS.get(key, "act_number"), []).extend(messages)
        return None


def _builtin_act(movement: Movement, province: Unit, act: dict, is_demo: bool):
    """The built-in plan's legal act (written by the loader, as the system); once."""
    from django.contrib.contenttypes.models import ContentType

    from chungsuc.core.legal import legal_act_validate
    from chungsuc.core.models import LegalAct, LegalActLink

    if movement.legal_act_id:
        return movement.legal_act
    values = legal_act_validate(
        kind="ke_hoach",
        number=str(act["number"]),
        symbol=act["symbol"],
        issued_on=dt.date.fromisoformat(act["issued_on"]),
        issuing_body=movement.issuing_body,
        signer_name=act.get("signer_name", ""),
        signer_title=act.get("signer_title", ""),
        summary=movement.name,
        require_signer=False,
    )
    legal_act = LegalAct.objects.create(**values, unit_id=province.pk, is_demo=is_demo)
    LegalActLink.objects.get_or_create(
        act=legal_act,
        target_type=ContentType.objects.get_for_model(Movement),
        target_id=movement.pk,
        role="plan",
    )
    movement.legal_act = legal_act
    movement.save(update_fields=["legal_act"])
    return legal_act


@transaction.atomic
def movement_create(
    *,
    actor,
    name: str,
    province: Unit | None,
    issuing_body: str,
    period_start: int | None,
    period_end: int | None,
    short_name: str = "",
    act_number: str = "",
    act_symbol: str = "",
    act_date: dt.date | None = None,
    signer_name: str = "",
    signer_title: str = "",
    status: str = MovementStatus.IN_FORCE,
    summary: str = "",
    legal_bases: list[str] | None = None,
    targets: list[dict] | None = None,
    code: str = "",
    is_demo: bool = False,
) -> Movement:
    """A new movement with its version 1 and its targets. Errors are keyed by field; nothing is
    written unless everything is valid."""
    errors: dict[str, list[str]] = {}
    name = _clean_text(errors, "name", name, _("tên kế hoạch"))
    short_name = _clean_text(errors, "short_name", short_name, _("tên ngắn"), required=False, max_length=200)
    issuing_body = _clean_text(errors, "issuing_body", issuing_body, _("cơ quan ban hành"), max_length=200)
    act_number = _clean_text(errors, "act_number", act_number, _("số văn bản"), required=False, max_length=40)
    act_symbol = _clean_text(errors, "act_symbol", act_symbol, _("ký hiệu"), required=False, max_length=60)
    if province is None or province.level != UnitLevel.PROVINCE:
        errors.setdefault("province", []).append(_("Cần chọn tỉnh thực hiện phong trào."))
    if period_start is None or period_end is None:
        errors.setdefault("period_start", []).append(_("Cần nhập giai đoạn (từ năm, đến năm)."))
        years: list[int] = []
    elif period_end < period_start:
        errors.setdefault("period_end", []).append(_("«Đến năm» phải không sớm hơn «từ năm»."))
        years = []
    elif period_end - period_start > 10:
        errors.setdefault("period_end", []).append(_("Giai đoạn dài quá 10 năm."))
        years = []
    else:
        years = list(range(period_start, period_end + 1))
    if status not in MovementStatus.values:
        errors.setdefault("status", []).append(_("Tình trạng không hợp lệ."))
    clean_targets = _clean_targets(errors, targets, years) if years else []
    if not clean_targets and years and "target_1" not in errors:
        errors.setdefault("target_1", []).append(_("Cần ít nhất một chỉ tiêu có số đơn vị theo năm."))
    act_values = None
    if (act_number or act_symbol) and not errors:
        act_values = _validate_act(
            errors, act_number, act_symbol, act_date, issuing_body, signer_name, signer_title, name
        )
    elif act_date and not act_number:
        errors.setdefault("act_number", []).append(_("Có ngày ban hành thì cần nhập cả số văn bản."))
    if province is not None and not access.can_manage(
        actor, province_id=province.pk, action="movement.create"
    ):
        raise PermissionDenied(
            _("Chỉ quản trị cấp tỉnh (Sở Nội vụ) được tạo phong trào thi đua cho tỉnh này.")
        )
    if errors:
        raise ValidationError(errors)
    if not code:
        base = f"pt-{province.code}-{period_start}-{period_end}"
        code = base
        n = 1
        while Movement.objects.filter(code=code).exists():
            n += 1
            code = f"{base}-{n}"
    elif Movement.objects.filter(code=code).exists():
        raise ValidationError({"code": [_("Mã phong trào «%(c)s» đã có.") % {"c": code}]})
    movement = Movement.objects.create(
        code=code,
        name=name,
        short_name=short_name,
        province=province,
        issuing_body=issuing_body,
        act_number=act_number,
        act_symbol=act_symbol,
        act_date=act_date,
        signer_name=signer_name,
        signer_title=signer_title,
        period_start=period_start,
        period_end=period_end,
        status=status,
        summary=summary,
        is_demo=is_demo,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if act_values is not None:
        from chungsuc.core.legal import legal_act_create

        act = legal_act_create(
            actor=actor,
            kind=act_values["kind"],
            number=act_values["number"],
            symbol=act_values["symbol"],
            year=act_values["year"],
            issued_on=act_values["issued_on"],
            issuing_body=act_values["issuing_body"],
            signer_name=act_values["signer_name"],
            signer_title=act_values["signer_title"],
            summary=act_values["summary"],
            targets=[(movement, "plan")],
            unit_id=province.pk,
            is_demo=is_demo,
            require_signer=False,
        )
        movement.legal_act = act
        movement.act_symbol = act.symbol
        movement.save(update_fields=["legal_act", "act_symbol"])
    for order, text in enumerate([t.strip() for t in (legal_bases or []) if t and t.strip()], start=1):
        LegalBasis.objects.create(movement=movement, order=order, text=text[:2000])
    version = MovementVersion.objects.create(movement=movement, number=1, reason=_("Kế hoạch ban hành"))
    _write_targets(version, clean_targets, {})
    audit_record(
        actor=actor,
        action="movement.create",
        target=movement,
        unit_id=province.pk,
        after={
            "name": name,
            "period": f"{period_start}–{period_end}",
            "targets": {t["code"]: sum(t["by_year"].values()) for t in clean_targets},
        },
    )
    return movement


# --- loading a built-in movement ----------------------------------------------------------------


def _participant_unit(org: Organisation, province: Unit) -> Unit:
    """Where the participant acts for this movement: the province itself when its jurisdiction covers
    it (departments), else its own unit (a district's people's committee)."""
    units = [j.unit for j in org.jurisdictions.select_related("unit").order_by("id")]
    if any(u.pk == province.pk for u in units):
        return province
    return units[0] if units else province


def _org_end(org: Organisation) -> dt.date | None:
    ends = [j.valid_to for j in org.jurisdictions.all()]
    return None if not ends or any(e is None for e in ends) else max(ends)


@transaction.atomic
def movement_load(*, actor, data: dict, province: Unit, reported: list[dict], demo: bool = False) -> Movement:
    """Create or update a built-in movement from its data (see data/movements/plan_861.yaml).
    Idempotent; writes one audit row when the movement is first created."""
    act = data.get("act") or {}
    fields = {
        "name": data["name"],
        "short_name": data.get("short_name", ""),
        "province": province,
        "issuing_body": data["issuing_body"],
        "act_kind": act.get("kind", "plan"),
        "act_number": str(act.get("number", "")),
        "act_symbol": act.get("symbol", ""),
        "act_date": dt.date.fromisoformat(act["issued_on"]) if act.get("issued_on") else None,
        "signer_name": act.get("signer_name", ""),
        "signer_title": act.get("signer_title", ""),
        "period_start": int(data["period_start"]),
        "period_end": int(data["period_end"]),
        "status": data.get("status", MovementStatus.IN_FORCE),
        "summary": data.get("summary", ""),
        "source": data.get("source", ""),
        "is_builtin": not demo,
        "is_demo": demo,
    }
    movement = Movement.objects.filter(code=data["code"]).first()
    created = movement is None
    if created:
        movement = Movement.objects.create(code=data["code"], **fields)
    else:
        changed = {k: v for k, v in fields.items() if getattr(movement, k) != v}
        if changed:
            for k, v in changed.items():
                setattr(movement, k, v)
            movement.save(update_fields=list(changed))
    if act.get("number") and act.get("issued_on"):
        _builtin_act(movement, province, act, demo)
    LegalBasis.objects.filter(movement=movement).delete()
    for order, basis in enumerate(data.get("legal_bases") or [], start=1):
        LegalBasis.objects.create(
            movement=movement,
            order=order,
            number=basis.get("number", ""),
            date=dt.date.fromisoformat(basis["date"]) if basis.get("date") else None,
            text=basis["text"],
        )
    sections: dict[str, Section] = {}
    for order, s in enumerate(data.get("sections") or [], start=1):
        section, _c = Section.objects.update_or_create(
            movement=movement,
            number=str(s["number"]),
            defaults={"heading": s.get("heading", ""), "text": s.get("text", ""), "order": order},
        )
        sections[section.number] = section
    version, _c = MovementVersion.objects.get_or_create(
        movement=movement,
        number=1,
        defaults={"reason": "Kế hoạch ban hành", "valid_from": fields["act_date"]},
    )
    targets = [
        {
            "code": str(t["code"]),
            "name": t["name"],
            "level": t["level"],
            "standards": list(t["standards"]),
            "by_year": {int(y): int(n) for y, n in (t.get("by_year") or {}).items()},
            "note": t.get("note", ""),
            "section": t.get("section", ""),
        }
        for t in data.get("targets") or []
    ]
    _write_targets(version, targets, sections)

    participants: list[Participant] = []
    for p in data.get("participants") or []:
        org = Organisation.objects.get(code=p["organisation"])
        participant, _c = Participant.objects.get_or_create(
            movement=movement,
            organisation=org,
            defaults={"kind": p["kind"], "unit": _participant_unit(org, province)},
        )
        participants.append(participant)
    if data.get("district_committees"):
        from chungsuc.geo.models import UnitVersion

        start = dt.date(fields["period_start"], 1, 1)
        end = dt.date(fields["period_end"], 12, 31)
        district_ids = set(
            UnitVersion.objects.filter(parent=province, level=UnitLevel.DISTRICT)
            .filter(valid_from__isnull=True)
            .values_list("unit_id", flat=True)
        ) | set(
            UnitVersion.objects.filter(
                parent=province, level=UnitLevel.DISTRICT, valid_from__lte=end
            ).values_list("unit_id", flat=True)
        )
        for unit in Unit.objects.filter(pk__in=district_ids).order_by("code"):
            if unit.valid_to is not None and unit.valid_to < start:
                continue
            org = Organisation.objects.filter(jurisdictions__unit=unit, kind="ubnd").first()
            if org is None:
                continue
            participant, _c = Participant.objects.get_or_create(
                movement=movement,
                organisation=org,
                defaults={"kind": ParticipantKind.DISTRICT_COMMITTEE, "unit": unit},
            )
            participants.append(participant)

    for ob in data.get("obligations") or []:
        for participant in participants:
            if participant.kind not in ob["kinds"]:
                continue
            end_of_org = _org_end(participant.organisation)
            for year in ob["years"]:
                due = obligations.due_from_template(ob["due"], int(year))
                if end_of_org is not None and due > end_of_org:
                    continue  # the body no longer existed at the due date (districts after 30/6/2025)
                Obligation.objects.update_or_create(
                    participant=participant,
                    kind=ob["kind"],
                    year=int(year),
                    defaults={"due_date": due, "section": sections.get(ob.get("section", ""))},
                )
    Responsibility.objects.filter(movement=movement).delete()
    for r in data.get("responsibilities") or []:
        resp = Responsibility.objects.create(
            movement=movement, section=sections[r["section"]], text=r["text"]
        )
        if r.get("organisations"):
            resp.organisations.set(Organisation.objects.filter(code__in=r["organisations"]))
            resp.participants.set([p for p in participants if p.organisation.code in r["organisations"]])
        if r.get("kinds"):
            resp.participants.add(*[p for p in participants if p.kind in r["kinds"]])
    for order, item in enumerate(data.get("checklist") or [], start=1):
        ChecklistItem.objects.update_or_create(
            movement=movement,
            code=item["code"],
            defaults={"text": item["text"], "section": sections.get(item.get("section", "")), "order": order},
        )
    for row in reported:
        ReportedCount.objects.update_or_create(
            movement=movement,
            as_of=row["as_of"],
            level=row["level"],
            standard=row["standard"],
            basis=row["basis"],
            defaults={
                "as_of_precision": row.get("as_of_precision", "day"),
                "count": row["count"],
                "denominator": row.get("denominator"),
                "after_merger": row.get("after_merger", False),
                "source": row["source"],
                "verified": row.get("verified", True),
            },
        )
    if created:
        audit_record(
            actor=actor,
            action="movement.load",
            target=movement,
            unit_id=province.pk,
            after={"code": movement.code, "targets": len(targets), "participants": len(participants)},
        )
    return movement


# --- participants and obligations ---------------------------------------------------------------


@transaction.atomic
def participant_add(
    *, actor, movement: Movement, organisation: Organisation, kind: str, unit: Unit | None = None
):
    access.require(access.can_manage(actor, movement))
    if kind not in ParticipantKind.values:
        raise ValidationError({"kind": [_("Loại đơn vị tham gia không hợp lệ.")]})
    if Participant.objects.filter(movement=movement, organisation=organisation).exists():
        raise ValidationError({"organisation": [_("«%(o)s» đã là đơn vị tham gia.") % {"o": organisation}]})
    participant = Participant.objects.create(
        movement=movement,
        organisation=organisation,
        kind=kind,
        unit=unit or _participant_unit(organisation, movement.province),
    )
    audit_record(
        actor=actor,
        action="movement.participant_add",
        target=participant,
        unit_id=movement.province_id,
        after={"organisation": organisation.name, "kind": kind},
    )
    return participant


@transaction.atomic
def obligations_schedule(
    *,
    actor,
    movement: Movement,
    kind: str,
    due_dates: dict[int, dt.date],
    participant_kinds: list[str] | None = None,
    section: Section | None = None,
) -> int:
    """What each participant (of `participant_kinds`, default all) owes of `kind`, by year and due
    date. Creates the missing obligations and moves changed due dates; returns how many changed."""
    if actor is not None:
        access.require(access.can_manage(actor, movement))
    if kind not in ObligationKind.values:
        raise ValidationError({"kind": [_("Loại nghĩa vụ không hợp lệ.")]})
    outside = [y for y in due_dates if y < movement.period_start or y > movement.period_end]
    if outside:
        raise ValidationError(
            {"year": [_("Năm %(y)s nằm ngoài giai đoạn của kế hoạch.") % {"y": outside[0]}]}
        )
    qs = movement.participants.filter(active=True)
    if participant_kinds:
        qs = qs.filter(kind__in=participant_kinds)
    changed = 0
    for participant in qs:
        for year, due in due_dates.items():
            ob, created = Obligation.objects.get_or_create(
                participant=participant, kind=kind, year=year, defaults={"due_date": due, "section": section}
            )
            if created:
                changed += 1
            elif ob.due_date != due:
                ob.due_date = due
                ob.save(update_fields=["due_date"])
                changed += 1
    if changed:
        audit_record(
            actor=actor,
            action="movement.obligations",
            target=movement,
            unit_id=movement.province_id,
            after={"kind": kind, "due": {str(y): d for y, d in due_dates.items()}, "changed": changed},
        )
    return changed


# --- reports --------------------------------------------------------------------------------------


def _clean_report(data: dict) -> tuple[dict, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    labels = {f.name: str(f.verbose_name)[:1].upper() + str(f.verbose_name)[1:] for f in Report._meta.fields}
    for name in REPORT_NUMBER_FIELDS:
        raw = data.get(name, 0)
        text = str(raw if raw is not None else "").strip().replace(".", "").replace(" ", "")
        if text == "":
            clean[name] = 0
            continue
        if not text.isdecimal():
            errors[name] = [
                _("%(label)s: «%(v)s» không phải số nguyên không âm (viết liền, không dấu phẩy).")
                % {"label": labels[name], "v": raw}
            ]
            continue
        value = int(text)
        if value > 10**15:
            errors[name] = [_("%(label)s: số quá lớn.") % {"label": labels[name]}]
            continue
        clean[name] = value
    for name, limit in (("activities", 20000), ("notes", 5000)):
        text = str(data.get(name) or "").strip()
        if len(text) > limit:
            errors[name] = [_("%(label)s dài quá %(n)d ký tự.") % {"label": labels[name], "n": limit}]
        clean[name] = text
    return clean, errors


@transaction.atomic
def report_save(*, actor, obligation: Obligation, data: dict, expected_version: int | None = None) -> Report:
    """Create or update the obligation's report (while it is a draft or was returned). Updating needs
    `expected_version`, the report's version the writer loaded (`VersionRequired` without it)."""
    participant = obligation.participant
    access.require(
        access.can_write_report(actor, participant),
        _("Chỉ cán bộ của «%(p)s» được soạn báo cáo này.") % {"p": participant},
    )
    clean, errors = _clean_report(data)
    if errors:
        raise ValidationError(errors)
    report = Report.objects.select_for_update().filter(obligation=obligation).first()
    if report is None:
        report = Report.objects.create(
            obligation=obligation,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            **clean,
        )
        workflow_ensure()
        wf.case_start(
            actor=actor,
            workflow=WORKFLOW_CODE,
            subject=report,
            unit_id=participant.unit_id,
            due_on=obligation.due_date,
        )
        audit_record(
            actor=actor,
            action="movement.report_create",
            target=report,
            unit_id=participant.unit_id,
            after=clean,
        )
        return report
    wf.assert_editable(report)
    # An existing report changes only against the version its writer loaded: a save without it (the
    # creation form posted after someone else created the report) is refused, never an overwrite.
    expected_version = require_version(expected_version, field="version")
    check_version(report, expected_version)
    before = {k: getattr(report, k) for k in clean}
    if before == clean:  # nothing changed: no write, no new version, no audit row
        return report
    save_with_version(report, expected_version, clean)
    audit_record(
        actor=actor,
        action="movement.report_update",
        target=report,
        unit_id=participant.unit_id,
        before=before,
        after=clean,
    )
    return report


@transaction.atomic
def report_attach(*, actor, report: Report, file) -> ReportAttachment:
    participant = report.obligation.participant
    access.require(access.can_write_report(actor, participant))
    wf.assert_editable(report)
    stored = store_upload(file, allowed=REPORT_ATTACHMENT_KINDS, folder="movements/reports")
    attachment = ReportAttachment(
        report=report, uploaded_by=actor if getattr(actor, "is_authenticated", False) else None
    )
    attachment.set_stored(stored)
    attachment.save()
    audit_record(
        actor=actor,
        action="movement.report_attach",
        target=report,
        unit_id=participant.unit_id,
        after={"file": stored.original_name},
    )
    return attachment


@transaction.atomic
def report_transition(
    *,
    actor,
    report: Report,
    transition: str,
    reason: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """Submit (the participant's own officers), accept or return (Sở Nội vụ). The first submission
    after the due date marks the obligation late, for good."""
    now = now or timezone.now()
    report = (
        Report.objects.select_for_update()
        .select_related("obligation__participant__movement")
        .get(pk=report.pk)
    )
    obligation = report.obligation
    participant = obligation.participant
    movement = participant.movement
    if transition == "submit":
        access.require(
            access.can_write_report(actor, participant, "movement.report.submit"),
            _("Chỉ cán bộ của «%(p)s» được nộp báo cáo này.") % {"p": participant},
        )
    elif transition in ("accept", "return", "reopen"):
        access.require(
            access.can_review(actor, movement),
            _("Chỉ Sở Nội vụ (Ban Thi đua – Khen thưởng) được tiếp nhận hoặc trả lại báo cáo."),
        )
    case = wf.case_for(report, WORKFLOW_CODE)
    if case is None:
        raise ValidationError(_("Báo cáo chưa được đưa vào quy trình."))
    wf.case_transition(
        actor=actor, case=case, transition_code=transition, reason=reason, expected_version=expected_version
    )
    updates: dict[str, Any] = {}
    if transition == "submit":
        updates["submitted_at"] = now
        if report.first_submitted_at is None:
            updates["first_submitted_at"] = now
            if timezone.localdate(now) > obligation.due_date and not obligation.late:
                obligation.late = True
                obligation.late_marked_at = now
                obligation.save(update_fields=["late", "late_marked_at"])
    elif transition == "accept":
        updates["accepted_at"] = now
    elif transition in ("return", "reopen"):
        updates["return_reason"] = reason.strip()
        updates["accepted_at"] = None
    if updates:
        Report.objects.filter(pk=report.pk).update(**updates)
        for k, v in updates.items():
            setattr(report, k, v)
    return report


# --- the scheduled job --------------------------------------------------------------------------


def _participant_recipients(participant: Participant):
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__active=True,
            memberships__organisation_id=participant.organisation_id,
            memberships__role__in=list(access.REPORT_ROLES),
        )
        .distinct()
    )


@transaction.atomic
def reminders_tick(*, today: dt.date) -> int:
    """The engine's scheduled job (`core.workflow_schedule.workflow_tick`, hourly) calls this as the
    system: the obligations' reminders and late marks, each sent once however often it runs."""
    sent = reminders_run(actor=None, today=today)
    return sent["before"] + sent["overdue"]


def reminders_run(*, actor=None, today: dt.date | None = None, days_before: int = 7) -> dict[str, int]:
    """The scheduled job, run as the system (actor=None): a reminder `days_before` days ahead of each
    unmet due date and one after it, each sent once; a missed due date marks the obligation late."""
    if actor is not None and not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("Việc nhắc hạn chỉ do hệ thống (tác vụ định kỳ) thực hiện."))
    today = today or timezone.localdate()
    sent = {"before": 0, "overdue": 0, "marked_late": 0}
    pending = (
        Obligation.objects.select_related("participant__organisation", "participant__movement")
        .filter(participant__active=True, participant__movement__is_demo__in=[True, False])
        .exclude(report__first_submitted_at__isnull=False)
        .filter(due_date__lte=today + dt.timedelta(days=days_before))
    )
    for ob in pending:
        kind = obligations.reminder_kind(due=ob.due_date, today=today, days_before=days_before)
        if kind is None:
            continue
        if kind == "overdue" and not ob.late:
            ob.late = True
            ob.late_marked_at = timezone.now()
            ob.save(update_fields=["late", "late_marked_at"])
            sent["marked_late"] += 1
            audit_record(
                actor=None,
                action="movement.obligation_late",
                target=ob,
                unit_id=ob.participant.unit_id,
                after={"due_date": ob.due_date, "late": True},
            )
        if ReminderSent.objects.filter(obligation=ob, kind=kind).exists():
            continue
        ReminderSent.objects.create(obligation=ob, kind=kind, sent_on=today)
        due = ob.due_date.strftime("%d/%m/%Y")
        if kind == "before":
            title = _("Sắp đến hạn: %(what)s — hạn %(due)s") % {"what": ob.get_kind_display(), "due": due}
        else:
            title = _("Quá hạn: %(what)s — hạn %(due)s, chưa nộp") % {
                "what": ob.get_kind_display(),
                "due": due,
            }
        body = _("%(p)s — %(what)s năm %(y)s của «%(m)s».") % {
            "p": ob.participant,
            "what": ob.get_kind_display(),
            "y": ob.year,
            "m": ob.participant.movement,
        }
        from django.urls import reverse

        notify(
            recipients=list(_participant_recipients(ob.participant)),
            title=title,
            body=body,
            url=reverse("movements:obligations", args=[ob.participant.movement_id]),
        )
        sent[kind] += 1
    return sent


# --- commune groups and roadmaps ------------------------------------------------------------------


@transaction.atomic
def unit_group_set(
    *, actor, movement: Movement, unit: Unit, group: int | None, basis: str = ""
) -> UnitGroup | None:
    access.require(access.can_manage(actor, movement))
    from chungsuc.movements.selectors import movement_units

    if unit.pk not in movement_units(movement):
        raise ValidationError({"unit": [_("«%(u)s» không thuộc địa bàn của phong trào.") % {"u": unit.name}]})
    existing = UnitGroup.objects.filter(movement=movement, unit=unit).first()
    before = {"group": existing.group if existing else None}
    if group is None:
        if existing:
            existing.delete()
    else:
        if group not in (1, 2, 3):
            raise ValidationError({"group": [_("Nhóm xã phải là 1, 2 hoặc 3.")]})
        existing, _c = UnitGroup.objects.update_or_create(
            movement=movement, unit=unit, defaults={"group": group, "basis": basis.strip()}
        )
    if before["group"] != group:
        audit_record(
            actor=actor,
            action="movement.unit_group",
            target=movement,
            target_repr=f"{movement} — {unit.name}",
            unit_id=unit.pk,
            before=before,
            after={"group": group, "basis": basis},
        )
    return existing if group is not None else None


@transaction.atomic
def roadmap_set(*, actor, movement: Movement, unit: Unit, standard: str, year: int | None, note: str = ""):
    """The year `unit` aims to reach `standard` (None removes it). The unit's own officers or the
    province administrator."""
    if not access.can_set_roadmap(actor, unit.pk):
        raise PermissionDenied(_("Bạn không có quyền đăng ký lộ trình cho đơn vị này."))
    if standard not in STANDARD_CODES:
        raise ValidationError({"standard": [_("Mức đạt chuẩn không hợp lệ.")]})
    if year is not None and not (movement.period_start <= year <= movement.period_end):
        raise ValidationError(
            {
                "year": [
                    _("Năm phấn đấu phải trong giai đoạn %(a)s–%(b)s.")
                    % {"a": movement.period_start, "b": movement.period_end}
                ]
            }
        )
    existing = Roadmap.objects.filter(movement=movement, unit=unit, standard=standard).first()
    before = {"year": existing.year if existing else None}
    if year is None:
        if existing:
            existing.delete()
        result = None
    else:
        result, _c = Roadmap.objects.update_or_create(
            movement=movement, unit=unit, standard=standard, defaults={"year": year, "note": note.strip()}
        )
    if before["year"] != year:
        audit_record(
            actor=actor,
            action="movement.roadmap",
            target=movement,
            target_repr=f"{movement} — {unit.name}",
            unit_id=unit.pk,
            before=before,
            after={"standard": standard, "year": year},
        )
    return result


def members_of(organisation: Organisation):
    return Membership.objects.filter(organisation=organisation, active=True)


# --- pilot units --------------------------------------------------------------------------------


@transaction.atomic
def pilot_update(
    *, actor, pilot: PilotUnit, year: int | None, verified: bool, active: bool, note: str = ""
) -> PilotUnit:
    """An administrator corrects a pilot entry (its year, whether it is verified, whether it stays on
    the list), with a note saying on what basis; audited."""
    movement = pilot.movement
    access.require(
        access.can_manage(actor, movement, action="movement.pilot.edit"),
        _("Chỉ quản trị cấp tỉnh được sửa danh sách đơn vị điểm."),
    )
    if year is not None and not (movement.period_start <= year <= movement.period_end):
        raise ValidationError(
            {
                "year": [
                    _("Năm phấn đấu phải trong giai đoạn %(a)s–%(b)s.")
                    % {"a": movement.period_start, "b": movement.period_end}
                ]
            }
        )
    if verified and not note.strip() and not pilot.note:
        raise ValidationError({"note": [_("Đánh dấu đã kiểm chứng cần ghi căn cứ (văn bản, nguồn).")]})
    before = {"year": pilot.year, "verified": pilot.verified, "active": pilot.active, "note": pilot.note}
    after = {"year": year, "verified": verified, "active": active, "note": note.strip() or pilot.note}
    if before == after:
        return pilot
    for k, v in after.items():
        setattr(pilot, k, v)
    pilot.save(update_fields=list(after))
    audit_record(
        actor=actor,
        action="movement.pilot_update",
        target=pilot,
        target_repr=f"{movement} — {pilot.unit.name}",
        unit_id=pilot.unit_id,
        before=before,
        after=after,
    )
    return pilot


def pilot_load(*, movement: Movement, entries: list[dict]) -> int:
    """The built-in pilot list (best available), created once; an administrator's corrections stay."""
    created = 0
    for e in entries:
        _p, new = PilotUnit.objects.get_or_create(
            movement=movement,
            unit=e["unit"],
            kind=e["kind"],
            defaults={
                "year": e.get("year"),
                "instrument": e.get("instrument", ""),
                "source": e.get("source", ""),
                "verified": False,
            },
        )
        created += int(new)
    if created:
        audit_record(
            actor=None,
            action="movement.pilot_load",
            target=movement,
            unit_id=movement.province_id,
            after={"pilots": created},
        )
    return created


PILOT_KINDS = PilotKind


# --- amendments (VII.8) --------------------------------------------------------------------------


def _clean_changes(movement: Movement, version: MovementVersion, changes: dict) -> dict:
    codes = set(version.targets.values_list("code", flat=True))
    errors: dict[str, list[str]] = {}
    clean: dict[str, dict[str, int]] = {}
    for code, years in (changes or {}).items():
        if code not in codes:
            errors.setdefault("changes", []).append(
                _("Chỉ tiêu «%(c)s» không có trong kế hoạch.") % {"c": code}
            )
            continue
        for year, count in (years or {}).items():
            y = int(year)
            if not (movement.period_start <= y <= movement.period_end):
                errors.setdefault("changes", []).append(
                    _("Chỉ tiêu %(c)s: năm %(y)s nằm ngoài giai đoạn của kế hoạch.") % {"c": code, "y": y}
                )
            elif not isinstance(count, int) or count < 0:
                errors.setdefault("changes", []).append(
                    _("Chỉ tiêu %(c)s, năm %(y)s: số đơn vị phải là số nguyên không âm.")
                    % {"c": code, "y": y}
                )
            else:
                clean.setdefault(code, {})[str(y)] = count
    if not clean and not errors:
        errors["changes"] = [_("Cần đề nghị ít nhất một số đơn vị mới cho một chỉ tiêu, một năm.")]
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def amendment_propose(
    *, actor, movement: Movement, reason: str, changes: dict, participant: Participant | None = None
) -> Amendment:
    """A participant (or Sở Nội vụ itself) proposes new yearly counts for targets, with a reason."""
    if participant is not None:
        access.require(
            access.can_write_report(actor, participant, "movement.amendment.propose"),
            _("Chỉ cán bộ của đơn vị tham gia được đề nghị thay đơn vị."),
        )
    else:
        access.require(
            access.on_behalf(actor, movement, "movement.amendment.propose")
            or permissions.can(actor, "movement.amendment.propose", movement)
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Cần nêu lý do đề nghị điều chỉnh.")]})
    from chungsuc.movements.selectors import version_in_force

    version = version_in_force(movement)
    clean = _clean_changes(movement, version, changes)
    amendment = Amendment.objects.create(
        movement=movement, proposed_by=participant, reason=reason.strip(), changes=clean, created_by=actor
    )
    audit_record(
        actor=actor,
        action="movement.amendment_propose",
        target=amendment,
        unit_id=movement.province_id,
        after={"reason": amendment.reason, "changes": clean},
    )
    return amendment


@transaction.atomic
def amendment_consolidate(*, actor, amendments: list[Amendment], note: str = "") -> list[Amendment]:
    """Sở Nội vụ consolidates participants' proposals (VII.8) to submit them to the province's
    decision: one decision for one or several proposals of the same movement, each audited. Only
    proposals still awaiting it; a refused one refuses them all, naming it."""
    if not amendments:
        raise ValidationError(_("Cần chọn ít nhất một đề nghị để tổng hợp."))
    movements = {a.movement_id for a in amendments}
    if len(movements) != 1:
        raise ValidationError(_("Các đề nghị tổng hợp cùng lúc phải thuộc cùng một kế hoạch."))
    movement = amendments[0].movement
    access.require(
        access.can_manage(actor, movement), _("Chỉ Sở Nội vụ tổng hợp đề nghị điều chỉnh kế hoạch.")
    )
    locked = list(Amendment.objects.select_for_update().filter(pk__in=[a.pk for a in amendments]))
    for a in locked:
        if a.state != Amendment.State.PROPOSED:
            raise ValidationError(
                _("Đề nghị ngày %(d)s đã được xử lý (%(s)s).")
                % {"d": timezone.localtime(a.created_at).strftime("%d/%m/%Y"), "s": a.get_state_display()}
            )
    now = timezone.now()
    for a in locked:
        a.state = Amendment.State.CONSOLIDATED
        a.consolidated_at = now
        a.consolidation_note = (note or "").strip()
        a.save(update_fields=["state", "consolidated_at", "consolidation_note"])
        audit_record(
            actor=actor,
            action="movement.amendment_consolidate",
            target=a,
            unit_id=movement.province_id,
            before={"state": Amendment.State.PROPOSED},
            after={"state": a.state, "note": a.consolidation_note, "together": len(locked)},
        )
    return locked


@transaction.atomic
def amendment_decide(
    *,
    actor,
    amendment: Amendment,
    approve: bool,
    number: str = "",
    symbol: str = "",
    issued_on: dt.date | None = None,
    signer_name: str = "",
    valid_from: dt.date | None = None,
    note: str = "",
) -> Amendment:
    """Sở Nội vụ records the province's decision: approved — a decision (legal act) and a new version
    of the plan from `valid_from` (default the decision's date) with the proposed counts; or rejected
    with a note. Versions already in force are never edited."""
    movement = amendment.movement
    access.require(
        access.can_manage(actor, movement, action="movement.amendment.decide"),
        _("Chỉ Sở Nội vụ ghi quyết định điều chỉnh kế hoạch."),
    )
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    if amendment.state not in (Amendment.State.PROPOSED, Amendment.State.CONSOLIDATED):
        raise ValidationError(_("Đề nghị này đã được xử lý (%(s)s).") % {"s": amendment.get_state_display()})
    if approve and amendment.proposed_by_id and amendment.state == Amendment.State.PROPOSED:
        # a participant's proposal reaches the province's decision through Sở Nội vụ's consolidation
        raise ValidationError(
            _(
                "Đề nghị của đơn vị tham gia cần được Sở Nội vụ tổng hợp, trình UBND tỉnh "
                "trước khi ghi quyết định."
            )
        )
    if not approve:
        if not note.strip():
            raise ValidationError({"note": [_("Cần ghi lý do không chấp thuận.")]})
        amendment.state = Amendment.State.REJECTED
        amendment.outcome_note = note.strip()
        amendment.save(update_fields=["state", "outcome_note"])
        audit_record(
            actor=actor,
            action="movement.amendment_reject",
            target=amendment,
            unit_id=movement.province_id,
            after={"note": amendment.outcome_note},
        )
        return amendment
    errors: dict[str, list[str]] = {}
    values = _validate_act(
        errors,
        number,
        symbol,
        issued_on,
        movement.issuing_body,
        signer_name,
        "",
        amendment.reason,
        kind="quyet_dinh",
    )
    if errors:
        names = {"act_number": "number", "act_symbol": "symbol", "act_date": "issued_on"}
        raise ValidationError({names.get(k, k): v for k, v in errors.items()})
    from chungsuc.core.legal import legal_act_create
    from chungsuc.movements.selectors import version_in_force

    act = legal_act_create(
        actor=actor,
        kind="quyet_dinh",
        number=values["number"],
        symbol=values["symbol"],
        year=values["year"],
        issued_on=values["issued_on"],
        issuing_body=movement.issuing_body,
        signer_name=values["signer_name"],
        summary=_("Điều chỉnh chỉ tiêu: %(r)s") % {"r": amendment.reason[:200]},
        targets=[(movement, "amendment"), (amendment, "decision")],
        unit_id=movement.province_id,
        is_demo=movement.is_demo,
        require_signer=False,
    )
    start = valid_from or values["issued_on"]
    current = version_in_force(movement, start)
    number_next = (movement.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    new = MovementVersion.objects.create(
        movement=movement,
        number=number_next,
        valid_from=start,
        reason=amendment.reason,
        decision_text=act.reference,
    )
    targets = [
        {
            "code": t.code,
            "name": t.name,
            "level": t.level,
            "standards": list(t.standards),
            "by_year": {ty.year: ty.count for ty in t.years.all()},
            "note": t.note,
            "section": t.section.number if t.section else "",
        }
        for t in current.targets.select_related("section").prefetch_related("years")
    ]
    for t in targets:
        for year, count in amendment.changes.get(t["code"], {}).items():
            t["by_year"][int(year)] = int(count)
    _write_targets(new, targets, {s.number: s for s in movement.sections.all()})
    amendment.state = Amendment.State.DECIDED
    amendment.decision = act
    amendment.version = new
    amendment.outcome_note = note.strip()
    amendment.save(update_fields=["state", "decision", "version", "outcome_note"])
    audit_record(
        actor=actor,
        action="movement.amendment_decide",
        target=amendment,
        unit_id=movement.province_id,
        after={
            "decision": act.reference,
            "version": new.number,
            "valid_from": start,
            "changes": amendment.changes,
        },
    )
    return amendment


# --- emulation clusters and blocks (cụm, khối thi đua) ----------------------------------------


@transaction.atomic
def cluster_create(*, actor, movement: Movement, name: str, kind: str = "cluster") -> Cluster:
    access.require(
        access.can_manage(actor, movement, action="movement.cluster.manage"),
        _("Chỉ quản trị cấp tỉnh được lập cụm, khối thi đua."),
    )
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Cần nhập tên cụm, khối thi đua.")]})
    if kind not in Cluster.Kind.values:
        raise ValidationError({"kind": [_("Loại không hợp lệ (cụm hoặc khối).")]})
    if Cluster.objects.filter(movement=movement, name=name).exists():
        raise ValidationError({"name": [_("Đã có cụm, khối «%(n)s».") % {"n": name}]})
    cluster = Cluster.objects.create(movement=movement, name=name, kind=kind)
    audit_record(
        actor=actor,
        action="movement.cluster_create",
        target=cluster,
        unit_id=movement.province_id,
        after={"name": name, "kind": kind},
    )
    return cluster


@transaction.atomic
def cluster_members_set(*, actor, cluster: Cluster, year: int, participants: list[Participant]) -> int:
    """The cluster's members for `year` (replacing that year's list; other years stay)."""
    movement = cluster.movement
    access.require(
        access.can_manage(actor, movement, action="movement.cluster.manage"),
        _("Chỉ quản trị cấp tỉnh được phân cụm, khối thi đua."),
    )
    if not (movement.period_start <= year <= movement.period_end):
        raise ValidationError({"year": [_("Năm %(y)s nằm ngoài giai đoạn của kế hoạch.") % {"y": year}]})
    foreign = [p for p in participants if p.movement_id != movement.pk]
    if foreign:
        raise ValidationError(
            {"participants": [_("«%(p)s» không tham gia phong trào này.") % {"p": foreign[0]}]}
        )
    taken = ClusterMember.objects.filter(
        cluster__movement=movement, year=year, participant__in=participants
    ).exclude(cluster=cluster)
    if taken.exists():
        t = taken.select_related("cluster").first()
        raise ValidationError(
            {
                "participants": [
                    _("«%(p)s» đã thuộc «%(c)s» năm %(y)s.") % {"p": t.participant, "c": t.cluster, "y": year}
                ]
            }
        )
    before = sorted(
        ClusterMember.objects.filter(cluster=cluster, year=year).values_list("participant_id", flat=True)
    )
    after = sorted({p.pk for p in participants})
    if before == after:
        return 0
    ClusterMember.objects.filter(cluster=cluster, year=year).exclude(participant_id__in=after).delete()
    for pid in set(after) - set(before):
        ClusterMember.objects.create(cluster=cluster, participant_id=pid, year=year)
    audit_record(
        actor=actor,
        action="movement.cluster_members",
        target=cluster,
        unit_id=movement.province_id,
        before={"year": year, "members": before},
        after={"year": year, "members": after},
    )
    return len(after)


@transaction.atomic
def scoring_table_set(*, actor, movement: Movement, rows: list[dict]) -> int:
    """The scoring table as data: [{code, name, max_points, source?, verified?}] (upsert by code)."""
    if actor is not None:
        access.require(
            access.can_manage(actor, movement, action="movement.cluster.manage"),
            _("Chỉ quản trị cấp tỉnh được sửa bảng chấm điểm."),
        )
    errors = []
    for i, r in enumerate(rows, start=1):
        if not str(r.get("code") or "").strip() or not str(r.get("name") or "").strip():
            errors.append(_("Dòng %(n)d: cần mã và nội dung chấm điểm.") % {"n": i})
        if not isinstance(r.get("max_points"), int) or r["max_points"] <= 0:
            errors.append(_("Dòng %(n)d: điểm tối đa phải là số nguyên dương.") % {"n": i})
    if errors:
        raise ValidationError({"rows": errors})
    changed = 0
    for order, r in enumerate(rows, start=1):
        _obj, created = ScoringCriterion.objects.update_or_create(
            movement=movement,
            code=str(r["code"]).strip(),
            defaults={
                "name": r["name"].strip(),
                "max_points": r["max_points"],
                "order": order,
                "source": r.get("source", ""),
                "verified": bool(r.get("verified", False)),
            },
        )
        changed += 1
    audit_record(
        actor=actor,
        action="movement.scoring_table",
        target=movement,
        unit_id=movement.province_id,
        after={"rows": [r["code"] for r in rows]},
    )
    return changed


@transaction.atomic
def cluster_scores_save(
    *,
    actor,
    cluster: Cluster,
    year: int,
    scorer: Participant,
    scored: Participant,
    points: dict[str, str],
    evidence: dict[str, str] | None = None,
) -> int:
    """One member's scores of one member (itself: self-scoring; another: cross-scoring) for a year.
    Both must be members that year; each score between 0 and the criterion's maximum; errors keyed by
    criterion; all or nothing."""
    movement = cluster.movement
    access.require(
        access.can_write_report(actor, scorer, "movement.cluster.score"),
        _("Chỉ cán bộ của «%(p)s» được chấm điểm thay đơn vị.") % {"p": scorer},
    )
    members = set(
        ClusterMember.objects.filter(cluster=cluster, year=year).values_list("participant_id", flat=True)
    )
    if scorer.pk not in members or scored.pk not in members:
        raise ValidationError(
            _("Đơn vị chấm và đơn vị được chấm phải là thành viên của «%(c)s» năm %(y)s.")
            % {"c": cluster, "y": year}
        )
    criteria = {c.code: c for c in movement.scoring_criteria.all()}
    errors: dict[str, list[str]] = {}
    clean: dict[str, Decimal] = {}
    for code, raw in (points or {}).items():
        c = criteria.get(code)
        if c is None:
            errors.setdefault(code, []).append(_("Không có nội dung chấm điểm «%(c)s».") % {"c": code})
            continue
        text = str(raw or "").strip().replace(",", ".")
        if text == "":
            continue
        try:
            value = Decimal(text)
        except InvalidOperation:
            errors.setdefault(code, []).append(_("%(n)s: «%(v)s» không phải số.") % {"n": c.name, "v": raw})
            continue
        if value < 0 or value > c.max_points:
            errors.setdefault(code, []).append(
                _("%(n)s: điểm phải từ 0 đến %(m)s.") % {"n": c.name, "m": c.max_points}
            )
            continue
        clean[code] = value
    if errors:
        raise ValidationError(errors)
    if not clean:
        raise ValidationError(_("Chưa nhập điểm nào."))
    for code, value in clean.items():
        ClusterScore.objects.update_or_create(
            cluster=cluster,
            year=year,
            scored=scored,
            scorer=scorer,
            criterion=criteria[code],
            defaults={
                "points": value,
                "evidence": (evidence or {}).get(code, "").strip(),
                "created_by": actor if getattr(actor, "is_authenticated", False) else None,
            },
        )
    audit_record(
        actor=actor,
        action="movement.cluster_score",
        target=cluster,
        unit_id=scored.unit_id,
        after={
            "year": year,
            "scorer": str(scorer),
            "scored": str(scored),
            "points": {k: str(v) for k, v in clean.items()},
        },
    )
    return len(clean)


# --- exemplary models and initiatives (IV.2, VII.3) ----------------------------------------------


@transaction.atomic
def model_propose(
    *,
    actor,
    movement: Movement,
    title: str,
    who: str,
    unit: Unit | None,
    description: str,
    kind: str = "model",
    media_links: str = "",
    participant: Participant | None = None,
) -> ExemplaryModel:
    """A participant (or Sở Nội vụ) proposes a model; errors keyed by field, nothing written."""
    if participant is not None:
        access.require(
            access.can_write_report(actor, participant, "movement.model.propose"),
            _("Chỉ cán bộ của đơn vị tham gia được đề xuất thay đơn vị."),
        )
    else:
        access.require(
            access.on_behalf(actor, movement, "movement.model.propose"), _("Cần chọn đơn vị đề xuất.")
        )
    from chungsuc.movements.selectors import movement_units

    errors: dict[str, list[str]] = {}
    title = _clean_text(errors, "title", title, _("tên mô hình"), max_length=300)
    who = _clean_text(errors, "who", who, _("tập thể, cá nhân"), max_length=300)
    description = _clean_text(errors, "description", description, _("nội dung, hiệu quả"), max_length=20000)
    if kind not in ExemplaryModel.Kind.values:
        errors.setdefault("kind", []).append(_("Loại không hợp lệ."))
    if unit is None or unit.pk not in movement_units(movement):
        errors.setdefault("unit", []).append(_("Cần chọn địa bàn thuộc phong trào."))
    links = [line.strip() for line in (media_links or "").splitlines() if line.strip()]
    bad = [u for u in links if not is_http_url(u)]
    if bad:
        errors.setdefault("media_links", []).append(
            _("Đường dẫn «%(u)s» phải bắt đầu bằng http:// hoặc https://.") % {"u": bad[0]}
        )
    if errors:
        raise ValidationError(errors)
    model = ExemplaryModel.objects.create(
        movement=movement,
        proposed_by=participant,
        kind=kind,
        title=title,
        who=who,
        unit=unit,
        description=description,
        media_links="\n".join(links),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="movement.model_propose",
        target=model,
        unit_id=unit.pk,
        after={"title": title, "who": who, "kind": kind},
    )
    return model


@transaction.atomic
def model_decide(*, actor, model: ExemplaryModel, action: str, note: str = "") -> ExemplaryModel:
    """Sở Nội vụ endorses or rejects (with a reason) a proposed model, publishes an endorsed one to
    the public portal, or withdraws a published one (with a reason)."""
    access.require(
        access.can_manage(actor, model.movement, action="movement.model.decide"),
        _("Chỉ Sở Nội vụ công nhận, công bố mô hình."),
    )
    model = ExemplaryModel.objects.select_for_update().get(pk=model.pk)
    S = ExemplaryModel.State
    moves = {
        "endorse": (S.PROPOSED, S.ENDORSED),
        "reject": (S.PROPOSED, S.REJECTED),
        "publish": (S.ENDORSED, S.PUBLISHED),
        "withdraw": (S.PUBLISHED, S.ENDORSED),
    }
    if action not in moves:
        raise ValidationError(_("Thao tác không hợp lệ."))
    source, target = moves[action]
    if model.state != source:
        raise ValidationError(
            _("Không thể thực hiện khi mô hình đang ở trạng thái «%(s)s».") % {"s": model.get_state_display()}
        )
    if action in ("reject", "withdraw") and not note.strip():
        raise ValidationError({"note": [_("Cần nêu lý do.")]})
    before = {"state": model.state}
    model.state = target
    model.decision_note = note.strip() or model.decision_note
    now = timezone.now()
    if action == "endorse":
        model.endorsed_at = now
    elif action == "publish":
        model.published_at = now
    elif action == "withdraw":
        model.published_at = None
    model.save(update_fields=["state", "decision_note", "endorsed_at", "published_at"])
    audit_record(
        actor=actor,
        action="movement.model_" + action,
        target=model,
        unit_id=model.unit_id,
        before=before,
        after={"state": target},
        reason=note.strip(),
    )
    return model


@transaction.atomic
def model_replicate(
    *, actor, model: ExemplaryModel, unit: Unit | None, year: int | None, note: str = ""
) -> ModelReplication:
    """Where the model has been replicated (a unit, a year)."""
    movement = model.movement
    allowed = access.can_manage(actor, movement) or (
        model.proposed_by is not None and access.can_write_report(actor, model.proposed_by)
    )
    access.require(allowed, _("Bạn không có quyền ghi nơi nhân rộng mô hình này."))
    from chungsuc.movements.selectors import movement_units

    errors: dict[str, list[str]] = {}
    if unit is None or unit.pk not in movement_units(movement):
        errors["unit"] = [_("Cần chọn địa bàn thuộc phong trào.")]
    if year is None or not (movement.period_start <= year <= movement.period_end):
        errors["year"] = [
            _("Năm phải trong giai đoạn %(a)s–%(b)s.")
            % {"a": movement.period_start, "b": movement.period_end}
        ]
    if not errors and ModelReplication.objects.filter(model=model, unit=unit).exists():
        errors["unit"] = [_("Đã ghi nhân rộng tại %(u)s.") % {"u": unit.name}]
    if errors:
        raise ValidationError(errors)
    rep = ModelReplication.objects.create(model=model, unit=unit, year=year, note=note.strip()[:300])
    audit_record(
        actor=actor,
        action="movement.model_replicate",
        target=model,
        unit_id=unit.pk,
        after={"unit": unit.name, "year": year},
    )
    return rep


MODEL_ATTACHMENT_KINDS = {"pdf", "jpeg", "png", "docx"}


@transaction.atomic
def model_attach(*, actor, model: ExemplaryModel, file) -> ModelAttachment:
    allowed = access.can_manage(actor, model.movement) or (
        model.proposed_by is not None and access.can_write_report(actor, model.proposed_by)
    )
    access.require(allowed)
    stored = store_upload(file, allowed=MODEL_ATTACHMENT_KINDS, folder="movements/models")
    a = ModelAttachment(model=model, uploaded_by=actor if getattr(actor, "is_authenticated", False) else None)
    a.set_stored(stored)
    a.save()
    audit_record(
        actor=actor,
        action="movement.model_attach",
        target=model,
        unit_id=model.unit_id,
        after={"file": stored.original_name},
    )
    return a


# --- inspections (VI.4, VII.6) -----------------------------------------------------------------


def _inspector(actor, inspection: Inspection) -> bool:
    return access.is_inspector(actor, inspection)


@transaction.atomic
def inspection_team_create(
    *,
    actor,
    movement: Movement,
    year,
    name: str,
    decision_reference: str = "",
    decision_date=None,
    decision_signer: str = "",
    decision_signer_title: str = "",
    signed_file=None,
) -> InspectionTeam:
    """An inspection team of the year's plan, and the decision that set it up (a legal act, optional
    until it is signed: then its number and symbol, date and signer are all required)."""
    access.require(
        access.can_manage(actor, movement, action="movement.inspection.plan"),
        _("Chỉ Sở Nội vụ thành lập đoàn kiểm tra."),
    )
    errors: dict[str, list[str]] = {}
    year_value = int(year) if str(year or "").strip().isdecimal() else 0
    if not (movement.period_start <= year_value <= movement.period_end):
        errors["year"] = [
            _("Năm phải trong giai đoạn %(a)s–%(b)s.")
            % {"a": movement.period_start, "b": movement.period_end}
        ]
    name = _clean_text(errors, "name", name, _("tên đoàn kiểm tra"), max_length=200)
    if name and year_value and movement.inspection_teams.filter(year=year_value, name=name).exists():
        errors["name"] = [_("Năm %(y)s đã có đoàn «%(n)s».") % {"y": year_value, "n": name}]
    wants_decision = bool(
        (decision_reference or "").strip() or decision_date or (decision_signer or "").strip() or signed_file
    )
    decision_values = None
    if wants_decision:
        from chungsuc.core.legal import legal_act_validate

        try:
            decision_values = legal_act_validate(
                kind="quyet_dinh",
                reference=decision_reference,
                issued_on=decision_date,
                issuing_body=movement.issuing_body,
                signer_name=decision_signer,
                signer_title=decision_signer_title,
            )
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                errors.setdefault(f"decision_{field}", []).extend(msgs)
    if errors:
        raise ValidationError(errors)
    team = InspectionTeam.objects.create(movement=movement, year=year_value, name=name)
    if decision_values is not None:
        from chungsuc.core.legal import legal_act_create

        team.decision = legal_act_create(
            actor=actor,
            kind="quyet_dinh",
            reference=decision_reference,
            issued_on=decision_date,
            issuing_body=movement.issuing_body,
            signer_name=decision_signer,
            signer_title=decision_signer_title,
            summary=_("Thành lập %(n)s năm %(y)s") % {"n": name, "y": year_value},
            signed_file=signed_file,
            targets=[(team, "decision")],
            unit_id=movement.province_id,
            is_demo=movement.is_demo,
        )
        team.save(update_fields=["decision"])
    audit_record(
        actor=actor,
        action="movement.inspection_team_create",
        target=team,
        unit_id=movement.province_id,
        after={
            "name": name,
            "year": year_value,
            "decision": team.decision.reference if team.decision_id else None,
        },
    )
    return team


@transaction.atomic
def inspection_team_member_add(
    *,
    actor,
    team: InspectionTeam,
    full_name: str = "",
    position: str = "",
    role: str = InspectionTeamMember.Role.MEMBER,
    organisation: Organisation | None = None,
    user=None,
) -> InspectionTeamMember:
    """A member as the team's decision lists them; with an account, the member may record the team's
    findings. One leader per team; an account at most once."""
    access.require(
        access.can_manage(actor, team.movement, action="movement.inspection.plan"),
        _("Chỉ Sở Nội vụ sửa thành phần đoàn kiểm tra."),
    )
    errors: dict[str, list[str]] = {}
    if user is not None and not (full_name or "").strip():
        full_name = user.get_full_name() or user.username
    full_name = _clean_text(errors, "full_name", full_name, _("họ và tên"), max_length=200)
    position = _clean_text(errors, "position", position, _("chức vụ"), required=False, max_length=200)
    if role not in InspectionTeamMember.Role.values:
        errors["role"] = [_("Nhiệm vụ trong đoàn không hợp lệ.")]
    elif role == InspectionTeamMember.Role.LEADER and team.members.filter(role=role).exists():
        errors["role"] = [_("Đoàn đã có trưởng đoàn (%(n)s).") % {"n": team.leader.full_name}]
    if user is not None and team.members.filter(user=user).exists():
        errors["user"] = [_("Tài khoản này đã có trong đoàn.")]
    if errors:
        raise ValidationError(errors)
    member = InspectionTeamMember.objects.create(
        team=team, full_name=full_name, position=position, role=role, organisation=organisation, user=user
    )
    # the team's inspections not yet concluded follow its composition (name of the leader, accounts)
    _sync_team_inspections(team)
    audit_record(
        actor=actor,
        action="movement.inspection_team_member_add",
        target=team,
        unit_id=team.movement.province_id,
        after={
            "full_name": full_name,
            "role": member.get_role_display(),
            "position": position,
            "organisation": str(organisation) if organisation else None,
        },
    )
    return member


@transaction.atomic
def inspection_team_member_remove(*, actor, member: InspectionTeamMember) -> None:
    team = member.team
    access.require(
        access.can_manage(actor, team.movement, action="movement.inspection.plan"),
        _("Chỉ Sở Nội vụ sửa thành phần đoàn kiểm tra."),
    )
    before = {"full_name": member.full_name, "role": member.get_role_display()}
    member.delete()
    _sync_team_inspections(team)
    audit_record(
        actor=actor,
        action="movement.inspection_team_member_remove",
        target=team,
        unit_id=team.movement.province_id,
        before=before,
    )


def _sync_team_inspections(team: InspectionTeam) -> None:
    leader = team.members.filter(role=InspectionTeamMember.Role.LEADER).first()
    users = [m.user for m in team.members.exclude(user=None).select_related("user")]
    for inspection in team.inspections.exclude(state=Inspection.State.CONCLUDED):
        inspection.team_name = team.name
        inspection.leader = leader.full_name if leader else ""
        inspection.save(update_fields=["team_name", "leader"])
        inspection.members.set(users)


@transaction.atomic
def inspection_plan(
    *,
    actor,
    movement: Movement,
    year: int,
    team_name: str,
    leader: str,
    unit: Unit | None,
    members=(),
    planned_on=None,
    team: InspectionTeam | None = None,
) -> Inspection:
    """A line of the year's inspection plan: the team (a team record of the same year, whose name,
    leader and members' accounts the line takes; or a name, a leader and members among the users with
    the inspector role), the unit it inspects and when."""
    access.require(
        access.can_manage(actor, movement, action="movement.inspection.plan"),
        _("Chỉ Sở Nội vụ lập kế hoạch kiểm tra."),
    )
    from chungsuc.movements.selectors import movement_units

    errors: dict[str, list[str]] = {}
    if not (movement.period_start <= int(year or 0) <= movement.period_end):
        errors["year"] = [
            _("Năm phải trong giai đoạn %(a)s–%(b)s.")
            % {"a": movement.period_start, "b": movement.period_end}
        ]
    if team is not None:
        if team.movement_id != movement.pk or team.year != int(year or 0):
            errors["team"] = [_("Đoàn kiểm tra phải là đoàn của phong trào này, cùng năm kiểm tra.")]
        else:
            team_name = team.name
            chief = team.members.filter(role=InspectionTeamMember.Role.LEADER).first()
            leader = chief.full_name if chief else ""
            members = [m.user for m in team.members.exclude(user=None).select_related("user")]
    team_name = _clean_text(errors, "team_name", team_name, _("tên đoàn kiểm tra"), max_length=200)
    if unit is None or unit.pk not in movement_units(movement):
        errors["unit"] = [_("Cần chọn đơn vị được kiểm tra thuộc phong trào.")]
    if errors:
        raise ValidationError(errors)
    inspection = Inspection.objects.create(
        movement=movement,
        year=int(year),
        team_name=team_name,
        leader=(leader or "").strip()[:200],
        unit=unit,
        planned_on=planned_on,
        team=team,
    )
    inspection.members.set(list(members))
    audit_record(
        actor=actor,
        action="movement.inspection_plan",
        target=inspection,
        unit_id=unit.pk,
        after={"team": team_name, "year": int(year), "members": [str(m) for m in members]},
    )
    return inspection


@transaction.atomic
def findings_save(
    *, actor, inspection: Inspection, results: dict[str, tuple[str, str]], inspected_on=None
) -> int:
    """The team's findings against the checklist: {item code: (result, note)}; all or nothing."""
    access.require(_inspector(actor, inspection), _("Chỉ thành viên đoàn kiểm tra ghi kết quả kiểm tra."))
    if inspection.state == Inspection.State.CONCLUDED:
        raise ValidationError(_("Cuộc kiểm tra đã có kết luận, không sửa kết quả được."))
    items = {i.code: i for i in inspection.movement.checklist.all()}
    errors: dict[str, list[str]] = {}
    clean = {}
    for code, (result, note) in results.items():
        if code not in items:
            errors.setdefault(code, []).append(_("Không có nội dung kiểm tra «%(c)s».") % {"c": code})
        elif result and result not in Finding.Result.values:
            errors.setdefault(code, []).append(_("%(t)s: kết quả không hợp lệ.") % {"t": items[code].text})
        elif result == Finding.Result.NOT_MET and not (note or "").strip():
            errors.setdefault(code, []).append(
                _("%(t)s: «Không đạt» cần ghi nhận cụ thể.") % {"t": items[code].text}
            )
        elif result:
            clean[code] = (result, (note or "").strip())
    if errors:
        raise ValidationError(errors)
    if not clean:
        raise ValidationError(_("Chưa ghi kết quả nào."))
    for code, (result, note) in clean.items():
        Finding.objects.update_or_create(
            inspection=inspection, item=items[code], defaults={"result": result, "note": note}
        )
    inspection.state = Inspection.State.INSPECTED
    inspection.inspected_on = inspected_on or inspection.inspected_on or timezone.localdate()
    inspection.save(update_fields=["state", "inspected_on"])
    audit_record(
        actor=actor,
        action="movement.inspection_findings",
        target=inspection,
        unit_id=inspection.unit_id,
        after={k: v[0] for k, v in clean.items()},
    )
    return len(clean)


@transaction.atomic
def recommendation_add(*, actor, inspection: Inspection, text: str, due_date) -> Recommendation:
    access.require(_inspector(actor, inspection), _("Chỉ thành viên đoàn kiểm tra ghi kiến nghị."))
    errors: dict[str, list[str]] = {}
    text = _clean_text(errors, "text", text, _("nội dung kiến nghị"), max_length=2000)
    if due_date is None:
        errors["due_date"] = [_("Cần nhập hạn khắc phục (dd/mm/yyyy).")]
    if errors:
        raise ValidationError(errors)
    rec = Recommendation.objects.create(inspection=inspection, text=text, due_date=due_date)
    audit_record(
        actor=actor,
        action="movement.recommendation_add",
        target=inspection,
        unit_id=inspection.unit_id,
        after={"text": text, "due_date": due_date},
    )
    return rec


@transaction.atomic
def recommendation_follow_up(
    *, actor, recommendation: Recommendation, done_on, follow_up: str
) -> Recommendation:
    """The inspected unit (its officers) or Sở Nội vụ records what was done about a recommendation."""
    inspection = recommendation.inspection
    access.require(
        access.can_follow_up(actor, inspection),
        _("Chỉ đơn vị được kiểm tra hoặc Sở Nội vụ ghi kết quả khắc phục."),
    )
    if not (follow_up or "").strip():
        raise ValidationError({"follow_up": [_("Cần ghi kết quả khắc phục.")]})
    if done_on is None:
        raise ValidationError({"done_on": [_("Cần nhập ngày hoàn thành (dd/mm/yyyy).")]})
    before = {"done_on": recommendation.done_on}
    recommendation.done_on = done_on
    recommendation.follow_up = follow_up.strip()
    recommendation.save(update_fields=["done_on", "follow_up"])
    audit_record(
        actor=actor,
        action="movement.recommendation_follow_up",
        target=inspection,
        unit_id=inspection.unit_id,
        before=before,
        after={"done_on": done_on, "follow_up": recommendation.follow_up},
    )
    return recommendation


@transaction.atomic
def inspection_conclude(
    *, actor, inspection: Inspection, number: str, symbol: str, issued_on, signer_name: str = ""
) -> Inspection:
    """The conclusion of the inspection, recorded as a legal act (kết luận)."""
    access.require(
        access.can_manage(actor, inspection.movement, action="movement.inspection.conclude"),
        _("Chỉ Sở Nội vụ ghi kết luận kiểm tra."),
    )
    if inspection.state != Inspection.State.INSPECTED:
        raise ValidationError(_("Cần ghi kết quả kiểm tra trước khi kết luận."))
    errors: dict[str, list[str]] = {}
    values = _validate_act(
        errors,
        number,
        symbol,
        issued_on,
        inspection.movement.issuing_body,
        signer_name,
        "",
        str(inspection),
        kind="ket_luan",
    )
    if errors:
        names = {"act_number": "number", "act_symbol": "symbol", "act_date": "issued_on"}
        raise ValidationError({names.get(k, k): v for k, v in errors.items()})
    from chungsuc.core.legal import legal_act_create

    act = legal_act_create(
        actor=actor,
        kind="ket_luan",
        number=values["number"],
        symbol=values["symbol"],
        year=values["year"],
        issued_on=values["issued_on"],
        issuing_body=inspection.movement.issuing_body,
        signer_name=values["signer_name"],
        summary=_("Kết luận kiểm tra: %(i)s") % {"i": inspection},
        targets=[(inspection, "conclusion")],
        unit_id=inspection.unit_id,
        is_demo=inspection.movement.is_demo,
        require_signer=False,
    )
    inspection.conclusion = act
    inspection.state = Inspection.State.CONCLUDED
    inspection.save(update_fields=["conclusion", "state"])
    audit_record(
        actor=actor,
        action="movement.inspection_conclude",
        target=inspection,
        unit_id=inspection.unit_id,
        after={"conclusion": act.reference},
    )
    return inspection
