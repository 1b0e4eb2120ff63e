"""The scheduled job of the movements: reminders before and after due dates and the late mark.

The engine's scheduled job runs the same work every hour (`workflow_tick`, through the
`CHUNGSUC_WORKFLOW_TICK_HOOKS` setting), so with Celery beat or the `workflow_tick` cron line nothing
else is needed; this command runs it alone (for another `--days-before`, or by hand). It acts as the
system."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from chungsuc.movements.services import reminders_run


class Command(BaseCommand):
    help = "Nhắc hạn nộp kế hoạch, báo cáo của phong trào thi đua; đánh dấu trễ hạn (chạy hằng ngày)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Ngày chạy (yyyy-mm-dd), mặc định hôm nay.")
        parser.add_argument("--days-before", type=int, default=7, help="Nhắc trước hạn bao nhiêu ngày.")

    def handle(self, *args, today=None, days_before=7, **options):
        try:
            day = dt.date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError(f"Ngày «{today}» không hợp lệ (yyyy-mm-dd).") from None
        sent = reminders_run(actor=None, today=day, days_before=days_before)
        self.stdout.write(
            f"Đã nhắc {sent['before']} nghĩa vụ sắp đến hạn, {sent['overdue']} nghĩa vụ quá hạn; "
            f"đánh dấu trễ hạn {sent['marked_late']}."
        )
