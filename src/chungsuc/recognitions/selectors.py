"""Reads of the recognitions app. Officials' reads go through `accounts.selectors` scoping; public reads
(consultations on the portal, the list of recognised units) show only what is published."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from chungsuc.assessments.models import STANDARD_RANK, Assessment, EvaluationResult
from chungsuc.assessments.selectors import _scoped, latest_result_subquery
from chungsuc.core.text import fmt_number, fold
from chungsuc.recognitions.models import (
    ConditionCheck,
    Consultation,
    RecognitionCondition,
    RecognitionRecord,
    SatisfactionSurvey,
)


def satisfaction(consultation: Consultation) -> dict:
    """Public feedback on the portal (comments not hidden by moderation): counts and the share of
    answers that said "satisfied". Shown beside the official survey, never counted into it."""
    comments = consultation.comments.filter(hidden_at__isnull=True)
    answered = [c.satisfied for c in comments if c.satisfied is not None]
    yes = sum(1 for s in answered if s)
    rate = round(100.0 * yes / len(answered), 1) if answered else None
    return {"comments": len(comments), "answered": len(answered), "satisfied": yes, "rate": rate}


def official_survey(assessment: Assessment) -> SatisfactionSurvey | None:
    return SatisfactionSurvey.objects.filter(assessment=assessment).select_related("recorded_by").first()


def public_comments(consultation: Consultation) -> QuerySet:
    """The comments the portal shows: with text, not hidden by moderation."""
    return consultation.comments.filter(hidden_at__isnull=True).exclude(text="")


def published_result(consultation: Consultation) -> dict | None:
    """What the consultation published: the snapshot taken when it opened. A consultation opened
    before snapshots were kept shows the last evaluation stored by its opening day, never live values."""
    if consultation.snapshot:
        return consultation.snapshot
    day_end = timezone.make_aware(dt.datetime.combine(consultation.opens_on, dt.time.max))
    stored = (
        EvaluationResult.objects.filter(assessment_id=consultation.assessment_id, evaluated_at__lte=day_end)
        .order_by("-id")
        .first()
    )
    if stored is None:
        return None
    return {
        "evaluated_at": stored.evaluated_at.isoformat(),
        "criteria_met": stored.criteria_met,
        "criteria_total": stored.criteria_total,
        "standard_met": stored.standard_met,
        "criteria": [{"code": c, "name": "", "status": st} for c, st in stored.criteria.items()],
    }


def conditions_for(assessment: Assessment) -> QuerySet:
    """The conditions of recognition that apply to this dossier's framework and level."""
    level = assessment.framework.level or assessment.unit.level
    return RecognitionCondition.objects.filter(framework_code__in=["", assessment.framework.code]).filter(
        Q(levels="") | Q(levels__contains=level)
    )


def conditions_status(assessment: Assessment, evaluation=None) -> list[dict]:
    """Each recognition condition with whether it holds now and why (data from QĐ 318). The criteria
    condition follows the dossier's live evaluation (`evaluation`, or evaluated here), so the panel
    and the decision agree with the sheet the official sees; the failing criteria are named."""
    from chungsuc.assessments.evaluation import evaluate_one

    out = []
    checks = {c.condition_id: c for c in ConditionCheck.objects.filter(assessment=assessment)}
    conditions = list(conditions_for(assessment))
    result = None
    if any(c.kind == RecognitionCondition.Kind.CRITERIA for c in conditions):
        result = evaluation if evaluation is not None else evaluate_one(assessment)
    for cond in conditions:
        item = {
            "pk": cond.pk,
            "code": cond.code,
            "name": cond.name,
            "kind": cond.kind,
            "verified": cond.verified,
            "source": cond.source,
        }
        if cond.kind == RecognitionCondition.Kind.CRITERIA:
            met = bool(result.standard_met)
            failing = [f"{c.code}. {c.name}" for c in result.criteria if not c.met]
            detail = f"{result.criteria_met}/{result.criteria_total} tiêu chí"
            if failing and not met:
                detail += "; chưa đạt: " + ", ".join(failing)
            item.update(met=met, detail=detail, failing=failing)
        elif cond.kind == RecognitionCondition.Kind.SATISFACTION:
            # The official survey only (attested); web comments never count (issue 7 §6).
            survey = official_survey(assessment)
            rate = survey.rate if survey is not None and survey.attested else None
            met = rate is not None and cond.threshold is not None and rate >= cond.threshold
            required = fmt_number(cond.threshold) if cond.threshold is not None else "—"
            if survey is None:
                detail = "Chưa có kết quả lấy ý kiến chính thức"
            elif not survey.attested:
                detail = (
                    f"Đã ghi {fmt_number(survey.rate)}% hài lòng ({survey.satisfied}/{survey.surveyed}), "
                    "chờ xác nhận"
                )
            else:
                detail = (
                    f"{fmt_number(rate)}% hài lòng ({survey.satisfied}/{survey.surveyed}, lấy ý kiến ngày "
                    f"{survey.conducted_on:%d/%m/%Y}), yêu cầu ≥ {required}%"
                )
            item.update(met=met, detail=detail)
        else:
            check = checks.get(cond.pk)
            item.update(
                met=bool(check and check.met),
                attested=check is not None,
                detail=(check.note or "Đã xác nhận") if check else "Chưa xác nhận",
            )
        out.append(item)
    return out


def open_consultations() -> QuerySet:
    today = timezone.localdate()
    return (
        Consultation.objects.filter(closed_at__isnull=True, opens_on__lte=today, closes_on__gte=today)
        .select_related("assessment__unit", "assessment__framework")
        .order_by("closes_on")
    )


def public_consultation_or_404(pk) -> Consultation:
    return get_object_or_404(
        Consultation.objects.select_related("assessment__unit", "assessment__framework"), pk=pk
    )


def register_as_of(on: dt.date | None = None, *, standard: str = "", q: str = "") -> QuerySet:
    on = on or timezone.localdate()
    qs = RecognitionRecord.objects.as_of(on).select_related("unit", "decision")
    if standard:
        qs = qs.filter(standard=standard)
    if q:
        key = fold(q)
        qs = qs.filter(Q(unit__search_name__contains=key) | Q(unit__code=q.strip()))
    return qs.order_by("unit__code", "standard")


def unit_recognition_history(unit) -> QuerySet:
    """Every register entry of the unit, past and present (revoked ones with their revocation)."""
    return (
        RecognitionRecord.objects.filter(unit=unit)
        .select_related("decision", "revocation")
        .order_by("-since", "standard")
    )


def highest_standards(on: dt.date | None = None) -> dict[int, RecognitionRecord]:
    best: dict[int, RecognitionRecord] = {}
    for rec in register_as_of(on):
        cur = best.get(rec.unit_id)
        if cur is None or STANDARD_RANK.get(rec.standard, 0) > STANDARD_RANK.get(cur.standard, 0):
            best[rec.unit_id] = rec
    return best


def unit_standards(unit, on: dt.date | None = None) -> dict:
    """The unit's own recognitions as of `on`, and its predecessors' (through merges), with the flag
    that a unit formed by a merger needs its own assessment."""
    from chungsuc.geo.models import LineageLink

    on = on or timezone.localdate()
    own = list(RecognitionRecord.objects.as_of(on).filter(unit=unit).order_by("since"))
    inherited = []
    links = (
        LineageLink.objects.filter(successor=unit)
        .exclude(predecessor=unit)
        .select_related("event", "predecessor")
    )
    for link in links:
        day_before = link.event.date - dt.timedelta(days=1)
        for rec in (
            RecognitionRecord.objects.as_of(day_before).filter(unit=link.predecessor).order_by("since")
        ):
            inherited.append(
                {
                    "record": rec,
                    "predecessor": link.predecessor,
                    "event": link.event,
                    "verified": link.verified,
                }
            )
    merged = links.exists()
    return {
        "own": own,
        "inherited": inherited,
        "needs_own_assessment": merged and not own,
    }


def _failing_latest_results(user, on: dt.date) -> QuerySet:
    """The latest results that fail, of the latest-year assessment per (unit in scope, standard held on
    `on`). One statement: "none later for the same unit and standard" is an anti-join rather than a
    correlated "max year" per row; the latest result per assessment is one GROUP BY."""
    from django.db.models import Exists, Max

    holds = RecognitionRecord.objects.as_of(on).filter(
        unit_id=OuterRef("unit_id"), standard=OuterRef("framework__standard")
    )
    later = Assessment.objects.filter(
        unit_id=OuterRef("unit_id"),
        framework__standard=OuterRef("framework__standard"),
        year__gt=OuterRef("year"),
    )
    candidates = _scoped(user, Assessment.objects.filter(Exists(holds)).filter(~Exists(later)))
    latest_ids = (
        EvaluationResult.objects.filter(assessment__in=candidates.values("pk"))
        .order_by()
        .values("assessment_id")
        .annotate(latest=Max("id"))
        .values("latest")
    )
    return EvaluationResult.objects.filter(id__in=latest_ids, standard_met=False)


def regression_rows(user, on: dt.date | None = None, *, failing: bool = True) -> list[dict]:
    """The regression watch as plain rows — unit id, year, standard held, the codes of the criteria not
    met — with no model instance built: what the charts page and its exports read at national scale
    (thousands of rows). Unordered (the caller orders by its own tree). With `failing=False` each row
    carries its result's id instead of the codes, for `failing_criteria` to give for the rows a page
    shows: the criteria's statuses are most of the read (6,000 regressions: 80 ms of 190 on PostgreSQL)."""
    on = on or timezone.localdate()
    qs = _failing_latest_results(user, on)
    keys = ("assessment__unit_id", "assessment__year", "assessment__framework__standard")
    if not failing:
        return [
            {"unit_id": unit_id, "year": year, "standard": standard, "result_id": pk}
            for unit_id, year, standard, pk in qs.values_list(*keys, "pk")
        ]
    from chungsuc.assessments.selectors import criteria_text, decode_criteria

    return [
        {"unit_id": unit_id, "year": year, "standard": standard, "failing": _not_met(decode_criteria(crit))}
        for unit_id, year, standard, crit in qs.annotate(criteria_json=criteria_text()).values_list(
            *keys, "criteria_json"
        )
    ]


def _not_met(statuses: dict) -> list[str]:
    return [c for c, st in statuses.items() if st == "not_met"]


def failing_criteria(result_ids) -> dict[int, list[str]]:
    """The codes of the criteria not met in each of these results (by result id)."""
    from chungsuc.assessments.selectors import criteria_text, decode_criteria

    return {
        pk: _not_met(decode_criteria(crit))
        for pk, crit in EvaluationResult.objects.filter(pk__in=list(result_ids))
        .annotate(criteria_json=criteria_text())
        .values_list("pk", "criteria_json")
    }


def regression_watch(user, on: dt.date | None = None, *, limit: int | None = None) -> list[dict]:
    """Recognised units (in scope) whose latest evaluated assessment no longer meets their standard.

    Set-at-a-time, whatever the number of recognised units (national scale: thousands): one query for
    the latest results that fail, then the failing assessments (the first `limit` by unit code, if
    given) with their units, and criterion names once per framework."""

    on = on or timezone.localdate()
    failing_results = _failing_latest_results(user, on)
    failing_qs = (
        Assessment.objects.filter(pk__in=failing_results.values("assessment_id"))
        .select_related("unit", "framework")
        .defer("packed")
        .annotate(latest_id=Subquery(latest_result_subquery().values("id")[:1]))
        .order_by("unit__code", "year", "id")
    )
    if limit is not None:
        failing_qs = failing_qs[:limit]
    failing_qs = list(failing_qs)
    results = EvaluationResult.objects.in_bulk([a.latest_id for a in failing_qs])
    out = []
    names: dict[tuple[int, str], str] = {}
    for a in failing_qs:
        res = results[a.latest_id]
        failing = [c for c, st in res.criteria.items() if st == "not_met"]
        if (a.framework_id, "") not in names:
            for c in a.framework.criteria.all():
                names[(a.framework_id, c.code)] = c.name
            names[(a.framework_id, "")] = ""
        out.append(
            {
                "assessment": a,
                "unit": a.unit,
                "standard": a.framework.get_standard_display(),
                "result": res,
                "failing": [(c, names.get((a.framework_id, c), "")) for c in failing],
                "missing": [c for c, st in res.criteria.items() if st == "missing"],
            }
        )
    return sorted(out, key=lambda x: (x["unit"].code, x["assessment"].year))


def register_records() -> QuerySet:
    """Every register entry (settings.CHUNGSUC_REGISTER_RECORDS: assessments' derived indicators read it)."""
    return RecognitionRecord.objects.all()


def districts_at_recognition(records) -> dict[int, str]:
    """The district each commune of `records` belonged to on its recognition date (the tree as of
    that day: Thoại Sơn for Vĩnh Chánh in 2024), by record id; "" where there was no district (a
    district's own record, a commune after the two-tier reform of 1/7/2025). Two queries a page."""
    from chungsuc.geo.models import UnitLevel, UnitVersion

    records = list(records)
    if not records:
        return {}

    def on_day(versions, day):
        for v in versions:
            if (v.valid_from is None or v.valid_from <= day) and (v.valid_to is None or day <= v.valid_to):
                return v
        return None

    own: dict[int, list] = {}
    for v in UnitVersion.objects.filter(unit_id__in={r.unit_id for r in records}).only(
        "unit_id", "parent_id", "level", "valid_from", "valid_to"
    ):
        own.setdefault(v.unit_id, []).append(v)
    wanted = {}
    for r in records:
        v = on_day(own.get(r.unit_id, []), r.since) if r.since else None
        if v is not None and v.level == UnitLevel.COMMUNE and v.parent_id:
            wanted[r.pk] = v.parent_id
    parents: dict[int, list] = {}
    for v in UnitVersion.objects.filter(unit_id__in=set(wanted.values())).only(
        "unit_id", "name", "level", "valid_from", "valid_to"
    ):
        parents.setdefault(v.unit_id, []).append(v)
    out = {}
    by_id = {r.pk: r for r in records}
    for pk, parent_id in wanted.items():
        p = on_day(parents.get(parent_id, []), by_id[pk].since)
        out[pk] = p.name if p is not None and p.level == UnitLevel.DISTRICT else ""
    return out
