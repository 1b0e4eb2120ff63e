"""Every write of the recognitions app: `<noun>_<verb>(*, actor, ...)`, one transaction each, audited.

The dossier's back half: the public consultation and residents' comments, recognition conditions,
the decision (recognition or refusal), revocation, and importing past recognitions into the register.
Permission is asked of the permission layer (`accounts.permissions.require`, actions of
`data/permissions/recognitions.yaml`); a unit out of the actor's scope answers
`Http404` (the same as a missing record). Bad input raises `ValidationError` with a Vietnamese message;
nothing is written then.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chungsuc.accounts import permissions
from chungsuc.assessments.models import Assessment
from chungsuc.core import workflow as wf
from chungsuc.core.audit import audit_record
from chungsuc.core.legal import legal_act_create, legal_act_link, parse_reference
from chungsuc.core.models import LegalAct
from chungsuc.recognitions import register_import
from chungsuc.recognitions.models import (
    ConditionCheck,
    Consultation,
    ConsultationComment,
    Decision,
    RecognitionCondition,
    RecognitionRecord,
    SatisfactionSurvey,
)

PRIME_MINISTER = "Thủ tướng Chính phủ"
PROVINCE_CHAIRMAN = "Chủ tịch UBND tỉnh"


def result_snapshot(assessment: Assessment) -> dict:
    """The dossier's evaluation as it stands now, as plain data to keep (what the consultation
    publishes): criteria met, the total, whether the standard is met, each criterion's status."""
    from chungsuc.assessments.evaluation import evaluate_one

    result = evaluate_one(assessment)
    return {
        "evaluated_at": timezone.now().isoformat(),
        "framework": result.framework,
        "framework_version": str(result.version),
        "criteria_met": result.criteria_met,
        "criteria_total": result.criteria_total,
        "standard_met": bool(result.standard_met),
        "criteria": [
            {
                "code": c.code,
                "name": c.name,
                "status": "met" if c.met else ("missing" if c.missing else "not_met"),
            }
            for c in result.criteria
        ],
    }


def _require(actor, unit_id: int, action: str) -> None:
    """404 when the unit is not visible to the actor, 403 with the action's reason when they may not
    take it (`data/permissions/recognitions.yaml`, decided as of today)."""
    permissions.require(actor, action, unit_id, not_found="Không tìm thấy hồ sơ")


def _case(assessment: Assessment):
    case = wf.case_for(assessment)
    if case is None:
        raise ValidationError("Hồ sơ chưa được đưa vào quy trình xét công nhận.")
    return case


def _check_file(upload, *, allowed) -> str:
    """Check an uploaded file by content (core.files): size, real type, no macros, not encrypted."""
    from chungsuc.core.files import inspect_upload

    return inspect_upload(upload, allowed=allowed).sha256


def _act_errors(*, number, date, signer, label: str) -> dict[str, str]:
    """The decision form's fields checked as a legal act (Nghị định 30/2020), keyed by form field."""
    errors: dict[str, str] = {}
    if not (number or "").strip():
        errors["number"] = f"Thiếu số {label} (ví dụ 2401/QĐ-UBND)."
    else:
        try:
            parse_reference(number, kind=LegalAct.Kind.DECISION)
        except ValidationError as exc:
            errors["number"] = exc.message_dict["reference"][0]
    if not (signer or "").strip():
        errors["signer"] = "Thiếu người ký."
    if not isinstance(date, dt.date):
        errors["date"] = "Ngày ký không hợp lệ."
    elif date > timezone.localdate():
        errors["date"] = f"Ngày ký {date:%d/%m/%Y} ở tương lai."
    return errors


def _issuing_body(authority: str, unit, on: dt.date) -> str:
    """The body that issues the decision: the Prime Minister, or the people's committee of the
    province the unit belonged to on the decision's date (its chairman signs)."""
    if authority == PRIME_MINISTER:
        return PRIME_MINISTER
    from chungsuc.geo.models import UnitVersion
    from chungsuc.geo.selectors import valid_on

    current = unit
    for _step in range(4):
        version = UnitVersion.objects.filter(valid_on(on), unit=current).first()
        if version is None:
            break
        if version.level == "province":
            return f"UBND {version.name}"
        if version.parent_id is None:
            break
        current = version.parent
    return "UBND tỉnh"


def _legal_act(*, actor, number, date, signer, authority, unit, summary, signed_pdf, target, role):
    return legal_act_create(
        actor=actor,
        kind=LegalAct.Kind.DECISION,
        reference=number,
        issued_on=date,
        issuing_body=_issuing_body(authority, unit, date),
        signer_name=signer.strip(),
        signer_title=authority if authority != signer.strip() else "",
        summary=summary,
        signed_file=signed_pdf,
        targets=[(target, role)],
        unit_id=unit.pk,
    )


def decision_authority(assessment: Assessment) -> str:
    """Who decides on the dossier: the Prime Minister for districts (huyện NTM, thị xã/thành phố
    completing the task) and provinces (QĐ 18/2022/QĐ-TTg), the provincial chairman for communes."""
    level = assessment.framework.level or assessment.unit.level
    return PRIME_MINISTER if level in {"district", "province"} else PROVINCE_CHAIRMAN


def consultation_open(
    *,
    actor,
    assessment: Assessment,
    days: int = 15,
    summary: str = "",
    expected_version: int | None = None,
    override: bool = False,
    override_reason: str = "",
) -> Consultation:
    """Publish the dossier for the residents' consultation ("đề nghị công nhận … đạt chuẩn"). A dossier
    whose current evaluation does not meet its standard is published only with an explicit override
    and a reason (`assessments.services.standard_override_check`: audited, shown on the dossier)."""
    from chungsuc.assessments.services import standard_override_check

    _require(actor, assessment.unit_id, "recognition.consultation.open")
    if not 1 <= int(days) <= 90:
        raise ValidationError(_("Số ngày lấy ý kiến %(days)s không hợp lệ (1–90 ngày).") % {"days": days})
    today = timezone.localdate()
    with transaction.atomic():
        standard_override_check(
            actor=actor,
            assessment=assessment,
            step="Công khai lấy ý kiến nhân dân",
            override=override,
            reason=override_reason,
        )
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
                "snapshot": result_snapshot(assessment),
                "opened_by": actor if getattr(actor, "is_authenticated", False) else None,
            },
        )
        audit_record(
            actor=actor,
            action="assessment.consultation_open",
            target=assessment,
            unit_id=assessment.unit_id,
            changes={
                "consultation": [None, f"{consultation.opens_on} → {consultation.closes_on}"],
                "published_result": [
                    None,
                    f"{consultation.snapshot['criteria_met']}/{consultation.snapshot['criteria_total']}",
                ],
            },
        )
    return consultation


def consultation_close(*, actor, assessment: Assessment, expected_version: int | None = None) -> Consultation:
    _require(actor, assessment.unit_id, "recognition.consultation.close")
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
            # web comments are public feedback, recorded for the file, never the satisfaction figure
            changes={"feedback": [None, stats]},
        )
    return consultation


# Public comments: at most COMMENT_LIMIT per client and consultation in COMMENT_WINDOW; the same text
# (folded: case, accents, spacing) is accepted once per consultation.
COMMENT_LIMIT = 3
COMMENT_WINDOW = dt.timedelta(hours=1)


def _key(*parts: str) -> str:
    import hashlib
    import hmac

    from django.conf import settings

    return hmac.new(settings.SECRET_KEY.encode(), "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def consultation_comment_add(
    *, consultation: Consultation, name: str, hamlet: str, satisfied, text: str, client: str = ""
):
    """A resident's comment on the portal (no login); only while the consultation is open. Public
    feedback, never counted into the satisfaction condition: rate-limited per client (`client` is the
    sender's address, kept only as a keyed hash) and duplicate-suppressed."""
    from chungsuc.core.text import fold

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
    client_key = _key("client", str(consultation.pk), client or "")
    folded = " ".join(fold(text).split())
    text_key = _key("text", str(consultation.pk), folded) if folded else ""
    with transaction.atomic():
        Consultation.objects.select_for_update().get(pk=consultation.pk)  # one writer at a time
        recent = ConsultationComment.objects.filter(
            consultation=consultation, client_key=client_key, created_at__gte=timezone.now() - COMMENT_WINDOW
        ).count()
        if recent >= COMMENT_LIMIT:
            raise ValidationError(
                f"Ông/bà đã gửi {recent} ý kiến trong một giờ qua; xin gửi tiếp sau ít phút. "
                "Cảm ơn ông/bà đã quan tâm.",
                code="rate_limited",
            )
        if (
            text_key
            and ConsultationComment.objects.filter(consultation=consultation, text_key=text_key).exists()
        ):
            raise ValidationError(
                "Ý kiến có cùng nội dung này đã được gửi cho đợt lấy ý kiến này.", code="duplicate"
            )
        comment = ConsultationComment.objects.create(
            consultation=consultation,
            name=(name or "")[:120],
            hamlet=(hamlet or "")[:120],
            satisfied=satisfied,
            text=text,
            client_key=client_key,
            text_key=text_key,
        )
        audit_record(
            actor=None,
            action="assessment.consultation_comment",
            target=consultation.assessment,
            unit_id=consultation.assessment.unit_id,
            changes={"comment": [None, comment.pk], "satisfied": [None, satisfied]},
        )
    return comment


def consultation_comment_hide(*, actor, comment: ConsultationComment, reason: str) -> ConsultationComment:
    """Moderation: hide a public comment from the portal, with a reason (audited). It stays on file."""
    assessment = comment.consultation.assessment
    _require(actor, assessment.unit_id, "recognition.comment.hide")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Cần nêu lý do ẩn ý kiến."})
    if comment.hidden_at is not None:
        raise ValidationError("Ý kiến này đã được ẩn.")
    with transaction.atomic():
        comment.hidden_at = timezone.now()
        comment.hidden_reason = reason[:1000]
        comment.hidden_by = actor
        comment.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
        audit_record(
            actor=actor,
            action="recognition.comment_hide",
            target=assessment,
            unit_id=assessment.unit_id,
            changes={"comment": [comment.pk, None]},
            reason=reason,
        )
    return comment


# --- the official satisfaction survey -----------------------------------------------------------


def survey_record(
    *,
    actor,
    assessment: Assessment,
    surveyed,
    satisfied,
    method: str,
    conducted_on,
    minutes=None,
) -> SatisfactionSurvey:
    """Record (or correct, before attestation) the official survey of residents' satisfaction: the
    number surveyed, the number satisfied, the method, the date and the signed minutes as evidence.
    Every bad field is named; nothing is written then."""
    _require(actor, assessment.unit_id, "recognition.survey.record")
    case = wf.case_for(assessment)
    if case is not None and case.state.is_final:
        raise ValidationError("Hồ sơ đã có quyết định; không ghi lại kết quả lấy ý kiến được nữa.")
    existing = SatisfactionSurvey.objects.filter(assessment=assessment).first()
    if existing is not None and existing.attested:
        raise ValidationError("Kết quả lấy ý kiến đã được xác nhận; không sửa được nữa.")
    errors: dict[str, str] = {}
    numbers = {}
    for key, value, label in (
        ("surveyed", surveyed, "Số người được lấy ý kiến"),
        ("satisfied", satisfied, "Số người hài lòng"),
    ):
        try:
            n = int(str(value).strip().replace(".", ""))
            if n < 0:
                raise ValueError
            numbers[key] = n
        except (TypeError, ValueError):
            errors[key] = f"{label} «{value}» phải là số nguyên không âm."
    if numbers.get("surveyed") == 0:
        errors["surveyed"] = "Số người được lấy ý kiến phải lớn hơn 0."
    if "surveyed" in numbers and "satisfied" in numbers and numbers["satisfied"] > numbers["surveyed"]:
        errors["satisfied"] = (
            f"Số người hài lòng ({numbers['satisfied']}) lớn hơn "
            f"số người được lấy ý kiến ({numbers['surveyed']})."
        )
    if not (method or "").strip():
        errors["method"] = "Cần ghi cách thức lấy ý kiến (phiếu, họp dân, …)."
    if not isinstance(conducted_on, dt.date):
        errors["conducted_on"] = "Ngày lấy ý kiến không hợp lệ (nhập dd/mm/yyyy)."
    elif conducted_on > timezone.localdate():
        errors["conducted_on"] = f"Ngày lấy ý kiến {conducted_on:%d/%m/%Y} ở tương lai."
    if minutes is None and existing is None:
        errors["minutes"] = "Cần tải lên biên bản lấy ý kiến (PDF hoặc ảnh)."
    if errors:
        raise ValidationError(errors)
    from chungsuc.core.files import DOCUMENT_KINDS, IMAGE_KINDS, store_upload

    with transaction.atomic():
        survey = existing or SatisfactionSurvey(assessment=assessment)
        before = {
            "surveyed": survey.surveyed if existing else None,
            "satisfied": survey.satisfied if existing else None,
            "method": survey.method if existing else None,
            "conducted_on": survey.conducted_on if existing else None,
            "minutes": survey.minutes_name if existing else None,
        }
        if minutes is not None:
            stored = store_upload(minutes, allowed=DOCUMENT_KINDS | IMAGE_KINDS, folder="surveys")
            survey.minutes = stored.name
            survey.minutes_name = stored.original_name
            survey.minutes_content_type = stored.content_type
            survey.minutes_size = stored.size
            survey.minutes_sha256 = stored.sha256
        survey.surveyed = numbers["surveyed"]
        survey.satisfied = numbers["satisfied"]
        survey.method = method.strip()
        survey.conducted_on = conducted_on
        survey.recorded_by = actor
        survey.save()
        audit_record(
            actor=actor,
            action="recognition.survey_record",
            target=assessment,
            unit_id=assessment.unit_id,
            before=before,
            after={
                "surveyed": survey.surveyed,
                "satisfied": survey.satisfied,
                "method": survey.method,
                "conducted_on": survey.conducted_on,
                "minutes": survey.minutes_name,
            },
        )
    return survey


def survey_attest(*, actor, survey: SatisfactionSurvey, note: str = "") -> SatisfactionSurvey:
    """A second official (district or province) attests that the figures match the minutes; only then
    does the survey count for the satisfaction condition. Whoever recorded it cannot attest it."""
    assessment = survey.assessment
    _require(actor, assessment.unit_id, "recognition.survey.attest")
    if survey.attested:
        raise ValidationError("Kết quả lấy ý kiến này đã được xác nhận.")
    if survey.recorded_by_id is not None and survey.recorded_by_id == getattr(actor, "pk", None):
        raise PermissionDenied("Người ghi kết quả lấy ý kiến không tự xác nhận được; cần một cán bộ khác.")
    with transaction.atomic():
        survey.attested_by = actor
        survey.attested_at = timezone.now()
        survey.attestation_note = (note or "").strip()
        survey.save(update_fields=["attested_by", "attested_at", "attestation_note"])
        audit_record(
            actor=actor,
            action="recognition.survey_attest",
            target=assessment,
            unit_id=assessment.unit_id,
            changes={"survey": [None, f"{survey.satisfied}/{survey.surveyed} ({survey.rate:g}%)"]},
            reason=survey.attestation_note,
        )
    return survey


def condition_check_set(
    *, actor, assessment: Assessment, condition: RecognitionCondition, met: bool, note: str = ""
):
    _require(actor, assessment.unit_id, "recognition.condition.attest")
    if condition.kind != RecognitionCondition.Kind.ATTESTATION:
        raise ValidationError(
            _("Điều kiện «%(name)s» được tính tự động, không xác nhận tay.") % {"name": condition.name}
        )
    with transaction.atomic():
        check, _created = ConditionCheck.objects.update_or_create(
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
    _require(actor, assessment.unit_id, "recognition.decide")
    errors = _act_errors(number=number, date=date, signer=signer, label="quyết định")
    if not recognised and not (reason or "").strip():
        errors["reason"] = "Cần nêu lý do không công nhận."
    if errors:
        raise ValidationError(errors)
    if signed_pdf is not None:
        _check_file(signed_pdf, allowed={"pdf"})
    if recognised:
        from chungsuc.recognitions.selectors import conditions_status

        # The criteria condition follows the live evaluation and names the failing criteria: a
        # dossier that does not meet its standard is never recognised, override or not.
        unmet = [
            f"{c['name']} ({c['detail']})" if c["kind"] == RecognitionCondition.Kind.CRITERIA else c["name"]
            for c in conditions_status(assessment)
            if not c["met"]
        ]
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
        act = _legal_act(
            actor=actor,
            number=number,
            date=date,
            signer=signer,
            authority=authority,
            unit=assessment.unit,
            summary=("Công nhận " if recognised else "Không công nhận ") + f"{assessment.title}",
            signed_pdf=signed_pdf,
            target=assessment,
            role="recognises" if recognised else "refuses",
        )
        decision = Decision.objects.create(
            kind=Decision.Kind.RECOGNITION if recognised else Decision.Kind.REFUSAL,
            assessment=assessment,
            unit=assessment.unit,
            standard=standard,
            number=act.reference,
            date=date,
            signer=signer,
            authority=authority,
            act=act,
            reason=reason,
            recorded_by=actor,
        )
        if recognised:
            record, _created = RecognitionRecord.objects.update_or_create(
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
            legal_act_link(actor=actor, act=act, target=record, role="recognises")
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
    _require(actor, record.unit_id, "recognition.revoke")
    if record.until is not None:
        raise ValidationError("Công nhận này đã hết hiệu lực hoặc đã bị thu hồi.")
    errors = _act_errors(number=number, date=date, signer=signer, label="quyết định thu hồi")
    if not (reason or "").strip():
        errors["reason"] = "Cần nêu lý do thu hồi."
    if "date" not in errors and date < record.since:
        errors["date"] = "Ngày thu hồi phải sau ngày công nhận."
    if errors:
        raise ValidationError(errors)
    if signed_pdf is not None:
        _check_file(signed_pdf, allowed={"pdf"})
    with transaction.atomic():
        act = _legal_act(
            actor=actor,
            number=number,
            date=date,
            signer=signer,
            authority=(record.decision.authority if record.decision_id else "") or PROVINCE_CHAIRMAN,
            unit=record.unit,
            summary=f"Thu hồi công nhận {record}",
            signed_pdf=signed_pdf,
            target=record,
            role="revokes",
        )
        decision = Decision.objects.create(
            kind=Decision.Kind.REVOCATION,
            assessment=record.decision.assessment if record.decision_id else None,
            unit=record.unit,
            standard=record.standard,
            number=act.reference,
            date=date,
            signer=signer.strip(),
            act=act,
            reason=reason,
            recorded_by=actor,
        )
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
    confirm_overwrite: bool = False,
) -> int:
    """Import past recognitions into the register — all or nothing; every bad row is named (by sheet,
    row and column for a workbook). Changing an entry that already has a source needs
    `confirm_overwrite` (the dry run lists each such change with its old and new values). Rows are
    checked by `register_import.check_rows` again here, so a
    dry run shown earlier cannot be committed over a register that changed meanwhile. Entries made by
    a decision on the system are never overwritten. Each written entry gets its audit row. Returns the
    number of entries added or changed."""
    plan = register_import.check_rows(
        actor=actor, rows=rows, sheet=sheet, columns=columns, first_row=first_row
    )
    if plan.errors:
        raise ValidationError(plan.errors)
    if plan.confirm_count and not confirm_overwrite:
        raise ValidationError(
            [
                f"Dòng {e.row}: {e.unit_name} — mức «{e.standard_label}» năm {e.year} đã có trong sổ "
                f"với nguồn «{e.current_source[:80]}»; cần xác nhận ghi đè để thay bằng số liệu trong tệp."
                for e in plan.entries
                if e.action == "update" and e.needs_confirmation
            ],
            code="needs_confirmation",
        )
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
                reason=f"{reason}, dòng {entry.row}" if entry.row else reason,
            )
            written += 1
    return written
