"""Legal acts: number and symbol as Nghị định 30/2020 writes them, one audited write, the signed file
stored by content and downloaded under a name that keeps the number."""

import datetime as dt
from urllib.parse import unquote

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from chungsuc.core.legal import (
    acts_for,
    format_reference,
    legal_act_create,
    legal_act_file_attach,
    legal_act_link,
    parse_reference,
    signed_file_response,
)
from chungsuc.core.models import AuditEntry, LegalAct, LegalActLink

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def official(django_user_model, db):
    return django_user_model.objects.create_user(username="vanthu", password="pw-Chung-Suc-1")


@pytest.mark.parametrize(
    "text,number,year,symbol",
    [
        ("2401/QĐ-UBND", "2401", None, "QĐ-UBND"),
        ("Số: 2401/QĐ-UBND", "2401", None, "QĐ-UBND"),
        ("2401 / QĐ – UBND", "2401", None, "QĐ-UBND"),
        ("18/2022/QĐ-TTg", "18", 2022, "QĐ-TTg"),
        ("861/KH-UBND", "861", None, "KH-UBND"),
        ("202/2025/QH15", "202", 2025, "QH15"),
    ],
)
def test_references_are_read_as_printed(text, number, year, symbol):
    ref = parse_reference(text)
    assert (ref.number, ref.year, ref.symbol) == (number, year, symbol)
    assert str(ref) == format_reference(number, symbol, year)


@pytest.mark.parametrize("text", ["", "QĐ-UBND", "2401", "2401/", "abc/QĐ-UBND", "2401/qđ-ubnd", "24/01/QĐ"])
def test_malformed_references_are_refused_naming_the_field(text):
    with pytest.raises(ValidationError) as exc:
        parse_reference(text)
    message = exc.value.message_dict["reference"][0]
    assert "Nghị định 30/2020" in message and "2401/QĐ-UBND" in message


def test_the_symbol_must_match_the_kind():
    parse_reference("2401/QĐ-UBND", kind="quyet_dinh")
    with pytest.raises(ValidationError) as exc:
        parse_reference("861/KH-UBND", kind="quyet_dinh")
    assert "phải bắt đầu bằng «QĐ-»" in exc.value.message_dict["reference"][0]
    parse_reference("861/KH-UBND", kind="ke_hoach")
    parse_reference("1234/UBND-KT", kind="cong_van")
    with pytest.raises(ValidationError):
        parse_reference("1234/QĐ-UBND", kind="cong_van")


def test_create_links_and_audits_in_one_write(official, media):
    subject = Group.objects.create(name="Sổ công nhận — Vĩnh Chánh")
    act = legal_act_create(
        actor=official,
        kind=LegalAct.Kind.DECISION,
        reference="2401/QĐ-UBND",
        issued_on=dt.date(2024, 11, 20),
        issuing_body="UBND tỉnh An Giang",
        signer_name="Nguyễn Văn A",
        signer_title="Phó Chủ tịch",
        summary="Công nhận xã Vĩnh Chánh đạt chuẩn nông thôn mới năm 2024",
        signed_file=SimpleUploadedFile("ban ky.pdf", PDF, content_type="application/pdf"),
        targets=[(subject, "recognises")],
        unit_id=77,
    )
    act.refresh_from_db()
    assert act.reference == "2401/QĐ-UBND" and str(act).startswith("Quyết định 2401/QĐ-UBND ngày 20/11/2024")
    assert act.file.name.startswith("legal-acts/") and act.file_original_name == "ban ky.pdf"
    assert (media / act.file.name).read_bytes() == PDF
    assert list(acts_for(subject)) == [act]
    assert list(acts_for(subject, role="revokes")) == []
    entry = AuditEntry.objects.get(action="legal_act.create", target_id=str(act.pk))
    assert entry.unit_id == 77 and entry.changes["reference"] == [None, "2401/QĐ-UBND"]
    assert entry.actor == official


def test_every_bad_field_is_named_and_nothing_is_written(official, media):
    before = (LegalAct.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as exc:
        legal_act_create(
            actor=official,
            kind=LegalAct.Kind.DECISION,
            reference="2401/KH-UBND",
            issued_on=dt.date.today() + dt.timedelta(days=3),
            issuing_body=" ",
            signer_name="",
        )
    errors = exc.value.message_dict
    assert set(errors) == {"reference", "issued_on", "issuing_body", "signer_name"}
    assert "ở tương lai" in errors["issued_on"][0]
    assert (LegalAct.objects.count(), AuditEntry.objects.count()) == before


def test_a_normative_act_year_must_match_its_date(official):
    with pytest.raises(ValidationError) as exc:
        legal_act_create(
            actor=official,
            kind=LegalAct.Kind.DECISION,
            reference="18/2022/QĐ-TTg",
            issued_on=dt.date(2021, 8, 2),
            issuing_body="Thủ tướng Chính phủ",
            signer_name="Lê Văn Thành",
        )
    assert "2022" in exc.value.message_dict["issued_on"][0]


def test_a_signed_file_that_is_not_a_document_is_refused(official, media):
    before = LegalAct.objects.count()  # the built-in data holds acts of its own (Plan 861)
    with pytest.raises(ValidationError) as exc:
        legal_act_create(
            actor=official,
            kind=LegalAct.Kind.DECISION,
            number="12",
            symbol="QĐ-UBND",
            issued_on=dt.date(2024, 1, 5),
            issuing_body="UBND tỉnh An Giang",
            signer_name="Nguyễn Văn A",
            signed_file=SimpleUploadedFile("qd.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"),
        )
    assert "qd.pdf" in " ".join(exc.value.messages)
    assert LegalAct.objects.count() == before
    assert not LegalAct.objects.filter(number="12", symbol="QĐ-UBND").exists()


def test_anonymous_cannot_record_an_act(db):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        legal_act_create(
            actor=AnonymousUser(),
            kind=LegalAct.Kind.DECISION,
            reference="1/QĐ-UBND",
            issued_on=dt.date(2024, 1, 1),
            issuing_body="UBND tỉnh",
            signer_name="A",
        )


def test_download_keeps_the_number_in_its_name(official, media):
    act = legal_act_create(
        actor=official,
        kind=LegalAct.Kind.DECISION,
        reference="2401/QĐ-UBND",
        issued_on=dt.date(2024, 11, 20),
        issuing_body="UBND tỉnh An Giang",
        signer_name="Nguyễn Văn A",
    )
    legal_act_file_attach(
        actor=official, act=act, upload=SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")
    )
    assert AuditEntry.objects.filter(action="legal_act.file", target_id=str(act.pk)).count() == 1
    response = signed_file_response(LegalAct.objects.get(pk=act.pk))
    disposition = unquote(response["Content-Disposition"])
    assert "attachment" in disposition and "2401-QĐ-UBND" in disposition and disposition.endswith(".pdf")
    assert b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"


def test_link_is_audited_and_idempotent(official):
    act = legal_act_create(
        actor=official,
        kind=LegalAct.Kind.CONCLUSION,
        reference="12/KL-TTr",
        issued_on=dt.date(2025, 3, 1),
        issuing_body="Thanh tra tỉnh",
        signer_name="Trần B",
    )
    target = Group.objects.create(name="Đoàn kiểm tra")
    legal_act_link(actor=official, act=act, target=target, role="concludes")
    legal_act_link(actor=official, act=act, target=target, role="concludes")
    assert LegalActLink.objects.filter(act=act).count() == 1
    assert AuditEntry.objects.filter(action="legal_act.link").count() == 2
    assert LegalActLink.objects.get(act=act).target == target
