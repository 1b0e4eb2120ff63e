"""Built-in data of core (idempotent; `chungsuc load_builtin` calls `load` first): the workflows of
`data/workflows/*.yaml`. The apps that own selection rules or conditions in those files load them
themselves (assessments: the recognition dossier's `WorkflowRule`)."""

from chungsuc.core.workflow_data import workflows_load


def load(*, stdout=None) -> None:
    defined = workflows_load()
    if stdout is not None:
        stdout.write(f"core: {len(defined)} quy trình từ data/workflows/.")
