"""Workflows and their selection rules as data files (`data/workflows/*.yaml`), loaded idempotently.

A file holds `workflows:` (each one the keyword arguments of `core.workflow.workflow_define`: code,
name, description, states, transitions) and optionally `rules:` (which workflow a subject follows, by
level and period: workflow, level, year_from, year_to, note) and `conditions:` (conditions a subject
app reads, e.g. the recognition conditions). The reader checks the file's shape and names the file and
item on any mistake; `workflow_define` checks each workflow (states, transitions, role codes, due dates,
tasks) before anything is written. Loading the same files again changes nothing and writes no audit row.

Rules and conditions are stored by the app that owns them (the recognition dossier's `WorkflowRule` in
`assessments`); this module only reads and checks them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from chungsuc.core.workflow import WorkflowError, workflow_define

__all__ = ["data_dir", "read_workflow_files", "workflow_rules", "workflows_load"]

_FILE_KEYS = {"workflows", "rules", "conditions"}
_WORKFLOW_KEYS = {"code", "name", "description", "active", "states", "transitions"}
_RULE_KEYS = {"workflow", "level", "year_from", "year_to", "note"}
LEVELS = ("", "commune", "district", "province")


def data_dir() -> Path:
    return Path(settings.DATA_DIR) / "workflows"


def _paths(paths: Iterable[Path | str] | None) -> list[Path]:
    if paths is None:
        return sorted(data_dir().glob("*.yaml"))
    return [Path(p) for p in paths]


def _read(path: Path) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise WorkflowError(_("Không có tệp quy trình «%(file)s».") % {"file": path.name}) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _(" (dòng %(line)d)") % {"line": mark.line + 1} if mark is not None else ""
        raise WorkflowError(
            _("Tệp quy trình «%(file)s» không đọc được%(where)s.") % {"file": path.name, "where": where}
        ) from None
    if not isinstance(doc, dict):
        raise WorkflowError(
            _("Tệp quy trình «%(file)s» phải là một bảng khóa–giá trị.") % {"file": path.name}
        )
    unknown = sorted(set(doc) - _FILE_KEYS)
    if unknown:
        raise WorkflowError(
            _("Tệp quy trình «%(file)s» có khóa không hợp lệ: %(keys)s (chỉ dùng: %(allowed)s).")
            % {"file": path.name, "keys": ", ".join(unknown), "allowed": ", ".join(sorted(_FILE_KEYS))}
        )
    for key in _FILE_KEYS:
        if key in doc and not isinstance(doc[key], list):
            raise WorkflowError(
                _("Tệp quy trình «%(file)s»: «%(key)s» phải là danh sách.") % {"file": path.name, "key": key}
            )
    for n, item in enumerate(doc.get("workflows", []), start=1):
        if not isinstance(item, dict):
            raise WorkflowError(
                _("Tệp «%(file)s», quy trình thứ %(n)d: phải là một bảng khóa–giá trị.")
                % {"file": path.name, "n": n}
            )
        extra = sorted(set(item) - _WORKFLOW_KEYS)
        missing = [k for k in ("code", "name", "states", "transitions") if k not in item]
        if extra or missing:
            raise WorkflowError(
                _("Tệp «%(file)s», quy trình thứ %(n)d («%(code)s»): %(problem)s.")
                % {
                    "file": path.name,
                    "n": n,
                    "code": item.get("code", "?"),
                    "problem": (
                        _("khóa không hợp lệ: %(keys)s") % {"keys": ", ".join(extra)}
                        if extra
                        else _("thiếu %(keys)s") % {"keys": ", ".join(missing)}
                    ),
                }
            )
    return doc


def read_workflow_files(paths: Iterable[Path | str] | None = None) -> dict[str, list[dict]]:
    """The workflows, rules and conditions of the files (default: every `data/workflows/*.yaml`),
    each item tagged with its file (`_file`). A workflow code defined twice is refused."""
    merged: dict[str, list[dict]] = {"workflows": [], "rules": [], "conditions": []}
    seen: dict[str, str] = {}
    for path in _paths(paths):
        doc = _read(path)
        for item in doc.get("workflows", []):
            code = str(item["code"])
            if code in seen:
                raise WorkflowError(
                    _("Quy trình «%(code)s» được khai báo hai lần (tệp «%(a)s» và «%(b)s»).")
                    % {"code": code, "a": seen[code], "b": path.name}
                )
            seen[code] = path.name
            merged["workflows"].append({**item, "_file": path.name})
        for key in ("rules", "conditions"):
            merged[key].extend(
                {**item, "_file": path.name} if isinstance(item, dict) else item for item in doc.get(key, [])
            )
    return merged


def workflow_rules(
    paths: Iterable[Path | str] | None = None, *, known_workflows: set[str] | None = None
) -> list[dict]:
    """The selection rules of the files, checked: a known workflow, a level, a valid period."""
    data = read_workflow_files(paths)
    known = known_workflows if known_workflows is not None else {w["code"] for w in data["workflows"]}
    rules = []
    for n, raw in enumerate(data["rules"], start=1):
        where = _("Tệp «%(file)s», quy tắc chọn quy trình thứ %(n)d") % {
            "file": raw.get("_file", "?") if isinstance(raw, dict) else "?",
            "n": n,
        }
        if not isinstance(raw, dict):
            raise WorkflowError(_("%(where)s: phải là một bảng khóa–giá trị.") % {"where": where})
        item = {k: v for k, v in raw.items() if k != "_file"}
        extra = sorted(set(item) - _RULE_KEYS)
        if extra:
            raise WorkflowError(
                _("%(where)s: khóa không hợp lệ: %(keys)s (chỉ dùng: %(allowed)s).")
                % {"where": where, "keys": ", ".join(extra), "allowed": ", ".join(sorted(_RULE_KEYS))}
            )
        code = str(item.get("workflow") or "")
        if code not in known:
            raise WorkflowError(
                _("%(where)s: không có quy trình «%(code)s».") % {"where": where, "code": code or "—"}
            )
        level = str(item.get("level") or "")
        if level not in LEVELS:
            raise WorkflowError(
                _("%(where)s: cấp «%(level)s» không hợp lệ (commune, district, province hoặc để trống).")
                % {"where": where, "level": level}
            )
        years = {}
        for key in ("year_from", "year_to"):
            value = item.get(key)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2100
            ):
                raise WorkflowError(
                    _("%(where)s: «%(key)s» phải là một năm (ví dụ 2025), nhận được %(value)r.")
                    % {"where": where, "key": key, "value": value}
                )
            years[key] = value
        if years["year_from"] and years["year_to"] and years["year_from"] > years["year_to"]:
            raise WorkflowError(
                _("%(where)s: năm bắt đầu %(a)d sau năm kết thúc %(b)d.")
                % {"where": where, "a": years["year_from"], "b": years["year_to"]}
            )
        rules.append({"workflow_code": code, "level": level, **years, "note": str(item.get("note") or "")})
    return rules


def workflows_load(*, paths: Iterable[Path | str] | None = None, actor=None) -> list:
    """Define every workflow of the files (default: all of `data/workflows/`), all or nothing."""
    data = read_workflow_files(paths)
    defined = []
    with transaction.atomic():
        for item in data["workflows"]:
            kwargs = {k: v for k, v in item.items() if k != "_file"}
            try:
                defined.append(workflow_define(actor=actor, **kwargs))
            except WorkflowError as exc:
                raise WorkflowError(
                    _("Tệp «%(file)s»: %(message)s")
                    % {"file": item["_file"], "message": " ".join(exc.messages)}
                ) from None
    return defined
