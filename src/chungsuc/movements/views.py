"""Views (thin: parse, call a service or a selector, render)."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chungsuc.core import workflow as wf
from chungsuc.core.concurrency import ConflictError, require_version
from chungsuc.core.http import service_errors
from chungsuc.core.tables import export_query, export_table
from chungsuc.geo.models import Unit, UnitLevel
from chungsuc.movements import access, excel, selectors, services, tables
from chungsuc.movements.forms import (
    TARGET_ROWS,
    AttachmentForm,
    GroupForm,
    MovementCreateForm,
    ReportForm,
    RoadmapForm,
    TransitionForm,
    VNDateField,
)
from chungsuc.movements.models import ReportAttachment
from chungsuc.movements.progress import parse_counts


def _export(request, table, name: str):
    """The list as Excel / CSV / JSON when ?format= asks for it (None: render the page)."""
    from chungsuc.core.tables import EXPORT_FORMATS, export_response

    fmt = request.GET.get("format")
    if fmt not in EXPORT_FORMATS:
        return None
    return export_response(table(), fmt, name)


def _on(request) -> dt.date:
    text = (request.GET.get("on") or "").strip()
    if text:
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        try:
            return dt.date(int(m[3]), int(m[2]), int(m[1])) if m else dt.date.fromisoformat(text)
        except ValueError:
            messages.error(
                request, _("Ngày «%(d)s» không hợp lệ (nhập dd/mm/yyyy); đang xem đến hôm nay.") % {"d": text}
            )
    return timezone.localdate()


def _year(request, movement, default=None) -> int | None:
    raw = request.GET.get("year", "")
    if raw.isdecimal() and movement.period_start <= int(raw) <= movement.period_end:
        return int(raw)
    return default


def _provinces():
    return Unit.objects.filter(level=UnitLevel.PROVINCE).order_by("-valid_from", "code")


@login_required
def movement_list(request):
    movements = selectors.movements_for(request.user)
    exported = _export(request, lambda: tables.movements_table(movements), "phong-trao-thi-dua")
    if exported:
        return exported
    return render(
        request,
        "movements/list.html",
        {"movements": movements, "can_create": access.can_manage(request.user)},
    )


def _targets_from_post(form, years, errors) -> list[dict]:
    targets = []
    for i in range(1, TARGET_ROWS + 1):
        code, name, counts_text = (
            (form.cleaned_data.get(f"t{i}_{k}") or "").strip() for k in ("code", "name", "counts")
        )
        if not (code or name or counts_text):
            targets.append({})
            continue
        by_year = {}
        if years:
            try:
                by_year = parse_counts(counts_text, years)
            except ValueError as exc:
                errors.setdefault(f"target_{i}", []).append(_("Chỉ tiêu %(n)d: %(e)s.") % {"n": i, "e": exc})
        targets.append(
            {
                "code": code,
                "name": name,
                "level": form.cleaned_data.get(f"t{i}_level"),
                "standards": [form.cleaned_data.get(f"t{i}_standard")],
                "by_year": by_year,
            }
        )
    return targets


@login_required
def movement_create(request):
    if not access.can_manage(request.user):
        raise PermissionDenied(_("Chỉ quản trị cấp tỉnh (Sở Nội vụ) được tạo phong trào thi đua."))
    form = MovementCreateForm(request.POST or None, provinces=_provinces())
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if form.is_valid():
            cd = form.cleaned_data
            years = (
                list(range(cd["period_start"], cd["period_end"] + 1))
                if cd["period_end"] >= cd["period_start"] and cd["period_end"] - cd["period_start"] <= 10
                else []
            )
            targets = _targets_from_post(form, years, errors)
            try:
                if errors:
                    raise ValidationError(errors)
                movement = services.movement_create(
                    actor=request.user,
                    name=cd["name"],
                    short_name=cd["short_name"],
                    province=cd["province"],
                    issuing_body=cd["issuing_body"],
                    act_number=cd["act_number"],
                    act_symbol=cd["act_symbol"],
                    act_date=cd["act_date"],
                    signer_name=cd["signer_name"],
                    signer_title=cd["signer_title"],
                    period_start=cd["period_start"],
                    period_end=cd["period_end"],
                    status=cd["status"],
                    summary=cd["summary"],
                    legal_bases=cd["legal_bases"].splitlines(),
                    targets=targets,
                )
            except ValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "message_dict") else {"__all__": exc.messages}
            else:
                messages.success(request, _("Đã tạo phong trào «%(m)s».") % {"m": movement})
                return redirect("movements:progress", movement.pk)
        else:
            errors = {k: list(v) for k, v in form.errors.items()}
        for field, msgs in errors.items():
            if field in form.fields:
                for m in msgs:
                    if m not in form.errors.get(field, []):
                        form.add_error(field, m)
        messages.error(request, _("Chưa tạo được phong trào: xem các lỗi ghi dưới từng ô."))
    target_errors = {int(k.split("_")[1]): v for k, v in errors.items() if k.startswith("target_")}
    rows = form.target_rows()
    for row in rows:
        row["errors"] = target_errors.get(row["n"], [])
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "movements/create.html",
        {"form": form, "rows": rows, "other_errors": errors.get("__all__", [])},
        status=status,
    )


@login_required
def movement_detail(request, pk):
    movement = selectors.movement_or_404(request.user, pk)
    sections = list(
        movement.sections.prefetch_related("targets", "responsibilities__participants", "obligations")
    )
    return render(
        request,
        "movements/detail.html",
        {
            "movement": movement,
            "sections": sections,
            "legal_bases": movement.legal_bases.all(),
            "versions": movement.versions.all(),
            "participants": movement.participants.select_related("organisation", "unit"),
            "can_manage": access.can_manage(request.user, movement),
        },
    )


@login_required
def movement_progress(request, pk):
    movement = selectors.movement_or_404(request.user, pk)
    on = _on(request)
    data = selectors.progress_data(movement, on=on)
    fc = selectors.forecast_data(movement, on=on, progress=data)
    return render(
        request,
        "movements/progress.html",
        {"movement": movement, "data": data, "forecast": fc, "on": on, "tab": "progress"},
    )


@login_required
def progress_export(request, pk):
    movement = selectors.movement_or_404(request.user, pk)
    data = selectors.progress_data(movement, on=_on(request))
    return excel.progress_response(movement, data)


@login_required
def movement_forecast(request, pk):
    movement = selectors.movement_or_404(request.user, pk)
    on = _on(request)
    data = selectors.forecast_data(movement, on=on)
    exported = _export(
        request, lambda: tables.forecast_table(movement, data), f"du-bao-{movement.code}-{on:%d-%m-%Y}"
    )
    if exported:
        return exported
    return render(
        request,
        "movements/forecast.html",
        {
            "movement": movement,
            "forecast": data,
            "export_q": f"on={on:%d/%m/%Y}&",
            "on": on,
            "tab": "forecast",
        },
    )


@login_required
def movement_obligations(request, pk):
    movement = selectors.movement_or_404(request.user, pk)
    year = _year(request, movement)
    data = selectors.obligations_data(movement, year=year, user=request.user)
    if request.GET.get("format") == "xlsx":
        return excel.obligations_response(movement, data)
    return render(
        request,
        "movements/obligations.html",
        {"movement": movement, "data": data, "year": year, "tab": "obligations"},
    )


@login_required
def consolidation(request, pk):
    movement = selectors.movement_or_404(request.user, pk)
    if not access.can_consolidate(request.user, movement):
        raise Http404("Không tìm thấy phong trào")
    year = _year(request, movement, default=min(movement.period_end, timezone.localdate().year))
    data = selectors.consolidation(movement, year=year)
    if request.GET.get("format") == "xlsx":
        return excel.consolidation_response(movement, data)
    return render(
        request,
        "movements/consolidation.html",
        {"movement": movement, "data": data, "year": year, "tab": "consolidation"},
    )


@login_required
def obligation_report(request, pk):
    """The obligation's report: opens it when it exists; otherwise a draft form (POST creates it)."""
    ob = selectors.obligation_or_404(request.user, pk)
    report = getattr(ob, "report", None) if hasattr(ob, "report") else None
    if report is not None:
        return redirect(report.get_absolute_url())
    errors = {}
    if request.method == "POST":
        try:
            report = services.report_save(actor=request.user, obligation=ob, data=request.POST)
        except PermissionDenied:
            raise
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "message_dict") else {"__all__": exc.messages}
            messages.error(request, _("Chưa lưu: xem các lỗi ghi dưới từng ô."))
        else:
            messages.success(request, _("Đã lưu bản nháp báo cáo."))
            return redirect(report.get_absolute_url())
    form = ReportForm(request.POST or None)
    return render(
        request,
        "movements/report.html",
        {
            "obligation": ob,
            "movement": ob.participant.movement,
            "form": form,
            "errors": errors,
            "other_errors": errors.get("__all__", []),
            "editable": access.can_write_report(request.user, ob.participant),
        },
        status=400 if errors else 200,
    )


@login_required
def report_detail(request, pk):
    report = selectors.report_or_404(request.user, pk)
    ob = report.obligation
    errors = {}
    if request.method == "POST":
        expected_version = require_version(request.POST.get("version"), field="version")
        try:
            services.report_save(
                actor=request.user,
                obligation=ob,
                data=request.POST,
                expected_version=expected_version,
            )
        except ConflictError as exc:
            messages.error(request, " ".join(exc.messages))
        except ValidationError as exc:
            if hasattr(exc, "message_dict"):
                errors = exc.message_dict
                messages.error(request, _("Chưa lưu: xem các lỗi ghi dưới từng ô."))
            else:
                messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã lưu báo cáo."))
            return redirect(report.get_absolute_url())
    report.refresh_from_db()
    case = wf.case_for(report, services.WORKFLOW_CODE)
    transitions = wf.available_transitions(request.user, case) if case else []
    can_write = access.can_write_report(request.user, ob.participant)
    can_review = access.can_review(request.user, ob.participant.movement)
    transitions = [
        t for t in transitions if (t.code == "submit" and can_write) or (t.code != "submit" and can_review)
    ]
    locked = bool(case and case.state.locks_data)
    form = ReportForm(request.POST if errors else None, instance=report)
    return render(
        request,
        "movements/report.html",
        {
            "report": report,
            "obligation": ob,
            "movement": ob.participant.movement,
            "form": form,
            "errors": errors,
            "other_errors": errors.get("__all__", []),
            "case": case,
            "history": wf.case_history(case) if case else [],
            "transitions": transitions,
            "editable": can_write and not locked,
            "attachment_form": AttachmentForm(),
            "attachments": report.attachments.all(),
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def report_transition(request, pk):
    report = selectors.report_or_404(request.user, pk)
    expected_version = require_version(request.POST.get("case_version"), field="case_version")
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Thao tác không hợp lệ."))
        return redirect(report.get_absolute_url())
    with service_errors(request):
        services.report_transition(
            actor=request.user,
            report=report,
            transition=form.cleaned_data["transition"],
            reason=form.cleaned_data["reason"],
            expected_version=expected_version,
        )
        messages.success(request, _("Đã cập nhật trạng thái báo cáo."))
    return redirect(report.get_absolute_url())


@login_required
@require_POST
def report_attach(request, pk):
    report = selectors.report_or_404(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Cần chọn một tệp để đính kèm."))
        return redirect(report.get_absolute_url())
    with service_errors(request):
        services.report_attach(actor=request.user, report=report, file=form.cleaned_data["file"])
        messages.success(request, _("Đã đính kèm tệp."))
    return redirect(report.get_absolute_url())


@login_required
def attachment_download(request, pk):
    attachment = get_object_or_404(ReportAttachment, pk=pk)
    selectors.report_or_404(request.user, attachment.report_id)
    return attachment.as_download()


@login_required
def unit_groups(request, pk):
    movement = selectors.movement_or_404(request.user, pk)
    can_manage = access.can_manage(request.user, movement)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(_("Chỉ quản trị cấp tỉnh được phân nhóm xã."))
        form = GroupForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Nhóm xã phải là 1, 2 hoặc 3."))
        else:
            unit = Unit.objects.filter(pk=form.cleaned_data["unit"]).first()
            with service_errors(request, catch=(ValidationError,)):
                if unit is None:
                    raise ValidationError(_("Không tìm thấy đơn vị."))
                services.unit_group_set(
                    actor=request.user,
                    movement=movement,
                    unit=unit,
                    group=form.cleaned_data["group"],
                    basis=form.cleaned_data["basis"],
                )
                messages.success(request, _("Đã ghi nhóm xã của %(u)s.") % {"u": unit.name})
        return redirect("movements:groups", movement.pk)
    on, units = selectors.groups_data(movement)
    exported = _export(request, lambda: tables.groups_table(movement, units, on), f"nhom-xa-{movement.code}")
    if exported:
        return exported
    return render(
        request,
        "movements/groups.html",
        {"movement": movement, "units": units, "can_manage": can_manage, "tab": "groups", "on": on},
    )


@login_required
def roadmaps(request, pk):
    """Roadmaps: the year each unit aims for a standard, totals against the targets, units behind."""
    from chungsuc.accounts.selectors import can_act_on_unit

    movement = selectors.movement_or_404(request.user, pk)
    on = _on(request)
    units_in = set(selectors.movement_units(movement))
    if request.method == "POST":
        form = RoadmapForm(request.POST)
        unit = None
        if form.is_valid():
            unit = Unit.objects.filter(pk=form.cleaned_data["unit"], pk__in=units_in).first()
        if unit is None:
            messages.error(request, _("Cần chọn đơn vị thuộc địa bàn của phong trào và năm phấn đấu hợp lệ."))
        else:
            with service_errors(request, catch=(ValidationError,)):
                services.roadmap_set(
                    actor=request.user,
                    movement=movement,
                    unit=unit,
                    standard=form.cleaned_data["standard"],
                    year=form.cleaned_data["year"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("Đã ghi lộ trình của %(u)s.") % {"u": unit.name})
        return redirect("movements:roadmaps", movement.pk)
    from chungsuc.accounts.models import Role
    from chungsuc.movements import sources

    data = selectors.roadmap_data(movement, on=on)
    exported = _export(
        request, lambda: tables.roadmaps_table(movement, data), f"lo-trinh-{movement.code}-{on:%d-%m-%Y}"
    )
    if exported:
        return exported
    when = selectors.reference_date(movement, on)
    level_units = sources.units_on(units_in, when, "commune") + sources.units_on(units_in, when, "district")
    manage = access.can_manage(request.user, movement)
    choices = [
        u
        for u in sorted(level_units, key=lambda u: u["name"])
        if manage
        or can_act_on_unit(request.user, u["unit_id"], {Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER})
    ]
    return render(
        request,
        "movements/roadmaps.html",
        {
            "movement": movement,
            "data": data,
            "choices": choices,
            "export_q": f"on={on:%d/%m/%Y}&",
            "form": RoadmapForm(initial={"year": movement.period_start}),
            "tab": "roadmaps",
            "on": on,
        },
    )


@login_required
def pilots(request, pk):
    """Pilot units (best available list, marked unverified), corrected by the administrator."""
    from chungsuc.movements.models import PilotUnit

    movement = selectors.movement_or_404(request.user, pk)
    can_manage = access.can_manage(request.user, movement)
    if request.method == "POST":
        pilot = get_object_or_404(PilotUnit, pk=request.POST.get("pilot") or 0, movement=movement)
        year = request.POST.get("year") or ""
        with service_errors(request, catch=(ValidationError,)):
            services.pilot_update(
                actor=request.user,
                pilot=pilot,
                year=int(year) if year.isdecimal() else None,
                verified=request.POST.get("verified") == "1",
                active=request.POST.get("active") == "1",
                note=request.POST.get("note") or "",
            )
            messages.success(request, _("Đã sửa %(u)s trong danh sách đơn vị điểm.") % {"u": pilot.unit.name})
        return redirect("movements:pilots", movement.pk)
    on = _on(request)
    data = selectors.pilots_data(movement, on=on)
    exported = _export(
        request, lambda: tables.pilots_table(movement, data), f"don-vi-diem-{movement.code}-{on:%d-%m-%Y}"
    )
    if exported:
        return exported
    return render(
        request,
        "movements/pilots.html",
        {
            "movement": movement,
            "data": data,
            "can_manage": can_manage,
            "export_q": f"on={on:%d/%m/%Y}&",
            "tab": "pilots",
        },
    )


def _amendment_changes(request, version) -> dict:
    """The counts typed in the proposal form that differ from the version in force."""
    changes: dict[str, dict[int, int]] = {}
    errors = []
    for t in version.targets.prefetch_related("years"):
        current = {ty.year: ty.count for ty in t.years.all()}
        for year in t.version.movement.years:
            raw = (request.POST.get(f"c:{t.code}:{year}") or "").strip()
            if raw == "":
                continue
            if not raw.isdecimal():
                errors.append(
                    _("Chỉ tiêu %(c)s, năm %(y)s: «%(v)s» không phải số nguyên không âm.")
                    % {"c": t.code, "y": year, "v": raw}
                )
                continue
            if int(raw) != current.get(year, 0):
                changes.setdefault(t.code, {})[year] = int(raw)
    if errors:
        raise ValidationError({"changes": errors})
    return changes


@login_required
def amendments(request, pk):
    """Plan amendments (VII.8): propose new yearly counts, Sở Nội vụ decides, versions side by side."""
    from chungsuc.movements.models import Amendment

    movement = selectors.movement_or_404(request.user, pk)
    version = selectors.version_in_force(movement)
    manage = access.can_manage(request.user, movement)
    my_participants = (
        [
            p
            for p in movement.participants.select_related("organisation")
            if access.can_write_report(request.user, p)
        ]
        if not manage
        else []
    )
    if request.method == "POST":
        action = request.POST.get("action")
        with service_errors(request, catch=(ValidationError,)):
            if action == "propose":
                participant = None
                if request.POST.get("participant"):
                    participant = next(
                        (p for p in my_participants if str(p.pk) == request.POST["participant"]), None
                    )
                    if participant is None:
                        raise PermissionDenied(_("Bạn không đề nghị thay đơn vị này được."))
                elif not manage:
                    raise PermissionDenied(_("Cần chọn đơn vị đề nghị."))
                services.amendment_propose(
                    actor=request.user,
                    movement=movement,
                    reason=request.POST.get("reason", ""),
                    changes=_amendment_changes(request, version),
                    participant=participant,
                )
                messages.success(request, _("Đã gửi đề nghị điều chỉnh kế hoạch."))
            elif action == "consolidate":
                chosen = list(
                    Amendment.objects.filter(
                        movement=movement, pk__in=request.POST.getlist("amendments")
                    ).select_related("movement")
                )
                services.amendment_consolidate(
                    actor=request.user, amendments=chosen, note=request.POST.get("consolidation_note", "")
                )
                messages.success(
                    request, _("Đã tổng hợp %(n)s đề nghị, trình UBND tỉnh quyết định.") % {"n": len(chosen)}
                )
            elif action in ("approve", "reject"):
                amendment = get_object_or_404(
                    Amendment, pk=request.POST.get("amendment") or 0, movement=movement
                )
                field = VNDateField(required=False)
                try:
                    issued_on = field.clean(request.POST.get("issued_on"))
                    valid_from = field.clean(request.POST.get("valid_from"))
                except forms.ValidationError as exc:
                    raise ValidationError({"issued_on": exc.messages}) from None
                services.amendment_decide(
                    actor=request.user,
                    amendment=amendment,
                    approve=action == "approve",
                    number=request.POST.get("number", ""),
                    symbol=request.POST.get("symbol", ""),
                    issued_on=issued_on,
                    signer_name=request.POST.get("signer_name", ""),
                    valid_from=valid_from,
                    note=request.POST.get("note", ""),
                )
                messages.success(request, _("Đã ghi quyết định về đề nghị điều chỉnh."))
        return redirect("movements:amendments", movement.pk)
    targets = list(version.targets.prefetch_related("years")) if version else []
    grid = [
        {
            "code": t.code,
            "name": t.name,
            "years": [(y, {ty.year: ty.count for ty in t.years.all()}.get(y, 0)) for y in movement.years],
        }
        for t in targets
    ]
    listed = selectors.amendments_for(request.user, movement)
    compare = selectors.versions_compared(movement)
    exported = _export(
        request, lambda: tables.versions_table(movement, compare), f"phien-ban-{movement.code}"
    )
    if exported:
        return exported
    return render(
        request,
        "movements/amendments.html",
        {
            "movement": movement,
            "amendments": listed,
            "to_consolidate": [a for a in listed if a.state == Amendment.State.PROPOSED and a.proposed_by_id],
            "compare": compare,
            "export_q": "",
            "grid": grid,
            "can_manage": manage,
            "my_participants": my_participants,
            "tab": "amendments",
        },
    )


@login_required
def clusters(request, pk):
    """Emulation clusters and blocks of the movement; the administrator creates them."""
    movement = selectors.movement_or_404(request.user, pk)
    manage = access.can_manage(request.user, movement)
    if request.method == "POST":
        with service_errors(request, catch=(ValidationError,)):
            cluster = services.cluster_create(
                actor=request.user,
                movement=movement,
                name=request.POST.get("name", ""),
                kind=request.POST.get("kind", "cluster"),
            )
            messages.success(request, _("Đã lập %(c)s.") % {"c": cluster})
            return redirect("movements:cluster", cluster.pk)
        return redirect("movements:clusters", movement.pk)
    clusters = list(movement.clusters.prefetch_related("members"))
    exported = _export(
        request, lambda: tables.clusters_table(movement, clusters), f"cum-khoi-thi-dua-{movement.code}"
    )
    if exported:
        return exported
    return render(
        request,
        "movements/clusters.html",
        {
            "movement": movement,
            "clusters": clusters,
            "export_q": "",
            "can_manage": manage,
            "tab": "clusters",
        },
    )


@login_required
def cluster_detail(request, pk):
    from chungsuc.movements.models import Cluster

    cluster = get_object_or_404(Cluster.objects.select_related("movement"), pk=pk)
    movement = selectors.movement_or_404(request.user, cluster.movement_id)
    year = _year(request, movement, default=min(movement.period_end, timezone.localdate().year))
    manage = access.can_manage(request.user, movement)
    if request.method == "POST":
        year = int(request.POST.get("year") or year)
        with service_errors(request, catch=(ValidationError,)):
            if request.POST.get("action") == "members":
                chosen = list(movement.participants.filter(pk__in=request.POST.getlist("participants")))
                services.cluster_members_set(
                    actor=request.user, cluster=cluster, year=year, participants=chosen
                )
                messages.success(request, _("Đã ghi thành viên năm %(y)s.") % {"y": year})
            else:
                scorer = get_object_or_404(movement.participants, pk=request.POST.get("scorer") or 0)
                scored = get_object_or_404(movement.participants, pk=request.POST.get("scored") or 0)
                points = {k[2:]: v for k, v in request.POST.items() if k.startswith("p:")}
                evidence = {k[2:]: v for k, v in request.POST.items() if k.startswith("e:")}
                services.cluster_scores_save(
                    actor=request.user,
                    cluster=cluster,
                    year=year,
                    scorer=scorer,
                    scored=scored,
                    points=points,
                    evidence=evidence,
                )
                messages.success(request, _("Đã ghi điểm cho %(p)s.") % {"p": scored})
        return redirect(f"{reverse('movements:cluster', args=[cluster.pk])}?year={year}")
    data = selectors.cluster_data(cluster, year=year)
    exported = _export(
        request, lambda: tables.cluster_table(cluster, data), f"xep-hang-{cluster.name}-{year}"
    )
    if exported:
        return exported
    member_ids = {m["participant_id"] for m in data["members"]}
    candidates = movement.participants.select_related("organisation").filter(pk__in=member_ids)
    my_members = [p for p in candidates if manage or access.can_write_report(request.user, p)]
    return render(
        request,
        "movements/cluster.html",
        {
            "movement": movement,
            "cluster": cluster,
            "data": data,
            "export_q": f"year={year}&",
            "year": year,
            "can_manage": manage,
            "my_members": my_members,
            "participants": movement.participants.select_related("organisation") if manage else [],
            "member_ids": member_ids,
            "tab": "clusters",
        },
    )


def _unit_choices(movement):
    from chungsuc.movements import sources

    on = selectors.reference_date(movement)
    units = set(selectors.movement_units(movement))
    return sorted(
        sources.units_on(units, on, "commune") + sources.units_on(units, on, "district"),
        key=lambda u: u["name"],
    )


@login_required
def models_list(request, pk):
    """Exemplary models and initiatives of the movement; a participant proposes one."""
    movement = selectors.movement_or_404(request.user, pk)
    manage = access.can_manage(request.user, movement)
    mine = [
        p
        for p in movement.participants.select_related("organisation")
        if not manage and access.can_write_report(request.user, p)
    ]
    errors = {}
    if request.method == "POST":
        participant = None
        if request.POST.get("participant"):
            participant = next((p for p in mine if str(p.pk) == request.POST["participant"]), None)
            if participant is None:
                raise PermissionDenied(_("Bạn không đề xuất thay đơn vị này được."))
        unit = (
            Unit.objects.filter(pk=request.POST.get("unit") or 0).first()
            if (request.POST.get("unit") or "").isdecimal()
            else None
        )
        try:
            model = services.model_propose(
                actor=request.user,
                movement=movement,
                participant=participant,
                title=request.POST.get("title", ""),
                who=request.POST.get("who", ""),
                unit=unit,
                description=request.POST.get("description", ""),
                kind=request.POST.get("kind", "model"),
                media_links=request.POST.get("media_links", ""),
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "message_dict") else {"__all__": exc.messages}
            messages.error(request, _("Chưa ghi được: xem các lỗi ghi dưới từng ô."))
        else:
            messages.success(request, _("Đã ghi đề xuất mô hình."))
            return redirect(model.get_absolute_url())
    from chungsuc.movements.models import ExemplaryModel

    models = selectors.models_for(request.user, movement)
    if not errors:
        exported = _export(
            request, lambda: tables.models_table(movement, models), f"mo-hinh-dien-hinh-{movement.code}"
        )
        if exported:
            return exported
    return render(
        request,
        "movements/models.html",
        {
            "movement": movement,
            "models": models,
            "export_q": "",
            "can_propose": manage or bool(mine),
            "mine": mine,
            "units": _unit_choices(movement),
            "kinds": ExemplaryModel.Kind.choices,
            "errors": errors,
            "other_errors": errors.get("__all__", []),
            "posted": request.POST if errors else {},
            "tab": "models",
        },
        status=400 if errors else 200,
    )


@login_required
def model_detail(request, pk):
    model = selectors.model_or_404(request.user, pk)
    movement = model.movement
    if request.method == "POST":
        action = request.POST.get("action", "")
        with service_errors(request, catch=(ValidationError,)):
            if action == "replicate":
                raw = request.POST.get("unit") or ""
                unit = Unit.objects.filter(pk=raw).first() if raw.isdecimal() else None
                year = request.POST.get("year") or ""
                services.model_replicate(
                    actor=request.user,
                    model=model,
                    unit=unit,
                    year=int(year) if year.isdecimal() else None,
                    note=request.POST.get("note", ""),
                )
            elif action == "attach":
                if "file" not in request.FILES:
                    raise ValidationError(_("Cần chọn một tệp để đính kèm."))
                services.model_attach(actor=request.user, model=model, file=request.FILES["file"])
            else:
                services.model_decide(
                    actor=request.user, model=model, action=action, note=request.POST.get("note", "")
                )
            messages.success(request, _("Đã cập nhật mô hình."))
        return redirect(model.get_absolute_url())
    manage = access.can_manage(request.user, movement)
    can_edit = manage or (
        model.proposed_by is not None and access.can_write_report(request.user, model.proposed_by)
    )
    return render(
        request,
        "movements/model.html",
        {
            "movement": movement,
            "model": model,
            "can_manage": manage,
            "can_edit": can_edit,
            "units": _unit_choices(movement) if can_edit else [],
            "tab": "models",
        },
    )


@login_required
def model_attachment(request, pk):
    from chungsuc.movements.models import ModelAttachment

    attachment = get_object_or_404(ModelAttachment, pk=pk)
    selectors.model_or_404(request.user, attachment.model_id)
    return attachment.as_download()


def _vn_date(raw, field):
    try:
        return VNDateField(required=False).clean(raw)
    except forms.ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


@login_required
def inspections(request, pk):
    """The yearly inspection plans: teams, their members, the units they inspect."""
    movement = selectors.movement_or_404(request.user, pk)
    manage = access.can_manage(request.user, movement)
    inspectors = selectors.inspector_accounts()
    if request.method == "POST":
        raw = request.POST.get("unit") or ""
        unit = Unit.objects.filter(pk=raw).first() if raw.isdecimal() else None
        year = request.POST.get("year") or ""
        raw_team = request.POST.get("team") or ""
        team = movement.inspection_teams.filter(pk=raw_team).first() if raw_team.isdecimal() else None
        with service_errors(request, catch=(ValidationError,)):
            if raw_team and team is None:
                raise ValidationError({"team": [_("Không tìm thấy đoàn kiểm tra đã chọn.")]})
            inspection = services.inspection_plan(
                actor=request.user,
                movement=movement,
                year=int(year) if year.isdecimal() else 0,
                team_name=request.POST.get("team_name", ""),
                leader=request.POST.get("leader", ""),
                unit=unit,
                members=list(inspectors.filter(pk__in=request.POST.getlist("members"))),
                planned_on=_vn_date(request.POST.get("planned_on"), "planned_on"),
                team=team,
            )
            messages.success(request, _("Đã đưa cuộc kiểm tra vào kế hoạch."))
            return redirect(inspection.get_absolute_url())
        return redirect("movements:inspections", movement.pk)
    listed = movement.inspections.select_related("unit", "conclusion").prefetch_related(
        "recommendations", "findings"
    )
    exported = _export(
        request, lambda: tables.inspections_table(movement, listed), f"kiem-tra-{movement.code}"
    )
    if exported:
        return exported
    today = timezone.localdate()
    rows = []
    for i in listed:
        recs = list(i.recommendations.all())
        rows.append(
            {
                "i": i,
                "open": sum(1 for r in recs if r.status(today) == "open"),
                "overdue": sum(1 for r in recs if r.status(today) == "overdue"),
            }
        )
    return render(
        request,
        "movements/inspections.html",
        {
            "movement": movement,
            "rows": rows,
            "can_manage": manage,
            "export_q": "",
            "inspectors": inspectors if manage else [],
            "teams": movement.inspection_teams.all() if manage else [],
            "units": _unit_choices(movement) if manage else [],
            "tab": "inspections",
        },
    )


@login_required
def inspection_detail(request, pk):
    from chungsuc.movements.models import Finding, Inspection, Recommendation

    inspection = get_object_or_404(Inspection.objects.select_related("movement", "unit", "conclusion"), pk=pk)
    movement = selectors.movement_or_404(request.user, inspection.movement_id)
    if request.method == "POST":
        action = request.POST.get("action")
        with service_errors(request, catch=(ValidationError,)):
            if action == "findings":
                results = {
                    item.code: (
                        request.POST.get(f"r:{item.code}", ""),
                        request.POST.get(f"n:{item.code}", ""),
                    )
                    for item in movement.checklist.all()
                }
                services.findings_save(
                    actor=request.user,
                    inspection=inspection,
                    results=results,
                    inspected_on=_vn_date(request.POST.get("inspected_on"), "inspected_on"),
                )
            elif action == "recommend":
                services.recommendation_add(
                    actor=request.user,
                    inspection=inspection,
                    text=request.POST.get("text", ""),
                    due_date=_vn_date(request.POST.get("due_date"), "due_date"),
                )
            elif action == "follow_up":
                rec = get_object_or_404(
                    Recommendation, pk=request.POST.get("recommendation") or 0, inspection=inspection
                )
                services.recommendation_follow_up(
                    actor=request.user,
                    recommendation=rec,
                    done_on=_vn_date(request.POST.get("done_on"), "done_on"),
                    follow_up=request.POST.get("follow_up", ""),
                )
            elif action == "conclude":
                services.inspection_conclude(
                    actor=request.user,
                    inspection=inspection,
                    number=request.POST.get("number", ""),
                    symbol=request.POST.get("symbol", ""),
                    issued_on=_vn_date(request.POST.get("issued_on"), "issued_on"),
                    signer_name=request.POST.get("signer_name", ""),
                )
            messages.success(request, _("Đã ghi."))
        return redirect(inspection.get_absolute_url())
    today = timezone.localdate()
    findings = {f.item_id: f for f in inspection.findings.all()}
    items = [{"item": i, "finding": findings.get(i.pk)} for i in movement.checklist.select_related("section")]
    recs = [{"r": r, "status": r.status(today)} for r in inspection.recommendations.all()]
    exported = export_table(
        request,
        {
            "findings": lambda: tables.findings_table(inspection, items),
            "recommendations": lambda: tables.recommendations_table(inspection, recs, today),
        },
        f"kiem-tra-{inspection.unit.code}-{inspection.year}",
    )
    if exported:
        return exported
    is_member = inspection.members.filter(pk=request.user.pk).exists()
    manage = access.can_manage(request.user, movement)
    return render(
        request,
        "movements/inspection.html",
        {
            "movement": movement,
            "inspection": inspection,
            "items": items,
            "recs": recs,
            "can_inspect": (manage or is_member) and inspection.state != Inspection.State.CONCLUDED,
            "can_manage": manage,
            "results": Finding.Result.choices,
            "tab": "inspections",
            "export_q": {key: export_query(request, table=key) for key in ("findings", "recommendations")},
        },
    )
