"""Every write of the recognitions app: `<noun>_<verb>(*, actor, ...)`, one transaction each, audited.

The dossier's back half: the public consultation and residents' comments, recognition conditions,
the decision (recognition or refusal), revocation, and importing past recognitions into the register.
Permission is asked of `accounts.selectors.can_act_on_unit`; a unit out of the actor's scope answers
`Http404` (the same as a missing record). Bad input raises `ValidationError` with a Vietnamese message;
nothing is written then.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from chungsuc.accounts.models import Role
from chungsuc.accounts.selectors import can_act_on_unit, scope_for
from chungsuc.assessments.models import Assessment
from chungsuc.core import workflow as wf
from chungsuc.core.audit import audit_record
from chungsuc.recognitions import register_import
from chungsuc.recognitions.models import (
    ConditionCheck,
    Consultation,
    ConsultationComment,
    Decision,
    RecognitionCondition,
    RecognitionRecord,
)
from chungsuc.recognitions.roles import PROVINCE_ROLES

PRIME_MINISTER = "Thủ tướng Chính phủ"
PROVINCE_CHAIRMAN = "Chủ tịch UBND tỉnh"


def _require(actor, unit_id: int, roles, what: str) -> None:
    if not scope_for(actor).covers(unit_id):
        raise Http404("Không tìm thấy hồ sơ")
    if not can_act_on_unit(actor, unit_id, roles):
        raise PermissionDenied(f"Bạn không có quyền {what} trên địa bàn này.")


def _case(assessment: Assessment):
    case = wf.case_for(assessment)
    if case is None:
        raise ValidationError("Hồ sơ chưa được đưa vào quy trình xét công nhận.")
    return case


def _check_file(upload, *, allowed) -> str:
    """Check an uploaded file by content (core.files): size, real type, no macros, not encrypted."""
    from chungsuc.core.files import inspect_upload

    return inspect_upload(upload, allowed=allowed).sha256


def decision_authority(assessment: Assessment) -> str:
    """Who decides on the dossier: the Prime Minister for districts (huyện NTM, thị xã/thành phố
    completing the task) and provinces (QĐ 18/2022/QĐ-TTg), the provincial chairman for communes."""
    level = assessment.framework.level or assessment.unit.level
    return PRIME_MINISTER if level in {"district", "province"} else PROVINCE_CHAIRMAN


def consultation_open(
    *, actor, assessment: Assessment, days: int = 15, summary: str = "", expected_version: int | None = None
) -> Consultation:
    _require(actor, assessment.unit_id, PROVINCE_ROLES, "công khai lấy ý kiến")
    if not 1 <= int(days) <= 90:
        raise ValidationError(f"Số ngày lấy ý kiến {days} không hợp lệ (1–90 ngày).")
    today = timezone.localdate()
    with transaction.atomic():
        wf.case_transition(
            actor=actor,
            case=_case(assessment),
            transition_code="open_consultation",
            expected_version=expected_version,
        )
        consultation, _created = Consultation.objects.update_or_create(
            assessment=assessment,
            defaults={
                "opens_on": today,
                "closes_on": today + dt.timedelta(days=int(days)),
                "closed_at": None,
                "summary": summary,
                "opened_by": actor if getattr(actor, "is_authenticated", False) else None,
            },
        )
        audit_record(
            actor=actor,
            action="assessment.consultation_open",
            target=assessment,
            unit_id=assessment.unit_id,
            changes={"consultation": [None, f"{consultation.opens_on} → {consultation.closes_on}"]},
        )
    return consultation


def consultation_close(*, actor, assessment: Assessment, expected_version: int | None = None) -> Consultation:
    _require(actor, assessment.unit_id, PROVINCE_ROLES, "kết thúc lấy ý kiến")
    with transaction.atomic():
        wf.case_transition(
            actor=actor,
            case=_case(assessment),
            transition_code="close_consultation",
            expected_version=expected_version,
        )
        consultation = Consultation.objects.select_for_update().get(assessment=assessment)
        consultation.closed_at = timezone.now()
        consultation.save(update_fields=["closed_at"])
        from chungsuc.recognitions.selectors import satisfaction

        stats = satisfaction(consultation)
        audit_record(
            actor=actor,
            action="assessment.consultation_close",
            target=assessment,
            unit_id=assessment.unit_id,
            changes={"satisfaction": [None, stats]},
        )
    return consultation


def consultation_comment_add(*, consultation: Consultation, name: str, hamlet: str, satisfied, text: str):
    """A resident's comment on the portal (no login); only while the consultation is open."""
    today = timezone.localdate()
    if consultation.closed_at is not None or not consultation.opens_on <= today <= consultation.closes_on:
        raise ValidationError("Đợt lấy ý kiến này đã kết thúc hoặc chưa bắt đầu.")
    if satisfied not in (True, False, None):
        raise ValidationError("Mức hài lòng không hợp lệ.")
    text = (text or "").strip()
    if satisfied is None and not text:
        raise ValidationError("Hãy cho biết ông/bà có hài lòng hay không, hoặc viết ý kiến.")
    if len(text) > 4000:
        raise ValidationError("Ý kiến dài quá 4.000 ký tự.")
    with transaction.atomic():
        comment = ConsultationComment.objects.create(
            consultation=consultation,
            name=(name or "")[:120],
            hamlet=(hamlet or "")[:120],
            satisfied=satisfied,
            text=text,
        )
        audit_record(
            actor=None,
            action="assessment.consultation_comment",
            target=consultation.assessment,
            unit_id=consultation.assessment.unit_id,
            changes={"comment": [None, comment.pk], "satisfied": [None, satisfied]},
        )
    return comment


def condition_check_set(
    *, actor, assessment: Assessment, condition: RecognitionCondition, met: bool, note: str = ""
):
    _require(
        actor, assessment.unit_id, PROVINCE_ROLES | {Role.DISTRICT_OFFICER}, "xác nhận điều kiện công nhận"
    )
    if condition.kind != RecognitionCondition.Kind.ATTESTATION:
        raise ValidationError(f"Điều kiện «{condition.name}» được tính tự động, không xác nhận tay.")
    with transaction.atomic():
        check, _ = ConditionCheck.objects.update_or_create(
            assessment=assessment,
            condition=condition,
            defaults={"met": bool(met), "note": note, "checked_by": actor},
        )
        audit_record(
            actor=actor,
            action="assessment.condition",
            target=assessment,
            unit_id=assessment.unit_id,
            changes={condition.code: [None, bool(met)]},
            reason=note,
        )
    return check


def decision_record(
    *,
    actor,
    assessment: Assessment,
    recognised: bool,
    number: str,
    date: dt.date,
    signer: str,
    signed_pdf=None,
    reason: str = "",
    expected_version: int | None = None,
    authority: str = "",
) -> Decision:
    """Record the decision on the dossier: recognition (register entry) or refusal. The deciding
    authority defaults by level (`decision_authority`: the Prime Minister for districts) and is carried
    by the register entry."""
    _require(actor, assessment.unit_id, PROVINCE_ROLES, "ghi nhận quyết định")
    errors = {}
    if not (number or "").strip():
        errors["number"] = "Thiếu số quyết định."
    if not (signer or "").strip():
        errors["signer"] = "Thiếu người ký."
    if not isinstance(date, dt.date):
        errors["date"] = "Ngày ký không hợp lệ."
    elif date > timezone.localdate():
        errors["date"] = f"Ngày ký {date:%d/%m/%Y} ở tương lai."
    if not recognised and not (reason or "").strip():
        errors["reason"] = "Cần nêu lý do không công nhận."
    if errors:
        raise ValidationError(errors)
    if signed_pdf is not None:
        _check_file(signed_pdf, allowed={"pdf"})
    if recognised:
        from chungsuc.recognitions.selectors import conditions_status

        unmet = [c["name"] for c in conditions_status(assessment) if not c["met"]]
        if unmet:
            raise ValidationError("Chưa đủ điều kiện công nhận: " + "; ".join(unmet) + ".")
    standard = assessment.framework.standard
    authority = (authority or "").strip() or decision_authority(assessment)
    signer = signer.strip()
    with transaction.atomic():
        wf.case_transition(
            actor=actor,
            case=_case(assessment),
            transition_code="recognise" if recognised else "refuse",
            reason=reason,
            expected_version=expected_version,
        )
        decision = Decision(
            kind=Decision.Kind.RECOGNITION if recognised else Decision.Kind.REFUSAL,
            assessment=assessment,
            unit=assessment.unit,
            standard=standard,
            number=number.strip(),
            date=date,
            signer=signer,
            authority=authority,
            reason=reason,
            recorded_by=actor,
        )
        if signed_pdf is not None:
            decision.signed_pdf.save("qd.pdf", signed_pdf, save=False)
        decision.save()
        if recognised:
            RecognitionRecord.objects.update_or_create(
                unit=assessment.unit,
                standard=standard,
                year=assessment.year,
                defaults={
                    "since": date,
                    "since_precision": "day",
                    "until": None,
                    "decision": decision,
                    "decision_text": decision_text(decision),
                    "fact": assessment.title,
                    "source": "Chung Sức",
                    "verified": True,
                    "uncertainty": "",
                    "origin": RecognitionRecord.Origin.DECISION,
                },
            )
        audit_record(
            actor=actor,
            action="assessment.decision",
            target=assessment,
            unit_id=assessment.unit_id,
            changes={
                "decision": [None, str(decision)],
                "standard": [None, standard],
                "recognised": [None, recognised],
                "authority": [None, authority],
            },
            reason=reason,
        )
    return decision


def decision_text(decision: Decision) -> str:
    """ "750/QĐ-TTg ngày 01/8/2024 của Thủ tướng Chính phủ (người ký: …)" for the register."""
    text = f"{decision.number} ngày {decision.date:%d/%m/%Y}"
    if decision.authority:
        text += f" của {decision.authority}"
    if decision.signer and decision.signer != decision.authority:
        text += f" (người ký: {decision.signer})" if decision.authority else f" ({decision.signer})"
    return text


def revocation_record(
    *, actor, record: RecognitionRecord, number: str, date: dt.date, signer: str, reason: str, signed_pdf=None
) -> Decision:
    """Revoke a recognition by decision: the register entry ends the day before; a dossier that led to
    it moves to "revoked"."""
    _require(actor, record.unit_id, PROVINCE_ROLES, "thu hồi công nhận")
    if record.until is not None:
        raise ValidationError("Công nhận này đã hết hiệu lực hoặc đã bị thu hồi.")
    errors = {}
    if not (number or "").strip():
        errors["number"] = "Thiếu số quyết định thu hồi."
    if not (reason or "").strip():
        errors["reason"] = "Cần nêu lý do thu hồi."
    if not (signer or "").strip():
        errors["signer"] = "Thiếu người ký."
    if not isinstance(date, dt.date) or date < record.since:
        errors["date"] = "Ngày thu hồi phải sau ngày công nhận."
    if errors:
        raise ValidationError(errors)
    if signed_pdf is not None:
        _check_file(signed_pdf, allowed={"pdf"})
    with transaction.atomic():
        decision = Decision(
            kind=Decision.Kind.REVOCATION,
            assessment=record.decision.assessment if record.decision_id else None,
            unit=record.unit,
            standard=record.standard,
            number=number.strip(),
            date=date,
            signer=signer.strip(),
            reason=reason,
            recorded_by=actor,
        )
        if signed_pdf is not None:
            decision.signed_pdf.save("qd-thu-hoi.pdf", signed_pdf, save=False)
        decision.save()
        before = {"until": record.until}
        record.until = date - dt.timedelta(days=1)
        record.revocation = decision
        record.save(update_fields=["until", "revocation"])
        if decision.assessment is not None:
            case = wf.case_for(decision.assessment)
            if case is not None and case.state.code == "recognised":
                wf.case_transition(actor=actor, case=case, transition_code="revoke", reason=reason)
        audit_record(
            actor=actor,
            action="recognition.revoke",
            target=record,
            unit_id=record.unit_id,
            before=before,
            after={"until": record.until},
            reason=reason,
        )
    return decision


def recognition_import(
    *,
    actor,
    rows: list[dict],
    sheet: str | None = None,
    columns=None,
    first_row: int = 2,
    file_name: str = "",
) -> int:
    """Import past recognitions into the register — all or nothing; every bad row is named (by sheet,
    row and column for a workbook). Rows are checked by `register_import.check_rows` again here, so a
    dry run shown earlier cannot be committed over a register that changed meanwhile. Entries made by
    a decision on the system are never overwritten. Each written entry gets its audit row. Returns the
    number of entries added or changed."""
    plan = register_import.check_rows(
        actor=actor, rows=rows, sheet=sheet, columns=columns, first_row=first_row
    )
    if plan.errors:
        raise ValidationError(plan.errors)
    written = 0
    reason = f"Nhập sổ công nhận từ tệp {file_name}" if file_name else "Nhập sổ công nhận"
    with transaction.atomic():
        for entry in plan.entries:
            if entry.action == "same":
                continue
            record, created = RecognitionRecord.objects.update_or_create(
                unit_id=entry.unit_id, standard=entry.standard, year=entry.year, defaults=entry.defaults()
            )
            after = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in entry.defaults().items()}
            audit_record(
                actor=actor,
                action="recognition.import",
                target=record,
                unit_id=entry.unit_id,
                changes={
                    k: [None if created else entry.before.get(k, v), v]
                    for k, v in after.items()
                    if created or k in entry.before
                },
                reason=reason,
            )
            written += 1
    return written
