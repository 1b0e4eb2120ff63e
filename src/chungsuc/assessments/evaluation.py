"""Evaluating assessments with the criteria engine and storing the results.

One assessment: `evaluate_one` (with the explanation for the page). Many: `evaluate_many` reads the
packed value column of every assessment in one query, stacks it into a units × keys float matrix,
evaluates it set-at-a-time per framework (`engine.evaluate_matrix`) and writes one `EvaluationResult`
row per assessment with `bulk_create` (on PostgreSQL through COPY when psycopg is in use). Results
state the framework version and the values hash they used.
"""

from __future__ import annotations

import json
from collections import defaultdict

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from chungsuc.assessments import derived, frameworks
from chungsuc.assessments.models import Assessment, EvaluationResult, unpack
from chungsuc.criteria import engine

STATUS = {True: "met", False: "not_met"}


def _values_for(assessment: Assessment, efw: engine.Framework) -> dict[str, float | None]:
    keys = frameworks.layout(efw)
    from chungsuc.assessments.models import layout_key

    if assessment.packed and assessment.layout == layout_key(keys):
        return unpack(assessment.packed, keys)
    out = dict.fromkeys(keys)
    for code, value in assessment.values.values_list("indicator_code", "value"):
        if code in out:
            out[code] = value
    return out


def children_for(assessment: Assessment, efw: engine.Framework) -> tuple[list | None, dict | None]:
    """For a framework with derived indicators (district, province): the child units' results as the
    engine's `Child` list and the snapshot stored with the result; (None, None) otherwise."""
    refs = derived.derived_refs(efw)
    if not refs:
        return None, None
    unit, year = assessment.unit, int(assessment.year)
    kids = derived.children_status([(unit, year)], efw)[(unit.pk, year)]
    labels = derived.standard_labels({i.derived.framework for i in refs})
    snap = derived.snapshot(efw, derived.reference_date(unit, year), kids, labels)
    return [k.engine_child() for k in kids], snap


def evaluate_one(assessment: Assessment, *, store: bool = False) -> engine.Evaluation:
    """Evaluate one assessment. Derived indicators (a district's share of communes meeting a standard)
    always come from the child units (`derived`), never from a typed value; the result carries the
    children it used as `children_snapshot`."""
    efw = frameworks.engine_framework(assessment.framework)
    values = _values_for(assessment, efw)
    children, snap = children_for(assessment, efw)
    if children is not None:
        for ind in derived.derived_refs(efw):
            values.pop(ind.code, None)
    types = efw.value_types
    arrays = {k: np.array([np.nan if v is None else v], dtype=float) for k, v in values.items() if k in types}
    ctx = frameworks.context_for(assessment.unit, assessment.year)
    # The engine takes Python values for one unit; convert pass/fail back to bool.
    plain = {}
    for key, arr in arrays.items():
        v = float(arr[0])
        if np.isnan(v):
            continue
        plain[key] = bool(v) if types[key][0] == engine.PASS_FAIL else v
    result = engine.evaluate(efw, ctx, plain, children=children, registry=frameworks.registry_for(efw))
    result.children_snapshot = snap
    if store:
        store_one(assessment, result)
    return result


def store_one(assessment: Assessment, result: engine.Evaluation) -> EvaluationResult:
    criteria = {}
    for c in result.criteria:
        criteria[c.code] = "met" if c.met else ("missing" if c.missing else "not_met")
    return EvaluationResult.objects.create(
        assessment=assessment,
        framework_code=result.framework,
        framework_version=str(result.version),
        values_hash=assessment.values_hash,
        standard_met=result.standard_met,
        criteria_met=result.criteria_met,
        criteria_total=result.criteria_total,
        band=result.band,
        missing=len(result.missing),
        criteria=criteria,
        children=getattr(result, "children_snapshot", None) or {},
    )


def read_packed(assessment_qs) -> dict[int, list[tuple]]:
    """(framework_id → rows of (assessment id, unit region, group, kind, year, packed, layout, hash,
    unit id))."""
    rows = assessment_qs.values_list(
        "framework_id",
        "id",
        "unit__region",
        "unit__commune_group",
        "unit__kind",
        "year",
        "packed",
        "layout",
        "values_hash",
        "unit_id",
    )
    by_fw: dict[int, list[tuple]] = defaultdict(list)
    for fw_id, *rest in rows.iterator(chunk_size=5000):
        by_fw[fw_id].append(tuple(rest))
    return by_fw


def evaluate_many(assessment_qs, *, store: bool = True, timings: dict | None = None) -> int:
    """Evaluate every assessment of `assessment_qs` set-at-a-time and store one result each."""
    import time

    from chungsuc.assessments.models import layout_key
    from chungsuc.criteria.models import Framework

    t0 = time.perf_counter()
    by_fw = read_packed(assessment_qs)
    t_read = time.perf_counter() - t0
    t_eval = 0.0
    t_store = 0.0
    total = 0
    for fw_id, rows in by_fw.items():
        fw = Framework.objects.get(pk=fw_id)
        efw = frameworks.engine_framework(fw)
        keys = frameworks.layout(efw)
        lkey = layout_key(keys)
        t1 = time.perf_counter()
        n = len(rows)
        width = len(keys)
        blob = bytearray()
        nan_row = np.full(width, np.nan, dtype="<f8").tobytes()
        for r in rows:
            packed = r[5]
            blob += bytes(packed) if (packed and r[6] == lkey) else nan_row
        matrix = np.frombuffer(bytes(blob), dtype="<f8").reshape(n, width) if n else np.zeros((0, width))
        contexts = [engine.Context(year=int(r[4]), region=r[1] or None, group=r[2], kind=r[3]) for r in rows]
        values = {k: matrix[:, j] for j, k in enumerate(keys)}
        snapshots = _derive_columns(efw, rows, values) if derived.derived_refs(efw) else None
        mr = engine.evaluate_matrix(
            efw, engine.ContextIndex.from_list(contexts), values, registry=frameworks.registry_for(efw)
        )
        t_eval += time.perf_counter() - t1
        if store:
            t2 = time.perf_counter()
            _store_matrix(fw, efw, rows, mr, snapshots)
            t_store += time.perf_counter() - t2
        total += n
    if timings is not None:
        timings.update(read_s=t_read, evaluate_s=t_eval, store_s=t_store)
    return total


def _derive_columns(efw: engine.Framework, rows: list[tuple], values: dict[str, np.ndarray]) -> list[str]:
    """Fill the derived indicators' columns from the child units of every row's unit and year (one
    `derived.children_status` call for all rows); returns each row's children snapshot as JSON text."""
    from chungsuc.geo.models import Unit

    refs = derived.derived_refs(efw)
    units = Unit.objects.in_bulk({r[8] for r in rows})
    pairs = list({(r[8], int(r[4])) for r in rows})
    statuses = derived.children_status([(units[u], y) for u, y in pairs], efw)
    labels = derived.standard_labels({i.derived.framework for i in refs})
    for ind in refs:
        values[ind.code] = np.array(values[ind.code], dtype=float, copy=True)
    out = []
    for i, r in enumerate(rows):
        kids = statuses.get((r[8], int(r[4])), [])
        for ind in refs:
            d = ind.derived
            counted = [k.met.get(d.framework) for k in kids if not d.kinds or k.kind in d.kinds]
            if not counted or any(m is None for m in counted):
                values[ind.code][i] = np.nan
            else:
                values[ind.code][i] = 100.0 * sum(bool(m) for m in counted) / len(counted)
        snap = derived.snapshot(efw, derived.reference_date(units[r[8]], int(r[4])), kids, labels)
        out.append(json.dumps(snap, ensure_ascii=False))
    return out


def _criteria_json(mr: engine.MatrixResult) -> list[str]:
    codes = mr.criteria_codes
    met = mr.criteria_met
    missing = mr.criteria_missing
    # status per unit × criterion: met / missing / not_met, rendered as compact JSON text per row
    labels = np.where(met, 0, np.where(missing, 1, 2))
    names = ("met", "missing", "not_met")
    # Distinct rows are few in practice; cache their JSON text.
    cache: dict[bytes, str] = {}
    out = []
    for row in labels.astype(np.int8):
        key = row.tobytes()
        text = cache.get(key)
        if text is None:
            text = json.dumps({c: names[int(s)] for c, s in zip(codes, row, strict=True)}, ensure_ascii=False)
            cache[key] = text
        out.append(text)
    return out


def _store_matrix(
    fw, efw: engine.Framework, rows: list[tuple], mr: engine.MatrixResult, snapshots: list[str] | None = None
) -> None:
    now = timezone.now()
    crit_json = _criteria_json(mr)
    bands = [b[1] for b in efw.bands]
    total = len(efw.criteria)
    version = str(efw.version)
    met_count = mr.criteria_met_count.tolist()
    std = mr.standard_met.tolist()
    band_idx = mr.band_index.tolist()
    missing = mr.missing_count.tolist()
    table = EvaluationResult._meta.db_table
    cols = (
        "assessment_id, evaluated_at, framework_code, framework_version, values_hash, standard_met, "
        "criteria_met, criteria_total, band, missing, criteria, children"
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                raw = cur.cursor
                with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for i, r in enumerate(rows):
                        copy.write_row(
                            (
                                r[0],
                                now,
                                efw.code,
                                version,
                                r[7] or "",
                                std[i],
                                met_count[i],
                                total,
                                bands[band_idx[i]],
                                missing[i],
                                crit_json[i],
                                snapshots[i] if snapshots else "{}",
                            )
                        )
        else:
            stamp = connection.ops.adapt_datetimefield_value(now)
            params = [
                (
                    r[0],
                    stamp,
                    efw.code,
                    version,
                    r[7] or "",
                    std[i],
                    met_count[i],
                    total,
                    bands[band_idx[i]],
                    missing[i],
                    crit_json[i],
                    snapshots[i] if snapshots else "{}",
                )
                for i, r in enumerate(rows)
            ]
            with connection.cursor() as cur:
                cur.executemany(
                    f"INSERT INTO {table} ({cols}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    params,
                )
