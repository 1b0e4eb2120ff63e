"""How the audit log reads to an official: field labels instead of keys, workflow states and workflows by
their names, dates dd/mm/yyyy, Đạt/Không đạt, numbers 1.234,5, public comments by "người dân (ẩn danh)".
The rows keep what the services wrote (codes, ISO dates); only the viewer translates them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from chungsuc.core.tables import TEXT, Column, DataTable
from chungsuc.core.text import fmt_number

FIELD_LABELS = {
    "state": _lazy("Trạng thái"),
    "workflow": _lazy("Quy trình"),
    "verified": _lazy("Kiểm chứng"),
    "value": _lazy("Giá trị"),
    "comparator": _lazy("Phép so sánh"),
    "framework": _lazy("Bộ tiêu chí"),
    "framework_version": _lazy("Phiên bản bộ tiêu chí"),
    "criteria_met": _lazy("Số tiêu chí đạt"),
    "standard_met": _lazy("Đạt chuẩn"),
    "year": _lazy("Năm"),
    "unit": _lazy("Đơn vị"),
    "satisfaction": _lazy("Mức hài lòng"),
    "consultation": _lazy("Thời gian lấy ý kiến"),
    "source": _lazy("Nguồn"),
    "source_url": _lazy("Đường dẫn nguồn"),
    "version": _lazy("Phiên bản"),
    "origin": _lazy("Nguồn gốc"),
    "step": _lazy("Bước"),
    "failing": _lazy("Tiêu chí chưa đạt"),
    "commune_group": _lazy("Nhóm xã"),
    "met": _lazy("Kết quả"),
    "note": _lazy("Ghi chú"),
    "since": _lazy("Từ ngày"),
    "until": _lazy("Đến ngày"),
    "date": _lazy("Ngày"),
    "number": _lazy("Số văn bản"),
    "signer": _lazy("Người ký"),
    "recognised": _lazy("Kết quả quyết định"),
    "standard": _lazy("Chuẩn"),
    "comments": _lazy("Số ý kiến"),
    "satisfied": _lazy("Số hài lòng"),
    "rate": _lazy("Tỷ lệ hài lòng"),
    "role": _lazy("Vai trò"),
    "organisation": _lazy("Tổ chức"),
    "name": _lazy("Tên"),
    "new": _lazy("Mới"),
    "changes": _lazy("Số thay đổi"),
    "due": _lazy("Hạn"),
    "due_on": _lazy("Hạn"),
    "transition": _lazy("Bước chuyển"),
    "fact": _lazy("Nội dung"),
    "uncertainty": _lazy("Điểm chưa chắc chắn"),
    "decision_text": _lazy("Quyết định"),
    "since_precision": _lazy("Độ chính xác của ngày"),
    "decision": _lazy("Quyết định"),
    "authority": _lazy("Cấp quyết định"),
    "published_result": _lazy("Kết quả được công khai"),
    "feedback": _lazy("Góp ý trên cổng thông tin"),
    "answered": _lazy("Số trả lời"),
    "comment": _lazy("Ý kiến"),
    "survey": _lazy("Kết quả lấy ý kiến"),
    "surveyed": _lazy("Số người được lấy ý kiến"),
    "method": _lazy("Cách thức"),
    "conducted_on": _lazy("Ngày lấy ý kiến"),
    "minutes": _lazy("Biên bản"),
    "evidence": _lazy("Minh chứng"),
    "kind": _lazy("Loại"),
    "code": _lazy("Mã"),
    "group": _lazy("Nhóm"),
    "period": _lazy("Thời gian"),
    "user": _lazy("Người dùng"),
    "username": _lazy("Tên đăng nhập"),
    "state_name": _lazy("Trạng thái"),
    "late": _lazy("Trễ hạn"),
    "created": _lazy("Tạo mới"),
    "updated": _lazy("Cập nhật"),
    "deleted": _lazy("Xóa"),
    "changed": _lazy("Thay đổi"),
    "rows": _lazy("Số dòng"),
    "columns": _lazy("Số cột"),
    "members": _lazy("Thành viên"),
    "full_name": _lazy("Họ và tên"),
    "position": _lazy("Chức vụ"),
    "team": _lazy("Đoàn kiểm tra"),
    "targets": _lazy("Chỉ tiêu kế hoạch"),
    "pilots": _lazy("Đơn vị điểm"),
    "points": _lazy("Điểm"),
    "scored": _lazy("Đã chấm"),
    "scorer": _lazy("Người chấm"),
    "basis": _lazy("Căn cứ"),
    "notes": _lazy("Ghi chú"),
    "participants": _lazy("Đơn vị tham gia"),
}
_PRECISIONS = {"day": _lazy("ngày"), "month": _lazy("tháng"), "year": _lazy("năm")}
# command names that appear in reasons written by the loaders, as an official reads them
_COMMANDS = {
    "(load_builtin)": _lazy("(khi cài đặt hoặc cập nhật phần mềm)"),
    "(load_demo)": _lazy("(dữ liệu DEMO)"),
}

# bool fields that say whether something is met, or verified
_MET_FIELDS = {"standard_met", "met", "recognised", "satisfied_condition"}
_VERIFIED_FIELDS = {"verified", "legal_verified"}
_PLAIN_NUMBER_FIELDS = {"year", "version", "framework_version", "commune_group", "number"}
_ORIGINS = {
    "builtin": _lazy("dữ liệu có sẵn"),
    "edit": _lazy("sửa trên trang"),
    "import": _lazy("nhập từ Excel"),
    "demo": _lazy("DEMO"),
    "decision": _lazy("quyết định"),
}
_ISO_DATETIME = re.compile(
    r"\b(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:\d{2}|Z)?"
)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_INDICATOR = re.compile(r"^(\d+(?:\.\d+)*[a-z]?)(?::(.+))?$")
_COMMENT_ACTIONS = re.compile(r"comment|feedback")


def _names() -> tuple[dict[str, str], dict[str, str]]:
    from chungsuc.core.models import Workflow, WorkflowState, WorkflowTransition

    states = {}
    for code, name in WorkflowState.objects.values_list("code", "name"):
        states.setdefault(code, name)
    workflows = dict(Workflow.objects.values_list("code", "name"))
    # transitions by code (several workflows share a code; the first name reads for all)
    for code, name in WorkflowTransition.objects.order_by("id").values_list("code", "name"):
        _TRANSITIONS.setdefault(code, name)
    return states, workflows


_TRANSITIONS: dict[str, str] = {}


def field_label(key: str, names: tuple[dict, dict] | None = None) -> str:
    if key.startswith("transition:"):
        # workflow.define writes one key per transition: "transition:<source>:<code>"
        parts = key.split(":")
        states = (names or ({}, {}))[0]
        source = states.get(parts[1], parts[1].replace("_", " ")) if len(parts) > 1 else ""
        return _("Bước chuyển từ «%(state)s»") % {"state": _(source) if source else ""}
    if key.startswith("state:"):
        states = (names or ({}, {}))[0]
        code = key.split(":", 1)[1]
        return _("Trạng thái «%(state)s»") % {"state": _(states.get(code, code.replace("_", " ")))}
    label = FIELD_LABELS.get(key)
    if label is not None:
        return str(label)
    m = _INDICATOR.match(key)
    if m:
        code, sub = m.groups()
        if sub in ("ghi_chu", "comment"):
            return _("Ghi chú chỉ tiêu %(code)s") % {"code": code}
        if sub:
            return _("Chỉ tiêu %(code)s (giá trị phụ)") % {"code": code}
        return _("Chỉ tiêu %(code)s") % {"code": code}
    return key.replace("_", " ")


def _dates(text: str) -> str:
    text = _ISO_DATETIME.sub(lambda m: f"{m[3]}/{m[2]}/{m[1]} {m[4]}:{m[5]}", text)
    return _ISO_DATE.sub(lambda m: f"{m[3]}/{m[2]}/{m[1]}", text)


def value_text(key: str, value: Any, names: tuple[dict, dict]) -> str:
    states, workflows = names
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        if key in _MET_FIELDS:
            return _("Đạt") if value else _("Không đạt")
        if key in _VERIFIED_FIELDS:
            return _("Đã kiểm chứng") if value else _("Chưa kiểm chứng")
        return _("Có") if value else _("Không")
    if isinstance(value, int | float):
        if key in _PLAIN_NUMBER_FIELDS:
            return str(value)
        return fmt_number(value)
    if isinstance(value, dict):
        if not value:
            return "—"
        return "; ".join(f"{field_label(str(k))}: {value_text(str(k), v, names)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(value_text(key, v, names) for v in value)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    if key == "state" and text in states:
        return _(states[text])
    if " → " in text and any(part in states for part in text.split(" → ")):
        return " → ".join(_(states[p]) if p in states else _dates(p) for p in text.split(" → "))
    if key == "workflow" and text in workflows:
        return _(workflows[text])
    if key == "origin" and text in _ORIGINS:
        return str(_ORIGINS[text])
    if key == "transition" and text in _TRANSITIONS:
        return _(_TRANSITIONS[text])
    if key == "since_precision" and text in _PRECISIONS:
        return str(_PRECISIONS[text])
    if key in {"source", "basis"}:
        from chungsuc.core.sources import source_text

        return _dates(source_text(text)) or "—"
    return _dates(text)


def present(entries) -> None:
    """Give each audit entry `.change_rows` [(label, before, after)] and `.actor_text` (in place)."""
    names = _names()
    for e in entries:
        rows = []
        for key, pair in (e.changes or {}).items():
            if isinstance(pair, list | tuple) and len(pair) == 2:
                before, after = pair
            else:
                before, after = None, pair
            rows.append(
                (
                    field_label(str(key), names),
                    value_text(str(key), before, names),
                    value_text(str(key), after, names),
                )
            )
        e.change_rows = rows
        if e.actor_id is None and _COMMENT_ACTIONS.search(e.action or ""):
            e.actor_text = _("người dân (ẩn danh)")
        elif e.actor_id is None:
            e.actor_text = _("hệ thống")
        else:
            e.actor_text = e.actor_repr
        reason = e.reason or ""
        for command, label in _COMMANDS.items():
            reason = reason.replace(command, str(label))
        e.reason_text = _dates(reason)


AUDIT_EXPORT_ROWS = 50_000  # an export of the whole log holds the newest entries up to this many


def audit_table(entries, labels: dict) -> DataTable:
    """The audit log as the page shows it (labels, dd/mm/yyyy, formatted values), every entry of the
    filter (newest first, capped at AUDIT_EXPORT_ROWS), for its downloads."""
    from django.utils import timezone

    from chungsuc.core.audit import action_label

    entries = list(entries[:AUDIT_EXPORT_ROWS])
    present(entries)
    rows = [
        {
            "at": timezone.localtime(e.at).strftime("%d/%m/%Y %H:%M"),
            "actor": str(e.actor_text),
            "action": str(action_label(e.action)),
            "target": e.target_repr,
            "target_type": str(labels.get(e.target_type, "")),
            "changes": "; ".join(f"{label}: {before} → {after}" for label, before, after in e.change_rows),
            "reason": e.reason_text,
        }
        for e in entries
    ]
    return DataTable(
        key="audit",
        title=_("Nhật ký thay đổi"),
        columns=[
            Column("at", _("Thời điểm"), TEXT),
            Column("actor", _("Người thực hiện"), TEXT),
            Column("action", _("Hành động"), TEXT),
            Column("target", _("Đối tượng"), TEXT),
            Column("target_type", _("Loại đối tượng"), TEXT),
            Column("changes", _("Thay đổi"), TEXT),
            Column("reason", _("Lý do"), TEXT),
        ],
        rows=rows,
        note=_("Tối đa %(n)s dòng mới nhất.") % {"n": f"{AUDIT_EXPORT_ROWS:,}".replace(",", ".")}
        if len(entries) >= AUDIT_EXPORT_ROWS
        else "",
    )
