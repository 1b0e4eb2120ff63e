"""Writes of the reports app: asking for a document and generating it in the background."""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chungsuc.accounts.permissions import can as may
from chungsuc.core.audit import audit_record
from chungsuc.core.files import store_upload
from chungsuc.core.notifications import notify
from chungsuc.reports import documents, officialdoc
from chungsuc.reports.models import DocumentFormat, DocumentKind, DocumentStatus, GeneratedDocument

log = logging.getLogger(__name__)

ACTION_OF_KIND = {
    DocumentKind.EVALUATION_SHEET: "report.evaluation_sheet.generate",
    DocumentKind.RECOGNISED_LIST: "report.recognised_list.generate",
    DocumentKind.ANNUAL_REPORT: "report.annual_report.generate",
    DocumentKind.INSPECTION_CONCLUSION: "report.inspection_conclusion.generate",
}


def _enqueue(document_id: int) -> None:
    from chungsuc.reports.tasks import generate_document

    generate_document.delay(document_id)


def document_request(
    *, actor, kind: str, fmt: str, params: dict, unit=None, title: str = ""
) -> GeneratedDocument:
    """Record the request (audited) and start the generation once the transaction commits."""
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Loại văn bản không hợp lệ.")})
    if fmt not in DocumentFormat.values:
        raise ValidationError({"fmt": _("Định dạng phải là Word (.docx) hoặc PDF.")})
    if not may(actor, ACTION_OF_KIND[kind], unit.pk if unit is not None else None):
        raise PermissionDenied(_("Bạn không có quyền tạo loại văn bản này cho đơn vị này."))
    with transaction.atomic():
        doc = GeneratedDocument.objects.create(
            kind=kind,
            fmt=fmt,
            params=params,
            unit=unit,
            title=title[:300] or str(DocumentKind(kind).label),
            requested_by=actor,
            step=_("Đang chờ đến lượt"),
        )
        audit_record(
            actor=actor,
            action="report.request",
            target=doc,
            unit_id=unit.pk if unit is not None else None,
            after={"kind": kind, "fmt": fmt, "title": doc.title},
        )
        transaction.on_commit(lambda: _enqueue(doc.pk))
    return doc


def _set_progress(doc_id: int, percent: int, step: str) -> None:
    GeneratedDocument.objects.filter(pk=doc_id).update(progress=max(0, min(100, percent)), step=step[:200])


def _build(doc: GeneratedDocument, progress) -> tuple[officialdoc.OfficialDocument, bool]:
    """The document's content, from the data (returns it and whether to lay it out landscape)."""
    opts = documents.Options.from_params(doc.params)
    today = timezone.localdate()
    if doc.kind == DocumentKind.EVALUATION_SHEET:
        from chungsuc.assessments.models import Assessment

        assessment = Assessment.objects.select_related("unit", "framework").get(pk=doc.params["assessment"])
        return documents.evaluation_sheet(assessment, opts, today=today, progress=progress), False
    if doc.kind == DocumentKind.RECOGNISED_LIST:
        from chungsuc.reports import selectors

        on = dt.date.fromisoformat(doc.params["on"])
        records, labels = selectors.recognised_records(
            doc.requested_by,
            on=on,
            standard=doc.params.get("standard", ""),
            level=doc.params.get("level", ""),
        )
        return (
            documents.recognised_list(records, opts, on=on, today=today, progress=progress, **labels),
            False,
        )
    if doc.kind == DocumentKind.ANNUAL_REPORT:
        from chungsuc.movements import selectors as movement_selectors
        from chungsuc.reports import annual

        movement = movement_selectors.movement_or_404(doc.requested_by, doc.params["movement"])
        final = bool(doc.params.get("final"))
        midterm = bool(doc.params.get("midterm"))
        if final:
            years = list(movement.years)
        elif midterm:  # the plan's mid-term review (Plan 861 VI.3: 2023) covers its first three years
            years = [y for y in movement.years if y <= movement.period_start + 2]
        else:
            years = [int(doc.params["year"])]
        progress(15, _("Đọc tiến độ thực hiện kế hoạch"))
        figures = movement_selectors.progress_data(movement, on=today)
        progress(30, _("Tổng hợp báo cáo của các đơn vị tham gia"))
        reports = [movement_selectors.consolidation(movement, year=y) for y in years]
        content = annual.annual_report(
            movement,
            figures,
            reports,
            opts,
            years=years,
            today=today,
            final=final,
            midterm=midterm,
            progress_cb=progress,
        )
        return content, False
    if doc.kind == DocumentKind.INSPECTION_CONCLUSION:
        from chungsuc.movements import selectors as movement_selectors
        from chungsuc.reports.inspection import inspection_conclusion

        inspection = movement_selectors.inspection_or_404(doc.requested_by, doc.params["inspection"])
        progress(15, _("Đọc kết quả kiểm tra"))
        data = movement_selectors.inspection_data(inspection, on=today)
        return inspection_conclusion(data, opts, today=today, progress=progress), False
    raise ValueError(f"no builder for {doc.kind}")


def document_generate(*, document_id: int) -> GeneratedDocument:
    """Generate the file (run by the Celery task): build, render, store through core.files, mark done
    and notify the requester; any failure marks the document failed with a message, never half done."""
    doc = GeneratedDocument.objects.select_related("requested_by").get(pk=document_id)
    if doc.finished:
        return doc
    started = time.perf_counter()
    GeneratedDocument.objects.filter(pk=doc.pk).update(
        status=DocumentStatus.RUNNING, progress=5, step=_("Bắt đầu tạo văn bản")
    )

    def progress(percent: int, step: str) -> None:
        _set_progress(doc.pk, percent, step)

    from chungsuc.reports import storage as atomic

    atomic.sweep(doc.pk)  # what a killed earlier run of this job left behind
    stored = None

    try:
        content, landscape = _build(doc, progress)
        progress(70, _("Dàn trang theo Nghị định 30/2020/NĐ-CP"))
        if doc.fmt == DocumentFormat.DOCX:
            from chungsuc.reports.render_docx import render_docx

            data = render_docx(content, landscape=landscape)
        else:
            from chungsuc.reports.render_pdf import render_pdf

            data = render_pdf(content, landscape=landscape)
        progress(90, _("Lưu tệp"))
        reference = content.reference.replace("/", "-")
        name = f"{reference} {doc.title}.{doc.fmt}"
        with transaction.atomic():
            # Complete under its final name or not there at all (a temporary file renamed into place).
            stored = store_upload(
                data,
                allowed={doc.fmt},
                folder="reports",
                name=name,
                max_bytes=200 * 1024 * 1024,
                storage=atomic.storage_for(doc.pk),
            )
            doc.file = stored.name
            doc.original_name = stored.original_name
            doc.content_type = stored.content_type
            doc.size = stored.size
            doc.sha256 = stored.sha256
            doc.reference = content.reference
            doc.status = DocumentStatus.DONE
            doc.progress = 100
            doc.step = _("Đã xong")
            doc.finished_at = timezone.now()
            doc.duration_ms = int((time.perf_counter() - started) * 1000)
            doc.save()
            audit_record(
                actor=None,
                action="report.generated",
                target=doc,
                unit_id=doc.unit_id,
                after={"file": doc.original_name, "size": doc.size},
            )
            notify(
                recipients=[doc.requested_by],
                title=_("Văn bản đã sẵn sàng: %(title)s") % {"title": doc.title},
                body=_("Tệp %(name)s đã được tạo, mời tải về.") % {"name": doc.original_name},
                url=reverse("reports:detail", args=[doc.pk]),
                email=False,
            )
    except Exception:  # a failed generation is recorded and shown, never a 500
        log.exception("Document %s could not be generated", doc.pk)
        if stored is not None:  # written, but its row rolled back: no orphan file
            atomic.storage_for(doc.pk).delete(stored.name)
        message = _(
            "Không tạo được văn bản do lỗi khi đọc số liệu hoặc dàn trang. Hãy thử lại; "
            "nếu vẫn lỗi, báo quản trị hệ thống."
        )
        GeneratedDocument.objects.filter(pk=doc.pk).update(
            status=DocumentStatus.FAILED,
            step=_("Không tạo được"),
            error=message,
            finished_at=timezone.now(),
            duration_ms=int((time.perf_counter() - started) * 1000),
        )
        with transaction.atomic():
            notify(
                recipients=[doc.requested_by],
                title=_("Không tạo được văn bản: %(title)s") % {"title": doc.title},
                body=message,
                url=reverse("reports:detail", args=[doc.pk]),
                email=False,
            )
    doc.refresh_from_db()
    return doc
