"""Writing audit rows. Every service that changes state calls `audit_record` inside its transaction."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from chungsuc.core.models import AuditEntry

# What an official reads in the audit log instead of the action code each service writes.
ACTION_LABELS = {
    "assessment.condition": _("Ghi điều kiện công nhận"),
    "assessment.consultation_close": _("Kết thúc lấy ý kiến nhân dân"),
    "assessment.consultation_comment": _("Góp ý của nhân dân"),
    "assessment.consultation_open": _("Mở lấy ý kiến nhân dân"),
    "assessment.create": _("Tạo hồ sơ đánh giá"),
    "assessment.decision": _("Ghi quyết định công nhận"),
    "assessment.evaluate": _("Chấm điểm theo bộ tiêu chí"),
    "assessment.framework_move": _("Chuyển hồ sơ sang phiên bản mới của bộ tiêu chí"),
    "assessment.override": _("Tiếp tục dù hồ sơ chưa đạt chuẩn"),
    "unit.commune_group": _("Phân nhóm xã"),
    "assessment.evidence_add": _("Thêm minh chứng"),
    "assessment.evidence_remove": _("Gỡ minh chứng"),
    "assessment.import": _("Nhập hồ sơ đánh giá từ Excel"),
    "assessment.update": _("Sửa hồ sơ đánh giá"),
    "assessment.values": _("Nhập số liệu chỉ tiêu"),
    "criteria.update": _("Sửa bộ tiêu chí"),
    "framework.create": _("Tạo bộ tiêu chí"),
    "framework.import": _("Nhập bộ tiêu chí từ Excel"),
    "framework.version": _("Tạo phiên bản mới của bộ tiêu chí"),
    "geo.unit_data_load": _("Nạp dữ liệu đơn vị hành chính"),
    "legal_act.create": _("Ghi văn bản"),
    "legal_act.file": _("Đính kèm bản ký của văn bản"),
    "legal_act.link": _("Gắn văn bản với đối tượng"),
    "membership.grant": _("Giao vai trò"),
    "membership.update": _("Sửa vai trò"),
    "membership.delete": _("Xóa vai trò"),
    "jurisdiction.create": _("Thêm địa bàn phụ trách"),
    "jurisdiction.update": _("Sửa địa bàn phụ trách"),
    "jurisdiction.delete": _("Xóa địa bàn phụ trách"),
    "organisation.delete": _("Xóa cơ quan, tổ chức"),
    "report.generated": _("Tạo xong văn bản"),
    "report.request": _("Yêu cầu tạo văn bản"),
    "membership.revoke": _("Thu hồi vai trò"),
    "movement.amendment_decide": _("Quyết định điều chỉnh kế hoạch phong trào"),
    "movement.amendment_propose": _("Đề nghị điều chỉnh kế hoạch phong trào"),
    "movement.amendment_reject": _("Không chấp thuận điều chỉnh kế hoạch"),
    "movement.cluster_create": _("Lập cụm, khối thi đua"),
    "movement.cluster_members": _("Phân thành viên cụm, khối thi đua"),
    "movement.cluster_score": _("Chấm điểm thi đua cụm, khối"),
    "movement.create": _("Tạo phong trào thi đua"),
    "movement.inspection_conclude": _("Ghi kết luận kiểm tra"),
    "movement.inspection_findings": _("Ghi kết quả kiểm tra"),
    "movement.inspection_plan": _("Lập kế hoạch kiểm tra"),
    "movement.inspection_team_create": _("Thành lập đoàn kiểm tra"),
    "movement.inspection_team_member_add": _("Thêm thành viên đoàn kiểm tra"),
    "movement.inspection_team_member_remove": _("Bỏ thành viên khỏi đoàn kiểm tra"),
    "movement.model_attach": _("Đính kèm minh chứng mô hình"),
    "movement.model_endorse": _("Công nhận mô hình, điển hình"),
    "movement.model_propose": _("Đề xuất mô hình, điển hình"),
    "movement.model_publish": _("Công bố mô hình lên cổng thông tin"),
    "movement.model_reject": _("Không công nhận mô hình"),
    "movement.model_replicate": _("Ghi nơi nhân rộng mô hình"),
    "movement.model_withdraw": _("Gỡ mô hình khỏi cổng thông tin"),
    "movement.pilot_load": _("Nạp danh sách đơn vị điểm"),
    "movement.pilot_update": _("Sửa danh sách đơn vị điểm"),
    "movement.recommendation_add": _("Ghi kiến nghị sau kiểm tra"),
    "movement.recommendation_follow_up": _("Ghi kết quả khắc phục kiến nghị"),
    "movement.scoring_table": _("Sửa bảng chấm điểm thi đua"),
    "movement.load": _("Nạp phong trào thi đua có sẵn"),
    "movement.obligation_late": _("Đánh dấu nghĩa vụ báo cáo trễ hạn"),
    "movement.obligations": _("Ấn định nghĩa vụ báo cáo và hạn nộp"),
    "movement.participant_add": _("Thêm đơn vị tham gia phong trào"),
    "movement.report_attach": _("Đính kèm tệp vào báo cáo phong trào"),
    "movement.report_create": _("Soạn báo cáo phong trào"),
    "movement.report_update": _("Sửa báo cáo phong trào"),
    "movement.roadmap": _("Đăng ký lộ trình đạt chuẩn"),
    "movement.unit_group": _("Phân nhóm xã"),
    "organisation.create": _("Tạo cơ quan, tổ chức"),
    "organisation.update": _("Cập nhật cơ quan, tổ chức"),
    "recognition.builtin": _("Nạp sổ công nhận có sẵn"),
    "recognition.comment_hide": _("Ẩn góp ý của người dân"),
    "recognition.import": _("Nhập sổ công nhận"),
    "recognition.revoke": _("Thu hồi công nhận"),
    "recognition.survey_attest": _("Xác nhận kết quả lấy ý kiến sự hài lòng"),
    "recognition.survey_record": _("Ghi kết quả lấy ý kiến sự hài lòng"),
    "threshold.update": _("Sửa ngưỡng chỉ tiêu"),
    "threshold.verify": _("Kiểm chứng ngưỡng chỉ tiêu"),
    "user.create": _("Tạo tài khoản"),
    "user.password_change": _("Đổi mật khẩu"),
    "workflow.define": _("Khai báo quy trình"),
    "workflow.start": _("Bắt đầu quy trình"),
    "workflow.transition": _("Chuyển bước quy trình"),
    "workflow.batch": _("Chuyển bước nhiều hồ sơ cùng một quyết định"),
    "workflow.due": _("Đặt hạn xử lý hồ sơ"),
    "workflow.remind": _("Nhắc hạn"),
    "workflow.task_create": _("Giao nhiệm vụ"),
    "workflow.task_complete": _("Hoàn thành nhiệm vụ"),
    "workflow.vote_open": _("Mở biểu quyết"),
    "workflow.vote_cast": _("Bỏ phiếu"),
    "workflow.vote_close": _("Kết thúc biểu quyết"),
}


def action_label(action: str) -> str:
    """The Vietnamese label of an audit action code; an unknown code is shown as it is."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The values of `fields` on `obj`, JSON-ready, for a before/after pair."""
    out = {}
    for name in fields:
        field = obj._meta.get_field(name)
        out[name] = _plain(getattr(obj, field.attname if field.is_relation else name))
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_repr: str = "",
    unit_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Write one audit row. `before`/`after` are reduced to the fields that changed."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_repr = target_repr or str(target)[:300]
    if changes is None:
        changes = diff(_plain(before or {}), _plain(after or {}))
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_repr=(user.get_full_name() or user.get_username()) if user else "hệ thống",
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_repr=target_repr[:300],
        unit_id=unit_id,
        changes=_plain(changes),
        reason=reason,
    )
