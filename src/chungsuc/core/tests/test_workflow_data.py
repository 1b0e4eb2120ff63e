"""Workflows and selection rules defined in data files, loaded idempotently."""

import pytest
from django.utils import translation

from chungsuc.core.models import AuditEntry, Workflow, WorkflowState, WorkflowTransition
from chungsuc.core.workflow import WorkflowError
from chungsuc.core.workflow_data import data_dir, read_workflow_files, workflow_rules, workflows_load

GOOD = """
workflows:
  - code: toy-flow
    name: Quy trình thử
    states:
      - {code: draft, name: Đang soạn, is_initial: true, due_days: 30, reminder_days: [-3]}
      - {code: done, name: Xong, is_final: true, is_public: true}
    transitions:
      - {code: finish, name: Hoàn thành, source: draft, target: done, roles: [commune_officer]}
rules:
  - {workflow: toy-flow, level: commune, year_from: 2025, note: Từ 2025}
"""


def _write(tmp_path, text, name="toy.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_workflow_file_loads_once_and_again_changes_nothing(db, tmp_path):
    path = _write(tmp_path, GOOD)
    [workflow] = workflows_load(paths=[path])
    assert workflow.code == "toy-flow"
    draft = workflow.states.get(code="draft")
    assert draft.due_days == 30 and draft.reminder_days == [-3]
    assert workflow.states.get(code="done").is_public
    audits = AuditEntry.objects.filter(action="workflow.define").count()
    workflows_load(paths=[path])
    assert AuditEntry.objects.filter(action="workflow.define").count() == audits
    assert workflow_rules([path]) == [
        {
            "workflow_code": "toy-flow",
            "level": "commune",
            "year_from": 2025,
            "year_to": None,
            "note": "Từ 2025",
        }
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("workflows: {a: 1}", "«workflows» phải là danh sách"),
        ("flows: []", "khóa không hợp lệ: flows"),
        ("workflows:\n  - {code: x, name: X, states: []}", "thiếu transitions"),
        ("workflows: [\n", "không đọc được"),
        (GOOD.replace("[commune_officer]", "[commune_oficer]"), "vai trò không tồn tại: commune_oficer"),
        (GOOD.replace("target: done", "target: dnoe"), "trạng thái đích «dnoe» không có"),
    ],
)
def test_a_bad_workflow_file_is_refused_naming_the_file_and_writes_nothing(db, tmp_path, text, expected):
    path = _write(tmp_path, text)
    with pytest.raises(WorkflowError) as exc:
        workflows_load(paths=[_write(tmp_path, GOOD.replace("toy-flow", "toy-other"), "a_good.yaml"), path])
    message = " ".join(exc.value.messages)
    assert expected in message and "toy.yaml" in message
    # the good file before it is not half-loaded either
    assert not Workflow.objects.filter(code__in=["toy-flow", "toy-other"]).exists()


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("{workflow: nope}", "không có quy trình «nope»"),
        ("{workflow: toy-flow, level: hamlet}", "cấp «hamlet» không hợp lệ"),
        ("{workflow: toy-flow, year_from: '2025'}", "«year_from» phải là một năm"),
        ("{workflow: toy-flow, year_from: 2026, year_to: 2024}", "năm bắt đầu 2026 sau năm kết thúc 2024"),
        ("{workflow: toy-flow, levle: commune}", "khóa không hợp lệ: levle"),
    ],
)
def test_bad_selection_rules_are_refused(tmp_path, rule, expected):
    path = _write(tmp_path, GOOD.split("rules:")[0] + f"rules:\n  - {rule}\n")
    with pytest.raises(WorkflowError) as exc:
        workflow_rules([path])
    assert expected in " ".join(exc.value.messages)


def test_a_workflow_code_in_two_files_is_refused(tmp_path):
    with pytest.raises(WorkflowError) as exc:
        read_workflow_files([_write(tmp_path, GOOD, "one.yaml"), _write(tmp_path, GOOD, "two.yaml")])
    assert "«toy-flow» được khai báo hai lần" in " ".join(exc.value.messages)


def test_the_built_in_workflow_files_load_and_every_name_has_its_english(db):
    data = read_workflow_files()
    assert {w["code"] for w in data["workflows"]} >= {
        "ntm-recognition-3-tier",
        "ntm-recognition-2-tier",
        "ntm-district-recognition",
        "ntm-province-recognition",
    }
    workflows_load()
    assert Workflow.objects.filter(code__in=[w["code"] for w in data["workflows"]]).count() == len(
        data["workflows"]
    )
    two_tier = Workflow.objects.get(code="ntm-recognition-2-tier")
    assert (
        two_tier.states.get(code="consultation").is_public
        and two_tier.states.get(code="recognised").is_public
    )
    assert not two_tier.states.get(code="province_review").is_public
    codes = [w["code"] for w in data["workflows"]]
    names = set(WorkflowState.objects.filter(workflow__code__in=codes).values_list("name", flat=True))
    names |= set(WorkflowTransition.objects.filter(workflow__code__in=codes).values_list("name", flat=True))
    names |= set(Workflow.objects.filter(code__in=codes).values_list("name", flat=True))
    with translation.override("en"):
        untranslated = sorted(n for n in names if translation.gettext(n) == n)
    assert untranslated == []
    assert data_dir().name == "workflows"
