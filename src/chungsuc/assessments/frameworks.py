"""Adapter between the criteria app's tables and its pure engine, for this app's needs.

`engine_framework(framework)` builds (once per framework version, cached) the engine's plain-data
framework from `criteria` rows; `layout(efw)` is the ordered list of value keys an assessment stores
(indicator codes and the extra inputs some indicators need); `context_for(unit, year)` is the engine
context of a unit. Everything the assessment pages need about indicators (names, value types, the
threshold text, the verified flag) comes from here.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from chungsuc.criteria import engine

_cache: dict[tuple[int, object], engine.Framework] = {}
_lock = threading.Lock()


def _as_dict(fw) -> dict:
    criteria = []
    rules_by_indicator: dict[int, list[dict]] = {}
    for rule in fw.rules.all().order_by("indicator_id", "order", "id"):
        rules_by_indicator.setdefault(rule.indicator_id, []).append(rule.as_engine_dict())
    indicators_by_criterion: dict[int, list] = {}
    for ind in fw.indicators.all().order_by("order", "id"):
        indicators_by_criterion.setdefault(ind.criterion_id, []).append(ind)
    for crit in fw.criteria.all().order_by("order", "id"):
        criteria.append(
            {
                "code": crit.code,
                "name": crit.name,
                "group": crit.group,
                "indicators": [
                    {
                        "code": ind.code,
                        "name": ind.name,
                        "value_type": ind.value_type,
                        "decimals": ind.decimals,
                        "unit": ind.unit,
                        "verified": ind.verified,
                        "source": ind.source,
                        "inputs": ind.inputs or [],
                        "derived": ind.derived,
                        "rules": rules_by_indicator.get(ind.pk, []),
                    }
                    for ind in indicators_by_criterion.get(crit.pk, [])
                ],
            }
        )
    return {
        "code": fw.code,
        "name": fw.name,
        "version": fw.version,
        "level": fw.level,
        "standard": fw.standard,
        "period_start": fw.period_start,
        "period_end": fw.period_end,
        "kinds": fw.kinds or [],
        "presupposes": fw.presupposes or None,
        "bands": fw.bands or [],
        "legal_basis": fw.legal_basis,
        "criteria": criteria,
    }


def engine_framework(fw) -> engine.Framework:
    key = (fw.pk, fw.updated_at)
    cached = _cache.get(key)
    if cached is None:
        cached = engine.framework_from_dict(_as_dict(fw))
        with _lock:
            _cache[key] = cached
    return cached


def registry_for(efw: engine.Framework) -> dict[str, engine.Framework]:
    """Frameworks referenced by `efw`'s thresholds (e.g. model commune → advanced commune income)."""
    from chungsuc.criteria.models import Framework, Status

    refs = {r.ref.framework for i in efw.indicators for r in i.rules if r.ref is not None}
    out = {efw.code: efw}
    for code in refs:
        other = Framework.objects.filter(code=code, status=Status.IN_FORCE).order_by("-version").first()
        if other is not None:
            out[code] = engine_framework(other)
    return out


def layout(efw: engine.Framework) -> list[str]:
    """The value keys an assessment stores, in a fixed order: each indicator, then its extra inputs."""
    keys = []
    for ind in efw.indicators:
        keys.append(ind.code)
        keys.extend(x.key for x in ind.inputs)
    return keys


@dataclass(frozen=True)
class Field:
    key: str
    indicator: str
    name: str
    value_type: str
    unit: str
    is_input: bool
    criterion: str
    decimals: int | None = None  # the precision the criteria set states (None: the value type's)


def fields(efw: engine.Framework) -> list[Field]:
    out = []
    for crit in efw.criteria:
        for ind in crit.indicators:
            out.append(
                Field(ind.code, ind.code, ind.name, ind.value_type, ind.unit, False, crit.code, ind.decimals)
            )
            for x in ind.inputs:
                out.append(Field(x.key, ind.code, x.name, x.value_type, x.unit, True, crit.code, x.decimals))
    return out


def context_for(unit, year: int) -> engine.Context:
    return engine.Context(
        year=int(year), region=unit.region or None, group=unit.commune_group, kind=unit.kind
    )


def threshold_text(efw: engine.Framework, indicator_code: str, ctx: engine.Context) -> tuple[str, bool]:
    """The threshold that applies to the unit, as text ("≥ 80 %"), and whether it is verified."""
    ind = next((i for i in efw.indicators if i.code == indicator_code), None)
    if ind is None:
        return "", False
    try:
        rules = [ind.rules[i] for i in engine._candidates(efw, ind, ctx)]
    except engine.EvaluationError:
        return "—", False
    rule = next((r for r in rules if not r.when), rules[0])
    if rule.value is None and rule.ref is None:
        return "chưa có ngưỡng", False
    if ind.value_type == engine.PASS_FAIL:
        return "Đạt", bool(rule.verified)
    if rule.ref is not None:
        return (
            f"{engine.COMPARATOR_SYMBOLS[rule.comparator]} {rule.ref.factor:g} × ngưỡng {rule.ref.framework}",
            bool(rule.verified),
        )
    unit = f" {ind.unit}" if ind.unit else ""
    return f"{engine.COMPARATOR_SYMBOLS[rule.comparator]} {engine._fmt(float(rule.value))}{unit}", bool(
        rule.verified
    )


def display_value(value: float | None, value_type: str):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if value_type == engine.PASS_FAIL:
        return bool(value)
    if value_type == engine.COUNT or float(value).is_integer():
        return int(value)
    return value
