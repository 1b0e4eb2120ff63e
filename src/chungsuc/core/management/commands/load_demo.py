"""Load the clearly labelled demo data set (demo users, one per role, and sample records).

Each app may provide `demo.load(stdout=...)`; this runs them in dependency order once. The demo
users' logins are printed (and listed in the README). Never run this on a production database.
"""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand

from chungsuc.core.management.commands.load_builtin import ORDER
from chungsuc.core.models import DataLoad


class Command(BaseCommand):
    help = "Nạp bộ dữ liệu DEMO (tài khoản mẫu theo vai trò, dữ liệu mẫu) — chỉ dùng để dùng thử."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Nạp lại dù đã nạp trước đó.")

    def handle(self, *args, force=False, **options):
        if DataLoad.objects.filter(name="demo").exists() and not force:
            self.stdout.write("Dữ liệu demo đã được nạp trước đó.")
        else:
            for label in ORDER:
                if not apps.is_installed(f"chungsuc.{label}"):
                    continue
                try:
                    module = import_module(f"chungsuc.{label}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name == f"chungsuc.{label}.demo":
                        continue
                    raise
                module.load(stdout=self.stdout)
            DataLoad.objects.update_or_create(name="demo", defaults={"is_demo": True})
        from chungsuc.accounts.demo import print_logins

        print_logins(self.stdout)
