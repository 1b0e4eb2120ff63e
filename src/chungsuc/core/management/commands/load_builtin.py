"""Load the built-in data of every app (An Giang's units, organisations, criteria sets, ...).

Idempotent: each app's `builtin.load(stdout=...)` is called in dependency order and must be safe to
run again. Bad data stops the load with a message naming the record, and nothing is written.
"""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand

ORDER = ["core", "geo", "accounts", "criteria", "assessments", "recognitions", "movements", "awards"]


class Command(BaseCommand):
    help = "Nạp dữ liệu có sẵn (đơn vị hành chính, tổ chức, bộ tiêu chí) — chạy lại nhiều lần an toàn."

    def handle(self, *args, **options):
        for label in ORDER:
            if not apps.is_installed(f"chungsuc.{label}"):
                continue
            try:
                module = import_module(f"chungsuc.{label}.builtin")
            except ModuleNotFoundError as exc:
                if exc.name == f"chungsuc.{label}.builtin":
                    continue
                raise
            module.load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Đã nạp dữ liệu có sẵn."))
