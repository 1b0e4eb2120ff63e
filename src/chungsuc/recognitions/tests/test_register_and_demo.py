import datetime as dt

import pytest

from chungsuc.assessments.models import Assessment
from chungsuc.recognitions import builtin as rb
from chungsuc.recognitions import selectors as recognition_selectors
from chungsuc.recognitions import services as recognition_services
from chungsuc.recognitions.models import RecognitionRecord

# The three-tier history (2021–2025): writes decided as of 31/12/2024, before the merger.
pytestmark = pytest.mark.usefixtures("acting_in_2024")


def test_parse_fact_skips_pilots_and_keeps_uncertainty():
    assert rb.parse_fact("Xã điểm NTM 2021–2025 theo QĐ 785/QĐ-UBND (08/4/2020), lộ trình 2022") is None
    assert rb.parse_fact("Xã bổ sung thực hiện NTM 2021–2025 (TB 273/TB-VPUBND 17/6/2020)") is None
    e = rb.parse_fact("Công nhận đạt chuẩn xã NTM năm 2018 (QĐ 2931–2936/QĐ-UBND, 20/11/2018)")
    assert (e["standard"], e["year"], e["since"], e["since_precision"]) == (
        "ntm",
        2018,
        dt.date(2018, 11, 20),
        "day",
    )
    assert "2931–2936" in e["uncertainty"]
    e = rb.parse_fact("Đạt chuẩn xã NTM nâng cao năm 2020")
    assert (e["standard"], e["year"], e["since_precision"]) == ("advanced", 2020, "year")
    e = rb.parse_fact('Đạt chuẩn xã NTM nâng cao "năm 2020" (QĐ 395–399/QĐ-UBND, tin 14/03/2021; danviet …)')
    assert e["verified"] is False and e["year"] == 2020


def test_builtin_register_is_loaded_with_sources_and_as_of_dates(an_giang):
    entries = rb.register_entries()
    assert len(entries) == 36
    phu_binh = RecognitionRecord.objects.filter(unit__code="30445").order_by("year")
    assert [(r.standard, r.year) for r in phu_binh] == [("ntm", 2016), ("advanced", 2019)]
    assert all(r.source.startswith("http") for r in phu_binh)
    # as of a date: Tân An recognised on 20/11/2018
    on_day = recognition_selectors.register_as_of(dt.date(2018, 11, 20)).filter(unit__code="30388")
    before = recognition_selectors.register_as_of(dt.date(2018, 11, 19)).filter(unit__code="30388")
    assert on_day.count() == 1 and before.count() == 0
    # Thoại Sơn: district NTM 2018 and advanced 2023 by QĐ 750/QĐ-TTg
    ts = RecognitionRecord.objects.get(unit__code="894", standard="advanced")
    assert "750/QĐ-TTg" in ts.decision_text
    # loading again changes nothing
    count = RecognitionRecord.objects.count()
    rb.load()
    assert RecognitionRecord.objects.count() == count


def test_merged_unit_shows_predecessors_standards_and_needs_own_assessment(an_giang):
    from chungsuc.geo.selectors import unit_by_code

    # Xã Mỹ Khánh (30310), recognised NTM in 2016, became part of Phường Bình Đức (30292) on 1/7/2025
    my_khanh = unit_by_code("30310", dt.date(2025, 6, 30))
    binh_duc = unit_by_code("30292", dt.date(2025, 7, 1))
    assert RecognitionRecord.objects.filter(unit=my_khanh, standard="ntm").exists()
    info = recognition_selectors.unit_standards(binh_duc, dt.date(2025, 12, 31))
    inherited = [i for i in info["inherited"] if i["predecessor"] == my_khanh]
    assert [i["record"].standard for i in inherited] == ["ntm"]
    assert all(i["verified"] is False for i in inherited)  # the 2025 mapping is a third-party reading
    assert info["own"] == [] and info["needs_own_assessment"] is True


def test_demo_assessment_is_labelled_and_partly_filled(demo):
    from chungsuc.assessments import demo as assessments_demo

    assessments_demo.load()
    a = Assessment.objects.get(unit__code="30703", year=2024)
    assert a.is_demo and "(DEMO)" in a.title
    assert 0 < a.filled < 57
    assert a.results.exists()


def test_recognition_import_names_bad_rows_and_writes_nothing_then_imports(users):
    from django.core.exceptions import PermissionDenied, ValidationError

    rows = [
        {
            "unit_code": "30703",
            "standard": "ntm",
            "year": 2019,
            "since": "2019-12-20",
            "decision": "QĐ 1/QĐ-UBND",
            "source": "https://example.invalid/qd",
            "verified": "true",
        },
        {"unit_code": "99999", "standard": "ntm", "since": "2019-12-20"},
        {"unit_code": "30727", "standard": "gold", "since": "2019-12-20"},
        {"unit_code": "30727", "standard": "ntm", "since": "20/12/2019"},
    ]
    before = RecognitionRecord.objects.count()
    with pytest.raises(ValidationError) as exc:
        recognition_services.recognition_import(actor=users["demo.tinh"], rows=rows)
    text = " ".join(exc.value.messages)
    assert "Dòng 3" in text and "99999" in text
    assert "Dòng 4" in text and "gold" in text
    assert "Dòng 5" in text and "20/12/2019" in text
    assert RecognitionRecord.objects.count() == before
    with pytest.raises(PermissionDenied):
        recognition_services.recognition_import(actor=users["demo.vinhchanh"], rows=rows[:1])
    assert recognition_services.recognition_import(actor=users["demo.tinh"], rows=rows[:1]) == 1
    rec = RecognitionRecord.objects.get(unit__code="30703", year=2019)
    assert rec.verified and rec.origin == "import" and rec.since == dt.date(2019, 12, 20)


def test_revocation_ends_the_register_entry_by_decision(users, vinh_chanh):
    from django.core.exceptions import ValidationError

    from chungsuc.core.models import AuditEntry

    rec = RecognitionRecord.objects.create(
        unit=vinh_chanh, standard="ntm", year=2020, since=dt.date(2020, 12, 1), source="thử", origin="import"
    )
    with pytest.raises(ValidationError):
        recognition_services.revocation_record(
            actor=users["demo.nnptnt"],
            record=rec,
            number="",
            date=dt.date(2024, 5, 1),
            signer="Chủ tịch UBND tỉnh",
            reason="",
        )
    d = recognition_services.revocation_record(
        actor=users["demo.nnptnt"],
        record=rec,
        number="9/QĐ-UBND",
        date=dt.date(2024, 5, 1),
        signer="Chủ tịch UBND tỉnh",
        reason="3 tiêu chí không còn đạt",
    )
    rec.refresh_from_db()
    assert rec.until == dt.date(2024, 4, 30) and rec.revocation == d
    assert recognition_selectors.register_as_of(dt.date(2024, 4, 30)).filter(pk=rec.pk).exists()
    assert not recognition_selectors.register_as_of(dt.date(2024, 5, 1)).filter(pk=rec.pk).exists()
    assert AuditEntry.objects.filter(action="recognition.revoke", target_id=str(rec.pk)).exists()
    from django.http import Http404

    with pytest.raises(Http404):
        recognition_services.revocation_record(
            actor=users["demo.chomoi"],
            record=rec,
            number="x",
            date=dt.date(2024, 6, 1),
            signer="x",
            reason="x",
        )
