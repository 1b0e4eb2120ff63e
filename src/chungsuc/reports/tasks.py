"""Background jobs (Celery; eager in-process when no broker is configured)."""

from celery import shared_task


@shared_task(name="reports.generate_document", ignore_result=True)
def generate_document(document_id: int) -> None:
    from chungsuc.reports.services import document_generate

    document_generate(document_id=document_id)
