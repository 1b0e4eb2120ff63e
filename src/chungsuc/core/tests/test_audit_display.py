"""The audit log shows labels and formatted values, never our internals (issue 7 §4)."""

import pytest

from chungsuc.core.audit import audit_record
from chungsuc.core.models import AuditEntry


@pytest.fixture
def entries(db):
    from chungsuc.core.workflow import workflow_define

    workflow_define(
        actor=None,
        code="thu-quy-trinh",
        name="Quy trình thử",
        states=[
            {"code": "thu_nhap", "name": "Đang tự đánh giá", "is_initial": True},
            {"code": "thu_cho", "name": "Chờ huyện thẩm định"},
        ],
        transitions=[],
    )
    audit_record(
        actor=None,
        action="workflow.transition",
        target_type="x",
        target_id="1",
        changes={
            "state": ["thu_nhap", "thu_cho"],
            "workflow": [None, "thu-quy-trinh"],
            "verified": [False, True],
            "standard_met": [None, False],
            "satisfaction": [None, {"comments": 2, "rate": 92.5}],
            "consultation": [None, "2026-12-01 → 2026-12-16"],
            "3.1": ["", "79,9"],
            "criteria_met": [None, 12],
        },
        reason="Hạn 2026-12-16",
    )
    audit_record(actor=None, action="assessment.consultation_comment", target_type="x", target_id="2")
    return list(AuditEntry.objects.filter(target_type="x").order_by("id"))


def test_changes_read_as_labels_and_formatted_values(entries):
    from chungsuc.core.audit_display import present

    present(entries)
    rows = {label: (before, after) for label, before, after in entries[0].change_rows}
    assert rows["Trạng thái"] == ("Đang tự đánh giá", "Chờ huyện thẩm định")
    assert rows["Quy trình"] == ("—", "Quy trình thử")
    assert rows["Kiểm chứng"] == ("Chưa kiểm chứng", "Đã kiểm chứng")
    assert rows["Đạt chuẩn"] == ("—", "Không đạt")
    # PostgreSQL's jsonb keeps keys in its own order, so compare the parts, not their sequence.
    assert set(rows["Mức hài lòng"][1].split("; ")) == {"Số ý kiến: 2", "Tỷ lệ hài lòng: 92,5"}
    assert rows["Thời gian lấy ý kiến"][1] == "01/12/2026 → 16/12/2026"
    assert rows["Chỉ tiêu 3.1"] == ("—", "79,9")
    assert rows["Số tiêu chí đạt"] == ("—", "12")
    assert entries[0].reason_text == "Hạn 16/12/2026"
    text = " ".join(f"{a} {b} {c}" for a, b, c in entries[0].change_rows)
    for internal in ("thu_cho", "thu-quy-trinh", "False", "True", "2026-12-01", "{"):
        assert internal not in text
    assert entries[1].actor_text == "người dân (ẩn danh)"
    assert entries[0].actor_text == "hệ thống"


def test_the_audit_page_shows_the_labels(entries, client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "r@x.invalid", "pw-Chung-Suc-1")
    client.force_login(user)
    page = client.get("/audit/").content.decode()
    assert "Chờ huyện thẩm định" in page and "người dân (ẩn danh)" in page
    table = page.split('data-testid="audit-table"')[1]
    for internal in ("district_review", "False", "True", "transition:"):
        assert internal not in table, internal
