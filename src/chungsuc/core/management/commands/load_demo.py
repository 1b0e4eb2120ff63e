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
        modules = list(_demo_modules())
        if DataLoad.objects.filter(name="demo").exists() and not force:
            self.stdout.write("Dữ liệu demo đã được nạp trước đó.")
        else:
            for module in modules:
                module.load(stdout=self.stdout)
            DataLoad.objects.update_or_create(name="demo", defaults={"is_demo": True})
        # an app's demo module may tell the user what it made (accounts prints the demo logins)
        for module in modules:
            if hasattr(module, "print_logins"):
                module.print_logins(self.stdout)


def _demo_modules():
    """Each installed app's `demo` module, in dependency order (core cannot import the apps above it
    by name: it finds them through the app registry)."""
    for label in ORDER:
        if not apps.is_installed(f"chungsuc.{label}"):
            continue
        try:
            yield import_module(f"chungsuc.{label}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"chungsuc.{label}.demo":
                raise
