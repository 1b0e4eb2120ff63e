"""Decisions and revocations are legal acts (core.LegalAct): the number follows Nghị định 30/2020, the
act is linked to what it decides, and the signed file downloads under a name that keeps the number."""

import datetime as dt
from urllib.parse import unquote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chungsuc.core.legal import acts_for
from chungsuc.recognitions import services
from chungsuc.recognitions.models import Decision, RecognitionRecord

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def record(users, vinh_chanh, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return RecognitionRecord.objects.create(
        unit=vinh_chanh, standard="ntm", year=2019, since=dt.date(2019, 12, 1), source="thử", origin="import"
    )


def test_a_revocation_number_not_in_the_decree_format_is_refused_naming_the_field(record, users):
    with pytest.raises(ValidationError) as exc:
        services.revocation_record(
            actor=users["demo.tinh"],
            record=record,
            number="số 15 ngày hôm qua",
            date=dt.date(2024, 5, 1),
            signer="Chủ tịch UBND tỉnh",
            reason="Không duy trì tiêu chí",
        )
    assert "Nghị định 30/2020" in exc.value.message_dict["number"][0]
    with pytest.raises(ValidationError) as exc:
        services.revocation_record(
            actor=users["demo.tinh"],
            record=record,
            number="15/KH-UBND",
            date=dt.date(2024, 5, 1),
            signer="Chủ tịch UBND tỉnh",
            reason="Không duy trì tiêu chí",
        )
    assert "«QĐ-»" in exc.value.message_dict["number"][0]
    record.refresh_from_db()
    assert record.until is None and not Decision.objects.exists()


def test_a_revocation_is_a_legal_act_linked_to_the_record_and_downloads_with_its_number(record, users):
    d = services.revocation_record(
        actor=users["demo.tinh"],
        record=record,
        number="Số: 15 / QĐ-UBND",
        date=dt.date(2024, 5, 1),
        signer="Nguyễn Văn A",
        reason="Không duy trì tiêu chí",
        signed_pdf=SimpleUploadedFile("scan 01.pdf", PDF, "application/pdf"),
    )
    assert d.number == "15/QĐ-UBND" and d.act.reference == "15/QĐ-UBND"
    assert d.act.issuing_body.startswith("UBND") and d.act.signer_name == "Nguyễn Văn A"
    assert list(acts_for(record, role="revokes")) == [d.act]
    client = Client()
    client.force_login(users["demo.tinh"])
    r = client.get(f"/recognitions/decisions/{d.pk}.pdf")
    assert r.status_code == 200 and "15-QĐ-UBND" in unquote(r["Content-Disposition"])
    assert b"".join(r.streaming_content) == PDF
    other = Client()
    other.force_login(users["demo.chomoi"])
    assert other.get(f"/recognitions/decisions/{d.pk}.pdf").status_code == 404
