"""Views (thin: parse, call a service or selector, render)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from chungsuc.accounts import permissions
from chungsuc.assessments import derived, frameworks, selectors, services, tables
from chungsuc.assessments.evaluation import evaluate_one
from chungsuc.assessments.forms import (
    AssessmentCreateForm,
    EvidenceForm,
    TransitionForm,
)
from chungsuc.assessments.values import format_value
from chungsuc.core import workflow as wf
from chungsuc.core.concurrency import ConflictError, require_version
from chungsuc.core.http import flash_errors, flash_form_errors, post_service, service_errors
from chungsuc.core.tables import export_if_asked, export_query

MISSING_VERSION = gettext_lazy(
    "Chưa lưu: thiếu phiên bản hồ sơ mà bạn đã mở, nên không kiểm tra được có ai sửa cùng lúc hay không. "
    "Hãy tải lại trang rồi nhập lại."
)


@login_required
def assessment_list(request):
    year = request.GET.get("year")
    year = int(year) if year and year.isdecimal() else None
    qs = selectors.assessments_for(
        request.user, year=year, q=request.GET.get("q", ""), state=request.GET.get("state", "")
    )
    units = selectors.entry_units(request.user).order_by("level", "code")
    form = AssessmentCreateForm(
        units=units,
        frameworks=selectors.frameworks_for_entry(units),
        initial={"year": timezone.localdate().year - 1},
    )
    exported = export_if_asked(request, lambda: tables.dossiers_table(qs), "ho-so-tu-danh-gia")
    if exported:
        return exported
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/list.html",
        {
            "export_q": export_query(request),
            "page": page,
            "assessments": page.object_list,
            "count": page.paginator.count,
            "form": form,
            "year": year,
            "q": request.GET.get("q", ""),
        },
    )


@login_required
@require_POST
def assessment_create(request):
    units = selectors.entry_units(request.user)
    form = AssessmentCreateForm(request.POST, units=units, frameworks=selectors.frameworks_for_entry())
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("assessments:assessment-list")
    return post_service(
        request,
        lambda: services.assessment_create(
            actor=request.user,
            unit=form.cleaned_data["unit"],
            year=form.cleaned_data["year"],
            framework=form.cleaned_data["framework"],
        ),
        success=_("Đã lập hồ sơ tự đánh giá."),
        next_url=lambda a: a.get_absolute_url(),
        error_url=reverse("assessments:assessment-list"),
    )


def criterion_state(result) -> str:
    """What a criterion's badge says: met; not met (some value fails); missing values; or, every value
    entered, missing thresholds — "thiếu ngưỡng" is the programme office's gap, not the commune's."""
    if result is None:
        return "missing_value"
    if result.met:
        return "met"
    indicators = result.indicators
    if any(i.status == "not_met" for i in indicators):
        return "not_met"
    if any(i.status == "missing" and i.reason != "threshold" for i in indicators):
        return "missing_value"
    if any(i.status == "missing" for i in indicators):
        return "missing_threshold"
    return "not_met"


def _detail_context(request, assessment, evaluation=None, errors=None, posted=None):
    if evaluation is None:
        evaluation = evaluate_one(assessment)
    by_code = {c.code: c for c in evaluation.criteria}
    sheet = selectors.assessment_sheet(assessment)
    flags = selectors.quality_flags(assessment)
    for crit in sheet["criteria"]:
        crit["result"] = by_code.get(crit["code"])
        crit["state"] = criterion_state(crit["result"])
        statuses = {i.code: i for i in crit["result"].indicators} if crit["result"] else {}
        for item in crit["items"]:
            item["result"] = statuses.get(item["key"])
            if item["derived"] and item["result"] is not None:  # the share as computed and compared
                item["result_shown"] = format_value(
                    item["result"].value, item["value_type"], item["result"].decimals
                )
            item["flags"] = flags.get(item["key"], [])
            item["posted"] = posted.get(item["key"]) if posted else None
            item["error"] = (errors or {}).get(item["key"])
    case = wf.case_for(assessment)
    transitions = wf.available_transitions(request.user, case) if case else []
    locked = bool(case and case.state.locks_data)
    failing = [(c.code, c.name) for c in evaluation.criteria if not c.met]
    guarded = {t.code for t in transitions if t.target.code in services.STANDARD_CLAIMS}
    context = {
        "assessment": assessment,
        "evaluation": evaluation,
        "sheet": sheet,
        "case": case,
        "history": wf.case_history(case) if case else [],
        "transitions": [t for t in transitions if t.code not in services.SPECIAL_TRANSITIONS],
        "special": {t.code: t for t in transitions if t.code in services.SPECIAL_TRANSITIONS},
        "locked": locked,
        "can_edit": not locked and permissions.can(request.user, "assessment.values.edit", assessment),
        "unverified_count": selectors.unverified_in_use(assessment),
        "errors": errors or {},
        "children": selectors.children_rows(request.user, assessment, evaluation),
        "evidence_form": EvidenceForm(),
        "newer_framework": services.newer_framework(assessment),
        "standard_failing": [] if evaluation.standard_met else failing,
        "guarded": guarded,
        "missing_count": services.missing_values(assessment),
        "overrides": selectors.overrides_of(assessment),
        "can_move": permissions.can(request.user, "assessment.framework.move", assessment),
        "can_move_all": permissions.can(request.user, "assessment.framework.move_all"),
    }
    for hook in settings.CHUNGSUC_DOSSIER_CONTEXT:
        # The apps above assessments (recognitions: conditions, consultation, decisions, the unit's
        # standards) add their part of the dossier page through a settings hook.
        context.update(import_string(hook)(request, assessment, case))
    return context


@login_required
def assessment_detail(request, pk):
    assessment = selectors.assessment_or_404(request.user, pk)
    evaluation = None
    stale = False
    if derived.derived_refs(frameworks.engine_framework(assessment.framework)):
        # A district's derived indicators follow its communes: the page shows the live evaluation; a
        # page view never writes, so storing the new result is a separate POST (refresh) by an editor.
        evaluation = evaluate_one(assessment)
        stale = services.children_result_changed(assessment, evaluation, selectors.latest_result(assessment))
    ctx = _detail_context(request, assessment, evaluation)
    ctx["result_stale"] = stale
    return render(request, "assessments/detail.html", ctx)


@login_required
@require_POST
def assessment_refresh(request, pk):
    """Store the live evaluation of a dossier whose child units' results changed (audited)."""
    assessment = selectors.assessment_or_404(request.user, pk)
    with service_errors(request):
        _evaluation, stored = services.assessment_children_refresh(actor=request.user, assessment=assessment)
        if stored is not None:
            messages.success(request, _("Đã lưu kết quả đánh giá mới theo các đơn vị cấp dưới."))
    return redirect(assessment.get_absolute_url())


@login_required
@require_POST
def assessment_values(request, pk):
    """Save the sheet. Through HTMX the answer is the sheet itself, at once, whatever happened: the
    values saved (200), a refused entry marked on its cell (422), someone else's save first (409, the
    values typed kept on the cells), or a refusal (403) — each with its message above the sheet."""
    assessment = selectors.assessment_or_404(request.user, pk)
    values, comments = {}, {}
    for name, value in request.POST.items():
        if name.startswith("v:"):
            values[name[2:]] = value
        elif name.startswith("c:"):
            comments[name[2:]] = value
    errors = None
    evaluation = None
    status = 200
    posted = None
    try:
        if not request.POST.get("version"):
            # Without the version the page was loaded with, a save could overwrite someone else's.
            raise ValidationError(MISSING_VERSION)
        evaluation = services.assessment_values_save(
            actor=request.user,
            assessment=assessment,
            values=values,
            comments=comments,
            expected_version=request.POST.get("version"),
        )
        messages.success(request, _("Đã lưu số liệu (phiên bản %(v)s).") % {"v": assessment.version})
    except ConflictError as exc:
        flash_errors(request, exc)
        messages.warning(
            request,
            _("Các giá trị bạn vừa nhập vẫn ở trên các ô; hãy xem lại rồi bấm lưu lần nữa."),
        )
        status, posted = 409, values
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Bạn không có quyền nhập số liệu cho hồ sơ này."))
        status = 403
    except ValidationError as exc:
        if hasattr(exc, "message_dict"):
            errors = {k: " ".join(v) for k, v in exc.message_dict.items()}
            messages.error(
                request, _("Chưa lưu: %(n)d giá trị không hợp lệ (xem từng ô).") % {"n": len(errors)}
            )
        else:
            flash_errors(request, exc)
        status, posted = 422, values
    assessment.refresh_from_db()
    if request.headers.get("HX-Request"):
        ctx = _detail_context(request, assessment, evaluation, errors, posted=posted)
        ctx["inline_messages"] = True
        return render(request, "assessments/_sheet.html", ctx, status=status)
    if status != 200:
        ctx = _detail_context(request, assessment, evaluation, errors, posted=posted)
        return render(request, "assessments/detail.html", ctx, status=status)
    return redirect(assessment.get_absolute_url())


@login_required
@require_POST
def framework_move(request, pk):
    """Move this undecided dossier (or, for the province, every undecided one) to the version in
    force of its framework, with a reason."""
    assessment = selectors.assessment_or_404(request.user, pk)
    reason = request.POST.get("reason", "")
    with service_errors(request):
        if request.POST.get("scope") == "all":
            n = services.assessments_framework_move_all(
                actor=request.user, framework_code=assessment.framework.code, reason=reason
            )
            messages.success(
                request, _("Đã chuyển %(n)d hồ sơ sang phiên bản mới của bộ tiêu chí.") % {"n": n}
            )
        else:
            services.assessment_framework_move(actor=request.user, assessment=assessment, reason=reason)
            messages.success(
                request,
                _("Hồ sơ nay theo phiên bản %(v)s của bộ tiêu chí và đã được đánh giá lại.")
                % {"v": assessment.framework.version},
            )
    return redirect(assessment.get_absolute_url())


@login_required
def value_history(request, pk, key):
    assessment = selectors.assessment_or_404(request.user, pk)
    return render(
        request, "assessments/_history.html", {"rows": selectors.value_history(assessment, key), "key": key}
    )


@login_required
@require_POST
def evidence_add(request, pk):
    assessment = selectors.assessment_or_404(request.user, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Chưa chọn tệp minh chứng."))
    else:
        with service_errors(request):
            services.evidence_add(
                actor=request.user,
                assessment=assessment,
                upload=form.cleaned_data["file"],
                indicator_code=form.cleaned_data["indicator_code"],
                description=form.cleaned_data["description"],
            )
            messages.success(request, _("Đã tải lên minh chứng."))
    return redirect(assessment.get_absolute_url())


@login_required
def evidence_download(request, pk):
    from chungsuc.core.files import download_response

    ev = selectors.evidence_or_404(request.user, pk)
    return download_response(
        ev.file.name, original_name=ev.original_name, content_type=ev.content_type or None
    )


@login_required
@require_POST
def evidence_remove(request, pk):
    ev = selectors.evidence_or_404(request.user, pk)
    return post_service(
        request,
        lambda: services.evidence_remove(actor=request.user, evidence=ev),
        success=_("Đã xóa minh chứng."),
        next_url=ev.assessment.get_absolute_url(),
    )


@login_required
@require_POST
def assessment_transition(request, pk):
    assessment = selectors.assessment_or_404(request.user, pk)
    expected_version = require_version(request.POST.get("case_version"), field="case_version")
    form = TransitionForm(request.POST)
    if form.is_valid():
        with service_errors(request):
            case = services.assessment_transition(
                actor=request.user,
                assessment=assessment,
                transition_code=form.cleaned_data["transition"],
                reason=form.cleaned_data["reason"],
                expected_version=expected_version,
                override=form.cleaned_data["override"],
                override_reason=form.cleaned_data["override_reason"],
                confirm_missing=form.cleaned_data["confirm_missing"],
            )
            messages.success(request, _("Hồ sơ nay ở trạng thái «%(s)s».") % {"s": case.state.name})
    return redirect(assessment.get_absolute_url())
