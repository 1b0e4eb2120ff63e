"""`chungsuc workflow_tick [--date dd/mm/yyyy]`: the workflow engine's scheduled job, for a cron
without a Celery broker (the same job Celery beat runs)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from chungsuc.core.workflow import workflow_tick


def _parse_date(text: str) -> dt.date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CommandError(f"Ngày «{text}» không hợp lệ (viết dd/mm/yyyy, ví dụ 15/12/2026).")


class Command(BaseCommand):
    help = "Chạy việc định kỳ của quy trình: chuyển hồ sơ quá hạn, kết thúc biểu quyết hết hạn, gửi nhắc hạn."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Chạy như thể hôm nay là ngày này (dd/mm/yyyy).")

    def handle(self, *args, **options):
        today = _parse_date(options["date"]) if options.get("date") else None
        report = workflow_tick(today=today)
        self.stdout.write(report.summary())
        for error in report.errors:
            self.stderr.write(error)
