"""Celery tasks of core. Celery beat runs `workflow_tick` (see CELERY_BEAT_SCHEDULE in settings)."""

from celery import shared_task


@shared_task(name="chungsuc.core.tasks.workflow_tick")
def workflow_tick(today: str | None = None) -> str:
    """The workflow engine's scheduled job as the system: overdue moves, votes past due, reminders."""
    import datetime as dt

    from chungsuc.core.workflow import workflow_tick as tick

    report = tick(today=dt.date.fromisoformat(today) if today else None)
    return report.summary()
