"""Search without diacritics, and the version check that refuses the second of two stale saves."""

import pytest
from django.contrib.auth.models import Group
from django.db.models.functions import Lower

from chungsuc.core.concurrency import ConflictError, check_version, parse_version, save_with_version
from chungsuc.core.models import WorkflowCase
from chungsuc.core.text import fold, folded_q, matches, normalize, search_terms


@pytest.mark.parametrize(
    ("official", "typed"),
    [
        ("Thoại Sơn", "thoai son"),
        ("Đa Phước", "da phuoc"),
        ("ĐỊNH MỸ", "dinh my"),
        ("Thị trấn Núi Sập", "thi tran nui sap"),
        ("Xã  Vĩnh   Chánh ", "xa vinh chanh"),
        ("Châu Đốc", "chau doc"),
        ("Tri Tôn", "tri ton"),
    ],
)
def test_fold_maps_official_names_and_typed_queries_to_the_same_key(official, typed):
    assert fold(official) == fold(typed) == typed


def test_fold_handles_decomposed_input_and_none():
    decomposed = "Thoa\u0323i So\u031bn"  # "Thoại Sơn" typed with combining marks
    assert fold(decomposed) == "thoai son"
    assert normalize(decomposed) == "Thoại Sơn"
    assert fold(None) == "" and fold(12) == "12"


def test_search_terms_and_matches():
    assert search_terms("  Vĩnh vinh CHÁNH ") == ["vinh", "chanh"]
    assert matches("vinh chanh", "Xã Vĩnh Chánh, huyện Thoại Sơn")
    assert matches("THOẠI", "huyện Thoại Sơn")
    assert not matches("vinh phu", "Xã Vĩnh Chánh")


@pytest.mark.django_db
def test_folded_q_searches_a_folded_column():
    for name in ["thoai son", "tri ton", "thoai giang"]:
        Group.objects.create(name=name)
    found = Group.objects.annotate(n=Lower("name")).filter(folded_q("n", "Thoại")).order_by("name")
    assert [g.name for g in found] == ["thoai giang", "thoai son"]
    assert Group.objects.filter(folded_q("name", "Sơn Thoại")).get().name == "thoai son"


# --- concurrency -------------------------------------------------------------------------------


@pytest.fixture
def versioned_row(three_tier, subject, people):
    """A WorkflowCase is a real model with an integer `version`: a fine test bed."""
    from chungsuc.core.workflow import case_start

    return case_start(actor=people["commune"], workflow=three_tier, subject=subject, unit_id=1001)


def test_two_stale_saves_the_second_is_refused(versioned_row):
    first = WorkflowCase.objects.get(pk=versioned_row.pk)  # official A loads version 1
    second = WorkflowCase.objects.get(pk=versioned_row.pk)  # official B loads version 1
    assert first.version == second.version == 1

    first.unit_id = 2002
    assert save_with_version(first, 1, ["unit_id"]) == 2
    second.unit_id = 3003
    with pytest.raises(ConflictError) as exc:
        save_with_version(second, 1, ["unit_id"])
    assert exc.value.messages == [
        "Hồ sơ đã được người khác thay đổi trong lúc bạn đang sửa (phiên bản bạn mở là 1, hiện tại là 2). "
        "Thay đổi của bạn chưa được lưu: hãy tải lại trang để xem bản mới nhất rồi sửa lại."
    ]
    fresh = WorkflowCase.objects.get(pk=versioned_row.pk)
    assert fresh.unit_id == 2002 and fresh.version == 2  # A's change stands, B's did not overwrite it


def test_save_with_version_takes_a_mapping_refreshes_auto_now_and_defaults_to_the_loaded_version(
    versioned_row,
):
    before = versioned_row.updated_at
    assert save_with_version(versioned_row, None, {"unit_id": 4004}) == 2
    row = WorkflowCase.objects.get(pk=versioned_row.pk)
    assert row.unit_id == 4004 and row.version == 2 and row.updated_at >= before
    assert versioned_row.unit_id == 4004 and versioned_row.version == 2
    with pytest.raises(ValueError):
        save_with_version(versioned_row, None, ["version"])


def test_a_deleted_record_is_reported_as_such(versioned_row):
    stale = WorkflowCase.objects.get(pk=versioned_row.pk)
    WorkflowCase.objects.filter(pk=versioned_row.pk).delete()
    with pytest.raises(ConflictError) as exc:
        save_with_version(stale, 1, ["unit_id"])
    assert "đã bị người khác xóa" in exc.value.messages[0]


def test_check_and_parse_version(versioned_row):
    check_version(versioned_row, 1)
    check_version(versioned_row, None)
    with pytest.raises(ConflictError):
        check_version(versioned_row, 7)
    assert parse_version("3") == 3 and parse_version("") is None and parse_version(None) is None
    with pytest.raises(Exception) as exc:
        parse_version("abc")
    assert "«abc»" in exc.value.messages[0]
