"""Built-in data of the assessments app (idempotent; `chungsuc load_builtin` calls `load`).

1. The recognition workflows, defined in `data/workflows/ntm_recognition.yaml`: three tiers (commune →
   district → province) for dossiers of years up to 2024 (assessed before the district level ended on
   30/6/2025), two tiers (commune → province) after; chosen per framework level and year by the
   file's rules, stored as `WorkflowRule` rows.

The conditions of recognition and the register are loaded by `chungsuc.recognitions.builtin`.
"""

from __future__ import annotations

from django.db import transaction

from chungsuc.assessments.models import WorkflowRule

# The recognition workflows and the rules that choose one by level and year are data:
# data/workflows/ntm_recognition.yaml (read by core.workflow_data).
WORKFLOW_FILE = "ntm_recognition.yaml"


def _load_workflows() -> tuple[int, int]:
    """Define the recognition workflows from their data file and upsert its selection rules."""
    from chungsuc.core.workflow_data import data_dir, workflow_rules, workflows_load

    path = data_dir() / WORKFLOW_FILE
    defined = workflows_load(paths=[path])
    rules = workflow_rules([path])
    for rule in rules:
        WorkflowRule.objects.update_or_create(
            workflow_code=rule["workflow_code"],
            level=rule["level"],
            defaults={k: v for k, v in rule.items() if k not in {"workflow_code", "level"}},
        )
    return len(defined), len(rules)


def load(*, stdout=None) -> None:
    with transaction.atomic():
        workflows, _rules = _load_workflows()
    if stdout is not None:
        stdout.write(f"assessments: {workflows} quy trình công nhận.")
