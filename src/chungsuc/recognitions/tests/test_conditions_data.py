"""The conditions of recognition come from the data file, checked, and load idempotently."""

import pytest

from chungsuc.core.workflow import WorkflowError
from chungsuc.recognitions import builtin
from chungsuc.recognitions.models import RecognitionCondition


def test_the_built_in_conditions_come_from_the_data_file_with_their_sources(db):
    conditions = {c["code"]: c for c in builtin.conditions_from_data()}
    assert list(conditions) == ["criteria", "satisfaction", "no_construction_debt", "security_order"]
    satisfaction = conditions["satisfaction"]
    assert (
        satisfaction["threshold"] == 90.0 and satisfaction["verified"] is False
    )  # a placeholder, shown unverified
    assert satisfaction["levels"] == "commune,district" and conditions["criteria"]["levels"] == ""
    assert all("QĐ 318/QĐ-TTg" in c["source"] for c in conditions.values())
    assert builtin._load_conditions() == 4
    assert builtin._load_conditions() == 4
    rows = RecognitionCondition.objects.filter(framework_code="", code__in=list(conditions))
    assert rows.count() == 4 and rows.get(code="satisfaction").threshold == 90.0


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("{code: x, name: X, kind: vibes}", "loại «vibes» không hợp lệ"),
        ("{code: x, name: X, kind: attestation, levels: [hamlet]}", "«levels» phải là danh sách"),
        ("{code: x, name: X, kind: satisfaction, threshold: nhiều}", "«threshold» phải là một số"),
        ("{code: x, name: X, kind: attestation, sorce: y}", "khóa không hợp lệ: sorce"),
        ("{name: X, kind: attestation}", "cần «code» và «name»"),
    ],
)
def test_bad_conditions_are_refused_naming_the_item(tmp_path, entry, expected):
    path = tmp_path / "c.yaml"
    path.write_text(f"conditions:\n  - {entry}\n", encoding="utf-8")
    with pytest.raises(WorkflowError) as exc:
        builtin.conditions_from_data(path)
    message = " ".join(exc.value.messages)
    assert expected in message and "c.yaml" in message and "điều kiện thứ 1" in message
