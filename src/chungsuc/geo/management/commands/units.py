"""`chungsuc units --as-of YYYY-MM-DD --province CODE`: the administrative tree on a date, indented,
and the number of units by kind."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from chungsuc.geo import selectors
from chungsuc.geo.models import Unit, UnitKind, UnitLevel, UnitVersion
from chungsuc.geo.unitdata import fmt_date


class Command(BaseCommand):
    help = "In cây đơn vị hành chính của một tỉnh vào một ngày và số đơn vị theo loại."

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of", dest="as_of", default="", help="Ngày xem, dạng YYYY-MM-DD (mặc định hôm nay)."
        )
        parser.add_argument(
            "--province", default="", help="Mã tỉnh (ví dụ 89, 91); mặc định mọi tỉnh có hiệu lực."
        )

    def handle(self, *args, as_of="", province="", **options):
        if as_of:
            try:
                day = dt.date.fromisoformat(as_of.strip())
            except ValueError:
                raise CommandError(
                    f"Ngày '{as_of}' không hợp lệ: dùng định dạng YYYY-MM-DD, ví dụ 2023-06-30."
                )
        else:
            day = timezone.localdate()
        if province:
            root = selectors.unit_by_code(province.strip(), day)
            if root is None or root.level != UnitLevel.PROVINCE:
                raise CommandError(self._no_province(province.strip(), day))
            roots = [root]
        else:
            roots = [v.unit for v in selectors.units_on(day, level=UnitLevel.PROVINCE)]
            if not roots:
                raise CommandError(f"Không có tỉnh nào có hiệu lực vào ngày {fmt_date(day)}.")
        labels = dict(UnitKind.choices)
        for root in roots:
            for tree in selectors.tree_on(day, root=root):
                for node, depth in tree.walk():
                    v = node.version
                    self.stdout.write(f"{'  ' * depth}{v.name} ({v.code}) — {labels.get(v.kind, v.kind)}")
            counts = selectors.counts_by_kind(day, root=root)
            levels = selectors.counts_by_level(day, root=root)
            self.stdout.write("")
            self.stdout.write(f"Số đơn vị theo loại ({root.name}, mã {root.code}, ngày {fmt_date(day)}):")
            for kind, n in counts.items():
                self.stdout.write(f"  {labels.get(kind, kind)} ({kind}): {n}")
            level_labels = dict(UnitLevel.choices)
            for level, n in levels.items():
                self.stdout.write(f"  Tổng {str(level_labels[level]).lower()}: {n}")

    @staticmethod
    def _no_province(code: str, day: dt.date) -> str:
        units = Unit.objects.filter(versions__code=code, level=UnitLevel.PROVINCE).distinct()
        if not units:
            return f"Không có tỉnh mã {code} trong dữ liệu."
        spans = "; ".join(
            f"{fmt_date(v.valid_from)}–{fmt_date(v.valid_to, 'nay')}"
            for v in UnitVersion.objects.filter(code=code, unit__in=units).order_by("valid_from")
        )
        return f"Tỉnh mã {code} không có hiệu lực vào ngày {fmt_date(day)} (hiệu lực: {spans})."
