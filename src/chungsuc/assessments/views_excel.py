"""Excel views: download a pre-filled workbook, upload for a dry run, commit (thin)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chungsuc.accounts import permissions
from chungsuc.assessments import excel, selectors
from chungsuc.assessments.forms import ImportForm
from chungsuc.core import excel as cx
from chungsuc.core.http import flash_errors, flash_form_errors, post_service


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    from django.utils.http import content_disposition_header

    response = HttpResponse(data, content_type=cx.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
def export_one(request, pk):
    a = selectors.assessment_or_404(request.user, pk)
    data = excel.build_workbook(
        framework=a.framework, year=a.year, units=[a.unit], assessments={a.unit_id: a}
    )
    return _xlsx(data, f"tu-danh-gia-{a.unit.code}-{a.year}.xlsx")


@login_required
def export_district(request):
    """All communes of a district (a row per commune) for a year and framework."""
    try:
        year = int(request.GET.get("year", ""))
        district_pk = int(request.GET.get("district", ""))
    except ValueError:
        raise Http404
    district, fw, units, assessments, left_out = selectors.district_sheet(
        request.user, district_pk, year=year, framework_code=request.GET.get("framework", "")
    )
    data = excel.build_workbook(
        framework=fw, year=year, units=units, assessments=assessments, left_out=left_out
    )
    return _xlsx(data, f"tu-danh-gia-{district.code}-{year}.xlsx")


@login_required
def import_upload(request):
    # the page is for those whose upload would be accepted (403 with the reason for the others)
    permissions.require(request.user, "assessment.import")
    plan = None
    token = None
    form = ImportForm()
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                plan = excel.dry_run(
                    actor=request.user, upload=form.cleaned_data["file"], name=form.cleaned_data["file"].name
                )
                if not plan.errors and (plan.change_count or plan.conflict_count):
                    token = excel.plan_store(plan, request.user)
            except ValidationError as exc:
                flash_errors(request, exc)
        else:
            flash_form_errors(request, form, labels=False)
    return render(
        request,
        "assessments/import.html",
        {
            "form": form,
            "plan": plan,
            "token": token,
            "review": excel.review(plan) if plan else None,
            # the workbook of a whole district (a row per commune)
            "areas": selectors.workbook_areas(request.user),
            "area": request.GET.get("district", ""),
            "workbook_frameworks": selectors.frameworks_for_entry().filter(level="commune"),
            "workbook_year": timezone.localdate().year,
        },
    )


@login_required
@require_POST
def import_commit(request, token):
    def commit():
        plan = excel.plan_load(token, request.user)
        accept = set(request.POST.getlist("take")) | set(request.POST.getlist("take_unit"))
        n = excel.commit(actor=request.user, plan=plan, accept=accept)
        excel.plan_discard(token)
        return n

    return post_service(
        request,
        commit,
        success=lambda n: _("Đã ghi %(n)d giá trị từ tệp Excel.") % {"n": n},
        next_url="assessments:assessment-list",
        error_url="assessments:import",
    )
