"""Reads for criteria. Frameworks are province-wide legal data: every logged-in official may browse them
(and the API serves them publicly); only the programme office edits them (see services)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from chungsuc.criteria import engine
from chungsuc.criteria.models import Criterion, Framework, Indicator, Status, ThresholdRule


def frameworks_current() -> QuerySet:
    """The version in force of every framework code."""
    return Framework.objects.filter(status=Status.IN_FORCE).order_by("level", "period_start", "code")


def framework_versions(code: str) -> QuerySet:
    return Framework.objects.filter(code=code).order_by("-version")


def framework_get(code: str, version: int | None = None) -> Framework:
    """The framework `code` (the version in force, or `version`); 404 when unknown."""
    qs = Framework.objects.filter(code=code)
    fw = (
        qs.filter(version=version).first()
        if version
        else (
            qs.filter(status=Status.IN_FORCE).order_by("-version").first() or qs.order_by("-version").first()
        )
    )
    if fw is None:
        if version and qs.exists():
            raise Http404(
                _("Bộ tiêu chí «%(code)s» không có phiên bản %(v)s.") % {"code": code, "v": version}
            )
        raise Http404(_("Không có bộ tiêu chí «%(code)s».") % {"code": code})
    return fw


def framework_by_code(code: str) -> Framework | None:
    try:
        return framework_get(code)
    except Http404:
        return None


def rule_get(pk) -> ThresholdRule:
    try:
        return ThresholdRule.objects.select_related("indicator", "framework").get(pk=pk)
    except (ThresholdRule.DoesNotExist, ValueError, TypeError):
        raise Http404("Không có ngưỡng này")


def spec_of(fw: Framework) -> dict[str, Any]:
    """The framework as nested plain data (three queries)."""
    rules_by_ind: dict[int, list] = {}
    for r in ThresholdRule.objects.filter(framework=fw).order_by("order", "id"):
        d = r.as_engine_dict()
        d.pop("id")
        rules_by_ind.setdefault(r.indicator_id, []).append(d)
    inds_by_crit: dict[int, list] = {}
    for i in Indicator.objects.filter(framework=fw).order_by("order", "id"):
        inds_by_crit.setdefault(i.criterion_id, []).append(
            {
                "code": i.code,
                "name": i.name,
                "unit": i.unit,
                "value_type": i.value_type,
                "decimals": i.decimals,
                "comparator": i.comparator,
                "inputs": i.inputs,
                "derived": i.derived,
                "verified": i.verified,
                "source": i.source,
                "note": i.note,
                "rules": rules_by_ind.get(i.pk, []),
            }
        )
    criteria = [
        {
            "code": c.code,
            "name": c.name,
            "group": c.group,
            "verified": c.verified,
            "source": c.source,
            "indicators": inds_by_crit.get(c.pk, []),
        }
        for c in Criterion.objects.filter(framework=fw).order_by("order", "id")
    ]
    return {
        "code": fw.code,
        "name": fw.name,
        "level": fw.level,
        "standard": fw.standard,
        "period_start": fw.period_start,
        "period_end": fw.period_end,
        "kinds": fw.kinds,
        "legal_basis": fw.legal_basis,
        "legal_url": fw.legal_url,
        "legal_verified": fw.legal_verified,
        "presupposes": fw.presupposes,
        "bands": fw.bands,
        "note": fw.note,
        "criteria": criteria,
    }


def spec_with_rule_ids(fw: Framework) -> dict[str, Any]:
    """`spec_of(fw)` with each threshold rule's database id (for edit links and stored results)."""
    spec = spec_of(fw)
    ids = dict(ThresholdRule.objects.filter(framework=fw).values_list("key", "id"))
    for c in spec["criteria"]:
        for i in c["indicators"]:
            for r in i["rules"]:
                r["id"] = ids.get(r["key"])
    return spec


_ENGINE_CACHE: dict[tuple, engine.Framework] = {}


def engine_framework(fw: Framework) -> engine.Framework:
    """The engine's plain-data framework for this version (cached per version and last change)."""
    key = (fw.pk, fw.updated_at)
    cached = _ENGINE_CACHE.get(key)
    if cached is None:
        # rules need their database id for results stored by the assessments app
        spec = spec_with_rule_ids(fw)
        cached = engine.framework_from_dict({**spec, "version": fw.version})
        if len(_ENGINE_CACHE) > 64:
            _ENGINE_CACHE.clear()
        _ENGINE_CACHE[key] = cached
    return cached


def registry_for(fw: engine.Framework) -> dict[str, engine.Framework]:
    """In-force frameworks referenced by `fw`'s rules (threshold references), transitively."""
    registry: dict[str, engine.Framework] = {}
    todo = [fw]
    while todo:
        current = todo.pop()
        for ind in current.indicators:
            for rule in ind.rules:
                code = rule.ref.framework if rule.ref else None
                if code and code not in registry:
                    other = framework_by_code(code)
                    if other is not None:
                        registry[code] = engine_framework(other)
                        todo.append(registry[code])
    return registry


def evaluation_for(
    *,
    framework: str,
    year: Any,
    values: Any,
    region: str | None = None,
    group: Any = None,
    kind: str | None = None,
    version: int | None = None,
) -> dict[str, Any]:
    """The one function behind `chungsuc evaluate` and `POST /api/v1/evaluate/`: validates the request
    and returns the engine's JSON. Raises engine.EvaluationError (Vietnamese message) on bad input."""
    if framework in (None, ""):
        raise engine.EvaluationError("Thiếu mã bộ tiêu chí (framework).")
    if not isinstance(framework, str):
        raise engine.EvaluationError(
            f"Mã bộ tiêu chí (framework) phải là chuỗi ký tự, không phải «{framework}»."
        )
    if version in ("", None):
        version = None
    elif isinstance(version, str) and version.isdecimal():
        version = int(version)
    if version is not None and (isinstance(version, bool) or not isinstance(version, int) or version < 1):
        raise engine.EvaluationError(
            _("Phiên bản «%(v)s» không hợp lệ: cần một số nguyên dương.") % {"v": version}
        )
    if "\x00" in framework:  # PostgreSQL refuses NUL in a query parameter (a 500, not an answer)
        raise engine.EvaluationError(_("Mã bộ tiêu chí «%(code)s» không tồn tại.") % {"code": framework})
    fw = Framework.objects.filter(code=framework)
    fw = (
        fw.filter(version=version).first()
        if version
        else fw.filter(status=Status.IN_FORCE).order_by("-version").first()
    )
    if fw is None:
        if version and Framework.objects.filter(code=framework).exists():
            raise engine.EvaluationError(
                _("Bộ tiêu chí «%(code)s» không có phiên bản %(v)s.") % {"code": framework, "v": version}
            )
        raise engine.EvaluationError(_("Mã bộ tiêu chí «%(code)s» không tồn tại.") % {"code": framework})
    if isinstance(year, bool) or not isinstance(year, int):
        if isinstance(year, str) and year.isdecimal():
            year = int(year)
        else:
            raise engine.EvaluationError(
                _("Năm «%(y)s» không hợp lệ: cần một số nguyên như 2024.") % {"y": year}
            )
    if group in ("", None):
        group = None
    elif isinstance(group, str) and group.isdecimal():
        group = int(group)
    elif isinstance(group, bool) or not isinstance(group, int):
        raise engine.EvaluationError(_("Nhóm xã «%(g)s» không hợp lệ: cần 1, 2 hoặc 3.") % {"g": group})
    if group is not None and group not in (1, 2, 3):
        raise engine.EvaluationError(_("Nhóm xã «%(g)s» không hợp lệ: cần 1, 2 hoặc 3.") % {"g": group})
    from chungsuc.geo.models import Region, UnitKind

    if region is not None and not isinstance(region, str):
        raise engine.EvaluationError(
            f"Vùng «{region}» không hợp lệ: cần một chuỗi như dong_bang_song_cuu_long."
        )
    if kind is not None and not isinstance(kind, str):
        raise engine.EvaluationError(
            _("Loại đơn vị «%(k)s» không hợp lệ: cần một chuỗi như xa, huyen.") % {"k": kind}
        )
    if region and region not in Region.values:
        raise engine.EvaluationError(
            f"Vùng «{region}» không hợp lệ: cần một trong {', '.join(Region.values)}."
        )
    if kind and kind not in UnitKind.values:
        raise engine.EvaluationError(
            f"Loại đơn vị «{kind}» không hợp lệ: cần một trong {', '.join(UnitKind.values)}."
        )
    if values is None:
        raise engine.EvaluationError(
            'Thiếu giá trị (values): cần một đối tượng JSON mã chỉ tiêu → giá trị, ví dụ {"3.1": 82.5}.'
        )
    if not isinstance(values, dict):
        raise engine.EvaluationError("Giá trị (values) phải là một đối tượng JSON: mã chỉ tiêu → giá trị.")
    efw = engine_framework(fw)
    ctx = engine.Context(year=year, region=region or None, group=group, kind=kind or None)
    result = engine.evaluate(efw, ctx, values, registry=registry_for(efw))
    out = result.to_dict()
    out["framework_name"] = fw.name
    return out


def indicator_uses(fw: Framework) -> tuple[dict[str, list[Framework]], list[Framework]]:
    """Where the indicators of `fw` are used besides `fw`: per indicator code, the other frameworks in
    force at the same level that carry an indicator with that code (e.g. the national set and An Giang's
    own set); and the frameworks whose derived indicators count the units meeting `fw` (district sets)."""
    others = frameworks_current().filter(level=fw.level).exclude(code=fw.code)
    by_code: dict[str, list[Framework]] = {}
    rows = (
        Indicator.objects.filter(framework__in=others).select_related("framework").order_by("framework__code")
    )
    for ind in rows:
        by_code.setdefault(ind.code, []).append(ind.framework)
    users = [
        ind.framework
        for ind in Indicator.objects.filter(framework__in=frameworks_current(), derived__isnull=False)
        .select_related("framework")
        .order_by("framework__code")
        if (ind.derived or {}).get("framework") == fw.code
    ]
    return by_code, list(dict.fromkeys(users))


# --- the programme office's work list: thresholds missing or unverified -----------------------------

DEMO_SOURCE_PREFIX = "DEMO"


def _gap_filters():
    from django.db.models import Q

    missing = Q(value__isnull=True, value_ref__isnull=True)
    demo = Q(source__startswith=DEMO_SOURCE_PREFIX)
    return missing, demo


def threshold_gaps(frameworks=None) -> dict[int, dict[str, int]]:
    """Per framework id (the versions in force unless `frameworks` is given): how many thresholds are
    missing (no value, no reference), unverified (a value not checked against the legal text), and of
    those how many are DEMO values. One GROUP BY query."""
    from django.db.models import Count, Q

    missing, demo = _gap_filters()
    qs = ThresholdRule.objects.filter(
        framework__in=frameworks if frameworks is not None else frameworks_current()
    )
    rows = (
        qs.order_by()
        .values("framework_id")
        .annotate(
            missing=Count("id", filter=missing),
            unverified=Count("id", filter=Q(verified=False) & ~missing),
            demo=Count("id", filter=demo & ~missing),
            total=Count("id"),
        )
    )
    return {r["framework_id"]: {k: r[k] for k in ("missing", "unverified", "demo", "total")} for r in rows}


def gaps_of_spec(spec: dict[str, Any]) -> dict[str, int]:
    """`threshold_gaps` of one framework counted from its spec already read (no query)."""
    out = {"missing": 0, "unverified": 0, "demo": 0, "total": 0}
    for c in spec["criteria"]:
        for i in c["indicators"]:
            for r in i["rules"]:
                out["total"] += 1
                if r.get("value") is None and not r.get("ref"):
                    out["missing"] += 1
                    continue
                if not r.get("verified"):
                    out["unverified"] += 1
                if (r.get("source") or "").startswith(DEMO_SOURCE_PREFIX):
                    out["demo"] += 1
    return out


def threshold_worklist(fw: Framework) -> dict[str, Any]:
    """The thresholds of `fw` that need the programme office: missing ones first, then unverified ones,
    grouped by region (and commune group), each with its indicator for the edit link."""
    from chungsuc.geo.models import Region

    regions = dict(Region.choices)
    groups: dict[tuple, dict[str, Any]] = {}
    rules = (
        ThresholdRule.objects.filter(framework=fw)
        .filter(_gap_q())
        .select_related("indicator__criterion")
        .order_by("indicator__order", "order", "id")
    )
    for r in rules:
        key = (r.region or "", r.group or 0)
        label = regions.get(r.region, "") if r.region else ""
        g = groups.setdefault(
            key,
            {"region": r.region, "region_label": label, "group": r.group, "missing": [], "unverified": []},
        )
        is_missing = r.value is None and not r.value_ref
        item = {
            "rule": r,
            "indicator": r.indicator,
            "criterion": r.indicator.criterion,
            "demo": (r.source or "").startswith(DEMO_SOURCE_PREFIX),
        }
        (g["missing"] if is_missing else g["unverified"]).append(item)
    out = sorted(groups.values(), key=lambda g: (g["region"] or "", g["group"] or 0))
    return {
        "groups": out,
        "missing": sum(len(g["missing"]) for g in out),
        "unverified": sum(len(g["unverified"]) for g in out),
        "demo": sum(1 for g in out for x in g["unverified"] if x["demo"]),
    }


def _gap_q():
    from django.db.models import Q

    missing, _demo = _gap_filters()
    return missing | Q(verified=False)


def threshold_gaps_summary() -> list[dict[str, Any]]:
    """For the programme office's dashboard: each framework in force with missing or unverified
    thresholds, missing first."""
    fws = {fw.pk: fw for fw in frameworks_current()}
    gaps = threshold_gaps(list(fws.values()))
    out = [
        {"framework": fws[pk], **g}
        for pk, g in gaps.items()
        if pk in fws and (g["missing"] or g["unverified"])
    ]
    return sorted(out, key=lambda x: (-x["missing"], -x["unverified"], x["framework"].code))
