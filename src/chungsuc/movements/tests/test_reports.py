"""A participant's annual report from draft to accepted through the workflow; the late mark; the
scheduled job's reminders run as the system; the consolidation's sums."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from chungsuc.core.models import AuditEntry, Notification
from chungsuc.core.workflow import case_for
from chungsuc.movements import selectors, services
from chungsuc.movements.models import Obligation, ReminderSent, Report
from chungsuc.movements.tests.conftest import client_for

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def aware(y, m, d):
    return timezone.make_aware(dt.datetime(y, m, d, 10, 0))


@pytest.fixture
def ob(plan861):
    return Obligation.objects.get(
        participant__movement=plan861,
        participant__organisation__code="so-tttt",
        kind="annual_report",
        year=2024,
    )


def state(report):
    return case_for(report, services.WORKFLOW_CODE).state.code


def _cv(report):
    return {"case_version": case_for(report, services.WORKFLOW_CODE).version}


def test_annual_report_goes_from_draft_to_accepted_through_the_pages(plan861, ob):
    so, tinh, other = client_for("demo.so"), client_for("demo.tinh"), client_for("demo.chomoi")
    # another participant's officer cannot even see it
    assert other.get(f"/movements/obligations/{ob.pk}/report/").status_code == 404
    r = so.post(
        f"/movements/obligations/{ob.pk}/report/",
        {
            "activities": "Mở chuyên mục NTM",
            "articles": "120",
            "state_budget": "1500000000",
            "land_m2": "2400",
            "workdays": "3000",
        },
    )
    report = Report.objects.get(obligation=ob)
    assert r.status_code == 302 and r["Location"] == f"/movements/reports/{report.pk}/"
    assert (report.articles, report.state_budget, report.land_m2) == (120, 1_500_000_000, 2400)
    assert state(report) == "draft"
    # bad input: named field, nothing written
    bad = so.post(
        f"/movements/reports/{report.pk}/", {"version": report.version, "articles": "mười", "credit": "-5"}
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert (
        "Số tin, bài: «mười» không phải số nguyên không âm" in html and 'data-testid="error-credit"' in html
    )
    report.refresh_from_db()
    assert report.articles == 120
    # attachment checked by content
    so.post(f"/movements/reports/{report.pk}/attach/", {"file": SimpleUploadedFile("bc.pdf", PDF)})
    so.post(
        f"/movements/reports/{report.pk}/attach/", {"file": SimpleUploadedFile("x.pdf", b"not a pdf at all")}
    )
    assert [a.original_name for a in report.attachments.all()] == ["bc.pdf"]
    # submit (after the due date of 15/12/2024: late, for good)
    case = case_for(report, services.WORKFLOW_CODE)
    so.post(
        f"/movements/reports/{report.pk}/transition/", {"transition": "submit", "case_version": case.version}
    )
    report.refresh_from_db()
    ob.refresh_from_db()
    assert state(report) == "submitted" and report.first_submitted_at is not None and ob.late
    # locked while submitted
    so.post(f"/movements/reports/{report.pk}/", {"version": report.version, "articles": "999"})
    report.refresh_from_db()
    assert report.articles == 120
    # the participant cannot accept its own report; Sở Nội vụ returns it with a reason
    so.post(f"/movements/reports/{report.pk}/transition/", {**_cv(report), "transition": "accept"})
    assert state(report) == "submitted"
    tinh.post(
        f"/movements/reports/{report.pk}/transition/", {**_cv(report), "transition": "return", "reason": ""}
    )
    assert state(report) == "submitted"  # a reason is required
    tinh.post(
        f"/movements/reports/{report.pk}/transition/",
        {**_cv(report), "transition": "return", "reason": "Thiếu số liệu ngày công"},
    )
    report.refresh_from_db()
    assert state(report) == "returned" and report.return_reason == "Thiếu số liệu ngày công"
    page = so.get(f"/movements/reports/{report.pk}/").content.decode()
    assert "Thiếu số liệu ngày công" in page and 'data-testid="late-mark"' in page
    so.post(
        f"/movements/reports/{report.pk}/",
        {
            "version": report.version,
            "articles": "120",
            "state_budget": "1500000000",
            "workdays": "3500",
            "land_m2": "2400",
        },
    )
    so.post(f"/movements/reports/{report.pk}/transition/", {**_cv(report), "transition": "submit"})
    tinh.post(f"/movements/reports/{report.pk}/transition/", {**_cv(report), "transition": "accept"})
    report.refresh_from_db()
    ob.refresh_from_db()
    assert state(report) == "accepted" and report.accepted_at is not None and report.workdays == 3500
    assert ob.late  # the late mark stays after acceptance
    actions = list(
        AuditEntry.objects.filter(target_id=str(report.pk), target_type="movements.report").values_list(
            "action", flat=True
        )
    )
    assert (
        actions.count("workflow.transition") == 4
    )  # submit, return, submit, accept and "movement.report_create" in actions
    data = selectors.obligations_data(plan861, year=2024, today=dt.date(2026, 12, 1))
    item = next(i for i in data["items"] if i["id"] == ob.pk)
    assert (item["status"], item["state"]) == ("late", "accepted")


def test_on_time_submission_and_missing_obligations(plan861, ob, django_user_model):
    so = django_user_model.objects.get(username="demo.so")
    report = services.report_save(actor=so, obligation=ob, data={"articles": "3"})
    services.report_transition(actor=so, report=report, transition="submit", now=aware(2024, 12, 10))
    ob.refresh_from_db()
    assert not ob.late
    data = selectors.obligations_data(plan861, year=2024, today=dt.date(2026, 12, 1))
    statuses = {i["participant"]: i["status"] for i in data["items"] if i["kind"] == "annual_report"}
    assert statuses["Sở TT&TT"] == "on_time"
    assert statuses["Hội Nông dân"] == "missing"
    years = {y["year"]: y for y in data["by_year"]}
    assert years[2024]["on_time"] == 1 and years[2024]["missing"] == years[2024]["owed"] - 1
    x = client_for("demo.tinh").get(
        f"/movements/{plan861.pk}/obligations/", {"year": "2024", "format": "xlsx"}
    )
    rows = list(
        load_workbook(io.BytesIO(x.content))["Nghĩa vụ báo cáo"].iter_rows(min_row=2, values_only=True)
    )
    assert (
        "Sở TT&TT",
        "Sở, ban, ngành",
        "Báo cáo hằng năm",
        2024,
        "VII.5",
        "15/12/2024",
        "10/12/2024",
        "Đã nộp",
        "Đúng hạn",
    ) in rows


def test_the_scheduled_job_reminds_before_and_after_and_marks_late_as_the_system(plan861):
    target = Obligation.objects.get(
        participant__movement=plan861,
        participant__organisation__code="so-tttt",
        kind="annual_report",
        year=2025,
    )
    # seven days before 15/12/2025: a reminder to the participant's officers
    sent = services.reminders_run(actor=None, today=dt.date(2025, 12, 8))
    assert sent["before"] >= 1
    so_note = Notification.objects.filter(recipient__username="demo.so", title__startswith="Sắp đến hạn")
    assert so_note.count() == 1 and "15/12/2025" in so_note.get().title
    # run again the same day: nothing sent twice
    services.reminders_run(actor=None, today=dt.date(2025, 12, 8))
    assert so_note.count() == 1
    # after the due date: overdue reminder and the late mark, audited as the system
    sent = services.reminders_run(actor=None, today=dt.date(2025, 12, 16))
    target.refresh_from_db()
    assert target.late and sent["marked_late"] >= 1
    assert ReminderSent.objects.filter(obligation=target, kind="overdue").exists()
    assert (
        Notification.objects.filter(recipient__username="demo.so", title__startswith="Quá hạn").count() >= 1
    )
    entry = AuditEntry.objects.get(action="movement.obligation_late", target_id=str(target.pk))
    assert entry.actor is None and entry.actor_repr == "hệ thống"
    # a later submission is still late; the mark stays
    from django.contrib.auth import get_user_model

    so = get_user_model().objects.get(username="demo.so")
    report = services.report_save(actor=so, obligation=target, data={"articles": "1"})
    services.report_transition(actor=so, report=report, transition="submit", now=aware(2025, 12, 20))
    target.refresh_from_db()
    assert target.late
    # an official cannot run the job as themself
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.reminders_run(actor=so, today=dt.date(2025, 12, 16))


def test_the_command_runs_the_job(plan861):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("movement_reminders", "--today", "2025-12-16", stdout=out)
    assert "quá hạn" in out.getvalue()
    assert Obligation.objects.filter(participant__movement=plan861, year=2025, late=True).exists()


def test_consolidation_sums_the_resources_mobilised(plan861, django_user_model):
    admin = django_user_model.objects.get(username="demo.tinh")
    rows = [
        (
            "so-tttt",
            {
                "state_budget": "1000000000",
                "credit": "200000000",
                "articles": "10",
                "land_m2": "100",
                "workdays": "50",
            },
            "accept",
        ),
        (
            "hoi-nong-dan",
            {
                "enterprises": "300000000",
                "community": "45000000",
                "land_m2": "2500",
                "models_replicated": "2",
            },
            "submit",
        ),
        (
            "ubnd-893",
            {"state_budget": "700000000", "community": "5000000", "workdays": "1200", "awards_proposed": "3"},
            "accept",
        ),
        ("ubnd-894", {"state_budget": "999999999"}, None),  # a draft: not consolidated
    ]
    for code, data, last in rows:
        ob = Obligation.objects.get(
            participant__movement=plan861,
            participant__organisation__code=code,
            kind="annual_report",
            year=2023,
        )
        report = services.report_save(actor=admin, obligation=ob, data=data)
        if last:
            services.report_transition(actor=admin, report=report, transition="submit")
        if last == "accept":
            services.report_transition(actor=admin, report=report, transition="accept")
    c = selectors.consolidation(plan861, year=2023)
    assert c["included"] == 3 and c["owed"] == 20
    assert c["totals"]["state_budget"] == 1_700_000_000
    assert c["totals"]["land_m2"] == 2600 and c["totals"]["workdays"] == 1250
    assert (
        c["resources_total"]
        == 1_000_000_000 + 200_000_000 + 300_000_000 + 45_000_000 + 700_000_000 + 5_000_000
    )
    assert {s["source"]: s["amount"] for s in c["by_source"]} == {
        "state_budget": 1_700_000_000,
        "credit": 200_000_000,
        "enterprises": 300_000_000,
        "community": 50_000_000,
    }
    districts = {d["district"]: d for d in c["by_district"]}
    assert districts["Cấp tỉnh"]["reports"] == 2 and districts["Huyện Chợ Mới"]["resources"] == 705_000_000
    page = client_for("demo.tinh").get(f"/movements/{plan861.pk}/consolidation/", {"year": "2023"})
    assert "2.250.000.000 đ" in page.content.decode()
    x = client_for("demo.tinh").get(
        f"/movements/{plan861.pk}/consolidation/", {"year": "2023", "format": "xlsx"}
    )
    wb = load_workbook(io.BytesIO(x.content))
    source = {r[0]: r[1] for r in wb["Theo nguồn lực"].iter_rows(min_row=2, values_only=True)}
    assert source["Tổng cộng"] == 2_250_000_000 and source["Cộng đồng dân cư"] == 50_000_000


def test_report_writes_need_the_version_and_a_no_op_save_writes_nothing(plan861):
    so = client_for("demo.so")
    ob = Obligation.objects.get(
        participant__movement=plan861,
        participant__organisation__code="so-tttt",
        kind="annual_report",
        year=2023,
    )
    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.get(username="demo.so")
    report = services.report_save(actor=officer, obligation=ob, data={"articles": "4"})
    audits = AuditEntry.objects.count()
    missing = so.post(f"/movements/reports/{report.pk}/", {"articles": "9"})
    assert missing.status_code == 400 and "«version»" in missing.content.decode()
    transition = so.post(f"/movements/reports/{report.pk}/transition/", {"transition": "submit"})
    assert transition.status_code == 400 and "«case_version»" in transition.content.decode()
    report.refresh_from_db()
    assert report.articles == 4 and state(report) == "draft" and AuditEntry.objects.count() == audits
    # the same values again: no new version, no audit row
    version = report.version
    same = services.report_save(
        actor=officer, obligation=ob, data={"articles": "4"}, expected_version=version
    )
    same.refresh_from_db()
    assert same.version == version and AuditEntry.objects.count() == audits
    # the creation form posted after someone else created the report (the service sees a report
    # already there, and no version): refused, nothing written
    from chungsuc.core.concurrency import VersionRequired

    with pytest.raises(VersionRequired) as exc:
        services.report_save(actor=officer, obligation=ob, data={"articles": "7"})
    assert exc.value.field == "version" and "«version»" in exc.value.message
    report.refresh_from_db()
    assert report.articles == 4 and report.version == version and AuditEntry.objects.count() == audits
    # the page: an empty POST and a POST with an unreadable version, 400 naming the field
    for data in ({}, {"articles": "9", "version": "abc"}):
        refused = so.post(f"/movements/reports/{report.pk}/", data)
        assert refused.status_code == 400 and "«version»" in refused.content.decode()
    report.refresh_from_db()
    assert report.articles == 4 and report.version == version and AuditEntry.objects.count() == audits


def test_the_engines_scheduled_tick_sends_the_obligations_reminders_once(plan861):
    """No separate job: `workflow_tick` (Celery beat hourly, or its cron line) runs the movements'
    reminders through its hook, as the system, and running it again sends nothing twice."""
    from chungsuc.core.workflow_schedule import workflow_tick

    target = Obligation.objects.get(
        participant__movement=plan861,
        participant__organisation__code="so-tttt",
        kind="annual_report",
        year=2025,
    )
    hook = "chungsuc.movements.services.reminders_tick"
    report = workflow_tick(today=dt.date(2025, 12, 8))
    assert not report.errors and report.hooks[hook] >= 1
    notes = Notification.objects.filter(recipient__username="demo.so", title__startswith="Sắp đến hạn")
    assert notes.count() == 1 and "15/12/2025" in notes.get().title
    assert workflow_tick(today=dt.date(2025, 12, 8)).hooks[hook] == 0
    workflow_tick(today=dt.date(2025, 12, 16))
    target.refresh_from_db()
    assert target.late and ReminderSent.objects.filter(obligation=target, kind="overdue").exists()
