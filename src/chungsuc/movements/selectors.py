"""Reads for movements, taking the user where it matters. Progress, forecast, obligations and the
consolidation return plain data (dicts, lists, numbers, dates) so that the reports app can build the
annual report and the final review from the same figures the pages show."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chungsuc.accounts import permissions
from chungsuc.core.models import WorkflowCase
from chungsuc.movements import forecast, obligations, progress, sources
from chungsuc.movements.models import (
    REPORT_NUMBER_FIELDS,
    RESOURCE_FIELDS,
    Movement,
    MovementVersion,
    Obligation,
    Participant,
    Report,
    ReportedCount,
    Roadmap,
    UnitGroup,
)

STANDARD_LABELS = {
    "ntm": "Nông thôn mới",
    "advanced": "Nông thôn mới nâng cao",
    "model": "Nông thôn mới kiểu mẫu",
    "task_completed": "Hoàn thành nhiệm vụ xây dựng nông thôn mới",
}
BASIS_LABELS = {
    "recognised": "được công nhận",
    "meeting": "đạt đủ tiêu chí (chưa chắc đã có quyết định)",
    "reported": "theo báo cáo",
}
# A reported count's level and standard as the pages name it, in the interface's language (the
# Vietnamese labels above stay what the workbooks write).
REPORTED_LABELS = {
    ("commune", "ntm"): gettext_lazy("Xã nông thôn mới"),
    ("commune", "advanced"): gettext_lazy("Xã nông thôn mới nâng cao"),
    ("commune", "model"): gettext_lazy("Xã nông thôn mới kiểu mẫu"),
    ("district", "ntm"): gettext_lazy("Huyện nông thôn mới"),
    ("district", "advanced"): gettext_lazy("Huyện nông thôn mới nâng cao"),
    ("district", "model"): gettext_lazy("Huyện nông thôn mới kiểu mẫu"),
    ("district", "task_completed"): gettext_lazy(
        "Thị xã, thành phố hoàn thành nhiệm vụ xây dựng nông thôn mới"
    ),
}
BASIS_TEXTS = {
    "recognised": gettext_lazy("được công nhận"),
    "meeting": gettext_lazy("đạt đủ tiêu chí (chưa chắc đã có quyết định)"),
    "reported": gettext_lazy("theo báo cáo"),
}


def reported_label(level: str, standard: str) -> str:
    """ "Xã nông thôn mới nâng cao" ("Advanced NTM communes" in English) for a reported count."""
    label = REPORTED_LABELS.get((level, standard))
    if label is not None:
        return str(label)
    where = _("Xã") if level == "commune" else _("Huyện")
    return f"{where} {_(STANDARD_LABELS.get(standard, standard))}"


def basis_text(basis: str) -> str:
    """What a reported count counts, in the interface's language ("được công nhận")."""
    return str(BASIS_TEXTS.get(basis, basis))


SOURCE_LABELS = {
    "state_budget": "Ngân sách nhà nước",
    "credit": "Vốn tín dụng",
    "enterprises": "Doanh nghiệp",
    "community": "Cộng đồng dân cư",
}


def _period(movement: Movement) -> tuple[dt.date, dt.date]:
    return dt.date(movement.period_start, 1, 1), dt.date(movement.period_end, 12, 31)


def movement_units(movement: Movement) -> frozenset[int]:
    """Every unit the movement covers over its period (cached on the instance)."""
    cached = movement.__dict__.get("_unit_ids")
    if cached is None:
        start, end = _period(movement)
        cached = frozenset(sources.movement_unit_ids(movement.province_id, start, end))
        movement.__dict__["_unit_ids"] = cached
    return cached


def reference_date(movement: Movement, on: dt.date | None = None) -> dt.date:
    """The date whose units a page lists: today, but not after the period's end nor after the
    province itself ended (old An Giang's units, for Plan 861, as they were on 30/6/2025)."""
    on = on or timezone.localdate()
    end = dt.date(movement.period_end, 12, 31)
    if movement.province.valid_to is not None:
        end = min(end, movement.province.valid_to)
    return min(on, end)


def movement_units_qs(movement: Movement):
    """The movement's units as a subquery (for the large reads: no id list sent to the database)."""
    start, end = _period(movement)
    return sources.movement_units_qs(movement.province_id, start, end)


def movements_for(user):
    """The movements the user sees (`movement.view`: officials whose scope reaches the province or
    any unit ever below it, and members of its participants), filtered in the database."""
    qs = Movement.objects.select_related("province").order_by("-period_start", "name")
    return permissions.restrict(qs, user, "movement.view")


def movement_or_404(user, pk) -> Movement:
    return permissions.get_or_404(
        Movement.objects.select_related("province"),
        user,
        "movement.view",
        pk,
        message="Không tìm thấy phong trào",
    )


def _participants_business(qs, user):
    """Rows of a participant (obligations, reports, amendments) the user may open: the participant's
    own officers (`movement.report.edit`), the province acting on its behalf (`movement.manage`) and
    those who consolidate the year's reports (`movement.consolidate`) — three actions of the matrix,
    one query."""
    return (
        permissions.restrict(qs, user, "movement.report.edit")
        | permissions.restrict(qs, user, "movement.manage")
        | permissions.restrict(qs, user, "movement.consolidate")
    )


def version_in_force(movement: Movement, on: dt.date | None = None) -> MovementVersion | None:
    on = on or timezone.localdate()
    qs = movement.versions.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).order_by("-number")
    return qs.first() or movement.versions.order_by("number").first()


def target_specs(version: MovementVersion) -> list[progress.TargetSpec]:
    out = []
    for t in version.targets.select_related("section").prefetch_related("years").order_by("order", "code"):
        out.append(
            progress.TargetSpec(
                code=t.code,
                name=t.name,
                level=t.level,
                standards=tuple(t.standards),
                by_year={ty.year: ty.count for ty in t.years.all()},
                section=t.section.number if t.section else "",
                note=t.note,
            )
        )
    return out


def achievements(movement: Movement, standards) -> list[progress.Achievement]:
    start, end = _period(movement)
    rows = sources.recognitions(movement_units_qs(movement), start, end, standards)
    return [
        progress.Achievement(
            unit_id=r["unit_id"],
            unit_name=r["unit_name"],
            level=r["level"],
            standard=r["standard"],
            date=r["since"],
            district=r["district"],
            decision=r["decision_text"],
            verified=r["verified"],
            year_only=r["since_precision"] == "year",
        )
        for r in rows
    ]


def target_counts(movement: Movement, *, on: dt.date | None = None) -> dict:
    """The plan's targets by year beside the units recognised that year: the counts of `progress_data`
    (the same pure rules), without the units' names and districts, which the charts do not show and
    which cost most of the read at national scale (7,500 recognitions: 150 ms against 30 ms)."""
    on = on or timezone.localdate()
    version = version_in_force(movement, on)
    specs = target_specs(version) if version else []
    standards = sorted({s for t in specs for s in t.standards})
    found = []
    if standards:
        start, end = _period(movement)
        found = [
            progress.Achievement(unit_id=u, unit_name="", level=level, standard=std, date=since)
            for u, std, since, level in sources.recognition_levels(
                movement_units_qs(movement), start, end, standards
            )
        ]
    return {
        "years": movement.years,
        "on": on,
        "targets": [
            {
                "code": tp.target.code,
                "name": tp.target.name,
                "level": tp.target.level,
                "rows": [{"year": r.year, "target": r.target, "actual": r.actual} for r in tp.rows],
            }
            for tp in progress.movement_progress(specs, found, movement.years)
        ],
    }


def _achievement_dict(a: progress.Achievement) -> dict:
    return {
        "unit_id": a.unit_id,
        "name": a.unit_name,
        "district": a.district,
        "date": a.date,
        "year_only": a.year_only,
        "standard": a.standard,
        "decision": a.decision,
        "verified": a.verified,
    }


def progress_data(movement: Movement, *, on: dt.date | None = None) -> dict:
    """The movement's targets by year against the register's actuals (by year of decision), per year,
    cumulative and per district; the province's reported counts beside them with the register's
    coverage. Plain data."""
    on = on or timezone.localdate()
    version = version_in_force(movement, on)
    specs = target_specs(version) if version else []
    standards = sorted({s for t in specs for s in t.standards})
    found = achievements(movement, standards) if standards else []
    results = progress.movement_progress(specs, found, movement.years)
    targets = []
    for tp in results:
        t = tp.target
        targets.append(
            {
                "code": t.code,
                "name": t.name,
                "level": t.level,
                "standards": list(t.standards),
                "standard_labels": [STANDARD_LABELS.get(s, s) for s in t.standards],
                "section": t.section,
                "note": t.note,
                "total_target": tp.total_target,
                "total_actual": tp.total_actual,
                "share": tp.share,
                "rows": [
                    {
                        "year": r.year,
                        "target": r.target,
                        "actual": r.actual,
                        "difference": r.difference,
                        "cumulative_target": r.cumulative_target,
                        "cumulative_actual": r.cumulative_actual,
                        "cumulative_difference": r.cumulative_difference,
                        "met": r.met,
                        "future": r.year > on.year,
                        "units": [_achievement_dict(a) for a in r.units],
                    }
                    for r in tp.rows
                ],
                "by_district": [
                    {
                        "district": d.district,
                        "by_year": [d.by_year[y] for y in movement.years],
                        "total": d.total,
                    }
                    for d in tp.by_district
                ],
            }
        )
    return {
        "movement_id": movement.pk,
        "name": str(movement),
        "period": (movement.period_start, movement.period_end),
        "years": movement.years,
        "on": on,
        "version": version.number if version else None,
        "targets": targets,
        "reported": reported_data(movement),
    }


def reported_data(movement: Movement) -> list[dict]:
    """The province's reported counts with their dates and sources, and how many of them the
    register holds at the same date (not comparable after the 2025 merger: another denominator)."""
    units = movement_units_qs(movement)
    out = []
    for rc in ReportedCount.objects.filter(movement=movement).order_by("as_of", "level", "standard", "basis"):
        comparable = rc.basis != "meeting" and not rc.after_merger
        standards = (
            ["ntm", "task_completed"] if (rc.level == "district" and rc.standard == "ntm") else [rc.standard]
        )
        if rc.standard == "ntm" and rc.level == "commune":
            # a commune recognised advanced or model also holds the new-rural standard
            standards = ["ntm", "advanced", "model"]
        in_register = (
            sources.register_count_as_of(units, level=rc.level, standards=standards, on=rc.as_of)
            if comparable
            else None
        )
        cov = progress.Coverage(reported=rc.count, in_register=in_register or 0, comparable=comparable)
        out.append(
            {
                "as_of": rc.as_of,
                "precision": rc.as_of_precision,
                "level": rc.level,
                "standard": rc.standard,
                "standard_label": STANDARD_LABELS.get(rc.standard, rc.standard),
                "label": reported_label(rc.level, rc.standard),
                "basis": rc.basis,
                "basis_label": BASIS_LABELS.get(rc.basis, rc.basis),
                "basis_text": basis_text(rc.basis),
                "count": rc.count,
                "denominator": rc.denominator,
                "after_merger": rc.after_merger,
                "source": rc.source,
                "verified": rc.verified,
                "in_register": in_register,
                "coverage": cov.share,
                "missing": cov.missing,
                "comparable": comparable,
            }
        )
    return out


# --- forecast ---------------------------------------------------------------------------------


def forecast_data(
    movement: Movement,
    *,
    on: dt.date | None = None,
    max_gaps: int = forecast.DEFAULT_MAX_GAPS,
    progress: dict | None = None,
) -> dict:
    """For each target, the remaining years of the movement: the next from the latest evaluations'
    gaps and the roadmaps, the later ones from the roadmaps. Plain data. Pass the `progress_data` of
    the same date when you have it (the page does) to save reading the register twice."""
    on = on or timezone.localdate()
    remaining = [y for y in movement.years if y >= on.year]
    out = {"on": on, "remaining": remaining, "max_gaps": max_gaps, "targets": []}
    if not remaining:
        return out
    prog = progress if progress is not None else progress_data(movement, on=on)
    units = movement_units_qs(movement)
    version = version_in_force(movement, on)
    specs = {t.code: t for t in target_specs(version)} if version else {}
    # One read per level and standard, shared by the targets that ask for the same (Plan 861's 2.1
    # and 2.2 are both about communes): the units' ids, who holds the standards, the latest
    # evaluations (gap counts; the criteria's codes only for units close to the standard). Names and
    # districts are read only for the units the forecast lists (ready, close, roadmap later): the
    # others are only counted.
    level_cache: dict[str, tuple[list[int], object]] = {}
    holding_cache: dict[str, dict[str, set[int]]] = {}
    gaps_cache: dict[tuple, dict] = {}
    names: dict[int, dict] = {}
    roadmaps: dict[str, dict[int, int]] = {}
    for r in Roadmap.objects.filter(movement=movement).order_by("id").values("standard", "unit_id", "year"):
        roadmaps.setdefault(r["standard"], {})[r["unit_id"]] = r["year"]
    for t in prog["targets"]:
        spec = specs[t["code"]]
        level = t["level"]
        if level not in level_cache:
            level_cache[level] = (
                sources.unit_ids_on(units, on, level),
                sources.units_on_qs(units, on, level),
            )
        level_ids, level_qs = level_cache[level]
        if level not in holding_cache:
            wanted = {s for x in prog["targets"] if x["level"] == level for s in specs[x["code"]].standards}
            holding_cache[level] = sources.holders_by_standard(level_qs, sorted(wanted), on)
        held = holding_cache[level]
        holding = set().union(*(held[s] for s in spec.standards))
        pending = [u for u in level_ids if u not in holding]
        gkey = (level, spec.standards[0])
        if gkey not in gaps_cache:
            gaps_cache[gkey] = sources.latest_gaps(
                level_qs, spec.standards[0], names_up_to=max_gaps, expected=level_ids
            )
        gaps = gaps_cache[gkey]
        shown = [u for u in pending if u in gaps and gaps[u][2] is not None and u not in names]
        if shown:
            names.update((u["unit_id"], u) for u in sources.units_on(shown, on, level))
        roadmap: dict[int, int] = {}
        for s in spec.standards:
            roadmap.update(roadmaps.get(s, {}))
        candidates = []
        for uid in pending:
            g = gaps.get(uid)
            named = names.get(uid)
            candidates.append(
                forecast.Candidate(
                    unit_id=uid,
                    name=named["name"] if named else "",
                    district=named["district"] if named else "",
                    roadmap_year=roadmap.get(uid),
                    gaps=g[2] if g else None,
                    gap_count=g[1] if g and g[2] is None else None,
                    evaluated_year=g[0] if g else None,
                )
            )
        achieved = {r["year"]: r["actual"] for r in t["rows"]}
        years = forecast.forecast_years(
            years=remaining, targets=spec.by_year, achieved=achieved, candidates=candidates, max_gaps=max_gaps
        )
        out["targets"].append(
            {
                "code": t["code"],
                "name": t["name"],
                "standard_labels": t["standard_labels"],
                "years": [
                    {
                        "year": yf.year,
                        "target": yf.target,
                        "achieved": yf.achieved,
                        "expected": yf.expected,
                        "shortfall": yf.shortfall,
                        "at_risk": yf.at_risk,
                        "from_roadmap_only": yf.from_roadmap_only,
                        "planned": yf.planned,
                        "counts": {
                            s: len(yf.with_status(s))
                            for s in (
                                forecast.READY,
                                forecast.CLOSE,
                                forecast.LATER,
                                forecast.FAR,
                                forecast.UNKNOWN,
                            )
                        },
                        "units": [
                            {
                                "unit_id": u.candidate.unit_id,
                                "name": u.candidate.name,
                                "district": u.candidate.district,
                                "status": u.status,
                                "gaps": list(u.candidate.gaps) if u.candidate.gaps is not None else None,
                                "gaps_text": u.gaps_text,
                                "evaluated_year": u.candidate.evaluated_year,
                                "roadmap_year": u.candidate.roadmap_year,
                                "behind_roadmap": u.behind_roadmap,
                            }
                            for u in yf.units
                            if u.status in (forecast.READY, forecast.CLOSE, forecast.LATER)
                        ],
                    }
                    for yf in years
                ],
            }
        )
    return out


# --- obligations and reports ------------------------------------------------------------------


def _case_states(report_ids) -> dict[int, str]:
    """The workflow state of each report (`report_ids` a list or a subquery of report ids)."""
    from django.db.models import QuerySet

    ct = ContentType.objects.get_for_model(Report)
    ids = report_ids if isinstance(report_ids, QuerySet) else list(report_ids)
    return dict(
        WorkflowCase.objects.filter(content_type=ct, object_id__in=ids)
        .order_by()
        .values_list("object_id", "state__code")
    )


STATE_LABELS = {
    "draft": "Đang soạn",
    "submitted": "Đã nộp",
    "returned": "Bị trả lại",
    "accepted": "Đã tiếp nhận",
}


def obligations_data(
    movement: Movement, *, today: dt.date | None = None, year: int | None = None, user=None
) -> dict:
    """Every obligation with its report's state and timeliness (on time, late, missing, pending), and
    completeness per participant and year. A participant's own officer sees only theirs."""
    today = today or timezone.localdate()
    qs = (
        Obligation.objects.filter(participant__movement=movement)
        .select_related("participant__organisation", "participant__unit", "section", "report")
        .order_by("participant__kind", "participant__organisation__name", "year", "due_date")
    )
    if year:
        qs = qs.filter(year=year)
    if user is not None:  # those who consolidate see every participant's; an officer, their own
        qs = permissions.restrict(qs, user, "movement.consolidate") | permissions.restrict(
            qs, user, "movement.report.edit"
        )
    rows = list(qs)
    reports = {ob.pk: getattr(ob, "report", None) for ob in rows}
    states = _case_states([r.pk for r in reports.values() if r is not None])
    by_participant: dict[int, dict] = {}
    per_year: dict[int, list[str]] = defaultdict(list)
    items = []
    for ob in rows:
        report = reports.get(ob.pk)
        first = (
            timezone.localdate(report.first_submitted_at) if report and report.first_submitted_at else None
        )
        status = obligations.timeliness(
            due=ob.due_date, first_submitted=first, today=today, late_mark=ob.late
        )
        item = {
            "id": ob.pk,
            "participant_id": ob.participant_id,
            "participant": str(ob.participant),
            "participant_kind": ob.participant.get_kind_display(),
            "kind": ob.kind,
            "kind_label": ob.get_kind_display(),
            "year": ob.year,
            "due_date": ob.due_date,
            "section": ob.section.number if ob.section else "",
            "report_id": report.pk if report else None,
            "state": states.get(report.pk) if report else None,
            "state_label": STATE_LABELS.get(states.get(report.pk), "") if report else "",
            "first_submitted": first,
            "status": status,
            "status_label": obligations.LABELS[status],
            "late": ob.late,
        }
        items.append(item)
        entry = by_participant.setdefault(
            ob.participant_id,
            {"participant": str(ob.participant), "kind": ob.participant.get_kind_display(), "statuses": []},
        )
        entry["statuses"].append(status)
        per_year[ob.year].append(status)
    summary = []
    for pid, entry in by_participant.items():
        c = obligations.completeness(entry["statuses"])
        summary.append(
            {
                "participant_id": pid,
                "participant": entry["participant"],
                "kind": entry["kind"],
                "owed": c.owed,
                "on_time": c.on_time,
                "late": c.late,
                "missing": c.missing,
                "pending": c.pending,
                "share_submitted": c.share_submitted,
            }
        )
    years = []
    for y in sorted(per_year):
        c = obligations.completeness(per_year[y])
        years.append(
            {
                "year": y,
                "owed": c.owed,
                "on_time": c.on_time,
                "late": c.late,
                "missing": c.missing,
                "pending": c.pending,
            }
        )
    return {"today": today, "items": items, "by_participant": summary, "by_year": years}


def report_or_404(user, pk) -> Report:
    qs = Report.objects.select_related(
        "obligation__participant__organisation",
        "obligation__participant__movement",
        "obligation__section",
    )
    try:
        return _participants_business(qs, user).get(pk=pk)
    except (Report.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy báo cáo") from None


def obligation_or_404(user, pk) -> Obligation:
    qs = Obligation.objects.select_related("participant__organisation", "participant__movement")
    try:
        return _participants_business(qs, user).get(pk=pk)
    except (Obligation.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy nghĩa vụ báo cáo") from None


# --- consolidation ------------------------------------------------------------------------------


def _district_of(participant: Participant) -> str:
    if participant.kind in ("district_committee", "commune_committee"):
        return participant.unit.name
    return "Cấp tỉnh"


def consolidation(
    movement: Movement, *, year: int, kinds=("annual_report",), states=("submitted", "accepted")
) -> dict:
    """A year's reports merged for Sở Nội vụ: totals, by participant, by district, by source of
    resources. Counts reports in `states` (submitted and accepted by default). Plain data."""
    reports = list(
        Report.objects.filter(
            obligation__participant__movement=movement,
            obligation__year=year,
            obligation__kind__in=list(kinds),
        )
        .select_related("obligation__participant__organisation", "obligation__participant__unit")
        .order_by("obligation__participant__organisation__name")
    )
    case_states = _case_states(
        Report.objects.filter(
            obligation__participant__movement=movement,
            obligation__year=year,
            obligation__kind__in=list(kinds),
        )
        .order_by()
        .values("pk")
    )
    included = [r for r in reports if case_states.get(r.pk) in states]
    totals = dict.fromkeys(REPORT_NUMBER_FIELDS, 0)
    by_participant = []
    by_district: dict[str, dict] = {}
    for r in included:
        p = r.obligation.participant
        values = {f: getattr(r, f) for f in REPORT_NUMBER_FIELDS}
        for f, v in values.items():
            totals[f] += v
        resources = sum(values[f] for f in RESOURCE_FIELDS)
        by_participant.append(
            {
                "participant": str(p),
                "kind": p.get_kind_display(),
                "state": STATE_LABELS.get(case_states.get(r.pk), ""),
                "late": r.obligation.late,
                "resources": resources,
                **values,
            }
        )
        d = by_district.setdefault(
            _district_of(p),
            {
                "district": _district_of(p),
                "reports": 0,
                "resources": 0,
                **dict.fromkeys(REPORT_NUMBER_FIELDS, 0),
            },
        )
        d["reports"] += 1
        d["resources"] += resources
        for f, v in values.items():
            d[f] += v
    owed = Obligation.objects.filter(participant__movement=movement, year=year, kind__in=list(kinds)).count()
    return {
        "year": year,
        "kinds": list(kinds),
        "owed": owed,
        "included": len(included),
        "totals": totals,
        "resources_total": sum(totals[f] for f in RESOURCE_FIELDS),
        "by_source": [{"source": k, "label": SOURCE_LABELS[k], "amount": totals[k]} for k in RESOURCE_FIELDS],
        "by_participant": by_participant,
        "by_district": sorted(
            by_district.values(), key=lambda d: (d["district"] != "Cấp tỉnh", d["district"])
        ),
    }


def reporting_summary(
    movement: Movement, *, years, kinds=("annual_report",), states=("submitted", "accepted")
) -> list[dict]:
    """Per year, what the charts show of the consolidation: reports owed, included (in `states`), late
    among them, and the resources mobilised by source — the same figures as `consolidation`, for many
    years in three queries (the charts page asks for every year of the plan at once)."""
    from django.db.models import Count

    years = sorted(set(years))
    owed = dict(
        Obligation.objects.filter(participant__movement=movement, year__in=years, kind__in=list(kinds))
        .order_by()
        .values_list("year")
        .annotate(n=Count("id"))
    )
    reports = Report.objects.filter(
        obligation__participant__movement=movement,
        obligation__year__in=years,
        obligation__kind__in=list(kinds),
    ).order_by()
    case_states = _case_states(reports.values("pk"))
    out = {
        y: {"year": y, "owed": owed.get(y, 0), "included": 0, "late": 0, **dict.fromkeys(RESOURCE_FIELDS, 0)}
        for y in years
    }
    for pk, year, late, *amounts in reports.values_list(
        "pk", "obligation__year", "obligation__late", *RESOURCE_FIELDS
    ):
        if case_states.get(pk) not in states:
            continue
        row = out[year]
        row["included"] += 1
        row["late"] += 1 if late else 0
        for f, v in zip(RESOURCE_FIELDS, amounts, strict=True):
            row[f] += v or 0
    return [
        {
            **{k: v for k, v in out[y].items() if k not in RESOURCE_FIELDS},
            "by_source": [
                {"source": k, "label": SOURCE_LABELS[k], "amount": out[y][k]} for k in RESOURCE_FIELDS
            ],
        }
        for y in years
    ]


def unit_groups(movement: Movement) -> dict[int, int]:
    return dict(UnitGroup.objects.filter(movement=movement).values_list("unit_id", "group"))


def groups_data(movement: Movement) -> tuple[dt.date, list[dict]]:
    """The movement's communes on its reference date, by name, each with its district and its group
    (QĐ 51/2025; None when not assigned): what the groups page, its download and the API show."""
    on = reference_date(movement)
    groups = unit_groups(movement)
    units = sorted(sources.units_on(set(movement_units(movement)), on, "commune"), key=lambda u: u["name"])
    for u in units:
        u["group"] = groups.get(u["unit_id"])
    return on, units


def inspector_accounts():
    """The active accounts holding the inspection team member role (who may be named on a team)."""
    from django.contrib.auth import get_user_model

    from chungsuc.accounts.models import Role

    return (
        get_user_model()
        .objects.filter(memberships__role=Role.INSPECTOR, memberships__active=True, is_active=True)
        .distinct()
        .order_by("last_name", "username")
    )


def inspection_team_or_404(user, pk: int):
    """An inspection team, read as its movement is read (404 otherwise, the same for a missing one)."""
    from chungsuc.movements.models import InspectionTeam

    team = InspectionTeam.objects.select_related("movement", "decision").filter(pk=pk).first()
    if team is None:
        raise Http404(_("Không tìm thấy đoàn kiểm tra"))
    movement_or_404(user, team.movement_id)
    return team


# --- roadmaps -----------------------------------------------------------------------------------


def roadmap_data(movement: Movement, *, on: dt.date | None = None) -> dict:
    """Registered roadmaps (the year each unit aims for each standard) totalled by year beside the
    targets of the same standard, and each unit's status: recognised (by the register), behind its
    roadmap (its year has passed without recognition) or on track. Plain data."""
    on = on or timezone.localdate()
    version = version_in_force(movement, on)
    specs = target_specs(version) if version else []
    rows = list(
        Roadmap.objects.filter(movement=movement).select_related("unit").order_by("year", "unit__name")
    )
    standards = sorted({r.standard for r in rows})
    held: dict[str, set[int]] = {
        s: sources.holders({r.unit_id for r in rows if r.standard == s}, [s], on) for s in standards
    }
    units = []
    for r in rows:
        recognised = r.unit_id in held.get(r.standard, set())
        behind = not recognised and r.year < on.year
        units.append(
            {
                "unit_id": r.unit_id,
                "name": r.unit.name,
                "standard": r.standard,
                "standard_label": STANDARD_LABELS.get(r.standard, r.standard),
                "year": r.year,
                "note": r.note,
                "recognised": recognised,
                "behind": behind,
            }
        )
    by_standard = []
    for s in standards or sorted({st for t in specs for st in t.standards}):
        target = next((t for t in specs if s in t.standards and t.level == "commune"), None) or next(
            (t for t in specs if s in t.standards), None
        )
        years = []
        for y in movement.years:
            planned = sum(1 for u in units if u["standard"] == s and u["year"] == y)
            t = target.by_year.get(y, 0) if target else 0
            years.append({"year": y, "target": t, "planned": planned, "short": max(0, t - planned)})
        by_standard.append(
            {
                "standard": s,
                "label": STANDARD_LABELS.get(s, s),
                "target": target.code if target else "",
                "years": years,
            }
        )
    return {
        "on": on,
        "units": units,
        "by_standard": by_standard,
        "behind": sum(1 for u in units if u["behind"]),
    }


# --- pilot units ---------------------------------------------------------------------------------


def pilots_data(movement: Movement, *, on: dt.date | None = None) -> dict:
    """The pilot units with the year they aim for and, from the register, when they reached the
    standard (new-rural for pilot communes and districts, advanced for the advanced district)."""
    from chungsuc.movements.models import PilotUnit

    on = on or timezone.localdate()
    rows = list(
        PilotUnit.objects.filter(movement=movement)
        .select_related("unit")
        .order_by("kind", "year", "unit__name")
    )
    start, end = _period(movement)
    wanted = {"advanced_district": ["advanced"]}
    found: dict[tuple[int, str], dt.date] = {}
    for r in sources.recognitions(
        {p.unit_id for p in rows}, dt.date(2000, 1, 1), on, ["ntm", "task_completed", "advanced"]
    ):
        key = (r["unit_id"], r["standard"])
        found[key] = min(found.get(key, r["since"]), r["since"])
    items = []
    for p in rows:
        standards = wanted.get(p.kind, ["ntm", "task_completed"])
        dates = [found[(p.unit_id, s)] for s in standards if (p.unit_id, s) in found]
        reached = min(dates) if dates else None
        items.append(
            {
                "id": p.pk,
                "unit_id": p.unit_id,
                "name": p.unit.name,
                "kind": p.kind,
                "kind_label": p.get_kind_display(),
                "year": p.year,
                "instrument": p.instrument,
                "source": p.source,
                "verified": p.verified,
                "active": p.active,
                "note": p.note,
                "reached": reached,
                "late": bool(
                    p.year
                    and p.active
                    and (reached is None and p.year < on.year or reached and reached.year > p.year)
                ),
            }
        )
    counts = {}
    for i in items:
        if i["active"]:
            c = counts.setdefault(i["kind_label"], {"kind": i["kind_label"], "total": 0, "reached": 0})
            c["total"] += 1
            c["reached"] += int(i["reached"] is not None and i["reached"] <= end)
    return {
        "on": on,
        "items": items,
        "counts": list(counts.values()),
        "unverified": sum(1 for i in items if not i["verified"]),
    }


# --- versions and amendments --------------------------------------------------------------------


def versions_compared(movement: Movement) -> dict:
    """Every version's targets side by side: one row per (target, year), one column per version."""
    versions = list(movement.versions.prefetch_related("targets__years").order_by("number"))
    rows: dict[tuple[str, int], dict] = {}
    names: dict[str, str] = {}
    for v in versions:
        for t in v.targets.all():
            names.setdefault(t.code, t.name)
            for ty in t.years.all():
                rows.setdefault((t.code, ty.year), {})[v.number] = ty.count
    out = []
    for (code, year), counts in sorted(
        rows.items(), key=lambda kv: ([int(p) if p.isdecimal() else p for p in kv[0][0].split(".")], kv[0][1])
    ):
        values = [counts.get(v.number) for v in versions]
        out.append(
            {
                "code": code,
                "name": names[code],
                "year": year,
                "values": values,
                "changed": len(set(values)) > 1,
            }
        )
    return {
        "versions": [
            {"number": v.number, "valid_from": v.valid_from, "reason": v.reason, "decision": v.decision_text}
            for v in versions
        ],
        "rows": out,
    }


def amendments_for(user, movement: Movement):
    from chungsuc.movements.models import Amendment

    qs = Amendment.objects.filter(movement=movement).select_related(
        "proposed_by__organisation", "decision", "version"
    )
    # Sở Nội vụ's own proposals (no participant) are shown to everyone who sees the movement
    return list(_participants_business(qs, user) | qs.filter(proposed_by__isnull=True))


# --- clusters -----------------------------------------------------------------------------------


def cluster_data(cluster, *, year: int) -> dict:
    """A cluster's members for the year, the scoring table, the score matrix and the ranking."""
    from chungsuc.movements import clusters as ranking
    from chungsuc.movements.models import ClusterScore

    members = list(
        cluster.members.filter(year=year)
        .select_related("participant__organisation")
        .order_by("participant__organisation__name")
    )
    criteria = list(cluster.movement.scoring_criteria.all())
    scores = list(ClusterScore.objects.filter(cluster=cluster, year=year).select_related("criterion"))
    lines = [ranking.ScoreLine(s.scored_id, s.scorer_id, s.criterion.code, float(s.points)) for s in scores]
    names = {m.participant_id: str(m.participant) for m in members}
    table = ranking.standings([m.participant_id for m in members], lines)
    given: dict[tuple[int, int], float] = {}
    for line in lines:
        given[(line.scorer, line.scored)] = given.get((line.scorer, line.scored), 0.0) + line.points
    return {
        "year": year,
        "members": [{"participant_id": m.participant_id, "name": names[m.participant_id]} for m in members],
        "criteria": [
            {
                "code": c.code,
                "name": c.name,
                "max_points": c.max_points,
                "verified": c.verified,
                "source": c.source,
            }
            for c in criteria
        ],
        "max_total": sum(c.max_points for c in criteria),
        "ranking": [
            {
                "rank": s.rank,
                "participant_id": s.member,
                "name": names[s.member],
                "self_total": s.self_total,
                "cross_average": s.cross_average,
                "cross_scorers": s.cross_scorers,
                "only_self": s.only_self,
            }
            for s in table
        ],
        "matrix": [{"scorer": names[a], "cells": [given.get((a, b)) for b in names]} for a in names],
        "evidence": [
            {
                "scorer": names.get(s.scorer_id, ""),
                "scored": names.get(s.scored_id, ""),
                "criterion": s.criterion.code,
                "points": float(s.points),
                "evidence": s.evidence,
            }
            for s in scores
            if s.evidence
        ],
    }


# --- exemplary models ---------------------------------------------------------------------------


def models_for(user, movement: Movement):
    """The movement's models: every one for its officials; published ones, for the portal, via
    `published_models`."""
    from chungsuc.movements.models import ExemplaryModel

    return (
        ExemplaryModel.objects.filter(movement=movement)
        .select_related("unit", "proposed_by__organisation")
        .prefetch_related("replications__unit")
    )


def model_or_404(user, pk):
    from chungsuc.movements.models import ExemplaryModel

    try:
        model = ExemplaryModel.objects.select_related("movement", "unit", "proposed_by__organisation").get(
            pk=pk
        )
    except (ExemplaryModel.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy mô hình") from None
    movement_or_404(user, model.movement_id)
    return model


def published_models(movement: Movement | None = None) -> list[dict]:
    """Published models for the public portal (no login): plain data, nothing internal."""
    from chungsuc.movements.models import ExemplaryModel

    qs = ExemplaryModel.objects.filter(state=ExemplaryModel.State.PUBLISHED).select_related(
        "unit", "movement"
    )
    if movement is not None:
        qs = qs.filter(movement=movement)
    return [
        {
            "id": m.pk,
            "title": m.title,
            "kind": m.get_kind_display(),
            "who": m.who,
            "where": m.unit.name,
            "description": m.description,
            "links": m.links,
            "published_at": m.published_at,
            "movement": str(m.movement),
            "is_demo": m.movement.is_demo,
            "replicated_in": [r.unit.name for r in m.replications.select_related("unit")],
        }
        for m in qs.order_by("-published_at")
    ]


# --- inspections --------------------------------------------------------------------------------


def inspection_or_404(user, pk):
    from chungsuc.movements.models import Inspection

    try:
        inspection = Inspection.objects.select_related("movement__province", "unit", "conclusion").get(pk=pk)
    except (Inspection.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy cuộc kiểm tra") from None
    movement_or_404(user, inspection.movement_id)
    return inspection


def inspections_for(user, movement: Movement | None = None):
    """Inspections of the movements the user may see (newest first)."""
    from chungsuc.movements.models import Inspection

    qs = Inspection.objects.select_related("movement", "unit", "conclusion")
    if movement is not None:
        return qs.filter(movement=movement)
    return qs.filter(movement__in=movements_for(user).values("pk"))


def _team_members(inspection) -> list[str]:
    """The members other than the leader as the conclusion names them: from the team's record
    ("Nguyễn Văn B, Phó Giám đốc Sở Nội vụ") when the inspection has one, else the accounts."""
    if inspection.team_id:
        out = []
        for m in inspection.team.members.select_related("organisation"):
            if m.role == "leader":
                continue
            where = ", ".join(x for x in (m.position, m.organisation.name if m.organisation else "") if x)
            out.append(f"{m.full_name} ({where})" if where else m.full_name)
        return out
    return [u.get_full_name() or u.username for u in inspection.members.order_by("last_name")]


def inspection_data(inspection, *, on: dt.date | None = None) -> dict:
    """An inspection as plain data for its conclusion document: the team, the unit, the checklist's
    results with their notes, the recommendations with their deadlines and follow-up."""
    from chungsuc.geo.selectors import version_of

    on = on or timezone.localdate()
    day = inspection.inspected_on or inspection.planned_on or dt.date(inspection.year, 12, 31)
    version = version_of(inspection.unit, day)
    findings = {f.item_id: f for f in inspection.findings.all()}
    items = []
    for item in inspection.movement.checklist.select_related("section"):
        f = findings.get(item.pk)
        items.append(
            {
                "code": item.code,
                "text": item.text,
                "section": item.section.number if item.section else "",
                "result": f.result if f else None,
                "result_label": f.get_result_display() if f else "",
                "note": f.note if f else "",
            }
        )
    return {
        "id": inspection.pk,
        "movement": str(inspection.movement),
        "movement_act": inspection.movement.act_reference,
        "movement_act_date": inspection.movement.act_date,
        "issuing_body": inspection.movement.issuing_body,
        "is_demo": inspection.movement.is_demo,
        "year": inspection.year,
        "team": inspection.team_name,
        "leader": inspection.leader,
        "members": _team_members(inspection),
        "team_decision": (
            {"reference": inspection.team.decision.reference, "issued_on": inspection.team.decision.issued_on}
            if inspection.team_id and inspection.team.decision_id
            else None
        ),
        "unit": version.name if version else inspection.unit.name,
        "unit_parent": version.parent.name if version and version.parent else "",
        "planned_on": inspection.planned_on,
        "inspected_on": inspection.inspected_on,
        "state": inspection.state,
        "items": items,
        "recommendations": [
            {
                "text": r.text,
                "due_date": r.due_date,
                "done_on": r.done_on,
                "follow_up": r.follow_up,
                "status": r.status(on),
            }
            for r in inspection.recommendations.all()
        ],
        "conclusion": (
            {
                "number": inspection.conclusion.number,
                "symbol": inspection.conclusion.symbol,
                "issued_on": inspection.conclusion.issued_on,
                "issuing_body": inspection.conclusion.issuing_body,
                "signer_name": inspection.conclusion.signer_name,
                "signer_title": inspection.conclusion.signer_title,
            }
            if inspection.conclusion_id
            else None
        ),
    }
