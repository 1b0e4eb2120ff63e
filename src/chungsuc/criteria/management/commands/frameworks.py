"""`chungsuc frameworks`: the codes of the criteria sets in force."""

from django.core.management.base import BaseCommand

from chungsuc.criteria.selectors import frameworks_current


class Command(BaseCommand):
    help = "Liệt kê mã các bộ tiêu chí đang áp dụng."

    def handle(self, *args, **options):
        for fw in frameworks_current():
            period = f"{fw.period_start or '…'}–{fw.period_end or '…'}"
            self.stdout.write(f"{fw.code}\tv{fw.version}\t{period}\t{fw.name}")
