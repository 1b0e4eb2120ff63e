"""Reads of the assessments app. Officials' reads go through `accounts.selectors` scoping; public reads
(consultations on the portal, the list of recognised units) show only what is published."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from chungsuc.accounts import permissions
from chungsuc.assessments import derived, frameworks
from chungsuc.assessments.models import (
    Assessment,
    EvaluationResult,
    Evidence,
    QualitySettings,
    unpack,
)
from chungsuc.core.text import fold


def _scoped(user, qs: QuerySet, action: str = "assessment.view") -> QuerySet:
    """The rows the user reads, filtered in the database by the permission layer (one subquery on
    the unit closure, never an IN list of ids)."""
    return permissions.restrict(qs, user, action)


def is_latest_result():
    """A filter on results: the latest of each assessment (no later result of the same assessment), an
    anti-join on the (assessment, -id) index. At national scale (10,000 latest results among 60,000) it
    reads in 35 ms on SQLite and 78 ms on PostgreSQL where a GROUP BY of the latest ids took 50 and 127."""
    from django.db.models import Exists

    return ~Exists(
        EvaluationResult.objects.filter(assessment_id=OuterRef("assessment_id"), id__gt=OuterRef("id"))
    )


def criteria_text():
    """A result's criteria statuses as their stored JSON text, for `decode_criteria`: a page that reads
    thousands of results (the charts, the regression watch) decodes them with orjson at a tenth of the
    cost of the JSON field's own decoding, which was most of such a read."""
    from django.db.models import TextField
    from django.db.models.functions import Cast

    return Cast("criteria", TextField())


def decode_criteria(text: str | None) -> dict:
    """What `criteria_text` read, as the JSON field gives it ({criterion code: status})."""
    import orjson

    return orjson.loads(text) if text else {}


def latest_result_subquery():
    return EvaluationResult.objects.filter(assessment=OuterRef("pk")).order_by("-id")


def assessments_for(user, *, year: int | None = None, q: str = "", state: str = "") -> QuerySet:
    qs = _scoped(user, Assessment.objects.select_related("unit", "framework"))
    if year:
        qs = qs.filter(year=year)
    if q:
        key = fold(q)
        qs = qs.filter(Q(unit__search_name__contains=key) | Q(unit__code=q.strip()))
    latest = latest_result_subquery()
    qs = qs.annotate(
        latest_met=Subquery(latest.values("criteria_met")[:1]),
        latest_total=Subquery(latest.values("criteria_total")[:1]),
        latest_standard=Subquery(latest.values("standard_met")[:1]),
    )
    from django.contrib.contenttypes.models import ContentType

    from chungsuc.core.models import WorkflowCase

    ct = ContentType.objects.get_for_model(Assessment)
    cases = WorkflowCase.objects.filter(content_type=ct, object_id=OuterRef("pk")).order_by("-id")
    qs = qs.annotate(
        state_name=Subquery(cases.values("state__name")[:1]),
        state_code=Subquery(cases.values("state__code")[:1]),
        state_final=Subquery(cases.values("state__is_final")[:1]),
    )
    if state:
        qs = qs.filter(state_code=state)
    return qs.order_by("-year", "unit__code")


def assessment_counts_by_state(user) -> dict[str | None, int]:
    """The assessments in scope counted by the name of their workflow state — the state of their
    latest case, as `assessments_for` shows it; None for those without a case. Counted by GROUP BYs
    over the cases rather than a correlated subquery per assessment."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count, Max

    from chungsuc.core.models import WorkflowCase

    scoped = _scoped(user, Assessment.objects.all())
    ct = ContentType.objects.get_for_model(Assessment)
    latest_cases = (
        WorkflowCase.objects.filter(content_type=ct)
        .order_by()
        .values("object_id")
        .annotate(latest=Max("id"))
        .values("latest")
    )
    cases = WorkflowCase.objects.filter(id__in=latest_cases, object_id__in=scoped.order_by().values("pk"))
    counts: dict[str | None, int] = dict(cases.order_by().values_list("state__name").annotate(n=Count("id")))
    without_case = scoped.count() - sum(counts.values())
    if without_case:
        counts[None] = counts.get(None, 0) + without_case
    return counts


def assessment_or_404(user, pk) -> Assessment:
    return permissions.get_or_404(
        Assessment.objects.select_related("unit", "framework"),
        user,
        "assessment.view",
        pk,
        message="Không tìm thấy hồ sơ",
    )


def evidence_or_404(user, pk) -> Evidence:
    # the same words for "not yours" and "does not exist"
    return permissions.get_or_404(
        Evidence.objects.select_related("assessment"),
        user,
        "assessment.view",
        pk,
        message="Không tìm thấy minh chứng",
    )


def latest_result(assessment: Assessment) -> EvaluationResult | None:
    return assessment.results.order_by("-id").first()


def assessment_sheet(assessment: Assessment) -> dict:
    """Everything the assessment page shows: criteria with their indicators, values, comments,
    evidence, thresholds (with verified badges), history counts, progress."""
    from chungsuc.assessments.values import input_text

    efw = frameworks.engine_framework(assessment.framework)
    keys = frameworks.layout(efw)
    values = unpack(assessment.packed, keys) if assessment.packed else dict.fromkeys(keys)
    rows = {v.indicator_code: v for v in assessment.values.select_related("updated_by")}
    evidence: dict[str, list[Evidence]] = {}
    for ev in assessment.evidence.all():
        evidence.setdefault(ev.indicator_code, []).append(ev)
    ctx = frameworks.context_for(assessment.unit, assessment.year)
    criteria = []
    for crit in efw.criteria:
        items = []
        for ind in crit.indicators:
            for key, name, vtype, unit, is_input, decimals in [
                (ind.code, ind.name, ind.value_type, ind.unit, False, ind.decimals),
                *[(x.key, x.name, x.value_type, x.unit, True, x.decimals) for x in ind.inputs],
            ]:
                text, verified = frameworks.threshold_text(efw, ind.code, ctx) if not is_input else ("", True)
                row = rows.get(key)
                items.append(
                    {
                        "key": key,
                        "indicator": ind.code,
                        "name": name,
                        "value_type": vtype,
                        "unit": unit,
                        "is_input": is_input,
                        "derived": ind.derived is not None and not is_input,
                        "value": values.get(key),
                        "display": frameworks.display_value(values.get(key), vtype),
                        # the number as its field shows it, with the indicator's precision (80,0)
                        "shown": input_text(values.get(key), vtype, decimals),
                        "decimals": decimals,  # the precision the criteria set states, or None
                        "comment": row.comment if row else "",
                        "updated_by": row.updated_by if row else None,
                        "updated_at": row.updated_at if row else None,
                        "threshold": text,
                        "verified": verified,
                        "evidence": evidence.get(key, []) if not is_input else [],
                    }
                )
        criteria.append({"code": crit.code, "name": crit.name, "group": crit.group, "items": items})
    total = len(efw.indicators)
    filled = sum(1 for i in efw.indicators if values.get(i.code) is not None)
    return {
        "criteria": criteria,
        "filled": filled,
        "total": total,
        "percent": round(100 * filled / total) if total else 0,
        "general_evidence": evidence.get("", []),
    }


def value_history(assessment: Assessment, key: str):
    """The value's past versions, newest first, each with `shown`: the value as the sheet writes it
    (Đạt/Không đạt for pass/fail, 1.234,5 for numbers), never the stored float."""
    from chungsuc.assessments.models import AssessmentValue
    from chungsuc.assessments.values import format_value

    fields = {f.key: f for f in frameworks.fields(frameworks.engine_framework(assessment.framework))}
    rows = list(
        AssessmentValue.history.filter(assessment_id=assessment.pk, indicator_code=key).select_related(
            "history_user"
        )
    )
    for row in rows:
        field = fields.get(key)
        row.shown = (
            format_value(
                row.value, field.value_type if field else "number", field.decimals if field else None
            )
            or "—"
        )
    return rows


# --- quality flags ------------------------------------------------------------


def quality_flags(assessment: Assessment) -> dict[str, list[str]]:
    """Warnings for appraisers beside each value — never blocking: year-over-year jumps beyond the
    configured limits, pass/fail claimed met without evidence, contradictions between indicators."""
    settings_row = QualitySettings.objects.first() or QualitySettings()
    efw = frameworks.engine_framework(assessment.framework)
    keys = frameworks.layout(efw)
    current = unpack(assessment.packed, keys) if assessment.packed else {}
    flags: dict[str, list[str]] = {}
    previous = (
        Assessment.objects.filter(
            unit_id=assessment.unit_id, framework__code=assessment.framework.code, year__lt=assessment.year
        )
        .order_by("-year")
        .first()
    )
    types = {f.key: f.value_type for f in frameworks.fields(efw)}
    if previous is not None and previous.packed:
        prev_keys = frameworks.layout(frameworks.engine_framework(previous.framework))
        prev = unpack(previous.packed, prev_keys)
        for key, v in current.items():
            p = prev.get(key)
            if v is None or p is None:
                continue
            vt = types.get(key)
            if vt == "percentage" and abs(v - p) > settings_row.max_yoy_change_pct_points:
                flags.setdefault(key, []).append(
                    f"Thay đổi {v - p:+.1f} điểm % so với năm {previous.year} ({p:g}% → {v:g}%), vượt mức "
                    f"{settings_row.max_yoy_change_pct_points:g} điểm %."
                )
            elif vt in {"number", "count"} and p and abs(v - p) / abs(p) > settings_row.max_yoy_change_ratio:
                flags.setdefault(key, []).append(
                    f"Thay đổi {100 * (v - p) / abs(p):+.0f}% so với năm {previous.year} "
                    f"({p:g} → {v:g}), vượt mức "
                    f"{100 * settings_row.max_yoy_change_ratio:g}%."
                )
            elif vt == "pass_fail" and p < 0.5 <= v:
                pass
    with_evidence = set(assessment.evidence.values_list("indicator_code", flat=True))
    for crit in efw.criteria:
        claimed = [i.code for i in crit.indicators if current.get(i.code) is not None]
        if (
            claimed
            and len(claimed) == len(crit.indicators)
            and not (with_evidence & {i.code for i in crit.indicators})
        ):
            for code in claimed:
                if types.get(code) == "pass_fail" and current.get(code) == 1.0:
                    flags.setdefault(code, []).append(
                        f"Tiêu chí {crit.code} được kê khai đạt nhưng chưa có minh chứng nào."
                    )
    # Contradictions: a percentage at 100 % while a related pass/fail indicator of the same criterion is
    # "not met" (or the reverse: 0 % with "met") — a hint, not a rule.
    for crit in efw.criteria:
        pct = [
            i.code
            for i in crit.indicators
            if types.get(i.code) == "percentage" and current.get(i.code) is not None
        ]
        pf = [
            i.code
            for i in crit.indicators
            if types.get(i.code) == "pass_fail" and current.get(i.code) is not None
        ]
        for p in pct:
            for f in pf:
                if current[p] == 0 and current[f] == 1.0:
                    flags.setdefault(f, []).append(
                        _("Kê khai đạt trong khi chỉ tiêu %(p)s cùng tiêu chí là 0%%.") % {"p": p}
                    )
    return flags


def unverified_in_use(assessment: Assessment) -> int:
    efw = frameworks.engine_framework(assessment.framework)
    ctx = frameworks.context_for(assessment.unit, assessment.year)
    return sum(1 for i in efw.indicators if not frameworks.threshold_text(efw, i.code, ctx)[1])


# --- reads behind the dossier pages ----------------------------------------------------------------


def entry_units(user):
    """Units a dossier can be opened for: communes, and districts (until 30/6/2025; the service
    refuses district years after 2025)."""
    from chungsuc.geo.models import Unit, UnitLevel

    units = Unit.objects.filter(level__in=[UnitLevel.COMMUNE, UnitLevel.DISTRICT])
    return permissions.restrict(units, user, "assessment.create")


def frameworks_for_entry(units=None):
    """Frameworks in force, limited to the levels of the units the user may open dossiers for (a
    commune officer sees commune frameworks only)."""
    from chungsuc.criteria.models import Framework, Status

    qs = Framework.objects.filter(status=Status.IN_FORCE)
    if units is not None:
        levels = set(units.values_list("level", flat=True).distinct())
        if levels:
            qs = qs.filter(level__in=levels)
    return qs.order_by("level", "code", "-version")


def children_rows(user, assessment, evaluation) -> dict | None:
    """The derived indicators of a district (province) dossier with each child unit's status, linked
    to the child's dossier of the same year (or its unit page) when the user may see it."""
    snap = getattr(evaluation, "children_snapshot", None)
    if not snap:
        return None
    from chungsuc.assessments.models import Assessment

    ids = [c["unit_id"] for c in snap["children"]]
    opens = permissions.reached(user, "unit.view", ids)
    dossiers = {}
    for a_id, unit_id in Assessment.objects.filter(unit_id__in=ids, year=assessment.year).values_list(
        "id", "unit_id"
    ):
        dossiers.setdefault(unit_id, a_id)
    indicators = []
    for ind in snap["indicators"]:
        fw_code = ind["framework"]
        rows = []
        for c in snap["children"]:
            if ind["kinds"] and c["kind"] not in ind["kinds"]:
                continue
            visible = c["unit_id"] in opens
            rows.append(
                {
                    "code": c["code"],
                    "name": c["name"],
                    "met": c["met"].get(fw_code),
                    "source": c["source"].get(fw_code),
                    "source_label": derived.SOURCE_LABELS.get(c["source"].get(fw_code), ""),
                    "detail": c["detail"].get(fw_code, ""),
                    "verified": c["verified"].get(fw_code, False),
                    "dossier_id": dossiers.get(c["unit_id"]) if visible else None,
                    "unit_id": c["unit_id"] if visible else None,
                }
            )
        indicators.append({**ind, "rows": rows})
    return {"as_of": dt.date.fromisoformat(snap["as_of"]), "indicators": indicators}


def district_sheet(user, district_pk, *, year: int, framework_code: str):
    """What the district workbook holds: the district (scoped: 404 if not the user's), the framework in
    force, the communes under the district in that year (districts end on 30/6/2025) of the kinds the
    framework covers, their existing dossiers of that year, and the units left out with the reason
    (a ward or town the framework does not apply to). 404 when any of them is missing."""
    from chungsuc.accounts.selectors import unit_or_404
    from chungsuc.criteria.models import Framework, Status
    from chungsuc.geo.models import UnitLevel, UnitVersion
    from chungsuc.geo.selectors import valid_on

    district = unit_or_404(user, district_pk)
    fw = Framework.objects.filter(code=framework_code, status=Status.IN_FORCE).order_by("-version").first()
    if fw is None:
        raise Http404("Không tìm thấy bộ tiêu chí")
    on = dt.date(year, 12, 31)
    if district.level == UnitLevel.DISTRICT:
        on = min(on, dt.date(2025, 6, 30))
    from chungsuc.geo.models import UnitKind

    units, left_out = [], []
    kinds = ", ".join(str(UnitKind(k).label) for k in fw.kinds or () if k in UnitKind.values)
    for v in (
        UnitVersion.objects.filter(valid_on(on), parent=district, level=UnitLevel.COMMUNE)
        .select_related("unit")
        .order_by("code")
    ):
        if not fw.kinds or v.kind in fw.kinds:
            units.append(v.unit)
        else:
            # a ward or a town is in the workbook only where the framework applies to it; say why not
            left_out.append(
                (
                    v.name,
                    f"{v.get_kind_display()}: bộ tiêu chí «{fw.name}» chỉ áp dụng cho {kinds.lower()}.",
                )
            )
    if not units:
        raise Http404("Không có đơn vị cấp xã nào")
    assessments = {
        a.unit_id: a for a in Assessment.objects.filter(unit__in=units, year=year, framework__code=fw.code)
    }
    return district, fw, units, assessments, left_out


def workbook_areas(user):
    """The units whose workbook (a row per commune) the user may download: the districts in scope
    (until 30/6/2025) and, after the two-tier reform, the provinces whose communes are directly under
    them."""
    from chungsuc.geo.models import Unit, UnitLevel

    units = Unit.objects.filter(level__in=[UnitLevel.DISTRICT, UnitLevel.PROVINCE])
    return permissions.restrict(units, user, "assessment.export").order_by("level", "code")


def overrides_of(assessment: Assessment) -> list:
    """The overrides of the standard check on this dossier (who, when, which step, why), newest first:
    shown on the dossier to every later level."""
    from chungsuc.core.models import AuditEntry

    return list(
        AuditEntry.objects.filter(
            action="assessment.override", target_type="assessments.assessment", target_id=str(assessment.pk)
        ).order_by("-id")
    )
