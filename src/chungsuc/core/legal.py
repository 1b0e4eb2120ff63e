"""Legal acts: the number and symbol as Nghị định 30/2020/NĐ-CP writes them, and the writes.

Number and symbol (Nghị định 30/2020/NĐ-CP, Điều 8 and Phụ lục I–III):
- "Số" is an Arabic number (from 01 each year), "ký hiệu" is the abbreviation of the kind of act and
  of the issuing body, joined by hyphens: ``2401/QĐ-UBND``, ``861/KH-UBND``, ``12/KL-TTr``.
- A normative act (văn bản quy phạm pháp luật) carries its year between them: ``18/2022/QĐ-TTg``,
  ``51/2025/QĐ-TTg``; a National Assembly act has no kind abbreviation: ``202/2025/QH15``.
- A letter (công văn) has no kind abbreviation either: ``1234/UBND-KT``.

`parse_reference` and `format_reference` are plain functions (no database); `legal_act_create`,
`legal_act_link` and `legal_act_file_attach` are the services (one transaction, one audit row each).
The domain app that calls them has already checked the actor's permission for what the act decides
(core sits below accounts); they refuse an anonymous actor.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

# Abbreviations of the kinds of administrative act (Nghị định 30/2020, Phụ lục III). A kind without one
# (công văn) takes only the issuing body's abbreviation.
KIND_ABBREVIATIONS = {
    "quyet_dinh": "QĐ",
    "nghi_quyet": "NQ",
    "chi_thi": "CT",
    "ke_hoach": "KH",
    "chuong_trinh": "CTr",
    "ket_luan": "KL",
    "bao_cao": "BC",
    "thong_bao": "TB",
    "huong_dan": "HD",
    "to_trinh": "TTr",
    "bien_ban": "BB",
    "quy_dinh": "QyĐ",
    "cong_van": "",
}

_NUMBER = r"(?P<number>\d{1,6})"
_YEAR = r"(?:(?P<year>\d{4})/)?"
_SEGMENT = r"[A-ZĐ][A-Za-zĐđ0-9]*"
_SYMBOL = rf"(?P<symbol>{_SEGMENT}(?:-{_SEGMENT})*)"
REFERENCE_RE = re.compile(rf"{_NUMBER}/{_YEAR}{_SYMBOL}")
SYMBOL_RE = re.compile(rf"{_SEGMENT}(?:-{_SEGMENT})*")


@dataclass(frozen=True)
class Reference:
    number: str
    year: int | None
    symbol: str

    def __str__(self) -> str:
        return format_reference(self.number, self.symbol, self.year)


def _clean(text) -> str:
    text = unicodedata.normalize("NFC", str(text or "")).strip()
    text = re.sub(r"^(số|so)\s*[:.]?\s*", "", text, flags=re.IGNORECASE)
    # Officials type "2401 / QĐ - UBND" or an en dash; the printed form has neither spaces nor dashes.
    text = re.sub(r"\s*([/–—-])\s*", lambda m: "/" if m[1] == "/" else "-", text)
    return text


def format_reference(number: str, symbol: str, year: int | None = None) -> str:
    """ "2401/QĐ-UBND"; with a year (normative acts) "18/2022/QĐ-TTg"."""
    return f"{number}/{year}/{symbol}" if year else f"{number}/{symbol}"


def parse_reference(text, *, kind: str | None = None) -> Reference:
    """Read "2401/QĐ-UBND" (or "Số: 2401/QĐ-UBND", "18/2022/QĐ-TTg"); ValidationError naming the field
    otherwise. With `kind`, the symbol must start with that kind's abbreviation ("QĐ-" for a decision)."""
    cleaned = _clean(text)
    m = REFERENCE_RE.fullmatch(cleaned)
    if not m:
        raise ValidationError(
            {
                "reference": _(
                    "Số, ký hiệu văn bản «%(v)s» không đúng mẫu của Nghị định 30/2020/NĐ-CP: "
                    "số/ký hiệu, ví dụ 2401/QĐ-UBND (văn bản quy phạm: 18/2022/QĐ-TTg)."
                )
                % {"v": str(text or "").strip()}
            }
        )
    year = int(m["year"]) if m["year"] else None
    ref = Reference(number=m["number"], year=year, symbol=m["symbol"])
    if kind is not None:
        check_symbol(ref.symbol, kind=kind, year=year, field="reference")
    return ref


def check_symbol(symbol: str, *, kind: str, year: int | None = None, field: str = "symbol") -> None:
    """The symbol must be hyphen-joined abbreviations and start with the kind's abbreviation."""
    from chungsuc.core.models import LegalAct

    if not SYMBOL_RE.fullmatch(symbol or ""):
        raise ValidationError(
            {
                field: _(
                    "Ký hiệu văn bản «%(v)s» không đúng mẫu: các chữ viết tắt nối bằng dấu gạch nối, "
                    "ví dụ QĐ-UBND."
                )
                % {"v": symbol}
            }
        )
    abbreviation = KIND_ABBREVIATIONS.get(kind)
    if abbreviation is None:
        raise ValidationError({"kind": _("Loại văn bản «%(v)s» không có trong danh mục.") % {"v": kind}})
    first = symbol.split("-")[0]
    single = "-" not in symbol
    if abbreviation and first != abbreviation and not (year and single):
        raise ValidationError(
            {
                field: _(
                    "Ký hiệu «%(v)s» không khớp loại văn bản %(kind)s: phải bắt đầu bằng «%(abbr)s-» "
                    "(ví dụ %(abbr)s-UBND)."
                )
                % {"v": symbol, "kind": LegalAct.Kind(kind).label, "abbr": abbreviation}
            }
        )
    if not abbreviation and first in set(KIND_ABBREVIATIONS.values()) - {""}:
        raise ValidationError(
            {
                field: _(
                    "Ký hiệu «%(v)s» là của loại văn bản khác; công văn chỉ ghi chữ viết tắt của cơ quan "
                    "(ví dụ UBND-KT)."
                )
                % {"v": symbol}
            }
        )


def download_filename(act, extension: str = ".pdf") -> str:
    """The signed file's download name keeps the number: "QĐ 2401-QĐ-UBND ngày 12-03-2025.pdf"."""
    abbreviation = KIND_ABBREVIATIONS.get(act.kind) or act.get_kind_display()
    ref = act.reference.replace("/", "-")
    return f"{abbreviation} {ref} ngày {act.issued_on:%d-%m-%Y}{extension}"


# --- writes ---------------------------------------------------------------------------------------

FIELDS = [
    "kind",
    "number",
    "year",
    "symbol",
    "issued_on",
    "issuing_body",
    "signer_name",
    "signer_title",
    "summary",
]


def _require_actor(actor) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Cần đăng nhập để ghi văn bản."))


def legal_act_validate(
    *,
    kind: str,
    reference: str = "",
    number: str = "",
    symbol: str = "",
    year: int | None = None,
    issued_on,
    issuing_body: str,
    signer_name: str = "",
    signer_title: str = "",
    summary: str = "",
    require_signer: bool = True,
) -> dict:
    """Check every field (nothing is written) and return the cleaned values; ValidationError keyed by
    field (every problem at once) otherwise. Give `reference` ("2401/QĐ-UBND") or number + symbol."""
    from chungsuc.core.models import LegalAct

    errors: dict[str, str] = {}
    if kind not in LegalAct.Kind.values:
        errors["kind"] = _("Loại văn bản «%(v)s» không có trong danh mục.") % {"v": kind}
    ref = None
    if (reference or "").strip():
        try:
            ref = parse_reference(reference, kind=kind if "kind" not in errors else None)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    elif (number or "").strip() or (symbol or "").strip():
        number = str(number or "").strip()
        symbol = _clean(symbol)
        if not re.fullmatch(r"\d{1,6}", number):
            errors["number"] = _("Số văn bản «%(v)s» phải là số (ví dụ 2401).") % {"v": number}
        if year is not None and not (1945 <= int(year) <= 2100):
            errors["year"] = _("Năm ban hành %(v)s không hợp lệ.") % {"v": year}
        if "kind" not in errors:
            try:
                check_symbol(symbol, kind=kind, year=year)
            except ValidationError as exc:
                errors.update({k: v[0] for k, v in exc.message_dict.items()})
        if not errors:
            ref = Reference(number=number, year=int(year) if year else None, symbol=symbol)
    else:
        errors["reference"] = _("Thiếu số, ký hiệu văn bản (ví dụ 2401/QĐ-UBND).")
    if not isinstance(issued_on, dt.date):
        errors["issued_on"] = _("Ngày ban hành không hợp lệ (nhập dd/mm/yyyy).")
    elif issued_on > timezone.localdate():
        errors["issued_on"] = _("Ngày ban hành %(d)s ở tương lai.") % {"d": issued_on.strftime("%d/%m/%Y")}
    elif ref is not None and ref.year and ref.year != issued_on.year:
        errors["issued_on"] = _("Ngày ban hành %(d)s không cùng năm %(y)d ghi trong số, ký hiệu.") % {
            "d": issued_on.strftime("%d/%m/%Y"),
            "y": ref.year,
        }
    if not (issuing_body or "").strip():
        errors["issuing_body"] = _("Thiếu cơ quan ban hành.")
    if require_signer and not (signer_name or "").strip():
        errors["signer_name"] = _("Thiếu người ký.")
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "number": ref.number,
        "year": ref.year,
        "symbol": ref.symbol,
        "issued_on": issued_on,
        "issuing_body": issuing_body.strip()[:300],
        "signer_name": (signer_name or "").strip()[:200],
        "signer_title": (signer_title or "").strip()[:200],
        "summary": (summary or "").strip(),
    }


def _store_signed(act, upload) -> None:
    from chungsuc.core.files import DOCUMENT_KINDS, store_upload

    stored = store_upload(upload, allowed=DOCUMENT_KINDS | {"png", "jpeg"}, folder="legal-acts")
    act.file = stored.name
    act.file_original_name = stored.original_name
    act.file_content_type = stored.content_type
    act.file_size = stored.size
    act.file_sha256 = stored.sha256


def legal_act_create(
    *,
    actor,
    kind: str,
    issued_on,
    issuing_body: str,
    reference: str = "",
    number: str = "",
    symbol: str = "",
    year: int | None = None,
    signer_name: str = "",
    signer_title: str = "",
    summary: str = "",
    signed_file=None,
    targets: list[tuple[models.Model, str]] | None = None,
    unit_id: int | None = None,
    is_demo: bool = False,
    require_signer: bool = True,
):
    """Record a legal act (validated, signed file checked by content), link it to what it decides
    (`targets`: [(record, role)]) and audit it — all in one transaction, or nothing."""
    from chungsuc.core.audit import audit_record
    from chungsuc.core.models import LegalAct

    _require_actor(actor)
    values = legal_act_validate(
        kind=kind,
        reference=reference,
        number=number,
        symbol=symbol,
        year=year,
        issued_on=issued_on,
        issuing_body=issuing_body,
        signer_name=signer_name,
        signer_title=signer_title,
        summary=summary,
        require_signer=require_signer,
    )
    with transaction.atomic():
        act = LegalAct(**values, unit_id=unit_id, is_demo=is_demo, created_by=actor)
        if signed_file is not None:
            _store_signed(act, signed_file)
        act.save()
        for target, role in targets or []:
            _link(act, target, role)
        audit_record(
            actor=actor,
            action="legal_act.create",
            target=act,
            unit_id=unit_id,
            changes={
                "reference": [None, act.reference],
                "issued_on": [None, act.issued_on],
                "issuing_body": [None, act.issuing_body],
                **({"file": [None, act.file_original_name]} if act.file else {}),
                **(
                    {"targets": [None, [f"{t._meta.label_lower}:{t.pk} ({r})" for t, r in targets]]}
                    if targets
                    else {}
                ),
            },
        )
    return act


def _link(act, target: models.Model, role: str):
    from django.contrib.contenttypes.models import ContentType

    from chungsuc.core.models import LegalActLink

    link, _created = LegalActLink.objects.get_or_create(
        act=act,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        role=role[:40],
    )
    return link


def legal_act_link(*, actor, act, target: models.Model, role: str = ""):
    """Link an existing act to one more record it decides (audited)."""
    from chungsuc.core.audit import audit_record

    _require_actor(actor)
    with transaction.atomic():
        link = _link(act, target, role)
        audit_record(
            actor=actor,
            action="legal_act.link",
            target=act,
            unit_id=act.unit_id,
            changes={"target": [None, f"{target._meta.label_lower}:{target.pk} ({role})"]},
        )
    return link


def legal_act_file_attach(*, actor, act, upload):
    """Attach (or replace) the signed file of an act; checked by content, audited."""
    from chungsuc.core.audit import audit_record
    from chungsuc.core.models import LegalAct

    _require_actor(actor)
    with transaction.atomic():
        locked = LegalAct.objects.select_for_update().get(pk=act.pk)
        before = locked.file_original_name or None
        _store_signed(locked, upload)
        locked.save(
            update_fields=["file", "file_original_name", "file_content_type", "file_size", "file_sha256"]
        )
        audit_record(
            actor=actor,
            action="legal_act.file",
            target=locked,
            unit_id=locked.unit_id,
            changes={"file": [before, locked.file_original_name]},
        )
    for name in ("file", "file_original_name", "file_content_type", "file_size", "file_sha256"):
        setattr(act, name, getattr(locked, name))
    return act


# --- reads ----------------------------------------------------------------------------------------


def acts_for(target: models.Model, role: str | None = None):
    """The acts linked to `target` (newest first)."""
    from django.contrib.contenttypes.models import ContentType

    from chungsuc.core.models import LegalAct

    qs = LegalAct.objects.filter(
        links__target_type=ContentType.objects.get_for_model(target), links__target_id=target.pk
    )
    if role is not None:
        qs = qs.filter(links__role=role)
    return qs.distinct()


def signed_file_response(act):
    """The signed file as a download whose name keeps the act's number. The caller has checked that
    the user may see it (404 otherwise)."""
    import os

    from django.http import Http404

    from chungsuc.core.files import KINDS, download_response

    if not act.file:
        raise Http404(_("Văn bản này chưa có bản ký."))
    ext = os.path.splitext(act.file.name)[1].lower() or ".pdf"
    kind = next((k.code for k in KINDS.values() if ext in k.extensions), None)
    return download_response(
        act.file.name,
        original_name=download_filename(act, ext),
        kind=kind,
        content_type=act.file_content_type or None,
    )
