"""The evaluation engine: pure Python + numpy, no Django import.

A framework (a versioned criteria set) is given as plain frozen dataclasses (`Framework`, `Criterion`,
`Indicator`, `Rule`, `Term`, `Input`, `Derivation`, `ThresholdRef`). The engine answers, for a unit's
context (`Context`: year, region, commune group, kind) and its values, which indicators, criteria and
which standard are met, and why — or, for thousands of units at once, the same as numpy matrices.

Two entry points:

``evaluate(framework, context, values, *, children=None, registry=None) -> Evaluation``
    One unit. `values` maps a value key (an indicator code such as ``"3.1"``, or an extra input such
    as ``"5:so_truong"``) to ``True``/``False`` (pass/fail) or a number. Bad input raises
    `EvaluationError` with a Vietnamese message naming the code and the reason. `Evaluation.to_dict()`
    is the JSON answered by the CLI and the API.

``evaluate_matrix(framework, contexts, values, *, registry=None) -> MatrixResult``
    Many units, set-at-a-time. `contexts` is one `Context` for every unit, a sequence of `Context`
    (one per unit), or a `ContextIndex` (distinct contexts + an integer array mapping each unit to one).
    `values` maps a value key to a 1-D float array over the units; NaN means missing; pass/fail
    values are 1.0/0.0. Derived indicators (e.g. a district's share of communes meeting NTM) take
    their values as arrays too; `share_met()` computes them from child results with one bincount.
    The result holds int8 status codes per unit × indicator (`MET`, `NOT_MET`, `MISSING`,
    `NO_THRESHOLD`), boolean criteria matrices, the number of criteria met, the standard flag and the
    band index per unit. 10,000 units × 57 indicators take a few tens of milliseconds.

Semantics (both entry points share one implementation, so they always agree):
  * A threshold rule applies when its context conditions match (region, group, kinds, year range)
    and its `when` terms hold on the unit's other values; among applicable rules the most specific
    wins (more conditions), ties by order. No rule for the context → `EvaluationError` (never a guess).
    A `when` term on a missing value makes the indicator missing.
  * An indicator is met when its value satisfies the rule's comparator and threshold and every extra
    `also` term holds (composite rules, e.g. QĐ 318 indicator 5).
  * A missing value (or extra input) gives status "missing", never "not_met", and is never met.
    A rule whose threshold is not known yet (value None: an unverified placeholder) gives status
    "missing" with reason "threshold".
  * A criterion is met when all its indicators are met; the standard is met when every criterion is.
  * Precision. A percentage or a number is rounded to its indicator's precision (`Indicator.decimals`,
    stated by the criteria set, else `DEFAULT_DECIMALS` of its type: 2) before it is compared, half up
    on the decimal the number is written with (`round_value`: 79.99999999999999 and 79.996 are 80 at
    1 or 2 decimals, 79.25 is 79.3 at 1), so the value compared is the value shown. Counts and
    pass/fail values are whole. Thresholds are not rounded.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

# --- vocabulary -------------------------------------------------------------------------------------

PASS_FAIL = "pass_fail"
PERCENTAGE = "percentage"
NUMBER = "number"
COUNT = "count"
VALUE_TYPES = (PASS_FAIL, PERCENTAGE, NUMBER, COUNT)
VALUE_TYPE_LABELS = {PASS_FAIL: "đạt/không đạt", PERCENTAGE: "tỷ lệ %", NUMBER: "số", COUNT: "số đếm"}

# Digits after the decimal point a value keeps, when its indicator does not state its own precision;
# an indicator may state fewer (0–2: with three, "1,234" could be read as a thousand and more).
DEFAULT_DECIMALS = {PASS_FAIL: 0, PERCENTAGE: 2, NUMBER: 2, COUNT: 0}
MAX_DECIMALS = 2
ROUNDED_TYPES = (PERCENTAGE, NUMBER)

COMPARATORS = ("gte", "gt", "lte", "lt", "eq")
COMPARATOR_SYMBOLS = {"gte": "≥", "gt": ">", "lte": "≤", "lt": "<", "eq": "="}

MET, NOT_MET, MISSING, NO_THRESHOLD = 1, 0, -1, -2
STATUS_NAMES = {MET: "met", NOT_MET: "not_met", MISSING: "missing", NO_THRESHOLD: "missing"}

# Bands for a 19-criteria set (QĐ 318): all met; 15–18; 10–14; 5–9; under 5. Other sizes scale these.
BANDS_19 = (
    (19, "all", "Đạt 19/19 tiêu chí"),
    (15, "15-18", "Đạt 15–18 tiêu chí"),
    (10, "10-14", "Đạt 10–14 tiêu chí"),
    (5, "5-9", "Đạt 5–9 tiêu chí"),
    (0, "under-5", "Dưới 5 tiêu chí"),
)


class EvaluationError(ValueError):
    """Bad input or a framework that cannot answer: the message (Vietnamese) names the code and why."""


# --- the framework as plain data ---------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One comparison on a value key: `input` `comparator` `value` (e.g. "5:so_truong" gt 3)."""

    input: str
    comparator: str
    value: float


@dataclass(frozen=True)
class ThresholdRef:
    """A threshold taken from another framework's rule for the same context, times `factor`
    (QĐ 319: model-commune income ≥ 110 % of the advanced-commune income threshold of the same year)."""

    framework: str
    indicator: str
    factor: float = 1.0


@dataclass(frozen=True)
class Rule:
    comparator: str
    value: float | None = None  # None: threshold not known yet (unverified placeholder)
    region: str | None = None
    group: int | None = None
    kinds: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    when: tuple[Term, ...] = ()
    also: tuple[Term, ...] = ()
    ref: ThresholdRef | None = None
    source: str = ""
    source_url: str = ""
    verified: bool = False
    note: str = ""
    key: str = ""
    id: int | None = None

    @property
    def specificity(self) -> tuple[int, int]:
        """Context conditions first (region, group, kinds, years); then rules with `when` terms before
        the unconditional fallback."""
        context = (
            (self.region is not None)
            + (self.group is not None)
            + bool(self.kinds)
            + (self.year_from is not None)
            + (self.year_to is not None)
        )
        return (context, bool(self.when))

    def matches(self, ctx: Context) -> bool:
        if self.region is not None and ctx.region != self.region:
            return False
        if self.group is not None and ctx.group != self.group:
            return False
        if self.kinds and ctx.kind not in self.kinds:
            return False
        if self.year_from is not None and ctx.year < self.year_from:
            return False
        return not (self.year_to is not None and ctx.year > self.year_to)


@dataclass(frozen=True)
class Input:
    """An extra value an indicator needs besides its own (e.g. "5:so_truong", the number of schools)."""

    key: str
    name: str
    value_type: str
    unit: str = ""
    decimals: int | None = None  # None: DEFAULT_DECIMALS of the type

    @property
    def precision(self) -> int:
        return precision(self.value_type, self.decimals)


@dataclass(frozen=True)
class Derivation:
    """The indicator's value is the percentage of child units (of `kinds`, if given) meeting
    `framework`'s standard, e.g. QĐ 320: 100 % of a district's communes meet xa-ntm-2021."""

    framework: str
    kinds: tuple[str, ...] = ()
    measure: str = "share_met"


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    value_type: str
    rules: tuple[Rule, ...]
    unit: str = ""
    inputs: tuple[Input, ...] = ()
    derived: Derivation | None = None
    verified: bool = False
    source: str = ""
    decimals: int | None = None  # the precision the criteria set states; None: DEFAULT_DECIMALS of the type

    @property
    def precision(self) -> int:
        return precision(self.value_type, self.decimals)


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    indicators: tuple[Indicator, ...]
    group: str = ""


@dataclass(frozen=True)
class Framework:
    code: str
    name: str
    criteria: tuple[Criterion, ...]
    version: int = 1
    level: str = "commune"
    standard: str = "ntm"
    period_start: int | None = None
    period_end: int | None = None
    kinds: tuple[str, ...] = ()
    presupposes: str | None = None
    bands: tuple[tuple[int, str, str], ...] = ()
    legal_basis: str = ""

    def __post_init__(self):
        if not self.criteria:
            raise EvaluationError(f"Bộ tiêu chí {self.code}: không có tiêu chí nào.")
        seen: set[str] = set()
        for c in self.criteria:
            if not c.indicators:
                raise EvaluationError(f"Bộ tiêu chí {self.code}, tiêu chí {c.code}: không có chỉ tiêu nào.")
            for ind in c.indicators:
                if ind.value_type not in VALUE_TYPES:
                    raise EvaluationError(
                        f"Chỉ tiêu {ind.code}: kiểu giá trị «{ind.value_type}» không hợp lệ."
                    )
                for item in (ind, *ind.inputs):
                    problem = decimals_problem(item.value_type, item.decimals)
                    if problem:
                        raise EvaluationError(f"Chỉ tiêu {ind.code}: {problem}")
                for key in (ind.code, *(i.key for i in ind.inputs)):
                    if key in seen:
                        raise EvaluationError(f"Bộ tiêu chí {self.code}: mã «{key}» bị trùng.")
                    seen.add(key)
                for r in ind.rules:
                    for cmp in (r.comparator, *(t.comparator for t in (*r.when, *r.also))):
                        if cmp not in COMPARATORS:
                            raise EvaluationError(f"Chỉ tiêu {ind.code}: phép so sánh «{cmp}» không hợp lệ.")
        if not self.bands:
            object.__setattr__(self, "bands", default_bands(len(self.criteria)))

    # lookups, computed once per instance
    @property
    def indicators(self) -> tuple[Indicator, ...]:
        cached = self.__dict__.get("_indicators")
        if cached is None:
            cached = tuple(i for c in self.criteria for i in c.indicators)
            object.__setattr__(self, "_indicators", cached)
        return cached

    @property
    def value_types(self) -> dict[str, tuple[str, str]]:
        """value key → (value type, indicator code it belongs to)."""
        cached = self.__dict__.get("_value_types")
        if cached is None:
            cached = {}
            for ind in self.indicators:
                cached[ind.code] = (ind.value_type, ind.code)
                for extra in ind.inputs:
                    cached[extra.key] = (extra.value_type, ind.code)
            object.__setattr__(self, "_value_types", cached)
        return cached

    @property
    def precisions(self) -> dict[str, int]:
        """value key → digits after the decimal point its value keeps (see `precision`)."""
        cached = self.__dict__.get("_precisions")
        if cached is None:
            cached = {}
            for ind in self.indicators:
                cached[ind.code] = ind.precision
                for extra in ind.inputs:
                    cached[extra.key] = extra.precision
            object.__setattr__(self, "_precisions", cached)
        return cached

    def band_for(self, met: int) -> tuple[str, str]:
        for minimum, code, label in self.bands:
            if met >= minimum:
                return code, label
        return self.bands[-1][1], self.bands[-1][2]


def default_bands(total: int) -> tuple[tuple[int, str, str], ...]:
    """The QĐ 318 bands (19; 15–18; 10–14; 5–9; under 5) scaled to `total` criteria."""
    if total == 19:
        return BANDS_19
    cuts = sorted({total, *(math.ceil(total * k / 19) for k in (15, 10, 5))}, reverse=True)
    bands = []
    upper = total
    for i, lo in enumerate(cuts):
        if i == 0:
            bands.append((lo, "all", f"Đạt {total}/{total} tiêu chí"))
        else:
            hi = upper - 1
            code = f"{lo}-{hi}" if hi > lo else f"{lo}"
            bands.append((lo, code, f"Đạt {lo}–{hi} tiêu chí" if hi > lo else f"Đạt {lo} tiêu chí"))
        upper = lo
    bands.append((0, f"under-{upper}", f"Dưới {upper} tiêu chí"))
    return tuple(bands)


@dataclass(frozen=True)
class Context:
    year: int
    region: str | None = None
    group: int | None = None
    kind: str | None = None


@dataclass(frozen=True)
class Child:
    """A child unit's results for derived indicators: its kind and, per framework code, whether it
    meets that standard (None: not evaluated)."""

    kind: str | None
    met: Mapping[str, bool | None]


@dataclass
class ContextIndex:
    """Distinct contexts and, per unit, the index of its context (for `evaluate_matrix`)."""

    contexts: list[Context]
    index: np.ndarray

    @classmethod
    def from_list(cls, contexts: Sequence[Context]) -> ContextIndex:
        positions: dict[Context, int] = {}
        index = np.fromiter(
            (positions.setdefault(c, len(positions)) for c in contexts), dtype=np.int64, count=len(contexts)
        )
        return cls(list(positions), index)


# --- results ------------------------------------------------------------------------------------------


@dataclass
class IndicatorResult:
    code: str
    name: str
    value: Any
    threshold: float | None
    comparator: str | None
    status: str
    verified: bool
    source: str
    source_url: str = ""
    reason: str = ""  # for "missing": "value" or "threshold"
    unit: str = ""
    value_type: str = ""
    also: list[dict] = field(default_factory=list)
    note: str = ""
    derived: bool = False
    decimals: int | None = None  # the precision the criteria set states (shown with that many digits)

    def to_dict(self) -> dict:
        d = {
            "code": self.code,
            "name": self.name,
            "value": self.value,
            "threshold": self.threshold,
            "comparator": self.comparator,
            "status": self.status,
            "verified": self.verified,
            "source": self.source,
            "source_url": self.source_url,
            "unit": self.unit,
            "value_type": self.value_type,
        }
        if self.decimals is not None:
            d["decimals"] = self.decimals
        if self.reason:
            d["reason"] = self.reason
        if self.also:
            d["also"] = self.also
        if self.derived:
            d["derived"] = True
        if self.note:
            d["note"] = self.note
        return d


@dataclass
class CriterionResult:
    code: str
    name: str
    group: str
    met: bool
    missing: list[str]
    indicators: list[IndicatorResult]

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "group": self.group,
            "met": self.met,
            "missing": self.missing,
            "indicators": [i.to_dict() for i in self.indicators],
        }


@dataclass
class Evaluation:
    framework: str
    version: int
    context: Context
    standard_met: bool
    criteria_met: int
    criteria_total: int
    band: str
    band_label: str
    criteria: list[CriterionResult]
    missing: list[str]
    missing_thresholds: list[str]
    unverified: list[str]
    explanation: str
    presupposes: str | None = None

    def to_dict(self) -> dict:
        return {
            "framework": self.framework,
            "version": self.version,
            "context": {
                "year": self.context.year,
                "region": self.context.region,
                "group": self.context.group,
                "kind": self.context.kind,
            },
            "standard_met": self.standard_met,
            "criteria_met": self.criteria_met,
            "criteria_total": self.criteria_total,
            "band": self.band,
            "band_label": self.band_label,
            "criteria": [c.to_dict() for c in self.criteria],
            "missing": self.missing,
            "missing_thresholds": self.missing_thresholds,
            "unverified_thresholds": self.unverified,
            "presupposes": self.presupposes,
            "explanation": self.explanation,
        }


@dataclass
class MatrixResult:
    """Set-at-a-time results. Rows are units (in input order); columns follow `indicator_codes` /
    `criteria_codes`. `status` holds MET/NOT_MET/MISSING/NO_THRESHOLD; `rule_index[u, j]` is the index
    of the applied rule within indicator j's `rules` (-1 when none could be chosen); `threshold` is the
    applied threshold (NaN when unknown)."""

    framework: str
    indicator_codes: list[str]
    criteria_codes: list[str]
    status: np.ndarray  # int8, units × indicators
    rule_index: np.ndarray  # int16, units × indicators
    threshold: np.ndarray  # float64, units × indicators
    criteria_met: np.ndarray  # bool, units × criteria
    criteria_missing: np.ndarray  # bool, units × criteria: some indicator missing (value or threshold)
    criteria_met_count: np.ndarray  # int, units
    standard_met: np.ndarray  # bool, units
    band_index: np.ndarray  # int, units: index into framework.bands
    missing_count: np.ndarray  # int, units: indicators with a missing value

    @property
    def n_units(self) -> int:
        return self.status.shape[0]


# --- precision ------------------------------------------------------------------------------------------


def precision(value_type: str, decimals: int | None = None) -> int:
    """The digits after the decimal point a value of `value_type` keeps: the stated `decimals`, or the
    type's default."""
    return DEFAULT_DECIMALS.get(value_type, 2) if decimals is None else int(decimals)


def decimals_problem(value_type: str, decimals) -> str:
    """Why `decimals` cannot be the precision of a `value_type` value (Vietnamese), or ""."""
    if decimals is None:
        return ""
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= MAX_DECIMALS:
        return f"số chữ số thập phân «{decimals}» không hợp lệ: cần số nguyên từ 0 đến {MAX_DECIMALS}."
    if value_type not in ROUNDED_TYPES and decimals != 0:
        label = VALUE_TYPE_LABELS.get(value_type, value_type)
        return f"chỉ tiêu {label} không có phần thập phân (số chữ số thập phân phải là 0)."
    return ""


_QUANTA = [Decimal(1).scaleb(-d) for d in range(MAX_DECIMALS + 8)]


def round_value(v: float, decimals: int) -> float:
    """`v` rounded to `decimals` digits, half up on the decimal it is written with (its shortest
    representation): 79.99999999999999 → 80, 2.675 → 2.68 (Python's `round` gives 2.67: the binary
    double is just below), 79.25 → 79.3 at one digit. Never -0.0."""
    if not math.isfinite(v) or abs(v) >= 1e15 or v.is_integer():
        return v + 0.0
    scaled = abs(v) * 10.0**decimals
    if abs(scaled - math.floor(scaled) - 0.5) > 1e-6:  # not near a half: Python's rounding agrees
        return round(v, decimals) + 0.0
    q = _QUANTA[decimals] if 0 <= decimals < len(_QUANTA) else Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(v))).quantize(q, rounding=ROUND_HALF_UP)) + 0.0


def round_array(a: np.ndarray, decimals: int) -> np.ndarray:
    """`round_value` over an array (NaN stays NaN): numpy's rounding, except for the few values that
    lie on (or within float noise of) a half, which `round_value` decides."""
    scaled = np.abs(a) * 10.0**decimals
    with np.errstate(invalid="ignore"):
        near_half = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    out = np.round(a, decimals) + 0.0
    if near_half.any():
        for i in np.flatnonzero(near_half):
            out[i] = round_value(float(a[i]), decimals)
    return out


# --- validation -----------------------------------------------------------------------------------------


def _fmt(x: Any) -> str:
    if isinstance(x, float):
        if x.is_integer():
            return f"{int(x)}"
        return f"{x:g}".replace(".", ",")
    return str(x)


def coerce_value(key: str, value_type: str, value: Any, decimals: int | None = None) -> float:
    """A Python value for `key` as a float (NaN for None), or EvaluationError naming why not. With
    `decimals` (a value, not a threshold), a percentage or a number is first rounded to it."""
    if value is None:
        return math.nan
    label = VALUE_TYPE_LABELS[value_type]
    if value_type == PASS_FAIL:
        if isinstance(value, bool):
            return 1.0 if value else 0.0
        raise EvaluationError(
            f"Chỉ tiêu {key}: giá trị «{value}» không hợp lệ — chỉ tiêu đạt/không đạt cần true hoặc false."
        )
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise EvaluationError(f"Chỉ tiêu {key}: giá trị «{value}» không phải là số ({label}).")
    v = float(value)
    if not math.isfinite(v):
        raise EvaluationError(f"Chỉ tiêu {key}: giá trị «{value}» không phải là số hữu hạn.")
    if decimals is not None and value_type in ROUNDED_TYPES:
        v = round_value(v, decimals)
    if value_type == PERCENTAGE and not 0 <= v <= 100:
        raise EvaluationError(f"Chỉ tiêu {key}: tỷ lệ {_fmt(v)}% nằm ngoài khoảng 0–100%.")
    if value_type == COUNT:
        if v < 0:
            raise EvaluationError(f"Chỉ tiêu {key}: số đếm {_fmt(v)} không được âm.")
        if not v.is_integer():
            raise EvaluationError(f"Chỉ tiêu {key}: số đếm {_fmt(v)} phải là số nguyên.")
    return v


def _check_array(key: str, value_type: str, arr: np.ndarray) -> None:
    present = ~np.isnan(arr)
    if value_type == PASS_FAIL:
        bad = present & (arr != 0) & (arr != 1)
        why = "chỉ tiêu đạt/không đạt chỉ nhận 1 (đạt) hoặc 0 (không đạt)"
    elif value_type == PERCENTAGE:
        bad = present & ((arr < 0) | (arr > 100))
        why = "tỷ lệ nằm ngoài khoảng 0–100%"
    elif value_type == COUNT:
        bad = present & ((arr < 0) | (arr != np.floor(arr)))
        why = "số đếm phải là số nguyên không âm"
    else:
        bad = np.isinf(arr)
        why = "giá trị không hữu hạn"
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise EvaluationError(
            f"Chỉ tiêu {key}, đơn vị thứ {row + 1}: giá trị {_fmt(float(arr[row]))} — {why}."
        )


# --- rule resolution ------------------------------------------------------------------------------------


def _describe_context(framework: Framework, ctx: Context) -> str:
    parts = [f"năm {ctx.year}"]
    parts.append(f"vùng {ctx.region}" if ctx.region else "không rõ vùng")
    if ctx.group is not None:
        parts.append(f"nhóm xã {ctx.group}")
    if ctx.kind:
        parts.append(f"loại đơn vị {ctx.kind}")
    return ", ".join(parts)


def _candidates(framework: Framework, ind: Indicator, ctx: Context) -> list[int]:
    """Indices of `ind.rules` applicable to `ctx`, most specific first; EvaluationError when none."""
    idx = [i for i, r in enumerate(ind.rules) if r.matches(ctx)]
    if not idx:
        raise EvaluationError(
            f"Chỉ tiêu {ind.code} (bộ tiêu chí {framework.code}): không có ngưỡng nào áp dụng cho "
            f"{_describe_context(framework, ctx)}."
        )
    idx.sort(key=lambda i: tuple(-x for x in ind.rules[i].specificity))  # stable: ties keep their order
    return idx


def _check_context(framework: Framework, ctx: Context) -> None:
    if not isinstance(ctx.year, int) or isinstance(ctx.year, bool):
        raise EvaluationError(f"Năm «{ctx.year}» không hợp lệ.")
    if (
        framework.period_start is not None
        and ctx.year < framework.period_start
        or (framework.period_end is not None and ctx.year > framework.period_end)
    ):
        raise EvaluationError(
            f"Bộ tiêu chí {framework.code} áp dụng cho giai đoạn {framework.period_start}–"
            f"{framework.period_end}, không áp dụng cho năm {ctx.year}."
        )
    if ctx.kind and framework.kinds and ctx.kind not in framework.kinds:
        raise EvaluationError(
            f"Bộ tiêu chí {framework.code} không áp dụng cho loại đơn vị «{ctx.kind}» "
            f"(áp dụng cho: {', '.join(framework.kinds)})."
        )


def _ref_threshold(
    framework: Framework,
    ind: Indicator,
    rule: Rule,
    ctx: Context,
    registry: Mapping[str, Framework] | None,
    depth: int = 0,
) -> float | None:
    ref = rule.ref
    assert ref is not None
    if depth > 5:
        raise EvaluationError(f"Chỉ tiêu {ind.code}: ngưỡng tham chiếu vòng quanh.")
    other = (registry or {}).get(ref.framework)
    if other is None:
        raise EvaluationError(
            f"Chỉ tiêu {ind.code}: ngưỡng tham chiếu bộ tiêu chí «{ref.framework}», không có trong dữ liệu."
        )
    target = next((i for i in other.indicators if i.code == ref.indicator), None)
    if target is None:
        raise EvaluationError(
            f"Chỉ tiêu {ind.code}: ngưỡng tham chiếu chỉ tiêu «{ref.indicator}» "
            f"của «{ref.framework}», không tồn tại."
        )
    base_rule = next(
        (target.rules[i] for i in _candidates(other, target, ctx) if not target.rules[i].when), None
    )
    if base_rule is None:
        return None
    base = (
        _ref_threshold(other, target, base_rule, ctx, registry, depth + 1)
        if base_rule.ref
        else base_rule.value
    )
    return None if base is None else base * ref.factor


def _compare(cmp: str, v: np.ndarray, t: float | np.ndarray) -> np.ndarray:
    if cmp == "gte":
        return v >= t
    if cmp == "gt":
        return v > t
    if cmp == "lte":
        return v <= t
    if cmp == "lt":
        return v < t
    return np.isclose(v, t, rtol=0, atol=1e-9)


# --- set-at-a-time ---------------------------------------------------------------------------------------


def _as_index(contexts, n: int | None) -> ContextIndex:
    if isinstance(contexts, ContextIndex):
        return contexts
    if isinstance(contexts, Context):
        if n is None:
            raise EvaluationError("Cần ít nhất một mảng giá trị để biết số đơn vị.")
        return ContextIndex([contexts], np.zeros(n, dtype=np.int64))
    return ContextIndex.from_list(list(contexts))


def evaluate_matrix(
    framework: Framework,
    contexts: Context | Sequence[Context] | ContextIndex,
    values: Mapping[str, np.ndarray],
    *,
    registry: Mapping[str, Framework] | None = None,
) -> MatrixResult:
    """Evaluate many units at once (see the module docstring)."""
    types = framework.value_types
    precisions = framework.precisions
    n = None
    arrays: dict[str, np.ndarray] = {}
    for key, arr in values.items():
        if key not in types:
            raise EvaluationError(f"Mã chỉ tiêu «{key}» không có trong bộ tiêu chí {framework.code}.")
        a = np.asarray(arr, dtype=np.float64)
        if a.ndim != 1:
            raise EvaluationError(f"Chỉ tiêu {key}: cần mảng một chiều theo đơn vị.")
        if n is None:
            n = a.shape[0]
        elif a.shape[0] != n:
            raise EvaluationError(f"Chỉ tiêu {key}: có {a.shape[0]} giá trị, các chỉ tiêu khác có {n}.")
        if types[key][0] in ROUNDED_TYPES:
            a = round_array(a, precisions[key])  # compared as shown (idempotent on stored values)
        _check_array(key, types[key][0], a)
        arrays[key] = a
    cidx = _as_index(contexts, n)
    if n is None:
        n = cidx.index.shape[0]
    elif cidx.index.shape[0] != n:
        raise EvaluationError(f"Có {cidx.index.shape[0]} ngữ cảnh đơn vị nhưng {n} giá trị mỗi chỉ tiêu.")
    for ctx in cidx.contexts:
        _check_context(framework, ctx)
    nan = np.full(n, np.nan)

    def column(key: str) -> np.ndarray:
        return arrays.get(key, nan)

    group_rows = (
        [np.flatnonzero(cidx.index == g) for g in range(len(cidx.contexts))]
        if len(cidx.contexts) > 1
        else [np.arange(n)]
    )

    inds = framework.indicators
    status = np.empty((n, len(inds)), dtype=np.int8)
    rule_index = np.full((n, len(inds)), -1, dtype=np.int16)
    threshold = np.full((n, len(inds)), np.nan)
    for j, ind in enumerate(inds):
        v = column(ind.code)
        rix = rule_index[:, j]
        thr = threshold[:, j]
        undecidable = np.zeros(n, dtype=bool)
        for g, ctx in enumerate(cidx.contexts):
            rows = group_rows[g]
            if rows.size == 0:
                continue
            cands = _candidates(framework, ind, ctx)
            if not any(ind.rules[i].when for i in cands):
                i = cands[0]
                rix[rows] = i
                r = ind.rules[i]
                t = _ref_threshold(framework, ind, r, ctx, registry) if r.ref else r.value
                thr[rows] = np.nan if t is None else t
                continue
            pending = np.ones(rows.size, dtype=bool)
            for i in cands:
                r = ind.rules[i]
                ok = np.ones(rows.size, dtype=bool)
                unknown = np.zeros(rows.size, dtype=bool)
                for term in r.when:
                    w = column(term.input)[rows]
                    unknown |= np.isnan(w)
                    ok &= _compare(term.comparator, w, term.value)
                take = pending & ok & ~unknown
                und = pending & unknown
                undecidable[rows[und]] = True
                pending &= ~(take | und)
                rix[rows[take]] = i
                t = _ref_threshold(framework, ind, r, ctx, registry) if r.ref else r.value
                thr[rows[take]] = np.nan if t is None else t
                if not pending.any():
                    break
            if pending.any():
                raise EvaluationError(
                    f"Chỉ tiêu {ind.code} (bộ tiêu chí {framework.code}): không có ngưỡng nào áp dụng cho "
                    f"đơn vị thứ {int(rows[np.flatnonzero(pending)[0]]) + 1} "
                    f"({_describe_context(framework, ctx)})."
                )
        # statuses: compare per applied rule (few distinct rules per indicator)
        st = np.full(n, MISSING, dtype=np.int8)
        value_present = ~np.isnan(v)
        for i in np.unique(rix[rix >= 0]):
            r = ind.rules[int(i)]
            m = (rix == i) & ~undecidable
            rows_m = np.flatnonzero(m)
            if rows_m.size == 0:
                continue
            vm = v[rows_m]
            tm = thr[rows_m]
            present = ~np.isnan(vm)
            met = _compare(r.comparator, vm, tm)
            for term in r.also:
                a = column(term.input)[rows_m]
                present &= ~np.isnan(a)
                met &= _compare(term.comparator, a, term.value)
            no_thr = np.isnan(tm)
            s = np.where(met, MET, NOT_MET).astype(np.int8)
            s[~present] = MISSING
            s[no_thr] = NO_THRESHOLD
            st[rows_m] = s
        st[undecidable & value_present] = MISSING
        status[:, j] = st

    crit_codes = [c.code for c in framework.criteria]
    crit_met = np.empty((n, len(crit_codes)), dtype=bool)
    crit_missing = np.empty((n, len(crit_codes)), dtype=bool)
    j = 0
    for k, c in enumerate(framework.criteria):
        block = status[:, j : j + len(c.indicators)]
        crit_met[:, k] = (block == MET).all(axis=1)
        crit_missing[:, k] = (block < 0).any(axis=1)
        j += len(c.indicators)
    met_count = crit_met.sum(axis=1)
    minimums = np.array([b[0] for b in framework.bands])
    # bands are ordered by decreasing minimum: the first band whose minimum ≤ count
    band_index = (met_count[:, None] < minimums[None, :]).sum(axis=1)
    band_index = np.minimum(band_index, len(minimums) - 1)
    return MatrixResult(
        framework=framework.code,
        indicator_codes=[i.code for i in inds],
        criteria_codes=crit_codes,
        status=status,
        rule_index=rule_index,
        threshold=threshold,
        criteria_met=crit_met,
        criteria_missing=crit_missing,
        criteria_met_count=met_count,
        standard_met=crit_met.all(axis=1),
        band_index=band_index,
        missing_count=(status == MISSING).sum(axis=1),
    )


def share_met(
    parent_index: np.ndarray, met: np.ndarray, n_parents: int, mask: np.ndarray | None = None
) -> np.ndarray:
    """Percentage of each parent's children that meet a standard, as a derived indicator's values.

    `parent_index[k]` is the parent (row in the parents' matrix) of child k, `met[k]` its standard
    flag (bool or float with NaN for "not evaluated"), `mask` restricts the children counted (e.g.
    communes only, not townships). A parent with no counted child, or with a child not evaluated,
    gets NaN (missing)."""
    parent_index = np.asarray(parent_index, dtype=np.int64)
    m = np.asarray(met, dtype=np.float64)
    keep = np.ones(m.shape[0], dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    total = np.bincount(parent_index[keep], minlength=n_parents)
    unknown = np.bincount(parent_index[keep], weights=np.isnan(m[keep]).astype(float), minlength=n_parents)
    yes = np.bincount(parent_index[keep], weights=np.nan_to_num(m[keep], nan=0.0), minlength=n_parents)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = 100.0 * yes / total
    share[(total == 0) | (unknown > 0)] = np.nan
    return share


# --- one unit, with explanations ----------------------------------------------------------------------------


def _derive(ind: Indicator, children: Sequence[Child]) -> tuple[float, str]:
    d = ind.derived
    assert d is not None
    counted = [c for c in children if not d.kinds or c.kind in d.kinds]
    if not counted:
        return math.nan, "không có đơn vị cấp dưới để tính"
    flags = [c.met.get(d.framework) for c in counted]
    if any(f is None for f in flags):
        unknown = sum(f is None for f in flags)
        return math.nan, f"{unknown}/{len(flags)} đơn vị cấp dưới chưa được đánh giá theo {d.framework}"
    yes = sum(bool(f) for f in flags)
    return 100.0 * yes / len(flags), f"{yes}/{len(flags)} đơn vị cấp dưới đạt {d.framework}"


def _display(value_type: str, v: float) -> Any:
    if math.isnan(v):
        return None
    if value_type == PASS_FAIL:
        return bool(v)
    if value_type == COUNT or float(v).is_integer():
        return int(v) if value_type == COUNT else v
    return v


def evaluate(
    framework: Framework,
    context: Context,
    values: Mapping[str, Any],
    *,
    children: Sequence[Child] | None = None,
    registry: Mapping[str, Framework] | None = None,
) -> Evaluation:
    """Evaluate one unit and explain the result (see the module docstring)."""
    if not isinstance(values, Mapping):
        raise EvaluationError("Giá trị phải là một bảng mã chỉ tiêu → giá trị.")
    types = framework.value_types
    precisions = framework.precisions
    arrays: dict[str, np.ndarray] = {}
    for key, raw in values.items():
        if not isinstance(key, str) or key not in types:
            raise EvaluationError(f"Mã chỉ tiêu «{key}» không có trong bộ tiêu chí {framework.code}.")
        arrays[key] = np.array([coerce_value(key, types[key][0], raw, precisions[key])])
    notes: dict[str, str] = {}
    derived_codes: set[str] = set()
    if children is not None:
        for ind in framework.indicators:
            if ind.derived is not None and ind.code not in values:
                share, note = _derive(ind, children)
                arrays[ind.code] = round_array(np.array([share]), ind.precision)
                notes[ind.code] = note
                derived_codes.add(ind.code)
    _check_context(framework, context)
    mr = (
        evaluate_matrix(framework, context, arrays, registry=registry)
        if arrays
        else evaluate_matrix(
            framework, ContextIndex([context], np.zeros(1, dtype=np.int64)), {}, registry=registry
        )
    )

    criteria: list[CriterionResult] = []
    missing: list[str] = []
    missing_thr: list[str] = []
    unverified: list[str] = []
    failures: list[str] = []
    j = 0
    for k, c in enumerate(framework.criteria):
        results = []
        c_missing = []
        for ind in c.indicators:
            st = int(mr.status[0, j])
            ri = int(mr.rule_index[0, j])
            rule = ind.rules[ri] if ri >= 0 else None
            t = float(mr.threshold[0, j])
            v = float(arrays[ind.code][0]) if ind.code in arrays else math.nan
            reason = ""
            if st == NO_THRESHOLD:
                reason = "threshold"
                missing_thr.append(ind.code)
                c_missing.append(ind.code)
            elif st == MISSING:
                reason = "value"
                missing.append(ind.code)
                c_missing.append(ind.code)
            also = []
            if rule is not None:
                if not rule.verified:
                    unverified.append(ind.code)
                for term in rule.also:
                    a = float(arrays[term.input][0]) if term.input in arrays else math.nan
                    also.append(
                        {
                            "input": term.input,
                            "value": None if math.isnan(a) else a,
                            "comparator": term.comparator,
                            "threshold": term.value,
                        }
                    )
            thr_display = None if math.isnan(t) else t
            if ind.value_type == PASS_FAIL and thr_display is not None:
                thr_display = bool(thr_display)
            res = IndicatorResult(
                code=ind.code,
                name=ind.name,
                value=_display(ind.value_type, v),
                threshold=thr_display,
                comparator=rule.comparator if rule else None,
                status=STATUS_NAMES[st],
                verified=bool(rule.verified) if rule else False,
                source=rule.source if rule else "",
                source_url=rule.source_url if rule else "",
                reason=reason,
                unit=ind.unit,
                value_type=ind.value_type,
                also=also,
                note=notes.get(ind.code, ""),
                derived=ind.code in derived_codes,
                decimals=ind.decimals,
            )
            results.append(res)
            if st == NOT_MET:
                failures.append(_explain_failure(ind, res))
            j += 1
        criteria.append(
            CriterionResult(
                code=c.code,
                name=c.name,
                group=c.group,
                met=bool(mr.criteria_met[0, k]),
                missing=c_missing,
                indicators=results,
            )
        )
    met = int(mr.criteria_met_count[0])
    total = len(framework.criteria)
    band_code, band_label = framework.band_for(met)
    standard = bool(mr.standard_met[0])
    return Evaluation(
        framework=framework.code,
        version=framework.version,
        context=context,
        standard_met=standard,
        criteria_met=met,
        criteria_total=total,
        band=band_code,
        band_label=band_label,
        criteria=criteria,
        missing=missing,
        missing_thresholds=missing_thr,
        unverified=unverified,
        explanation=_explain(
            framework, standard, met, total, band_label, criteria, failures, missing, missing_thr, unverified
        ),
        presupposes=framework.presupposes,
    )


def _explain_failure(ind: Indicator, res: IndicatorResult) -> str:
    if ind.value_type == PASS_FAIL:
        return f"{ind.code}: chưa đạt"
    sym = COMPARATOR_SYMBOLS.get(res.comparator or "", "?")
    unit = f" {ind.unit}" if ind.unit and ind.unit != "%" else (ind.unit or "")
    primary_ok = bool(_compare(res.comparator or "eq", np.array([float(res.value)]), float(res.threshold))[0])
    text = f"{ind.code}: {_fmt(float(res.value))}{unit}" + (
        "" if primary_ok else f", yêu cầu {sym} {_fmt(float(res.threshold))}{unit}"
    )
    bad_also = [
        a
        for a in res.also
        if a["value"] is not None
        and not bool(_compare(a["comparator"], np.array([a["value"]]), a["threshold"])[0])
    ]
    for a in bad_also:
        text += (
            f"; {a['input']} = {_fmt(float(a['value']))}, yêu cầu "
            f"{COMPARATOR_SYMBOLS[a['comparator']]} {_fmt(float(a['threshold']))}"
        )
    return text


def _explain(
    framework, standard, met, total, band_label, criteria, failures, missing, missing_thr, unverified
) -> str:
    head = (
        f"Đạt chuẩn: {met}/{total} tiêu chí."
        if standard
        else f"Chưa đạt chuẩn: {met}/{total} tiêu chí ({band_label})."
    )
    parts = [head]
    not_met = [c for c in criteria if any(i.status == "not_met" for i in c.indicators)]
    if not_met:
        parts.append("Tiêu chí chưa đạt: " + ", ".join(f"{c.code} ({c.name})" for c in not_met) + ".")
    if failures:
        parts.append("Chỉ tiêu chưa đạt: " + "; ".join(failures) + ".")
    if missing:
        parts.append(f"Thiếu số liệu {len(missing)} chỉ tiêu: " + ", ".join(missing) + ".")
    if missing_thr:
        parts.append(
            f"Chưa có ngưỡng (cần cập nhật, chưa kiểm chứng) {len(missing_thr)} chỉ tiêu: "
            + ", ".join(missing_thr)
            + "."
        )
    if unverified:
        parts.append(f"{len(unverified)} ngưỡng áp dụng chưa kiểm chứng.")
    return " ".join(parts)


# --- plain data in and out ------------------------------------------------------------------------------


def _terms(items) -> tuple[Term, ...]:
    return tuple(
        Term(input=str(t["input"]), comparator=str(t["comparator"]), value=float(t["value"]))
        for t in (items or ())
    )


def rule_from_dict(d: Mapping[str, Any]) -> Rule:
    ref = d.get("ref") or d.get("value_ref")
    return Rule(
        comparator=str(d.get("comparator") or "gte"),
        value=None if d.get("value") is None else float(d["value"]),
        region=d.get("region") or None,
        group=d.get("group"),
        kinds=tuple(d.get("kinds") or ()),
        year_from=d.get("year_from"),
        year_to=d.get("year_to"),
        when=_terms(d.get("when")),
        also=_terms(d.get("also")),
        ref=ThresholdRef(
            framework=ref["framework"], indicator=str(ref["indicator"]), factor=float(ref.get("factor", 1.0))
        )
        if ref
        else None,
        source=d.get("source") or "",
        source_url=d.get("source_url") or "",
        verified=bool(d.get("verified")),
        note=d.get("note") or "",
        key=d.get("key") or "",
        id=d.get("id"),
    )


def framework_from_dict(d: Mapping[str, Any]) -> Framework:
    """A framework from nested plain data (the shape `builtin` and the Excel import produce)."""
    criteria = []
    for c in d["criteria"]:
        indicators = []
        for i in c["indicators"]:
            der = i.get("derived")
            indicators.append(
                Indicator(
                    code=str(i["code"]),
                    name=i.get("name", ""),
                    value_type=i["value_type"],
                    unit=i.get("unit") or "",
                    verified=bool(i.get("verified")),
                    source=i.get("source") or "",
                    decimals=i.get("decimals"),
                    inputs=tuple(
                        Input(
                            key=x["key"],
                            name=x.get("name", ""),
                            value_type=x["value_type"],
                            unit=x.get("unit") or "",
                            decimals=x.get("decimals"),
                        )
                        for x in (i.get("inputs") or ())
                    ),
                    derived=Derivation(
                        framework=der["framework"],
                        kinds=tuple(der.get("kinds") or ()),
                        measure=der.get("measure", "share_met"),
                    )
                    if der
                    else None,
                    rules=tuple(rule_from_dict(r) for r in i.get("rules") or ()),
                )
            )
        criteria.append(
            Criterion(
                code=str(c["code"]),
                name=c.get("name", ""),
                group=c.get("group") or "",
                indicators=tuple(indicators),
            )
        )
    bands = tuple((int(b[0]), str(b[1]), str(b[2])) for b in d.get("bands") or ())
    return Framework(
        code=d["code"],
        name=d.get("name", ""),
        version=int(d.get("version", 1)),
        level=d.get("level", "commune"),
        standard=d.get("standard", "ntm"),
        period_start=d.get("period_start"),
        period_end=d.get("period_end"),
        kinds=tuple(d.get("kinds") or ()),
        presupposes=d.get("presupposes") or None,
        bands=bands,
        legal_basis=d.get("legal_basis", ""),
        criteria=tuple(criteria),
    )
