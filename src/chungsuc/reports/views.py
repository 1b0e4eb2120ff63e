"""Pages of the reports app: ask for a document, watch its progress, download it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chungsuc.accounts.permissions import can as may
from chungsuc.core.files import download_response
from chungsuc.reports import selectors, services
from chungsuc.reports.forms import (
    AnnualReportForm,
    EvaluationSheetForm,
    InspectionConclusionForm,
    RecognisedListForm,
)
from chungsuc.reports.models import DocumentKind, DocumentStatus


@login_required
def home(request):
    from chungsuc.core.tables import export_if_asked
    from chungsuc.reports import tables

    documents = selectors.documents_for(request.user)
    exported = export_if_asked(  # the page lists the newest 50; the download, every one
        request,
        lambda: tables.documents_table(selectors.documents_for(request.user, limit=None)),
        "van-ban-da-yeu-cau",
    )
    if exported:
        return exported
    return render(
        request,
        "reports/home.html",
        {
            "documents": documents,
            "export_q": "",
            "may_sheet": may(request.user, "report.evaluation_sheet.generate"),
            "may_list": may(request.user, "report.recognised_list.generate"),
            "may_annual": may(request.user, "report.annual_report.generate"),
            "may_inspection": may(request.user, "report.inspection_conclusion.generate"),
        },
    )


def _request(request, form, *, kind, params, unit, title):
    try:
        doc = services.document_request(
            actor=request.user, kind=kind, fmt=form.cleaned_data["fmt"], params=params, unit=unit, title=title
        )
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
        return None
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None
    messages.info(request, _("Đã nhận yêu cầu; văn bản đang được tạo."))
    return redirect("reports:detail", doc.pk)


@login_required
@require_http_methods(["GET", "POST"])
def new_evaluation_sheet(request):
    assessments = list(selectors.assessments_to_sheet(request.user))
    initial = {}
    if request.GET.get("assessment", "").isdecimal():
        initial["assessment"] = int(request.GET["assessment"])
    form = EvaluationSheetForm(request.POST or None, assessments=assessments, initial=initial)
    if request.method == "POST" and form.is_valid():
        assessment = next(a for a in assessments if a.pk == form.cleaned_data["assessment"])
        title = f"Biểu tổng hợp kết quả thực hiện các tiêu chí {assessment.unit.name} năm {assessment.year}"
        response = _request(
            request,
            form,
            kind=DocumentKind.EVALUATION_SHEET,
            params={"assessment": assessment.pk, "options": form.options()},
            unit=assessment.unit,
            title=title,
        )
        if response:
            return response
    return render(
        request,
        "reports/new.html",
        {"form": form, "heading": _("Biểu tổng hợp kết quả thực hiện các tiêu chí")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_recognised_list(request):
    form = RecognisedListForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        _records, labels = selectors.recognised_records(
            request.user, on=d["on"], standard=d["standard"], level=d["level"]
        )
        what = " ".join(f"{labels['level_label'].lower()} đạt chuẩn {labels['standard_label']}".split())
        title = f"Danh sách {what} đến ngày {d['on']:%d-%m-%Y}"
        response = _request(
            request,
            form,
            kind=DocumentKind.RECOGNISED_LIST,
            params={
                "on": d["on"].isoformat(),
                "standard": d["standard"],
                "level": d["level"],
                "options": form.options(),
            },
            unit=None,
            title=title,
        )
        if response:
            return response
    return render(request, "reports/new.html", {"form": form, "heading": _("Danh sách đơn vị đạt chuẩn")})


@login_required
@require_http_methods(["GET", "POST"])
def new_annual_report(request):
    from chungsuc.movements.selectors import movements_for

    movements = list(movements_for(request.user))
    initial = {"year": timezone.localdate().year - 1}
    if movements:
        initial["movement"] = movements[0].pk
    form = AnnualReportForm(request.POST or None, movements=movements, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        movement = form.movements[d["movement"]]
        final, midterm = d["scope"] == "final", d["scope"] == "midterm"
        if final:
            period = f"giai đoạn {movement.period_start}–{movement.period_end}"
        elif midterm:
            period = (
                f"giai đoạn {movement.period_start}–{min(movement.period_start + 2, movement.period_end)}"
            )
        else:
            period = f"năm {d['year']}"
        what = "tổng kết" if final else "sơ kết" if midterm else "kết quả thực hiện"
        title = f"Báo cáo {what} phong trào {period}"
        response = _request(
            request,
            form,
            kind=DocumentKind.ANNUAL_REPORT,
            params={
                "movement": movement.pk,
                "final": final,
                "midterm": midterm,
                "year": d.get("year"),
                "options": form.options(),
            },
            unit=movement.province,
            title=title,
        )
        if response:
            return response
    return render(
        request,
        "reports/new.html",
        {"form": form, "heading": _("Báo cáo kết quả thực hiện phong trào thi đua")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_inspection_conclusion(request):
    from chungsuc.movements.selectors import inspections_for

    inspections = list(inspections_for(request.user))
    initial = {}
    if request.GET.get("inspection", "").isdecimal():
        initial["inspection"] = int(request.GET["inspection"])
    form = InspectionConclusionForm(request.POST or None, inspections=inspections, initial=initial)
    if request.method == "POST" and form.is_valid():
        inspection = form.inspections[form.cleaned_data["inspection"]]
        response = _request(
            request,
            form,
            kind=DocumentKind.INSPECTION_CONCLUSION,
            params={"inspection": inspection.pk, "options": form.options()},
            unit=inspection.unit,
            title=f"Kết luận kiểm tra {inspection.unit.name} năm {inspection.year}",
        )
        if response:
            return response
    return render(request, "reports/new.html", {"form": form, "heading": _("Kết luận kiểm tra")})


@login_required
def detail(request, pk):
    doc = selectors.document_or_404(request.user, pk)
    template = "reports/_status.html" if request.headers.get("HX-Request") else "reports/detail.html"
    return render(request, template, {"doc": doc, "Status": DocumentStatus})


@login_required
def download(request, pk):
    doc = selectors.document_or_404(request.user, pk)
    if doc.status != DocumentStatus.DONE or not doc.file:
        raise Http404("Văn bản chưa sẵn sàng")
    return download_response(doc.file.name, original_name=doc.original_name, kind=doc.fmt)
