"""Views (thin: parse, call a service or selector, render). Every logged-in official browses; only the
programme office (and superusers) edit — others get 403 on edit pages."""

from __future__ import annotations

import io
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from chungsuc.core.concurrency import require_version
from chungsuc.core.http import flash_errors
from chungsuc.core.tables import export_if_asked, export_query
from chungsuc.criteria import engine, selectors, services, tables
from chungsuc.criteria.excel import export_workbook
from chungsuc.criteria.forms import ImportForm, ThresholdEditForm, ThresholdVerifyForm
from chungsuc.criteria.specs import spec_diff
from chungsuc.geo.models import Region, UnitKind


def _require_edit(user) -> None:
    if not services.can_edit(user):
        raise PermissionDenied(_("Chỉ Văn phòng Điều phối NTM được thay đổi bộ tiêu chí."))


def _version(request) -> int | None:
    raw = request.GET.get("version", "")
    return int(raw) if raw.isdecimal() else None


@login_required
def framework_list(request):
    frameworks = selectors.frameworks_current()
    gaps = selectors.threshold_gaps()
    exported = export_if_asked(request, lambda: tables.frameworks_table(frameworks, gaps), "bo-tieu-chi")
    if exported:
        return exported
    return render(
        request,
        "criteria/framework_list.html",
        {"frameworks": frameworks, "gaps": gaps, "can_edit": services.can_edit(request.user), "export_q": ""},
    )


@login_required
def framework_detail(request, code: str):
    fw = selectors.framework_get(code, _version(request))
    spec = selectors.spec_with_rule_ids(fw)
    for c in spec["criteria"]:
        # "đã kiểm chứng" on a criterion only when its name and every threshold under it are
        c["thresholds_verified"] = bool(c.get("verified")) and all(
            r.get("verified") and (r.get("value") is not None or r.get("ref"))
            for i in c["indicators"]
            for r in i["rules"]
        )
    uses, used_by = selectors.indicator_uses(fw)
    return render(
        request,
        "criteria/framework_detail.html",
        {
            "fw": fw,
            "spec": spec,
            "versions": selectors.framework_versions(code),
            "can_edit": services.can_edit(request.user) and fw.status == "in_force",
            "regions": dict(Region.choices),
            "uses": uses,
            "used_by": used_by,
            "gaps": selectors.gaps_of_spec(spec),
        },
    )


@login_required
def framework_worklist(request, code: str):
    """The thresholds of the version in force that are missing or unverified, each with its edit link;
    the framework's workbook fills many at once (export, fill, import with one reason)."""
    fw = selectors.framework_get(code)
    work = selectors.threshold_worklist(fw)
    exported = export_if_asked(
        request, lambda: tables.worklist_table(fw, work), f"nguong-can-bo-sung-{fw.code}-v{fw.version}"
    )
    if exported:
        return exported
    return render(
        request,
        "criteria/framework_worklist.html",
        {
            "fw": fw,
            "work": work,
            "can_edit": services.can_edit(request.user) and fw.status == "in_force",
            "export_q": export_query(request),
        },
    )


@login_required
def rule_edit(request, pk: int):
    _require_edit(request.user)
    rule = selectors.rule_get(pk)
    initial = {
        "comparator": rule.comparator,
        "value": "" if rule.value is None else f"{rule.value:g}",
        "decimals": "" if rule.indicator.decimals is None else str(rule.indicator.decimals),
    }
    form = ThresholdEditForm(request.POST or None, initial=initial, value_type=rule.indicator.value_type)
    # the rule's version the form showed: without it nothing is written (400 naming the field)
    expected_version = require_version(request.POST.get("version")) if request.method == "POST" else None
    if request.method == "POST" and form.is_valid():
        extra = {}
        if "decimals" in form.fields and "decimals" in request.POST:  # absent: the precision is kept
            extra["decimals"] = form.cleaned_data["decimals"]
        try:
            new_rule = services.threshold_update(
                actor=request.user,
                rule=rule,
                value=form.cleaned_data["value"],
                reason=form.cleaned_data["reason"],
                comparator=form.cleaned_data["comparator"],
                expected_version=expected_version,
                **extra,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(
                request,
                _("Đã lưu ngưỡng chỉ tiêu %(indicator)s: phiên bản mới v%(version)s của %(code)s.")
                % {
                    "indicator": rule.indicator.code,
                    "version": new_rule.framework.version,
                    "code": new_rule.framework.code,
                },
            )
            return redirect(f"/criteria/{new_rule.framework.code}/#ind-{rule.indicator.code}")
    return render(request, "criteria/rule_form.html", {"rule": rule, "form": form, "mode": "edit"})


@login_required
def rule_verify(request, pk: int):
    _require_edit(request.user)
    rule = selectors.rule_get(pk)
    form = ThresholdVerifyForm(
        request.POST or None, initial={"source": rule.source, "source_url": rule.source_url}
    )
    expected_version = require_version(request.POST.get("version")) if request.method == "POST" else None
    if request.method == "POST" and form.is_valid():
        try:
            services.threshold_verify(
                actor=request.user,
                rule=rule,
                source=form.cleaned_data["source"],
                source_url=form.cleaned_data["source_url"],
                expected_version=expected_version,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(
                request,
                _("Đã đánh dấu ngưỡng chỉ tiêu %(indicator)s là đã kiểm chứng.")
                % {"indicator": rule.indicator.code},
            )
            return redirect(f"/criteria/{rule.framework.code}/#ind-{rule.indicator.code}")
    return render(request, "criteria/rule_form.html", {"rule": rule, "form": form, "mode": "verify"})


@login_required
def framework_compare(request, code: str):
    versions = list(selectors.framework_versions(code))
    if not versions:
        raise Http404(_("Không có bộ tiêu chí này"))
    a_raw, b_raw = request.GET.get("a", ""), request.GET.get("b", "")
    b = selectors.framework_get(code, int(b_raw)) if b_raw.isdecimal() else versions[0]
    a = (
        selectors.framework_get(code, int(a_raw))
        if a_raw.isdecimal()
        else (versions[1] if len(versions) > 1 else b)
    )
    changes = spec_diff(selectors.spec_of(a), selectors.spec_of(b))
    exported = export_if_asked(
        request,
        lambda: tables.compare_table(code, a, b, changes),
        f"so-sanh-{code}-v{a.version}-v{b.version}",
    )
    if exported:
        return exported
    return render(
        request,
        "criteria/framework_compare.html",
        {
            "code": code,
            "a": a,
            "b": b,
            "versions": versions,
            "changes": changes,
            "export_q": export_query(request),
        },
    )


@login_required
def framework_export(request, code: str):
    fw = selectors.framework_get(code, _version(request))
    data = export_workbook(selectors.spec_of(fw), version=fw.version)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{fw.code}-v{fw.version}.xlsx"'
    return response


STAGING_KIND = "criteria.framework"


@login_required
def framework_import(request):
    """Step 1: upload → dry run report (nothing written). Step 2: confirm the staged file → write."""
    _require_edit(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    token = ""
    if request.method == "POST" and request.POST.get("confirm"):
        from chungsuc.core.staging import stage_discard, stage_get

        token = request.POST.get("token", "")
        try:
            staged = stage_get(token, user=request.user, kind=STAGING_KIND)
        except (ValidationError, PermissionDenied) as exc:
            flash_errors(request, exc)
            return redirect("criteria:framework-import")
        report = services.framework_import_excel(
            actor=request.user,
            file=io.BytesIO(staged.data or b""),
            dry_run=False,
            reason=request.POST.get("reason", ""),
        )
        if report.ok:
            stage_discard(token)
            if report.framework is None:
                messages.info(request, _("Không có thay đổi nào; không tạo phiên bản mới."))
                return redirect("criteria:framework-detail", code=report.code)
            messages.success(
                request,
                _("Đã nhập %(code)s thành phiên bản v%(version)s.")
                % {"code": report.code, "version": report.framework.version},
            )
            return redirect("criteria:framework-detail", code=report.code)
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.FILE_UPLOAD_MAX_BYTES:
            form.add_error(
                "file", _("Tệp quá lớn (tối đa %(limit)s byte).") % {"limit": settings.FILE_UPLOAD_MAX_BYTES}
            )
        else:
            content = upload.read()
            report = services.framework_import_excel(
                actor=request.user, file=io.BytesIO(content), dry_run=True, name=upload.name
            )
            if report.ok:
                from chungsuc.core.staging import stage_put

                token = stage_put(
                    user=request.user, kind=STAGING_KIND, payload={"name": upload.name}, data=content
                )
    return render(
        request,
        "criteria/framework_import.html",
        {
            "form": form,
            "report": report,
            "token": token,
            "reason": request.POST.get("reason", ""),
        },
    )


@login_required
def framework_evaluate(request, code: str):
    """Enter values by hand (or paste JSON) and see the explained result."""
    fw = selectors.framework_get(code, _version(request))
    efw = selectors.engine_framework(fw)
    result = error = None
    data = request.POST if request.method == "POST" else {}
    values: dict = {}
    if request.method == "POST":
        pasted = (data.get("json") or "").strip()
        try:
            if pasted:
                values = json.loads(pasted)
            else:
                for key, (vt, _ind) in efw.value_types.items():
                    raw = (data.get(f"v:{key}") or "").strip()
                    if raw == "":
                        continue
                    if vt == engine.PASS_FAIL:
                        values[key] = raw == "1"
                    else:
                        try:
                            values[key] = float(raw.replace(",", "."))
                        except ValueError:
                            values[key] = raw  # the engine names the code and the reason
            result = selectors.evaluation_for(
                framework=fw.code,
                version=fw.version,
                year=data.get("year", ""),
                values=values,
                region=data.get("region") or None,
                group=data.get("group") or None,
                kind=data.get("kind") or None,
            )
        except json.JSONDecodeError as exc:
            error = _("JSON không hợp lệ (dòng %(line)s, cột %(column)s).") % {
                "line": exc.lineno,
                "column": exc.colno,
            }
        except engine.EvaluationError as exc:
            error = str(exc)
    if result:  # the result's download re-posts the same values with ?format=
        exported = export_if_asked(
            request, lambda: tables.evaluation_table(fw, result), f"danh-gia-thu-{fw.code}-v{fw.version}"
        )
        if exported:
            return exported
    fields = []
    for ind in efw.indicators:
        for key, name, vt, unit in [
            (ind.code, ind.name, ind.value_type, ind.unit),
            *((x.key, x.name, x.value_type, x.unit) for x in ind.inputs),
        ]:
            fields.append(
                {
                    "key": key,
                    "name": name,
                    "value_type": vt,
                    "unit": unit,
                    "current": data.get(f"v:{key}", ""),
                }
            )
    return render(
        request,
        "criteria/framework_evaluate.html",
        {
            "fw": fw,
            "fields": fields,
            "result": result,
            "error": error,
            "export_q": export_query(request),
            "regions": Region.choices,
            "kinds": [(k, label) for k, label in UnitKind.choices if not fw.kinds or k in fw.kinds],
            "form": {
                "year": data.get("year", fw.period_end or ""),
                "region": data.get("region", "dong_bang_song_cuu_long"),
                "group": data.get("group", ""),
                "kind": data.get("kind", (fw.kinds or [""])[0]),
                "json": data.get("json", ""),
            },
        },
    )
