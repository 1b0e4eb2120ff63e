"""Views of the recognitions app (thin: parse, call a service or selector, render): the dossier's
consultation, conditions and decision forms (their part of the dossier page comes through
`dossier_context`), the register, revocation, the register import, a unit's standards, the
regression watch. The public pages are in `portal`."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chungsuc.accounts import permissions
from chungsuc.assessments import selectors as assessment_selectors
from chungsuc.assessments.models import Standard
from chungsuc.assessments.views_excel import _xlsx
from chungsuc.core.concurrency import require_version
from chungsuc.core.http import flash_form_errors, post_service, service_errors
from chungsuc.core.tables import export_if_asked, export_query, export_table
from chungsuc.recognitions import register_import as reg
from chungsuc.recognitions import selectors, services, tables
from chungsuc.recognitions.forms import (
    CommentHideForm,
    ConditionForm,
    ConsultationOpenForm,
    DecisionForm,
    ImportForm,
    RevocationForm,
    SurveyAttestForm,
    SurveyForm,
)
from chungsuc.recognitions.models import (
    ConsultationComment,
    Decision,
    RecognitionCondition,
    RecognitionRecord,
)


def dossier_context(request, assessment, case) -> dict:
    """This app's part of the dossier page (settings.CHUNGSUC_DOSSIER_CONTEXT)."""
    consultation = _consultation_of(assessment)
    authority = services.decision_authority(assessment)
    conditions = selectors.conditions_status(assessment)
    return {
        "conditions": conditions,
        # a form per condition still to attest, named by its condition; gone once attested
        "attestations": [
            c for c in conditions if c["kind"] == RecognitionCondition.Kind.ATTESTATION and not c["attested"]
        ],
        "consultation": consultation,
        "satisfaction": selectors.satisfaction(consultation) if consultation else None,
        "decisions": assessment.decisions.all(),
        "decision_form": DecisionForm(
            initial={"date": timezone.localdate(), "signer": authority, "authority": authority}
        ),
        "authority": authority,
        "consultation_form": ConsultationOpenForm(),
        "standards": selectors.unit_standards(assessment.unit),
        "survey": selectors.official_survey(assessment),
        "survey_form": SurveyForm(),
        "all_comments": consultation.comments.all() if consultation else [],
        "can_moderate": permissions.can(request.user, "recognition.comment.hide", assessment),
        "can_record_survey": permissions.can(request.user, "recognition.survey.record", assessment),
        "can_attest_survey": permissions.can(request.user, "recognition.survey.attest", assessment),
    }


def _consultation_of(assessment):
    return getattr(assessment, "consultation", None) if hasattr(assessment, "consultation") else None


@login_required
@require_POST
def consultation_open(request, pk):
    assessment = assessment_selectors.assessment_or_404(request.user, pk)
    expected_version = require_version(request.POST.get("case_version"), field="case_version")
    form = ConsultationOpenForm(request.POST)
    if form.is_valid():
        with service_errors(request):
            services.consultation_open(
                actor=request.user,
                assessment=assessment,
                days=form.cleaned_data["days"],
                summary=form.cleaned_data["summary"],
                expected_version=expected_version,
                override=form.cleaned_data["override"],
                override_reason=form.cleaned_data["override_reason"],
            )
            messages.success(request, _("Đã công khai lấy ý kiến nhân dân trên cổng thông tin."))
    else:
        messages.error(request, _("Số ngày công khai không hợp lệ (1–90)."))
    return redirect(assessment.get_absolute_url())


@login_required
@require_POST
def consultation_close(request, pk):
    assessment = assessment_selectors.assessment_or_404(request.user, pk)
    expected_version = require_version(request.POST.get("case_version"), field="case_version")
    with service_errors(request):
        services.consultation_close(
            actor=request.user, assessment=assessment, expected_version=expected_version
        )
        messages.success(request, _("Đã kết thúc lấy ý kiến."))
    return redirect(assessment.get_absolute_url())


@login_required
@require_POST
def condition_set(request, pk):
    assessment = assessment_selectors.assessment_or_404(request.user, pk)
    form = ConditionForm(request.POST)
    if form.is_valid():
        condition = get_object_or_404(RecognitionCondition, pk=form.cleaned_data["condition"])
        with service_errors(request):
            services.condition_check_set(
                actor=request.user,
                assessment=assessment,
                condition=condition,
                met=form.cleaned_data["met"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Đã ghi nhận điều kiện «%(c)s».") % {"c": condition.name})
    return redirect(assessment.get_absolute_url())


@login_required
@require_POST
def decision_record(request, pk):
    assessment = assessment_selectors.assessment_or_404(request.user, pk)
    expected_version = require_version(request.POST.get("case_version"), field="case_version")
    form = DecisionForm(request.POST, request.FILES)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(assessment.get_absolute_url())
    d = form.cleaned_data
    with service_errors(request):
        services.decision_record(
            actor=request.user,
            assessment=assessment,
            recognised=d["recognised"],
            number=d["number"],
            date=d["date"],
            signer=d["signer"],
            signed_pdf=d.get("signed_pdf"),
            reason=d["reason"],
            expected_version=expected_version,
            authority=d.get("authority") or "",
        )
        messages.success(request, _("Đã ghi nhận quyết định."))
    return redirect(assessment.get_absolute_url())


@login_required
def decision_pdf(request, pk):
    """The signed decision, downloaded under a name that keeps its number ("QĐ 2401-QĐ-UBND ngày …")."""
    decision = permissions.get_or_404(
        Decision.objects.select_related("act"), request.user, "recognition.view", pk
    )
    if decision.act is not None and decision.act.file:
        from chungsuc.core.legal import signed_file_response

        return signed_file_response(decision.act)
    if not decision.signed_pdf:
        raise Http404
    from chungsuc.core.files import download_response

    name = decision.number.replace("/", "-")  # a "/" would cut the number off the file name
    return download_response(decision.signed_pdf.name, original_name=f"{name}.pdf", kind="pdf")


def date_param(request) -> dt.date:
    """The `on` date of a page: dd/mm/yyyy as shown in the interface, or ISO; today otherwise (with a
    message when the text given is not a date)."""
    from chungsuc.recognitions.register_import import _date_of

    text = request.GET.get("on", "").strip()
    if text:
        try:
            return _date_of(text)
        except ValueError:
            messages.warning(
                request, _("Ngày «%(d)s» không hợp lệ (nhập dd/mm/yyyy); đang xem đến hôm nay.") % {"d": text}
            )
    return timezone.localdate()


@login_required
def register(request):
    on = date_param(request)
    records = selectors.register_as_of(
        on, standard=request.GET.get("standard", ""), q=request.GET.get("q", "")
    )

    def every_row():
        rows = list(records.select_related("unit", "decision"))
        return tables.register_table(rows, on, selectors.districts_at_recognition(rows))

    exported = export_if_asked(request, every_row, f"so-cong-nhan-{on:%d-%m-%Y}")
    if exported:
        return exported
    page = Paginator(records.select_related("decision__assessment", "revocation"), 50).get_page(
        request.GET.get("page")
    )
    districts = selectors.districts_at_recognition(page.object_list)
    for r in page.object_list:
        r.district_name = districts.get(r.pk, "")
    return render(
        request,
        "recognitions/register.html",
        {
            "page": page,
            "records": page.object_list,
            "on": on,
            "standards": Standard.choices,
            "standard": request.GET.get("standard", ""),
            "q": request.GET.get("q", ""),
            "revocation_form": RevocationForm(),
            "can_revoke": permissions.can(request.user, "recognition.revoke"),
            "export_q": export_query(request),
        },
    )


@login_required
def unit_standards(request, unit_pk):
    from chungsuc.accounts.selectors import unit_or_404

    unit = unit_or_404(request.user, unit_pk)
    on = date_param(request)
    standards = selectors.unit_standards(unit, on)
    history = selectors.unit_recognition_history(unit)
    exported = export_table(
        request,
        {
            "standards": lambda: tables.unit_standards_table(unit, on, standards),
            "history": lambda: tables.unit_history_table(unit, history),
        },
        f"chuan-ntm-{unit.code}-{on:%d-%m-%Y}",
    )
    if exported:
        return exported
    return render(
        request,
        "recognitions/unit_standards.html",
        {
            "unit": unit,
            "on": on,
            **standards,
            "history": history,
            "dossiers": assessment_selectors.assessments_for(request.user).filter(unit=unit)[:20],
            "today": timezone.localdate(),
            "export_q": {key: export_query(request, table=key) for key in ("standards", "history")},
        },
    )


@login_required
@require_POST
def revoke(request, pk):
    record = permissions.get_or_404(RecognitionRecord.objects.all(), request.user, "recognition.view", pk)
    form = RevocationForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        with service_errors(request):
            services.revocation_record(
                actor=request.user,
                record=record,
                number=d["number"],
                date=d["date"],
                signer=d["signer"],
                reason=d["reason"],
                signed_pdf=d.get("signed_pdf"),
            )
            messages.success(request, _("Đã ghi nhận quyết định thu hồi."))
    else:
        flash_form_errors(request, form)
    return redirect("recognitions:register")


@login_required
def watch(request):
    on = timezone.localdate()
    rows = selectors.regression_watch(request.user, on)
    exported = export_if_asked(
        request, lambda: tables.watch_table(rows, on), f"theo-doi-tut-chuan-{on:%d-%m-%Y}"
    )
    if exported:
        return exported
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request, "recognitions/watch.html", {"page": page, "rows": page.object_list, "export_q": ""}
    )


# --- the register: importing past years ---------------------------------------------


@login_required
def register_template(request):
    reg.require_importer(request.user)
    return _xlsx(reg.build_template(), "mau-nhap-so-cong-nhan.xlsx")


@login_required
def register_import(request):
    """Upload the filled template → a dry run listing every problem and every entry it would add."""
    reg.require_importer(request.user)
    plan = token = None
    file_name = ""
    form = ImportForm()
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            file_name = upload.name
            # FileRejected and ExcelError are ValidationErrors
            with service_errors(request, catch=(ValidationError,)):
                rows, columns = reg.read_workbook(upload, name=upload.name)
                if not rows:
                    empty = _("Trang tính %(s)s không có dòng dữ liệu nào (từ dòng 2).")
                    messages.error(request, empty % {"s": reg.SHEET})
                else:
                    plan = reg.check_rows(actor=request.user, rows=rows, sheet=reg.SHEET, columns=columns)
                    if not plan.errors and plan.change_count:
                        token = reg.pending_store(request.user, rows, columns, upload.name)
        else:
            flash_form_errors(request, form, labels=False)
    return render(
        request,
        "recognitions/register_import.html",
        {
            "form": form,
            "plan": plan,
            "token": token,
            "file_name": file_name,
            "entries": [e for e in plan.entries if e.action != "same"] if plan else [],
            "columns": reg.COLUMNS,
        },
    )


@login_required
@require_POST
def register_import_commit(request, token):
    reg.require_importer(request.user)

    def commit():
        pending = reg.pending_load(token, request.user)
        n = services.recognition_import(
            actor=request.user,
            rows=pending["rows"],
            sheet=reg.SHEET,
            columns=pending["columns"],
            file_name=pending["name"],
            confirm_overwrite=request.POST.get("confirm_overwrite") == "1",
        )
        reg.pending_discard(token)
        return n

    return post_service(
        request,
        commit,
        success=lambda n: _("Đã ghi %(n)d mục vào sổ công nhận.") % {"n": n},
        next_url="recognitions:register",
        error_url="recognitions:register-import",
    )


# --- the official survey and moderation of web comments -------------------------------------------


@login_required
@require_POST
def survey_record(request, pk):
    assessment = assessment_selectors.assessment_or_404(request.user, pk)
    form = SurveyForm(request.POST, request.FILES)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(assessment.get_absolute_url())
    d = form.cleaned_data
    with service_errors(request):
        services.survey_record(
            actor=request.user,
            assessment=assessment,
            surveyed=d["surveyed"],
            satisfied=d["satisfied"],
            method=d["method"],
            conducted_on=d["conducted_on"],
            minutes=d.get("minutes"),
        )
        messages.success(request, _("Đã ghi kết quả lấy ý kiến sự hài lòng; cần một cán bộ khác xác nhận."))
    return redirect(assessment.get_absolute_url())


@login_required
@require_POST
def survey_attest(request, pk):
    assessment = assessment_selectors.assessment_or_404(request.user, pk)
    survey = selectors.official_survey(assessment)
    if survey is None:
        raise Http404
    form = SurveyAttestForm(request.POST)
    form.is_valid()
    with service_errors(request):
        services.survey_attest(actor=request.user, survey=survey, note=form.cleaned_data.get("note", ""))
        messages.success(request, _("Đã xác nhận kết quả lấy ý kiến."))
    return redirect(assessment.get_absolute_url())


@login_required
def survey_minutes(request, pk):
    from chungsuc.core.files import download_response

    assessment = assessment_selectors.assessment_or_404(request.user, pk)
    survey = selectors.official_survey(assessment)
    if survey is None or not survey.minutes:
        raise Http404
    return download_response(
        survey.minutes.name, original_name=survey.minutes_name, content_type=survey.minutes_content_type
    )


@login_required
@require_POST
def comment_hide(request, pk):
    comment = permissions.get_or_404(
        ConsultationComment.objects.select_related("consultation__assessment"),
        request.user,
        "recognition.view",
        pk,
    )
    assessment = assessment_selectors.assessment_or_404(request.user, comment.consultation.assessment_id)
    form = CommentHideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cần nêu lý do ẩn ý kiến."))
        return redirect(assessment.get_absolute_url())
    with service_errors(request):
        services.consultation_comment_hide(
            actor=request.user, comment=comment, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Đã ẩn ý kiến khỏi cổng thông tin."))
    return redirect(assessment.get_absolute_url())
